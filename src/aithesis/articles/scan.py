"""Scan one prepared line for quantities: number, range, multipliers, unit, qualifiers.

The line given to :func:`scan_line` is folded, masked, and has its periods, ordinals and
idioms blanked with ``\\x00`` (see :mod:`aithesis.articles.extract`). A quantity needs a
unit, a classifier, a multiplier (万, 亿, billion), ``%``/成/倍 or a multiple word
(翻倍); a bare number (``Mag 7``, ``S&P 500``, ``01``) is not one, and a 4-digit bare
number between 1950 and 2100 is returned as a year instead. Numbers glued to Latin letters
(``H100``, ``GPT-4``, ``Grok-3``, ``4o``, ``5G``) are product names, never quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from aithesis.articles.lexicon import (
    CURRENCY_PREFIX,
    EN_MULTIPLIERS,
    MULTIPLIERS,
    PREFIX_UNITS,
    UnitWord,
    cn_numeral_value,
    match_unit,
)
from aithesis.articles.periods import is_year
from aithesis.articles.qualifiers import post_qualifier

__all__ = ["RawQuantity", "scan_line"]

_CN = "零〇一二两三四五六七八九十百千"
_START = re.compile(rf"[0-9]|[{_CN}]|万亿|亿|万|半")
_ARABIC = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9,])|[0-9]+(?:\.[0-9]+)?")
_CN_RUN = re.compile(rf"[{_CN}]+")
_MULT = re.compile(r"\s?(万亿|千亿|百亿|十亿|亿|千万|百万|十万|万)")
_EN_MULT = re.compile(r"(?:\s?(thousand|million|billion|trillion|bn|mn|tn)|([kKMBT]))(?![A-Za-z])")
_MARK = re.compile(r"\s?(多|余|几|数)")
_RANGE = re.compile(r"\s?(?:-|~|至|到)\s?")
_UNIT_RANGE = re.compile(r"\s?[-~]\s?")
_RATIO = re.compile(r"\s?:\s?([0-9]{1,3})(?![0-9:.])")
_TIMES = re.compile(r"(?:乘以|乘上|乘|times|multiplied by)\s?$")
_PARAM_AFTER = re.compile(r"\s?(?:模型|参数|models?(?![A-Za-z])|param)", re.IGNORECASE)
_HALF = re.compile(r"半(个)?(年|月|小时|天)")
_HALF_UNITS = {"年": "year", "月": "month", "小时": "hour", "天": "day"}
_VAGUE_BEFORE = "几数好"
# what may follow a Chinese numeral in a quantity: a unit, classifier, multiplier, mark or
# range; anything else (一些, 一直, 三峡) is rejected before the full parse
_CN_NEXT = frozenset(
    " 万亿多余几数-~至到美港元人币度千太吉兆瓦张块卡个名位白员工用网劳家台部参的款项条代次"
    "轮波朵方颗倍成月季小分星周天年%十百"
)


@dataclass
class RawQuantity:
    """A quantity found on a line, before its quote, period and pre-qualifier are known."""

    start: int
    end: int
    numbers: tuple[float, ...]
    unit: str
    kind: str
    inner: str | None = None
    post: str | None = None
    bare: bool = False  # a 亿/万 amount without a unit: may take a nearby currency
    op: str = "="


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _glued_before(g: str, s: int) -> bool:
    if s == 0:
        return False
    prev = g[s - 1]
    if _is_latin(prev):
        return CURRENCY_PREFIX.search(g, max(0, s - 4), s) is None
    if prev in "-_." and s >= 2:
        return g[s - 2].isascii() and g[s - 2].isalnum()
    return False


def _signed(g: str, s: int) -> bool:
    """A sign right before the number (``同比-22.5%``), not a dash inside a word."""
    if s == 0 or g[s - 1] not in "-+":
        return False
    return s < 2 or g[s - 2] in " (\x00" or not g[s - 2].isascii()


def _skip_token(g: str, s: int) -> int:
    i = s
    while i < len(g) and g[i].isascii() and (g[i].isalnum() or g[i] in "._-"):
        i += 1
    return max(i, s + 1)


def _number_at(g: str, s: int) -> tuple[Decimal, str, int] | None:
    """The number at ``s``: (value, script 'ar'/'cn', end) or None."""
    if g[s].isascii():
        m = _ARABIC.match(g, s)
        if m is None:  # pragma: no cover - _START guarantees a digit
            return None
        return Decimal(m.group(0).replace(",", "")), "ar", m.end()
    m = _CN_RUN.match(g, s)
    if m is None:
        return None
    value = cn_numeral_value(m.group(0))
    if value is None:
        return None
    return Decimal(int(value)), "cn", m.end()


def _multipliers(g: str, end: int, script: str) -> tuple[Decimal, str | None, str | None, int]:
    """(factor, inner op, English multiplier letter, end) after the number(s)."""
    factor, inner, letter = Decimal(1), None, None
    for _ in range(4):
        m = _MULT.match(g, end)
        if m:
            factor *= Decimal(int(MULTIPLIERS[m.group(1)]))
            end = m.end()
            continue
        if script == "ar" and factor == 1:
            if g.startswith("千", end) and (_MULT.match(g, end + 1) or match_unit(g, end + 1)):
                factor, end = Decimal(1000), end + 1
                continue
            e = _EN_MULT.match(g, end)
            if e:
                word = e.group(1) or e.group(2)
                factor *= Decimal(int(EN_MULTIPLIERS[word]))
                letter, end = word, e.end()
                continue
        k = _MARK.match(g, end)
        if k and inner is None:
            word = k.group(1)
            if word in "几数" and not (script == "cn" and g[end - 1] in "十百千"):
                break
            inner, end = ">", k.end()
            continue
        break
    return factor, inner, letter, end


def _unit(
    g: str, s: int, end: int, script: str, factor: Decimal, letter: str | None, power_words: bool
) -> tuple[UnitWord | None, int, int]:
    """(unit word or None, unit start, end) for the quantity whose number ends at ``end``."""
    found = match_unit(g, end)
    if letter in ("B", "billion") and _PARAM_AFTER.match(g, end):
        return UnitWord("parameter", "count"), end, end
    if found is None:
        return None, end, end
    word, start, stop = found
    text = g[start:stop]
    if text.startswith("度") and not ((script == "ar" or factor != 1) and power_words):
        return None, end, end
    if word.scale != 1.0 and factor != 1:  # 成 after 万/亿 is not a share
        return None, end, end
    return word, start, stop


def _ratio(g: str, s: int, end: int, value: Decimal) -> RawQuantity | None:
    m = _RATIO.match(g, end)
    if m is None or value != value.to_integral_value() or not 0 < value <= 100:
        return None
    other = Decimal(m.group(1))
    if other == 0 or other > 100 or (len(m.group(1)) == 2 and value <= 23):
        return None  # 16:09 is a time of day
    return RawQuantity(s, m.end(), (float(value / other),), "", "ratio")


def _half(g: str, s: int) -> tuple[RawQuantity | None, int]:
    m = _HALF.match(g, s)
    if m is None or (s > 0 and g[s - 1] in "上下前后大多"):
        return None, s + 1
    unit = _HALF_UNITS[m.group(2)]
    return RawQuantity(s, m.end(), (0.5,), unit, "duration"), m.end()


def _parse_at(
    g: str, s: int, power_words: bool
) -> tuple[RawQuantity | None, int, float | None, int]:
    """Parse a quantity starting at ``s``: (quantity, next scan position, year, year end)."""
    if g[s] == "半":
        found, nxt = _half(g, s)
        return found, nxt, None, 0
    if g[s].isascii() and _glued_before(g, s):
        return None, _skip_token(g, s), None, 0
    if s > 0 and not g[s].isascii() and (g[s - 1] in _VAGUE_BEFORE or g[s - 1] in _CN):
        nxt = _CN_RUN.match(g, s)
        end = nxt.end() if nxt else s + 1
        while (m := _MULT.match(g, end)) is not None:
            end = m.end()
        return None, end, None, 0
    if not g[s].isascii() and g[s] not in "万亿半":
        run = _CN_RUN.match(g, s)
        after = run.end() if run else s + 1
        if after >= len(g) or (g[after] not in _CN_NEXT and not _is_latin(g[after])):
            return None, after, None, 0
    if g[s] in "万亿":
        number, script, num_end = Decimal(1), "mult", s
    else:
        parsed = _number_at(g, s)
        if parsed is None:
            return None, s + 1, None, 0
        number, script, num_end = parsed
    numbers = [number]
    end = num_end
    if script != "mult":
        r = _RANGE.match(g, end)
        if r:
            second = _number_at(g, r.end()) if r.end() < len(g) else None
            if second is not None and second[1] == script and second[0] > number:
                numbers.append(second[0])
                end = second[2]
    digits_end = end
    factor, inner, letter, end = _multipliers(g, end, script)
    word, _, unit_end = _unit(g, s, end, script, factor, letter, power_words)
    glued = script == "ar" and digits_end < len(g) and _is_latin(g[digits_end])
    if word is None and glued and factor == 1:
        return None, _skip_token(g, s), None, 0  # 4o, 5G, 3D: a name, not a number
    start = s
    if script == "ar" and len(numbers) == 1 and _signed(g, s):
        if g[s - 1] == "-":
            numbers = [-number]
        start = s - 1
    prefix = CURRENCY_PREFIX.search(g, max(0, start - 4), start) if script == "ar" else None
    if prefix and (word is None or word.kind != "money"):
        word = UnitWord(PREFIX_UNITS[prefix.group(1)], "money")
        unit_end = max(unit_end, end)
        start = prefix.start()
    bare = False
    if word is None:
        if factor != 1 and script == "ar":
            bare, word, unit_end = True, UnitWord("", "count"), end
        elif factor == 1 and len(numbers) == 1 and script == "ar":
            ratio = _ratio(g, s, end, number)
            if ratio is not None:
                return ratio, ratio.end, None, 0
            if _TIMES.search(g, max(0, s - 16), s):
                word, unit_end = UnitWord("", "multiple"), end
            elif is_year(float(number), g[s:num_end]):
                return None, num_end, float(number), num_end
            else:
                return None, num_end, None, 0
        else:
            return None, max(end, s + 1), None, 0
    lone_one = script == "cn" and g[s:num_end] == "一" and len(numbers) == 1 and factor == 1
    if lone_one and word.kind == "count":
        return None, unit_end, None, 0  # 一个问题, 一家: the article "a"
    values = tuple(float(n * factor * Decimal(str(word.scale))) for n in numbers)
    if word.kind == "duration" and g.startswith("半", unit_end):
        values, unit_end = (values[0] + 0.5, *values[1:]), unit_end + 1
    found = RawQuantity(start, unit_end, values, word.unit, word.kind, inner=inner, bare=bare)
    post = post_qualifier(g, unit_end)
    if post is not None and not (post[0] == ">" and word.kind == "count"):
        found.post, found.end = post[0], post[1]
    _unit_range(g, found)
    return found, found.end, None, 0


def _unit_range(g: str, found: RawQuantity) -> None:
    """``5%-10%``, ``5%~10%``: a unit on both ends makes one range."""
    if len(found.numbers) != 1 or found.post is not None:
        return
    r = _UNIT_RANGE.match(g, found.end)
    if r is None or r.end() >= len(g) or not g[r.end()].isdigit() or not g[r.end()].isascii():
        return
    m = _ARABIC.match(g, r.end())
    if m is None:
        return
    word = match_unit(g, m.end())
    if word is None or word[0].unit != found.unit or word[0].kind != found.kind:
        return
    high = float(Decimal(m.group(0).replace(",", "")) * Decimal(str(word[0].scale)))
    if high > found.numbers[0]:
        found.numbers, found.end = (found.numbers[0], high), word[2]


def scan_line(g: str, power_words: bool) -> tuple[list[RawQuantity], list[tuple[int, int]]]:
    """Every quantity of a prepared line, and the (start, end) of bare years on it.

    Args:
        g: the folded, masked line with periods, ordinals and idioms blanked.
        power_words: the line speaks of electricity (度 is then a kWh).
    """
    out: list[RawQuantity] = []
    years: list[tuple[int, int]] = []
    pos = 0
    while (m := _START.search(g, pos)) is not None:
        s = m.start()
        found, nxt, year, year_end = _parse_at(g, s, power_words)
        if found is not None:
            out.append(found)
        elif year is not None:
            years.append((s, year_end))
        pos = max(nxt, s + 1)
    return out, years
