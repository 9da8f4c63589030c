"""Periods: the dates, years and quarters a statement refers to (never its value).

:func:`find_periods` returns every period expression of a folded line with a normalised
label:

=====================================  ==============
text                                   label
=====================================  ==============
``2025年``, ``2013 年``, ``2026年底``     ``2025`` ...
``2027-2028 年``                        ``2027-2028``
``25Q1``, ``2024Q1``, ``2024年Q4``        ``2025Q1`` ...
``2025年一季度``, ``2025年第一季度``        ``2025Q1``
``2024 年下半年``                        ``2024H2``
``FY2026``, ``FY26 Q1``                  ``FY2026``, ``FY2026Q1``
``2026财年第一季度``, ``2025/26财年第三季度``  ``FY2026Q1``, ``FY2026Q3``
``2025年4月27日``, ``2025-06-13``        ``2025-04-27`` ...
``25年12月底``, ``2020年9月``             ``2025-12``, ``2020-09``
``4月15日``                              ``04-15``
``5月中旬``, ``3月``, ``7-8月``            the text as written
``一季度``, ``第三财季``, ``Q4``            ``Q1``, ``Q3``, ``Q4``
``今年``, ``去年``, ``这一年``, ``年底``      the text as written
=====================================  ==============

Fiscal years are named by the calendar year they end in (Lenovo's 2025/26 is FY2026).
"""

from __future__ import annotations

import re

__all__ = ["Period", "find_periods", "is_year"]

Period = tuple[int, int, str]  # start, end, label

_CNQ = {"一": "1", "二": "2", "三": "3", "四": "4", "1": "1", "2": "2", "3": "3", "4": "4"}
_Y4 = r"(?:19[5-9]\d|20\d\d|2100)"


def is_year(value: float, text: str) -> bool:
    """A 4-digit integer between 1950 and 2100 written without separators."""
    return text.isdigit() and len(text) == 4 and 1950 <= value <= 2100


def _year(text: str) -> str:
    return text if len(text) == 4 else f"20{text}"


def _fy(end: str) -> str:
    return f"FY{_year(end) if len(end) != 2 else '20' + end}"


def _fiscal_pair(m: re.Match[str]) -> str:
    first, second = m.group(1), m.group(2)
    end = second if len(second) == 4 else first[:2] + second
    q = m.group(3)
    return f"FY{end}" + (f"Q{_CNQ[q]}" if q else "")


def _fiscal(m: re.Match[str]) -> str:
    q = m.group(2)
    return f"FY{m.group(1)}" + (f"Q{_CNQ[q]}" if q else "")


def _fy_en(m: re.Match[str]) -> str:
    q = m.group(2)
    return f"FY{_year(m.group(1))}" + (f"Q{q}" if q else "")


_RULES: tuple[tuple[str, object], ...] = (
    # ISO date (and time)
    (
        rf"(?<!\d)({_Y4})-(\d\d)-(\d\d)(?:[ T]\d\d:\d\d(?::\d\d)?)?",
        lambda m: f"{m.group(1)}-{m.group(2)}-{m.group(3)}",
    ),
    # fiscal years
    (
        r"(?<!\d)(\d{4})\s?/\s?(\d{2}|\d{4})\s?财年(?:\s?第?\s?([一二三四1-4])\s?(?:财季|季度|季))?",
        _fiscal_pair,
    ),
    (r"(?<!\d)(\d{4})\s?财年(?:\s?第?\s?([一二三四1-4])\s?(?:财季|季度|季))?", _fiscal),
    (r"(?<![A-Za-z])FY\s?'?(\d{4}|\d{2})(?:\s?/\s?\d{2,4})?(?:\s?Q([1-4]))?(?!\d)", _fy_en),
    # quarters
    (
        r"(?<![A-Za-z\d])(\d{4}|\d{2})\s?Q([1-4])(?!\d)",
        lambda m: f"{_year(m.group(1))}Q{m.group(2)}",
    ),
    (
        r"(?<![A-Za-z])Q([1-4])\s?'?(\d{4}|\d{2})(?![\d%])",
        lambda m: f"{_year(m.group(2))}Q{m.group(1)}",
    ),
    (
        rf"(?<!\d)({_Y4})\s?年\s?(?:第\s?)?(?:Q([1-4])|([一二三四1-4])\s?季度?)(?!\d)",
        lambda m: f"{m.group(1)}Q{m.group(2) or _CNQ[m.group(3)]}",
    ),
    (
        rf"(?<!\d)({_Y4})\s?年\s?([上下])半年",
        lambda m: f"{m.group(1)}H{'1' if m.group(2) == '上' else '2'}",
    ),
    # dates
    (
        rf"(?<!\d)({_Y4})\s?年\s?(\d{{1,2}})\s?月\s?(\d{{1,2}})\s?[日号]",
        lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}",
    ),
    (
        r"(?<!\d)(\d{4}|\d{2})\s?年\s?(\d{1,2})\s?月(?:份|底|末|初|中旬|上旬|下旬)?",
        lambda m: f"{_year(m.group(1))}-{int(m.group(2)):02d}",
    ),
    (
        r"(?<![\d.])(\d{1,2})\s?月\s?(\d{1,2})\s?[日号]",
        lambda m: f"{int(m.group(1)):02d}-{int(m.group(2)):02d}",
    ),
    (
        r"(?<![\d.])\d{1,2}(?:\s?[-~]\s?\d{1,2})?\s?月(?:份|底|末|初|中旬|上旬|下旬)?",
        lambda m: m.group(0),
    ),
    # years
    (rf"(?<!\d)({_Y4})\s?[-~至到]\s?({_Y4})\s?年?", lambda m: f"{m.group(1)}-{m.group(2)}"),
    (rf"(?<!\d)({_Y4})\s?年(?:度|底|初|末|中|前后|代)?", lambda m: m.group(1)),
    (rf"(?<!\d)({_Y4})(?=\s?[、,和与及]\s?{_Y4}\s?年)", lambda m: m.group(1)),
    # quarters without a year, relative periods
    (r"第\s?([一二三四1-4])\s?(?:财季|季度|季)", lambda m: f"Q{_CNQ[m.group(1)]}"),
    (r"(?<![第上这每个])([一二三四])季度", lambda m: f"Q{_CNQ[m.group(1)]}"),
    (r"(?<![A-Za-z\d])Q([1-4])(?![\d])", lambda m: f"Q{m.group(1)}"),
    (r"[上下]半年", lambda m: m.group(0)),
    (r"[这那同]一年|当年|今年|去年|明年|前年|年初|年底|年末|本季度", lambda m: m.group(0)),
)

# the leading look-ahead lets the engine skip, in one test, the many characters where no
# period can begin (an alternation behind look-behinds is tried in full at every position)
_PATTERN = re.compile(
    "(?=[0-9FQ第一二三四上下这那同当今去明前年本])(?:"
    + "|".join(f"(?P<p{i}>{rule})" for i, (rule, _) in enumerate(_RULES))
    + ")"
)


def _group_offset() -> list[int]:
    """Index of each rule's own first group inside the combined pattern."""
    offsets, index = [], 1
    for rule, _ in _RULES:
        offsets.append(index)
        index += 1 + re.compile(rule).groups
    return offsets


_OFFSETS = _group_offset()
_SUBPATTERNS = [re.compile(rule) for rule, _ in _RULES]


def find_periods(line: str) -> list[Period]:
    """Every period expression of a folded, masked line, left to right, no overlaps."""
    out: list[Period] = []
    for m in _PATTERN.finditer(line):
        index = int(m.lastgroup[1:]) if m.lastgroup and m.lastgroup[0] == "p" else _which(m)
        sub = _SUBPATTERNS[index].match(line, m.start())
        if sub is None:  # pragma: no cover - the combined match implies the sub-match
            continue
        label = _RULES[index][1](sub)  # type: ignore[operator]
        out.append((m.start(), m.end(), label))
    return out


def _which(m: re.Match[str]) -> int:
    for i, offset in enumerate(_OFFSETS):
        if m.group(offset) is not None:
            return i
    return len(_OFFSETS) - 1  # pragma: no cover
