"""Where a sweep runs: in this process (serial) or on a Dask ``distributed`` cluster.

``cluster`` is one of:

* ``None`` (or ``"serial"``): run every batch here, one after another;
* ``"local"`` / ``"local:N"``: start a :class:`distributed.LocalCluster` of ``N`` worker
  processes (default: one per CPU), one thread each, and close it afterwards (its workers
  get glibc malloc thresholds that keep large NumPy arrays on the heap, see
  ``_NUMPY_MALLOC``); it must start within ``start_timeout`` seconds (default 60);
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
partial table is ever handed back as complete. Every Dask call that can time out or
fail (starting, connecting, ``scatter``, waiting for workers or results) gives a
one-line :class:`~aithesis.errors.ClusterError` instead of a raw Dask exception (see
:mod:`aithesis.sweep.dask_executor`; a failure to close is only logged); waits for
workers last ``$AITHESIS_DASK_TIMEOUT`` seconds (default 120).

Dask is optional (``pip install 'aithesis[dask]'``); serial runs never import it.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from aithesis.errors import AithesisError, ProviderError, SpecError
from aithesis.sweep.dask_executor import (
    DEFAULT_WORKER_TIMEOUT,
    ENV_DASK_TIMEOUT,
    DaskExecutor,
    close_quietly,
    cluster_error,
    describe_error,
    worker_timeout,
)

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

__all__ = [
    "DEFAULT_START_TIMEOUT",
    "DEFAULT_TASKS",
    "DEFAULT_WORKER_TIMEOUT",
    "ENV_DASK_TIMEOUT",
    "ClusterSpec",
    "DaskExecutor",
    "Executor",
    "ProgressCallback",
    "SerialExecutor",
    "check_cluster",
    "check_start_timeout",
    "open_executor",
    "plan_batches",
    "worker_timeout",
]

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(points_done, points_total)``: once with 0, then as each batch
finishes (on a cluster in the order the tasks finish)."""

DEFAULT_TASKS = 32
DEFAULT_START_TIMEOUT = 60.0
"""Seconds a local cluster may take to start its workers and connect (``start_timeout``)."""
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


_START_HINT = (
    "the machine may be too busy or short of memory: retry, raise start_timeout "
    "(seconds; --start-timeout in the CLI), use fewer workers (local:N), or run serially "
    "(leave out --cluster)"
)


def check_start_timeout(start_timeout: float) -> float:
    """``start_timeout`` as seconds, checked without starting anything.

    Raises:
        SpecError: not a finite number of seconds > 0 (field ``start_timeout``).
    """
    try:
        value = float(start_timeout)
    except (TypeError, ValueError):
        value = -1.0
    if isinstance(start_timeout, bool) or not math.isfinite(value) or value <= 0:
        raise SpecError(
            f"start_timeout must be a number of seconds > 0, got {start_timeout!r}",
            field="start_timeout",
            hint=f"leave it out for the default of {DEFAULT_START_TIMEOUT:g} s",
        )
    return value


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and its causes/contexts, outermost first (Dask wraps the real reason:
    ``RuntimeError('Nanny failed to start.')`` from the multiprocessing error)."""
    seen: list[BaseException] = []
    while exc is not None and all(exc is not e for e in seen):
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


_BOOTSTRAP = "bootstrapping phase"


def _start_error(workers: int, limit: float, exc: BaseException) -> AithesisError:
    """The one-line error for a LocalCluster that did not start."""
    chain = _chain(exc)
    timeouts = [e for e in chain if isinstance(e, TimeoutError)]
    root = timeouts[0] if timeouts else chain[-1]  # a timeout says more than its queue.Empty
    reason = describe_error(root)
    if root is not chain[0]:
        reason = f"{describe_error(chain[0])}, caused by {reason}"
    spawn = [describe_error(e) for e in chain if _BOOTSTRAP in str(e)]
    if spawn:  # multiprocessing's spawn error: keep its first sentence, not its essay
        text = spawn[0]
        text = text[: text.index(_BOOTSTRAP) + len(_BOOTSTRAP)]
        return AithesisError(
            f"could not start a local Dask cluster of {workers} worker(s): a worker process "
            f"was started while the script was still being imported ({text})",
            field="cluster",
            hint="in a script, start the sweep under `if __name__ == '__main__':` "
            "(workers are new processes that import the script), or run serially",
        )
    what = f"starting {workers} local worker(s)"
    if timeouts:
        what += f": not started within the start time limit of {limit:g} s"
    return cluster_error(what, root, _START_HINT, reason=reason)


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
    cluster: str | Client | None = None,
    *,
    connect_timeout: float = 5.0,
    start_timeout: float = DEFAULT_START_TIMEOUT,
) -> Iterator[SerialExecutor | DaskExecutor]:
    """The executor for ``cluster`` (see the module docstring), closed on exit.

    Args:
        cluster: ``None``/``"serial"``, ``"local"``, ``"local:N"``, a scheduler address,
            or a :class:`distributed.Client`.
        connect_timeout: seconds to wait for a scheduler address to answer.
        start_timeout: seconds (default 60) a ``local`` cluster may take to start: each
            worker process's start (the nanny's ``death_timeout``, which also bounds a
            restart after a crash), connecting the client and waiting for every worker.

    Raises:
        SpecError: an unreadable ``cluster`` text (field ``cluster``) or ``start_timeout``
            (field ``start_timeout``).
        AithesisError: Dask is not installed (the hint says how to install it), or the
            local workers cannot start because a script lacks
            ``if __name__ == "__main__":`` (the hint says so).
        ClusterError: a local cluster failed to start, or did not within
            ``start_timeout`` seconds (a one-line message naming what failed).
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
        limit = check_start_timeout(start_timeout)
        with _restart_grace(limit):
            yield from _local(dist, spec.workers, limit)
        return
    try:
        client = dist.Client(spec.address, timeout=connect_timeout)
    except Exception as exc:
        raise ProviderError(
            f"cannot reach the Dask scheduler at {spec.address} within {connect_timeout:g} s "
            f"({describe_error(exc)})",
            field="cluster",
            hint="check the address and that `dask scheduler` runs there, or use --cluster local",
        ) from None
    try:
        yield DaskExecutor(client)
    finally:
        close_quietly(client, "client")


def _local(dist: Any, workers: int, limit: float) -> Iterator[DaskExecutor]:
    """A :class:`DaskExecutor` on a new local cluster of ``workers`` processes that must
    start within ``limit`` seconds; cluster and client are closed afterwards."""
    try:
        with _pre_spawn_environ(_NUMPY_MALLOC):
            lc = dist.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
                death_timeout=limit,
            )
    except Exception as exc:
        raise _start_error(workers or 1, limit, exc) from None
    waiting = f"connecting to the local cluster and waiting {limit:g} s for its {workers} worker(s)"
    try:
        try:
            client = dist.Client(lc, timeout=limit)
        except Exception as exc:
            raise cluster_error(waiting, exc, hint=_START_HINT) from None
        try:
            try:
                client.wait_for_workers(workers, timeout=limit)
            except Exception as exc:
                raise cluster_error(waiting, exc, hint=_START_HINT) from None
            yield DaskExecutor(client, timeout=worker_timeout())
        finally:
            close_quietly(client, "client")
    finally:
        close_quietly(lc, "local cluster")


_LOST_WORKER = "distributed.deploy.lost-worker-timeout"
_DASK_LOST_WORKER_DEFAULT = 15.0  # seconds: Dask's own default


@contextmanager
def _restart_grace(limit: float) -> Iterator[None]:
    """While our local cluster lives, a killed worker has ``limit`` seconds (at least
    Dask's 15) to restart before its nanny is retired for good.

    Dask's ``lost-worker-timeout`` is read when a worker leaves: a restart slower than
    it (a busy machine) or a second loss just before it fires closes the nanny, and the
    cluster silently shrinks. Our workers may take ``start_timeout`` to start, so they
    get as long to restart. The setting is Dask's process-wide configuration, restored
    when the cluster closes.
    """
    import dask

    seconds = max(limit, _DASK_LOST_WORKER_DEFAULT)
    with dask.config.set({_LOST_WORKER: f"{seconds:g}s"}):
        yield
