"""IndexResult views: Series/DataFrame shapes, metrics, contributions, HTML."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aithesis.errors import DataError
from aithesis.index import build_index
from aithesis.universe import Universe


@pytest.fixture(scope="module")
def infra(sample_store):
    return build_index("ai-infra", sample_store, end="2025-12-31", universe=Universe(()))


def test_levels_weights_and_frame_are_aligned(infra):
    assert isinstance(infra.levels, pd.Series) and infra.levels.iloc[0] == 1000.0
    assert infra.levels.index[0] == pd.Timestamp("2022-11-30")
    assert list(infra.weights.columns) == list(infra.tickers)
    frame = infra.to_frame()
    assert list(frame.columns) == ["level", "return", "turnover", "cost", "rebalance"]
    assert frame["rebalance"].sum() == infra.rebalance_rows.size
    # quarterly: the base date and the first trading day of each quarter
    assert list(infra.rebalance_dates[:3]) == [
        pd.Timestamp("2022-11-30"),
        pd.Timestamp("2023-01-03"),
        pd.Timestamp("2023-04-03"),
    ]
    assert frame["return"].iloc[1] == pytest.approx(infra.levels.iloc[1] / 1000.0 - 1)


def test_contributions_sorted_and_summing(infra):
    c = infra.contributions()
    assert c.index.name == "stock" and c.is_monotonic_decreasing
    assert c.sum() == pytest.approx(infra.total_return, rel=1e-12)


def test_metrics_without_benchmark_have_no_relative_keys(infra):
    m = infra.metrics()
    assert "beta" not in m and m["start"] == "2022-11-30" and m["end"] == "2025-12-31"
    assert m["total_return"] == pytest.approx(infra.total_return, rel=1e-12)


def test_benchmark_without_history_at_base_date_is_an_error(infra):
    late = pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-01-02", "2024-01-03"]), name="LATE")
    with pytest.raises(DataError, match="LATE has no price on or before 2022-11-30"):
        infra.metrics(benchmark=late)


def test_benchmark_on_another_calendar_is_aligned_as_of(infra):
    # a benchmark quoted on calendar days: as-of alignment picks each trading day's value
    days = pd.date_range("2022-11-01", "2025-12-31", freq="D")
    bench = pd.Series(np.linspace(100, 200, days.size), index=days)
    m = infra.metrics(benchmark=bench)
    assert m["benchmark_total_return"] == pytest.approx(
        bench["2025-12-31"] / bench["2022-11-30"] - 1, rel=1e-12
    )


def test_html_repr_names_the_index(infra):
    html = infra._repr_html_()
    assert "AI infrastructure basket" in html and "top contributors" in html


def test_concentration_of_a_hand_made_result() -> None:
    """Gains 0.3, 0.1, -0.1 on a base of 1: Lorenz over the positive gains, Gini of
    [0, 0.1, 0.3] by hand, top third of names = 0.3 / 0.3 (net) = 100%."""
    import numpy as np

    from aithesis.index.result import IndexResult

    r = IndexResult(
        name="hand",
        dates=np.array(["2024-01-02", "2024-01-03"], dtype="datetime64[D]"),
        tickers=("A", "B", "C"),
        level_values=np.array([1.0, 1.3]),
        weight_values=np.full((2, 3), 1 / 3),
        prices=np.ones((2, 3)),
        rebalance_rows=np.array([0]),
        turnover=np.zeros(2),
        costs=np.zeros(2),
        pnl=np.array([0.3, 0.1, -0.1]),
        cost_points=0.0,
        themes=(None, None, None),
    )
    (x, y), gini, shares = r.concentration((1 / 3,))
    assert y[-1] == pytest.approx(1.0) and x[-1] == pytest.approx(1.0)
    values = np.array([0.0, 0.1, 0.3])
    by_hand = np.abs(values[:, None] - values[None, :]).sum() / (2 * 9 * values.mean())
    assert gini == pytest.approx(by_hand)
    assert shares[1 / 3] == pytest.approx(0.3 / 0.3)
