"""Coverage: which statements of an article the models and KPI facts use (pure).

A *use* is a figure a model driver, a model claim or a KPI fact takes from an article,
with the article's sentence as its quote. A statement is used when

* the use cites this article (its ``source`` is the article's file name, or it has none),
* the use's quote is found in the article (compared without whitespace, Markdown,
  brackets and quotation marks, full-width folded) and the statement overlaps it, and
* one of the use's numbers (value, low, high; claimed or [low, high]) equals one of the
  statement's numbers (relative 1e-6, signs ignored: a fact may store a loss the text
  states as a positive "亏损") once both are in the statement's unit.

Units: the use's unit is converted to the statement's; when the dimensions differ the
use's own components (denominators, counts) and the statement's count units are dropped
first (a driver of ``10 USD_tn/year`` uses ``10 万亿美元``; ``1000 W/GPU`` uses ``1000
瓦``; ``2e8 device/year`` uses the bare ``2 亿``; a fact counting 8000 uses ``8000 张``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from aithesis.articles.results import Extraction, Statement, StatementCoverage
from aithesis.articles.text import fold, mask, normalise_for_match

__all__ = ["Reason", "Use", "explain", "match_uses", "same_amount"]

REL_TOL = 1e-6


@dataclass(frozen=True)
class Use:
    """A figure taken from an article.

    Attributes:
        name: ``model:<model>:claim:<id>``, ``model:<model>:driver:<name>`` or
            ``facts:<file>:<entity>/<metric>/<period>``.
        source: the article file it cites (None: any article).
        quote: the article's words it was taken from.
        numbers: its value(s) in ``unit``.
        unit: a unit of the project's pint registry (``""`` dimensionless).
    """

    name: str
    source: str | None
    quote: str
    numbers: tuple[float, ...]
    unit: str


@lru_cache(maxsize=4096)
def _factor(use_unit: str, statement_unit: str) -> float | None:
    """Multiply a use's number by this to compare it in the statement's unit (or None)."""
    from aithesis.thesis.units import registry

    ureg = registry()
    try:
        src = ureg.parse_units(use_unit) if use_unit else ureg.dimensionless
        dst = ureg.parse_units(statement_unit) if statement_unit else ureg.dimensionless
    except Exception:
        return None
    if src.dimensionality == dst.dimensionality:
        return float((1.0 * src).to(dst).magnitude)
    for left in _reductions(ureg, src, counts_only=False):
        for right in _reductions(ureg, dst, counts_only=True):
            if left.dimensionality == right.dimensionality:
                return float((1.0 * left).to(right).magnitude)
    return None


_COUNT_DIMENSIONS = {"[gpu]", "[person]", "[device]", "[company]", "[parameter]", "[token]"}


def _reductions(ureg: object, unit: object, *, counts_only: bool) -> list[object]:
    """``unit`` with every subset of its components removed (the unit itself first).

    With ``counts_only`` only count components (GPU, person...) are removed: a statement
    of "8000 张" is compared with a plain count of 8000, but "一天" is never a plain 1.
    """
    parts = [
        (name, exponent)
        for name, exponent in unit._units.items()  # type: ignore[attr-defined]
        if not counts_only or set(ureg.parse_units(name).dimensionality) <= _COUNT_DIMENSIONS  # type: ignore[attr-defined]
    ]
    out = [unit]
    for size in range(1, len(parts) + 1):
        for drop in itertools.combinations(parts, size):
            reduced = unit
            for name, exponent in drop:
                reduced = reduced / ureg.parse_units(name) ** exponent  # type: ignore[attr-defined]
            out.append(reduced)
    return out


def same_amount(statement: Statement, use: Use) -> bool:
    """One of the use's numbers equals one of the statement's, in the statement's unit."""
    factor = _factor(use.unit, statement.unit)
    if factor is None:
        return False
    for a in statement.numbers:
        for b in use.numbers:
            if math.isclose(abs(a), abs(b * factor), rel_tol=REL_TOL, abs_tol=1e-12):
                return True
    return False


def _normalised(text: str) -> tuple[str, list[int]]:
    """The article reduced as :func:`normalise_for_match` does, and each character's offset."""
    masked = "\n".join(mask(fold(line)) for line in text.split("\n"))
    reduced = normalise_for_match(masked)
    keep = [i for i, ch in enumerate(masked) if normalise_for_match(ch)]
    return reduced, keep


def _line_offsets(text: str) -> list[int]:
    offsets, at = [], 0
    for line in text.split("\n"):
        offsets.append(at)
        at += len(line) + 1
    return offsets


def match_uses(
    article: str, text: str, extraction: Extraction, uses: Sequence[Use]
) -> tuple[list[StatementCoverage], dict[str, str]]:
    """Match every statement of one article against the uses.

    Args:
        article: the article's file name (compared with each use's ``source``).
        text: the article's text (the one ``extraction`` was made from).
        extraction: its statements.
        uses: the figures models and facts take from articles.

    Returns:
        ``(items, problems)``: one :class:`StatementCoverage` per statement, and for each
        use that cites this article but matched nothing, why (``quote not found`` or
        ``no statement with its value``).
    """
    reduced, keep = _normalised(text)
    offsets = _line_offsets(text)
    spans = [
        (offsets[s.line - 1] + s.start, offsets[s.line - 1] + s.end) for s in extraction.statements
    ]
    used: list[list[str]] = [[] for _ in extraction.statements]
    problems: dict[str, str] = {}
    for use in uses:
        if use.source is not None and use.source != article:
            continue
        needle = normalise_for_match(use.quote)
        if not needle:
            continue
        places = []
        at = reduced.find(needle)
        while at >= 0:
            places.append((keep[at], keep[at + len(needle) - 1] + 1))
            at = reduced.find(needle, at + 1)
        if not places:
            if use.source is not None:
                problems[use.name] = "quote not found"
            continue
        hit = False
        for k, (s, (a, b)) in enumerate(zip(extraction.statements, spans, strict=True)):
            if any(a < end and b > start for start, end in places) and same_amount(s, use):
                used[k].append(use.name)
                hit = True
        if not hit:
            problems[use.name] = "no statement with its value"
    items = [
        StatementCoverage(article, s, tuple(names))
        for s, names in zip(extraction.statements, used, strict=True)
    ]
    return items, problems


@dataclass(frozen=True)
class Reason:
    """Why an uncovered statement stays uncovered.

    Attributes:
        article: the article's file name.
        line: the statement's 1-based line.
        quote: the start of the statement's sentence (its ``quote`` starts with it).
        span: the statement's span; None: every uncovered statement of that sentence.
        reason: the explanation (``"no data: ..."``, ``"not a quantity claim: ..."``...).
    """

    article: str
    line: int
    quote: str
    span: str | None
    reason: str


def explain(
    items: Sequence[StatementCoverage], reasons: Sequence[Reason]
) -> list[StatementCoverage]:
    """``items`` with the reason of each uncovered statement that one of ``reasons`` names.

    A reason names a statement by article, line, the start of its sentence and (if given)
    its span; the first matching reason wins. Covered statements keep ``reason`` None.
    """
    index: dict[tuple[str, int], list[Reason]] = {}
    for r in reasons:
        index.setdefault((r.article, r.line), []).append(r)
    out = []
    for item in items:
        s = item.statement
        if not item.covered:
            for r in index.get((item.article, s.line), ()):
                if s.quote.startswith(r.quote) and r.span in (None, s.span):
                    item = replace(item, reason=r.reason)
                    break
        out.append(item)
    return out
