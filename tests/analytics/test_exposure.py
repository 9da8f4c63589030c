"""Exposure buckets and the monotonicity statistic."""

from __future__ import annotations

import numpy as np
import pytest

from aithesis.analytics import assign_buckets, monotonicity


def test_assign_buckets_edges_are_left_closed_last_bucket_closed():
    scores = np.array([0.0, 0.39, 0.4, 0.69, 0.7, 1.0, np.nan, 1.2])
    assert assign_buckets(scores, (0.0, 0.4, 0.7, 1.0)).tolist() == [0, 0, 1, 1, 2, 2, -1, -1]


def test_monotonic_buckets_have_spearman_one():
    t = monotonicity(("low", "mid", "high"), np.array([0.1, 0.2, 0.5]))
    assert t.spearman == pytest.approx(1.0) and t.monotonic_increasing
    assert t.ordered_pairs == 1.0


def test_spearman_matches_the_rank_formula():
    values = np.array([0.3, 0.1, 0.4, 0.2])  # ranks 3,1,4,2 vs order 1,2,3,4
    d = np.array([3, 1, 4, 2]) - np.arange(1, 5)
    rho = 1 - 6 * np.sum(d**2) / (4 * (4**2 - 1))
    t = monotonicity(("a", "b", "c", "d"), values)
    assert t.spearman == pytest.approx(rho, rel=1e-12)
    assert t.ordered_pairs == pytest.approx(1 / 3)
    assert not t.monotonic_increasing


def test_monotonicity_needs_two_buckets():
    with pytest.raises(ValueError):
        monotonicity(("only",), np.array([0.1]))


def test_p_value_is_exact_for_a_few_buckets() -> None:
    """Three perfectly ordered buckets: 2 of the 3! orderings are as extreme (two-sided),
    so p = 1/3, not the ~0 an asymptotic test prints; four: 2/24."""
    three = monotonicity(("a", "b", "c"), np.array([0.41, 0.71, 1.24]))
    assert three.spearman == pytest.approx(1.0) and three.p_value == pytest.approx(1 / 3)
    four = monotonicity(("a", "b", "c", "d"), np.array([0.1, 0.2, 0.3, 0.4]))
    assert four.p_value == pytest.approx(2 / 24)
    # against scipy's own exact permutation test on a non-monotone case
    from scipy import stats

    values = np.array([0.3, 0.1, 0.5, 0.2, 0.6])
    ref = stats.permutation_test(
        (values,),
        lambda v: stats.spearmanr(np.arange(5), v).statistic,
        permutation_type="pairings",
        alternative="two-sided",
    )
    assert monotonicity(tuple("abcde"), values).p_value == pytest.approx(ref.pvalue)
