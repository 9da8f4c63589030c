"""Growth of a KPI series: QoQ, YoY, trailing twelve months (TTM) and CAGR.

Conventions: growth rates are simple and in decimal (-0.225 is -22.5%); QoQ compares a
quarter with the one before it and YoY with the same period a year earlier, by period
*label* (``2025Q1`` vs ``2024Q4`` and ``2024Q1``; ``FY2026Q1`` vs ``FY2025Q4``), so
fiscal and calendar series are never mixed. A growth rate is NaN when the base period is
missing or its value is not positive (a change from a loss is not a percentage).
TTM sums four consecutive quarters and exists only for flow units (money, counts).
Pure functions over DataFrames; no I/O.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from aithesis.errors import DataError
from aithesis.kpi.periods import Period, parse_period, shift
from aithesis.kpi.units import UNITS, conversion_factor

__all__ = [
    "GROWTH_COLUMNS",
    "KIND_PREFERENCE",
    "cagr",
    "growth_table",
    "pick_one_per_period",
    "series_cagr",
]

KIND_PREFERENCE: tuple[str, ...] = ("actual", "derived", "guidance", "estimate")
GROWTH_COLUMNS: tuple[str, ...] = (
    "entity",
    "ticker",
    "metric",
    "fiscal_period",
    "period_end",
    "value",
    "unit",
    "currency",
    "kind",
    "source",
    "qoq",
    "yoy",
    "ttm",
    "ttm_yoy",
)
_FLOW_DIMENSIONS = {"money", "count"}


def cagr(first: float, last: float, years: float) -> float:
    """Compound annual growth rate ``(last / first) ** (1 / years) - 1`` (decimal).

    Returns NaN when ``first`` or ``last`` is not positive or ``years`` is not positive.

    >>> round(cagr(100.0, 121.0, 2.0), 10)
    0.1
    """
    if not (first > 0 and last > 0 and years > 0):
        return math.nan
    return (last / first) ** (1.0 / years) - 1.0


def pick_one_per_period(facts: pd.DataFrame) -> pd.DataFrame:
    """One fact per (entity, metric, fiscal_period): preferred kind, then newest as_of,
    then the source name A-Z (so the choice never depends on row order).

    Kind preference is :data:`KIND_PREFERENCE` (reported before derived before guidance
    before estimates). Sources that disagree are listed, not resolved silently:
    :func:`aithesis.kpi.conflicts.source_conflicts`.
    """
    if facts.empty:
        return facts.copy()
    rank = {k: i for i, k in enumerate(KIND_PREFERENCE)}
    work = facts.copy()
    work["_rank"] = work["kind"].map(rank).fillna(len(rank))
    work["_asof"] = pd.to_datetime(work["as_of"]) if "as_of" in work else pd.NaT
    work["_source"] = work["source"].astype(str) if "source" in work else ""
    work = work.sort_values(
        ["_rank", "_asof", "_source"], ascending=[True, False, True], kind="stable"
    )
    work = work.drop_duplicates(["entity", "metric", "fiscal_period"], keep="first")
    return work.drop(columns=["_rank", "_asof", "_source"])


def _common_unit(rows: pd.DataFrame, unit: str | None) -> tuple[str, np.ndarray]:
    """Target unit and every row's value expressed in it."""
    target = unit or str(rows.iloc[-1]["unit"])
    if target not in UNITS:
        raise DataError(f"unknown unit {target!r}", field="unit")
    values = np.empty(len(rows))
    for i, (_, r) in enumerate(rows.iterrows()):
        try:
            values[i] = float(r["value"]) * conversion_factor(str(r["unit"]), target)
        except (KeyError, ValueError) as exc:
            raise DataError(
                f"{r['entity']} {r['metric']} {r['fiscal_period']}: {exc}",
                field="unit",
                hint="pass an explicit unit of the same currency, or convert with an FX rate first",
            ) from None
        if not math.isfinite(values[i]):
            raise DataError(
                f"{r['entity']} {r['metric']} {r['fiscal_period']}: {r['value']} {r['unit']} "
                f"is not a finite number in {target}",
                field="value",
                hint="check the stored figure (aithesis kpi facts) or pass a larger --unit",
            )
    return target, values


def _rate(now: float, base: float) -> float:
    if not (np.isfinite(base) and base > 0 and np.isfinite(now)):
        return math.nan
    rate = float(now) / float(base) - 1.0
    return rate if math.isfinite(rate) else math.nan  # a denormal base overflows


def _series_growth(rows: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    periods: list[Period] = [parse_period(p) for p in rows["fiscal_period"]]
    order = sorted(
        range(len(periods)),
        key=lambda i: (periods[i].fiscal, periods[i].freq, periods[i].ordinal()),
    )
    rows = rows.iloc[order].reset_index(drop=True)
    periods = [periods[i] for i in order]
    target, values = _common_unit(rows, unit)
    by_label = {p.label: v for p, v in zip(periods, values, strict=True)}
    flow = UNITS[target].dimension in _FLOW_DIMENSIONS
    qoq, yoy, ttm = [], [], []
    for p, v in zip(periods, values, strict=True):
        qoq.append(
            _rate(v, by_label.get(shift(p, -1).label, math.nan)) if p.freq == "Q" else math.nan
        )
        yoy.append(_rate(v, by_label.get(shift(p, -p.per_year).label, math.nan)))
        if p.freq == "Q" and flow:
            window = [by_label.get(shift(p, -k).label, math.nan) for k in range(4)]
            total = float(np.sum(window)) if np.all(np.isfinite(window)) else math.nan
            ttm.append(total if math.isfinite(total) else math.nan)
        else:
            ttm.append(math.nan)
    ttm_by_label = {p.label: t for p, t in zip(periods, ttm, strict=True)}
    ttm_yoy = [
        _rate(t, ttm_by_label.get(shift(p, -p.per_year).label, math.nan))
        if p.freq == "Q"
        else math.nan
        for p, t in zip(periods, ttm, strict=True)
    ]
    out = rows.copy()
    out["fiscal_period"] = [p.label for p in periods]
    out["value"] = values
    out["unit"] = target
    out["currency"] = UNITS[target].currency
    out["qoq"], out["yoy"], out["ttm"], out["ttm_yoy"] = qoq, yoy, ttm, ttm_yoy
    return out


def growth_table(facts: pd.DataFrame, *, unit: str | None = None) -> pd.DataFrame:
    """QoQ, YoY, TTM and TTM YoY for every (entity, metric) series in ``facts``.

    Args:
        facts: fundamentals rows (store columns). Several facts for one period are
            reduced with :func:`pick_one_per_period`.
        unit: express values in this unit (default: the unit of each series' latest
            period); conversion is explicit and refuses to cross currencies.

    Returns:
        DataFrame with :data:`GROWTH_COLUMNS`, sorted by entity, metric and period;
        rates in decimal, ``ttm`` in ``unit``.

    Raises:
        DataError: unit conversion impossible, or a period label that does not parse.
    """
    if facts.empty:
        return pd.DataFrame(columns=list(GROWTH_COLUMNS))
    chosen = pick_one_per_period(facts)
    parts = []
    for _, rows in chosen.groupby(["entity", "metric"], sort=True):
        try:
            parts.append(_series_growth(rows, unit))
        except ValueError as exc:
            raise DataError(str(exc), field="fiscal_period") from None
    out = pd.concat(parts, ignore_index=True)
    for column in GROWTH_COLUMNS:
        if column not in out:
            out[column] = None
    return out.loc[:, list(GROWTH_COLUMNS)]


def series_cagr(table: pd.DataFrame, start: str, end: str) -> float:
    """CAGR between two periods of one series in a :func:`growth_table` result.

    Years are counted from the labels (four quarters or two halves make a year).

    Raises:
        DataError: a period is missing from the table or the labels differ in frequency.
    """
    values = dict(zip(table["fiscal_period"], table["value"], strict=True))
    p0, p1 = parse_period(start), parse_period(end)
    for p in (p0, p1):
        if p.label not in values:
            raise DataError(f"period {p.label} is not in the series", field="period")
    if (p0.freq, p0.fiscal) != (p1.freq, p1.fiscal):
        raise DataError(f"cannot compound between {p0.label} and {p1.label}", field="period")
    years = (p1.ordinal() - p0.ordinal()) / p0.per_year
    return cagr(float(values[p0.label]), float(values[p1.label]), years)
