"""Progress on a Dask cluster moves as each task finishes, not once per round."""

from __future__ import annotations

import itertools
import logging
import threading

import pytest
from distributed import Client, LocalCluster

from aithesis.sweep import plan_batches
from aithesis.sweep.dask_executor import DaskExecutor

pytestmark = pytest.mark.slow

# Workers run in this process (processes=False), so the tasks and the test share GATE.
GATE = threading.Event()
GATE_WAIT = 20.0  # seconds the last task waits for the first progress report


def _gated(batch: range, shared: int) -> tuple[list[int], bool]:
    """Batch 0 waits until the sweep reports progress (set by the test's callback); the
    others return at once. Returns the points times ``shared`` and whether GATE opened."""
    opened = GATE.wait(GATE_WAIT) if batch.start == 0 else GATE.is_set()
    return [i * shared for i in batch], opened


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=2,
            processes=False,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_progress_advances_per_task_within_one_round(client) -> None:
    GATE.clear()
    batches = plan_batches(9, batch_size=2)  # sizes 2, 2, 2, 2, 1
    sizes = [len(b) for b in batches]
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done > 0:
            GATE.set()  # batch 0 is still running: it can only see this mid-round

    out = DaskExecutor(client, timeout=30).map(_gated, batches, 10, sizes, progress)
    # batch 0 finished only after a progress report for another batch: progress moved
    # while a task of the same (only) round was still running
    assert out[0] == ([0, 10], True)
    # results in batch order, whatever order the tasks finished in
    assert [points for points, _ in out] == [[i * 10 for i in b] for b in batches]
    # once with 0, then once per task, counts strictly increasing to the total
    assert len(calls) == len(batches) + 1
    assert calls[0] == (0, 9) and calls[-1] == (9, 9)
    done = [d for d, _ in calls]
    assert done == sorted(set(done))
    assert sorted(b - a for a, b in itertools.pairwise(done)) == sorted(sizes)
    assert {t for _, t in calls} == {9}
    assert len([d for d in done if 0 < d < 9]) >= 3  # several reports before the end


def test_a_failing_progress_callback_propagates_unchanged(client) -> None:
    GATE.set()  # no waiting
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if done > 0:
            raise ValueError("progress bar broke")

    batches = plan_batches(4, batch_size=1)
    with pytest.raises(ValueError, match="progress bar broke"):
        DaskExecutor(client, timeout=30).map(_gated, batches, 1, [1] * 4, progress)
    assert calls[0] == 0 and len(calls) == 2  # stopped at the first failing report
