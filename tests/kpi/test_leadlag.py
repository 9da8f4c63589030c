"""Lead-lag cross-correlation against independent computations (numpy, scipy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aithesis.errors import DataError
from aithesis.kpi.leadlag import cross_correlation, quarterly_returns


def _q(values, start="2015Q1", name=None):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="Q"), name=name)


def test_lagged_correlation_matches_numpy_on_synthetic_series() -> None:
    rng = np.random.default_rng(7)  # synthetic data
    kpi = rng.normal(size=30)
    ret = np.r_[rng.normal(size=2), kpi[:-2] * 0.8] + rng.normal(scale=0.3, size=30)
    res = cross_correlation(_q(kpi), _q(ret), max_lag=3, warn_below=12)
    for lag in range(4):
        x, y = kpi[: 30 - lag], ret[lag:]
        assert res.n[lag] == 30 - lag
        assert res.corr[lag] == pytest.approx(np.corrcoef(x, y)[0, 1])
        assert res.pvalue[lag] == pytest.approx(stats.pearsonr(x, y).pvalue)
    assert np.argmax(res.corr) == 2  # the synthetic returns follow the KPI by two quarters
    assert res.warnings == ("", "", "", "")


def test_small_samples_warn_and_too_small_lags_are_nan() -> None:
    kpi = _q([0.1, 0.3, -0.2, 0.5, 0.0], name="capex yoy")
    ret = _q([0.02, 0.05, -0.01, 0.04, 0.03], name="NVDA")
    frame = cross_correlation(kpi, ret, max_lag=2, min_points=4, warn_below=8).to_frame()
    assert frame["n"].tolist() == [5, 4, 3]
    assert "small sample (n=5 < 8)" in frame.loc[0, "warning"]
    assert np.isnan(frame.loc[2, "corr"]) and "not computed" in frame.loc[2, "warning"]


def test_too_few_points_is_an_error() -> None:
    kpi = _q([0.1, 0.3, -0.2])
    with pytest.raises(DataError, match="only 3 quarters") as info:
        cross_correlation(kpi, _q([0.1, 0.2, 0.3]), max_lag=1)
    assert info.value.field == "kpi_growth"


def test_only_overlapping_quarters_count() -> None:
    kpi = _q([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], start="2020Q1")
    ret = _q([1.0, 3.0, 2.0, 5.0, 4.0, 6.0], start="2020Q3")  # overlaps 2020Q3..2021Q2
    res = cross_correlation(kpi, ret, max_lag=0)
    assert res.n[0] == 4
    assert res.corr[0] == pytest.approx(np.corrcoef([3, 4, 5, 6], [1, 3, 2, 5])[0, 1])


def test_bad_arguments() -> None:
    with pytest.raises(DataError, match="max_lag"):
        cross_correlation(_q([1.0] * 5), _q([1.0] * 5), max_lag=-1)


def test_quarterly_returns_by_hand() -> None:
    dates = np.array(
        ["2024-01-02", "2024-03-28", "2024-04-02", "2024-06-28", "2024-09-30", "2024-11-15"],
        dtype="datetime64[D]",
    )
    prices = np.array([10.0, 11.0, 12.0, 13.2, 9.9, 10.0])
    r = quarterly_returns(dates, prices)
    # Q2: 13.2/11 - 1; Q3: 9.9/13.2 - 1; Q4 ends 2024-11-15 (> 7 days early) -> dropped
    assert list(r.index.astype(str)) == ["2024Q2", "2024Q3"]
    assert r.tolist() == pytest.approx([13.2 / 11 - 1, 9.9 / 13.2 - 1])


def test_empty_kpi_series_is_too_few_points_not_an_index_error() -> None:
    """A group with no quarterly facts yields an empty series: the error says to load
    more quarters, not that the (empty) index is not quarterly."""
    import pandas as pd

    from aithesis.errors import DataError
    from aithesis.kpi.leadlag import cross_correlation

    returns = pd.Series(
        [0.1, -0.05, 0.02, 0.03, 0.04], index=["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    )
    with pytest.raises(DataError, match="only 0 quarters") as info:
        cross_correlation(pd.Series([], dtype=float), returns)
    assert "kpi pull" in str(info.value)
