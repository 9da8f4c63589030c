"""Text preparation for reading articles: width folding, masking, sentences, quotes.

Everything here keeps string *lengths*: a folded or masked line has the same length as
the original, so an offset found in it is an offset in the article's own line.

* :func:`fold` turns full-width ASCII (``１２．５％``, ``＄``, ``（``) into ASCII and the
  dashes and tildes used in ranges (``–``, ``—``, ``〜``) into ``-`` and ``~``.
* :func:`mask` blanks what is not prose: Markdown images and link targets, URLs and
  domain names, HTML tags, emphasis markers (``**``) and backslash escapes.
* :func:`sentences` cuts a line at ``。！？；`` (and ``. `` between English sentences).
* :func:`clean_quote` is a sentence as a reader sees it (Markdown removed), used as the
  statement's quote.
"""

from __future__ import annotations

import re

__all__ = ["clean_quote", "fold", "mask", "normalise_for_match", "sentences"]

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update(
    {
        0x3000: 0x20,  # ideographic space
        0x00A0: 0x20,
        0x2009: 0x20,
        0x202F: 0x20,
        0x2010: ord("-"),
        0x2011: ord("-"),
        0x2013: ord("-"),
        0x2014: ord("-"),
        0x2212: ord("-"),
        0x301C: ord("~"),
        0xFFE5: ord("¥"),  # full-width yen/yuan sign
        0x09: 0x20,
    }
)


def fold(text: str) -> str:
    """Full-width forms to ASCII, range dashes to ``-``/``~`` (length preserved)."""
    return text.translate(_FOLD)


_MASKS = re.compile(
    r"(?=[!(<*`\\A-Za-z0-9-])(?:"
    + "|".join(
        (
            r"!\[[^\]\n]*\]\((?:[^()\n]|\([^()\n]*\))*\)",  # Markdown image
            r"(?<=\])\((?:[^()\n]|\([^()\n]*\))*\)",  # Markdown link target
            r"<[^<>\n]{1,300}>",  # HTML tag or autolink
            r"(?:https?|ftp)://[^\s)\]]+",
            r"\bwww\.[^\s)\]]+",
            r"\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|io|ai|pro)\b(?:/\S*)?",
            r"\*+|`+",  # emphasis and code markers
            r"\\(?=[^\w\s])",  # backslash escape
        )
    )
    + ")"
)


def mask(text: str) -> str:
    """Blank (with spaces) links, URLs, emphasis and escapes; length preserved."""
    return _MASKS.sub(lambda m: " " * (m.end() - m.start()), text)


_SENTENCE_END = re.compile(r"[。！？；;!?]+|\.(?=\s|$)(?<!\d\.)|\n")


def sentences(line: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of a (folded, masked) line, covering it whole."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(line):
        out.append((start, m.end()))
        start = m.end()
    if start < len(line):
        out.append((start, len(line)))
    return out or [(0, len(line))]


_QUOTE_DROP = re.compile(
    r"!\[[^\]\n]*\]\((?:[^()\n]|\([^()\n]*\))*\)|(?<=\])\((?:[^()\n]|\([^()\n]*\))*\)|<[^<>\n]{1,300}>|\*+|`+|\\(?=[^\w\s])"
)


def clean_quote(text: str) -> str:
    """A sentence without Markdown markup: ``[**text**](url)`` -> ``text``, stripped."""
    text = _QUOTE_DROP.sub("", text)
    text = text.replace("[", "").replace("]", "")
    return text.strip(" \t\r\n•·-#>")


_MATCH_DROP = re.compile(r"[\s*`\\\[\]\"'“”‘’]")


def normalise_for_match(text: str) -> str:
    """Text reduced for quote matching: folded, without whitespace, emphasis, brackets
    and quotation marks (a model's quote matches the article whatever its spacing)."""
    return _MATCH_DROP.sub("", fold(text))
