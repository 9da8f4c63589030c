"""The distribution registry: one entry per name, no silent default, spec and draws agree."""

from __future__ import annotations

import numpy as np
import pytest

from aithesis.errors import SpecError
from aithesis.thesis import load_model
from aithesis.thesis.distributions import DISTRIBUTIONS, DriverParams, distribution, names
from aithesis.thesis.montecarlo import frozen_distribution, sample_drivers
from aithesis.thesis.spec import CorrelationSpec, DriverSpec

MODEL = """\
name: synthetic-dist
title: one driver
drivers:
  v: {{value: 2, low: 1, high: 4, dist: {dist}}}
formulas:
  out: v * 2
"""


def test_the_six_original_names_are_registered() -> None:
    assert {"fixed", "uniform", "triangular", "pert", "normal", "lognormal"} <= set(names())
    assert list(names()) == list(DISTRIBUTIONS)


def test_an_unknown_name_in_yaml_is_one_error_listing_the_registry(write_model) -> None:
    path = write_model(MODEL.format(dist="lognorml"))
    with pytest.raises(SpecError) as info:
        load_model(path)
    exc = info.value
    assert exc.field == "drivers.v.dist" and exc.row == 4 and str(path) in str(exc)
    assert "unknown distribution 'lognorml'" in exc.message
    assert "did you mean 'lognormal'?" in exc.message
    for name in names():
        assert name in exc.message


def test_an_unregistered_name_never_draws_a_default() -> None:
    # a spec built without validation (as a buggy caller could) must not draw lognormal
    rogue = DriverSpec.model_construct(value=2.0, low=1.0, high=4.0, dist="cauchy", params={})
    rng = np.random.default_rng(0)
    with pytest.raises(SpecError) as info:
        sample_drivers({"v": rogue}, 10, rng, file="m.yaml")
    assert info.value.field == "drivers.v.dist" and "cauchy" in info.value.message
    other = DriverSpec(value=2.0, low=1.0, high=4.0, dist="uniform")
    corr = [CorrelationSpec(between=("v", "w"), rank=0.5)]
    with pytest.raises(SpecError, match="unknown distribution 'cauchy'"):
        sample_drivers({"v": rogue, "w": other}, 10, rng, corr, file="m.yaml")
    with pytest.raises(SpecError, match="allowed: fixed, uniform"):
        distribution("cauchy")


def test_a_params_key_is_refused(write_model) -> None:
    path = write_model(MODEL.format(dist="uniform").replace("dist: uniform", "params: {a: 1}"))
    with pytest.raises(SpecError) as info:
        load_model(path)
    assert info.value.field == "drivers.v" and "next to 'dist'" in info.value.message


# entries with keys of their own (e.g. student_t's df) are checked in their own test file
DRAWN = [n for n, d in DISTRIBUTIONS.items() if d.sample is not None and not d.keys]


@pytest.mark.parametrize("name", DRAWN)
def test_numpy_sampler_and_scipy_distribution_agree(name: str) -> None:
    """Independent drivers use the sampler, correlated ones the scipy inverse CDF: the
    two must be the same distribution (quantiles within 4 standard errors)."""
    entry = DISTRIBUTIONS[name]
    params = DriverParams(value=2.0, low=1.0, high=4.0)
    n = 200_000
    draws = entry.sample(params, n, np.random.default_rng(3))
    dist = entry.scipy(params)
    qs = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    expected = dist.ppf(qs)
    se = np.sqrt(qs * (1 - qs) / n) / dist.pdf(expected)
    assert np.all(np.abs(np.quantile(draws, qs) - expected) < 4 * se)


def test_fixed_and_degenerate_drivers_are_held_at_their_value() -> None:
    fixed = DriverSpec(value=3.0, low=1.0, high=5.0, dist="fixed")
    flat = DriverSpec(value=2.0, low=2.0, high=2.0, dist="uniform")
    out = sample_drivers({"a": fixed, "b": flat}, 5, np.random.default_rng(0))
    assert out == {"a": 3.0, "b": 2.0}
    assert frozen_distribution(fixed) is None and frozen_distribution(flat) is None


@pytest.mark.parametrize(
    ("driver", "words"),
    [
        ("{value: 2, low: 1, high: 4, dist: normal, unit: ''}", None),
        ("{value: 2, low: 2, high: 2, dist: normal}", "normal needs low < high"),
        ("{value: 2, low: -1, high: 4, dist: lognormal}", "lognormal needs low > 0"),
        ("{value: 9, low: 1, high: 4, dist: pert}", "value 9 lies outside"),
        ("{value: 2, dist: uniform}", "dist 'uniform' needs 'low' and 'high'"),
        ("{value: 2, low: 4, high: 1, dist: uniform}", "low 4 > high 1"),
    ],
)
def test_parameter_checks_name_file_line_and_driver(write_model, driver, words) -> None:
    text = MODEL.replace("{{value: 2, low: 1, high: 4, dist: {dist}}}", driver)
    path = write_model(text)
    if words is None:
        load_model(path)
        return
    with pytest.raises(SpecError) as info:
        load_model(path)
    exc = info.value
    assert (exc.field, exc.row, exc.file) == ("drivers.v", 4, str(path))
    assert words in exc.message
