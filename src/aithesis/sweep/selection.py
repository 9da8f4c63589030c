"""Selection bias of a sweep: the deflated Sharpe ratio and a plain-words warning.

Trying many rule variants and keeping the best one inflates the best one's Sharpe
ratio: among ``K`` unskilled variants the largest Sharpe is positive by luck alone.
Bailey & Lopez de Prado, "The Deflated Sharpe Ratio: Correcting for Selection Bias,
Backtest Overfitting and Non-Normality", Journal of Portfolio Management 40(5), 2014:

* expected maximum of ``K`` Sharpe ratios with true Sharpe 0 and cross-trial variance
  ``V`` (per period, not annualised), with ``gamma`` the Euler-Mascheroni constant::

      SR0 = sqrt(V) * ((1 - gamma) * Z^-1(1 - 1/K) + gamma * Z^-1(1 - 1/(K e)))

* deflated Sharpe ratio of the selected variant (``T`` returns, skewness ``g3``,
  kurtosis ``g4``, non-excess) = the probabilistic Sharpe ratio against ``SR0``::

      DSR = Z((SR - SR0) * sqrt(T - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2))

Sweep variants share their data and are strongly correlated, so treating them as ``K``
independent trials overstates ``SR0``: the DSR is then a conservative (low) figure.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

__all__ = [
    "EULER_GAMMA",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "selection_warning",
]

EULER_GAMMA = float(np.euler_gamma)


def expected_max_sharpe(n_trials: int, sr_variance: float) -> float:
    """Expected maximum per-period Sharpe of ``n_trials`` unskilled trials.

    Args:
        n_trials: number of variants tried (``K`` >= 1).
        sr_variance: variance of the per-period Sharpe ratios across the trials.

    Returns:
        ``SR0`` (per period); 0 for one trial or zero variance.

    Raises:
        ValueError: ``n_trials`` < 1 or a negative variance.
    """
    if n_trials < 1 or sr_variance < 0:
        raise ValueError("n_trials must be >= 1 and sr_variance >= 0")
    if n_trials == 1 or sr_variance == 0:
        return 0.0
    k = float(n_trials)
    z1 = special.ndtri(1.0 - 1.0 / k)
    z2 = special.ndtri(1.0 - 1.0 / (k * math.e))
    return float(math.sqrt(sr_variance) * ((1 - EULER_GAMMA) * z1 + EULER_GAMMA * z2))


def deflated_sharpe_ratio(
    sharpe: float,
    n_obs: int,
    n_trials: int,
    sr_variance: float,
    skewness: float = 0.0,
    kurtosis: float = 3.0,
) -> float:
    """Probability that the selected variant's true Sharpe beats the luck benchmark.

    Args:
        sharpe: the selected (best) variant's per-period Sharpe ratio (an annualised
            daily Sharpe divided by ``sqrt(252)``).
        n_obs: number of returns it was estimated from (``T`` >= 2).
        n_trials: variants tried (``K``).
        sr_variance: variance of the per-period Sharpe ratios across the variants.
        skewness: skewness of the selected variant's returns.
        kurtosis: kurtosis (not excess: 3 for normal returns).

    Returns:
        DSR in [0, 1]; NaN when undefined (``T`` < 2 or a non-positive variance term).

    Example:
        The paper's example (K=100, V=0.5/250, SR=2.5/sqrt(250), T=1250, skew -3,
        kurtosis 10) gives 0.9004:

        >>> round(deflated_sharpe_ratio(2.5 / 250**0.5, 1250, 100, 0.5 / 250, -3, 10), 4)
        0.9004
    """
    sr0 = expected_max_sharpe(n_trials, sr_variance)
    denom = 1.0 - skewness * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if n_obs < 2 or not denom > 0 or not math.isfinite(sharpe):
        return float("nan")
    return float(special.ndtr((sharpe - sr0) * math.sqrt(n_obs - 1) / math.sqrt(denom)))


def selection_warning(
    n_tried: int,
    n_trials: int,
    rank_by: str,
    dsr: float | None,
    sr0_annual: float | None,
) -> str:
    """The warning printed with every index sweep (how many variants were tried).

    Args:
        n_tried: variants tried; n_trials: those with results (the DSR's ``K``).
        rank_by: the metric best/worst are chosen by.
        dsr: deflated Sharpe ratio of the best-Sharpe variant (None if not computed).
        sr0_annual: the annualised luck benchmark ``SR0 * sqrt(252)``.
    """
    built = "" if n_trials == n_tried else f" ({n_trials} with results)"
    text = (
        f"selection bias: {n_tried} variants were tried{built}; the best by {rank_by} was "
        "picked after seeing all of them on the same data, so its result is biased upwards"
    )
    if dsr is not None and math.isfinite(dsr) and sr0_annual is not None:
        text += (
            f". Deflated Sharpe ratio of the best-Sharpe variant: {dsr:.2f} (the chance its "
            f"true Sharpe beats {sr0_annual:.2f}, the best Sharpe expected by luck from "
            f"{n_trials} unskilled variants; they share data, so this counts too many "
            "independent trials and is conservative)"
        )
    if n_trials > 1:
        text += f". Bonferroni: for 5% overall, a single variant needs p < {0.05 / n_trials:.2g}"
    return text + ". Check the chosen rule out of sample before relying on it."
