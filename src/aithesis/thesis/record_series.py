"""The series that decides a record claim: what the report's small chart per claim draws.

For a market claim (``close``, ``market_cap``, ``total_return``, ``excess_return``,
``first_date``) :func:`claim_chart` reads, from the :class:`~aithesis.thesis.record_data.
RecordData` the caller fetched (no I/O here), the daily series of each ticker the claim
names, with the data as of the "since" judgement's date:

* ``market_cap`` / ``first_date(market_cap(...) ...)``: close x split-adjusted shares
  outstanding (the convention of :mod:`aithesis.thesis.record_data`), in the claim's unit
  (``USD_tn``, ``USD_bn``; :data:`FIRST_DATE_UNIT` when the claim has none);
* ``close``: the stored close, in the listing's currency;
* ``total_return`` / ``excess_return``: the cumulative total return (``adj_close`` basis)
  from the claim's window start, in decimal (0 at the start); for an excess return the
  ticker and its benchmark.

Point claims show a year either side of the dates they read (up to the as-of date);
return claims show their window (to the article date when that is later); ``first_date``
claims from a year before their ``after`` date to the as-of date. ``threshold`` holds
the horizontal line(s) the claim compares with, when the figure compared is the plotted
series itself (one data call, or a ``first_date`` condition); KPI claims have no chart.
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from aithesis.errors import AithesisError
from aithesis.thesis import expr as fx
from aithesis.thesis.record import MissingData, Resolver, resolve_date
from aithesis.thesis.record_data import RecordData
from aithesis.thesis.units import conversion_factor, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store
    from aithesis.thesis.model import ThesisModel

__all__ = ["FIRST_DATE_UNIT", "ChartLine", "RecordChart", "claim_chart", "record_charts"]

_YEAR = dt.timedelta(days=365)
FIRST_DATE_UNIT = "USD_bn"
"""Unit of a ``first_date(market_cap(...) ...)`` chart when the claim gives none."""
_MARKET = ("close", "market_cap", "total_return", "excess_return")


@dataclass(frozen=True)
class ChartLine:
    """One ticker's series: ``dates`` ascending ``datetime64[D]``, ``values`` float64 (NaN
    where a figure is missing, e.g. before the first filing)."""

    label: str
    dates: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class RecordChart:
    """What decides one record claim, drawn as a small chart.

    Attributes:
        measure: ``market_cap``, ``close`` or ``total_return``.
        unit: unit of ``values`` and ``threshold`` (``USD_tn``, ``USD``, a currency; ``""``
            for returns, which are decimals).
        lines: the series, one per ticker, in the order the claim names them.
        article: the article date (a vertical line).
        threshold: the claimed level(s) in ``unit`` (a range gives two); empty when the
            claim compares a combination of the series (an average, a difference).
        window: ``(start, end)`` of a return claim's measured span, else None.
        points: the dates a point claim reads (``market_cap(NVDA, 2015)``: 2015-12-31)
            or the date a ``first_date`` condition first held.
    """

    measure: str
    unit: str
    lines: tuple[ChartLine, ...]
    article: dt.date
    threshold: tuple[float, ...] = ()
    window: tuple[dt.date, dt.date] | None = None
    points: tuple[dt.date, ...] = ()


def _d64(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "D")


def _span(dates: np.ndarray, start: dt.date, end: dt.date) -> np.ndarray:
    return (dates >= _d64(start)) & (dates <= _d64(end))


def _ticker(arg: ast.expr) -> str:
    return (arg.id if isinstance(arg, ast.Name) else str(arg.value)).upper()  # type: ignore[attr-defined]


def _level(res: Resolver, measure: str, arg: ast.expr, start: dt.date, end: dt.date) -> ChartLine:
    """Close or market cap (USD) of one ticker over ``[start, end]``."""
    series = res.prices(arg)
    keep = _span(series.dates, start, end)
    days, values = series.dates[keep], series.close[keep]
    if measure == "market_cap":
        values = values * res._shares(arg).at(days, res.as_of)
    return ChartLine(_ticker(arg), days, np.asarray(values, dtype=np.float64))


def _cumulative(res: Resolver, arg: ast.expr, start: dt.date, end: dt.date) -> ChartLine:
    """Total return of one ticker from its last close at or before ``start``, to ``end``."""
    series = res.prices(arg)
    i = series.index_at(start)
    keep = _span(series.dates, dt.date.fromisoformat(str(series.dates[i])), end)
    values = series.total[keep] / series.total[i] - 1.0
    return ChartLine(_ticker(arg), series.dates[keep], np.asarray(values, dtype=np.float64))


def _threshold(spec: Any) -> tuple[float, ...]:
    """The claimed level(s), in the claim's unit."""
    claimed = spec.claimed
    if claimed is None:
        return ()
    values = claimed if isinstance(claimed, tuple | list) else (claimed,)
    return tuple(float(v) for v in values)


def _first_date_chart(
    res: Resolver, call: ast.Call, spec: Any, article: dt.date, factor: float
) -> RecordChart | None:
    cond, after = call.args
    inner = cond.left  # type: ignore[attr-defined]
    measure = inner.func.id
    if measure not in ("close", "market_cap"):
        return None
    start = min(res.date(after), article) - _YEAR
    by = resolve_date(spec.by, article, res.latest) if spec.by else None
    end = min(max(by or res.as_of, article), res.as_of)
    line = _level(res, measure, inner.args[0], start, end)
    found = res.first(call)
    threshold = float(fx._fold(cond.comparators[0]))  # type: ignore[attr-defined]
    if measure == "market_cap":  # the condition is in USD; shown in the claim's unit
        unit = spec.unit or FIRST_DATE_UNIT
        scale = conversion_factor(parse_unit("USD"), parse_unit(unit))
        line = ChartLine(line.label, line.dates, line.values * scale)
        threshold *= scale
    else:
        unit = res.prices(inner.args[0]).currency
    points = (found,) if found is not None else ()
    return RecordChart(measure, unit, (line,), article, (threshold,), None, points)


def claim_chart(
    tree: ast.expr,
    spec: Any,
    factor: float,
    data: RecordData,
    article: dt.date,
    as_of: dt.date,
) -> RecordChart | None:
    """The chart of one record claim (None for a KPI claim or when its data are missing).

    Args:
        tree: the claim's parsed ``expr``; spec: its
            :class:`~aithesis.thesis.spec.RecordClaimSpec`; factor: USD -> claim unit.
        data: the fetched record; article: the article date; as_of: the last date shown.
    """
    res = Resolver(data, article, as_of)
    calls = fx.data_calls(tree)
    try:
        if len(calls) == 1 and calls[0].func.id == "first_date":  # type: ignore[attr-defined]
            return _first_date_chart(res, calls[0], spec, article, factor)
        calls = [c for c in calls if c.func.id in _MARKET]  # type: ignore[attr-defined]
        if not calls:
            return None
        kind = calls[0].func.id  # type: ignore[attr-defined]
        if kind in ("close", "market_cap"):
            return _level_chart(res, tree, calls, kind, spec, article, factor)
        return _return_chart(res, tree, calls, spec, article)
    except (MissingData, AithesisError):
        return None


def _level_chart(
    res: Resolver,
    tree: ast.expr,
    calls: list[ast.Call],
    kind: str,
    spec: Any,
    article: dt.date,
    factor: float,
) -> RecordChart:
    mine = [c for c in calls if c.func.id == kind]  # type: ignore[attr-defined]
    points = sorted({res.date(c.args[1]) for c in mine})
    start = points[0] - _YEAR
    end = min(max(points[-1], article) + _YEAR, res.as_of)
    lines, seen = [], set()
    for c in mine:
        name = _ticker(c.args[0])
        if name in seen:
            continue
        seen.add(name)
        line = _level(res, kind, c.args[0], start, end)
        if kind == "market_cap":
            line = ChartLine(line.label, line.dates, line.values * factor)
        lines.append(line)
    single = tree is mine[0]  # the claim compares the plotted figure itself
    currency = res.prices(mine[0].args[0]).currency
    unit = (spec.unit or "USD") if kind == "market_cap" else currency
    threshold = _threshold(spec) if single else ()
    return RecordChart(kind, unit, tuple(lines), article, threshold, None, tuple(points))


def _return_chart(
    res: Resolver, tree: ast.expr, calls: list[ast.Call], spec: Any, article: dt.date
) -> RecordChart:
    spans = [res.dates(c) for c in calls if c.func.id in ("total_return", "excess_return")]  # type: ignore[attr-defined]
    start = min(s for s, _ in spans)
    stop = max(e for _, e in spans)
    end = min(max(stop, article), res.as_of)
    lines, seen = [], set()
    for c in calls:
        if c.func.id not in ("total_return", "excess_return"):  # type: ignore[attr-defined]
            continue
        tickers = c.args[:2] if c.func.id == "excess_return" else c.args[:1]  # type: ignore[attr-defined]
        for arg in tickers:
            name = _ticker(arg)
            if name not in seen:
                seen.add(name)
                lines.append(_cumulative(res, arg, start, end))
    single = tree is calls[0] and calls[0].func.id == "total_return"  # type: ignore[attr-defined]
    threshold = _threshold(spec) if single else ()
    return RecordChart("total_return", "", tuple(lines), article, threshold, (start, stop), ())


def record_charts(
    model: ThesisModel,
    store: Store,
    sec_dir: Any = None,
    catalogue: Any = None,
) -> dict[str, RecordChart | None]:
    """Claim id -> chart of every record claim of ``model`` (see :func:`claim_chart`),
    with the data as of each claim's "since" date (the last date every series it reads
    covers, as :func:`~aithesis.thesis.record_api.check_records` judges it)."""
    from aithesis.thesis.record_api import _article, _compiled, fetch_record, record_requests

    compiled = _compiled(model)
    if not compiled:
        return {}
    data = fetch_record(store, record_requests([t for _, _, t, _, _ in compiled]), sec_dir)
    out: dict[str, RecordChart | None] = {}
    for i, c, tree, _fn, factor in compiled:
        article = _article(model, i, c, catalogue)
        read = record_requests([tree])["prices"]
        ends = [data.prices[t].dates[-1] for t in read if t in data.prices]
        latest = dt.date.fromisoformat(str(min(ends))) if ends else data.latest or article
        out[c.id] = claim_chart(tree, c, factor, data, article, latest)
    return out
