"""Power-law concentration: article 002's figures, Gini and Lorenz against definitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from aithesis.analytics import gain_share, gini, lorenz_curve, top_share, top_shares


def test_article_002_top_one_percent_share_of_the_gain():
    # ~10-17 names went from $2T to $18T while ~1,700 US tech companies went $4.2T -> $20T
    share = gain_share(2.0, 18.0, 4.2, 20.0)
    assert share == pytest.approx(16.0 / 15.8, rel=1e-15)
    # the article rounds this to "99%": the top names made slightly MORE than the net gain
    assert share > 0.99


def test_top_share_of_synthetic_article_like_sector():
    # synthetic: 1,700 names; the top 17 gain 16/17 T each, the rest share -0.2 T in total
    gains = np.concatenate((np.full(17, 16.0 / 17), np.full(1683, -0.2 / 1683)))
    assert top_share(gains, 0.01) == pytest.approx(16.0 / 15.8, rel=1e-12)


def test_top_share_counts_ceil_of_fraction_and_at_least_one_name():
    gains = np.array([5.0, 3.0, 1.0, 1.0])
    assert top_share(gains, 0.01) == pytest.approx(0.5)  # 1 name of 4
    assert top_share(gains, 0.5) == pytest.approx(0.8)  # 2 names
    assert top_shares(gains, (0.25, 1.0)) == pytest.approx({0.25: 0.5, 1.0: 1.0})


def _gini_by_definition(v: np.ndarray) -> float:
    return np.abs(v[:, None] - v[None, :]).sum() / (2 * v.size**2 * v.mean())


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 60), elements=st.floats(0.0, 1e6, allow_subnormal=False)))
def test_gini_equals_mean_absolute_difference_and_lorenz_area(v):
    if v.sum() <= 0:
        with pytest.raises(ValueError):
            gini(v)
        return
    g = gini(v)
    assert g == pytest.approx(_gini_by_definition(v), rel=1e-9, abs=1e-12)
    x, y = lorenz_curve(v)
    area = np.sum((y[1:] + y[:-1]) / 2 * np.diff(x))
    assert g == pytest.approx(1 - 2 * area, rel=1e-9, abs=1e-12)


def test_gini_extremes_and_lorenz_end_points():
    assert gini(np.ones(10)) == pytest.approx(0.0, abs=1e-15)
    assert gini(np.array([0.0, 0.0, 0.0, 5.0])) == pytest.approx(0.75)
    x, y = lorenz_curve(np.array([1.0, 3.0]))
    assert x.tolist() == [0.0, 0.5, 1.0] and y.tolist() == [0.0, 0.25, 1.0]


def test_negative_values_are_rejected_for_gini_and_lorenz():
    with pytest.raises(ValueError, match="non-negative"):
        gini(np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="non-negative"):
        lorenz_curve(np.array([1.0, -1.0]))
