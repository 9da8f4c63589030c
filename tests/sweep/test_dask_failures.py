"""Workers dying mid-sweep: the task is rerun, or the sweep fails clearly with no result."""

from __future__ import annotations

import logging
import os
import sys
import time

import cloudpickle
import dask
import pandas as pd
import psutil
import pytest
from distributed import Client, LocalCluster, WorkerPlugin

from aithesis.errors import AithesisError
from aithesis.sweep import run_index_sweep, run_model_sweep

pytestmark = pytest.mark.slow
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests

GRID = {"nvda_share": "0.5:0.9:5", "pe": "20:50:4"}  # 20 points, 20 tasks


class KillWorker(WorkerPlugin):
    """Kill the worker process (os._exit) when a sweep task starts executing.

    With ``marker``, only the first time across all workers (the marker file remembers,
    and holds the pid of the process it killed); without it, every time. ``suffix``
    limits it to task keys ending so (``-0``: batch 0).
    """

    def __init__(self, marker: str | None = None, suffix: str = "") -> None:
        self.marker = marker
        self.suffix = suffix

    def transition(self, key, start, finish, **kwargs) -> None:
        key = str(key)
        if finish != "executing" or not key.startswith("sweep-") or not key.endswith(self.suffix):
            return
        if self.marker is not None:
            if os.path.exists(self.marker):
                return
            with open(self.marker, "w") as handle:
                handle.write(str(os.getpid()))
        os._exit(1)


@pytest.fixture(scope="module")
def client():
    # allowed-failures=1: a task may take one worker down with it; the second time it is
    # declared bad (KilledWorker). Keeps the "always dies" case fast.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_worker_killed_once_is_retried_and_results_are_identical(client, tmp_path) -> None:
    serial = run_model_sweep("nvda-5t", GRID, draws=1000, seed=5, target="market_cap>=5000")
    marker = tmp_path / "killed"
    client.register_plugin(KillWorker(str(marker)), name="kill-once")
    try:
        dask = run_model_sweep(
            "nvda-5t", GRID, draws=1000, seed=5, target="market_cap>=5000", cluster=client
        )
    finally:
        client.unregister_worker_plugin("kill-once")
    assert marker.exists()  # a worker really died mid-sweep
    pd.testing.assert_frame_equal(serial.table, dask.table, check_exact=True)


def _gone(pid: int, timeout: float = 120.0) -> bool:
    """True once ``pid`` no longer runs (exited, or a zombie awaiting its nanny)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.5)
    return False


def test_index_sweep_survives_a_killed_worker(client, tmp_path, sample_store) -> None:
    grid = {"rebalance": ["monthly", "quarterly", "annual"], "costs_bps": [0, 10]}
    serial = run_index_sweep("ai-infra", grid, store=sample_store)
    client.wait_for_workers(2, timeout=120)  # an earlier test's killed worker is back
    before = set(client.run(os.getpid).values())  # the worker processes, by pid
    assert len(before) == 2
    marker = tmp_path / "killed"
    client.register_plugin(KillWorker(str(marker)), name="kill-once-index")
    try:
        dask = run_index_sweep("ai-infra", grid, store=sample_store, cluster=client)
    finally:
        client.unregister_worker_plugin("kill-once-index")
    # a worker really died mid-sweep: the plugin wrote the pid it killed, that pid was one
    # of the workers when the sweep started, and it no longer runs
    killed = int(marker.read_text())
    assert killed in before
    assert _gone(killed)
    client.wait_for_workers(2, timeout=120)  # the nanny restarted it under a new pid
    assert killed not in set(client.run(os.getpid).values())
    # and the rerun gave exactly the serial results, every variant built
    assert dask.table["error"].isna().all() and len(dask.table) == 6
    pd.testing.assert_frame_equal(serial.table, dask.table, check_exact=True)


@pytest.mark.parametrize("suffix", ["-0", ""], ids=["first-task", "every-task"])
def test_task_that_always_kills_its_worker_fails_with_no_partial_result(client, suffix) -> None:
    calls: list[tuple[int, int]] = []
    result = None
    client.register_plugin(KillWorker(None, suffix), name="kill-always")
    try:
        with pytest.raises(AithesisError) as info:
            result = run_model_sweep(
                "nvda-5t", GRID, cluster=client, progress=lambda d, t: calls.append((d, t))
            )
    finally:
        client.unregister_worker_plugin("kill-always")
    message = str(info.value)
    assert info.value.field == "cluster"
    assert "no results are reported" in message
    assert message.startswith("'cluster': sweep aborted: ")
    assert "worker process died" in message or "killed its worker process" in message
    assert result is None
    assert calls[0] == (0, 20) and calls[-1][0] < 20  # never reported complete


def test_lost_data_is_shipped_again_and_the_rest_rerun(tmp_path) -> None:
    """One worker: killing it loses the only copy of the scattered data. The sweep ships
    the data again to the restarted worker and reruns what had not finished."""
    serial = run_model_sweep("nvda-5t", GRID, draws=500, seed=3)
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as single,
    ):
        marker = tmp_path / "killed"
        single.register_plugin(KillWorker(str(marker)), name="kill-only-worker")
        done: list[int] = []
        result = run_model_sweep(
            "nvda-5t",
            GRID,
            draws=500,
            seed=3,
            cluster=single,
            progress=lambda d, t: done.append(d),
        )
    assert marker.exists()
    pd.testing.assert_frame_equal(serial.table, result.table, check_exact=True)
    assert done[-1] == 20 and done == sorted(done)
