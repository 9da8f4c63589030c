"""build_index / compare / exposure_test on the real sample data; every bad input is a
clear error naming the place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aithesis.data.api import import_dir
from aithesis.data.store import Store
from aithesis.errors import DataError, SpecError, UnknownTickerError
from aithesis.index import (
    Methodology,
    UniverseSpec,
    WeightingSpec,
    build_index,
    compare,
    exposure_test,
    load_methodology,
)
from aithesis.universe import Company, Universe

from .test_methodology import ISSUE_EXAMPLE


def _company(ticker: str, theme: str, score: float) -> Company:
    return Company(
        ticker=ticker,
        name=ticker,
        name_zh=ticker,
        themes=[theme],
        role="chips",
        ai_exposure=score,
        exposure_rationale="test score",
        source="analyst judgement",
    )


@pytest.fixture(scope="module")
def small_universe() -> Universe:
    return Universe(
        [
            _company("NVDA", "compute", 0.9),
            _company("SMCI", "compute", 0.8),
            _company("AMD", "compute", 0.45),
            _company("MSFT", "cloud", 0.45),
            _company("AMZN", "cloud", 0.35),
            _company("NEE", "power_infra", 0.2),
            _company("EQT", "power_infra", 0.15),
            _company("INTC", "compute", 0.2),
            _company("CBRS", "compute", 0.95),  # in the universe, no stored prices
        ]
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "index.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---- bad input ----------------------------------------------------------------------


def test_unknown_ticker_is_named_with_the_methodology_file(sample_store, tmp_path):
    path = _write(tmp_path, ISSUE_EXAMPLE.replace("ANET]", "NOPE]"))
    with pytest.raises(UnknownTickerError) as info:
        build_index(path, sample_store, universe=Universe(()))
    assert "NOPE" in str(info.value)
    assert info.value.file == str(path) and info.value.field == "universe.tickers"


def test_base_date_before_any_data(sample_store, tmp_path):
    path = _write(tmp_path, ISSUE_EXAMPLE.replace("base_date: 2022-11-30", "base_date: 1990-01-02"))
    with pytest.raises(SpecError) as info:
        build_index(path, sample_store, universe=Universe(()))
    err = info.value
    assert err.file == str(path) and err.field == "base_date"
    assert "1990-01-02 is before any data" in str(err)
    assert "first price is NVDA on 1999-12-31" in str(err)  # NVDA, TSM, NEE start 1999-12-31


def test_base_date_after_the_last_price(sample_store):
    m = Methodology(name="x", base_date="2030-01-01", universe=UniverseSpec(tickers=["NVDA"]))
    with pytest.raises(SpecError, match="after the last price"):
        build_index(m, sample_store, universe=Universe(()))


def test_universe_filter_selecting_nothing(sample_store, small_universe, tmp_path):
    text = "name: empty\nbase_date: 2022-11-30\nuniverse:\n  themes: [edge]\n  min_exposure: 0.5\n"
    path = _write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        build_index(path, sample_store, universe=small_universe)
    assert info.value.file == str(path) and info.value.field == "universe"
    assert "selects no listed company" in str(info.value)
    assert "themes=['edge']" in str(info.value)


def test_universe_filter_selecting_only_names_without_prices(sample_store, small_universe):
    m = Methodology(name="x", base_date="2022-11-30", universe=UniverseSpec(min_exposure=0.92))
    with pytest.raises(SpecError, match="none has stored prices") as info:
        build_index(m, sample_store, universe=small_universe)
    assert "CBRS" in str(info.value)


def test_price_return_on_auto_adjusted_ticker_names_it(sample_store, tmp_path):
    path = _write(tmp_path, ISSUE_EXAMPLE.replace("return_type: total", "return_type: price"))
    with pytest.raises(DataError) as info:
        build_index(path, sample_store, universe=Universe(()))
    assert "VST" in str(info.value) and "auto_adjusted" in str(info.value)
    assert info.value.field == "return_type" and info.value.file == str(path)


def test_cap_below_one_over_n_at_build_names_file_key_and_date(sample_store, tmp_path):
    path = _write(tmp_path, ISSUE_EXAMPLE)  # 8 names, cap 0.10 < 1/8
    with pytest.raises(SpecError) as info:
        build_index(path, sample_store, universe=Universe(()))
    assert info.value.file == str(path) and info.value.field == "weighting.cap"
    assert "below 1/N = 0.125 for 8 names" in str(info.value) and "2022-11-30" in str(info.value)


def test_theme_targets_on_ticker_outside_universe_is_named(sample_store, small_universe):
    m = Methodology(
        name="x",
        base_date="2022-11-30",
        universe=UniverseSpec(tickers=["NVDA", "AAPL"]),
        weighting=WeightingSpec(scheme="theme_targets", theme_targets={"compute": 1.0}),
    )
    with pytest.raises(SpecError, match="AAPL is not in the universe"):
        build_index(m, sample_store, universe=small_universe)


def test_market_cap_without_shares_outstanding_names_the_tickers(sample_store):
    m = Methodology(
        name="x",
        base_date="2022-11-30",
        universe=UniverseSpec(tickers=["NVDA", "AVGO"]),
        weighting=WeightingSpec(scheme="market_cap"),
    )
    with pytest.raises(DataError) as info:
        build_index(m, sample_store, universe=Universe(()))
    assert "shares outstanding, missing for: NVDA, AVGO" in str(info.value)


# ---- behaviour ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cap_store(tmp_path_factory, sample_dir) -> Store:
    store = Store(tmp_path_factory.mktemp("capstore") / "store.duckdb")
    import_dir(store, sample_dir, tickers=["NVDA", "AVGO", "MSFT"])
    facts = pd.DataFrame(
        {
            "entity": ["nvidia", "nvidia", "broadcom", "microsoft"],
            "ticker": ["NVDA", "NVDA", "AVGO", "MSFT"],
            "metric": ["shares_outstanding"] * 4,
            "fiscal_period": ["FY2023Q3", "FY2024Q2", "FY2022Q4", "FY2023Q2"],
            "period_end": ["2022-10-30", "2023-07-30", "2022-10-30", "2022-12-31"],
            "value": [24.6e9, 24.7e9, 4.18e9, 7.44e9],
            "unit": ["shares"] * 4,
            "kind": ["actual"] * 4,
            "source": ["test"] * 4,
            "as_of": ["2022-11-21", "2023-08-28", "2022-12-16", "2023-01-26"],
        }
    )
    store.write_fundamentals(facts)
    return store


def test_market_cap_weights_are_point_in_time_shares_times_price(cap_store):
    m = Methodology(
        name="cap",
        base_date="2022-11-30",
        universe=UniverseSpec(tickers=["NVDA", "AVGO", "MSFT"]),
        weighting=WeightingSpec(scheme="market_cap"),
    )
    res = build_index(m, cap_store, end="2023-12-31", universe=Universe(()))
    dates = res.levels.index
    for day, nvda_shares in (("2023-07-03", 24.6e9), ("2023-10-02", 24.7e9)):
        r = dates.get_loc(pd.Timestamp(day))
        assert r in res.rebalance_rows
        caps = np.array([nvda_shares, 4.18e9, 7.44e9]) * res.prices[r]
        assert res.weight_values[r] == pytest.approx(caps / caps.sum(), rel=1e-12)
    # MSFT's first fact ends 2022-12-31, after the base date: used, and said so
    assert any("MSFT" in w and "first known 2022-12-31" in w for w in res.warnings)


def test_hk_listing_is_converted_to_usd_with_stored_fx(sample_store, sample_dir):
    m = Methodology(
        name="tencent", base_date="2021-01-04", universe=UniverseSpec(tickers=["0700.HK"])
    )
    res = build_index(m, sample_store, end="2024-12-31", universe=Universe(()))
    px = pd.read_csv(sample_dir / "prices" / "0700.HK.csv", index_col="date", parse_dates=True)
    fx = pd.read_csv(sample_dir / "fx" / "USDHKD.csv", index_col="date", parse_dates=True)
    hkd = px["close"].reindex(res.levels.index).ffill()
    rate = fx["rate"].reindex(fx.index.union(res.levels.index)).ffill().reindex(res.levels.index)
    usd = hkd / rate
    expected = 1000.0 * usd / usd.iloc[0]
    assert res.level_values == pytest.approx(expected.to_numpy(), rel=1e-12)
    assert not np.allclose(res.level_values, 1000.0 * hkd / hkd.iloc[0], rtol=1e-6)


def test_usd_listing_in_an_hkd_index_is_multiplied_by_usdhkd(sample_store, sample_dir):
    m = Methodology(
        name="nvda in hkd",
        base_date="2023-01-03",
        currency="HKD",
        universe=UniverseSpec(tickers=["NVDA"]),
    )
    res = build_index(m, sample_store, end="2023-12-29", universe=Universe(()))
    usd = build_index(
        m.model_copy(update={"currency": "USD"}),
        sample_store,
        end="2023-12-29",
        universe=Universe(()),
    )
    fx = pd.read_csv(sample_dir / "fx" / "USDHKD.csv", index_col="date", parse_dates=True)["rate"]
    rate = fx.reindex(fx.index.union(res.levels.index)).ffill().reindex(res.levels.index)
    ratio = (res.levels / usd.levels).to_numpy()
    assert ratio == pytest.approx((rate / rate.iloc[0]).to_numpy(), rel=1e-12)


def test_start_and_end_override_the_window(sample_store):
    res = build_index(
        "ai-infra", sample_store, start="2023-01-03", end="2024-12-31", universe=Universe(())
    )
    assert str(res.dates[0]) == "2023-01-03" and str(res.dates[-1]) == "2024-12-31"
    assert res.level_values[0] == 1000.0


def test_ai_infra_contributions_sum_to_total_return(sample_store):
    res = build_index("ai-infra", sample_store, universe=Universe(()))
    assert res.contributions().sum() == pytest.approx(res.total_return, rel=1e-12)
    assert set(res.contributions().index) == set(load_methodology("ai-infra").universe.tickers)


def test_costs_lower_the_level_and_appear_as_a_contribution(sample_store):
    base = load_methodology("ai-infra")
    free = build_index(base, sample_store, universe=Universe(()))
    costly = build_index(
        base.model_copy(update={"costs_bps": 20}), sample_store, universe=Universe(())
    )
    c = costly.contributions()
    assert costly.total_return < free.total_return
    assert c["(costs)"] < 0 and c.sum() == pytest.approx(costly.total_return, rel=1e-12)


def test_agix_theme_weights_on_the_base_date_equal_the_targets(sample_store):
    res = build_index("agix", sample_store)
    targets = res.methodology.weighting.theme_targets
    by_theme = pd.Series(res.weight_values[0], index=list(res.themes)).groupby(level=0).sum()
    assert by_theme.to_dict() == pytest.approx(targets, abs=1e-12)
    theme_contrib = res.contributions(by="theme")
    assert theme_contrib.sum() == pytest.approx(res.total_return, rel=1e-12)


def test_compare_puts_indexes_and_benchmarks_side_by_side(sample_store, sample_dir):
    frame = compare(["ai-infra"], sample_store, benchmarks=["SPY", "QQQ"], end="2025-06-30")
    assert list(frame.columns) == ["AI infrastructure basket (article 004)", "SPY", "QQQ"]
    assert frame.at["start", "SPY"] == "2022-11-30" and frame.at["end", "SPY"] == "2025-06-30"
    assert frame.at["beta", "SPY"] == pytest.approx(1.0, abs=1e-12)
    # SPY total return recomputed by hand from close and dividends (Yahoo's convention)
    px = pd.read_csv(sample_dir / "prices" / "SPY.csv", index_col="date", parse_dates=True)["close"]
    div = pd.read_csv(sample_dir / "dividends" / "SPY.csv", index_col="date", parse_dates=True)
    px = px["2022-11-30":"2025-06-30"]
    daily = px / px.shift(1)
    for day, amount in div["dividend"]["2022-12-01":"2025-06-30"].items():
        daily[day] = px[day] / (px.shift(1)[day] - amount)
    assert frame.at["total_return", "SPY"] == pytest.approx(daily.iloc[1:].prod() - 1, rel=1e-9)


def test_exposure_test_builds_one_index_per_bucket(sample_store, small_universe):
    study = exposure_test(
        sample_store, edges=(0.0, 0.4, 0.7, 1.0), end="2025-06-30", universe=small_universe
    )
    assert study.members == {
        "0-0.4": ("AMZN", "NEE", "EQT", "INTC"),
        "0.4-0.7": ("AMD", "MSFT"),
        "0.7-1": ("NVDA", "SMCI"),
    }
    for label, res in study.indexes.items():
        assert res.tickers == study.members[label]
        r = res.returns.to_numpy()
        assert study.test.returns[list(study.indexes).index(label)] == pytest.approx(
            np.prod(1 + r) ** (252 / r.size) - 1, rel=1e-12
        )


def test_compare_cuts_every_series_at_the_common_last_date(sample_store):
    """NDX runs past the stocks (2026-07-13 vs 2026-05-29): compare uses one window."""
    from aithesis.index.api import compare

    table = compare(["ai-infra"], sample_store, benchmarks=("NDX", "SPY"))
    # ai-infra's VST/ETN/EQT stop on 2025-10-08 but its other names go on: the index
    # itself runs to 2026-05-29, like SPY
    assert set(table.loc["end"]) == {"2026-05-29"}
    from aithesis.index.api import build_benchmark

    ndx = build_benchmark("NDX", sample_store, end="2026-05-29")
    assert table.at["total_return", "NDX"] == pytest.approx(ndx.total_return, rel=1e-12)


def test_exposure_buckets_share_one_window(sample_store):
    """Buckets with Hong Kong or A-share names end a few days apart from the US ones:
    the study cuts every bucket at the earliest of their last dates, so the annualised
    returns it ranks cover the same days."""
    from aithesis.index.methodology import Methodology, UniverseSpec

    study = exposure_test(sample_store, edges=(0.0, 0.4, 0.7, 1.0))
    alone = {
        label: build_index(
            Methodology(
                name=label,
                base_date="2022-11-30",
                universe=UniverseSpec(tickers=list(names)),
                rebalance="quarterly",
            ),
            sample_store,
        ).dates[-1]
        for label, names in study.members.items()
    }
    assert len(set(alone.values())) > 1  # the real data do end apart
    ends = {label: res.dates[-1] for label, res in study.indexes.items()}
    assert set(ends.values()) == {min(alone.values())}
    for k, res in enumerate(study.indexes.values()):
        r = res.returns.to_numpy()
        assert study.test.returns[k] == pytest.approx(
            np.prod(1 + r) ** (252 / r.size) - 1, rel=1e-12
        )
