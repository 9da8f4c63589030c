"""Monte Carlo: distributions match scipy, seeds reproduce, means match analytics."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from aithesis.thesis import load_model

N = 200_000
QS = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
Z95 = stats.norm.ppf(0.95)


def _one_driver(write_model, spec: str, extra: str = ""):
    path = write_model(
        f"""\
        name: synthetic-dist
        title: one synthetic driver
        drivers:
          v: {spec}
          w: {{value: 1}}
        formulas:
          out: v * w
        {extra}
        """
    )
    return load_model(path)


# scipy distributions built here from the documented conventions, not from our code
SCIPY = {
    "uniform": ("{value: 3, low: 1, high: 5, dist: uniform}", stats.uniform(loc=1, scale=4)),
    "triangular": (
        "{value: 2, low: 1, high: 5, dist: triangular}",
        stats.triang(c=0.25, loc=1, scale=4),
    ),
    "pert": (
        "{value: 2, low: 1, high: 5, dist: pert}",
        stats.beta(1 + 4 * 1 / 4, 1 + 4 * 3 / 4, loc=1, scale=4),
    ),
    "normal": (
        "{value: 10, low: 8, high: 14, dist: normal}",
        stats.norm(loc=11, scale=6 / (2 * Z95)),
    ),
    "lognormal": (
        "{value: 2, low: 1, high: 4, dist: lognormal}",
        stats.lognorm(s=np.log(4) / (2 * Z95), scale=2.0),
    ),
}


@pytest.mark.parametrize("name", list(SCIPY))
def test_sampled_quantiles_match_scipy(write_model, name: str) -> None:
    spec, dist = SCIPY[name]
    res = _one_driver(write_model, spec).monte_carlo(N, seed=7)
    draws = res.values("v")
    expected = dist.ppf(QS)
    # standard error of a sample quantile: sqrt(p(1-p)/n) / f(x_p)
    se = np.sqrt(QS * (1 - QS) / N) / dist.pdf(expected)
    got = np.quantile(draws, QS)
    assert np.all(np.abs(got - expected) < 4 * se), (got, expected, se)
    assert stats.kstest(draws[:20_000], dist.cdf).pvalue > 1e-4


def test_normal_low_high_are_5th_and_95th_percentiles(write_model) -> None:
    res = _one_driver(write_model, "{value: 10, low: 8, high: 14, dist: normal}").monte_carlo(
        N, seed=3
    )
    p5, p95 = np.quantile(res.values("v"), [0.05, 0.95])
    assert p5 == pytest.approx(8, abs=0.03) and p95 == pytest.approx(14, abs=0.03)


def test_fixed_driver_is_constant(write_model) -> None:
    res = _one_driver(write_model, "{value: 4}").monte_carlo(1000, seed=1)
    assert np.all(res.values("out") == 4.0)
    assert res.uncertain == ()


def test_same_seed_reproduces_and_other_seed_differs() -> None:
    model = load_model("nvda-5t")
    a = model.monte_carlo(5000, seed=42).values()
    b = model.monte_carlo(5000, seed=42).values()
    c = model.monte_carlo(5000, seed=43).values()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_mean_of_product_of_independent_drivers_matches_analytic(write_model) -> None:
    path = write_model(
        """\
        name: synthetic-product
        title: product of independent drivers
        drivers:
          a: {value: 3, low: 1, high: 5, dist: uniform}
          b: {value: 2, low: 1, high: 6, dist: triangular}
          c: {value: 2, low: 1, high: 5, dist: pert}
          d: {value: 2, low: 1, high: 4, dist: lognormal}
        formulas:
          out: a * b * c * d
        """
    )
    res = load_model(path).monte_carlo(400_000, seed=11)
    mean_a = 3.0
    mean_b = (1 + 2 + 6) / 3
    mean_c = (1 + 4 * 2 + 5) / 6
    sigma = np.log(4) / (2 * Z95)
    mean_d = np.exp(np.log(2) + sigma**2 / 2)
    analytic = mean_a * mean_b * mean_c * mean_d
    assert abs(res.mean - analytic) < 3 * res.standard_error


def test_rank_correlation_is_achieved_and_marginals_kept(write_model) -> None:
    path = write_model(
        """\
        name: synthetic-corr
        title: correlated drivers
        drivers:
          a: {value: 2, low: 1, high: 5, dist: triangular}
          b: {value: 10, low: 8, high: 14, dist: normal}
          c: {value: 3, low: 1, high: 5, dist: uniform}
        formulas:
          out: a + b + c
        correlations:
          - {between: [a, b], rank: 0.6}
          - {between: [a, c], rank: -0.3}
        """
    )
    res = load_model(path).monte_carlo(N, seed=5)
    rho_ab = stats.spearmanr(res.values("a"), res.values("b")).statistic
    rho_ac = stats.spearmanr(res.values("a"), res.values("c")).statistic
    assert rho_ab == pytest.approx(0.6, abs=0.01)
    assert rho_ac == pytest.approx(-0.3, abs=0.01)
    dist = stats.triang(c=0.25, loc=1, scale=4)
    se = np.sqrt(QS * (1 - QS) / N) / dist.pdf(dist.ppf(QS))
    assert np.all(np.abs(np.quantile(res.values("a"), QS) - dist.ppf(QS)) < 4 * se)


def test_target_probability_matches_analytic(write_model) -> None:
    model = _one_driver(write_model, "{value: 0.5, low: 0, high: 1, dist: uniform}")
    res = model.monte_carlo(N, seed=9, target="out>=0.7")
    assert res.target == ("out", ">=", 0.7)
    assert abs(res.probability - 0.3) < 4 * np.sqrt(0.3 * 0.7 / N)


def test_target_with_unit_is_converted() -> None:
    model = load_model("nvda-5t")
    a = model.monte_carlo(20_000, seed=1, target="market_cap >= 5 USD_tn")
    b = model.monte_carlo(20_000, seed=1, target="market_cap>=5000")
    assert a.target[:2] == ("market_cap", ">=") and a.target[2] == pytest.approx(5000.0)
    assert a.probability == b.probability
    assert 0.0 < a.probability < 1.0


def test_scenario_holds_its_drivers_fixed() -> None:
    res = load_model("nvda-5t").monte_carlo(10_000, seed=2, scenario="bear")
    assert np.all(res.values("nvda_share") == 0.6)
    assert "nvda_share" not in res.uncertain and "dc_it_tam" in res.uncertain


def test_histogram_and_summary_cover_all_draws() -> None:
    res = load_model("nvda-5t").monte_carlo(10_000, seed=4)
    counts, edges = res.histogram(bins=30)
    assert counts.sum() == 10_000 and len(edges) == 31
    frame = res.to_frame()
    row = frame.set_index("name").loc["market_cap"]
    assert row["p50"] == pytest.approx(np.median(res.values()))
    assert "<table" in res._repr_html_()


def test_variance_contribution_ranks_the_dominant_driver_first(write_model) -> None:
    path = write_model(
        """\
        name: synthetic-contrib
        title: contribution
        drivers:
          a: {value: 0.5, low: 0, high: 1, dist: uniform}
          b: {value: 0.5, low: 0, high: 1, dist: uniform}
        formulas:
          out: a + 3 * b
        """
    )
    contrib = load_model(path).monte_carlo(100_000, seed=1).contribution()
    assert list(contrib["driver"]) == ["b", "a"]
    assert contrib["contribution"].sum() == pytest.approx(1.0)
    # exact variance shares of a linear sum of iid uniforms: 9/10 and 1/10
    assert contrib["contribution"].iloc[0] == pytest.approx(0.9, abs=0.01)
