"""A draft ``claims:`` block from extracted statements, to paste into a model YAML.

Each statement becomes a claim with ``id``, ``claimed``, ``unit``, ``op``, ``quote`` and
``text``, in the format of the built-in models (``aithesis/thesis/data/*.yaml``). The
model's formula for the figure is not known from the text: every claim carries a comment
``# expr: ...`` to fill in before the model loads. Units are chosen from the registry so
the number reads as written (``246.12亿元`` -> ``246.12 RMB_100M``, ``2570亿美元`` ->
``257 USD_bn``, ``12.4 亿度`` -> ``12.4 kWh_100M``). Claims know ``=``, ``>=`` and
``<=``: ``~`` becomes ``=`` (the text says "about"), ``>``/``<`` become ``>=``/``<=``;
a range is ``claimed: [low, high]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from aithesis.articles.results import Statement

__all__ = ["draft_claims"]

_SCALES = {
    "USD": ((1e12, "USD_tn"), (1e9, "USD_bn"), (1e6, "USD_mn"), (1, "USD")),
    "CNY": ((1e8, "RMB_100M"), (1, "RMB")),
    "kWh": ((1e8, "kWh_100M"), (1, "kWh")),
}
_OPS = {"=": "=", "~": "=", ">=": ">=", ">": ">=", "<=": "<=", "<": "<="}
_WORDS = {"=": "", "~": "about ", ">=": "at least ", ">": "more than ", "<=": "at most "}
_WORDS["<"] = "less than "


def _number(x: float) -> str:
    """A YAML number (PyYAML reads ``1e+12`` as text, so exponents keep a dot)."""
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    text = f"{x:.12g}"
    if "e" in text and "." not in text:
        text = text.replace("e", ".0e")
    return text


def _scaled(statement: Statement) -> tuple[list[float], str]:
    numbers = list(statement.numbers)
    for threshold, unit in _SCALES.get(statement.unit, ()):
        if min(abs(n) for n in numbers) >= threshold:
            return [n / threshold for n in numbers], unit
    return numbers, statement.unit


def _slug(statement: Statement, seen: dict[str, int]) -> str:
    base = f"{statement.kind}_l{statement.line}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}_{seen[base]}"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def draft_claims(statements: Iterable[Statement], *, source: str | None = None) -> str:
    """YAML text of a ``claims:`` block, one claim per statement.

    Args:
        statements: the statements to draft (e.g. ``extract(path).statements``).
        source: the article's file name, written in the header comment.
    """
    lines = [
        "# Draft claims" + (f" from {source}" if source else "") + " (aithesis claims extract)."
    ]
    lines.append("# Fill in each claim's `expr` (the model formula it checks) before use.")
    lines.append("claims:")
    seen: dict[str, int] = {}
    for s in statements:
        numbers, unit = _scaled(s)
        claimed = (
            _number(numbers[0])
            if len(numbers) == 1
            else "[" + ", ".join(_number(n) for n in numbers) + "]"
        )
        text = _WORDS[s.op] + s.span + (f" ({s.period})" if s.period else "")
        lines.append(f"  - id: {_slug(s, seen)}")
        lines.append("    # expr: <model name or formula>")
        lines.append(f"    claimed: {claimed}")
        lines.append(f"    unit: {_quoted(unit)}")
        lines.append(f"    op: {_quoted(_OPS[s.op])}")
        lines.append(f"    quote: {_quoted(s.quote)}")
        lines.append(f"    text: {_quoted(text)}")
    if not seen:
        lines[-1] = "claims: []"
    return "\n".join(lines) + "\n"
