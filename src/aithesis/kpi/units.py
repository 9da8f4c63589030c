"""Units of KPI facts and the explicit conversions between them.

A fact keeps the unit it was stated in (an article's ``246.12亿元`` is stored as
``246.12 RMB_100M``, never silently rescaled). Every conversion goes through
:func:`convert`, which only rescales within one dimension and one currency: turning
CNY into USD needs an exchange rate and is the caller's explicit step.

Unit names: ``<CUR>`` (one unit of a currency), ``<CUR>_10k`` (万), ``<CUR>_M``
(million), ``<CUR>_100M`` (亿), ``<CUR>_bn`` (billion) for CNY (alias RMB), USD and HKD;
``USD_per_share``; ``shares``; ``count``, ``count_10k``, ``count_100M``; ``percent``
(value 12.5 means 12.5%), ``pp`` (percentage points), ``ratio``; ``days``, ``months``,
``years``; ``W``, ``GW``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UNITS", "Unit", "conversion_factor", "convert", "is_known_unit", "unit_info"]


@dataclass(frozen=True)
class Unit:
    """One unit: its dimension, its currency (monetary units only) and its size.

    Args:
        name: the unit's name as stored (``RMB_100M``).
        dimension: ``money``, ``money_per_share``, ``shares``, ``count``, ``percent``,
            ``pp``, ``ratio``, ``time``, ``power``.
        currency: ISO code for monetary units, else None.
        factor: size in the dimension's base unit (``RMB_100M`` -> 1e8 CNY).
    """

    name: str
    dimension: str
    currency: str | None
    factor: float


def _build() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    scales = {"": 1.0, "_10k": 1e4, "_M": 1e6, "_100M": 1e8, "_bn": 1e9}
    for code, iso in (("CNY", "CNY"), ("RMB", "CNY"), ("USD", "USD"), ("HKD", "HKD")):
        for suffix, factor in scales.items():
            name = f"{code}{suffix}"
            units[name] = Unit(name, "money", iso, factor)
    units["USD_per_share"] = Unit("USD_per_share", "money_per_share", "USD", 1.0)
    units["CNY_per_share"] = Unit("CNY_per_share", "money_per_share", "CNY", 1.0)
    units["HKD_per_share"] = Unit("HKD_per_share", "money_per_share", "HKD", 1.0)
    units["shares"] = Unit("shares", "shares", None, 1.0)
    for suffix, factor in (("", 1.0), ("_10k", 1e4), ("_100M", 1e8)):
        units[f"count{suffix}"] = Unit(f"count{suffix}", "count", None, factor)
    units["percent"] = Unit("percent", "percent", None, 1.0)
    units["pp"] = Unit("pp", "pp", None, 1.0)
    units["ratio"] = Unit("ratio", "ratio", None, 1.0)
    units["days"] = Unit("days", "time", None, 1.0)
    units["months"] = Unit("months", "time", None, 365.25 / 12.0)
    units["years"] = Unit("years", "time", None, 365.25)
    units["W"] = Unit("W", "power", None, 1.0)
    units["GW"] = Unit("GW", "power", None, 1e9)
    return units


UNITS: dict[str, Unit] = _build()


def is_known_unit(name: str) -> bool:
    """True when ``name`` is one of :data:`UNITS`."""
    return name in UNITS


def unit_info(name: str) -> Unit:
    """The :class:`Unit` called ``name``.

    Raises:
        KeyError: for an unknown unit (callers turn it into a DataError with a place).
    """
    return UNITS[name]


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiply a value in ``from_unit`` by this to express it in ``to_unit``.

    >>> conversion_factor("RMB_100M", "CNY_bn")
    0.1

    Raises:
        KeyError: unknown unit.
        ValueError: different dimensions or currencies (no FX is ever implied).
    """
    src, dst = UNITS[from_unit], UNITS[to_unit]
    if src.dimension != dst.dimension:
        raise ValueError(
            f"cannot convert {from_unit} ({src.dimension}) to {to_unit} ({dst.dimension})"
        )
    if src.currency != dst.currency:
        raise ValueError(
            f"cannot convert {from_unit} to {to_unit}: currencies differ "
            f"({src.currency} vs {dst.currency}); convert with an FX rate first"
        )
    return src.factor / dst.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (same dimension and currency).

    >>> convert(246.12, "RMB_100M", "CNY_M")
    24612.0
    """
    return float(value) * conversion_factor(from_unit, to_unit)
