"""Build the package's compact real sample (``src/aithesis/sample``) from ``../shared/data``.

What goes in (every value copied from the origin files, nothing computed or filled):

- ``prices/<TICKER>.parquet``: the rows dated ``--start`` (default 2018-01-01) or later of
  ``prices/<TICKER>.csv`` for every ticker the demo reads: the built-in indexes'
  constituents, the ``agix`` template's benchmarks, and the built-in universe's names
  that have a price file (the exposure test buckets every stored universe name). Columns
  ``date`` (date32), ``open high low close adj_close volume`` (float64, empty cells null);
  numbers are parsed with Python's correctly rounded ``float``, so they are the CSV's.
- ``dividends/<TICKER>.csv`` and ``fx/USD<CCY>.csv``: the origin CSV's header and its lines
  dated ``--start`` or later, byte for byte (only the pairs the sample's currencies need).
  They stay CSV because the folder reader (``data/providers/csvdir.py``) reads dividends
  and FX from CSV files in this layout (Parquet ones only in the hive layout of an
  ``aithesis data export``); they are small.
- ``prices_manifest.csv``: the origin manifest's rows for these tickers, with ``file``,
  ``first_date``, ``last_date``, ``rows`` and ``dividends_file`` describing the sample's
  files.
- ``sec/<file>.json``: each recorded SEC companyfacts payload cut to the capex concepts the
  provider reads (``us-gaap`` ``PaymentsToAcquirePropertyPlantAndEquipment``,
  ``PaymentsToAcquireProductiveAssets``, ``PaymentsForCapitalImprovements``) plus the
  ``dei`` cover facts (shares outstanding, public float), in the payload's own shape.
- ``SOURCES.md``: origin file, its SHA-256, rows kept of rows in origin, first/last date,
  basis and origin repository for each file; the date built and this command.

The build fails when the sample would exceed ``--max-bytes`` (default 5 MB). It writes
to a temporary folder beside the target and swaps it in, so a failed build never leaves
a half-written sample. Run it from the repository root with the dev environment::

    .venv/bin/python scripts/build_sample.py            # or: make sample
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "aithesis"
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
DEFAULT_OUT = PACKAGE / "sample"
DEFAULT_START = "2018-01-01"
MAX_BYTES = 5_000_000
PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
SEC_CONCEPTS = {
    "us-gaap": (
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
        "PaymentsForCapitalImprovements",
    ),
    "dei": None,  # every cover fact (EntityCommonStockSharesOutstanding, EntityPublicFloat)
}


class BuildError(Exception):
    """The sample cannot be built as asked (message names the file and what to do)."""


def demo_tickers(source: Path) -> list[str]:
    """Tickers the demo reads that have a price file in ``source/prices``, sorted.

    Built-in index constituents and template benchmarks must all be present; universe
    names without a file are left out (the exposure test only buckets stored names).
    """
    wanted: set[str] = set()
    for path in sorted((PACKAGE / "index" / "builtins").glob("*.yaml")):
        wanted |= {str(t).upper() for t in yaml.safe_load(path.read_text())["universe"]["tickers"]}
    template = yaml.safe_load(
        (PACKAGE / "project" / "templates" / "agix" / "aithesis.yaml").read_text()
    )
    wanted |= {str(t).upper() for t in template.get("benchmarks", [])}
    available = {p.stem.upper(): p for p in (source / "prices").glob("*.csv")}
    missing = sorted(wanted - set(available))
    if missing:
        raise BuildError(
            f"{source / 'prices'}: no file for {', '.join(missing)} (a built-in index or "
            "benchmark needs it); pass --source pointing at the full sample data"
        )
    universe = yaml.safe_load((PACKAGE / "universe" / "data" / "universe.yaml").read_text())
    wanted |= {str(c["ticker"]).upper() for c in universe["companies"]} & set(available)
    return sorted(wanted)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _number(text: str, path: Path, line: int, column: str) -> float | None:
    if text.strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise BuildError(f"{path}:{line}: {column} '{text}' is not a number") from None


def price_table(path: Path, start: str) -> tuple[pa.Table, int]:
    """The rows of a price CSV dated ``start`` or later as an Arrow table; rows in origin."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kept = [(i + 2, r) for i, r in enumerate(rows) if r["date"][:10] >= start]
    columns: dict[str, Any] = {
        "date": pa.array([dt.date.fromisoformat(r["date"][:10]) for _, r in kept], pa.date32())
    }
    for column in PRICE_COLUMNS:
        values = [_number(r.get(column) or "", path, line, column) for line, r in kept]
        columns[column] = pa.array(values, pa.float64())
    return pa.table(columns), len(rows)


def copy_lines(origin: Path, target: Path, start: str) -> tuple[int, int, str, str]:
    """Copy the header and the lines dated ``start`` or later; (kept, total, first, last)."""
    lines = origin.read_bytes().splitlines(keepends=True)
    header, body = lines[0], [x for x in lines[1:] if x.strip()]
    kept = [x for x in body if x[:10].decode() >= start]
    if kept and not kept[-1].endswith(b"\n"):
        kept[-1] += b"\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + b"".join(kept))
    first = kept[0][:10].decode() if kept else ""
    last = kept[-1][:10].decode() if kept else ""
    return len(kept), len(body), first, last


def cut_payload(origin: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The companyfacts payload with only the capex concepts and the cover facts."""
    payload = json.loads(origin.read_text(encoding="utf-8"))
    facts: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for taxonomy, concepts in SEC_CONCEPTS.items():
        present = payload.get("facts", {}).get(taxonomy, {})
        keep = {k: v for k, v in present.items() if concepts is None or k in concepts}
        if keep:
            facts[taxonomy] = keep
        for name, body in keep.items():
            counts[f"{taxonomy}:{name}"] = sum(len(v) for v in body.get("units", {}).values())
    out = {k: v for k, v in payload.items() if k != "facts"}
    out["facts"] = facts
    return out, counts


def _currencies(tickers: list[str]) -> list[str]:
    sys.path.insert(0, str(REPO / "src"))
    from aithesis.markets import currency_of

    return sorted({currency_of(t) for t in tickers} - {"USD"})


def build(source: Path, out: Path, start: str, built: str, max_bytes: int = MAX_BYTES) -> int:
    """Write the sample to ``out`` (replacing it); returns its size in bytes."""
    if not (source / "prices").is_dir():
        raise BuildError(f"{source}: no prices/ folder; pass --source with the full sample data")
    tickers = demo_tickers(source)
    manifest_path = source / "prices_manifest.csv"
    with manifest_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        manifest = {r["ticker"].upper().lstrip("^"): r for r in reader}
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".sample-", dir=out.parent))
    stage.chmod(0o755)  # mkdtemp makes it private; the package folder must be readable
    try:
        notes = _write(source, stage, tickers, manifest, fields, start)
        (stage / "SOURCES.md").write_text(
            _sources_md(notes, source, start, built), encoding="utf-8"
        )
        size = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file())
        if size > max_bytes:
            raise BuildError(f"the sample would be {size:,} bytes, over the {max_bytes:,} limit")
        old = out.with_name(out.name + ".old")
        if out.exists():
            out.rename(old)
        stage.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return size


def _write(
    source: Path,
    stage: Path,
    tickers: list[str],
    manifest: dict[str, dict[str, str]],
    fields: list[str],
    start: str,
) -> dict[str, list[dict[str, Any]]]:
    notes: dict[str, list[dict[str, Any]]] = {"prices": [], "dividends": [], "fx": [], "sec": []}
    rows_out = []
    for ticker in tickers:
        origin = source / "prices" / f"{ticker}.csv"
        if ticker not in manifest:
            raise BuildError(f"{source / 'prices_manifest.csv'}: no row for {ticker}")
        table, total = price_table(origin, start)
        if table.num_rows == 0:
            raise BuildError(f"{origin}: no rows from {start} on")
        target = stage / "prices" / f"{ticker}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, target, compression="zstd", compression_level=9)
        dates = table.column("date").to_pylist()
        row = dict(manifest[ticker])
        row.update(
            file=f"prices/{ticker}.parquet",
            first_date=dates[0].isoformat(),
            last_date=dates[-1].isoformat(),
            rows=str(table.num_rows),
        )
        note = {
            "file": f"prices/{ticker}.parquet",
            "origin": origin,
            "rows": table.num_rows,
            "total": total,
            "first": row["first_date"],
            "last": row["last_date"],
            "basis": row.get("close_basis", ""),
            "repo": f"{row.get('source_repo', '')} @ {row.get('commit', '')[:12]}",
        }
        notes["prices"].append(note)
        div = source / "dividends" / f"{ticker}.csv"
        row["dividends_file"] = ""
        if div.is_file():
            kept, all_rows, first, last = copy_lines(div, stage / "dividends" / div.name, start)
            if kept:
                row["dividends_file"] = f"dividends/{div.name}"
                notes["dividends"].append(
                    {
                        "file": f"dividends/{div.name}",
                        "origin": div,
                        "rows": kept,
                        "total": all_rows,
                        "first": first,
                        "last": last,
                    }
                )
            else:
                (stage / "dividends" / div.name).unlink()
        rows_out.append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows_out)
    (stage / "prices_manifest.csv").write_text(buffer.getvalue(), encoding="utf-8")
    for ccy in _currencies(tickers):
        origin = source / "fx" / f"USD{ccy}.csv"
        if not origin.is_file():
            raise BuildError(f"{origin}: missing (the sample holds {ccy} prices)")
        kept, all_rows, first, last = copy_lines(origin, stage / "fx" / origin.name, start)
        notes["fx"].append(
            {
                "file": f"fx/{origin.name}",
                "origin": origin,
                "rows": kept,
                "total": all_rows,
                "first": first,
                "last": last,
            }
        )
    for origin in sorted((source / "sec").glob("CIK*.json")):
        payload, counts = cut_payload(origin)
        target = stage / "sec" / origin.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
        notes["sec"].append(
            {
                "file": f"sec/{origin.name}",
                "origin": origin,
                "entity": payload.get("entityName"),
                "counts": counts,
            }
        )
    return notes


def _sources_md(
    notes: dict[str, list[dict[str, Any]]], source: Path, start: str, built: str
) -> str:
    def rel(path: Path) -> str:
        return "../shared/data/" + path.relative_to(source).as_posix()

    lines = [
        "# The package's compact real sample: sources",
        "",
        f"Built {built} by `scripts/build_sample.py` (`make sample`) from `../shared/data`",
        "(read its SOURCES.md for where each origin file comes from and how it was checked),",
        f"keeping the rows dated {start} or later.",
        "Nothing is computed, filled or adjusted: prices are the origin CSV's numbers in",
        "Parquet (empty cells null; `adj_close` is empty in every origin file, as there);",
        "dividends and FX are the origin CSV's header and lines, byte for byte; SEC payloads are",
        "the recorded companyfacts JSON cut to the capex concepts and the `dei` cover facts.",
        "`aithesis` uses this folder when no `../shared/data` (or `$AITHESIS_SAMPLE_DATA`) is",
        "found. Rebuilding from the same origin files gives the same values.",
        "",
        f"## Prices ({len(notes['prices'])} tickers: the built-in indexes' constituents, the",
        "demo's benchmarks, and the built-in universe's names with a price file)",
        "",
        "| file | origin | origin sha256 | rows kept / in origin | first | last | basis "
        "| origin repository |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in notes["prices"]:
        lines.append(
            f"| {n['file']} | {rel(n['origin'])} | {_sha256(n['origin'])[:16]} | "
            f"{n['rows']} / {n['total']} | {n['first']} | {n['last']} | {n['basis']} "
            f"| {n['repo']} |"
        )
    for title, key in (("Dividends", "dividends"), ("FX (quote currency per 1 USD)", "fx")):
        lines += [
            "",
            f"## {title}",
            "",
            "| file | origin | origin sha256 | rows kept / in origin | first | last |",
            "|---|---|---|---|---|---|",
        ]
        for n in notes[key]:
            lines.append(
                f"| {n['file']} | {rel(n['origin'])} | {_sha256(n['origin'])[:16]} | "
                f"{n['rows']} / {n['total']} | {n['first']} | {n['last']} |"
            )
    lines += [
        "",
        "## SEC companyfacts (capex concepts and cover facts only)",
        "",
        "| file | origin | origin sha256 | company | facts kept |",
        "|---|---|---|---|---|",
    ]
    for n in notes["sec"]:
        kept = "; ".join(f"{k} {v}" for k, v in n["counts"].items())
        lines.append(
            f"| {n['file']} | {rel(n['origin'])} | {_sha256(n['origin'])[:16]} | "
            f"{n['entity']} | {kept} |"
        )
    lines += [
        "",
        "Licences and origins: as in ../shared/data/SOURCES.md, ../shared/data/fx/SOURCES.md and",
        "../shared/data/sec/SOURCES.md (Yahoo Finance quotes via public repositories; FRED and",
        "Yahoo FX; SEC EDGAR data, US-government).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="full sample data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="sample folder to write")
    parser.add_argument("--start", default=DEFAULT_START, help="first date kept (YYYY-MM-DD)")
    parser.add_argument("--built", default=None, help="date written as built (default today)")
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    args = parser.parse_args(argv)
    built = args.built or dt.datetime.now(dt.UTC).date().isoformat()
    try:
        dt.date.fromisoformat(args.start)
        size = build(args.source.resolve(), args.out, args.start, built, args.max_bytes)
    except (BuildError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
