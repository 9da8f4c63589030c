"""Fetch what record expressions read: prices, share counts, KPI facts, index levels.

The caller's side of :mod:`aithesis.thesis.record` and :mod:`aithesis.thesis.record_from`:
this module reads the store (prices, ``adj_close`` as the total-return basis,
fundamentals), recorded SEC companyfacts payloads (shares outstanding per cover date,
split ratios, KPI facts) and builds indexes, for exactly what the expressions' data
functions name, and passes it in as :class:`~aithesis.thesis.record_data.RecordData`.
The formula evaluator never reads.

Market cap share basis: filed counts are restated to the price basis with the filings'
``StockholdersEquityNoteStockSplitConversionRatio1`` facts (see
:func:`~aithesis.thesis.record_data.split_adjusted`).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aithesis.errors import AithesisError
from aithesis.thesis import expr as fx
from aithesis.thesis.record_data import (
    KpiFact,
    PriceSeries,
    RecordData,
    SharesSeries,
    split_adjusted,
)

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store

__all__ = ["fetch_record", "record_requests"]

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
    if name == "index_level":
        return [("index", text[0])]
    if name == "excess_return":
        return [("prices", text[0].upper()), ("prices", text[1].upper())]
    out = [("prices", text[0].upper())]
    if name == "market_cap":
        out.append(("shares", text[0].upper()))
    return out


def record_requests(trees: list[ast.expr]) -> dict[str, set[str]]:
    """What a set of record expressions reads: ``{"prices": {...}, "shares": ..., "kpi": ...,
    "index": ...}`` (tickers upper-case, index names as written)."""
    out: dict[str, set[str]] = {"prices": set(), "shares": set(), "kpi": set(), "index": set()}
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


def _index_series(name: str, source: Any, store: Store) -> PriceSeries:
    """Levels of an index: ``source`` is a pandas Series of levels by date (built by the
    caller), or a methodology (object, YAML path, built-in name) built over the store."""
    import pandas as pd

    if not isinstance(source, pd.Series):
        from aithesis.index.api import build_index

        source = build_index(source, store).levels
    levels = source.dropna().sort_index()
    values = levels.to_numpy(dtype=np.float64)
    dates = pd.DatetimeIndex(levels.index).to_numpy().astype("datetime64[D]")
    return PriceSeries(name, dates, values, values, "index", "")


def _fetch_indexes(
    store: Store, data: RecordData, names: set[str], indexes: Mapping[str, Any] | None
) -> None:
    from aithesis.index.api import list_builtin_indexes

    given = dict(indexes or {})
    builtin = set(list_builtin_indexes())
    for name in sorted(names):
        source = given.get(name, name if name in builtin else None)
        if source is None:
            continue  # unknown: the resolver names it
        try:
            data.indexes[name] = _index_series(name, source, store)
        except AithesisError as exc:
            data.missing[f"index:{name}"] = f"index {name!r} could not be built: {exc.message}"


def fetch_record(
    store: Store,
    wanted: dict[str, set[str]],
    sec_dir: str | Path | None = None,
    indexes: Mapping[str, Any] | None = None,
) -> RecordData:
    """Read what ``wanted`` names (see :func:`record_requests`) from the store and the SEC
    payload folder; absent series are listed in ``missing`` (unknown tickers are left out
    so the judgement can name them).

    Args:
        indexes: a project's indexes by name (a methodology or its YAML path, built here
            over the store, or a Series of levels by date); built-in ones need no entry.
    """
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
    _fetch_indexes(store, data, wanted.get("index", set()), indexes)
    series = [*data.prices.values(), *data.indexes.values()]
    ends = [s.dates[-1] for s in series if s.dates.size]
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
