"""The report's "Claims against the record" section and the appendix's article coverage.

Statuses are checked against :func:`aithesis.thesis.record_api.check_records` called
directly on the build's store; coverage against
:func:`aithesis.project.coverage.project_coverage` called on the project folder; the zh
page against the catalogue's Chinese status words.
"""

from __future__ import annotations

import html as htmlmod
import re

import pytest

from aithesis.data.store import Store
from aithesis.project.coverage import project_coverage
from aithesis.report.i18n import load_catalogue
from aithesis.thesis.record_api import check_records

pytestmark = pytest.mark.shared_data

_CARD = re.compile(
    r'<div class="record-claim" id="record-([\w.-]+)" data-record="[\w.-]+" '
    r'data-status-then="(\w+)" data-status-since="(\w+)">(.*?)<div class="record-chart">(.*?)'
    r"(?=<div class=\"record-claim\"|</section>)",
    re.S,
)


@pytest.fixture(scope="module")
def direct(built, sample_dir):
    project = built.project
    files = [project.require(m.file, "models") for m in project.config.models]
    return check_records(
        files, store=Store(project.store_path, read_only=True), sec_dir=sample_dir / "sec"
    )


def _cards(page: str) -> dict[str, tuple[str, str, str, str]]:
    section = page[page.index('<section id="record">') :]
    section = section[: section.index("</section>") + len("</section>")]
    return {m.group(1): m.groups()[1:] for m in _CARD.finditer(section)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_record_claim_is_shown_with_its_statuses_then_and_since(lang, html, direct) -> None:
    cards = _cards(html[lang])
    assert len(cards) == len(direct) >= 11
    catalogue = load_catalogue()
    for r in direct:
        then, since, text, chart = cards[f"{r.model}.{r.claim_id}"]
        assert (then, since) == (r.status_then, r.status_since)
        text = htmlmod.unescape(text)
        assert r.quote in text  # verbatim
        for status in (then, since):
            assert catalogue[f"record_status.{status}"][lang] in text
        assert r.as_of_then in text and r.as_of_since in text
        # a chart for every market claim, none for a company-report (KPI) figure
        assert ("js-plotly-plot" in chart or "fig-record-" in chart) == (
            "kpi(" not in str(next(c.expr for c in _specs(r.model) if c.id == r.claim_id))
        )


def _specs(model: str):
    from aithesis.thesis.api import load_model

    return [c for _, c in load_model(model).spec.record_claims]


def test_record_figures_are_formatted_from_the_judged_values(html, direct) -> None:
    cards = _cards(html["en"])
    r = next(x for x in direct if x.claim_id == "nvda_3t_at_article")
    text = cards[f"{r.model}.{r.claim_id}"][2]
    assert f"${r.computed_then:.2f}tn" in text  # 3.04: close x split-adjusted shares
    assert "≥ $3tn" in text
    came = next(x for x in direct if x.claim_id == "nvda_5t_first_date")
    assert f"first on {came.computed_since}" in cards[f"{came.model}.{came.claim_id}"][2]
    ret = next(x for x in direct if x.claim_id == "saas_fell_two_months")
    assert f"{ret.computed_since:+.1%}" in cards[f"{ret.model}.{ret.claim_id}"][2]


def test_zh_record_section_words_are_chinese(html) -> None:
    section = html["zh"][html["zh"].index('<section id="record">') :]
    section = section[: section.index("</section>")]
    visible = re.sub(r"<(script|code)\b.*?</\1>", " ", section, flags=re.S)
    visible = htmlmod.unescape(re.sub(r"<[^>]+>", " ", visible))
    for english in ("horizon", "first on", "not by", "came true", "Then", "Since", "our reading"):
        assert english not in visible
    assert "已应验" in visible and "当时（截至" in visible and "此后（截至" in visible


def test_appendix_shows_the_article_coverage_of_the_project(built, html) -> None:
    expected = project_coverage(built.project.root)
    page = html["en"]
    appendix = page[page.index('<section id="appendix">') :]
    for row in expected.per_article():
        shown = re.search(
            rf'<tr data-key="coverage\.{re.escape(row["article"])}" data-value="([^"]+)">'
            rf"(.*?)</tr>",
            appendix,
            re.S,
        )
        assert shown, row["article"]
        assert float(shown.group(1)) == row["coverage"]
        cells = re.findall(r'<td class="num">([^<]*)</td>', shown.group(2))
        assert cells[:2] == [str(row["statements"]), str(row["covered"])]
    for article in expected.articles:
        missing = [i for i in expected.uncovered if i.article == article]
        if not missing:
            continue
        block = re.search(
            rf'<details class="uncovered" data-article="{re.escape(article)}">(.*?)</details>',
            appendix,
            re.S,
        ).group(1)
        assert block.count('<tr><td class="num">') == len(missing)
        shown = htmlmod.unescape(block)
        for item in missing:
            assert item.statement.quote in shown
    assert "未覆盖的表述" in html["zh"] and "覆盖率" in html["zh"]
