"""Running a sweep's batches on a Dask ``distributed`` client, failing cleanly.

Every Dask call that can time out or fail (``scatter``, ``submit``, waiting for results
and for workers, ``cancel``) is guarded: the user gets a one-line
:class:`~aithesis.errors.ClusterError` (field ``cluster``) saying what failed and what
to do, never a raw Dask exception and never a partial result. How long to wait for
workers and transfers comes from ``$AITHESIS_DASK_TIMEOUT`` (:func:`worker_timeout`).

Dask is imported only inside the functions that need it.
"""

from __future__ import annotations

import logging
import math
import os
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from aithesis.errors import AithesisError, ClusterError, SpecError

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

__all__ = [
    "DEFAULT_WORKER_TIMEOUT",
    "ENV_DASK_TIMEOUT",
    "DaskExecutor",
    "KilledTask",
    "worker_timeout",
]

DEFAULT_WORKER_TIMEOUT = 120.0
ENV_DASK_TIMEOUT = "AITHESIS_DASK_TIMEOUT"
_log = logging.getLogger(__name__)


class DaskExecutor:
    """Run batches as Dask tasks on a ``distributed`` client.

    Args:
        client: a connected client.
        retries: how often a task that raises is run again (``Client.submit(retries=)``).
        resubmits: how often the data is shipped again and the unfinished batches rerun
            after workers (and the data they held) were lost.
        timeout: seconds to wait for a worker to (re)appear and for the data to reach
            the workers (default :func:`worker_timeout`).

    Every Dask call that can time out or fail turns into a one-line
    :class:`~aithesis.errors.ClusterError` (field ``cluster``); no partial result.
    """

    def __init__(
        self, client: Client, retries: int = 2, resubmits: int = 2, timeout: float | None = None
    ) -> None:
        self.client = client
        self.retries = retries
        self.resubmits = resubmits
        self.timeout = worker_timeout() if timeout is None else float(timeout)
        try:
            workers = len(client.scheduler_info().get("workers", {}))
            address = client.scheduler.address
        except Exception as exc:
            raise cluster_error("asking the scheduler for its workers", exc) from None
        self.description = f"dask {address} ({workers} workers)"

    def map(
        self,
        fn: Callable[[Any, Any], Any],
        batches: Sequence[Any],
        shared: Any,
        sizes: Sequence[int],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Any]:
        """See ``cluster.Executor``; raises :class:`ClusterError` if a task cannot finish.

        ``progress(done, total)`` is called once with 0, then as each task finishes (in
        the order they finish, each task's points once); results stay in batch order.
        """

        total, done = sum(sizes), 0
        results: list[Any] = [None] * len(batches)
        if progress:
            progress(0, total)
        token = uuid.uuid4().hex[:10]
        name = getattr(fn, "__name__", "batch").strip("_")
        remaining = set(range(len(batches)))

        def advance(k: int) -> None:  # batch k finished: report its points at once
            nonlocal done
            done += sizes[k]
            if progress:
                progress(done, total)

        for attempt in range(self.resubmits + 1):
            prefix = f"sweep-{name}-{token}-r{attempt}"
            finished, error = self._round(
                fn, batches, sizes, shared, remaining, prefix, results, advance
            )
            remaining -= set(finished)
            if error is None:
                return results
            if isinstance(error, KilledTask):
                raise error.error
            if attempt == self.resubmits:
                raise _lost_error(self.resubmits + 1, error)
            # data or workers were lost: wait for a worker, ship the data again and rerun
            # what is missing
            try:
                self.client.wait_for_workers(1, timeout=self.timeout)
            except Exception as exc:
                raise cluster_error(
                    f"waiting {self.timeout:g} s for a worker after losing them ({error})", exc
                ) from None
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
        advance: Callable[[int], None],
    ) -> tuple[list[int], Exception | None]:
        """Submit the ``todo`` batches once; return those finished and what stopped it.

        Each result goes to ``results[k]`` (input order) and ``advance(k)`` is called as
        soon as batch ``k`` finishes, in completion order, so progress moves per task.
        A lost worker, lost data or a failed ``scatter`` is returned as the error (the
        caller decides whether to resubmit); an error raised by ``fn`` itself propagates.
        """
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        futures: dict[int, Any] = {}
        shared_future = None
        finished: list[int] = []
        error: Exception | None = None
        callback_error: Exception | None = None
        try:
            try:
                [shared_future] = self.client.scatter(
                    [shared], broadcast=True, hash=False, timeout=self.timeout
                )
                for k in sorted(todo):
                    futures[k] = self.client.submit(
                        fn,
                        batches[k],
                        shared_future,
                        key=f"{prefix}-{k}",
                        retries=self.retries,
                        pure=False,
                    )
            except Exception as exc:  # no workers, workers leaving mid-scatter, comm down
                return finished, _Lost(f"shipping the data to the workers: {describe_error(exc)}")
            position = {f.key: k for k, f in futures.items()}
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
                    error = _Lost(describe_error(exc))
                    break
                finished.append(k)
                try:
                    advance(k)
                except Exception as exc:  # the caller's progress callback: not a Dask error
                    callback_error = exc
                    break
        except AithesisError:
            raise
        except Exception as exc:
            if not _lost(exc):
                raise
            error = _Lost(describe_error(exc))
        finally:
            _tidy(self.client, list(futures.values()), shared_future)
        if callback_error is not None:
            raise callback_error
        return finished, error


class KilledTask(Exception):
    """A task that kept killing its worker (not worth resubmitting)."""

    def __init__(self, error: AithesisError) -> None:
        super().__init__(str(error))
        self.error = error


class _Lost(Exception):
    """Workers or the data shipped to them were lost during a round (worth resubmitting)."""


_WORKER_HINT = (
    "a worker process died (out of memory? killed?), the machine is too busy or the "
    "cluster shut down: retry, check the worker logs and memory, raise "
    f"${ENV_DASK_TIMEOUT} (seconds), use a smaller batch_size / fewer draws, or run "
    "serially (leave out --cluster)"
)


def worker_timeout() -> float:
    """Seconds to wait for Dask workers and data transfers: ``$AITHESIS_DASK_TIMEOUT``,
    default 120 (generous: a worker restart on a loaded machine can take a minute).

    Raises:
        SpecError: the variable is not a positive number of seconds.
    """
    text = os.environ.get(ENV_DASK_TIMEOUT, "").strip()
    if not text:
        return DEFAULT_WORKER_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value <= 0:
        raise SpecError(
            f"${ENV_DASK_TIMEOUT} must be a number of seconds > 0, got {text!r}",
            field=ENV_DASK_TIMEOUT,
            hint="unset it for the default of 120 s",
        )
    return value


def describe_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def cluster_error(
    what: str, exc: BaseException, hint: str = _WORKER_HINT, *, reason: str | None = None
) -> ClusterError:
    """The one-line error of a sweep the cluster stopped: ``what`` failed, with
    ``reason`` (default: ``exc`` described)."""
    return ClusterError(
        f"sweep aborted: the Dask cluster failed while {what} "
        f"({reason or describe_error(exc)}); no results are reported",
        field="cluster",
        hint=hint,
    )


def _lost_error(rounds: int, error: Exception) -> ClusterError:
    return ClusterError(
        "sweep aborted: the Dask cluster lost its workers or the data shipped to them "
        f"while it ran, {rounds} time(s) ({error}); no results are reported",
        field="cluster",
        hint=_WORKER_HINT,
    )


def _tidy(client: Client, futures: list[Any], shared_future: Any) -> None:
    """Cancel what did not finish and release every future; never raises (the cluster
    may already be gone, and the caller is returning or raising anyway)."""
    pending = [f for f in futures if not f.done()]
    try:
        if pending:
            client.cancel(pending)
    except Exception as exc:
        _log.debug("could not cancel %d Dask task(s): %s", len(pending), exc)
    for f in (*futures, shared_future):
        if f is None:
            continue
        try:
            f.release()
        except Exception as exc:  # pragma: no cover - release is local bookkeeping
            _log.debug("could not release a Dask future: %s", exc)


def _span(batch: Any, size: int) -> str:
    if isinstance(batch, range) and len(batch):
        return f"points {batch.start}-{batch.stop - 1}"
    return f"a batch of {size} point(s)"


def _killed(batch: Any, size: int, exc: Exception) -> ClusterError:
    return ClusterError(
        f"sweep aborted: the task for {_span(batch, size)} killed its worker process "
        f"every time it ran ({describe_error(exc)}); no results are reported",
        field="cluster",
        hint="a worker died (out of memory? killed?): check the worker logs, give workers "
        "more memory, or use a smaller batch_size / fewer draws",
    )


_LOST_NAMES = frozenset(
    {
        "CancelledError",
        "FutureCancelledError",
        "CommClosedError",
        "StreamClosedError",
        "TimeoutError",
        "FutureLostError",
    }
)


def _lost(exc: BaseException) -> bool:
    """True for the exceptions Dask raises when workers, data, the client or the scheduler
    went away: anywhere in ``exc``'s chain of causes, one of ``_LOST_NAMES`` or a subclass
    (``FuturesCancelledError``, ``WorkerStartTimeoutError``, ``FatalCommClosedError``), or
    any exception class of ``distributed`` itself (``ClosedClientError``, ``RPCClosed``,
    ``NoValidWorkerError``...). An error raised by the task's own code reaches us as its
    own class and is not lost (it propagates)."""
    seen: list[BaseException] = []
    while exc is not None and all(exc is not e for e in seen):
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return any(
        cls.__name__ in _LOST_NAMES or cls.__module__.split(".")[0] == "distributed"
        for e in seen
        for cls in type(e).__mro__
    )


def close_quietly(thing: Any, what: str) -> None:
    """Close a Dask client or cluster we opened. A failure to close (a busy machine, a
    worker already gone) never replaces the sweep's result or its own error: it is logged
    as a warning."""
    try:
        thing.close()
    except Exception as exc:
        _log.warning("could not close the Dask %s cleanly: %s", what, describe_error(exc))
