"""``aithesis model check --record``: the record claims' table (then and since columns)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from aithesis import numfmt
from aithesis.cli.model_options import shown_value
from aithesis.thesis.results import ClaimReport

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.thesis.record_bind import AsOfRun

__all__ = ["judge_records", "literal_frame", "print_record_table", "run_bound"]

_COLOURS = {
    "ok": "green",
    "came_true": "green",
    "flagged": "red",
    "did_not_come_true": "red",
    "not_yet": "yellow",
    "no_data": "yellow",
}


def _indexes(paths: list[Path] | None) -> dict[str, Path]:
    """``--index FILE`` options by name (the file name without ``.yaml``)."""
    return {Path(p).name.removesuffix(".yaml").removesuffix(".yml"): Path(p) for p in paths or []}


def judge_records(
    names: list[str] | None,
    store_path: Path | None,
    sec_dir: Path | None,
    strict: bool,
    indexes: list[Path] | None = None,
) -> ClaimReport:
    """Open the store read-only and judge the record claims of ``names`` (None: all)."""
    from aithesis.cli._common import open_store
    from aithesis.thesis.record_api import check_records

    with open_store(store_path, read_only=True) as store:
        return check_records(
            names, store=store, sec_dir=sec_dir, strict=strict, indexes=_indexes(indexes)
        )


def run_bound(
    name: str,
    as_of: list[str],
    store_path: Path | None,
    sec_dir: Path | None,
    indexes: list[Path] | None,
    scenario: str | None,
    overrides: dict[str, Any],
) -> AsOfRun:
    """``model run --as-of``: the model evaluated with its data as of each date."""
    from aithesis.cli._common import open_store
    from aithesis.thesis.record_bind import run_as_of

    with open_store(store_path, read_only=True) as store:
        return run_as_of(
            name,
            as_of,
            store=store,
            scenario=scenario,
            overrides=overrides,
            sec_dir=sec_dir,
            indexes=_indexes(indexes),
        )


def literal_frame(name: str, scenario: str | None, overrides: dict[str, Any]) -> tuple[Any, str]:
    """``model run`` without a store: the evaluation's frame and title; drivers bound to
    data keep their literal value, and a ``from``/``source`` column and the title say so."""
    from aithesis.thesis import load_model

    model = load_model(name)
    ev = model.evaluate(scenario=scenario, overrides=overrides)
    frame = ev.to_frame()
    title = f"{ev.model} ({scenario or 'base'}); output {ev.output}"
    if model.bindings:
        names = list(frame["name"])
        frame.insert(
            2, "from", [model.bindings[n].expr if n in model.bindings else "" for n in names]
        )
        frame["source"] = ["literal (no store)" if n in model.bindings else "" for n in names]
        title += (
            f"; bound to data but literal here (no store; give --as-of or --store): "
            f"{', '.join(model.bindings)}"
        )
    return frame, title


def _shown(value: Any, unit: str, name: str) -> str:
    """A computed or claimed figure in the unit column's unit (:func:`numfmt.unit_label`):
    a dimensionless ratio under 10 as a percentage, a date as written, never scientific."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return "n/a"
    if not unit and abs(value) < 10:
        return f"{value:+.1%}"
    return shown_value(float(value), unit, name, sig=4)


def _claimed(value: Any, unit: str, name: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple | list):
        lo, hi = sorted(float(v) for v in value)
        return f"{_shown(lo, unit, name)}..{_shown(hi, unit, name)}"
    return _shown(float(value), unit, name)


def print_record_table(report: ClaimReport, *, wide: bool = False) -> None:
    """One row per record claim: claimed, then (as of the article date), since (latest);
    each note under its row when the terminal is narrow (:func:`fit_table`)."""
    from aithesis.cli._common import fit_table

    came = sum(r.status_since == "came_true" for r in report)
    title = (
        f"claims against the record: {len(report)} judged, "
        f"{len(report.flagged)} flagged, {came} came true"
    )
    columns = ["model", "claim", "op", "claimed", "unit", "then", "since", "note"]
    rows = []
    for r in report:
        cells: list[Any] = []
        for status, value, day in (
            (r.status_then, r.computed_then, r.as_of_then),
            (r.status_since, r.computed_since, r.as_of_since),
        ):
            colour = _COLOURS.get(status, "yellow")
            text = Text(status, style=colour)
            text.append(f" {_shown(value, r.unit, r.claim_id)} ({day})")
            cells.append(text)
        rows.append(
            [
                r.model,
                r.claim_id,
                r.op,
                _claimed(r.claimed, r.unit, r.claim_id),
                numfmt.unit_label(r.unit, r.claim_id),
                *cells,
                r.note,
            ]
        )
    fit_table(columns, rows, title=title, prose={"note"}, wide=wide)
