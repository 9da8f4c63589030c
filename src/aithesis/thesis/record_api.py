"""Record claims against a store: fetch what each claim reads, judge it then and since.

The caller's side of :mod:`aithesis.thesis.record`: this module reads the store (prices,
``adj_close`` as the total-return basis, fundamentals) and recorded SEC companyfacts
payloads (shares outstanding per cover date, split ratios, KPI facts) for exactly the
tickers the claims' data functions name, and passes them in as
:class:`~aithesis.thesis.record_data.RecordData`. The formula evaluator never reads.

Market cap share basis: filed counts are restated to the price basis with the filings'
``StockholdersEquityNoteStockSplitConversionRatio1`` facts (see
:func:`~aithesis.thesis.record_data.split_adjusted`).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aithesis.errors import AithesisError, DataError, SpecError
from aithesis.thesis import expr as fx
from aithesis.thesis.api import _builtin_paths, load_model
from aithesis.thesis.articles_meta import article_date
from aithesis.thesis.record import judge
from aithesis.thesis.record_data import (
    KpiFact,
    PriceSeries,
    RecordData,
    SharesSeries,
    split_adjusted,
)
from aithesis.thesis.results import ClaimReport, ClaimResult
from aithesis.thesis.units import conversion_factor, format_unit, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store
    from aithesis.thesis.model import ThesisModel

__all__ = ["check_records", "fetch_record", "record_requests"]

_SPLIT = "StockholdersEquityNoteStockSplitConversionRatio1"
_RECORD_KINDS = ("actual", "derived")
"""Fundamentals kinds that are the record (filed or computed from filings); estimates
and guidance quoted from articles are what a claim is judged against, not evidence."""


def _ticker_args(call: ast.Call) -> list[tuple[str, str]]:
    """(kind, name) pairs a data call reads: ``("prices", T)``, ``("shares", T)``,
    ``("kpi", entity)``."""
    name, args = call.func.id, call.args  # type: ignore[attr-defined]
    text = [a.id if isinstance(a, ast.Name) else str(getattr(a, "value", "")) for a in args]
    if name == "first_date":
        return _ticker_args(args[0].left)  # type: ignore[attr-defined]
    if name == "kpi":
        return [("kpi", text[0].upper())]
    if name == "excess_return":
        return [("prices", text[0].upper()), ("prices", text[1].upper())]
    out = [("prices", text[0].upper())]
    if name == "market_cap":
        out.append(("shares", text[0].upper()))
    return out


def record_requests(trees: list[ast.expr]) -> dict[str, set[str]]:
    """What a set of record expressions reads: ``{"prices": {...}, "shares": ..., "kpi": ...}``."""
    out: dict[str, set[str]] = {"prices": set(), "shares": set(), "kpi": set()}
    for tree in trees:
        for call in fx.data_calls(tree):
            for kind, name in _ticker_args(call):
                out[kind].add(name)
    return out


def _payload(sec_dir: Path | None, ticker: str) -> dict | None:
    from aithesis.data.providers.sec_facts import BUILTIN_CIKS
    from aithesis.data.providers.sec_files import SecFiles

    if sec_dir is None or ticker not in BUILTIN_CIKS or not Path(sec_dir).exists():
        return None
    files = SecFiles(sec_dir)
    cik = BUILTIN_CIKS[ticker][0]
    return files.payload(cik) if cik in files.ciks() else None


def _splits(payload: dict) -> list[tuple[dt.date, float]]:
    items = payload.get("facts", {}).get("us-gaap", {}).get(_SPLIT, {}).get("units", {})
    out = []
    for facts in items.values():
        for f in facts:
            try:
                out.append((dt.date.fromisoformat(str(f["end"])), float(f["val"])))
            except (KeyError, TypeError, ValueError):
                continue
    return out


def _shares(payload: dict, ticker: str) -> SharesSeries | None:
    from aithesis.data.providers.sec_xbrl import shares_outstanding_frame

    frame = shares_outstanding_frame(payload, ticker=ticker)
    if frame.empty:
        return None
    dates = frame["date"].to_numpy().astype("datetime64[D]")
    counts = frame["shares"].to_numpy(dtype=np.float64)
    adjusted, notes = split_adjusted(dates, counts, _splits(payload))
    filed = frame["filed"].to_numpy().astype("datetime64[D]")
    return SharesSeries(ticker, dates, filed, counts, adjusted, tuple(notes))


def fetch_record(
    store: Store, wanted: dict[str, set[str]], sec_dir: str | Path | None = None
) -> RecordData:
    """Read what ``wanted`` names (see :func:`record_requests`) from the store and the SEC
    payload folder; absent series are listed in ``missing`` (unknown tickers are left out
    so the judgement can name them)."""
    data = RecordData(sources=(str(store.path), str(sec_dir or "")))
    stored = set(store.tickers())
    tickers = sorted(t for t in wanted["prices"] if t in stored)
    if tickers:
        frame = store.prices(tickers)
        for t, rows in frame.groupby("ticker", sort=False):
            total = rows["adj_close"].to_numpy(dtype=np.float64)
            close = rows["close"].to_numpy(dtype=np.float64)
            data.prices[str(t)] = PriceSeries(
                str(t),
                rows["date"].to_numpy().astype("datetime64[D]"),
                close,
                np.where(np.isfinite(total), total, np.nan),
                str(rows["basis"].iloc[-1]) if "basis" in rows else "",
                str(rows["currency"].iloc[-1]) if "currency" in rows else "",
            )
    ends = [s.dates[-1] for s in data.prices.values() if s.dates.size]
    data.latest = dt.date.fromisoformat(str(max(ends))) if ends else None
    sec = Path(sec_dir) if sec_dir is not None else None
    for t in sorted(wanted["shares"] | wanted["kpi"]):
        payload = _payload(sec, t)
        if t in wanted["shares"]:
            series = _shares(payload, t) if payload is not None else None
            if series is None:
                data.missing[f"shares:{t}"] = f"no shares-outstanding facts for {t} ({sec})"
            else:
                data.shares[t] = series
        if t in wanted["kpi"]:
            data.kpis.extend(_kpis(store, payload, t))
    if data.kpis:  # the record reaches the last filing too
        filed = max(f.as_of for f in data.kpis)
        data.latest = max(data.latest, filed) if data.latest else filed
    return data


def _kpis(store: Store, payload: dict | None, ticker: str) -> list[KpiFact]:
    import pandas as pd

    frames = [store.fundamentals(ticker=ticker, latest_only=False)]
    if payload is not None:
        from aithesis.data.providers.sec_xbrl import companyfacts_to_frame

        with contextlib.suppress(AithesisError):  # no usable facts: the store's only
            frames.append(companyfacts_to_frame(payload, ticker=ticker))
    frame = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else None
    )
    if frame is None:
        return []
    if "kind" in frame:  # an article's estimate or a company's guidance is no record
        frame = frame[frame["kind"].isin(_RECORD_KINDS) | frame["kind"].isna()]
    return [
        KpiFact(
            ticker,
            str(r.metric),
            str(r.fiscal_period),
            *_in_usd(float(r.value), str(r.unit)),
            pd.Timestamp(r.as_of).date(),
        )
        for r in frame.itertuples()
    ]


def _in_usd(value: float, unit: str) -> tuple[float, str]:
    """A money fact in USD (``1000 USD_100M`` -> ``1e11 USD``); other units unchanged."""
    from aithesis.kpi.units import UNITS, convert

    info = UNITS.get(unit)
    if info is None or unit == "USD" or info.dimension != "money" or info.currency != "USD":
        return value, unit
    return convert(value, unit, "USD"), "USD"


def _where(model: ThesisModel, i: int, claim_id: str, key: str = "expr") -> dict[str, Any]:
    return {"file": model.file, "row": model.line("claims", i, key), "field": f"claims.{claim_id}"}


def _compiled(model: ThesisModel) -> list[tuple[int, Any, ast.expr, fx.Compiled, float]]:
    out = []
    for i, c in model.spec.record_claims:
        where = _where(model, i, c.id)
        tree = fx.parse(c.expr, file=model.file, field=f"claims.{c.id}.expr")
        calls = fx.data_calls(tree)
        if not calls:
            raise SpecError(
                "a record claim needs a data function (close, market_cap, ...)", **where
            )
        fn = fx.compile_tree(tree, set(), file=model.file, field=f"claims.{c.id}.expr", data=True)
        factor = 1.0
        if c.unit:
            try:
                factor = conversion_factor(parse_unit("USD"), parse_unit(c.unit))
            except AithesisError:
                raise SpecError(f"unit {c.unit!r} is not a money unit", **where) from None
        out.append((i, c, tree, fn, factor))
    return out


def _article(model: ThesisModel, i: int, c: Any, catalogue: str | Path | None) -> dt.date:
    if c.article_date:
        try:
            return dt.date.fromisoformat(c.article_date)
        except ValueError:
            raise SpecError(
                f"article_date {c.article_date!r} is not an ISO date (YYYY-MM-DD)",
                **_where(model, i, c.id, "article_date"),
            ) from None
    source = c.article or c.source or model.spec.source
    day = article_date(source, catalogue)
    if day is None:
        raise SpecError(
            f"article {source!r} is not in the article catalogue",
            **_where(model, i, c.id),
            hint="give article_date: YYYY-MM-DD on the claim, or catalogue the article",
        )
    return day


def _judge_model(
    model: ThesisModel, store: Store | None, sec_dir: Any, catalogue: Any, strict: bool
) -> list[ClaimResult]:
    compiled = _compiled(model)
    if not compiled:
        return []
    if store is None:
        i, c = compiled[0][0], compiled[0][1]
        raise DataError(
            "record claims read data functions and need a store",
            **_where(model, i, c.id),
            hint="import the sample data (aithesis data import) and pass --store",
        )
    data = fetch_record(store, record_requests([t for _, _, t, _, _ in compiled]), sec_dir)
    rows = []
    for i, c, tree, fn, factor in compiled:
        where = _where(model, i, c.id)
        article = _article(model, i, c, catalogue)
        read = record_requests([tree])["prices"]
        ends = [data.prices[t].dates[-1] for t in read if t in data.prices]
        # "since" = the last date every series the claim reads covers
        latest = dt.date.fromisoformat(str(min(ends))) if ends else data.latest or article
        try:
            then = judge(tree, fn, c, factor, data, article, article)
            since = judge(tree, fn, c, factor, data, article, latest)
        except AithesisError as exc:
            raise DataError(exc.message, **where, hint=exc.hint) from None
        if strict and "no_data" in (then.status, since.status):
            raise DataError(since.note or then.note, **where)
        rows.append(
            ClaimResult(
                model=model.name,
                claim_id=c.id,
                text=c.text or c.quote or c.expr,
                source=c.source or c.article or model.spec.source or "",
                claimed=c.claimed,
                computed=since.computed,
                unit=format_unit(parse_unit(c.unit)) if c.unit else "",
                rel_error=since.rel_error,
                status=since.status,
                op=c.op if c.claimed is not None else "first",
                tol=c.tol,
                quote=c.quote or "",
                note="; ".join(dict.fromkeys(n for n in (then.note, since.note, c.note) if n)),
                kind="record",
                status_then=then.status,
                status_since=since.status,
                computed_then=then.computed,
                computed_since=since.computed,
                as_of_then=article.isoformat(),
                as_of_since=latest.isoformat(),
            )
        )
    return rows


def check_records(
    names: list[str | Path] | None = None,
    *,
    store: Store | None,
    sec_dir: str | Path | None = None,
    catalogue: str | Path | None = None,
    strict: bool = False,
) -> ClaimReport:
    """Judge every ``kind: record`` claim of the given models (default: every built-in).

    Args:
        store: prices (and fundamentals); None raises for a model with record claims.
        sec_dir: recorded SEC companyfacts payloads (shares outstanding, split ratios,
            KPI facts); default ``<sample data>/sec``.
        catalogue: a project's own article catalogue, added to the built-in one.
        strict: a missing series or fact is an error instead of status ``no_data``.

    Raises:
        DataError / SpecError / FormulaError: one line naming the model file, line and
            claim (unknown ticker, date before the data, not a date, no store).
    """
    if sec_dir is None:
        from aithesis.config import sample_data_dir

        try:
            sec_dir = sample_data_dir() / "sec"
        except AithesisError:
            sec_dir = None
    targets = names if names is not None else list(_builtin_paths())
    rows: list[ClaimResult] = []
    for name in targets:
        rows.extend(_judge_model(load_model(name), store, sec_dir, catalogue, strict))
    return ClaimReport(results=tuple(rows))
