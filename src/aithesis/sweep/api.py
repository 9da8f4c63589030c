"""Public API of sweeps: ``sweep_index`` and ``sweep_model``, serial or on Dask.

``sweep_index`` / ``sweep_model`` return a DataFrame (one row a combination; the extras
in ``.attrs``); ``run_index_sweep`` / ``run_model_sweep`` return the full result objects
(best/worst, deflated Sharpe, heatmaps).

>>> from aithesis.sweep import sweep_model
>>> sweep_model("nvda-5t", grid={"nvda_share": [0.6, 0.75], "pe": "25:45:3"}).shape
(6, 4)
>>> sweep_index("agix", grid={"weighting.cap": [0.08, 0.1]}, cluster="local:2")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from aithesis.sweep.cluster import (
    DEFAULT_START_TIMEOUT,
    ProgressCallback,
    check_cluster,
    check_start_timeout,
    open_executor,
)
from aithesis.sweep.grid import make_grid
from aithesis.sweep.index_sweep import plan_index_sweep
from aithesis.sweep.model_sweep import plan_model_sweep
from aithesis.sweep.results import IndexSweepResult, ModelSweepResult

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

    from aithesis.data.store import Store
    from aithesis.index.methodology import Methodology

__all__ = ["GridLike", "run_index_sweep", "run_model_sweep", "sweep_index", "sweep_model"]

GridLike = Mapping[str, Any] | Sequence[str]
"""``{"weighting.cap": [0.05, 0.1]}`` (values: list, array, one value or ``"0.5:0.9:9"``)
or ``--grid`` strings such as ``["weighting.cap=0.05,0.1", "rebalance=monthly,annual"]``."""


@contextmanager
def _store(store: Store | None) -> Iterator[Store]:
    if store is not None:
        yield store
        return
    from aithesis.config import default_store_path
    from aithesis.data.store import Store

    opened = Store(default_store_path(), read_only=True)
    try:
        yield opened
    finally:
        opened.close()


def run_index_sweep(
    name: str | Path | Methodology,
    grid: GridLike,
    cluster: str | Client | None = None,
    store: Store | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    benchmark: str | None = "QQQ",
    progress: ProgressCallback | None = None,
    *,
    rank_by: str = "sharpe",
    batch_size: int | None = None,
    connect_timeout: float = 5.0,
    start_timeout: float = DEFAULT_START_TIMEOUT,
) -> IndexSweepResult:
    """Build one index per combination of methodology rules and compare their metrics.

    Args:
        name: a built-in index (``"agix"``), a methodology YAML path or a Methodology.
        grid: rules to vary and their values (see :mod:`aithesis.sweep.variants`), e.g.
            ``{"weighting.cap": [0.08, 0.1], "rebalance": ["monthly", "quarterly"]}``.
        cluster: None (serial), ``"local"``, ``"local:N"``, ``"tcp://host:port"`` or a
            ``distributed.Client``.
        store: an open store (default: the default store, read-only).
        start, end: base date override and last date.
        benchmark: ticker for tracking error, information ratio, beta, alpha (None: none).
        progress: ``progress(done, total)`` in variants.
        rank_by: metric for best/worst in its catalogue direction: higher is better
            except for risks such as volatility (default ``sharpe``).
        batch_size: variants per task (default: ~32 tasks).
        connect_timeout: seconds to wait for a scheduler address.
        start_timeout: seconds (default 60) a ``local`` / ``local:N`` cluster may take
            to start its workers (see :func:`aithesis.sweep.cluster.open_executor`).

    Returns:
        :class:`IndexSweepResult`: ``.table`` (one row a combination), ``.best``,
        ``.worst``, ``.deflated_sharpe`` and ``.warnings`` (selection bias first).

    Raises:
        SpecError: a malformed grid, an unknown parameter, an invalid variant, a bad
            cluster text or start_timeout. ProviderError: unreachable scheduler.
            ClusterError: a local cluster did not start within ``start_timeout`` or the
            cluster failed mid-sweep. AithesisError: Dask not installed, a worker kept
            dying, or every variant failed.
    """
    check_cluster(cluster)
    check_start_timeout(start_timeout)
    g = make_grid(grid)
    with _store(store) as s:
        plan = plan_index_sweep(
            name, g, s, start=start, end=end, benchmark=benchmark, rank_by=rank_by
        )
    with open_executor(cluster, connect_timeout=connect_timeout, start_timeout=start_timeout) as ex:
        return plan.run(ex, progress, batch_size)


def run_model_sweep(
    name: str | Path,
    grid: GridLike,
    draws: int | None = None,
    seed: int | None = 0,
    target: str | None = None,
    output: str | None = None,
    cluster: str | Client | None = None,
    progress: ProgressCallback | None = None,
    *,
    scenario: str | None = None,
    batch_size: int | None = None,
    connect_timeout: float = 5.0,
    start_timeout: float = DEFAULT_START_TIMEOUT,
) -> ModelSweepResult:
    """Evaluate (or Monte-Carlo-run) a thesis model at every combination of driver values.

    Args:
        name: a built-in model (``"nvda-5t"``) or a model YAML path.
        grid: drivers and values, e.g. ``{"nvda_share": "0.5:0.9:9", "pe": [20, 33, 50]}``;
            values are in each driver's unit, or text with a unit (``"2 USD_tn"``).
        draws: Monte Carlo draws per point (None: deterministic base case).
        seed: base seed; point ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``.
        target: ``"market_cap>=5000"``: adds P(target) per point (needs ``draws``).
        output: the name reported (default the model's output).
        cluster: None (serial), ``"local"``, ``"local:N"``, an address or a Client.
        progress: ``progress(done, total)`` in points.
        scenario: start every point from this scenario.
        batch_size: points per task (default: ~32 tasks).
        connect_timeout: seconds to wait for a scheduler address.
        start_timeout: seconds (default 60) a ``local`` / ``local:N`` cluster may take
            to start its workers (see :func:`aithesis.sweep.cluster.open_executor`).

    Returns:
        :class:`ModelSweepResult`: ``.table`` (one row a combination) and
        ``.heatmap()`` (pivot of the output, P(target) or the mean).

    Raises:
        SpecError: a malformed grid, unknown driver/output/target, bad cluster text or
            start_timeout. ProviderError: unreachable scheduler. ClusterError: a local
            cluster did not start within ``start_timeout`` or the cluster failed
            mid-sweep. AithesisError: Dask not installed or a worker kept dying (no
            partial result).
    """
    check_cluster(cluster)
    check_start_timeout(start_timeout)
    g = make_grid(grid)
    plan = plan_model_sweep(
        name, g, draws=draws, seed=seed, target=target, output=output, scenario=scenario
    )
    with open_executor(cluster, connect_timeout=connect_timeout, start_timeout=start_timeout) as ex:
        return plan.run(ex, progress, batch_size)


def sweep_index(name: str | Path | Methodology, grid: GridLike, **kwargs: Any) -> pd.DataFrame:
    """:func:`run_index_sweep` as a DataFrame, one row a combination.

    ``attrs`` holds ``warnings`` (the selection-bias warning first), ``n_variants``,
    ``n_failed``, ``rank_by``, ``best`` and ``worst`` (rows as dicts) and
    ``deflated_sharpe``. Takes the same arguments as :func:`run_index_sweep`.
    """
    result = run_index_sweep(name, grid, **kwargs)
    frame = result.to_frame().copy()
    frame.attrs.update(
        warnings=list(result.warnings),
        n_variants=result.n_variants,
        n_failed=result.n_failed,
        rank_by=result.rank_by,
        best=result.best.to_dict(),
        worst=result.worst.to_dict(),
        deflated_sharpe=result.deflated_sharpe,
    )
    return frame


def sweep_model(name: str | Path, grid: GridLike, **kwargs: Any) -> pd.DataFrame:
    """:func:`run_model_sweep` as a DataFrame, one row a combination.

    ``attrs`` holds ``value_column`` (the output, P(target) or mean column) and
    ``output``. Takes the same arguments as :func:`run_model_sweep`; for heatmap data
    use ``run_model_sweep(...).heatmap()`` or pivot the frame.
    """
    result = run_model_sweep(name, grid, **kwargs)
    frame = result.to_frame().copy()
    frame.attrs.update(value_column=result.value_column, output=result.output)
    return frame
