"""The one number formatter every shell uses (CLI, report, dashboard).

Base layer: imports nothing of ours. Values are decimals (``0.123`` is 12.3%); a missing
value (None, NaN, +/-inf, or something that is not a number) is shown as ``missing``,
whose default differs by shell (``-`` in the terminal, an en dash in the dashboard, an
em dash in the report), so each shell passes its own.

>>> percent(4.796, signed=True)
'+479.6%'
>>> percent(0.0123, digits=2), percent(None, missing="—")
('1.23%', '—')
>>> percent(12.3456, grouping=True)
'1,234.6%'
>>> fixed(1.2345), fixed(float("nan"))
('1.23', '-')
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["DASH", "EM_DASH", "EN_DASH", "count", "fixed", "is_missing", "percent"]

DASH = "-"
EN_DASH = "–"
EM_DASH = "—"


def is_missing(value: Any) -> bool:
    """True for None, NaN, +/-inf and values that are not numbers."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def percent(
    value: Any,
    digits: int = 1,
    *,
    signed: bool = False,
    grouping: bool = False,
    missing: str = DASH,
) -> str:
    """A decimal as a percentage: ``0.2254`` -> ``22.5%``.

    Args:
        value: a decimal (1.0 is 100%).
        digits: decimals after the point of the percentage.
        signed: show ``+`` for positive values (negative ones always carry ``-``).
        grouping: thousands separators (``1,234.6%``).
        missing: the text for a missing value.

    The value is multiplied by 100 in floating point and rounded half-even by Python's
    ``format``, exactly as ``f"{x:+.1%}"`` does.
    """
    if is_missing(value):
        return missing
    sign = "+" if signed else ""
    comma = "," if grouping else ""
    return f"{float(value) * 100:{sign}{comma}.{digits}f}%"


def fixed(value: Any, digits: int = 2, *, grouping: bool = False, missing: str = DASH) -> str:
    """A ratio or coefficient with fixed decimals: ``1.2345`` -> ``1.23``."""
    if is_missing(value):
        return missing
    comma = "," if grouping else ""
    return f"{float(value):{comma}.{digits}f}"


def count(value: Any, *, grouping: bool = True, missing: str = DASH) -> str:
    """A whole number: ``1234`` -> ``1,234`` (``1234`` without grouping)."""
    if is_missing(value):
        return missing
    return f"{int(value):,}" if grouping else str(int(value))
