"""Index sweeps on the real sample data: each row equals build_index for that variant."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aithesis.data.api import import_dir
from aithesis.data.store import Store
from aithesis.errors import AithesisError, SpecError
from aithesis.index import build_benchmark, build_index, load_methodology
from aithesis.index.methodology import Methodology, UniverseSpec, WeightingSpec
from aithesis.sweep import deflated_sharpe_ratio, run_index_sweep
from aithesis.sweep.index_sweep import METRICS, RELATIVE

END = "2025-06-30"


def _variant(base: Methodology, *, weighting: dict | None = None, **top) -> Methodology:
    """A variant written out by hand with pydantic's model_copy (not the sweep's code)."""
    update = dict(top)
    if weighting:
        update["weighting"] = base.weighting.model_copy(update=weighting)
    return base.model_copy(update=update)


def _expected(m: Methodology, store: Store, benchmark: str | None = "QQQ", **kw) -> dict:
    res = build_index(m, store, end=kw.get("end", END), start=kw.get("start"))
    bench = build_benchmark(benchmark, store, start=str(res.dates[0]), end=kw.get("end", END))
    return res.metrics(benchmark=bench)


@pytest.fixture(scope="module")
def agix_sweep(sample_store):
    return run_index_sweep(
        "agix",
        ["weighting.cap=0.05,0.1,0.15", "rebalance=monthly,annual", "costs_bps=0,10"],
        store=sample_store,
        end=END,
    )


def test_every_row_equals_build_index_of_that_variant(agix_sweep, sample_store) -> None:
    agix = load_methodology("agix")
    ok = agix_sweep.table[agix_sweep.table["error"].isna()]
    assert len(ok) == 8  # cap 0.05 < 1/18 fails for all four of its variants
    for row in ok.itertuples(index=False):
        cap, rebalance, costs = row[0], row[1], row[2]
        m = _variant(agix, weighting={"cap": cap}, rebalance=rebalance, costs_bps=costs)
        expected = _expected(m, sample_store)
        got = ok[
            (ok["weighting.cap"] == cap)
            & (ok["rebalance"] == rebalance)
            & (ok["costs_bps"] == costs)
        ].iloc[0]
        for key in (*METRICS, *RELATIVE):
            assert got[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-14), key


def test_failed_variants_are_rows_with_their_error(agix_sweep) -> None:
    t = agix_sweep.table
    failed = t[t["weighting.cap"] == 0.05]
    assert len(failed) == 4 and agix_sweep.n_failed == 4
    assert failed["sharpe"].isna().all()
    assert all("cap 0.05 is below 1/N" in e and "'weighting.cap'" in e for e in failed["error"])
    assert any("4 of 12 variants could not be built" in w for w in agix_sweep.warnings)


def test_best_and_worst_and_the_selection_bias_warning(agix_sweep, sample_store) -> None:
    t = agix_sweep.table
    ok = t[t["error"].isna()]
    assert agix_sweep.best["sharpe"] == ok["sharpe"].max()
    assert agix_sweep.worst["sharpe"] == ok["sharpe"].min()
    warning = agix_sweep.warnings[0]
    assert warning.startswith("selection bias: 12 variants were tried (8 with results)")
    assert "Bonferroni" in warning and f"{0.05 / 8:.2g}" in warning
    # the DSR recomputed by hand from build_index of the best variant
    best = agix_sweep.best
    m = _variant(
        load_methodology("agix"),
        weighting={"cap": best["weighting.cap"]},
        rebalance=best["rebalance"],
        costs_bps=best["costs_bps"],
    )
    r = build_index(m, sample_store, end=END).returns.to_numpy()
    per_day = ok["sharpe"].to_numpy() / math.sqrt(252)
    dsr = deflated_sharpe_ratio(
        best["sharpe"] / math.sqrt(252),
        r.size,
        8,
        float(np.var(per_day, ddof=1)),
        float(stats.skew(r)),
        float(stats.kurtosis(r, fisher=False)),
    )
    assert agix_sweep.deflated_sharpe == pytest.approx(dsr, rel=1e-12)
    assert f"{dsr:.2f}" in warning


def test_rank_by_another_metric(sample_store) -> None:
    r = run_index_sweep(
        "ai-infra",
        {"rebalance": ["monthly", "quarterly", "annual"]},
        store=sample_store,
        end=END,
        rank_by="total_return",
    )
    assert r.best["total_return"] == r.table["total_return"].max()
    assert r.worst["rebalance"] == r.table.loc[r.table["total_return"].idxmin(), "rebalance"]


def test_rank_by_a_risk_takes_the_lowest_as_best(sample_store) -> None:
    """Volatility and drawdown length are lower-is-better: best is the calmest variant."""
    r = run_index_sweep(
        "ai-infra",
        {"rebalance": ["monthly", "quarterly", "annual"]},
        store=sample_store,
        end=END,
        rank_by="volatility",
    )
    vols = r.table["volatility"]
    assert vols.nunique() == 3  # the three schedules really differ
    assert r.best["volatility"] == vols.min()
    assert r.worst["volatility"] == vols.max()


def test_theme_target_sweep_equals_hand_set_targets(sample_store) -> None:
    agix = load_methodology("agix")
    r = run_index_sweep(
        "agix", {"theme_targets.compute": [0.2, 0.5]}, store=sample_store, end=END, benchmark=None
    )
    others = {"cloud": 0.25, "edge": 0.15, "interconnect_storage": 0.15, "software": 0.10}
    for compute, row in zip((0.2, 0.5), r.table.itertuples(index=False), strict=True):
        targets = {"compute": compute} | {k: v * (1 - compute) / 0.65 for k, v in others.items()}
        m = _variant(agix, weighting={"theme_targets": targets})
        res = build_index(m, sample_store, end=END)
        assert row.total_return == pytest.approx(res.total_return, rel=1e-12)
    assert not set(RELATIVE) & set(r.table.columns)


def test_base_date_sweep_gathers_each_window(sample_store) -> None:
    base = load_methodology("ai-infra")
    r = run_index_sweep(
        "ai-infra", {"base_date": ["2023-01-03", "2024-01-02"]}, store=sample_store, end=END
    )
    for day, row in zip(("2023-01-03", "2024-01-02"), r.table.itertuples(index=False), strict=True):
        expected = _expected(
            base.model_copy(update={"base_date": pd.Timestamp(day).date()}), sample_store
        )
        assert row.sharpe == pytest.approx(expected["sharpe"], rel=1e-12)
        assert row.tracking_error == pytest.approx(expected["tracking_error"], rel=1e-12)


def test_market_cap_variant_reads_shares_outstanding_once(tmp_path_factory, sample_dir):
    store = Store(tmp_path_factory.mktemp("capsweep") / "store.duckdb")
    import_dir(store, sample_dir, tickers=["NVDA", "AVGO", "MSFT", "QQQ"])
    store.write_fundamentals(
        pd.DataFrame(
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
    )
    m = Methodology(
        name="cap3", base_date="2022-11-30", universe=UniverseSpec(tickers=["NVDA", "AVGO", "MSFT"])
    )
    r = run_index_sweep(
        m, {"weighting.scheme": ["equal", "market_cap"]}, store=store, end="2023-12-31"
    )
    for scheme, row in zip(("equal", "market_cap"), r.table.itertuples(index=False), strict=True):
        v = m.model_copy(update={"weighting": WeightingSpec(scheme=scheme)})
        expected = _expected(v, store, end="2023-12-31")
        assert row.total_return == pytest.approx(expected["total_return"], rel=1e-12)
        assert row.beta == pytest.approx(expected["beta"], rel=1e-12)
    assert r.table["total_return"].iloc[0] != r.table["total_return"].iloc[1]
    # MSFT's first fact ends 2022-12-31, after the base date: used, and said so once
    assert sum("MSFT" in w and "first known 2022-12-31" in w for w in r.warnings) == 1


def test_all_variants_failing_is_an_error(sample_store) -> None:
    with pytest.raises(AithesisError, match=r"all 2 variants failed; the first: .*cap 0.01"):
        run_index_sweep("agix", {"weighting.cap": [0.01, 0.02]}, store=sample_store, end=END)


@pytest.mark.parametrize(
    ("grid", "kwargs", "field", "fragment"),
    [
        ({"weighting.cpa": [0.1]}, {}, "weighting.cpa", "did you mean 'weighting.cap'"),
        ({"rebalance": ["weekly"]}, {}, "rebalance", "variant rebalance=weekly"),
        ({"costs_bps": [-5]}, {}, "costs_bps", "variant costs_bps=-5"),
        ({"base_date": ["1990-01-02"]}, {}, "base_date", "before any data"),
        ({"weighting.cap": [0.1]}, {"rank_by": "luck"}, "rank_by", "cannot rank by 'luck'"),
        (["weighting.cap=0.1,,0.2"], {}, "weighting.cap", "empty value"),
        ({"weighting.cap": [0.1]}, {"cluster": "local:0"}, "cluster", "workers >= 1"),
    ],
)
def test_bad_input_is_a_spec_error_naming_the_key(sample_store, grid, kwargs, field, fragment):
    with pytest.raises(SpecError) as info:
        run_index_sweep("agix", grid, store=sample_store, end=END, **kwargs)
    assert info.value.field == field
    assert fragment in str(info.value)


def test_unknown_benchmark_names_the_ticker(sample_store) -> None:
    with pytest.raises(AithesisError, match="ZZZZ"):
        run_index_sweep(
            "ai-infra", {"rebalance": ["monthly"]}, store=sample_store, benchmark="ZZZZ"
        )


def test_notebook_view_names_best_worst_and_warns(agix_sweep) -> None:
    text = agix_sweep._repr_html_()
    best = agix_sweep.best
    assert "12 variants (4 failed)" in text
    assert (
        f"best by sharpe: weighting.cap={best['weighting.cap']}, "
        f"rebalance={best['rebalance']}, costs_bps={best['costs_bps']}" in text
    )
    assert "selection bias: 12 variants were tried" in text


def test_top_level_api_returns_a_dataframe_with_the_warning(sample_store) -> None:
    import aithesis

    frame = aithesis.sweep_index(
        "ai-infra", grid={"rebalance": ["monthly", "annual"]}, store=sample_store, end=END
    )
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2
    assert frame.attrs["n_variants"] == 2
    assert "2 variants" in frame.attrs["warnings"][0]
    best = frame.loc[frame["sharpe"].idxmax()]
    assert frame.attrs["best"]["sharpe"] == best["sharpe"]
