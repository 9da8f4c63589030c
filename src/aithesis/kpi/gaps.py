"""Expectation gaps: a reported figure against an estimate or guidance for the same period.

``gap_abs = actual - expected`` (in the actual's unit) and ``gap_pct = actual / expected
- 1`` (decimal; NaN when the expectation is not positive). Matching is by entity (or
group name), metric and period label. Pure functions over DataFrames.
"""

from __future__ import annotations

import math

import pandas as pd

from aithesis.errors import DataError
from aithesis.kpi.growth import pick_one_per_period
from aithesis.kpi.units import conversion_factor

__all__ = ["EXPECTATION_KINDS", "GAP_COLUMNS", "expectation_gaps"]

EXPECTATION_KINDS: tuple[str, ...] = ("estimate", "guidance")
GAP_COLUMNS: tuple[str, ...] = (
    "entity",
    "metric",
    "fiscal_period",
    "actual",
    "expected",
    "unit",
    "expected_kind",
    "expected_source",
    "gap_abs",
    "gap_pct",
)


def expectation_gaps(
    facts: pd.DataFrame,
    actuals: pd.DataFrame | None = None,
    *,
    kinds: tuple[str, ...] = EXPECTATION_KINDS,
) -> pd.DataFrame:
    """Compare each expectation fact with the reported fact of the same period.

    Args:
        facts: fundamentals rows holding the expectations (and, unless ``actuals`` is
            given, the reported facts too).
        actuals: optional reported values in the same shape (``entity, metric,
            fiscal_period, value, unit``), e.g. a group aggregate renamed to
            ``entity=<group>``; default: the ``actual``/``derived`` rows of ``facts``.
        kinds: which kinds count as expectations.

    Returns:
        DataFrame with :data:`GAP_COLUMNS`, one row per matched expectation, values in
        the actual's unit.

    Raises:
        DataError: an expectation and its actual in units that cannot be converted.
    """
    expected = facts[facts["kind"].isin(kinds)] if not facts.empty else facts
    if actuals is None:
        reported = facts[facts["kind"].isin(("actual", "derived"))] if not facts.empty else facts
        reported = pick_one_per_period(reported)
    else:
        reported = actuals
    rows = []
    if expected.empty or reported.empty:
        return pd.DataFrame(columns=list(GAP_COLUMNS))
    index = {(r["entity"], r["metric"], r["fiscal_period"]): r for _, r in reported.iterrows()}
    for _, e in expected.iterrows():
        a = index.get((e["entity"], e["metric"], e["fiscal_period"]))
        if a is None or pd.isna(a["value"]):
            continue
        try:
            exp_value = float(e["value"]) * conversion_factor(str(e["unit"]), str(a["unit"]))
        except (KeyError, ValueError) as exc:
            raise DataError(
                f"{e['entity']} {e['metric']} {e['fiscal_period']}: {exc}", field="unit"
            ) from None
        act = float(a["value"])
        rows.append(
            {
                "entity": e["entity"],
                "metric": e["metric"],
                "fiscal_period": e["fiscal_period"],
                "actual": act,
                "expected": exp_value,
                "unit": a["unit"],
                "expected_kind": e["kind"],
                "expected_source": e.get("source"),
                "gap_abs": act - exp_value,
                "gap_pct": act / exp_value - 1.0 if exp_value > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(GAP_COLUMNS))
