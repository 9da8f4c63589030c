"""A real ``distributed`` cluster for the Dask tests: worker processes on this machine.

Not a test module (pytest collects ``test_*.py`` only).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dask
from distributed import Client, LocalCluster


@contextmanager
def local_client(
    n_workers: int, *, config: dict[str, Any] | None = None, log_level: int = logging.CRITICAL
) -> Iterator[Client]:
    """A client of a LocalCluster of ``n_workers`` single-threaded worker processes
    (dashboard on a free port), under the Dask ``config`` given, closed on exit."""
    with (
        dask.config.set(config or {}),
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=log_level,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
