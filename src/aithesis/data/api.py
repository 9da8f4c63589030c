"""Python API of the data layer: import a folder, pull from a provider, export Parquet."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from aithesis.data.providers import get_provider
from aithesis.data.providers.base import PriceQuery, ProviderBatch
from aithesis.data.providers.csvdir import CsvDirProvider
from aithesis.data.store import Store
from aithesis.errors import AithesisError, ProviderError, StoreError

__all__ = ["ImportReport", "export_parquet", "import_dir", "pull"]


@dataclass
class ImportReport:
    """What an import or pull wrote.

    Attributes:
        rows: rows written per table (``prices``, ``dividends``, ``fx``).
        tickers: tickers whose prices were written.
        fx_pairs: FX pairs written.
        warnings: validation warnings per series (kept in the store's provenance too).
        failures: per ticker or file, why it was not written.
        seconds: wall time.
    """

    rows: dict[str, int] = field(default_factory=dict)
    tickers: list[str] = field(default_factory=list)
    fx_pairs: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _write(store: Store, batch: ProviderBatch, started: float) -> ImportReport:
    rows = store.write_batch(
        prices=batch.prices,
        dividends=batch.dividends,
        fx=batch.fx,
        warnings=batch.warnings,
        dividends_for=batch.dividends_for,
    )
    return ImportReport(
        rows=rows,
        tickers=batch.tickers,
        fx_pairs=sorted(batch.fx["pair"].unique()) if len(batch.fx) else [],
        warnings=batch.warnings,
        failures=batch.failures,
        seconds=time.perf_counter() - started,
    )


def import_dir(
    store: Store,
    path: str | Path,
    *,
    tickers: Sequence[str] | None = None,
    strict: bool = True,
    basis: str | None = None,
    anomalies: str = "warn",
) -> ImportReport:
    """Import a folder of prices, dividends and FX (the sample-data layout) into ``store``.

    Everything is validated before anything is written, then written in one transaction:
    with ``strict`` (default) one bad file aborts the import and the store is unchanged;
    without it, bad files are listed in :attr:`ImportReport.failures` and the rest is
    written. ``adj_close`` is derived as :meth:`Store.write_batch` says. Real vendor
    anomalies (a close outside [low, high], a close-only series, a repeated row) are
    warnings kept with the series; ``anomalies="refuse"`` makes the first one an error.

    Example:
        >>> from aithesis.config import sample_data_dir
        >>> import_dir(Store("/tmp/s.duckdb"), sample_data_dir()).rows  # doctest: +SKIP
    """
    started = time.perf_counter()
    provider = CsvDirProvider(path, strict=strict, default_basis=basis, anomalies=anomalies)
    batch = provider.fetch(PriceQuery(tickers=tuple(tickers) if tickers else None))
    return _write(store, batch, started)


def pull(
    store: Store,
    tickers: Sequence[str],
    *,
    provider: str = "yahoo",
    start: date | None = None,
    end: date | None = None,
    on_ticker: Callable[[str, str | None], None] | None = None,
    **provider_options: object,
) -> ImportReport:
    """Fetch tickers one by one from a live provider and store what succeeded.

    A ticker that fails (network, unknown symbol, bad data) is reported in
    :attr:`ImportReport.failures`; the others are kept, written in one transaction.

    Args:
        on_ticker: called after each ticker with ``(ticker, error_or_None)`` (progress).
    """
    started = time.perf_counter()
    if provider == "csvdir":
        raise ProviderError(
            "csvdir reads a folder: use 'aithesis data import FOLDER'",
            field="--provider",
            hint="pull from yahoo or akshare",
        )
    source = get_provider(provider, **provider_options)
    parts: list[ProviderBatch] = []
    failures: dict[str, str] = {}
    for ticker in tickers:
        error: str | None = None
        try:
            batch = source.fetch(PriceQuery(tickers=(ticker,), start=start, end=end))
            failures.update(batch.failures)
            if ticker.upper() in batch.failures:
                error = batch.failures[ticker.upper()]
            parts.append(batch)
        except (AithesisError, OSError) as exc:
            error = str(exc)
            failures[ticker.upper()] = error
        if on_ticker is not None:
            on_ticker(ticker, error)
    merged = ProviderBatch(failures=failures)
    if parts:
        merged.prices = pd.concat([p.prices for p in parts], ignore_index=True)
        merged.dividends = pd.concat([p.dividends for p in parts], ignore_index=True)
        for part in parts:
            merged.warnings.update(part.warnings)
            merged.dividends_for |= part.dividends_for
    if merged.prices.empty:
        report = ImportReport(failures=failures, seconds=time.perf_counter() - started)
        return report
    return _write(store, merged, started)


def export_parquet(store: Store, folder: str | Path) -> dict[str, int]:
    """Write the store as Parquet, hive-partitioned by ticker (for cluster users).

    Layout: ``folder/prices/ticker=<T>/*.parquet``, ``folder/dividends/ticker=<T>/...``,
    ``folder/fx/pair=<P>/...``. Reading it back: ``aithesis data import folder``.
    The export goes to a temporary sibling folder first and is renamed into place, so a
    failed export never leaves a half-written folder.

    Returns:
        Rows exported per table.
    """
    import shutil
    import tempfile

    import pyarrow as pa

    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise StoreError(
            "export target is a file, not a folder", file=target, hint="pass a new or empty folder"
        )
    if target.exists() and any(target.iterdir()):
        raise StoreError(
            "export folder is not empty", file=target, hint="pass a new or empty folder"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".aithesis-export-", dir=target.parent))
    except OSError as exc:
        raise StoreError(f"cannot write there ({exc.strerror})", file=target) from exc
    counts: dict[str, int] = {}
    try:
        for table, key, frame in (
            ("prices", "ticker", store.prices()),
            ("dividends", "ticker", store.dividends()),
            ("fx", "pair", _all_fx(store)),
        ):
            counts[table] = len(frame)
            if frame.empty:
                continue
            _write_partitioned(frame, staging / table, key)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, (pa.ArrowException, OSError)):
            raise ProviderError(f"Parquet export failed: {exc}", file=target) from exc
        raise
    return counts


def _write_partitioned(frame: pd.DataFrame, out: Path, key: str) -> None:
    """Write ``frame`` as Parquet partitioned by ``key`` (``out/<key>=<value>/*.parquet``).

    pyarrow takes the path as a path and URL-encodes partition values, so no name can run
    anything and names with spaces or non-ASCII characters come back unchanged.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    table = pa.Table.from_pandas(frame, preserve_index=False)
    scheme = ds.partitioning(pa.schema([(key, pa.string())]), flavor="hive")
    ds.write_dataset(table, str(out), format="parquet", partitioning=scheme)


def _all_fx(store: Store) -> pd.DataFrame:
    parts = []
    for pair in store.fx_pairs():
        series = store.fx(pair)
        parts.append(pd.DataFrame({"pair": pair, "date": series.index, "rate": series.values}))
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["pair", "date", "rate"])
    )
