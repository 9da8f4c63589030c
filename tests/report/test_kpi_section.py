"""The report's KPI section: group aggregate tables and the KPI series tables' cells.

Checked on the rendered pages of the agix sample (``html`` fixture) against the build's
KPI tables.
"""

from __future__ import annotations

import html as htmlmod
import re

import pandas as pd

from aithesis.report.context_models import PARTIAL_SHOWN, SERIES_SHOWN, _group_rows
from aithesis.report.i18n import Translator


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


def _css_rules(page: str) -> dict[str, str]:
    """``selector -> declarations`` of the page's inlined stylesheet (comments dropped)."""
    css = re.sub(
        r"/\*.*?\*/", "", "".join(re.findall(r"<style>(.*?)</style>", page, re.S)), flags=re.S
    )
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for sel in selectors.split(","):
            rules[" ".join(sel.split())] = rules.get(" ".join(sel.split()), "") + body
    return rules


def test_kpi_series_tables_keep_dates_whole_and_break_sources_between_tokens(built, html) -> None:
    """Period-end dates (2025-03-31) and periods do not wrap; a source (003_06e7…a5.txt,
    sec:companyfacts) wraps only at ``<wbr>`` marks after ``_ : /`` or before its
    extension, and its text is the build's source unchanged."""
    growth = built.results.kpi.growth
    for lang in ("en", "zh"):
        page = html[lang]
        rules = _css_rules(page)
        assert "nowrap" in rules["table.data.small.kpi-rows td"]
        normal = [
            s for s, body in rules.items() if "kpi-rows" in s and "white-space: normal" in body
        ]
        # only the events and source cells (and the heads) may wrap
        assert set(normal) == {
            "table.data.small.kpi-rows th",
            "table.data.small.kpi-rows td.wrap",
            "table.data.small.kpi-rows td.src-id",
        }, normal
        assert "anywhere" not in rules["table.data.small.kpi-rows td.src-id"]
        # the events cell overrides the general td.wrap (overflow-wrap: anywhere): words whole
        assert "overflow-wrap: normal" in rules["table.data.small.kpi-rows td.wrap"]
        assert "break-all" not in rules["table.data.small.kpi-rows td.src-id"]
        series = _series_blocks(page, len(growth))
        for (shown, folded), table in zip(series.values(), growth.values(), strict=True):
            cells = _trs(folded) + _trs(shown)  # in time order: the earlier periods first
            assert len(cells) == len(table)
            table = _in_time_order(table)
            for tr, source, end in zip(cells, table["source"], table["period_end"], strict=True):
                tds = re.findall(r'<td(?: class="([^"]*)")?>(.*?)</td>', tr, re.S)
                assert tds[0][0] == "period" and tds[1][0] == "date"
                assert tds[1][1] == str(end)[:10]  # the date, whole
                cls, src = tds[6]
                assert cls == "src-id"
                assert htmlmod.unescape(src.replace("<wbr>", "")) == str(source)
                for m in re.finditer("<wbr>", src):
                    before, after = src[: m.start()], src[m.end() :]
                    assert before[-1] in "_:/" or re.fullmatch(r"\.[A-Za-z]+", after), src
        assert any("<wbr>" in shown for shown, _ in series.values())  # sources get break marks


def _in_time_order(table: pd.DataFrame) -> pd.DataFrame:
    """The series by period end, a fiscal year (``FY2025``) after the quarter ending it."""
    annual = ~table["fiscal_period"].astype(str).str.contains("Q")
    order = table.assign(_end=pd.to_datetime(table["period_end"]), _annual=annual)
    return order.sort_values(["_end", "_annual"], kind="stable")


def _trs(block: str) -> list[str]:
    """The ``<tr>`` bodies of a block's tables' bodies."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", block, re.S)
    return [tr for body in bodies for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _series_blocks(page: str, n: int) -> dict[str, tuple[str, str]]:
    """``title -> (open table, folded part)`` of the first ``n`` KPI series blocks (each
    ``<h3>`` up to the next one); the folded part is ``<details class="earlier">`` or ``""``."""
    parts = re.findall(r"<h3>(.*?)</h3>(.*?)(?=<h3>)", _kpi_section(page), re.S)[:n]
    out = {}
    for title, body in parts:
        folded = re.findall(r'<details class="earlier">.*?</details>', body, re.S)
        assert len(folded) <= 1
        shown = re.sub(r'<details class="earlier">.*?</details>', "", body, flags=re.S)
        assert shown.count('<table class="data small kpi-rows">') == 1
        out[htmlmod.unescape(title)] = (shown, folded[0] if folded else "")
    return out


def test_long_series_tables_show_the_latest_periods_and_fold_the_earlier_ones(built, html) -> None:
    """Microsoft's SEC capex (91 periods in the sample) and Alphabet's (59) show their
    latest SERIES_SHOWN periods open and the earlier ones in a folded ``<details>`` whose
    summary gives their number; the counts come from the build's series, and every
    period is still in the page. The short Chinese series have no fold."""
    growth = built.results.kpi.growth
    assert len(growth["microsoft/capex"]) > SERIES_SHOWN and len(growth["alphabet/capex"]) > 12
    for lang, word in (("en", "{n} earlier periods"), ("zh", "更早的 {n} 个期间")):
        series = _series_blocks(html[lang], len(growth))
        for (shown, folded), (key, table) in zip(series.values(), growth.items(), strict=True):
            periods = [str(p) for p in _in_time_order(table)["fiscal_period"]]
            n_earlier = max(len(periods) - SERIES_SHOWN, 0)
            open_rows = [r[0] for r in _rows(shown)]
            assert open_rows == periods[n_earlier:], (lang, key)  # the latest, in time order
            if n_earlier == 0:
                assert folded == "", (lang, key)
                continue
            summary = re.search(r"<summary>(.*?)</summary>", folded, re.S).group(1).strip()
            assert summary == word.format(n=n_earlier), (lang, key, summary)
            # the same table style, every earlier period, nothing lost
            assert '<table class="data small kpi-rows">' in folded
            assert [r[0] for r in _rows(folded)] == periods[:n_earlier], (lang, key)
            every = sorted(map(str, table["fiscal_period"]))
            assert sorted(open_rows + [r[0] for r in _rows(folded)]) == every
        ms = series[next(t for t in series if "Microsoft" in t or "微软" in t)]
        assert len(_rows(ms[0])) == SERIES_SHOWN
        assert len(_rows(ms[1])) == len(growth["microsoft/capex"]) - SERIES_SHOWN


def _partial_group(complete_first: bool) -> pd.DataFrame:
    """Seven quarters of a three-member group: Baidu never reports; the first quarter is
    complete when ``complete_first``."""
    n = 7
    complete = [complete_first] + [False] * (n - 1)
    return pd.DataFrame(
        {
            "period": [str(p) for p in pd.period_range("2023Q1", periods=n, freq="Q")],
            "value": [100.0 + i for i in range(n)],
            "unit": "RMB_100M",
            "n_members": [3 if c else 2 for c in complete],
            "members_missing": [None if c else "baidu" for c in complete],
            "complete": complete,
        }
    )


def test_a_group_with_no_complete_period_says_its_table_lists_only_partial_ones() -> None:
    """Every period misses Baidu: the note does not speak of "the complete periods" (there
    are none) but says none is complete and the table lists the latest PARTIAL_SHOWN; one
    complete period brings back the usual wording. Both languages."""
    en, zh = Translator("en"), Translator("zh")
    hidden = 7 - PARTIAL_SHOWN
    none_en = _group_rows(_partial_group(False), en)
    assert len(none_en["rows"]) == PARTIAL_SHOWN
    note = none_en["note"]
    assert note.startswith(f"{hidden} earlier partial periods are not listed") and "Baidu" in note
    assert "complete periods" not in note
    assert "No period has every member reported yet" in note
    assert f"only the latest {PARTIAL_SHOWN} periods" in note
    note = _group_rows(_partial_group(False), zh)["note"]
    assert f"另有 {hidden} 个较早的不完整期间未列出" in note and "百度" in note
    assert "全部完整期间" not in note
    assert "尚无任何期间所有成员都有数据" in note and f"最近 {PARTIAL_SHOWN} 个期间" in note
    # one complete period: the usual note, and the complete period stays listed
    some = _group_rows(_partial_group(True), en)
    assert len(some["rows"]) == 1 + PARTIAL_SHOWN and some["rows"][0][3] == "yes"
    assert f"{hidden - 1} earlier partial periods" in some["note"]
    assert "lists the complete periods" in some["note"]
    assert "全部完整期间" in _group_rows(_partial_group(True), zh)["note"]
