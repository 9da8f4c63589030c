"""Workers dying mid-sweep: the task is rerun, or the sweep fails clearly with no result."""

from __future__ import annotations

import os
import sys
import time

import cloudpickle
import pandas as pd
import psutil
import pytest
from distributed import WorkerPlugin
from tests.sweep.dask_cluster import local_client

from aithesis.errors import AithesisError, ClusterError, SpecError
from aithesis.sweep import plan_batches, run_index_sweep, run_model_sweep
from aithesis.sweep.cluster import open_executor
from aithesis.sweep.dask_executor import DaskExecutor, worker_timeout

pytestmark = pytest.mark.slow
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests

GRID = {"nvda_share": "0.5:0.9:5", "pe": "20:50:4"}  # 20 points, 20 tasks
# Generous Dask timeouts: on a loaded 2-core machine a worker restart or a connection can
# take far longer than Dask's defaults; the outcome must not depend on machine speed.
# lost-worker-timeout: when a worker leaves, LocalCluster starts a timer of that length
# and, when it fires, closes the nanny for good if no worker of that name is registered
# *at that moment*. A worker killed, restarted and killed again just before the first
# kill's timer fires (or one whose restart outlasts it) is then never restarted, and the
# module's cluster silently shrinks (seen under a CPU hog: "Reason: nanny-close" right
# after "Restarting worker"). These tests kill workers on purpose and expect their nannies
# to restart them, so the timer is pushed past the life of any test cluster.
SLOW_MACHINE = {
    "distributed.comm.timeouts.connect": "180s",
    "distributed.comm.timeouts.tcp": "300s",
    "distributed.deploy.lost-worker-timeout": "24h",
}


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
    with local_client(2, config={"distributed.scheduler.allowed-failures": 1, **SLOW_MACHINE}) as c:
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


def _pids(client, n: int, without: int | None = None, timeout: float = 300.0) -> set[int]:
    """The pids of the ``n`` workers once exactly ``n`` answer (and ``without`` is not
    among them): polls, since a dead worker can stay listed for a while and a restarted
    one takes its time on a busy machine."""
    deadline = time.monotonic() + timeout
    seen: set[int] = set()
    while time.monotonic() < deadline:
        try:
            client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
            seen = set(client.run(os.getpid, on_error="ignore").values())
        except Exception:  # a worker left between listing and running: ask again
            seen = set()
        if len(seen) == n and without not in seen:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"{n} worker(s) without pid {without} not seen in {timeout} s: {seen}")


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
    before = _pids(client, 2)  # the worker processes, by pid (an earlier kill is over)
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
    _pids(client, 2, without=killed)  # the nanny restarted it under a new pid
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
    assert isinstance(info.value, ClusterError) and info.value.field == "cluster"
    assert "\n" not in message  # one line, no Dask traceback
    assert "no results are reported" in message
    assert message.startswith("'cluster': sweep aborted: ")
    assert "worker process died" in message or "killed its worker process" in message
    assert result is None
    assert calls[0] == (0, 20) and calls[-1][0] < 20  # never reported complete


def test_lost_data_is_shipped_again_and_the_rest_rerun(tmp_path) -> None:
    """One worker: killing it loses the only copy of the scattered data. The sweep ships
    the data again to the restarted worker and reruns what had not finished."""
    serial = run_model_sweep("nvda-5t", GRID, draws=500, seed=3)
    with local_client(1, config=SLOW_MACHINE) as single:
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


class FlakyClient:
    """Stands in for a ``distributed.Client`` whose Dask calls fail the way a busy or
    dying cluster makes them fail; records what the executor asked for."""

    def __init__(self, scatter_error: Exception, wait_error: Exception | None = None) -> None:
        self.scatter_error = scatter_error
        self.wait_error = wait_error
        self.scatters: list[float] = []
        self.waits: list[float] = []
        self.scheduler = type("Scheduler", (), {"address": "tcp://127.0.0.1:1"})()

    def scheduler_info(self) -> dict:
        return {"workers": {"a": {}, "b": {}}}

    def scatter(self, data, broadcast=False, hash=True, timeout=None):
        self.scatters.append(timeout)
        raise self.scatter_error

    def wait_for_workers(self, n_workers, timeout=None) -> None:
        self.waits.append(timeout)
        if self.wait_error is not None:
            raise self.wait_error


def _map(client, progress: list) -> list:
    return DaskExecutor(client, timeout=7).map(
        lambda batch, shared: list(batch),
        plan_batches(4, batch_size=2),
        None,
        [2, 2],
        lambda d, t: progress.append(d),
    )


@pytest.mark.parametrize(
    "exc",
    [
        TimeoutError("No valid workers found"),  # scatter with every worker gone
        ValueError("Can not use replicate to delete data"),  # workers leaving mid-broadcast
    ],
    ids=["no-workers", "replicate"],
)
def test_scatter_that_keeps_failing_is_a_one_line_cluster_error(exc) -> None:
    client, progress = FlakyClient(exc), []
    with pytest.raises(ClusterError) as info:
        _map(client, progress)
    message = str(info.value)
    assert message.startswith("'cluster': sweep aborted: the Dask cluster lost its workers")
    assert str(exc) in message and "3 time(s)" in message and "\n" not in message
    assert "run serially" in message and "AITHESIS_DASK_TIMEOUT" in message
    # shipped three times (resubmits=2) with the configured timeout, waiting in between
    assert client.scatters == [7.0, 7.0, 7.0] and client.waits == [7.0, 7.0]
    assert progress == [0]  # nothing reported done


def test_workers_that_never_come_back_are_a_one_line_cluster_error() -> None:
    class WorkerStartTimeoutError(TimeoutError):  # what Client.wait_for_workers raises
        pass

    gone = WorkerStartTimeoutError("0/1 workers arrived after 7 s")
    client = FlakyClient(TimeoutError("No valid workers found"), wait_error=gone)
    with pytest.raises(ClusterError) as info:
        _map(client, [])
    message = str(info.value)
    assert message.startswith("'cluster': sweep aborted: the Dask cluster failed while waiting 7 s")
    assert "WorkerStartTimeoutError: 0/1 workers arrived after 7 s" in message
    assert "no results are reported" in message and "\n" not in message
    assert client.waits == [7.0]  # gave up at the first wait, no further round


def test_every_dask_failure_counts_as_lost_and_task_errors_do_not() -> None:
    """What ``_lost`` calls lost is resubmitted and ends as a ClusterError; anything else
    propagates as it is, so a Dask exception must never fall through."""
    from distributed.client import ClosedClientError, FuturesCancelledError
    from distributed.comm.core import FatalCommClosedError
    from distributed.core import RPCClosed
    from distributed.exceptions import WorkerStartTimeoutError
    from distributed.scheduler import NoValidWorkerError

    from aithesis.sweep.dask_executor import _lost

    deep = _raised(RuntimeError("gather failed"), _raised(KeyError("x"), RPCClosed("rpc")))
    for exc in (
        FuturesCancelledError([]),  # subclasses: not only exact names
        WorkerStartTimeoutError(0, 1, 7.0),
        FatalCommClosedError("gone"),
        ClosedClientError(),  # any exception class of distributed itself
        NoValidWorkerError("k", set(), set(), {}, 0),
        deep,  # a Dask cause two levels down
    ):
        assert _lost(exc), exc
    for exc in (ValueError("bad point"), ZeroDivisionError(), KeyError("pe")):
        assert not _lost(exc), exc  # the task's own errors propagate unchanged


def _raised(outer: BaseException, cause: BaseException) -> BaseException:
    try:
        raise outer from cause
    except BaseException as exc:
        return exc


def test_worker_timeout_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("AITHESIS_DASK_TIMEOUT", raising=False)
    assert worker_timeout() == 120.0
    monkeypatch.setenv("AITHESIS_DASK_TIMEOUT", "300")
    assert worker_timeout() == 300.0
    assert DaskExecutor(FlakyClient(TimeoutError())).timeout == 300.0
    for bad in ("soon", "0", "-5", "nan"):
        monkeypatch.setenv("AITHESIS_DASK_TIMEOUT", bad)
        with pytest.raises(SpecError, match="AITHESIS_DASK_TIMEOUT"):
            worker_timeout()


def test_a_local_cluster_that_does_not_start_in_time_is_a_cluster_error(monkeypatch) -> None:
    import distributed

    def too_slow(**kwargs):
        raise TimeoutError("Nanny failed to start in 60 seconds")

    monkeypatch.setattr(distributed, "LocalCluster", too_slow)
    with pytest.raises(ClusterError) as info, open_executor("local:2"):
        pass
    message = str(info.value)
    assert message.startswith("'cluster': sweep aborted: the Dask cluster failed while starting")
    assert "Nanny failed to start in 60 seconds" in message and "\n" not in message
