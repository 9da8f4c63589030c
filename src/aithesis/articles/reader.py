"""Open an article file: UTF-8 (with or without BOM) or GBK text, nothing else.

The only module of :mod:`aithesis.articles` that touches the file system. A file that is
not text (NUL bytes, control characters), UTF-16/32, or in another encoding (Latin-1,
Shift_JIS, Big5 read as GBK gives mostly characters outside GB2312) raises a
:class:`~aithesis.errors.DataError` naming the file and what to do.
"""

from __future__ import annotations

from pathlib import Path

from aithesis.errors import DataError

__all__ = ["decode_article", "read_article"]

_HINT = "save it as UTF-8 (or GBK) plain text or Markdown"
_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


def _looks_binary(raw: bytes) -> bool:
    head = raw[:65536]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b in _CONTROL)
    return control > max(8, len(head) // 100)


def _plausible_gbk(text: str) -> bool:
    """Most non-ASCII characters of real GBK Chinese lie in GB2312 (common hanzi)."""
    wide = [ch for ch in text[:200_000] if ord(ch) > 127]
    if not wide:
        return True
    rare = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare <= len(wide) * 0.1


def decode_article(raw: bytes, *, file: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode article bytes: ``(text, encoding)`` with encoding ``utf-8`` or ``gbk``.

    Raises:
        DataError: binary data, UTF-16/32, or neither valid UTF-8 nor plausible GBK.
    """
    for bom, name in _BOMS.items():
        if raw.startswith(bom):
            raise DataError(f"file is {name} text", file=file, hint=_HINT)
    if _looks_binary(raw):
        raise DataError("file is binary, not text", file=file, hint=_HINT)
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_gbk(text):
        return text, "gbk"
    row = raw[: utf8_error.start].count(b"\n") + 1
    raise DataError(
        "file is neither UTF-8 nor GBK text (unknown encoding)",
        file=file,
        row=row,
        hint=_HINT + ", e.g. iconv -f <encoding> -t UTF-8",
    )


def read_article(path: str | Path) -> tuple[str, str]:
    """Read an article file: ``(text, encoding)``.

    Raises:
        DataError: the file is missing, a folder, unreadable, or not UTF-8/GBK text.
    """
    file = Path(path).expanduser()
    if not file.exists():
        raise DataError("article file not found", file=file, hint="give the path of a text file")
    if file.is_dir():
        raise DataError("is a folder, not an article file", file=file, hint="give a text file")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror})", file=file) from None
    return decode_article(raw, file=file)
