"""Executors without a cluster: batching, the cluster argument, Dask missing, progress."""

from __future__ import annotations

import queue
import sys

import pytest

from aithesis.errors import AithesisError, ClusterError, SpecError
from aithesis.sweep import run_index_sweep, run_model_sweep
from aithesis.sweep.cluster import (
    DEFAULT_START_TIMEOUT,
    SerialExecutor,
    check_cluster,
    open_executor,
    plan_batches,
)


def test_ten_thousand_points_become_a_few_dozen_contiguous_tasks() -> None:
    batches = plan_batches(10_000)
    assert 20 <= len(batches) <= 50
    assert [i for b in batches for i in b] == list(range(10_000))
    assert max(len(b) for b in batches) - min(len(b) for b in batches) <= 313


def test_small_grids_get_one_task_per_point_and_batch_size_is_honoured() -> None:
    assert [list(b) for b in plan_batches(3)] == [[0], [1], [2]]
    assert [len(b) for b in plan_batches(10, batch_size=4)] == [4, 4, 2]
    assert plan_batches(0) == []
    with pytest.raises(SpecError) as info:
        plan_batches(10, batch_size=0)
    assert info.value.field == "batch_size"


@pytest.mark.parametrize(
    ("text", "kind", "workers", "address"),
    [
        (None, "serial", None, None),
        ("serial", "serial", None, None),
        ("local:3", "local", 3, None),
        ("tcp://10.0.0.5:8786", "address", None, "tcp://10.0.0.5:8786"),
    ],
)
def test_cluster_text_is_parsed(text, kind, workers, address) -> None:
    spec = check_cluster(text)
    assert (spec.kind, spec.workers, spec.address) == (kind, workers, address)
    assert check_cluster("local").workers >= 1


@pytest.mark.parametrize("text", ["locl:2", "local:0", "local:two", "10.0.0.5:8786", "tcp:/x"])
def test_unreadable_cluster_text_is_a_spec_error(text: str) -> None:
    with pytest.raises(SpecError) as info:
        check_cluster(text)
    assert info.value.field == "cluster"
    assert "local:N" in str(info.value)


def test_without_dask_the_message_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(AithesisError) as info, open_executor("local:2"):
        pass
    assert "pip install 'aithesis[dask]'" in str(info.value)
    assert info.value.field == "cluster"
    # the sweep checks everything else first, then fails the same way
    with pytest.raises(AithesisError, match=r"pip install 'aithesis\[dask\]'"):
        run_model_sweep("nvda-5t", {"pe": [20, 30]}, cluster="tcp://127.0.0.1:8786")


def test_serial_progress_reports_points_after_each_batch() -> None:
    calls: list[tuple[int, int]] = []
    out = SerialExecutor().map(
        lambda batch, shared: [i * shared for i in batch],
        plan_batches(5, batch_size=2),
        10,
        [2, 2, 1],
        lambda done, total: calls.append((done, total)),
    )
    assert out == [[0, 10], [20, 30], [40]]
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


SPAWN_ERROR = """
        An attempt has been made to start a new process before the
        current process has finished its bootstrapping phase.

        This probably means that you are not using fork to start your
        child processes and you have forgotten to use the proper idiom
        in the main module:

            if __name__ == '__main__':
                freeze_support()
"""


def _raised(outer: BaseException, cause: BaseException | None = None) -> BaseException:
    """``outer`` raised from ``cause``, as Dask raises them (traceback and all)."""
    try:
        try:
            if cause is not None:
                raise cause
        except BaseException as inner:
            raise outer from inner
        raise outer
    except BaseException as exc:
        return exc


def _start_failure(monkeypatch, exc: BaseException, **kwargs) -> tuple[AithesisError, dict]:
    """Open ``local:2`` with a LocalCluster that raises ``exc``; the error and the
    keyword arguments LocalCluster got."""
    import distributed

    seen: dict = {}

    def failing(**given):
        seen.update(given)
        raise exc

    monkeypatch.setattr(distributed, "LocalCluster", failing)
    with pytest.raises(AithesisError) as info, open_executor("local:2", **kwargs):
        pass
    return info.value, seen


def test_spawn_bootstrapping_error_gives_the_main_guard_hint(monkeypatch) -> None:
    # what the parent of an unguarded script sees: Dask's wrapper from the spawn error
    exc = _raised(RuntimeError("Nanny failed to start."), RuntimeError(SPAWN_ERROR))
    error, _ = _start_failure(monkeypatch, exc)
    message = str(error)
    assert error.field == "cluster" and "\n" not in message
    assert "could not start a local Dask cluster of 2 worker(s)" in message
    assert "finished its bootstrapping phase" in message
    assert "freeze_support" not in message  # the first sentence, not the whole essay
    assert "`if __name__ == '__main__':`" in error.hint


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            _raised(RuntimeError("Nanny failed to start."), OSError("[Errno 24] Too many files")),
            "RuntimeError: Nanny failed to start., caused by OSError: [Errno 24] Too many files",
        ),
        (RuntimeError("Address already in use"), "(RuntimeError: Address already in use)"),
    ],
    ids=["wrapped", "plain"],
)
def test_other_start_failures_name_what_failed_without_the_main_hint(
    monkeypatch, exc, reason
) -> None:
    error, _ = _start_failure(monkeypatch, exc)
    message = str(error)
    assert isinstance(error, ClusterError) and error.field == "cluster"
    assert message.startswith(
        "'cluster': sweep aborted: the Dask cluster failed while starting 2 local worker(s) ("
    )
    assert reason in message and "no results are reported" in message
    assert "__main__" not in message and "bootstrapping" not in message
    assert "within" not in message  # not a timeout
    assert "\n" not in message


def test_a_start_past_the_time_limit_says_so_and_the_limit_reaches_dask(monkeypatch) -> None:
    # the shape Dask gives when a nanny's death_timeout expires mid-start
    exc = _raised(AssertionError("Status.starting"), _raised(TimeoutError(), queue.Empty()))
    error, seen = _start_failure(monkeypatch, exc, start_timeout=7)
    message = str(error)
    assert isinstance(error, ClusterError) and "\n" not in message
    assert "starting 2 local worker(s): not started within the start time limit of 7 s" in message
    assert "(AssertionError: Status.starting, caused by TimeoutError)" in message
    assert "raise start_timeout (seconds; --start-timeout in the CLI)" in message
    assert "__main__" not in message
    assert seen["death_timeout"] == 7.0 and seen["n_workers"] == 2
    _, seen = _start_failure(monkeypatch, exc)
    assert seen["death_timeout"] == DEFAULT_START_TIMEOUT == 60.0


def test_the_start_limit_bounds_connecting_and_waiting_for_workers(monkeypatch) -> None:
    import distributed

    closed: list[str] = []
    timeouts: list[float] = []

    class Started:
        def close(self) -> None:
            closed.append("cluster")

    class NoWorkers:
        def __init__(self, cluster, timeout=None) -> None:
            timeouts.append(timeout)

        def wait_for_workers(self, n, timeout=None) -> None:
            timeouts.append(timeout)
            raise TimeoutError(f"0/{n} workers arrived after {timeout} s")

        def close(self) -> None:
            closed.append("client")

    monkeypatch.setattr(distributed, "LocalCluster", lambda **kwargs: Started())
    monkeypatch.setattr(distributed, "Client", NoWorkers)
    with pytest.raises(ClusterError) as info, open_executor("local:2", start_timeout=9):
        pass
    message = str(info.value)
    assert "waiting 9 s for its 2 worker(s)" in message
    assert "0/2 workers arrived after 9.0 s" in message and "start_timeout" in message
    assert timeouts == [9.0, 9.0]
    assert closed == ["client", "cluster"]  # nothing left open


def test_a_killed_worker_gets_start_timeout_to_restart_while_the_cluster_lives(
    monkeypatch,
) -> None:
    """Dask retires a lost worker's nanny after lost-worker-timeout (15 s by default),
    read when the worker leaves: our cluster's workers get start_timeout instead, and
    Dask's setting is restored once the cluster is closed."""
    import dask
    import distributed

    key = "distributed.deploy.lost-worker-timeout"
    before = dask.config.get(key)
    seen: list[str] = []

    class Started:
        def close(self) -> None:
            seen.append("closed at " + str(dask.config.get(key)))

    class Ready:
        def __init__(self, cluster, timeout=None) -> None:
            pass

        scheduler = type("Scheduler", (), {"address": "tcp://127.0.0.1:1"})()

        def wait_for_workers(self, n, timeout=None) -> None:
            pass

        def scheduler_info(self) -> dict:
            return {"workers": {"a": {}, "b": {}}}

        def close(self) -> None:
            pass

    monkeypatch.setattr(distributed, "LocalCluster", lambda **kwargs: Started())
    monkeypatch.setattr(distributed, "Client", Ready)
    with open_executor("local:2", start_timeout=90):
        seen.append(str(dask.config.get(key)))
    assert seen == ["90s", "closed at 90s"]  # the whole life of the cluster
    assert dask.config.get(key) == before
    with open_executor("local:2", start_timeout=5):  # never below Dask's own 15 s
        seen.append(str(dask.config.get(key)))
    assert seen[-2:] == ["15s", "closed at 15s"] and dask.config.get(key) == before


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "soon", True])
def test_start_timeout_must_be_positive_seconds(bad) -> None:
    with (
        pytest.raises(SpecError, match="start_timeout must be a number of seconds > 0"),
        open_executor("local:2", start_timeout=bad),
    ):
        pass


def _too_slow(monkeypatch) -> dict:
    """A LocalCluster whose nanny never starts in time (the shape Dask raises when its
    death_timeout expires); returns the keyword arguments it got."""
    import distributed

    seen: dict = {}

    def too_slow(**given):
        seen.update(given)
        raise TimeoutError(f"Nanny start timed out after {given['death_timeout']}s.")

    monkeypatch.setattr(distributed, "LocalCluster", too_slow)
    return seen


def test_the_sweep_api_hands_start_timeout_to_the_local_cluster(monkeypatch, sample_store) -> None:
    seen = _too_slow(monkeypatch)
    grid = {"pe": "20:50:3"}
    with pytest.raises(ClusterError) as info:
        run_model_sweep("nvda-5t", grid, cluster="local:2", start_timeout=0.001)
    message = str(info.value)
    assert seen["death_timeout"] == 0.001 and seen["n_workers"] == 2
    assert "not started within the start time limit of 0.001 s" in message
    assert "Nanny start timed out after 0.001s." in message and "raise start_timeout" in message
    assert "\n" not in message and "no results are reported" in message
    seen.clear()
    with pytest.raises(ClusterError, match=r"start time limit of 2\.5 s"):
        run_index_sweep(
            "ai-infra", {"costs_bps": [0, 10]}, "local:1", sample_store, start_timeout=2.5
        )
    assert seen["death_timeout"] == 2.5 and seen["n_workers"] == 1
    seen.clear()
    with pytest.raises(ClusterError, match="start time limit of 60 s"):  # the default
        run_model_sweep("nvda-5t", grid, cluster="local:2")
    assert seen["death_timeout"] == DEFAULT_START_TIMEOUT


@pytest.mark.parametrize("bad", [0, -1, float("inf"), "soon"])
def test_a_bad_start_timeout_is_refused_before_any_work(monkeypatch, bad) -> None:
    seen = _too_slow(monkeypatch)
    for cluster in ("local:2", None):  # refused even where it would not be used
        with pytest.raises(SpecError) as info:
            run_model_sweep("nvda-5t", {"pe": "20:50:3"}, cluster=cluster, start_timeout=bad)
        assert info.value.field == "start_timeout"
        assert f"start_timeout must be a number of seconds > 0, got {bad!r}" in str(info.value)
    assert seen == {}  # no cluster was started
