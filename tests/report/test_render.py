"""The written reports: well-formed, offline, in the right language, with the API's numbers."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import re
from pathlib import Path

import numpy as np
import pytest
from plotly.offline import get_plotlyjs

from aithesis import kpi
from aithesis.config import sample_data_dir
from aithesis.data.store import Store
from aithesis.errors import AithesisError
from aithesis.index.api import build_benchmark, build_index
from aithesis.project.results import KpiSection
from aithesis.project.summary import BuildSummary
from aithesis.report import charts, render, render_report, write_reports
from aithesis.report.context import SECTIONS
from aithesis.report.i18n import Translator, load_catalogue
from aithesis.thesis.api import check_all, load_model
from aithesis.thesis.results import ClaimReport

from .conftest import read_page

LANGS = ("en", "zh")
TOL = 1e-12
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def _value(page, key: str) -> float:
    assert key in page.values, f"no data-key {key!r} in the summary"
    return float(page.values[key])


# ---- structure ------------------------------------------------------------------------------
def test_both_reports_are_well_formed_html_with_every_section(pages) -> None:
    assert pages["en"].html_lang == "en"
    assert pages["zh"].html_lang == "zh-CN"
    for lang in LANGS:
        assert pages[lang].errors == []
        assert list(pages[lang].sections) == list(SECTIONS)


def test_reports_fetch_nothing_from_the_network(pages, html) -> None:
    for lang in LANGS:
        page = pages[lang]
        assert [s for s in page.scripts if "src" in s["attrs"]] == []
        assert [s for s in page.srcs if EXTERNAL.match(s)] == []
        assert [a for a in page.links if EXTERNAL.match(a.get("href", ""))] == []
        for css in page.styles + page.style_attrs:
            assert "@import" not in css
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", css, re.I)
        # nothing outside the parser's view either (e.g. a script tag inside a comment)
        assert not re.search(r"<script[^>]*\bsrc\s*=", html[lang], re.I)
        assert not re.search(r"<link[^>]*\bhref\s*=\s*['\"]?(https?:)?//", html[lang], re.I)


def test_plotly_js_is_inlined_exactly_once(pages, html) -> None:
    bundle = get_plotlyjs()
    for lang in LANGS:
        assert html[lang].count(bundle[:4000]) == 1
        holders = [s for s in pages[lang].scripts if bundle[-2000:] in s["text"]]
        assert len(holders) == 1 and len(holders[0]["text"]) >= len(bundle)
        # every figure is drawn by Plotly.newPlot from the page's one copy
        assert html[lang].count("Plotly.newPlot(") >= 10


def test_section_titles_are_in_the_reader_language_only(pages) -> None:
    catalogue = load_catalogue()
    for lang, other in (("en", "zh"), ("zh", "en")):
        titles = pages[lang].sections
        headings = {text.lstrip("#").strip() for _, text in pages[lang].headings}
        for sid in SECTIONS:
            assert titles[sid] == catalogue[f"section.{sid}"][lang]
            assert catalogue[f"section.{sid}"][other] not in headings
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in pages["zh"].sections.values())


def test_chinese_report_names_companies_and_models_in_chinese(built, pages) -> None:
    zh = {text for _, text in pages["zh"].headings}
    en = {text for _, text in pages["en"].headings}
    nvda = built.results.model("nvda-5t")
    assert nvda.title_zh in zh and nvda.title not in zh
    assert nvda.title in en and nvda.title_zh not in en
    assert "阿里巴巴集团：资本开支" in zh  # universe name_zh + catalogue metric
    assert "Alibaba Group: capex" in en
    agix = built.results.index("agix")
    assert agix.name_zh == "AGIX 式 AI 指数（文章 002）"
    assert agix.name_zh in zh and agix.name not in zh  # methodology name_zh
    assert agix.name in en and agix.name_zh not in en


# ---- the summary numbers against the library, recomputed here ---------------------------------
def test_index_and_benchmark_returns_equal_a_fresh_build(built, pages) -> None:
    cfg, project = built.project.config, built.project
    store = Store(project.store_path, read_only=True)
    bench = build_benchmark(cfg.benchmarks[0], store, cfg.start, cfg.end)
    # every comparison stops at the common last date of all indexes and benchmarks
    ends = [bench.index[-1]]
    ends += [build_benchmark(b, store, cfg.start, cfg.end).index[-1] for b in cfg.benchmarks]
    ends += [
        build_index(project.path(rel), store, start=cfg.start, end=cfg.end).index[-1]
        for rel in cfg.indexes
    ]
    common = min(ends)
    bench = build_benchmark(cfg.benchmarks[0], store, cfg.start, common)
    for rel in cfg.indexes:
        res = build_index(project.path(rel), store, start=cfg.start, end=common)
        key = f"index.{Path(rel).stem}"
        lv = res.level_values
        years = (lv.size - 1) / 252  # trading days
        total = lv[-1] / lv[0] - 1
        annual = (lv[-1] / lv[0]) ** (1 / years) - 1
        # the benchmark on the index's dates: last level on or before each date
        levels = bench.levels
        aligned = levels.reindex(levels.index.union(res.index)).ffill().reindex(res.index)
        b_total = aligned.iloc[-1] / aligned.iloc[0] - 1
        b_annual = (1 + b_total) ** (1 / years) - 1
        for lang in LANGS:
            page = pages[lang]
            assert _value(page, f"{key}.total_return") == pytest.approx(total, abs=TOL)
            assert _value(page, f"{key}.total_return") == pytest.approx(res.total_return, abs=TOL)
            assert _value(page, f"{key}.annualised_return") == pytest.approx(annual, abs=TOL)
            assert _value(page, f"{key}.benchmark_total_return") == pytest.approx(b_total, abs=TOL)
            assert _value(page, f"{key}.benchmark_annualised_return") == pytest.approx(
                b_annual, abs=TOL
            )
            assert _value(page, f"{key}.excess_annualised_return") == pytest.approx(
                annual - b_annual, abs=TOL
            )


def test_probability_of_the_target_equals_a_fresh_monte_carlo(built, pages) -> None:
    cfg, project = built.project.config, built.project
    entries = [m for m in cfg.models if m.target]
    assert entries, "the agix template sets a target"
    for entry in entries:
        model = load_model(project.path(entry.file))
        mc = model.monte_carlo(
            cfg.monte_carlo.draws, seed=cfg.monte_carlo.seed, target=entry.target
        )
        output, threshold = entry.target.split(">=")
        by_hand = float(np.mean(mc.values(output.strip()) >= float(threshold)))
        for lang in LANGS:
            shown = _value(pages[lang], f"model.{Path(entry.file).stem}.probability")
            assert shown == pytest.approx(mc.probability, abs=TOL)
            assert shown == pytest.approx(by_hand, abs=TOL)
            assert _value(pages[lang], f"model.{Path(entry.file).stem}.draws") == mc.n


def test_flagged_claims_equal_a_fresh_check_and_are_highlighted(built, pages) -> None:
    cfg, project = built.project.config, built.project
    report = check_all([str(project.path(m.file)) for m in cfg.models], cross=True)
    flagged = report.flagged
    # the FRAMEWORKS.md arithmetic "check" notes a correct tool must find by itself
    assert {"gpt4_energy", "cluster_energy", "memory_quantised"} <= {c.claim_id for c in flagged}
    for lang in LANGS:
        page = pages[lang]
        assert _value(page, "claims.flagged") == len(flagged)
        assert _value(page, "claims.total") == len(report)
        rows = page.claim_rows
        assert len(rows) == len(report)
        assert sum(r["flagged"] for r in rows) == len(flagged)
        for claim in flagged:
            hits = [r for r in rows if r["flagged"] and claim.claim_id in r["text"]]
            assert hits, claim.claim_id
            if lang == "en":
                assert any(claim.note in r["text"] for r in hits)
            else:  # the same names and figures, worded in Chinese
                zh = Translator("zh")
                figures = re.findall(r"check of (\w+)", claim.note)
                for p in claim.reconciling:  # the driver, its reconciling value, its base
                    value = zh.value(tuple(p.values), p.unit, name=p.driver)
                    assert value != "—" and value[0].isdigit(), (p, value)
                    figures += [p.driver, value, zh.num(p.base, p.unit, name=p.driver)]
                assert figures, claim.note
                assert any(all(f in r["text"] for f in figures) for r in hits), claim.note
                assert not any("would hold" in r["text"] for r in hits)
            if claim.quote:  # the original Chinese quote is shown in both languages
                assert any(claim.quote in r["text"] for r in hits)


def test_latest_capex_growth_equals_the_kpi_api_and_the_article(built, pages) -> None:
    store = Store(built.project.store_path, read_only=True)
    article = {  # FRAMEWORKS.md section 3 (article 003): RMB 100M
        "alibaba": (246.12, 317.75, 111.53, -0.225, 1.207),
        "tencent": (274.76, 365.78, 143.59, -0.249, 0.914),
    }
    for entity, (q1_25, q4_24, q1_24, qoq_text, yoy_text) in article.items():
        last = kpi.growth(store, entity=entity, metric="capex").iloc[-1]
        for lang in LANGS:
            page = pages[lang]
            qoq = _value(page, f"kpi.{entity}.capex.qoq")
            yoy = _value(page, f"kpi.{entity}.capex.yoy")
            assert qoq == pytest.approx(float(last["qoq"]), abs=TOL)
            assert yoy == pytest.approx(float(last["yoy"]), abs=TOL)
            assert qoq == pytest.approx(q1_25 / q4_24 - 1, abs=TOL)
            assert yoy == pytest.approx(q1_25 / q1_24 - 1, abs=TOL)
            assert round(qoq, 3) == qoq_text and round(yoy, 3) == yoy_text
            assert _value(page, f"kpi.{entity}.capex.value") == q1_25


def test_summary_texts_are_the_values_formatted_with_one_decimal(html, pages) -> None:
    for lang in LANGS:
        qoq = _value(pages[lang], "kpi.alibaba.capex.qoq")
        text = f"{qoq * 100:+.1f}%"
        assert text == "-22.5%"
        assert re.search(
            r'data-key="kpi\.alibaba\.capex\.qoq"[^>]*>' + re.escape(text) + "<", html[lang]
        )


def test_appendix_holds_every_methodology_model_and_warning_in_full(built, pages, html) -> None:
    results = built.results
    for lang in LANGS:
        pres = pages[lang].pres
        for section in results.indexes:
            assert section.methodology_yaml in pres
        for model in results.models:
            assert model.model_yaml in pres
        warnings = [w for ws in results.provenance["warnings"] for w in ws]
        assert warnings, "the sample data carries validation warnings (AAPL, GSPC)"
        data_root = str(sample_data_dir().resolve())
        for warning in warnings:
            where, _, rest = warning.partition(": ")
            # the path is shown relative to the data folder, never as this machine's path
            relative = where[where.rindex("/", 0, where.rindex("/")) + 1 :]
            assert relative.startswith(("prices/", "dividends/", "fx/")), relative
            assert htmlmod.escape(relative, quote=False) + ": " in html[lang]
            if lang == "en":
                assert htmlmod.escape(f"{relative}: {rest}", quote=False) in html[lang]
        assert "/shared/data/" not in html[lang] and data_root not in html[lang]
        # nor any other path of this machine (the checkout, the project folder)
        assert "/work/" not in html[lang] and str(built.project.root) not in html[lang]
        for day in results.provenance["last_date"]:
            assert str(day)[:10] in html[lang]


def test_levels_chart_has_a_log_scale_toggle(html) -> None:
    for lang in LANGS:
        assert '"yaxis.type":"log"' in html[lang]
        assert '"yaxis.type":"linear"' in html[lang]


def test_a_project_with_only_benchmarks_still_renders_every_section(built) -> None:
    results = built.results
    k = results.kpi
    bare = dataclasses.replace(
        results,
        indexes=[],
        models=[],
        exposure=None,
        claims=ClaimReport(()),
        kpi=KpiSection(growth={}, aggregates={}, gaps=k.gaps, events=k.events, facts=k.facts[:0]),
        summary=BuildSummary(start=results.summary.start),
        comparison=results.comparison[list(results.benchmarks)],
        records=(),
        coverage=None,
    )
    catalogue = load_catalogue()
    for lang in LANGS:
        text = render_report(bare, lang)
        page = read_page(text)
        assert page.errors == []
        assert list(page.sections) == list(SECTIONS)
        assert page.values == {"claims.flagged": "0", "claims.total": "0"}
        assert catalogue["exposure.off"][lang] in text


# ---- bad input --------------------------------------------------------------------------------
def test_unwritable_out_dir_is_a_clear_error_naming_the_folder(built, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file", encoding="utf-8")
    for target in (blocker / "out", blocker):
        with pytest.raises(AithesisError) as info:
            write_reports(built.results, target, ["en"])
        assert type(info.value) is AithesisError
        assert info.value.file == str(target)
        assert str(target) in str(info.value)
        assert "cannot write the report" in str(info.value)


def test_unknown_language_is_a_clear_error(built, tmp_path) -> None:
    with pytest.raises(AithesisError) as info:
        write_reports(built.results, tmp_path, ["en", "fr"])
    assert info.value.field == "lang"
    assert "'fr'" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_render_leaves_the_previous_report_untouched(built, tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    first = write_reports(built.results, out, ["en"])
    before = first[0].read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("synthetic chart failure")

    monkeypatch.setattr(charts, "monte_carlo", broken)
    with pytest.raises(RuntimeError, match="synthetic chart failure"):
        write_reports(built.results, out, ["en"])
    assert first[0].read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["report.en.html"]


def test_failed_write_of_one_language_replaces_neither(built, tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    written = write_reports(built.results, out, LANGS)
    before = {p: p.read_bytes() for p in written}
    real_stage = render._stage
    calls = []

    def stage_then_fail(path, text):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_stage(path, text)

    monkeypatch.setattr(render, "_stage", stage_then_fail)
    with pytest.raises(AithesisError, match="No space left on device"):
        write_reports(built.results, out, LANGS)
    assert {p: p.read_bytes() for p in written} == before
    assert sorted(p.name for p in out.iterdir()) == ["report.en.html", "report.zh.html"]


def test_writing_leaves_only_the_reports_in_the_folder(reports) -> None:
    folder = next(iter(reports.values())).parent
    assert sorted(p.name for p in folder.iterdir()) == ["report.en.html", "report.zh.html"]
    for path in reports.values():
        path.read_bytes().decode("utf-8")  # strict UTF-8


def test_the_ulcer_index_row_shows_the_hand_computed_value(built, html) -> None:
    """A catalogue metric reaches the report's table with no edit of the report."""
    from aithesis.report.context import metrics_table

    for lang, label in (("en", "Ulcer index"), ("zh", "溃疡指数")):
        table = metrics_table(built.results, Translator(lang))
        row = next(r for r in table["rows"] if r["label"] == label)
        for section, (text, tone) in zip(built.results.indexes, row["cells"], strict=False):
            lv = section.result.level_values
            dd = lv / np.maximum.accumulate(lv) - 1
            assert text == f"{np.sqrt(np.mean(dd**2)):.1%}" and tone == ""
            assert f">{text}<" in html[lang]
        assert label in html[lang]
