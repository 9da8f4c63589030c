"""The words of quantities: numerals, multipliers, units and classifiers.

Pure tables and small parsers, no I/O. Every unit named here is a unit of the project's
pint registry (:func:`aithesis.thesis.units.registry`); a test checks that each parses.

* Chinese numerals: 零/〇 一 二/两 三 ... 九 with 十 百 千 (``一百二十`` = 120, ``十`` = 10);
  万 亿 and their compounds are *multipliers* (``246.12亿`` = 2.4612e10,
  ``1 万多亿`` = 1e12 and "more than", ``百万亿`` = 1e14).
* English multipliers after digits: thousand/k, million/mn/M, billion/bn/B, trillion/tn/T.
* Units: a list of ``(regex, unit, kind, scale)``; the value is multiplied by ``scale``
  (``三成`` = 30 percent). ``kind`` is one of :data:`KINDS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CN_DIGITS",
    "CURRENCY_PREFIX",
    "EN_MULTIPLIERS",
    "KINDS",
    "MULTIPLIERS",
    "PREFIX_UNITS",
    "UNIT_WORDS",
    "UnitWord",
    "cn_numeral_value",
    "match_unit",
    "parse_arabic",
]

KINDS = (
    "money",
    "energy",
    "power",
    "data",
    "data_rate",
    "percent",
    "percentage_point",
    "multiple",
    "ratio",
    "duration",
    "count",
)

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

# longest first: the alternation below tries them in this order
MULTIPLIERS = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
}
EN_MULTIPLIERS = {
    "thousand": 1e3,
    "k": 1e3,
    "K": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "M": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "B": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "T": 1e12,
}

CURRENCY_PREFIX = re.compile(r"(US\$|HK\$|\$|USD|HKD|RMB|CNY|¥)\s?$")
PREFIX_UNITS = {"US$": "USD", "$": "USD", "USD": "USD", "HK$": "HKD", "HKD": "HKD"}
PREFIX_UNITS.update({"RMB": "CNY", "CNY": "CNY", "¥": "CNY"})


def parse_arabic(text: str) -> float:
    """``"6,500"`` -> 6500.0, ``"246.12"`` -> 246.12 (thousands commas removed)."""
    return float(text.replace(",", ""))


def cn_numeral_value(text: str) -> float | None:
    """Value of a Chinese numeral without 万/亿 (``"一百二十"`` -> 120, ``"十"`` -> 10).

    Returns None for text that is not a well-formed numeral (``"三三"`` stays None,
    a digit string such as ``"二〇二五"`` too: those are year names, not amounts).
    """
    if not text:
        return None
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in "零〇" and digit is None and total > 0:
            continue  # 三千零五: the zero only holds a place
        if ch in CN_DIGITS:
            if digit is not None:
                return None
            digit = CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    return float(total + (digit or 0))


@dataclass(frozen=True)
class UnitWord:
    """A unit word after a number: its pint unit, kind and the scale of the value."""

    unit: str
    kind: str
    scale: float = 1.0


_NOT_LATIN = r"(?![A-Za-z])"

# (regex, unit, kind, scale); tried in order at the position right after the number
_UNIT_TABLE: tuple[tuple[str, str, str, float], ...] = (
    # money
    (r"美元|美金|dollars?" + _NOT_LATIN + r"|USD" + _NOT_LATIN, "USD", "money", 1.0),
    (r"港元|港币|HKD" + _NOT_LATIN, "HKD", "money", 1.0),
    (r"元人民币|人民币|RMB|CNY|yuan|元(?![年素宇宵旦老首件])", "CNY", "money", 1.0),
    # energy, power
    (r"千瓦时|kWh|KWh|kwh", "kWh", "energy", 1.0),
    (r"太瓦时|TWh", "TWh", "energy", 1.0),
    (r"吉瓦时|GWh", "GWh", "energy", 1.0),
    (r"兆瓦时|MWh", "MWh", "energy", 1.0),
    (r"度电|度(?![假过量数])", "kWh", "energy", 1.0),
    (r"吉瓦|GW" + _NOT_LATIN, "GW", "power", 1.0),
    (r"兆瓦|MW" + _NOT_LATIN, "MW", "power", 1.0),
    (r"千瓦|kW|KW" + _NOT_LATIN, "kW", "power", 1.0),
    (r"瓦特|瓦|W" + _NOT_LATIN, "W", "power", 1.0),
    # GPUs named by model ("10 万 H100", "8000 张 H100") before the data sizes (GB200)
    (
        r"张\s?卡|块\s?卡|张|(?:[HABV]\d{2,3}|GB\d{3})" + _NOT_LATIN + r"|GPUs?" + _NOT_LATIN,
        "GPU",
        "count",
        1.0,
    ),
    (r"卡(?![位车片尔通顿住])", "GPU", "count", 1.0),
    # data sizes and rates
    (r"TB/s|TB/秒", "TB/s", "data_rate", 1.0),
    (r"GB/s|GB/秒", "GB/s", "data_rate", 1.0),
    (r"MB/s|MB/秒", "MB/s", "data_rate", 1.0),
    (r"PB" + _NOT_LATIN, "PB", "data", 1.0),
    (r"TB" + _NOT_LATIN, "TB", "data", 1.0),
    (r"GB" + _NOT_LATIN, "GB", "data", 1.0),
    (r"MB" + _NOT_LATIN, "MB", "data", 1.0),
    # percentages, points, multiples
    (r"%|percent|per cent", "percent", "percent", 1.0),
    (
        r"个百分点|百分点|个点|percentage points?|pp" + _NOT_LATIN,
        "percentage_point",
        "percentage_point",
        1.0,
    ),
    (r"倍|times" + _NOT_LATIN + r"|[xX×]" + _NOT_LATIN, "", "multiple", 1.0),
    (r"成(?![为功本员熟长交立果绩品型就年了])", "percent", "percent", 10.0),
    # durations
    (r"个多?月|months?" + _NOT_LATIN, "month", "duration", 1.0),
    (r"个季度|quarters?" + _NOT_LATIN, "quarter_year", "duration", 1.0),
    (r"个多?小时|小时|hours?" + _NOT_LATIN, "hour", "duration", 1.0),
    (r"分钟|minutes?" + _NOT_LATIN, "minute", "duration", 1.0),
    (r"个星期|星期|周(?![年期边末])|weeks?" + _NOT_LATIN, "week", "duration", 1.0),
    (r"天|days?" + _NOT_LATIN, "day", "duration", 1.0),
    (r"年(?![代级薪度份])|years?" + _NOT_LATIN, "year", "duration", 1.0),
    # counts with classifiers
    (
        r"(?:个|名|位)?\s?(?:的\s?)?(?:白领|员工|工程师|用户|网民|劳动力)|个人|人(?![民工类才士们物生口性气])|名(?![字称义片牌])"
        r"|位(?![置于数列一])|people|persons?|users?" + _NOT_LATIN,
        "person",
        "count",
        1.0,
    ),
    (r"家(?![庭居电具用族乡里])|compan(?:y|ies)" + _NOT_LATIN, "company", "count", 1.0),
    (r"台(?![湾阶积风])|部(?![分门署长位])|devices?" + _NOT_LATIN, "device", "count", 1.0),
    (
        r"(?:的\s?)?参数|parameters?" + _NOT_LATIN + r"|params?" + _NOT_LATIN,
        "parameter",
        "count",
        1.0,
    ),
    (r"tokens?" + _NOT_LATIN, "token", "count", 1.0),
    (
        r"个(?![性体股位别案])|款|项(?![目])|条(?![件款])|代(?![表替码理价工言])|次(?![性要序])"
        r"|轮(?![动])|波(?![动峰谷段])|朵|方面|颗",
        "",
        "count",
        1.0,
    ),
)

_UNIT_RE = re.compile(
    "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, *_) in enumerate(_UNIT_TABLE))
)
UNIT_WORDS = tuple(UnitWord(unit, kind, scale) for _, unit, kind, scale in _UNIT_TABLE)


def match_unit(text: str, pos: int) -> tuple[UnitWord, int, int] | None:
    """The unit word at ``text[pos]`` (one space skipped): (word, start, end) or None."""
    if pos < len(text) and text[pos] == " ":
        pos += 1
    m = _UNIT_RE.match(text, pos)
    if m is None or m.end() == pos:
        return None
    index = int(m.lastgroup[1:])  # type: ignore[index]
    return UNIT_WORDS[index], pos, m.end()
