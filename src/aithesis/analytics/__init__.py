"""Performance analytics: pure functions over NumPy arrays (no I/O, no plotting).

Returns are simple per-period decimals; ``periods`` per year default to 252; an annual
risk-free rate ``rf`` is de-annualised geometrically.
"""

from __future__ import annotations

from aithesis.analytics.attribution import (
    cost_contribution,
    daily_contributions,
    group_contributions,
    stock_contributions,
)
from aithesis.analytics.catalogue import (
    CATALOGUE,
    Metric,
    MetricInputs,
    compute_metrics,
    get_metric,
)
from aithesis.analytics.concentration import gain_share, gini, lorenz_curve, top_share, top_shares
from aithesis.analytics.exposure import ExposureTest, assign_buckets, monotonicity
from aithesis.analytics.returns import (
    TRADING_DAYS,
    annualised_return,
    calendar_year_returns,
    compound,
    levels_from_returns,
    return_since,
    rf_per_period,
    simple_returns,
    total_return,
)
from aithesis.analytics.risk import (
    Drawdown,
    alpha,
    beta,
    calmar_ratio,
    down_capture,
    drawdown_series,
    information_ratio,
    max_drawdown,
    rolling_beta,
    rolling_max_drawdown,
    rolling_return,
    rolling_sharpe,
    rolling_volatility,
    sharpe_ratio,
    sortino_ratio,
    tracking_error,
    ulcer_index,
    up_capture,
    volatility,
)

__all__ = [
    "CATALOGUE",
    "TRADING_DAYS",
    "Drawdown",
    "ExposureTest",
    "Metric",
    "MetricInputs",
    "alpha",
    "annualised_return",
    "assign_buckets",
    "beta",
    "calendar_year_returns",
    "calmar_ratio",
    "compound",
    "compute_metrics",
    "cost_contribution",
    "daily_contributions",
    "down_capture",
    "drawdown_series",
    "gain_share",
    "get_metric",
    "gini",
    "group_contributions",
    "information_ratio",
    "levels_from_returns",
    "lorenz_curve",
    "max_drawdown",
    "monotonicity",
    "return_since",
    "rf_per_period",
    "rolling_beta",
    "rolling_max_drawdown",
    "rolling_return",
    "rolling_sharpe",
    "rolling_volatility",
    "sharpe_ratio",
    "simple_returns",
    "sortino_ratio",
    "stock_contributions",
    "top_share",
    "top_shares",
    "total_return",
    "tracking_error",
    "ulcer_index",
    "up_capture",
    "volatility",
]
