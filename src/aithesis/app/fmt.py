"""Number formatting for the dashboard (presentation only: no analytics here).

Returns and other decimals are shown as percentages (``0.123`` -> ``12.3%``); missing
values (None, NaN) as an en dash.
"""

from __future__ import annotations

import math
from typing import Any

from aithesis import numfmt
from aithesis.analytics.catalogue import CATALOGUE, get_metric
from aithesis.errors import SpecError

__all__ = ["DASH", "PERCENT_METRICS", "fmt_metric", "fmt_num", "fmt_pct", "fmt_value"]

DASH = numfmt.EN_DASH

# IndexResult.metrics keys that are decimals best read as percentages (from the catalogue)
PERCENT_METRICS = frozenset(m.name for m in CATALOGUE if m.format == "percent")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def fmt_pct(value: Any, *, signed: bool = False, digits: int = 1) -> str:
    """A decimal as a percentage: ``0.2254`` -> ``22.5%`` (``+22.5%`` when signed)."""
    return numfmt.percent(value, digits, signed=signed, missing=DASH)


def fmt_num(value: Any, digits: int = 4) -> str:
    """A number for display: whole numbers with thousands separators from 1,000 up
    (``19,200,000``), ``digits`` significant digits below (``246.1``, ``0.075``), and
    scientific notation beyond 1e12 or below 1e-3."""
    if _missing(value):
        return DASH
    number = float(value)
    size = abs(number)
    if number != 0 and (size >= 1e12 or size < 1e-3):
        return f"{number:.{digits}g}"
    if size >= 1000:
        return f"{number:,.0f}"
    return f"{number:.{digits}g}"


def fmt_value(value: Any, unit: str = "") -> str:
    """A number or a ``(low, high)`` range, followed by its unit."""
    if isinstance(value, list | tuple):
        low, high = value
        shown = fmt_num(low) if low == high else f"{fmt_num(low)} – {fmt_num(high)}"
    else:
        shown = fmt_num(value)
    return f"{shown} {unit}".strip()


def fmt_metric(key: str, value: Any) -> str:
    """One value of :meth:`IndexResult.metrics` for display (percent, ratio or text)."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return DASH
    try:
        shown = get_metric(key).format
    except SpecError:
        shown = "ratio"
    if shown == "percent":
        return fmt_pct(value)
    if shown == "count":
        return numfmt.count(value, missing=DASH)
    return numfmt.fixed(value, 2, missing=DASH)
