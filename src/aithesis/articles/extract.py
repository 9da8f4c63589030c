"""Extract every quantitative statement of an article's text (pure: no I/O).

Per line: fold full-width forms, mask Markdown and URLs (:mod:`.text`), find the periods
(:mod:`.periods`), blank them with ordinals (第三) and idioms (三位一体), scan the rest
for quantities (:mod:`.scan`), then give each its qualifier (:mod:`.qualifiers`), its
sentence as the quote, the nearest period of its sentence (the closest before it, else
the closest after it, else the last one earlier in the paragraph) and, for a bare 亿/万
amount, the currency stated nearby: in the same sentence, else the last currency stated
within :data:`CURRENCY_REACH` characters before (unless the clause counts units sold or
users: 销量, 用户...).

Example::

    >>> from aithesis.articles import extract_text
    >>> s = extract_text("阿里巴巴25Q1资本开支246.12亿元。")[0]
    >>> s.value, s.unit, s.op, s.period
    (24612000000.0, 'CNY', '=', '2025Q1')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aithesis.articles.periods import Period, find_periods
from aithesis.articles.qualifiers import combine, pre_qualifier
from aithesis.articles.results import Extraction, Statement
from aithesis.articles.scan import RawQuantity, scan_line
from aithesis.articles.text import clean_quote, fold, mask, sentences

__all__ = ["CURRENCY_REACH", "extract_text"]

CURRENCY_REACH = 1000
PROGRESS_EVERY = 1 << 16  # characters between progress calls

_ANY = re.compile(
    r"[0-9０-９％零〇一二两三四五六七八九十百千万亿半翻倍%]|doubl|tripl", re.IGNORECASE
)
_IDIOMS = re.compile(
    "三位一体|一蹴而就|千载难逢|一成不变|万无一失|一石二鸟|一举两得|三心二意|十全十美|九死一生"
    "|千方百计|一心一意|独一无二|数以亿计|数以万计|数以千计|成千上万|千家万户|万事万物|一五一十"
    "|七上八下|千千万万|一模一样|一丝一毫|一分为二|一年一度|一目了然|千差万别|一干二净|万众一心"
    "|百分百|一二级|一级市场|二级市场|三言两语|一穷二白|不二|唯一|万一|千万别|千万不要"
)
_ORDINAL = re.compile(r"第\s?[零〇一二两三四五六七八九十百千0-9]+")
_SPECIAL = re.compile(
    r"(?P<x2>翻一?番|翻倍)|(?P<x4>翻两番)"
    r"|(?<![A-Za-z])(?P<en2>doubl(?:ed|es|ing))(?![A-Za-z])"
    r"|(?<![A-Za-z])(?P<en3>tripl(?:ed|es|ing))(?![A-Za-z])"
    r"|百分之(?P<pct>[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+)",
    re.IGNORECASE,
)
_SPECIAL_HINT = re.compile(r"翻|百分之|doubl|tripl", re.IGNORECASE)
_COUNT_CONTEXT = re.compile(r"销量|出货|用户|月活|日活|人数|数量|台数|张数|下载|订阅数|units|users")
_POWER_WORDS = re.compile(r"电|能耗|能源|功耗")


@dataclass
class _Currency:
    """The last currency stated in the document and its absolute offset."""

    unit: str | None = None
    at: int = -(10**12)


def _blank(chars: list[str], start: int, end: int) -> None:
    chars[start:end] = "\x00" * (end - start)


def _special(g: str) -> list[RawQuantity]:
    """翻倍/翻番 (x2), 翻两番 (x4), doubled/tripled, 百分之N."""
    from aithesis.articles.lexicon import cn_numeral_value

    out: list[RawQuantity] = []
    if not _SPECIAL_HINT.search(g):
        return out
    for m in _SPECIAL.finditer(g):
        if m.group("pct") is not None:
            text = m.group("pct")
            value = float(text) if text[0].isdigit() else cn_numeral_value(text)
            if value is not None:
                out.append(RawQuantity(m.start(), m.end(), (value,), "percent", "percent"))
            continue
        factor = 4.0 if m.group("x4") else 3.0 if m.group("en3") else 2.0
        out.append(RawQuantity(m.start(), m.end(), (factor,), "", "multiple"))
    return out


_ANAPHORA = ("这一年", "那一年", "同一年", "当年")


def _resolve_anaphora(periods: list[Period]) -> list[Period]:
    """这一年/当年 ("that year") is the period named just before it on the line."""
    out: list[Period] = []
    for start, end, label in periods:
        if label in _ANAPHORA and out:
            label = out[-1][2]
        out.append((start, end, label))
    return out


def _prepare(line: str) -> tuple[str, str, list[Period]]:
    """(folded+masked line, the same with periods/ordinals/idioms blanked, periods)."""
    shown = mask(fold(line))
    periods = _resolve_anaphora(find_periods(shown))
    chars = list(shown)
    for start, end, _ in periods:
        _blank(chars, start, end)
    blanked = "".join(chars)
    for pattern in (_ORDINAL, _IDIOMS):
        for m in pattern.finditer(blanked):
            _blank(chars, m.start(), m.end())
        blanked = "".join(chars)
    return shown, blanked, periods


def _qualify(g: str, quantities: list[RawQuantity]) -> None:
    """Set each quantity's op from its inner, post and pre qualifiers."""
    window = 0
    for q in quantities:
        pre = pre_qualifier(g, window, q.start, far=q.kind != "duration")
        if q.kind == "duration" and pre is None:
            bound = pre_qualifier(g, window, q.start, far=True)
            pre = bound if bound in (">=", ">", "<=", "<") else None
        q.op = combine(q.inner, q.post, pre)
        if q.kind != "duration" or pre is not None:
            window = q.end


def _period_for(periods: list[Period], s0: int, s1: int, q: RawQuantity) -> str | None:
    """The closest period before the quantity in its sentence, else the closest after it
    in its sentence, else the last one earlier on its line (the paragraph's time)."""
    inside = [p for p in periods if s0 <= p[0] < s1]
    before = [p for p in inside if p[1] <= q.start]
    if before:
        return max(before, key=lambda p: p[1])[2]
    after = [p for p in inside if p[0] >= q.end]
    if after:
        return min(after, key=lambda p: p[0])[2]
    earlier = [p for p in periods if p[1] <= s0]
    return max(earlier, key=lambda p: p[1])[2] if earlier else None


def _clause_start(g: str, pos: int) -> int:
    return max(g.rfind(ch, 0, pos) for ch in ",，。；;:：、!?！？") + 1


def _borrow(
    g: str, q: RawQuantity, sentence: list[RawQuantity], offset: int, last: _Currency
) -> None:
    """Give a bare 亿/万 amount the currency stated nearby (see the module doc)."""
    if _COUNT_CONTEXT.search(g, _clause_start(g, q.start), q.start):
        return
    money = [o for o in sentence if o.kind == "money" and not o.bare]
    if money:
        nearest = min(money, key=lambda o: abs(o.start - q.start))
        q.unit, q.kind = nearest.unit, "money"
    elif last.unit is not None and offset + q.start - last.at <= CURRENCY_REACH:
        q.unit, q.kind = last.unit, "money"


def _line_statements(line: str, number: int, offset: int, last: _Currency) -> list[Statement]:
    shown, g, periods = _prepare(line)
    special = _special(g)
    if special:
        chars = list(g)
        for q in special:
            _blank(chars, q.start, q.end)
        g = "".join(chars)
    found, years = scan_line(g, bool(_POWER_WORDS.search(shown)))
    found = sorted(found + special, key=lambda q: q.start)
    if not found:
        return []
    periods = sorted(periods + [(s, e, shown[s:e]) for s, e in years])
    _qualify(g, found)
    out: list[Statement] = []
    cuts = sentences(shown)
    k = 0
    for s0, s1 in cuts:
        mine = [q for q in found[k:] if q.start < s1]
        k += len(mine)
        if not mine:
            continue
        quote = clean_quote(line[s0:s1])
        for q in mine:
            if q.bare:
                _borrow(g, q, mine, offset, last)
            elif q.kind == "money":
                last.unit, last.at = q.unit, offset + q.start
            value = q.numbers[0] if len(q.numbers) == 1 else None
            low, high = (q.numbers[0], q.numbers[1]) if len(q.numbers) == 2 else (None, None)
            out.append(
                Statement(
                    quote=quote,
                    line=number,
                    span=line[q.start : q.end].strip(),
                    start=q.start,
                    end=q.end,
                    value=value,
                    low=low,
                    high=high,
                    unit=q.unit,
                    op=q.op,
                    period=_period_for(periods, s0, s1, q),
                    kind=q.kind,
                )
            )
    return out


def extract_text(
    text: str,
    *,
    file: str | None = None,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Extraction:
    """Every quantitative statement of ``text`` (plain text or Markdown), in order.

    Args:
        text: the article (Chinese, English or mixed).
        file, encoding: recorded in the result (where the text came from).
        progress: called as ``progress(done, total)`` in characters, every 64k characters
            and once at the end.

    Returns:
        An :class:`~aithesis.articles.results.Extraction`; empty for text without figures.
    """
    total = len(text)
    last = _Currency()
    statements: list[Statement] = []
    offset, reported = 0, 0
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if _ANY.search(line):
            statements.extend(_line_statements(line, number, offset, last))
        offset += len(raw) + 1
        if progress is not None and offset - reported >= PROGRESS_EVERY:
            progress(min(offset, total), total)
            reported = offset
    if progress is not None:
        progress(total, total)
    return Extraction(
        statements=tuple(statements),
        file=file,
        encoding=encoding,
        lines=len(lines) if text else 0,
        chars=total,
    )
