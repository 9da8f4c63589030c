"""The same sweeps on a 2-worker LocalCluster give results identical to serial runs."""

from __future__ import annotations

import logging
import os
import socket
import time

import pandas as pd
import pytest
from tests.sweep.dask_cluster import local_client

from aithesis.errors import ProviderError
from aithesis.sweep import plan_batches, run_index_sweep, run_model_sweep
from aithesis.sweep.cluster import DaskExecutor, open_executor

pytestmark = pytest.mark.slow

MODEL_GRID = {"nvda_share": "0.5:0.9:9", "pe": "20:50:7"}  # 63 points, 32 tasks
INDEX_GRID = ["weighting.cap=0.05,0.1,0.2", "rebalance=monthly,quarterly", "costs_bps=0,10"]


@pytest.fixture(scope="module")
def client():
    with local_client(2, log_level=logging.ERROR) as c:
        yield c


def test_model_sweep_is_identical_on_the_cluster(client) -> None:
    serial = run_model_sweep("nvda-5t", MODEL_GRID)
    dask = run_model_sweep("nvda-5t", MODEL_GRID, cluster=client)
    pd.testing.assert_frame_equal(serial.table, dask.table, check_exact=True)


def test_monte_carlo_sweep_is_identical_on_the_cluster(client) -> None:
    kwargs = {"draws": 3000, "seed": 42, "target": "market_cap>=5000"}
    serial = run_model_sweep("nvda-5t", MODEL_GRID, **kwargs)
    dask = run_model_sweep("nvda-5t", MODEL_GRID, cluster=client, **kwargs)
    pd.testing.assert_frame_equal(serial.table, dask.table, check_exact=True)
    assert serial.table["probability"].between(0, 1).all()


def test_index_sweep_is_identical_on_the_cluster(client, sample_store) -> None:
    serial = run_index_sweep("agix", INDEX_GRID, store=sample_store)
    dask = run_index_sweep("agix", INDEX_GRID, store=sample_store, cluster=client)
    pd.testing.assert_frame_equal(serial.table, dask.table, check_exact=True)
    assert serial.warnings == dask.warnings
    assert serial.deflated_sharpe == dask.deflated_sharpe
    assert dask.n_failed == 4 and dask.table["sharpe"].notna().sum() == 8


def test_progress_comes_from_futures_one_call_per_task(client) -> None:
    calls: list[tuple[int, int]] = []
    grid = {"nvda_share": "0.5:0.9:20", "pe": "20:50:10"}  # 200 points -> 29 tasks of 7
    run_model_sweep("nvda-5t", grid, cluster=client, progress=lambda d, t: calls.append((d, t)))
    tasks = len(plan_batches(200))
    assert tasks < 40
    assert len(calls) == tasks + 1
    assert calls[0] == (0, 200) and calls[-1] == (200, 200)
    done = [d for d, _ in calls]
    assert done == sorted(done)


def test_shared_data_reaches_each_worker_once_not_once_per_task(client) -> None:
    seen = DaskExecutor(client).map(
        lambda batch, shared: (os.getpid(), id(shared), len(shared)),
        plan_batches(16, batch_size=1),
        list(range(100_000)),
        [1] * 16,
    )
    assert all(n == 100_000 for _, _, n in seen)
    by_worker: dict[int, set[int]] = {}
    for pid, ident, _ in seen:
        by_worker.setdefault(pid, set()).add(ident)
    assert all(len(ids) == 1 for ids in by_worker.values())


def test_local_n_starts_and_closes_its_own_cluster() -> None:
    serial = run_model_sweep("nvda-5t", {"pe": [20, 30, 40]}, draws=500, seed=1)
    local = run_model_sweep("nvda-5t", {"pe": [20, 30, 40]}, draws=500, seed=1, cluster="local:2")
    pd.testing.assert_frame_equal(serial.table, local.table, check_exact=True)


def test_local_cluster_workers_keep_large_arrays_on_the_heap() -> None:
    with open_executor("local:1") as executor:
        client = executor.client
        env = client.run(
            lambda: (
                os.environ.get("MALLOC_TRIM_THRESHOLD_"),
                os.environ.get("MALLOC_MMAP_THRESHOLD_"),
            )
        )
        assert list(env.values()) == [(str(256 * 2**20), str(32 * 2**20))]
        assert len(client.scheduler_info()["workers"]) == 1
    assert client.status == "closed"


def test_unreachable_scheduler_fails_clearly_within_ten_seconds() -> None:
    with socket.socket() as s:  # a free local port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    began = time.monotonic()
    with pytest.raises(ProviderError) as info:
        run_model_sweep("nvda-5t", {"pe": [20, 30]}, cluster=address)
    elapsed = time.monotonic() - began
    assert elapsed < 10.0
    assert info.value.field == "cluster"
    assert f"cannot reach the Dask scheduler at {address} within 5 s" in str(info.value)
