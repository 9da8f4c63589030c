"""``Universe.filter`` and friends: hand-computed cases on a synthetic universe, and
property tests against a plain-Python filter over the raw built-in YAML."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aithesis.errors import SpecError
from aithesis.universe import (
    MARKET_CODES,
    THEMES,
    Universe,
    builtin_universe_file,
    load_universe,
)


@pytest.fixture()
def synthetic(synthetic_path: Path) -> Universe:
    return load_universe(synthetic_path, builtin=False)


# --------------------------------------------------------------- hand-computed cases


def test_default_filter_drops_unlisted_only(synthetic: Universe) -> None:
    assert synthetic.filter().tickers == ["AAAA", "1111.HK", "600001.SS", "BBBB", "AAAA.HK"]
    assert "PRIVATECO" in synthetic.filter(listed_only=False)


def test_theme_filter_keeps_companies_with_any_of_the_themes(synthetic: Universe) -> None:
    assert synthetic.filter(themes="software").tickers == ["1111.HK", "BBBB"]
    assert synthetic.filter(themes=["power_infra", "compute"]).tickers == [
        "AAAA",
        "600001.SS",
        "AAAA.HK",
    ]


def test_market_filter_is_case_insensitive(synthetic: Universe) -> None:
    assert synthetic.filter(markets="hk").tickers == ["1111.HK", "AAAA.HK"]
    assert synthetic.filter(markets=["CN"], listed_only=False).tickers == [
        "600001.SS",
        "PRIVATECO",
    ]


def test_min_exposure_is_inclusive(synthetic: Universe) -> None:
    assert synthetic.filter(min_exposure=0.5).tickers == ["AAAA", "1111.HK", "BBBB", "AAAA.HK"]
    assert synthetic.filter(min_exposure=0.51).tickers == ["AAAA", "AAAA.HK"]


def test_top_n_orders_by_exposure_then_ticker(synthetic: Universe) -> None:
    # exposures: AAAA 0.9, AAAA.HK 0.9, 1111.HK 0.5, BBBB 0.5, 600001.SS 0.2
    assert synthetic.filter(top_n=3).tickers == ["AAAA", "AAAA.HK", "1111.HK"]
    assert synthetic.filter(top_n=0).tickers == []
    assert synthetic.filter(top_n=99).tickers == [
        "AAAA",
        "AAAA.HK",
        "1111.HK",
        "BBBB",
        "600001.SS",
    ]


def test_include_aliases_false_keeps_one_line_per_company(synthetic: Universe) -> None:
    assert synthetic.filter(include_aliases=False, themes="compute").tickers == ["AAAA"]


def test_roles_and_tags_filters(synthetic: Universe) -> None:
    assert synthetic.filter(roles="grid").tickers == ["600001.SS"]
    assert synthetic.filter(tags=["saas"]).tickers == ["BBBB"]


def test_filters_combine_with_and(synthetic: Universe) -> None:
    result = synthetic.filter(themes="compute", markets="HK", min_exposure=0.8)
    assert result.tickers == ["AAAA.HK"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"themes": "clouds"}, "themes"),
        ({"themes": ["compute", "robots"]}, "themes"),
        ({"markets": "MARS"}, "markets"),
        ({"roles": "wizard"}, "roles"),
        ({"min_exposure": 1.5}, "min_exposure"),
        ({"min_exposure": -0.1}, "min_exposure"),
        ({"top_n": -1}, "top_n"),
    ],
)
def test_bad_filter_arguments_raise_spec_error_naming_the_argument(
    synthetic: Universe, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(SpecError) as info:
        synthetic.filter(**kwargs)
    assert type(info.value) is SpecError
    assert info.value.field == field
    assert f"'{field}'" in str(info.value)


def test_unknown_theme_error_suggests_the_close_one(synthetic: Universe) -> None:
    with pytest.raises(SpecError, match="did you mean 'cloud'"):
        synthetic.filter(themes="clouds")


def test_container_protocol_and_frame(synthetic: Universe) -> None:
    assert len(synthetic) == 6
    assert "aaaa" in synthetic and "ZZZZ" not in synthetic
    assert synthetic.get("AAAA") in synthetic
    assert 42 not in synthetic
    frame = synthetic.to_frame()
    assert list(frame["ticker"]) == synthetic.tickers
    assert frame.loc[frame.ticker == "1111.HK", "themes"].item() == ["cloud", "software"]
    assert pd.isna(frame.loc[frame.ticker == "600001.SS", "layer"].item())
    assert list(frame.columns[:3]) == ["ticker", "name", "name_zh"]


def test_filtered_universe_keeps_origins(synthetic: Universe, synthetic_path: Path) -> None:
    origin = synthetic.filter(markets="HK").origin("1111.HK")
    assert origin is not None
    assert origin.file == str(synthetic_path)
    assert origin.row == 11  # '- ticker: 1111.HK' is line 11 of SYNTHETIC


def test_builtin_universe_is_cached_and_immutable() -> None:
    first, second = load_universe(), load_universe()
    assert first is second
    assert isinstance(first.companies, tuple)
    first.filter(top_n=1)
    assert len(first) == len(second) > 60


# -------------------------------------------------- properties against a plain oracle


@lru_cache(maxsize=1)
def _raw() -> list[dict[str, Any]]:
    return yaml.safe_load(Path(builtin_universe_file()).read_text(encoding="utf-8"))["companies"]


def oracle(
    raw: list[dict[str, Any]],
    themes: set[str] | None,
    markets: set[str] | None,
    min_exposure: float | None,
    listed_only: bool,
    top_n: int | None,
) -> list[str]:
    """The filter's contract written over plain dicts."""
    kept = [
        item
        for item in raw
        if (not themes or themes & set(item["themes"]))
        and (not markets or item["market"] in markets)
        and (min_exposure is None or item["ai_exposure"] >= min_exposure)
        and (item.get("listed", True) or not listed_only)
    ]
    if top_n is not None:
        kept = sorted(kept, key=lambda i: (-i["ai_exposure"], i["ticker"]))[:top_n]
    return [item["ticker"] for item in kept]


@settings(max_examples=200, deadline=None)
@given(
    themes=st.none() | st.sets(st.sampled_from(THEMES), min_size=1),
    markets=st.none() | st.sets(st.sampled_from(MARKET_CODES), min_size=1),
    min_exposure=st.none() | st.floats(0.0, 1.0),
    listed_only=st.booleans(),
    top_n=st.none() | st.integers(0, 120),
)
def test_filter_matches_a_plain_python_filter_of_the_raw_yaml(
    themes: set[str] | None,
    markets: set[str] | None,
    min_exposure: float | None,
    listed_only: bool,
    top_n: int | None,
) -> None:
    result = load_universe().filter(
        themes=themes,
        markets=markets,
        min_exposure=min_exposure,
        listed_only=listed_only,
        top_n=top_n,
    )
    assert result.tickers == oracle(_raw(), themes, markets, min_exposure, listed_only, top_n)


@settings(max_examples=100, deadline=None)
@given(threshold=st.floats(0.0, 1.0), n=st.integers(0, 30))
def test_top_n_holds_the_highest_exposures(threshold: float, n: int) -> None:
    universe = load_universe()
    above = universe.filter(min_exposure=threshold)
    top = above.filter(top_n=n)
    assert len(top) == min(n, len(above))
    scores = [c.ai_exposure for c in top]
    assert scores == sorted(scores, reverse=True)
    rest = [c.ai_exposure for c in above if c.ticker not in top]
    if scores and rest:
        assert min(scores) >= max(rest)
