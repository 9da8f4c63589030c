"""Thesis projects: init, build, cache, and the build's numbers against the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aithesis.config import sample_data_dir
from aithesis.data.store import Store
from aithesis.errors import AithesisError, SpecError, UnknownTickerError
from aithesis.index.api import build_benchmark, build_index
from aithesis.kpi import growth
from aithesis.project import build_project, init_project, load_project
from aithesis.project.build import load_cached
from aithesis.thesis import BUILTIN_DIR, load_model


def test_init_writes_a_complete_project(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    assert (root / "aithesis.yaml").is_file() and (root / "README.md").is_file()
    assert sorted(p.name for p in (root / "indexes").iterdir()) == ["agix.yaml", "ai-infra.yaml"]
    builtins = sorted(p.name for p in BUILTIN_DIR.glob("*.yaml"))
    assert sorted(p.name for p in (root / "models").glob("*.yaml")) == builtins
    assert (root / "kpi" / "article_facts.csv").is_file()
    project = load_project(root)
    assert project.config.start.isoformat() == "2022-11-30"
    for i, entry in enumerate(project.config.models):
        assert project.require(entry.file, f"models[{i}].file").is_file()


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    init_project(tmp_path / "p")
    with pytest.raises(SpecError, match="already exists"):
        init_project(tmp_path / "p")
    root = tmp_path / "p"
    edited = {
        root / "aithesis.yaml": "name: mine\n",
        root / "indexes" / "agix.yaml": "name: edited\n",
        root / "models" / "nvda-5t.yaml": "broken: [\n",
        root / "kpi" / "article_facts.csv": "ticker\n",
    }
    originals = {path: path.read_bytes() for path in edited}
    for path, text in edited.items():
        path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match="already exists"):
        init_project(root)
    assert (root / "aithesis.yaml").read_text(encoding="utf-8") == "name: mine\n"  # untouched
    assert init_project(root, force=True) == root
    for path, original in originals.items():
        assert path.read_bytes() == original, path  # each file rewritten from the template
    assert load_project(root).config.start.isoformat() == "2022-11-30"


def test_unknown_template_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="unknown template 'nope'"):
        init_project(tmp_path / "p", "nope")


def test_build_contains_every_index_model_and_kpi_series(built_project) -> None:
    results = built_project.results
    assert [s.key for s in results.indexes] == ["agix", "ai-infra"]
    assert len(results.models) == len(list(BUILTIN_DIR.glob("*.yaml")))
    assert set(results.kpi.growth) == {
        "alibaba/capex",
        "tencent/capex",
        "microsoft/capex",
        "alphabet/capex",
    }
    assert set(results.benchmarks) == {"QQQ", "SPY", "NDX"}
    assert not built_project.cached and built_project.data_loaded


def test_index_numbers_equal_the_library_called_directly(built_project) -> None:
    results = built_project.results
    store = Store(built_project.project.store_path, read_only=True)
    direct = build_index("agix", store, start="2022-11-30")
    section = results.index("agix")
    assert section.result.level_values.tolist() == direct.level_values.tolist()
    qqq = build_benchmark("QQQ", store, "2022-11-30")
    assert section.metrics["benchmark_total_return"] == pytest.approx(qqq.total_return, rel=1e-12)
    assert results.summary.indexes[section.name].total_return == pytest.approx(
        direct.total_return, rel=1e-12
    )
    assert section.by_stock.sum() == pytest.approx(direct.total_return, rel=1e-9)


def test_model_numbers_equal_the_library_called_directly(built_project) -> None:
    results = built_project.results
    cfg = built_project.project.config
    section = results.model("nvda-5t")
    model = load_model(built_project.project.root / "models" / "nvda-5t.yaml")
    mc = model.monte_carlo(
        cfg.monte_carlo.draws, seed=cfg.monte_carlo.seed, target="market_cap>=5000"
    )
    assert section.monte_carlo.probability == mc.probability
    assert results.summary.targets["nvda-5t"].probability == mc.probability
    assert section.base.value == model.evaluate().value
    flagged = {(r.model, r.claim_id) for r in results.summary.flagged}
    assert ("compute-energy", "gpt4_energy") in flagged
    assert ("inference-memory", "memory_quantised") in flagged


def test_kpi_latest_equals_growth_from_the_store(built_project) -> None:
    store = Store(built_project.project.store_path, read_only=True)
    table = growth(store, entity="alibaba", metric="capex")
    latest = built_project.results.summary.kpi_latest["alibaba/capex"]
    assert latest.period == "2025Q1"
    assert latest.qoq == pytest.approx(246.12 / 317.75 - 1, rel=1e-12)
    assert latest.yoy == pytest.approx(246.12 / 111.53 - 1, rel=1e-12)
    assert latest.yoy == table["yoy"].iloc[-1]


def _sec_capex(cik: str) -> dict[tuple[str | None, str], float]:
    """Capex per (start, end) from a raw payload of the sample's sec/ folder, the latest
    filing winning, written here without provider code."""
    [path] = sample_data_dir().joinpath("sec").glob(f"CIK{cik}*.json")
    facts = json.loads(path.read_text(encoding="utf-8"))["facts"]["us-gaap"]
    best: dict[tuple[str | None, str], tuple[str, float]] = {}
    for concept in (
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
    ):
        for item in facts.get(concept, {}).get("units", {}).get("USD", []):
            key = (item.get("start"), item["end"])
            if key not in best or item["filed"] > best[key][0]:
                best[key] = (item["filed"], item["val"])
    return {k: v for k, (_, v) in best.items()}


def test_us_capex_from_the_sec_payloads_equals_hand_decumulation(built_project) -> None:
    """kpi.sec: [sample] fills the US capex tracker; the latest quarters, QoQ and YoY equal
    the year-to-date differences of the raw filings."""
    latest = built_project.results.summary.kpi_latest
    m = _sec_capex("0000789019")  # Microsoft: fiscal year to 30 June
    q4 = m["2025-07-01", "2026-06-30"] - m["2025-07-01", "2026-03-31"]
    q3 = m["2025-07-01", "2026-03-31"] - m["2025-07-01", "2025-12-31"]
    q4_before = m["2024-07-01", "2025-06-30"] - m["2024-07-01", "2025-03-31"]
    msft = latest["microsoft/capex"]
    assert (msft.period, msft.unit) == ("FY2026Q4", "USD_bn")
    assert msft.value == pytest.approx(q4 / 1e9, rel=1e-12)
    assert msft.qoq == pytest.approx(q4 / q3 - 1, rel=1e-12)
    assert msft.yoy == pytest.approx(q4 / q4_before - 1, rel=1e-12)
    g = _sec_capex("0001652044")  # Alphabet: calendar year
    q1 = g["2026-01-01", "2026-03-31"]
    q4 = g["2025-01-01", "2025-12-31"] - g["2025-01-01", "2025-09-30"]
    goog = latest["alphabet/capex"]
    assert goog.period == "2026Q1"
    assert goog.value == pytest.approx(q1 / 1e9, rel=1e-12)
    assert goog.qoq == pytest.approx(q1 / q4 - 1, rel=1e-12)
    assert goog.yoy == pytest.approx(q1 / g["2025-01-01", "2025-03-31"] - 1, rel=1e-12)
    hyper = built_project.results.kpi.aggregates["us_hyperscalers/capex"]
    row = hyper[hyper["period"] == "2026Q1"].iloc[0]
    assert row["members_missing"] == "amazon,meta"  # no payloads for them: partial, said so


def test_a_missing_sec_path_names_the_key(project_copy) -> None:
    root = project_copy()
    config = root / "aithesis.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("sec: [sample]", "sec: [sample, nope.zip]"), encoding="utf-8")
    with pytest.raises(SpecError, match=r"kpi\.sec\[1\]'?: SEC payloads not found: nope.zip"):
        build_project(root)


def test_unchanged_rebuild_reads_the_cache(project_copy) -> None:
    """An unchanged rebuild loads nothing and builds nothing (its time is measured in
    the demo and reported, not asserted here)."""
    root = project_copy()
    outcome = build_project(root)
    assert outcome.cached and not outcome.data_loaded
    assert outcome.results.input_hash == load_cached(root).input_hash


def test_a_changed_model_file_triggers_a_rebuild(project_copy) -> None:
    root = project_copy()
    path = root / "models" / "nvda-5t.yaml"
    path.write_text(path.read_text().replace("value: 0.75", "value: 0.70", 1))
    outcome = build_project(root)
    assert not outcome.cached
    assert outcome.results.model("nvda-5t").base.values["nvda_share"] == 0.70


def test_missing_model_file_names_the_project_key(project_copy) -> None:
    root = project_copy()
    (root / "models" / "us-power.yaml").unlink()
    with pytest.raises(SpecError) as info:
        build_project(root)
    text = str(info.value)
    assert "aithesis.yaml" in text and "models[5].file" in text and "us-power.yaml" in text


def test_broken_yaml_names_the_line(project_copy) -> None:
    root = project_copy()
    config = root / "aithesis.yaml"
    config.write_text(
        config.read_text().replace("benchmarks: [QQQ, SPY, NDX]", "benchmarks: [QQQ, SPY")
    )
    with pytest.raises(SpecError) as info:
        build_project(root)
    assert "aithesis.yaml" in str(info.value) and "not valid YAML" in str(info.value)
    assert info.value.row is not None


def test_misspelt_key_is_named_with_a_suggestion(project_copy) -> None:
    root = project_copy()
    config = root / "aithesis.yaml"
    config.write_text(config.read_text().replace("benchmarks:", "benchmark:"))
    with pytest.raises(SpecError) as info:
        build_project(root)
    assert "'benchmark'" in str(info.value) and "did you mean 'benchmarks'" in str(info.value)


def test_index_that_selects_nothing_names_the_index_file(project_copy) -> None:
    root = project_copy()
    path = root / "indexes" / "ai-infra.yaml"
    text = path.read_text()
    start = text.index("universe:")
    end = text.index("weighting:")
    path.write_text(
        text[:start] + "universe:\n  themes: [software]\n  markets: [KR]\n" + text[end:]
    )
    with pytest.raises(AithesisError) as info:
        build_project(root)
    assert "ai-infra.yaml" in str(info.value) and "indexes[1]" in str(info.value)


def test_unknown_benchmark_names_the_key(project_copy) -> None:
    root = project_copy()
    config = root / "aithesis.yaml"
    config.write_text(config.read_text().replace("[QQQ, SPY, NDX]", "[QQQ, SPYX]"))
    with pytest.raises(UnknownTickerError) as info:
        build_project(root)
    assert "benchmarks[1]" in str(info.value) and "SPYX" in str(info.value)


def test_failed_build_keeps_the_previous_results(project_copy) -> None:
    root = project_copy()
    before = load_cached(root)
    (root / "models" / "nvda-5t.yaml").write_text("name: [broken\n")
    with pytest.raises(SpecError):
        build_project(root)
    after = load_cached(root)
    assert after is not None and after.input_hash == before.input_hash


def test_no_project_here_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="aithesis init"):
        build_project(tmp_path)


def test_impossible_date_names_its_line(project_copy) -> None:
    root = project_copy()
    config = root / "aithesis.yaml"
    text = config.read_text()
    config.write_text(text.replace("start: 2022-11-30", "start: 2022-02-30"))
    line = 1 + text.splitlines().index(next(x for x in text.splitlines() if x.startswith("start:")))
    with pytest.raises(SpecError) as info:
        build_project(root)
    assert f"aithesis.yaml:{line}" in str(info.value) and "cannot be read" in str(info.value)


def test_exposure_edges_out_of_order_name_the_key(project_copy) -> None:
    root = project_copy()
    config = root / "aithesis.yaml"
    config.write_text(config.read_text().replace("[0.0, 0.4, 0.7, 1.0]", "[0.0, 0.7, 0.4, 1.0]"))
    with pytest.raises(SpecError) as info:
        build_project(root)
    assert "exposure_test.edges" in str(info.value) and "increasing" in str(info.value)


def test_two_indexes_with_one_name_are_refused(project_copy) -> None:
    root = project_copy()
    (root / "indexes" / "agix2.yaml").write_text((root / "indexes" / "agix.yaml").read_text())
    config = root / "aithesis.yaml"
    config.write_text(
        config.read_text().replace(
            "  - indexes/ai-infra.yaml", "  - indexes/ai-infra.yaml\n  - indexes/agix2.yaml"
        )
    )
    with pytest.raises(SpecError) as info:
        build_project(root)
    assert "indexes[2]" in str(info.value) and "indexes[0]" in str(info.value)


def test_a_deleted_store_is_loaded_again(built_project, project_copy) -> None:
    root = project_copy()
    store = root / ".aithesis" / "store.duckdb"
    store.unlink()
    outcome = build_project(root)
    assert outcome.data_loaded and not outcome.cached and store.is_file()
    first, again = built_project.results, outcome.results
    for old, new in zip(first.indexes, again.indexes, strict=True):
        assert new.result.level_values.tolist() == old.result.level_values.tolist()
        assert new.result.dates.tolist() == old.result.dates.tolist()
        assert new.by_stock.to_dict() == old.by_stock.to_dict()
    assert again.comparison.equals(first.comparison)
    assert again.summary == first.summary  # every headline figure, exactly
    assert again.kpi.facts.reset_index(drop=True).equals(first.kpi.facts.reset_index(drop=True))


def test_a_corrected_facts_row_replaces_the_old_one(project_copy) -> None:
    root = project_copy()
    facts = root / "kpi" / "article_facts.csv"
    text = facts.read_text(encoding="utf-8")
    assert ",2025Q1,2025-03-31,246.12," in text
    facts.write_text(
        text.replace(",2025Q1,2025-03-31,246.12,", ",2025Q1,2025-03-31,250.0,"), encoding="utf-8"
    )
    outcome = build_project(root)
    latest = outcome.results.summary.kpi_latest["alibaba/capex"]
    assert latest.value == 250.0
    assert latest.qoq == pytest.approx(250.0 / 317.75 - 1, rel=1e-12)


def test_every_series_ends_on_the_common_last_date(built_project) -> None:
    """NDX runs to 2026-07-13 in the sample data, the US stocks to 2026-05-29: the
    comparison stops at 2026-05-29 for all, and says so."""
    results = built_project.results
    assert str(results.benchmarks["NDX"].dates[-1]) == "2026-05-29"
    assert {s.metrics["end"] for s in results.indexes} == {"2026-05-29"}
    assert any(
        "common last date 2026-05-29" in w and "NDX (2026-07-13)" in w for w in results.warnings
    )


def test_the_summary_is_typed_and_to_dict_keeps_the_json_shape(built_project) -> None:
    import json

    summary = built_project.results.summary
    agix = built_project.results.index("agix")
    row = summary.indexes[agix.name]
    assert (row.key, row.total_return, row.sharpe) == (
        "agix",
        agix.metrics["total_return"],
        agix.metrics["sharpe"],
    )
    plain = json.loads(json.dumps(summary.to_dict()))
    assert set(plain) == {
        "start",
        "indexes",
        "benchmarks",
        "targets",
        "flagged",
        "claims_total",
        "kpi_latest",
        "records_total",
        "records_then",
        "records_since",
    }
    assert set(plain["indexes"][agix.name]) == {
        "key",
        "total_return",
        "annualised_return",
        "end",
        "max_drawdown",
        "sharpe",
    }
    assert set(plain["benchmarks"]["QQQ"]) == {"total_return", "end"}
    assert set(plain["targets"]["nvda-5t"]) == {"target", "probability", "draws", "unit"}
    assert set(plain["kpi_latest"]["alibaba/capex"]) == {"period", "value", "unit", "qoq", "yoy"}
    claims = built_project.results.claims
    assert plain["flagged"] == [
        r.to_dict() | {"note": r.note, "kind": r.kind} for r in claims.flagged
    ]
    assert plain["claims_total"] == len(claims)


def test_an_edited_article_triggers_a_rebuild(project_copy) -> None:
    """The coverage quotes the cited articles: a user's copy in the project's
    ``articles/`` folder (looked up before the seeds) that gains a sentence is rebuilt."""
    from aithesis.articles.api import seeds_dir
    from aithesis.thesis import load_model

    root = project_copy()
    source = load_model(root / "models" / "nvda-5t.yaml").spec.source
    before = load_cached(root).coverage.summary().set_index("article")
    (root / "articles").mkdir()
    text = (seeds_dir() / source).read_text(encoding="utf-8")
    (root / "articles" / source).write_text(text, encoding="utf-8")
    assert build_project(root).cached  # the same bytes: the same inputs

    (root / "articles" / source).write_text(text + "\n我们预计到 2031 年市值达到 7 万亿美元。\n")
    outcome = build_project(root)
    assert not outcome.cached
    after = outcome.results.coverage.summary().set_index("article")
    assert after.loc[source, "statements"] == before.loc[source, "statements"] + 1
