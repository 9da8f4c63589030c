"""The DuckDB store: one file holding prices, dividends, FX, fundamentals and provenance.

Tables (columns as in ARCHITECTURE.md; floats are DOUBLE, never rounded):

``prices``        ticker, date, open, high, low, close, adj_close, volume, currency, basis, source
``dividends``     ticker, ex_date, amount, currency, source
``fx``            pair, date, rate, source (rate = units of quote currency per 1 base)
``fundamentals``  entity, ticker, metric, fiscal_period, period_start, period_end, value,
                  unit, currency, kind, source, quote, as_of (one row a fact; restatements
                  kept by ``as_of``)
``series``        provenance per stored series: name, kind, basis, currency, source,
                  first_date, last_date, rows, warnings (JSON list), adj_close_from,
                  imported_at
``meta``          key, value (``schema_version``, ``created_at``, ``last_write``)

Every write is one transaction taken under an exclusive file lock (``<store>.lock``): a
failed or killed write leaves the store exactly as before (DuckDB's write-ahead log
replays committed transactions only). A second writer waits up to ``lock_timeout``
seconds, then fails with :class:`~aithesis.errors.StoreLockedError`. Connections are
opened per operation so that other processes can read between writes.

This module holds the connections, the lock and the transactions. The SQL of each write
is in :mod:`aithesis.data.store_writes`, the price-merge policy (joins, re-base and
basis checks, ``adj_close``) in :mod:`aithesis.data.merge` (pure pandas), the readers in
:mod:`aithesis.data.store_reads`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from filelock import FileLock, Timeout

from aithesis.data.store_reads import StoreReads
from aithesis.data.store_writes import (
    clear_dividend_spans,
    now,
    rebuild_prices,
    stage_fundamentals,
    upsert_dividends,
    upsert_fundamentals,
    upsert_fx,
)
from aithesis.errors import StoreError, StoreLockedError, UnknownTickerError

__all__ = ["SCHEMA_VERSION", "Store"]

SCHEMA_VERSION = "1"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS prices (
    ticker VARCHAR NOT NULL, date DATE NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE,
    close DOUBLE NOT NULL, adj_close DOUBLE, volume DOUBLE, currency VARCHAR,
    basis VARCHAR NOT NULL, source VARCHAR);
CREATE TABLE IF NOT EXISTS dividends (
    ticker VARCHAR NOT NULL, ex_date DATE NOT NULL, amount DOUBLE NOT NULL,
    currency VARCHAR, source VARCHAR);
CREATE TABLE IF NOT EXISTS fx (
    pair VARCHAR NOT NULL, date DATE NOT NULL, rate DOUBLE NOT NULL, source VARCHAR);
CREATE TABLE IF NOT EXISTS fundamentals (
    entity VARCHAR NOT NULL, ticker VARCHAR, metric VARCHAR NOT NULL,
    fiscal_period VARCHAR NOT NULL, period_start DATE, period_end DATE,
    value DOUBLE NOT NULL, unit VARCHAR NOT NULL, currency VARCHAR,
    kind VARCHAR NOT NULL, source VARCHAR NOT NULL, quote VARCHAR, as_of DATE NOT NULL);
CREATE TABLE IF NOT EXISTS series (
    name VARCHAR NOT NULL, kind VARCHAR NOT NULL, basis VARCHAR, currency VARCHAR,
    source VARCHAR, first_date DATE, last_date DATE, rows BIGINT, warnings VARCHAR,
    adj_close_from VARCHAR, imported_at TIMESTAMP);
"""


def _is_lock_conflict(text: str) -> bool:
    """DuckDB's message when another process holds the file (not e.g. 'checksum ... block')."""
    lowered = text.lower()
    return "could not set lock" in lowered or "conflicting lock" in lowered


class Store(StoreReads):
    """One DuckDB file with the ``prices``, ``dividends``, ``fx``, ``fundamentals``,
    ``series`` and ``meta`` tables.

    Args:
        path: the ``.duckdb`` file; created (with its folder) on first write.
        read_only: never write; a missing file reads as an empty store.
        lock_timeout: seconds a writer (or a reader blocked by a writer) waits.

    Example:
        >>> store = Store("/tmp/demo.duckdb")           # doctest: +SKIP
        >>> store.price_matrix(["NVDA", "AVGO"]).shape   # doctest: +SKIP
    """

    def __init__(
        self, path: str | Path, *, read_only: bool = False, lock_timeout: float = 30.0
    ) -> None:
        self.path = Path(path).expanduser()
        self.read_only = read_only
        self.lock_timeout = float(lock_timeout)
        if self.path.is_dir():
            raise StoreError(
                "store path is a folder",
                file=self.path,
                hint="give a file path such as store.duckdb",
            )
        if self.path.exists():
            self._probe()
        elif not read_only:
            self._create()

    # ------------------------------------------------------------------ plumbing
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing stays open between operations; kept for symmetry and future pooling."""

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, read_only={self.read_only})"

    def _create(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store's folder ({exc.strerror})",
                file=self.path.parent,
                hint="pass --store with a writable path",
            ) from exc
        with self._transaction():
            pass

    def _probe(self) -> None:
        try:
            with self.path.open("rb") as handle:
                head = handle.read(16)
        except OSError as exc:
            raise StoreError(
                f"cannot read the store ({exc.strerror})",
                file=self.path,
                hint="check the file's permissions or pass another --store",
            ) from exc
        if len(head) >= 12 and head[8:12] != b"DUCK":
            raise StoreError(
                "file is not a DuckDB store",
                file=self.path,
                hint="pass --store with a .duckdb file made by aithesis, "
                "or a path that does not exist yet",
            )

    @contextmanager
    def _lock(self) -> Iterator[None]:
        lock = FileLock(str(self.path) + ".lock")
        try:
            lock.acquire(timeout=self.lock_timeout)
        except Timeout as exc:
            raise StoreLockedError(
                f"another process has been writing the store for over {self.lock_timeout:g} s",
                file=self.path,
                hint="wait for it to finish (or stop it), or pass a different --store",
            ) from exc
        except OSError as exc:
            raise StoreError(
                f"cannot take the write lock ({exc.strerror})",
                file=str(self.path) + ".lock",
                hint="pass --store with a writable path",
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def _connect(self, *, write: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=not write)
            except duckdb.Error as exc:
                text = str(exc)
                locked = _is_lock_conflict(text)
                if locked and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                if locked:
                    raise StoreLockedError(
                        "the store is held by another process",
                        file=self.path,
                        hint="wait for it to finish, or pass a different --store",
                    ) from exc
                if "not a valid DuckDB" in text or ("Unknown" in text and "format" in text):
                    raise StoreError(
                        "file is not a DuckDB store",
                        file=self.path,
                        hint="pass --store with a .duckdb file",
                    ) from exc
                raise StoreError(
                    f"cannot open the store: {text.splitlines()[0]}",
                    file=self.path,
                    hint="check the path and permissions",
                ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction under the file lock; rolled back on any error."""
        if self.read_only:
            raise StoreError(
                "store was opened read-only",
                file=self.path,
                hint="open it without read_only to write",
            )
        with self._lock():
            con = self._connect(write=True)
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(_DDL)
                    if not con.execute("SELECT 1 FROM meta WHERE key='schema_version'").fetchall():
                        con.execute(
                            "INSERT INTO meta VALUES ('schema_version', ?), ('created_at', ?)",
                            [SCHEMA_VERSION, now().isoformat()],
                        )
                    yield con
                    con.execute("DELETE FROM meta WHERE key='last_write'")
                    con.execute("INSERT INTO meta VALUES ('last_write', ?)", [now().isoformat()])
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            except duckdb.Error as exc:
                raise StoreError(
                    f"write failed and was rolled back: {str(exc).splitlines()[0]}", file=self.path
                ) from exc
            finally:
                con.close()

    @contextmanager
    def _reader(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A read connection, or None when the store file does not exist yet."""
        if not self.path.exists():
            yield None
            return
        con = self._connect(write=False)
        try:
            yield con
        finally:
            con.close()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame | None:
        with self._reader() as con:
            if con is None:
                return None
            try:
                if not self._has_tables(con):
                    return None
                return con.execute(sql, list(params)).df()
            except duckdb.Error as exc:
                raise StoreError(
                    f"cannot read the store: {str(exc).splitlines()[0]}",
                    file=self.path,
                    hint="the file may be damaged: restore a copy or rebuild it with "
                    "'aithesis data import'",
                ) from None

    @staticmethod
    def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
        rows = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'prices'"
        ).fetchone()
        return bool(rows and rows[0])

    # ------------------------------------------------------------------ writes
    def write_batch(
        self,
        *,
        prices: pd.DataFrame | None = None,
        dividends: pd.DataFrame | None = None,
        fx: pd.DataFrame | None = None,
        warnings: dict[str, list[str]] | None = None,
        dividends_for: set[str] | frozenset[str] = frozenset(),
    ) -> dict[str, int]:
        """Upsert prices, dividends and FX in ONE transaction; derive ``adj_close``.

        Rows replace stored rows with the same key ((ticker, date), (ticker, ex_date),
        (pair, date)); other stored rows stay. For a ticker in ``dividends_for`` the
        batch's dividends are complete for the dates its new price rows span: stored
        dividends in that span are replaced (so a re-dated or withdrawn dividend does
        not linger and count twice). New closes that look re-based against stored ones
        are refused (the rules are in :mod:`aithesis.data.merge`, which also says when a
        single overlapping date is enough). For every ticker touched, ``adj_close`` is
        rebuilt over its whole stored history: ``close`` itself for ``auto_adjusted`` and
        ``index`` series; for ``raw`` series the source's ``adj_close`` when it gave one
        for every row and no dividends are stored, else derived from ``close`` and the
        stored dividends by Yahoo's convention (:mod:`aithesis.data.adjust`).

        Args:
            prices: standard price columns (``adj_close`` may be NaN).
            dividends: ``ticker, ex_date, amount, currency, source``.
            fx: ``pair, date, rate, source``.
            warnings: validation warnings per series name, kept for provenance (a name
                given with an empty list clears its old warnings).
            dividends_for: tickers whose dividends in this batch are complete over the
                span of their new price rows.

        Returns:
            Row counts written per table.

        Raises:
            DataError: a ticker's new rows have a different basis than its stored rows,
                or look re-based (a split, or auto-adjusted dividends) on shared dates.
            StoreError / StoreLockedError: the store cannot be written; nothing changed.
        """
        warnings = warnings or {}
        counts = {"prices": 0, "dividends": 0, "fx": 0}
        with self._transaction() as con:
            touched: set[str] = set()
            if dividends_for and prices is not None and not prices.empty:
                touched |= clear_dividend_spans(con, prices, dividends_for)
            if dividends is not None and not dividends.empty:
                counts["dividends"] = upsert_dividends(con, dividends)
                touched |= set(dividends["ticker"].unique())
            if prices is not None and not prices.empty:
                touched |= set(prices["ticker"].unique())
            if touched:
                counts["prices"] = rebuild_prices(con, prices, sorted(touched), warnings)
            if fx is not None and not fx.empty:
                counts["fx"] = upsert_fx(con, fx, warnings)
        return counts

    def delete_ticker(self, ticker: str) -> int:
        """Remove a ticker's prices, dividends and provenance; returns price rows removed."""
        return self.delete_tickers([ticker])[ticker.upper()]

    def delete_tickers(self, tickers: Sequence[str]) -> dict[str, int]:
        """Remove several tickers in one transaction (all or none); rows removed per ticker.

        Raises:
            UnknownTickerError: a ticker is not in the store (nothing is removed).
        """
        wanted = list(dict.fromkeys(t.upper() for t in tickers))
        stored = set(self.tickers())
        missing = [t for t in wanted if t not in stored]
        if missing:
            raise UnknownTickerError(
                f"not in the store: {', '.join(missing)}",
                file=self.path,
                hint="see 'aithesis data list'; nothing was removed",
            )
        counts: dict[str, int] = {}
        with self._transaction() as con:
            for ticker in wanted:
                row = con.execute("SELECT count(*) FROM prices WHERE ticker = ?", [ticker])
                counts[ticker] = int(row.fetchone()[0])
                con.execute("DELETE FROM prices WHERE ticker = ?", [ticker])
                con.execute("DELETE FROM dividends WHERE ticker = ?", [ticker])
                con.execute("DELETE FROM series WHERE name = ? AND kind = 'price'", [ticker])
        return counts

    def write_fundamentals(self, frame: pd.DataFrame, *, replace_sources: bool = False) -> int:
        """Upsert facts in one transaction; returns rows written.

        A row replaces stored rows with the same (entity, metric, fiscal_period, kind,
        source, as_of); older ``as_of`` versions are kept (restatements). With
        ``replace_sources`` every stored fact whose ``source`` appears in ``frame`` is
        dropped first: the frame is then the whole truth of those sources (a corrected
        period or a removed row does not linger).

        Raises:
            DataError: a required column is missing, a value is not finite, or a kind is
                not one of actual, estimate, guidance, derived.
        """
        staged = stage_fundamentals(frame)
        with self._transaction() as con:
            return upsert_fundamentals(con, staged, replace_sources=replace_sources)

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the ``meta`` table (one transaction)."""
        with self._transaction() as con:
            con.execute("DELETE FROM meta WHERE key = ?", [key])
            con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
