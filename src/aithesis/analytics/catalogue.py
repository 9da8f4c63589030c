"""The metric catalogue: one entry per performance metric, read by every shell.

Each :class:`Metric` holds everything that varies between metrics: its name (the key of
:meth:`aithesis.index.IndexResult.metrics`), the function computing it from
:class:`MetricInputs`, its kind and display format, its English and Chinese labels, its
direction (higher is better or not), whether it needs a benchmark, whether it is shown
with a sign, and where the report, the dashboard and the sweeps show it. The CLI, the
report (``metric.<name>`` labels and its comparison table), the dashboard and the sweeps
all derive their lists from :data:`CATALOGUE`, so adding a metric is one function (in
:mod:`aithesis.analytics.risk` or :mod:`~aithesis.analytics.returns`) plus one entry here
(the tear-sheet entries, over :mod:`~aithesis.analytics.tail` and
:mod:`~aithesis.analytics.periods`, are in :mod:`aithesis.analytics.tearsheet`).

Conventions: returns and ratios are decimals; annualised over ``periods`` (252) per year;
``rf`` is an annual risk-free rate; dates are ISO ``YYYY-MM-DD`` strings.

Example:
    >>> import numpy as np
    >>> m = compute_metrics(MetricInputs(np.array([100.0, 110.0, 99.0]), ("a", "b", "c")))
    >>> round(m["total_return"], 4), m["max_drawdown_trough"]
    (-0.01, 'c')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aithesis.analytics import returns as ret
from aithesis.analytics import risk
from aithesis.analytics.metric import Metric, MetricInputs
from aithesis.analytics.tearsheet import TEAR_SHEET
from aithesis.errors import SpecError

__all__ = [
    "CATALOGUE",
    "Metric",
    "MetricInputs",
    "compute_metrics",
    "dashboard_metrics",
    "get_metric",
    "label_entries",
    "report_metrics",
    "sweep_metrics",
]


def _turnover(x: MetricInputs) -> float:
    rows = x.rebalance_rows
    if x.turnover is None or rows is None or rows.size <= 1:
        return 0.0
    return float(x.turnover[rows[1:]].mean())


def _recovery(x: MetricInputs) -> str | None:
    row = x.drawdown.recovery
    return None if row is None else x.days[row]


CATALOGUE: tuple[Metric, ...] = (
    Metric("start", lambda x: x.days[0], "date", "date", "Start", "起始日", report=10),
    Metric("end", lambda x: x.days[-1], "date", "date", "End", "截止日", report=20, dashboard=180),
    Metric("days", lambda x: int(x.returns.size), "count", "count", "Trading days", "交易日数"),
    Metric(
        "total_return",
        lambda x: ret.compound(x.returns),
        "return",
        "percent",
        "Total return",
        "累计收益率",
        True,
        report=30,
        dashboard=10,
        sweep=True,
        short="total",
    ),
    Metric(
        "annualised_return",
        lambda x: ret.annualised_return(x.returns, x.periods),
        "return",
        "percent",
        "Annualised return",
        "年化收益率",
        True,
        report=40,
        dashboard=20,
        sweep=True,
        short="annualised",
    ),
    Metric(
        "volatility",
        lambda x: risk.volatility(x.returns, x.periods),
        "risk",
        "percent",
        "Volatility (annualised)",
        "年化波动率",
        False,
        signed=False,
        report=50,
        dashboard=30,
        sweep=True,
        short="vol",
    ),
    Metric(
        "sharpe",
        lambda x: risk.sharpe_ratio(x.returns, x.rf, x.periods),
        "ratio",
        "ratio",
        "Sharpe ratio",
        "夏普比率",
        True,
        report=100,
        dashboard=40,
        sweep=True,
        short="sharpe",
    ),
    Metric(
        "sortino",
        lambda x: risk.sortino_ratio(x.returns, x.rf, x.periods),
        "ratio",
        "ratio",
        "Sortino ratio",
        "索提诺比率",
        True,
        report=110,
        dashboard=50,
        sweep=True,
    ),
    Metric(
        "max_drawdown",
        lambda x: x.drawdown.depth,
        "risk",
        "percent",
        "Maximum drawdown",
        "最大回撤",
        True,
        report=60,
        dashboard=60,
        sweep=True,
        short="max dd",
    ),
    Metric(
        "max_drawdown_peak",
        lambda x: x.days[x.drawdown.peak],
        "date",
        "date",
        "Drawdown peak",
        "回撤起点",
        dashboard=70,
    ),
    Metric(
        "max_drawdown_trough",
        lambda x: x.days[x.drawdown.trough],
        "date",
        "date",
        "Maximum-drawdown trough",
        "最大回撤谷底日",
        report=170,
        dashboard=80,
    ),
    Metric("max_drawdown_recovery", _recovery, "date", "date", "Drawdown recovery", "回撤修复日"),
    Metric(
        "calmar",
        lambda x: risk.calmar_ratio(x.returns, x.periods),
        "ratio",
        "ratio",
        "Calmar ratio",
        "卡玛比率",
        True,
        report=120,
        dashboard=90,
        sweep=True,
    ),
    Metric(
        "ulcer_index",
        lambda x: risk.ulcer_index(x.levels),
        "risk",
        "percent",
        "Ulcer index",
        "溃疡指数",
        False,
        signed=False,
        report=65,
        dashboard=65,
        sweep=True,
        short="ulcer",
    ),
    Metric(
        "avg_turnover_per_rebalance",
        _turnover,
        "trading",
        "percent",
        "Turnover per rebalance",
        "每次再平衡换手率",
        False,
        signed=False,
        dashboard=170,
        sweep=True,
    ),
    Metric(
        "total_costs",
        lambda x: float(x.cost_points / x.levels[0]),
        "trading",
        "percent",
        "Total costs",
        "总交易成本",
        False,
        sweep=True,
    ),
    Metric(
        "benchmark_total_return",
        lambda x: ret.compound(x.bench_returns),
        "return",
        "percent",
        "Benchmark total return",
        "基准累计收益率",
        benchmark=True,
    ),
    Metric(
        "benchmark_annualised_return",
        lambda x: ret.annualised_return(x.bench_returns, x.periods),
        "return",
        "percent",
        "Benchmark annualised return",
        "基准年化收益率",
        benchmark=True,
    ),
    Metric(
        "excess_annualised_return",
        lambda x: (
            ret.annualised_return(x.returns, x.periods)
            - ret.annualised_return(x.bench_returns, x.periods)
        ),
        "return",
        "percent",
        "Annualised excess return",
        "年化超额收益",
        True,
        benchmark=True,
        report=90,
        dashboard=100,
        sweep=True,
    ),
    Metric(
        "beta",
        lambda x: risk.beta(x.returns, x.bench_returns),
        "ratio",
        "ratio",
        "Beta",
        "贝塔",
        benchmark=True,
        report=130,
        dashboard=110,
        sweep=True,
    ),
    Metric(
        "alpha",
        lambda x: risk.alpha(x.returns, x.bench_returns, x.rf, x.periods),
        "return",
        "percent",
        "Alpha (annualised)",
        "年化阿尔法",
        True,
        benchmark=True,
        report=70,
        dashboard=120,
        sweep=True,
    ),
    Metric(
        "tracking_error",
        lambda x: risk.tracking_error(x.returns, x.bench_returns, x.periods),
        "risk",
        "percent",
        "Tracking error",
        "跟踪误差",
        False,
        benchmark=True,
        signed=False,
        report=80,
        dashboard=130,
        sweep=True,
        short="TE",
    ),
    Metric(
        "information_ratio",
        lambda x: risk.information_ratio(x.returns, x.bench_returns, x.periods),
        "ratio",
        "ratio",
        "Information ratio",
        "信息比率",
        True,
        benchmark=True,
        report=140,
        dashboard=140,
        sweep=True,
        short="IR",
    ),
    Metric(
        "up_capture",
        lambda x: risk.up_capture(x.returns, x.bench_returns, x.periods),
        "ratio",
        "ratio",
        "Up capture",
        "上行捕获率",
        True,
        benchmark=True,
        report=150,
        dashboard=150,
    ),
    Metric(
        "down_capture",
        lambda x: risk.down_capture(x.returns, x.bench_returns, x.periods),
        "ratio",
        "ratio",
        "Down capture",
        "下行捕获率",
        False,
        benchmark=True,
        report=160,
        dashboard=160,
    ),
    *TEAR_SHEET,
)
"""Every metric, in the order :meth:`IndexResult.metrics` returns them."""

_BY_NAME: dict[str, Metric] = {m.name: m for m in CATALOGUE}


def get_metric(name: str) -> Metric:
    """The catalogue entry of ``name``.

    Raises:
        SpecError: an unknown metric (naming the known ones).
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise SpecError(
            f"unknown metric {name!r}", field="metric", hint="metrics: " + ", ".join(_BY_NAME)
        ) from None


def compute_metrics(inputs: MetricInputs) -> dict[str, Any]:
    """Every catalogue metric of ``inputs``, in catalogue order.

    Relative metrics (``benchmark=True``) are left out when ``inputs.benchmark`` is None.
    """
    with_bench = inputs.benchmark is not None
    return {m.name: m.compute(inputs) for m in CATALOGUE if with_bench or not m.benchmark}


def _ordered(position: Callable[[Metric], int | None]) -> tuple[Metric, ...]:
    shown = [m for m in CATALOGUE if position(m) is not None]
    return tuple(sorted(shown, key=lambda m: position(m) or 0))


def report_metrics() -> tuple[Metric, ...]:
    """The rows of the report's comparison table, in order."""
    return _ordered(lambda m: m.report)


def dashboard_metrics() -> tuple[Metric, ...]:
    """The rows of the dashboard's metric table, in order."""
    return _ordered(lambda m: m.dashboard)


def sweep_metrics(*, benchmark: bool) -> tuple[str, ...]:
    """Names of the index-sweep columns: absolute ones, or (``benchmark=True``) the
    relative ones, in catalogue order."""
    return tuple(m.name for m in CATALOGUE if m.sweep and m.benchmark == benchmark)


def label_entries() -> dict[str, dict[str, str]]:
    """``{"metric.<name>": {"en": ..., "zh": ...}}`` for the message catalogues."""
    return {m.label_key: {"en": m.en, "zh": m.zh} for m in CATALOGUE}
