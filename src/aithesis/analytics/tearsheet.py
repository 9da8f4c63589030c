"""Catalogue entries of the tear-sheet metrics: the return distribution and calendar
periods (:mod:`aithesis.analytics.tail`, :mod:`aithesis.analytics.periods`).

Part of :data:`aithesis.analytics.catalogue.CATALOGUE`, kept here so each module stays
short. Value at risk and CVaR are one-day returns at 95% confidence (negative = a loss);
durations are calendar days.
"""

from __future__ import annotations

from aithesis.analytics import periods, tail
from aithesis.analytics.metric import Metric, MetricInputs

__all__ = ["TEAR_SHEET"]


def _best(period: str):
    return lambda x: periods.best(x.return_dates, x.returns, period)


def _worst(period: str):
    return lambda x: periods.worst(x.return_dates, x.returns, period)


def _longest(x: MetricInputs) -> int:
    return periods.longest_drawdown_days(x.dates, x.levels)


def _recovery(x: MetricInputs) -> int | None:
    return periods.recovery_days(x.dates, x.levels)


# fmt: off
TEAR_SHEET: tuple[Metric, ...] = (
    Metric("omega", lambda x: tail.omega_ratio(x.returns, 0.0, x.periods), "ratio", "ratio",
           "Omega ratio", "欧米茄比率", True, report=115, dashboard=55),
    Metric("var_historical", lambda x: tail.var_historical(x.returns), "risk", "percent",
           "Daily VaR 95% (historical)", "日风险价值 95%（历史法）", True,
           report=172, dashboard=161),
    Metric("cvar_historical", lambda x: tail.cvar_historical(x.returns), "risk", "percent",
           "Daily CVaR 95% (historical)", "日条件风险价值 95%（历史法）", True,
           report=173, dashboard=162),
    Metric("var_gaussian", lambda x: tail.var_gaussian(x.returns), "risk", "percent",
           "Daily VaR 95% (Gaussian)", "日风险价值 95%（正态法）", True, report=174),
    Metric("cvar_gaussian", lambda x: tail.cvar_gaussian(x.returns), "risk", "percent",
           "Daily CVaR 95% (Gaussian)", "日条件风险价值 95%（正态法）", True, report=175),
    Metric("tail_ratio", lambda x: tail.tail_ratio(x.returns), "ratio", "ratio",
           "Tail ratio", "尾部比率", True, report=176, dashboard=163),
    Metric("skew", lambda x: tail.skew(x.returns), "ratio", "ratio",
           "Skew", "偏度", report=177, dashboard=164),
    Metric("kurtosis", lambda x: tail.kurtosis(x.returns), "ratio", "ratio",
           "Excess kurtosis", "超额峰度", report=178, dashboard=165),
    Metric("best_day", _best("day"), "return", "percent", "Best day", "最佳单日", True,
           report=181),
    Metric("worst_day", _worst("day"), "return", "percent", "Worst day", "最差单日", True,
           report=182),
    Metric("best_month", _best("month"), "return", "percent", "Best month", "最佳月份", True,
           report=183, dashboard=166),
    Metric("worst_month", _worst("month"), "return", "percent", "Worst month", "最差月份",
           True, report=184, dashboard=167),
    Metric("best_year", _best("year"), "return", "percent", "Best year", "最佳年份", True,
           report=185),
    Metric("worst_year", _worst("year"), "return", "percent", "Worst year", "最差年份", True,
           report=186),
    Metric("win_rate", lambda x: periods.win_rate(x.returns), "return", "percent",
           "Win rate (days)", "日胜率", True, signed=False, report=187, dashboard=168),
    Metric("avg_up_month", lambda x: periods.avg_up_month(x.return_dates, x.returns),
           "return", "percent", "Average up month", "平均上涨月收益", True, report=188),
    Metric("avg_down_month", lambda x: periods.avg_down_month(x.return_dates, x.returns),
           "return", "percent", "Average down month", "平均下跌月收益", True, report=189),
    Metric("longest_drawdown_days", _longest, "count", "count",
           "Longest drawdown (days)", "最长回撤期（天）", report=190, dashboard=169),
    Metric("recovery_days", _recovery, "count", "count",
           "Maximum-drawdown recovery (days)", "最大回撤修复期（天）", report=191),
)
# fmt: on
