"""Executors without a cluster: batching, the cluster argument, Dask missing, progress."""

from __future__ import annotations

import sys

import pytest

from aithesis.errors import AithesisError, SpecError
from aithesis.sweep import run_model_sweep
from aithesis.sweep.cluster import SerialExecutor, check_cluster, open_executor, plan_batches


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
