"""Template context of the "Claims against the record" section and the appendix's
article coverage.

Presentation only: record claims are :class:`~aithesis.project.records.RecordClaim`
rows judged in the build, coverage is the build's
:class:`~aithesis.articles.results.CoverageResult`; values are formatted by the
:class:`~aithesis.report.i18n.Translator` and notes re-worded by
:func:`~aithesis.report.generated.record_note`.
"""

from __future__ import annotations

import re
from typing import Any

from aithesis.project.records import RecordClaim
from aithesis.project.results import ProjectResults
from aithesis.report.charts_record import record_chart
from aithesis.report.fragments import figure_html
from aithesis.report.generated import record_note
from aithesis.report.i18n import Translator

__all__ = ["TONES", "article_coverage_view", "figure_value", "record_view"]

TONES = {
    "ok": "good",
    "came_true": "good",
    "flagged": "bad",
    "did_not_come_true": "bad",
    "not_yet": "open",
    "no_data": "none",
}
"""Badge colour class of each status (``good`` green, ``bad`` red, ``open`` amber,
``none`` grey; see ``report.css``)."""

_OPS = {">=": "≥", "<=": "≤", "=": "=", "in": "∈", ">": ">", "<": "<"}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def figure_value(value: Any, unit: str, t: Translator) -> str:
    """A record figure as shown: a date (``first_date``), a decimal return as a signed
    percentage (claims without a unit), else a number in the claim's unit."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return t.date(value) if _ISO.match(value) else value
    if isinstance(value, tuple | list):
        if not unit:
            low, high = (t.pct(float(v), signed=True) for v in value)
            return f"{low} – {high}"
        return t.value(tuple(float(v) for v in value), unit)
    if not unit:
        return t.pct(float(value), signed=True)
    return t.num(float(value), unit)


def _claimed(r: RecordClaim, t: Translator) -> str:
    if r.claimed is None:
        return t("record.first_claimed")
    text = figure_value(r.claimed, r.unit, t)
    symbol = _OPS.get(r.op, r.op)
    return text if isinstance(r.claimed, tuple | list) else f"{symbol} {text}"


def _judgement(r: RecordClaim, when: str, t: Translator) -> dict[str, str]:
    status = getattr(r, f"status_{when}")
    computed = getattr(r, f"computed_{when}")
    as_of = getattr(r, f"as_of_{when}")
    shown = figure_value(computed, r.unit, t)
    if r.claimed is None and isinstance(computed, str):
        shown = t("record.first_on", date=t.date(computed))
    return {
        "label": t(f"record.{when}", date=t.date(as_of)),
        "status": status,
        "badge": t.label("record_status", status),
        "tone": TONES.get(status, "none"),
        "value": shown,
    }


def record_view(results: ProjectResults, t: Translator) -> dict[str, Any]:
    """One card per record claim (article, quote, claimed, then and since, chart)."""
    records: tuple[RecordClaim, ...] = getattr(results, "records", ())  # older caches: none
    titles = {m.name: t.model_title(m.title, m.title_zh) for m in results.models}
    rows = []
    for i, r in enumerate(records):
        text = r.text_zh if t.lang == "zh" else r.text
        chart = None
        if r.chart is not None and r.chart.lines:
            chart = figure_html(record_chart(r.chart, t), f"fig-record-{i}")
        rows.append(
            {
                "id": r.claim_id,
                "key": f"{r.model}.{r.claim_id}",
                "model": titles.get(r.model, r.model),
                "text": text or "",
                "quote": r.quote,
                "article": r.article,
                "title": r.article_title,
                "date": t.date(r.article_date) if r.article_date else "—",
                "claimed": _claimed(r, t),
                "then": _judgement(r, "then", t),
                "since": _judgement(r, "since", t),
                "note": record_note(r.note, t),
                "figure": chart,
            }
        )
    s = results.summary.records_since if hasattr(results.summary, "records_since") else {}
    note = t(
        "record.count",
        total=len(rows),
        ok=s.get("ok", 0),
        came=s.get("came_true", 0),
        flagged=s.get("flagged", 0) + s.get("did_not_come_true", 0),
        open=s.get("not_yet", 0) + s.get("no_data", 0),
    )
    return {"rows": rows, "note": note}


def _statement_value(statement: Any, t: Translator) -> str:
    symbol = {"=": "", "~": "≈", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}.get(statement.op, "")
    if statement.value is not None:
        text = t.num(statement.value)
    else:
        text = f"{t.num(statement.low)} – {t.num(statement.high)}"
    return f"{symbol} {text}".strip()


def article_coverage_view(results: ProjectResults, t: Translator) -> dict[str, Any] | None:
    """Coverage per article and its uncovered statements (None: not computed)."""
    cov = getattr(results, "coverage", None)
    if cov is None:
        return None
    from aithesis.thesis.articles_meta import article_catalogue

    catalogue = article_catalogue()
    articles = []
    for row in cov.per_article():
        meta = catalogue.get(row["article"])
        uncovered = [
            {
                "line": str(i.statement.line),
                "quote": i.statement.quote,
                "span": i.statement.span,
                "value": _statement_value(i.statement, t),
                "unit": t.unit(i.statement.unit),
            }
            for i in cov.items
            if i.article == row["article"] and not i.covered
        ]
        articles.append(
            {
                "article": row["article"],
                "title": meta.title if meta is not None else "",
                "statements": str(row["statements"]),
                "covered": str(row["covered"]),
                "share": t.pct(row["coverage"]),
                "share_value": repr(float(row["coverage"])),
                "uncovered": uncovered,
            }
        )
    return {"articles": articles}
