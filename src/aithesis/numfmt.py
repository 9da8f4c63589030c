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
>>> number(141500.0), number(0.087361), multiple(33.5964)
('141,500', '0.08736', '33.6x')
>>> quantity(5000.0, "USD_bn"), quantity(246.12, "RMB_100M"), quantity(33.0, "year", name="pe")
('$5,000bn', 'RMB 24.61bn', '33x')
>>> quantity(26e6, "kWh"), quantity((2e10, 4e10), "parameter"), short(1.24e9)
('26mn kWh', '20bn..40bn parameters', '1.24bn')
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = [
    "DASH",
    "EM_DASH",
    "EN_DASH",
    "count",
    "fixed",
    "has_label",
    "is_missing",
    "is_multiple",
    "join",
    "money_unit",
    "multiple",
    "number",
    "percent",
    "quantity",
    "short",
    "span",
    "unit_factor",
    "unit_label",
]

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
    ``format``, exactly as ``f"{x:+.1%}"`` does, except that a value that rounds to zero
    is ``0.0%`` (``+0.0%`` signed), never ``-0.0%``.
    """
    if is_missing(value):
        return missing
    sign = "+" if signed else ""
    comma = "," if grouping else ""
    return f"{float(value) * 100:{sign}z{comma}.{digits}f}%"


def fixed(value: Any, digits: int = 2, *, grouping: bool = False, missing: str = DASH) -> str:
    """A ratio or coefficient with fixed decimals: ``1.2345`` -> ``1.23``; a value that
    rounds to zero is ``0.00``, not ``-0.00`` (a rank correlation of -0.0004)."""
    if is_missing(value):
        return missing
    comma = "," if grouping else ""
    return f"{float(value):z{comma}.{digits}f}"


def count(value: Any, *, grouping: bool = True, missing: str = DASH) -> str:
    """A whole number: ``1234`` -> ``1,234`` (``1234`` without grouping)."""
    if is_missing(value):
        return missing
    return f"{int(value):,}" if grouping else str(int(value))


def number(value: Any, sig: int = 4, *, missing: str = DASH) -> str:
    """A quantity as analysts write it: ``sig`` significant digits, thousands separators,
    no scientific notation and no trailing zeros (``1.415e5`` -> ``141,500``,
    ``0.0873612`` -> ``0.08736``, ``2.0`` -> ``2``, ``1.5e-05`` -> ``0.000015``)."""
    if is_missing(value):
        return missing
    x = float(value)
    if x == 0:
        return "0"
    digits = sig - 1 - math.floor(math.log10(abs(x)))
    rounded = round(x, digits)
    if digits <= 0:
        return f"{rounded:,.0f}"
    text = f"{rounded:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_SHORT: tuple[tuple[float, str], ...] = ((1e12, "tn"), (1e9, "bn"), (1e6, "mn"))
"""English magnitude words, as in the money units (``$12.5mn``, ``$5,000bn``)."""


def short(value: Any, sig: int = 4, *, missing: str = DASH) -> str:
    """:func:`number` with a million and more written in words: ``26e6`` -> ``26mn``,
    ``2.1977e8`` -> ``219.8mn``, ``1.24e9`` -> ``1.24bn``, ``141500`` -> ``141,500``."""
    if is_missing(value):
        return missing
    x = float(value)
    for size, word in _SHORT:
        if abs(x) >= size:
            return number(x / size, sig) + word
    return number(x, sig)


def span(
    values: Any, sig: int = 4, *, sep: str = "..", missing: str = DASH, words: bool = False
) -> str:
    """A number, or a range written low to high (``(6, 3)`` -> ``3..6``); equal ends
    collapse to one number. ``words``: a million and more as :func:`short` writes it."""
    show = short if words else number
    if isinstance(values, tuple | list):
        nums = [float(v) for v in values if not is_missing(v)]
        if not nums:
            return missing
        shown = list(dict.fromkeys(show(v, sig) for v in sorted(nums)))
        return sep.join(shown)
    return show(values, sig, missing=missing)


def multiple(value: Any, digits: int = 1, *, missing: str = DASH) -> str:
    """A valuation multiple: ``33.5964`` -> ``33.6x``, ``30`` -> ``30x``."""
    if is_missing(value):
        return missing
    text = f"{float(value):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}x"


# money units: code -> (prefix, suffix, factor to the shown figure), English display
_MONEY: dict[str, tuple[str, str, float]] = {
    "USD": ("$", "", 1.0),
    "USD_k": ("$", "k", 1.0),
    "USD_mn": ("$", "mn", 1.0),
    "USD_bn": ("$", "bn", 1.0),
    "USD_10k": ("$", "k", 10.0),
    "USD_100M": ("$", "bn", 0.1),
    "USD_tn": ("$", "tn", 1.0),
    "RMB": ("RMB ", "", 1.0),
    "RMB_bn": ("RMB ", "bn", 1.0),
    "RMB_100M": ("RMB ", "bn", 0.1),
}
# the codes of _MONEY, longest first (``USD_bn`` before ``USD``), then a per-period tail
_MONEY_RE = re.compile(
    "^(" + "|".join(sorted(map(re.escape, _MONEY), key=len, reverse=True)) + r")((?:\s*/\s*\w+)?)$"
)
_TAIL_ZH = {"/year": "/年", "/quarter": "/季度", "/month": "/月", "/day": "/天"}
# Chinese writes money in 亿 (1e8) and 万 (1e4), as the articles do ("1000 亿美元",
# "5 万亿"): code -> (suffix, factor); USD_bn x 10 is 亿美元 (1,000 USD_bn: 10,000亿美元)
_MONEY_ZH: dict[str, tuple[str, float]] = {
    "RMB_100M": ("亿元", 1.0),
    "RMB_bn": ("亿元", 10.0),
    "USD_100M": ("亿美元", 1.0),
    "USD_bn": ("亿美元", 10.0),
    "USD_10k": ("万美元", 1.0),
    "USD_tn": ("万亿美元", 1.0),
}
_MULTIPLE_NAME = re.compile(r"(^|_)(pe|ps|pb|ev_ebitda|multiple)($|_)", re.IGNORECASE)


# English words of other units: code -> (one, many); the catalogue's zh labels pair with
# them in the report. A word starting with "/" follows the number without a space.
_WORDS: dict[str, tuple[str, str]] = {
    "year": ("year", "years"),
    "years": ("year", "years"),
    "month": ("month", "months"),
    "months": ("month", "months"),
    "day": ("day", "days"),
    "days": ("day", "days"),
    "hour": ("hour", "hours"),
    "minute": ("minute", "minutes"),
    "person": ("person", "people"),
    "GPU": ("GPU", "GPUs"),
    "company": ("company", "companies"),
    "parameter": ("parameter", "parameters"),
    "share": ("share", "shares"),
    "shares": ("share", "shares"),
    "quarter_year": ("quarter", "quarters"),
    "device/year": ("device a year", "devices a year"),
    "GPU*day": ("GPU-day", "GPU-days"),
    "GPU*hour/person/day": ("GPU-hour per person a day", "GPU-hours per person a day"),
    "GPU*minute/person/day": ("GPU-minute per person a day", "GPU-minutes per person a day"),
    "USD/GPU/hour": ("USD per GPU-hour", "USD per GPU-hour"),
    "USD/person/year": ("USD per person a year", "USD per person a year"),
    "bit/parameter": ("bit per parameter", "bits per parameter"),
    "percentage_point": ("percentage point", "percentage points"),
    "1/year": ("/year", "/year"),
    "percent": ("%", "%"),
    "percent/year": ("%/year", "%/year"),
}
# units English writes in a larger unit: code -> (English label, factor)
_SCALED: dict[str, tuple[str, float]] = {
    "kWh_100M": ("TWh", 0.1),
    "kWh_100M/year": ("TWh/year", 0.1),
}


def _word(unit: str, one: bool) -> str:
    """The English word of a non-money unit, singular when ``one``; the code otherwise."""
    if unit in _SCALED:
        return _SCALED[unit][0]
    words = _WORDS.get(unit)
    return unit if words is None else words[0 if one else 1]


def has_label(unit: str) -> bool:
    """True when this module writes ``unit`` its own way in English (money, scaled and
    worded units), so a shell's own label for it is not needed."""
    return unit in _WORDS or unit in _SCALED or money_unit(unit) is not None


def is_multiple(name: str | None, unit: str) -> bool:
    """True for a valuation multiple: a P/E-like name (``pe``, ``target_pe``, ``ps``)
    whose unit is years (price over yearly earnings) or dimensionless."""
    return bool(name) and unit in ("year", "") and bool(_MULTIPLE_NAME.search(str(name)))


def money_unit(unit: str, lang: str = "en") -> tuple[str, str, float] | None:
    """``(prefix, suffix, factor)`` to show a money unit the analysts' way, or None.

    ``USD_bn`` -> ``("$", "bn", 1)`` in English and ``("", "亿美元", 10)`` in Chinese;
    ``RMB_100M`` -> ``("RMB ", "bn", 0.1)`` / ``("", "亿元", 1)`` (``USD_100M``: ``$bn``
    / 亿美元, ``USD_10k``: ``$k`` / 万美元, ``USD_tn``: ``$tn`` / 万亿美元); a per-period
    tail stays (``USD_bn/year`` -> suffix ``bn/year``). Chinese has no entry for the
    other codes (None: the report's catalogue names them).
    """
    match = _MONEY_RE.match(unit.strip())
    if not match:
        return None
    code, tail = match.group(1), match.group(2).replace(" ", "")
    if lang == "zh":
        if code not in _MONEY_ZH:
            return None
        suffix, factor = _MONEY_ZH[code]
        return ("", suffix + _TAIL_ZH.get(tail, tail), factor)
    prefix, suffix, factor = _MONEY[code]
    return (prefix, suffix + tail, factor)


def unit_label(unit: str, name: str | None = None, lang: str = "en", *, one: bool = False) -> str:
    """The unit as a column header or label: ``USD_bn`` -> ``$bn``, ``RMB_100M`` ->
    ``RMB bn`` (``亿元`` in Chinese), a P/E's ``year`` -> ``x``, ``kWh_100M/year`` ->
    ``TWh/year``, ``day`` -> ``days`` (``day`` when ``one``: beside the figure 1); other
    codes unchanged."""
    if is_multiple(name, unit):
        return "x"
    money = money_unit(unit, lang)
    if money is None:
        return _word(unit, one=one) if lang == "en" else unit
    prefix, suffix, _ = money
    return f"{prefix.strip()} {suffix}".strip() if prefix.strip() == "RMB" else prefix + suffix


def unit_factor(unit: str, lang: str = "en") -> float:
    """What a value in ``unit`` is multiplied by before it is shown with
    :func:`unit_label` (0.1 for ``RMB_100M`` in English: 亿元 to bn)."""
    money = money_unit(unit, lang)
    if money is not None:
        return money[2]
    if lang == "en" and unit in _SCALED:
        return _SCALED[unit][1]
    return 1.0


def join(text: str, label: str) -> str:
    """A shown number and its English unit label: ``33x``, ``20%``, ``0.057/year``,
    ``8 years`` (no space before ``x``, ``%`` or a ``/`` tail; nothing added for no unit)."""
    if not label:
        return text
    if label in ("x", "%", "倍") or label.startswith(("/", "%")):
        return text + label
    return f"{text} {label}"


def quantity(
    value: Any,
    unit: str,
    *,
    name: str | None = None,
    sig: int = 4,
    lang: str = "en",
    missing: str = DASH,
) -> str:
    """A number (or low..high range) with its unit, as analysts write it.

    ``(5000, "USD_bn")`` -> ``$5,000bn``; ``(246.12, "RMB_100M")`` -> ``RMB 24.61bn``
    (``246.1亿元`` in Chinese); a P/E in years -> ``33x``; ``(141500, "GPU")`` ->
    ``141,500 GPU``; ``(20, "percent")`` -> ``20%``; no unit -> the number alone (never a
    trailing space).
    """
    if is_multiple(name, unit):
        text = span(value, sig, missing=missing)
        return missing if text == missing else text + "x"
    factor = unit_factor(unit, lang)  # money (RMB_100M -> bn) and scaled units alike
    if factor != 1.0:
        if isinstance(value, tuple | list):
            value = tuple(float(v) * factor for v in value if not is_missing(v))
        elif not is_missing(value):
            value = float(value) * factor
    money = money_unit(unit, lang)
    words = lang == "en"  # 26mn kWh, 70bn parameters (Chinese keeps the digits)
    if money is not None:
        prefix, suffix, _ = money
        # $26mn for plain dollars; never $26mnbn for a unit that is itself in bn
        plain = not suffix or suffix.startswith("/")  # USD, USD/year; not USD_bn
        text = span(value, sig, missing=missing, words=words and plain)
        return missing if text == missing else f"{prefix}{text}{suffix}"
    text = span(value, sig, missing=missing, words=words)
    if text == missing or not unit:
        return text
    if unit == "percent" or unit.startswith("percent/"):
        return text + "%" + unit[len("percent") :]
    if lang != "en":
        return f"{text} {unit}"
    return join(text, _word(unit, one=text == "1"))
