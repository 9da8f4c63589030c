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
