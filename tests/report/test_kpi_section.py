"""The report's KPI section: group aggregate tables and the KPI series tables' cells.

Checked on the rendered pages of the agix sample (``html`` fixture) against the build's
KPI tables.
"""

from __future__ import annotations

import html as htmlmod
import re

from aithesis.report.context_models import PARTIAL_SHOWN


def _kpi_section(page: str) -> str:
    return re.search(r'<section id="kpi">(.*?)</section>', page, re.S).group(1)


def _group_blocks(page: str) -> dict[str, str]:
    """Each group aggregate's block (``<h4>title</h4>`` up to the next ``<h4>`` or h3)."""
    section = _kpi_section(page)
    parts = re.findall(r"<h4>(.*?)</h4>(.*?)(?=<h4>|<h3>)", section, re.S)
    return {htmlmod.unescape(title): body for title, body in parts}


def _rows(block: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", block, re.S).group(1)
    return [
        [
            htmlmod.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_group_tables_list_complete_periods_and_the_latest_partial_ones(built, html) -> None:
    """The hyperscalers' aggregate has ~70 partial periods (no SEC capex of Amazon or Meta
    in the sample): the table lists the complete periods and the latest few partial ones,
    and a note gives the number left out, counted here from the build's table and the
    rendered rows, in both languages."""
    aggregates = built.results.kpi.aggregates
    noted = 0
    for lang, no, complete_word in (("en", "no", "yes"), ("zh", "否", "是")):
        blocks = _group_blocks(html[lang])
        assert len(blocks) == len(aggregates)
        for (key, table), block in zip(aggregates.items(), blocks.values(), strict=True):
            table = table.dropna(subset=["value"])
            rows = _rows(block)
            shown_partial = [r for r in rows if r[3] == no]
            n_partial = int((~table["complete"].astype(bool)).sum())
            n_complete = len(table) - n_partial
            assert sum(r[3] == complete_word for r in rows) == n_complete, (lang, key)
            assert len(shown_partial) == min(n_partial, PARTIAL_SHOWN), (lang, key)
            # the latest partial periods, in order
            latest = [str(p) for p in table[~table["complete"].astype(bool)]["period"]]
            assert [r[0] for r in shown_partial] == latest[len(latest) - len(shown_partial) :]
            hidden = n_partial - len(shown_partial)
            note = re.search(r'<p class="note partial-note">(.*?)</p>', block, re.S)
            if hidden == 0:
                assert note is None, (lang, key)
                continue
            noted += 1
            text = htmlmod.unescape(note.group(1))
            assert re.findall(r"\d+", text)[0] == str(hidden), text
            if lang == "en":
                assert (
                    "partial periods are not listed" in text and "Amazon" in text and "Meta" in text
                )
            else:
                assert "不完整期间未列出" in text and "亚马逊" in text
    assert noted == 2  # the hyperscalers, in each language
    hyper = aggregates["us_hyperscalers/capex"]
    assert (~hyper["complete"].astype(bool)).sum() > 60  # the case the note is for
