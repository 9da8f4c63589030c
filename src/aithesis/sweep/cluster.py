"""Where a sweep runs: in this process (serial) or on a Dask ``distributed`` cluster.

``cluster`` is one of:

* ``None`` (or ``"serial"``): run every batch here, one after another;
* ``"local"`` / ``"local:N"``: start a :class:`distributed.LocalCluster` of ``N`` worker
  processes (default: one per CPU), one thread each, and close it afterwards (its workers
  get glibc malloc thresholds that keep large NumPy arrays on the heap, see
  ``_NUMPY_MALLOC``);
* ``"tcp://host:port"`` (any Dask address with a scheme): connect to a running scheduler,
  giving up after ``connect_timeout`` seconds;
* a :class:`distributed.Client`: use it as it is (it is not closed).

A sweep is cut into batches (:func:`plan_batches`) that depend only on the number of
points, never on the cluster, so a serial run and a cluster run evaluate exactly the same
batches and give bit-identical results. The data every batch needs is sent to each
worker once (``Client.scatter(..., broadcast=True)``), not once per task. Tasks are
retried twice when they raise; a task whose worker process dies is rescheduled by Dask
(up to ``distributed.scheduler.allowed-failures`` times) and then fails the sweep with
a clear :class:`~aithesis.errors.AithesisError`. A failed sweep returns nothing: no
partial table is ever handed back as complete.

Dask is optional (``pip install 'aithesis[dask]'``); serial runs never import it.
"""

from __future__ import annotations

import logging
import math
import os
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from aithesis.errors import AithesisError, ProviderError, SpecError

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

__all__ = [
    "DEFAULT_TASKS",
    "ClusterSpec",
    "DaskExecutor",
    "Executor",
    "ProgressCallback",
    "SerialExecutor",
    "check_cluster",
    "open_executor",
    "plan_batches",
]

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(points_done, points_total)``: once with 0, then after each batch."""

DEFAULT_TASKS = 32
_LOCAL = re.compile(r"^local(?::(\S+))?$")
_INSTALL = "pip install 'aithesis[dask]'"
# Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's dynamic
# mmap threshold: every NumPy array over 128 KiB then becomes a fresh mmap and its pages
# fault in again (+30% CPU in Monte Carlo sweeps, all of it system time). Workers of the
# clusters we start keep big arrays on the heap instead.
_NUMPY_MALLOC = {
    "MALLOC_TRIM_THRESHOLD_": str(256 * 2**20),
    "MALLOC_MMAP_THRESHOLD_": str(32 * 2**20),
}


@contextmanager
def _pre_spawn_environ(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables while a LocalCluster's nannies are created.

    A nanny reads ``distributed.nanny.pre-spawn-environ`` when it is created, and a value
    already in ``os.environ`` wins over the config (Dask itself leaves its
    ``MALLOC_TRIM_THRESHOLD_`` there after starting a worker), so the values go into
    ``os.environ`` and the config; both are restored afterwards.
    """
    import dask

    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        keys = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in values.items()}
        with dask.config.set(keys):
            yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


_CLUSTER_FORMS = "use local, local:N (N worker processes) or a scheduler address tcp://host:port"


def plan_batches(n: int, batch_size: int | None = None) -> list[range]:
    """Cut ``n`` points into contiguous batches (the tasks of a sweep).

    Args:
        n: number of points.
        batch_size: points per batch; default ``ceil(n / 32)``, so a 10,000-point grid
            becomes 32 tasks of 313 points and a small grid one task per point.

    Returns:
        Ranges covering ``0..n-1`` in order. The plan depends only on ``n`` and
        ``batch_size``, so every executor runs the same batches.

    Raises:
        SpecError: ``batch_size`` < 1.
    """
    if batch_size is None:
        batch_size = max(1, math.ceil(n / DEFAULT_TASKS))
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise SpecError(
            f"batch size must be a whole number >= 1, got {batch_size!r}", field="batch_size"
        )
    size = int(batch_size)
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


class Executor(Protocol):
    """Runs ``fn(batch, shared)`` for every batch and returns the results in batch order."""

    description: str

    def map(
        self,
        fn: Callable[[Any, Any], Any],
        batches: Sequence[Any],
        shared: Any,
        sizes: Sequence[int],
        progress: ProgressCallback | None = None,
    ) -> list[Any]:
        """Results of ``fn(batches[k], shared)`` for every ``k``, in order."""
        ...


class SerialExecutor:
    """Run every batch in this process, in order."""

    description = "serial"

    def map(
        self,
        fn: Callable[[Any, Any], Any],
        batches: Sequence[Any],
        shared: Any,
        sizes: Sequence[int],
        progress: ProgressCallback | None = None,
    ) -> list[Any]:
        """See :class:`Executor`."""
        total, done, out = sum(sizes), 0, []
        if progress:
            progress(0, total)
        for batch, size in zip(batches, sizes, strict=True):
            out.append(fn(batch, shared))
            done += size
            if progress:
                progress(done, total)
        return out


class DaskExecutor:
    """Run batches as Dask tasks on a ``distributed`` client.

    Args:
        client: a connected client.
        retries: how often a task that raises is run again (``Client.submit(retries=)``).
        resubmits: how often the data is shipped again and the unfinished batches rerun
            after workers (and the data they held) were lost.
    """

    def __init__(self, client: Client, retries: int = 2, resubmits: int = 2) -> None:
        self.client = client
        self.retries = retries
        self.resubmits = resubmits
        workers = len(client.scheduler_info().get("workers", {}))
        self.description = f"dask {client.scheduler.address} ({workers} workers)"

    def map(
        self,
        fn: Callable[[Any, Any], Any],
        batches: Sequence[Any],
        shared: Any,
        sizes: Sequence[int],
        progress: ProgressCallback | None = None,
    ) -> list[Any]:
        """See :class:`Executor`; raises :class:`AithesisError` if a task cannot finish."""

        total, done = sum(sizes), 0
        results: list[Any] = [None] * len(batches)
        if progress:
            progress(0, total)
        token = uuid.uuid4().hex[:10]
        name = getattr(fn, "__name__", "batch").strip("_")
        remaining = set(range(len(batches)))
        for attempt in range(self.resubmits + 1):
            finished, error = self._round(
                fn, batches, sizes, shared, remaining, f"sweep-{name}-{token}-r{attempt}", results
            )
            for k in finished:
                done += sizes[k]
                if progress:
                    progress(done, total)
            remaining -= set(finished)
            if error is None:
                return results
            if isinstance(error, KilledTask) or attempt == self.resubmits:
                raise error.error if isinstance(error, KilledTask) else error
            # data or workers were lost: ship the data again and rerun what is missing
            self.client.wait_for_workers(1, timeout=60)
        return results  # pragma: no cover - the loop returns or raises

    def _round(
        self,
        fn: Callable[[Any, Any], Any],
        batches: Sequence[Any],
        sizes: Sequence[int],
        shared: Any,
        todo: set[int],
        prefix: str,
        results: list[Any],
    ) -> tuple[list[int], Exception | None]:
        """Submit the ``todo`` batches once; return those finished and what stopped it."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        [shared_future] = self.client.scatter([shared], broadcast=True, hash=False)
        futures = {
            k: self.client.submit(
                fn,
                batches[k],
                shared_future,
                key=f"{prefix}-{k}",
                retries=self.retries,
                pure=False,
            )
            for k in sorted(todo)
        }
        position = {f.key: k for k, f in futures.items()}
        finished: list[int] = []
        error: Exception | None = None
        try:
            for future in as_completed(list(futures.values())):
                k = position[future.key]
                try:
                    results[k] = future.result()
                except KilledWorker as exc:
                    error = KilledTask(_killed(batches[k], sizes[k], exc))
                    break
                except AithesisError:
                    raise
                except Exception as exc:
                    if not _lost(exc):
                        raise
                    error = AithesisError(
                        "sweep aborted: its workers or the data shipped to them were lost "
                        f"while it ran, {self.resubmits + 1} time(s) ({type(exc).__name__}: "
                        f"{exc}); no results are reported",
                        field="cluster",
                        hint="a worker process died (out of memory? killed?) or the cluster "
                        "shut down: check the worker logs and memory, or use a smaller "
                        "batch_size / fewer draws",
                    )
                    break
                finished.append(k)
        finally:
            pending = [f for f in futures.values() if not f.done()]
            if pending:
                self.client.cancel(pending)
            for f in (*futures.values(), shared_future):
                f.release()
        return finished, error


class KilledTask(Exception):
    """A task that kept killing its worker (not worth resubmitting)."""

    def __init__(self, error: AithesisError) -> None:
        super().__init__(str(error))
        self.error = error


def _span(batch: Any, size: int) -> str:
    if isinstance(batch, range) and len(batch):
        return f"points {batch.start}-{batch.stop - 1}"
    return f"a batch of {size} point(s)"


def _killed(batch: Any, size: int, exc: Exception) -> AithesisError:
    return AithesisError(
        f"sweep aborted: the task for {_span(batch, size)} killed its worker process "
        f"every time it ran ({exc}); no results are reported",
        field="cluster",
        hint="a worker died (out of memory? killed?): check the worker logs, give workers "
        "more memory, or use a smaller batch_size / fewer draws",
    )


def _lost(exc: Exception) -> bool:
    names = {type(e).__name__ for e in (exc, exc.__cause__) if e is not None}
    return bool(names & {"CancelledError", "FutureCancelledError", "CommClosedError"})


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise AithesisError(
            "running a sweep on a cluster needs Dask (dask.distributed), which is not installed",
            field="cluster",
            hint=f"{_INSTALL}, or leave out --cluster to run serially",
        ) from None
    return distributed


def _local_workers(arg: str | None, cluster: str) -> int:
    if arg is None:
        return max(1, os.cpu_count() or 1)
    if not re.fullmatch(r"\d+", arg) or int(arg) < 1:
        raise SpecError(
            f"cannot read cluster {cluster!r}: {arg!r} is not a number of workers >= 1",
            field="cluster",
            hint=_CLUSTER_FORMS,
        )
    return int(arg)


@dataclass(frozen=True)
class ClusterSpec:
    """A parsed ``cluster`` argument.

    Attributes:
        kind: ``serial``, ``local``, ``address`` or ``client``.
        workers: worker processes for ``local``.
        address: scheduler address for ``address``.
        client: the given client for ``client``.
    """

    kind: str
    workers: int | None = None
    address: str | None = None
    client: Any = None


def check_cluster(cluster: str | Client | None) -> ClusterSpec:
    """Parse ``cluster`` without starting or contacting anything.

    Raises:
        SpecError: unreadable text (field ``cluster``; the hint lists the forms).
    """
    if cluster is None:
        return ClusterSpec("serial")
    if not isinstance(cluster, str):
        if type(cluster).__name__ != "Client":
            raise SpecError(
                f"cluster must be text or a distributed.Client, not {type(cluster).__name__}",
                field="cluster",
                hint=_CLUSTER_FORMS,
            )
        return ClusterSpec("client", client=cluster)
    text = cluster.strip()
    if text in ("", "serial"):
        return ClusterSpec("serial")
    local = _LOCAL.match(text)
    if local is not None:
        return ClusterSpec("local", workers=_local_workers(local.group(1), cluster))
    if re.match(r"^[a-z][a-z0-9+.-]*://\S+$", text):
        return ClusterSpec("address", address=text)
    raise SpecError(f"cannot read cluster {cluster!r}", field="cluster", hint=_CLUSTER_FORMS)


@contextmanager
def open_executor(
    cluster: str | Client | None = None, *, connect_timeout: float = 5.0
) -> Iterator[SerialExecutor | DaskExecutor]:
    """The executor for ``cluster`` (see the module docstring), closed on exit.

    Args:
        cluster: ``None``/``"serial"``, ``"local"``, ``"local:N"``, a scheduler address,
            or a :class:`distributed.Client`.
        connect_timeout: seconds to wait for a scheduler address to answer.

    Raises:
        SpecError: an unreadable ``cluster`` text (field ``cluster``).
        AithesisError: Dask is not installed (the hint says how to install it).
        ProviderError: the scheduler did not answer within ``connect_timeout`` seconds.
    """
    spec = check_cluster(cluster)
    if spec.kind == "serial":
        yield SerialExecutor()
        return
    dist = _distributed()
    if spec.kind == "client":
        yield DaskExecutor(spec.client)
        return
    if spec.kind == "local":
        try:
            with _pre_spawn_environ(_NUMPY_MALLOC):
                lc = dist.LocalCluster(
                    n_workers=spec.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
        except RuntimeError as exc:
            raise AithesisError(
                f"could not start a local Dask cluster of {spec.workers} worker(s) ({exc})",
                field="cluster",
                hint="in a script, start the sweep under `if __name__ == '__main__':` "
                "(workers are new processes that import the script), or run serially",
            ) from None
        with lc, dist.Client(lc) as client:
            yield DaskExecutor(client)
        return
    try:
        client = dist.Client(spec.address, timeout=connect_timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ProviderError(
            f"cannot reach the Dask scheduler at {spec.address} within {connect_timeout:g} s "
            f"({type(exc).__name__}: {exc})",
            field="cluster",
            hint="check the address and that `dask scheduler` runs there, or use --cluster local",
        ) from None
    try:
        yield DaskExecutor(client)
    finally:
        client.close()
