"""Parameter sweeps over index rules or thesis-model drivers, serial or on Dask.

>>> from aithesis.sweep import sweep_model
>>> sweep_model("nvda-5t", grid={"nvda_share": "0.5:0.9:9", "pe": "20:50:7"}).shape
(63, 4)

``cluster=None`` runs here; ``"local:N"`` starts a Dask LocalCluster of N processes;
``"tcp://host:port"`` uses a running scheduler (``pip install 'aithesis[dask]'``).
"""

from __future__ import annotations

from aithesis.sweep.api import (
    GridLike,
    run_index_sweep,
    run_model_sweep,
    sweep_index,
    sweep_model,
)
from aithesis.sweep.cluster import check_cluster, open_executor, plan_batches
from aithesis.sweep.grid import Grid, make_grid, parse_grid
from aithesis.sweep.model_sweep import point_seed
from aithesis.sweep.results import IndexSweepResult, ModelSweepResult
from aithesis.sweep.selection import deflated_sharpe_ratio, expected_max_sharpe
from aithesis.sweep.variants import SWEEPABLE

__all__ = [
    "SWEEPABLE",
    "Grid",
    "GridLike",
    "IndexSweepResult",
    "ModelSweepResult",
    "check_cluster",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "make_grid",
    "open_executor",
    "parse_grid",
    "plan_batches",
    "point_seed",
    "run_index_sweep",
    "run_model_sweep",
    "sweep_index",
    "sweep_model",
]
