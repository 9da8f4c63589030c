"""Workers that leave for good mid-sweep (no nanny restarts them): the sweep ends with a
ClusterError within $AITHESIS_DASK_TIMEOUT instead of waiting forever."""

from __future__ import annotations

import os
import sys
import threading

import cloudpickle
import pytest
from distributed import WorkerPlugin
from tests.sweep.dask_cluster import local_client

from aithesis.errors import ClusterError
from aithesis.sweep import run_model_sweep

pytestmark = pytest.mark.slow
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests
GRID = {"nvda_share": "0.5:0.9:5", "pe": "20:50:4"}
SLOW_MACHINE = {
    "distributed.comm.timeouts.connect": "180s",
    "distributed.comm.timeouts.tcp": "300s",
}


class LeaveForGood(WorkerPlugin):
    """At setup, tell the worker's nanny not to restart it; kill the worker process when a
    sweep task starts executing. The cluster is then left with no worker at all."""

    async def setup(self, worker) -> None:
        await worker.rpc(worker.nanny).close_gracefully(reason="test: leave for good")

    def transition(self, key, start, finish, **kwargs) -> None:
        if finish == "executing" and str(key).startswith("sweep-"):
            os._exit(1)


def test_workers_that_leave_for_good_end_the_sweep_with_a_cluster_error(monkeypatch) -> None:
    """No worker is ever coming back: the sweep must end with a ClusterError after
    $AITHESIS_DASK_TIMEOUT, not wait forever. Run in a thread so a hang fails the test
    (the join bound is a hang guard, far above the 5 s timeout, not a speed check)."""
    monkeypatch.setenv("AITHESIS_DASK_TIMEOUT", "5")
    outcome: dict[str, object] = {}
    checked = False
    try:
        with local_client(2, config=SLOW_MACHINE) as c:
            c.register_plugin(LeaveForGood(), name="leave-for-good")

            def sweep() -> None:
                try:
                    outcome["result"] = run_model_sweep("nvda-5t", GRID, cluster=c)
                except BaseException as exc:  # handed to the test thread
                    outcome["error"] = exc

            thread = threading.Thread(target=sweep, daemon=True)
            thread.start()
            thread.join(300)
            assert not thread.is_alive(), "the sweep hung after its workers left for good"
            assert c.scheduler_info()["workers"] == {}  # really no worker left
            checked = True
    except KeyError as exc:
        # distributed's LocalCluster.close can race with the removal of a worker it never
        # recorded (deploy/spec.py _update_worker_status) once every worker has left; only
        # that teardown error is tolerated, after every check above has run
        if not checked or "tcp://" not in str(exc):
            raise
    assert "result" not in outcome
    error = outcome["error"]
    assert isinstance(error, ClusterError) and error.field == "cluster"
    message = str(error)
    assert message.startswith("'cluster': sweep aborted: ") and "\n" not in message
    assert "waiting 5 s for a worker" in message and "no results are reported" in message
