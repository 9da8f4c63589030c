"""Methodology YAML: the issue's example loads verbatim; every mistake names file/line/key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aithesis.errors import SpecError
from aithesis.index import list_builtin_indexes, load_methodology, methodology_from_yaml

ISSUE_EXAMPLE = """\
name: AI infrastructure basket (article 004)
base_date: 2022-11-30        # first index date; level = base_value at its close
base_value: 1000
currency: USD                # index currency; other listings converted with stored FX
return_type: total           # total: adj_close (derived, see ARCHITECTURE.md); price: close
universe:                    # explicit tickers, or filters over the built-in universe
  tickers: [NVDA, AVGO, TSM, VST, ETN, EQT, NEE, ANET]
  # themes: [compute, cloud]; markets: [US, HK]; min_exposure: 0.6; top_n: 30
weighting:
  scheme: equal              # equal | market_cap | exposure | theme_targets
  cap: 0.10                  # optional single-name cap, excess redistributed pro rata, iterated
  theme_targets: {compute: 0.35, cloud: 0.25, edge: 0.15, interconnect_storage: 0.15, software: 0.10}
rebalance: quarterly         # none | monthly | quarterly | semiannual | annual
costs_bps: 0                 # one-way, charged on turnover at each rebalance
"""  # noqa: E501


def test_issue_example_loads_verbatim():
    m = methodology_from_yaml(ISSUE_EXAMPLE, file="issue.yaml")
    assert m.name == "AI infrastructure basket (article 004)"
    assert m.base_date == date(2022, 11, 30)
    assert m.base_value == 1000.0
    assert m.universe.tickers == ["NVDA", "AVGO", "TSM", "VST", "ETN", "EQT", "NEE", "ANET"]
    assert m.weighting.scheme == "equal"
    assert m.weighting.cap == 0.10
    assert m.weighting.theme_targets == {
        "compute": 0.35,
        "cloud": 0.25,
        "edge": 0.15,
        "interconnect_storage": 0.15,
        "software": 0.10,
    }
    assert m.rebalance == "quarterly"
    assert m.costs_bps == 0
    assert m.file == "issue.yaml"


def test_misspelt_top_level_key_names_file_line_and_suggests_the_key():
    text = ISSUE_EXAMPLE.replace("rebalance: quarterly", "rebalanse: quarterly")
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    err = info.value
    assert err.file == "my.yaml"
    assert err.field == "rebalanse"
    assert err.row == 13  # the line of the misspelt key
    assert "unknown key" in str(err) and "did you mean 'rebalance'" in str(err)
    assert str(err).startswith("my.yaml:13: 'rebalanse':")


def test_misspelt_nested_key_names_dotted_path():
    text = ISSUE_EXAMPLE.replace("  scheme: equal", "  sceme: equal")
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "weighting.sceme"
    assert info.value.row == 10
    assert "did you mean 'scheme'" in str(info.value)


def test_theme_targets_not_summing_to_one_is_a_spec_error():
    text = ISSUE_EXAMPLE.replace("software: 0.10}", "software: 0.20}")
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "weighting.theme_targets"
    assert info.value.row == 12
    assert "sum to 1.1, not 1" in str(info.value)


def test_unknown_theme_in_targets_is_rejected():
    text = ISSUE_EXAMPLE.replace("edge: 0.15", "edgy: 0.15")
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "weighting.theme_targets.edgy"


def test_bad_enum_value_names_key_and_value():
    text = ISSUE_EXAMPLE.replace("rebalance: quarterly", "rebalance: weekly")
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "rebalance" and "'weekly'" in str(info.value)


def test_missing_required_key():
    text = "\n".join(x for x in ISSUE_EXAMPLE.splitlines() if not x.startswith("base_date"))
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "base_date" and "missing" in str(info.value)


def test_tickers_and_filters_together_are_rejected():
    text = ISSUE_EXAMPLE.replace(
        "  # themes: [compute, cloud]; markets: [US, HK]; min_exposure: 0.6; top_n: 30",
        "  min_exposure: 0.6",
    )
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "universe" and "either 'tickers' or filters" in str(info.value)


def test_theme_targets_scheme_needs_targets():
    text = ISSUE_EXAMPLE.replace("scheme: equal", "scheme: theme_targets").replace(
        "  theme_targets: {compute: 0.35, cloud: 0.25, edge: 0.15, interconnect_storage: 0.15, "
        "software: 0.10}\n",
        "",
    )
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "weighting"


def test_duplicate_tickers_are_rejected():
    text = ISSUE_EXAMPLE.replace("NEE, ANET]", "NEE, nvda]")
    with pytest.raises(SpecError) as info:
        methodology_from_yaml(text, file="my.yaml")
    assert info.value.field == "universe.tickers" and "NVDA" in str(info.value)


def test_invalid_yaml_reports_line():
    with pytest.raises(SpecError) as info:
        methodology_from_yaml("name: x\nuniverse: [a\nbase_date: 2020-01-01\n", file="bad.yaml")
    assert info.value.file == "bad.yaml" and info.value.row is not None
    assert "not valid YAML" in str(info.value)


def test_non_mapping_document_is_rejected():
    with pytest.raises(SpecError, match="must be a YAML mapping"):
        methodology_from_yaml("- a\n- b\n", file="list.yaml")


def test_load_methodology_from_file_and_missing_file(tmp_path: Path):
    path = tmp_path / "ai.yaml"
    path.write_text(ISSUE_EXAMPLE, encoding="utf-8")
    assert load_methodology(path).file == str(path)
    with pytest.raises(SpecError) as info:
        load_methodology(tmp_path / "nope.yaml")
    assert info.value.file == str(tmp_path / "nope.yaml")
    assert "agix" in str(info.value) and "ai-infra" in str(info.value)


def test_builtins_are_listed():
    assert list_builtin_indexes() == ["agix", "ai-infra"]


def test_builtin_agix_has_article_002_themes_targets_and_top_picks(seeds_dir: Path):
    m = load_methodology("agix")
    targets = m.weighting.theme_targets
    assert m.weighting.scheme == "theme_targets"
    assert set(targets) == {"compute", "cloud", "edge", "interconnect_storage", "software"}
    assert sum(targets.values()) == pytest.approx(1.0, abs=1e-12)
    # article 002 (line 234): compute and cloud heavier, software lighter
    assert targets["compute"] >= targets["cloud"] > targets["edge"] > targets["software"]
    assert {"NVDA", "AMZN", "AAPL", "AVGO", "NOW"} <= set(m.universe.tickers)
    assert m.base_date == date(2022, 11, 30)
    assert (seeds_dir / m.source).is_file()


def test_builtin_ai_infra_is_article_004_basket(seeds_dir: Path):
    m = load_methodology("ai-infra")
    assert m.universe.tickers == ["NVDA", "AVGO", "TSM", "VST", "ETN", "EQT", "NEE", "ANET"]
    text = (seeds_dir / m.source).read_text(encoding="utf-8")
    for ticker in m.universe.tickers:
        assert f"{ticker}.US" in text or (ticker == "TSM" and "台积电" in text)
