"""Weight rules: hand cases, bt/ffn's limit_weights as the cap oracle, properties."""

from __future__ import annotations

import numpy as np
import pytest
from ffn.core import limit_weights
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from aithesis.errors import DataError, SpecError
from aithesis.index.weights import (
    cap_weights,
    equal_weights,
    exposure_weights,
    market_cap_weights,
    theme_target_weights,
)

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


def test_equal_weights_only_on_eligible_names():
    w = equal_weights(np.array([True, False, True, True]))
    assert w.tolist() == [1 / 3, 0.0, 1 / 3, 1 / 3]


def test_equal_weights_empty_selection_is_all_zero():
    assert equal_weights(np.zeros(3, dtype=bool)).tolist() == [0.0, 0.0, 0.0]


def test_market_cap_weights_hand_case():
    caps = np.array([300.0, 100.0, np.nan, 600.0])
    w = market_cap_weights(caps, np.array([True, True, False, True]))
    assert w == pytest.approx([0.3, 0.1, 0.0, 0.6], abs=1e-15)


def test_market_cap_weights_missing_cap_on_eligible_name_is_an_error():
    with pytest.raises(DataError, match="market_cap"):
        market_cap_weights(np.array([1.0, np.nan]), np.array([True, True]))


def test_exposure_weights_proportional_to_score():
    w = exposure_weights(np.array([0.9, 0.45, 0.15]), np.array([True, True, True]))
    assert w == pytest.approx([0.6, 0.3, 0.1], abs=1e-15)


def test_theme_targets_split_equally_within_theme():
    themes = ["compute", "compute", "cloud", "software", None]
    targets = {"compute": 0.5, "cloud": 0.3, "software": 0.2}
    w = theme_target_weights(themes, np.ones(5, dtype=bool), targets)
    assert w == pytest.approx([0.25, 0.25, 0.3, 0.2, 0.0], abs=1e-15)


def test_theme_with_no_eligible_name_is_redistributed_pro_rata_to_other_themes():
    themes = ["compute", "cloud", "software"]
    targets = {"compute": 0.5, "cloud": 0.3, "software": 0.2}
    w = theme_target_weights(themes, np.array([True, True, False]), targets)
    assert w == pytest.approx([0.5 / 0.8, 0.3 / 0.8, 0.0], abs=1e-15)


def test_cap_hand_case_from_ffn_docstring():
    # ffn's example: {a: 0.7, b: 0.2, c: 0.1} capped at 0.5 -> {0.5, 0.333, 0.167}
    w = cap_weights(np.array([0.7, 0.2, 0.1]), 0.5)
    assert w == pytest.approx([0.5, 0.2 + 0.2 * 2 / 3, 0.1 + 0.2 / 3], abs=1e-15)


def test_cap_is_iterated_until_no_weight_exceeds_it():
    # one pass leaves b at 0.3 + 0.3*0.3/0.4 = 0.525 > 0.4; the second pass caps it too
    w = cap_weights(np.array([0.6, 0.3, 0.1]), 0.4)
    assert w == pytest.approx([0.4, 0.4, 0.2], abs=1e-15)


def test_cap_below_one_over_n_is_a_clear_spec_error():
    with pytest.raises(SpecError) as info:
        cap_weights(np.full(8, 0.125), 0.10)
    assert info.value.field == "weighting.cap"
    assert "below 1/N = 0.125 for 8 names" in str(info.value)


weight_vectors = arrays(np.float64, st.integers(1, 40), elements=positive).map(
    lambda a: a / a.sum()
)


@settings(max_examples=200, deadline=None)
@given(weight_vectors, st.floats(min_value=0.01, max_value=1.0))
def test_capped_weights_sum_to_one_and_respect_feasible_cap(w, cap):
    assume(cap * w.size >= 1.0 + 1e-9)
    out = cap_weights(w, cap)
    assert out.sum() == pytest.approx(1.0, abs=1e-12)
    assert out.max() <= cap + 1e-12
    assert (out >= 0).all()
    # names that were not capped keep their relative proportions
    free = out < cap - 1e-12
    if free.sum() >= 2:
        ratio = out[free] / w[free]
        assert ratio == pytest.approx(np.full(ratio.size, ratio[0]), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(weight_vectors, st.floats(min_value=0.01, max_value=1.0))
def test_capped_weights_equal_ffn_limit_weights(w, cap):
    assume(cap * w.size >= 1.0 + 1e-9)
    import pandas as pd

    expected = limit_weights(pd.Series(w), cap).to_numpy()
    assert cap_weights(w, cap) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 60), st.data())
def test_infeasible_cap_always_raises(n, data):
    cap = data.draw(st.floats(min_value=1e-3, max_value=(1.0 / n) * (1 - 1e-6)))
    with pytest.raises(SpecError, match="below 1/N"):
        cap_weights(np.full(n, 1.0 / n), cap)


@settings(max_examples=100, deadline=None)
@given(arrays(np.bool_, st.integers(1, 30)))
def test_equal_weights_sum_to_one_on_any_nonempty_selection(mask):
    w = equal_weights(mask)
    if mask.any():
        assert w.sum() == pytest.approx(1.0, abs=1e-12)
        assert (w[~mask] == 0).all()
    else:
        assert (w == 0).all()
