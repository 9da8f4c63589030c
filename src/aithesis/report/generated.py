"""The report's wording of texts the engines write in English (warnings, claim notes).

The build and the claim checker write their notes in English for the terminal and the
JSON record (``"would hold with hw_life = 8 years (model: 7 years)"``). The report shows
them in the reader's language: a flagged claim's reconciling drivers come as data and are
written with the reader's units; other known sentence shapes are matched here and
re-worded from the catalogue, with names and numbers carried over unchanged; a note of an
unknown shape is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from aithesis.report.i18n import Translator

if TYPE_CHECKING:
    from aithesis.thesis.results import ClaimResult

__all__ = [
    "build_warning",
    "claim_note",
    "cross_claim_text",
    "data_warning",
    "record_note",
    "relative_path",
]

_DATE = r"\d{4}-\d{2}-\d{2}"
_COMMON_END = re.compile(
    rf"^series end on different dates; every comparison stops at the common last date "
    rf"({_DATE}) \(later data cut: (.*)\)$"
)
_LATER = re.compile(rf"(.+?) \(({_DATE})\)(?:, |$)")
_CROSS_NOTE = re.compile(r"^cross-claim check of (\w+)$")
_COVERAGE_MISSING = "article coverage not computed: "
_RECORD_NOTES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (re.compile(rf"^horizon ({_DATE}) is after ({_DATE})$"), "horizon", ("horizon", "as_of")),
    (re.compile(rf"^first on ({_DATE})$"), "first_on", ("date",)),
    (re.compile(rf"^not by ({_DATE})$"), "not_by", ("date",)),
    (re.compile(rf"^not as of ({_DATE}) \(open horizon\)$"), "not_as_of_open", ("date",)),
    (re.compile(rf"^not as of ({_DATE}) \(by ({_DATE})\)$"), "not_as_of_by", ("date", "by")),
    (
        re.compile(rf"^no (\w+) fact for (\S+) (\S+) filed by ({_DATE})$"),
        "no_fact",
        ("metric", "entity", "period", "date"),
    ),
    (re.compile(r"^no shares-outstanding facts for (\S+)(?: \(.*\))?$"), "no_shares", ("ticker",)),
    (
        re.compile(rf"^no shares outstanding of (\S+) filed at or before ({_DATE})$"),
        "no_shares_at",
        ("ticker", "date"),
    ),
    (re.compile(r"^the figure is not a finite number$"), "not_finite", ()),
)


def build_warning(text: str, t: Translator, names: Mapping[str, str]) -> str:
    """A build warning in the reader's language.

    Args:
        text: the build's English warning.
        t: the translator.
        names: the build's series names (index names, benchmark tickers) -> display name.
    """
    if t.lang == "en":
        return text
    if text.startswith(_COVERAGE_MISSING):
        return t("warning.coverage_missing", reason=text[len(_COVERAGE_MISSING) :])
    m = _COMMON_END.match(text)
    if m is None:
        return text
    later = t("punct.list_sep").join(
        t("warning.cut_item", name=names.get(name, t.company_ticker(name)), date=date)
        for name, date in _LATER.findall(m.group(2))
    )
    return t("warning.common_end", date=m.group(1), later=later)


def _code(name: str) -> Markup:
    """A model name as code (the page's visible text is then Chinese around it)."""
    return Markup("<code>{}</code>").format(name)


def _fill(t: Translator, key: str, **values: str) -> Markup:
    """The catalogue text of ``key`` filled in with escaped values (Markup values as-is)."""
    return escape(t(key)).format(**values)


def claim_note(note: str, t: Translator, reconciling: Sequence[Any] = ()) -> str:
    """A claim's note (``would hold with ...``, ``cross-claim check of ...``) re-worded.

    ``reconciling`` (a flagged claim's :class:`~aithesis.thesis.results.Reconciling`
    drivers) gives the "would hold with" figures in the reader's units and language
    (the English note already writes them as analysts do: ``$750bn``, ``8 years``).
    """
    if reconciling and t.lang != "en":  # English: the checker's note, written by numfmt
        parts = [
            _fill(
                t,
                "note.hold_part",
                name=_code(p.driver),
                value=t.value(tuple(p.values), p.unit, name=p.driver),
                base=t.num(p.base, p.unit, name=p.driver),
            )
            for p in reconciling
        ]
        return _fill(t, "note.would_hold", parts=escape(t("note.or")).join(parts))
    if t.lang == "en" or not note:
        return note
    m = _CROSS_NOTE.match(note)
    if m is not None:
        return _fill(t, "note.cross_check", name=_code(m.group(1)))
    if note.startswith("the model computes a value that is not a finite number"):
        return t("note.not_finite")
    return note


def record_note(note: str, t: Translator) -> str:
    """A record claim's note (``horizon 2026-03-11 is after 2025-03-11; first on ...``) in
    the reader's language.

    English: the note as the checker wrote it. Otherwise each ``; ``-separated part of a
    known shape is re-worded (a KPI's metric by its label) and a part of another shape
    (a model author's own English remark) is left out, so the text stays in one language.
    """
    if t.lang == "en" or not note:
        return note
    parts = []
    for part in note.split("; "):
        for pattern, key, names in _RECORD_NOTES:
            m = pattern.match(part.strip())
            if m is None:
                continue
            values = dict(zip(names, m.groups(), strict=True))
            if "metric" in values:
                values["metric"] = t.label("metric", values["metric"])
            parts.append(t(f"record_note.{key}", **values))
            break
    return "；".join(dict.fromkeys(parts))


def cross_claim_text(claim: ClaimResult, t: Translator) -> str:
    """The text of a claim row in the reader's language.

    A cross-claim row (``'a' and 'b' imply q = $750bn vs $1,000bn``) is worded from its
    data (ids, quantity, both figures in the reader's units); any other row, and every
    row in English, is the checker's text.
    """
    m = _CROSS_NOTE.match(claim.note) if claim.kind == "cross" else None
    if t.lang == "en" or m is None or "~" not in claim.claim_id:
        return claim.text
    a, b = claim.claim_id.split("~", 1)
    name = m.group(1)
    return _fill(
        t,
        "note.cross_text",
        a=_code(a),
        b=_code(b),
        name=_code(name),
        x=t.value(claim.claimed, claim.unit, name=name),
        y=t.value(claim.computed, claim.unit, name=name),
    )


_DATA_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^gap of (\d+) calendar days \((.+) -> (.+)\)$"), "data.gap"),
    (re.compile(r"^(\w+) is empty on (\d+) rows? \((.+)\)$"), "data.empty"),
    (
        re.compile(r"^(\w+) is below (\w+) on (\d+) rows? \((.+)\) \(kept as published\)$"),
        "data.below",
    ),
    (
        re.compile(r"^(\w+) is below open or close on (\d+) rows? \((.+)\) \(kept as published\)$"),
        "data.below_oc",
    ),
    (
        re.compile(r"^(\w+) is above open or close on (\d+) rows? \((.+)\) \(kept as published\)$"),
        "data.above_oc",
    ),
    (re.compile(r"^close moved x(\S+) on (\S+); check for an unadjusted split$"), "data.split"),
    (
        re.compile(r"^dividend (\S+) on (\S+) is not below the previous close (\S+); not applied$"),
        "data.dividend",
    ),
)
_STORE_FOLDERS = ("prices", "dividends", "fx", "sec", "kpi")
_WHERE = re.compile(r"^(?P<path>.+?\.csv)(?::(?P<row>\d+))?: (?P<rest>.*)$")


def relative_path(path: str, data_root: Path | None) -> str:
    """``path`` relative to the data folder (``prices/AAPL.csv``) when it lies inside it;
    otherwise from the store folder it sits in (``prices/...``), else the file's name alone:
    never a machine's absolute path."""
    p = Path(path)
    if data_root is not None and p.is_absolute():
        try:
            return p.resolve().relative_to(data_root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    if not p.is_absolute():
        return p.as_posix()
    parts = p.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in _STORE_FOLDERS:
            return Path(*parts[i:]).as_posix()
    return p.name


def _column(t: Translator, name: str) -> str:
    key = f"column.{name}"
    return t(key) if t.has(key) else name


def data_warning(text: str, t: Translator, data_root: Path | None) -> str:
    """A stored series' data warning: its path relative to the data folder, re-worded."""
    m = _WHERE.match(text)
    where, rest = "", text
    if m is not None:
        where = relative_path(m.group("path"), data_root)
        if m.group("row"):
            where += f":{m.group('row')}"
        rest = m.group("rest")
    if t.lang != "en":
        rest = _reword(rest, t)
    return f"{where}: {rest}" if where else rest


def _reword(rest: str, t: Translator) -> str:
    for pattern, key in _DATA_RULES:
        m = pattern.match(rest)
        if m is None:
            continue
        groups: list[str] = list(m.groups())
        if key == "data.gap":
            return t(key, days=groups[0], start=groups[1], end=groups[2])
        if key == "data.empty":
            return t(key, column=_column(t, groups[0]), n=groups[1], dates=_dates(groups[2], t))
        if key == "data.below":
            return t(
                key,
                column=_column(t, groups[0]),
                other=_column(t, groups[1]),
                n=groups[2],
                dates=_dates(groups[3], t),
            )
        if key in ("data.below_oc", "data.above_oc"):
            return t(key, column=_column(t, groups[0]), n=groups[1], dates=_dates(groups[2], t))
        if key == "data.split":
            return t(key, factor=groups[0], date=groups[1])
        if key == "data.dividend":
            return t(key, amount=groups[0], date=groups[1], close=groups[2])
    return rest


_MORE = re.compile(r"^(.*) and (\d+) more$")


def _dates(text: str, t: Translator) -> str:
    """``2023-01-02, 2023-02-03 and 5 more`` -> the catalogue's wording of the same list."""
    m = _MORE.match(text)
    if m is None:
        return text
    return t("data.more", dates=m.group(1), n=m.group(2))
