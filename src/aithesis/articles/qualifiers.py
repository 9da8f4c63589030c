"""Qualifiers: the words that make a figure approximate or a bound (the statement's ``op``).

========  ==========================================================================
op        words before the number (after it: see :data:`POST`)
========  ==========================================================================
``~``     约 大约 大概 大致 近 接近 将近 差不多 几乎 about around approximately roughly
          nearly almost ~ ≈; after: 左右 上下 级别 量级
``>=``    至少 不低于 不少于 起码 最少 at least; after: 以上 ``+``
``>``     超 超过 超出 逾 高于 多于 大于 突破 more than over above exceeding; inside or
          after: 多 余 (``1 万多亿``, ``十几``, ``十数年``, ``一年多``)
``<=``    至多 最多 不超过 不高于 up to at most no more than; after: 以下 以内
``<``     不足 不到 低于 少于 小于 未满 less than under below fewer than
========  ==========================================================================

A word before the number counts when it is in the same clause (no comma or stop between)
and close: one character for the one-character words (近, 超, 约, 逾), four otherwise,
or up to sixteen when only durations stand between (``大概是整个上海一年用电量的 0.8-1%``:
the 大概 qualifies the percentage, not the year). Of several words before a number the
closest bound wins, else the closest approximation (``up to about $5.5B`` is ``<=``). A
bound written inside or after the number wins over one before it, and any bound wins
over an approximation (``至少是 5 万亿美元左右`` is ``>=``; ``大概在 1 万多亿`` is ``>``).
"""

from __future__ import annotations

import re

__all__ = ["BOUNDS", "POST", "combine", "post_qualifier", "pre_qualifier"]

BOUNDS = (">=", ">", "<=", "<")

_PRE_WORDS: tuple[tuple[str, str], ...] = (
    (r"至少|不低于|不少于|起码|最少|最低|at least|no less than|not less than", ">="),
    (r"不超过|不高于|不多于|至多|最多|up to|at most|no more than|not more than", "<="),
    (r"不足|不到|低于|少于|小于|未满|未达|less than|fewer than|under|below", "<"),
    (r"超过|超出|高于|多于|大于|突破|more than|in excess of|exceeding|exceeds|over|above", ">"),
    (r"(?<![最接将附靠逼亲])近|(?<![预签制合节])约(?!束)|(?<![高])超(?![级市大])|逾", "short"),
    (
        r"大约|大概|大致|约为|将近|接近|差不多|几乎|approximately|roughly|around|about|nearly"
        r"|almost|circa|~|≈",
        "~",
    ),
)
_SHORT_OPS = {"近": "~", "约": "~", "超": ">", "逾": ">"}

_PRE = re.compile(
    "|".join(f"(?P<w{i}>{pattern})" for i, (pattern, _) in enumerate(_PRE_WORDS)),
    re.IGNORECASE,
)

POST = re.compile(
    r"\s?(左右|上下|级别|量级|以上|以下|以内|有余|多(?![数元样种次家个])|余(?![额地下])|\+)"
)
_POST_OPS = {
    "左右": "~",
    "上下": "~",
    "级别": "~",
    "量级": "~",
    "以上": ">=",
    "+": ">=",
    "以下": "<=",
    "以内": "<=",
    "有余": ">",
    "多": ">",
    "余": ">",
}

_CLAUSE_CHARS = ",，。；;:：、!?！？()（）[]"
_FILLER = re.compile(r"[\s\x00]")


def post_qualifier(text: str, pos: int) -> tuple[str, int] | None:
    """The qualifier right after a quantity (``左右``, ``以上``, ``多``...) and its end."""
    m = POST.match(text, pos)
    if m is None:
        return None
    return _POST_OPS[m.group(1)], m.end()


def pre_qualifier(text: str, window_start: int, start: int, *, far: bool) -> str | None:
    """The op of the qualifier word before ``text[start]`` (None if there is none).

    Args:
        text: the folded, masked line.
        window_start: where the search may begin (the end of the previous statement that
            is not a duration, or 0).
        start: where the quantity's span begins.
        far: allow a multi-character word up to 16 characters away (only durations stand
            between it and the quantity).
    """
    clause = max(window_start, _last_clause_end(text, start))
    candidates: list[tuple[str, int]] = []  # (op, gap) of every word close enough
    for m in _PRE.finditer(text, clause, start):
        word = m.group(0)
        if word[0].isalpha() and word.isascii() and _inside_word(text, m.start(), m.end()):
            continue  # an English word inside another word ("overall")
        kind = _PRE_WORDS[int(m.lastgroup[1:])][1]  # type: ignore[index]
        gap = len(_FILLER.sub("", text[m.end() : start]))
        if kind == "short":
            if gap <= 1:
                candidates.append((_SHORT_OPS[word], gap))
        elif gap <= 4 or (far and gap <= 16):
            candidates.append((kind, gap))
    if not candidates:
        return None
    bounds = [c for c in candidates if c[0] in BOUNDS]
    return min(bounds or candidates, key=lambda c: c[1])[0]


def _inside_word(text: str, start: int, end: int) -> bool:
    before = start > 0 and text[start - 1].isascii() and text[start - 1].isalpha()
    after = end < len(text) and text[end].isascii() and text[end].isalpha()
    return before or after


def _last_clause_end(text: str, start: int) -> int:
    """Where the clause holding ``text[start]`` begins (after the last , 。 ; : and such)."""
    return max(text.rfind(ch, 0, start) for ch in _CLAUSE_CHARS) + 1


def combine(inner: str | None, post: str | None, pre: str | None) -> str:
    """One op from the three places a qualifier can stand (rules in the module doc)."""
    for op in (inner, post):
        if op in BOUNDS:
            return op  # type: ignore[return-value]
    if pre in BOUNDS:
        return pre  # type: ignore[return-value]
    if "~" in (inner, post, pre):
        return "~"
    return "="
