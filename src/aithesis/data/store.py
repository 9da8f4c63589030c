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
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from aithesis.data.adjust import dividend_adjusted_close
from aithesis.data.matrix import PriceMatrix
from aithesis.data.schema import FACT_KINDS, FUNDAMENTAL_COLUMNS
from aithesis.data.validate import SPLIT_JUMP_HIGH, SPLIT_JUMP_LOW
from aithesis.errors import DataError, StoreError, StoreLockedError, UnknownTickerError

__all__ = ["SCHEMA_VERSION", "Store"]

SCHEMA_VERSION = "1"
_NOTE = "adj_close: "  # prefix of derivation notes, recomputed on every write
_SEED_DAYS = 31  # days before a window's start read to seed forward-filled holes
_JOIN_RTOL = 1e-3  # new and stored closes on a shared date may differ this much (relative)

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

_PRICE_SELECT = "ticker, date, open, high, low, close, adj_close, volume, currency, basis, source"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError) as exc:
        raise DataError(f"'{value}' is not a date", hint="write dates as YYYY-MM-DD") from exc


def _is_lock_conflict(text: str) -> bool:
    """DuckDB's message when another process holds the file (not e.g. 'checksum ... block')."""
    lowered = text.lower()
    return "could not set lock" in lowered or "conflicting lock" in lowered


def _date_window(params: list[Any], start: Any, end: Any) -> str:
    """SQL conditions for an inclusive ``date`` window; appends their parameters."""
    sql = ""
    if start is not None:
        sql += " AND date >= ?"
        params.append(_as_date(start))
    if end is not None:
        sql += " AND date <= ?"
        params.append(_as_date(end))
    return sql


class Store:
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
                            [SCHEMA_VERSION, _now().isoformat()],
                        )
                    yield con
                    con.execute("DELETE FROM meta WHERE key='last_write'")
                    con.execute("INSERT INTO meta VALUES ('last_write', ?)", [_now().isoformat()])
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
        on the same dates are refused. For every ticker touched, ``adj_close`` is
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
                touched |= self._clear_dividend_spans(con, prices, dividends_for)
            if dividends is not None and not dividends.empty:
                counts["dividends"] = self._upsert_dividends(con, dividends)
                touched |= set(dividends["ticker"].unique())
            if prices is not None and not prices.empty:
                touched |= set(prices["ticker"].unique())
            if touched:
                counts["prices"] = self._rebuild_prices(con, prices, sorted(touched), warnings)
            if fx is not None and not fx.empty:
                counts["fx"] = self._upsert_fx(con, fx, warnings)
        return counts

    @staticmethod
    def _clear_dividend_spans(
        con: duckdb.DuckDBPyConnection, prices: pd.DataFrame, tickers: set[str] | frozenset[str]
    ) -> set[str]:
        """Delete stored dividends inside the span of each listed ticker's new prices."""
        dates = pd.to_datetime(prices["date"])
        spans = (
            pd.DataFrame({"ticker": prices["ticker"], "date": dates})
            .loc[lambda f: f["ticker"].isin(tickers)]
            .groupby("ticker")["date"]
            .agg(["min", "max"])
            .reset_index()
        )
        if spans.empty:
            return set()
        spans["min"], spans["max"] = spans["min"].dt.date, spans["max"].dt.date
        con.register("div_spans", spans)
        con.execute(
            "DELETE FROM dividends d USING div_spans s WHERE d.ticker = s.ticker "
            "AND d.ex_date >= s.min AND d.ex_date <= s.max"
        )
        con.unregister("div_spans")
        return set(spans["ticker"])

    @staticmethod
    def _upsert_dividends(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
        staged = frame.loc[:, ["ticker", "ex_date", "amount", "currency", "source"]].copy()
        staged["ex_date"] = pd.to_datetime(staged["ex_date"]).dt.date
        con.register("staged_div", staged)
        con.execute(
            "DELETE FROM dividends d USING staged_div s "
            "WHERE d.ticker = s.ticker AND d.ex_date = s.ex_date"
        )
        con.execute(
            "INSERT INTO dividends SELECT ticker, CAST(ex_date AS DATE), amount, "
            "currency, source FROM staged_div"
        )
        con.unregister("staged_div")
        return len(staged)

    def _rebuild_prices(
        self,
        con: duckdb.DuckDBPyConnection,
        new: pd.DataFrame | None,
        tickers: list[str],
        warnings: dict[str, list[str]],
    ) -> int:
        con.register("touched", pd.DataFrame({"ticker": tickers}))
        old = con.execute(
            f"SELECT {_PRICE_SELECT} FROM prices WHERE ticker IN (SELECT ticker FROM touched)"
        ).df()
        divs = con.execute(
            "SELECT ticker, ex_date, amount FROM dividends "
            "WHERE ticker IN (SELECT ticker FROM touched) ORDER BY ticker, ex_date"
        ).df()
        old_meta = con.execute(
            "SELECT name, adj_close_from, warnings FROM series WHERE kind = 'price' "
            "AND name IN (SELECT ticker FROM touched)"
        ).df()
        con.unregister("touched")
        old["date"] = pd.to_datetime(old["date"])
        if new is None:
            new = old.iloc[0:0]
        new = new.loc[:, list(old.columns)].copy()
        new["date"] = pd.to_datetime(new["date"])
        self._check_basis(old, new)
        joins = self._check_joins(old, new)
        merged = (
            pd.concat([old, new], ignore_index=True)
            .drop_duplicates(["ticker", "date"], keep="last")  # new rows win
            .sort_values(["ticker", "date"], kind="stable")
            .reset_index(drop=True)
        )
        prior = {r.name: r for r in old_meta.itertuples(index=False)}
        new_given = (
            set(new.loc[new["adj_close"].notna()].groupby("ticker").size().index)
            if len(new)
            else set()
        )
        sources: dict[str, str] = {}
        notes: dict[str, list[str]] = {}
        for ticker, rows in merged.groupby("ticker", sort=False).indices.items():
            sources[ticker], notes[ticker] = self._fill_adj_close(
                merged, rows, ticker, divs, prior.get(ticker), ticker in new_given
            )
        con.execute("DELETE FROM prices WHERE ticker IN (SELECT * FROM unnest(?))", [tickers])
        out = merged.copy()
        out["date"] = out["date"].dt.date
        con.register("merged_prices", out)
        con.execute(f"INSERT INTO prices SELECT {_PRICE_SELECT} FROM merged_prices")
        con.unregister("merged_prices")
        kept_by_ticker = {}
        for ticker in tickers:
            if ticker in warnings:  # this write validated the ticker's rows afresh
                validation = list(warnings[ticker])
            elif ticker in prior and prior[ticker].warnings:
                validation = [
                    w for w in json.loads(prior[ticker].warnings) if not w.startswith(_NOTE)
                ]
            else:
                validation = []
            kept_by_ticker[ticker] = (
                validation + joins.get(ticker, []) + [_NOTE + n for n in notes.get(ticker, [])]
            )
        self._record_series(con, tickers, "price", kept_by_ticker, sources)
        return 0 if new is None else len(new)

    @staticmethod
    def _check_joins(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, list[str]]:
        """Refuse new rows whose closes on dates already stored look re-based (a split-like
        ratio, or every shared close moved by one common factor); warn when the first new
        close after the stored ones jumps like an unadjusted split. A few corrected closes
        are an ordinary upsert.

        A source that re-based its history since the last import (a split for
        split-adjusted closes, every dividend for auto-adjusted ones) would otherwise be
        spliced onto the stored scale and fake a huge return at the join.
        """
        warnings: dict[str, list[str]] = {}
        if old.empty or new.empty:
            return warnings
        for ticker, fresh in new.groupby("ticker"):
            stored = old.loc[old["ticker"] == ticker]
            if stored.empty:
                continue
            both = stored.merge(fresh, on="date", suffixes=("_old", "_new"))
            if len(both):
                ratio = both["close_new"].to_numpy() / both["close_old"].to_numpy()
                rel = np.abs(ratio - 1)
                split_like = (ratio < SPLIT_JUMP_LOW) | (ratio > SPLIT_JUMP_HIGH)
                # every shared close moved by one common factor: a re-based history, not
                # a correction of a few rows (which an upsert is for)
                rebased = (
                    len(ratio) >= 2
                    and bool((rel > _JOIN_RTOL).all())
                    and float(np.ptp(ratio)) < _JOIN_RTOL * float(np.median(ratio))
                )
                if split_like.any() or rebased:
                    i = int(np.argmax(rel))
                    raise DataError(
                        f"new closes of {ticker} disagree with the stored ones on "
                        f"{int((rel > _JOIN_RTOL).sum())} shared date(s), e.g. "
                        f"{both['date'].iloc[i]:%Y-%m-%d}: {both['close_new'].iloc[i]:g} vs "
                        f"stored {both['close_old'].iloc[i]:g}; they look re-based (a split, or "
                        "dividends in auto-adjusted prices) or corrected by a split-like factor",
                        file=ticker,
                        field="close",
                        hint=f"run 'aithesis data delete {ticker}' and import or pull its "
                        "full history again",
                    )
            after = fresh.loc[fresh["date"] > stored["date"].max()]
            if len(after) and not len(both):
                last, first = stored.sort_values("date").iloc[-1], after.sort_values("date").iloc[0]
                ratio = float(first["close"]) / float(last["close"])
                if ratio < SPLIT_JUMP_LOW or ratio > SPLIT_JUMP_HIGH:
                    warnings.setdefault(ticker, []).append(
                        f"{ticker}: close moved x{ratio:.3f} from the stored "
                        f"{last['date']:%Y-%m-%d} to the new {first['date']:%Y-%m-%d}; if the "
                        "source re-based its history, delete the ticker and import it whole"
                    )
        return warnings

    @staticmethod
    def _check_basis(old: pd.DataFrame, new: pd.DataFrame) -> None:
        if old.empty or new.empty:
            return
        old_basis = old.groupby("ticker")["basis"].first()
        new_basis = new.groupby("ticker")["basis"].first()
        for ticker, basis in new_basis.items():
            if ticker in old_basis and old_basis[ticker] != basis:
                raise DataError(
                    f"{ticker} is stored with basis '{old_basis[ticker]}' but the new rows are "
                    f"'{basis}'; mixing them would corrupt its returns",
                    file=ticker,
                    field="basis",
                    hint=f"run 'aithesis data delete {ticker}' first, or import the same basis",
                )

    @staticmethod
    def _fill_adj_close(
        merged: pd.DataFrame,
        rows: np.ndarray,
        ticker: str,
        divs: pd.DataFrame,
        prior: Any,
        given_now: bool,
    ) -> tuple[str, list[str]]:
        basis = merged.at[rows[0], "basis"]
        close = merged["close"].to_numpy()[rows]
        if basis in ("auto_adjusted", "index"):
            merged.loc[rows, "adj_close"] = close
            return "close", []
        own = divs.loc[divs["ticker"] == ticker]
        adj = merged["adj_close"].to_numpy()[rows]
        from_source = given_now or (prior is not None and prior.adj_close_from == "source")
        if own.empty and from_source and not np.isnan(adj).all():
            missing = int(np.isnan(adj).sum())
            if not missing:
                return "source", []
            # rows without the source's adj_close: chain them on with price returns
            ratio = pd.Series(adj / close).ffill().bfill().to_numpy()
            merged.loc[rows, "adj_close"] = close * ratio
            return "source", [
                f"{ticker}: adj_close of {missing} row(s) extended from the source's with "
                "price returns (no dividends known for them)"
            ]
        dates = merged["date"].to_numpy()[rows].astype("datetime64[D]")
        derived, notes = dividend_adjusted_close(
            dates,
            close,
            own["ex_date"].to_numpy().astype("datetime64[D]"),
            own["amount"].to_numpy(),
            ticker=ticker,
        )
        merged.loc[rows, "adj_close"] = derived
        return ("dividends" if len(own) else "close (no dividends)"), notes

    def _upsert_fx(
        self, con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, warnings: dict[str, list[str]]
    ) -> int:
        staged = frame.loc[:, ["pair", "date", "rate", "source"]].copy()
        staged["date"] = pd.to_datetime(staged["date"]).dt.date
        con.register("staged_fx", staged)
        con.execute("DELETE FROM fx f USING staged_fx s WHERE f.pair = s.pair AND f.date = s.date")
        con.execute("INSERT INTO fx SELECT pair, CAST(date AS DATE), rate, source FROM staged_fx")
        con.unregister("staged_fx")
        pairs = sorted(staged["pair"].unique())
        self._record_series(con, pairs, "fx", {p: warnings.get(p, []) for p in pairs}, {})
        return len(staged)

    @staticmethod
    def _record_series(
        con: duckdb.DuckDBPyConnection,
        names: list[str],
        kind: str,
        warnings: dict[str, list[str]],
        adj_from: dict[str, str],
    ) -> None:
        """Recompute the provenance rows of ``names`` from what is now stored."""
        con.execute(
            "DELETE FROM series WHERE kind = ? AND name IN (SELECT * FROM unnest(?))", [kind, names]
        )
        table, key = ("prices", "ticker") if kind == "price" else ("fx", "pair")
        extra = (
            "any_value(basis) AS basis, any_value(currency) AS currency"
            if kind == "price"
            else "NULL AS basis, NULL AS currency"
        )
        stats = con.execute(
            f"SELECT {key} AS name, {extra}, string_agg(DISTINCT source, ',') AS source, "
            f"min(date) AS first_date, max(date) AS last_date, count(*) AS rows "
            f"FROM {table} WHERE {key} IN (SELECT * FROM unnest(?)) GROUP BY {key}",
            [names],
        ).df()
        stats["kind"] = kind
        stats["warnings"] = [
            json.dumps(warnings.get(n, []), ensure_ascii=False) for n in stats["name"]
        ]
        stats["adj_close_from"] = [adj_from.get(n) for n in stats["name"]]
        stats["imported_at"] = _now()
        con.register("new_series", stats)
        con.execute(
            "INSERT INTO series SELECT name, kind, basis, currency, source, first_date, "
            "last_date, rows, warnings, adj_close_from, imported_at FROM new_series"
        )
        con.unregister("new_series")

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
        required = ("entity", "metric", "fiscal_period", "value", "unit", "kind", "source", "as_of")
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise DataError(
                f"fundamentals frame lacks column '{missing[0]}'",
                field=missing[0],
                hint="columns: " + ", ".join(FUNDAMENTAL_COLUMNS),
            )
        staged = frame.copy()
        for column in FUNDAMENTAL_COLUMNS:
            if column not in staged:
                staged[column] = None
        staged = staged.loc[:, list(FUNDAMENTAL_COLUMNS)]
        values = pd.to_numeric(staged["value"], errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(values).all():
            i = int(np.flatnonzero(~np.isfinite(values))[0])
            raise DataError(
                f"fact value '{frame['value'].iloc[i]}' is not a finite number",
                row=i + 1,
                field="value",
            )
        bad_kind = ~staged["kind"].isin(FACT_KINDS)
        if bad_kind.any():
            i = int(np.flatnonzero(bad_kind.to_numpy())[0])
            raise DataError(
                f"kind '{staged['kind'].iloc[i]}' is unknown",
                row=i + 1,
                field="kind",
                hint="use one of " + ", ".join(FACT_KINDS),
            )
        staged["value"] = values
        for column in ("period_start", "period_end", "as_of"):
            staged[column] = pd.to_datetime(staged[column]).dt.date
        for column in (
            "entity",
            "ticker",
            "metric",
            "fiscal_period",
            "unit",
            "currency",
            "kind",
            "source",
            "quote",
        ):
            staged[column] = staged[column].astype(object).where(staged[column].notna(), None)
        with self._transaction() as con:
            con.register("staged_facts", staged)
            if replace_sources:
                con.execute(
                    "DELETE FROM fundamentals WHERE source IN "
                    "(SELECT DISTINCT source FROM staged_facts)"
                )
            con.execute(
                "DELETE FROM fundamentals f USING staged_facts s WHERE f.entity = s.entity "
                "AND f.metric = s.metric AND f.fiscal_period = s.fiscal_period "
                "AND f.kind = s.kind AND f.source = s.source AND f.as_of = s.as_of"
            )
            con.execute(
                "INSERT INTO fundamentals SELECT entity, ticker, metric, fiscal_period, "
                "CAST(period_start AS DATE), CAST(period_end AS DATE), value, unit, currency, "
                "kind, source, quote, CAST(as_of AS DATE) FROM staged_facts"
            )
            con.unregister("staged_facts")
        return len(staged)

    # ------------------------------------------------------------------ reads
    def tickers(self) -> list[str]:
        """Tickers with stored prices, sorted."""
        frame = self._query("SELECT DISTINCT ticker FROM prices ORDER BY ticker")
        return [] if frame is None else frame["ticker"].tolist()

    def prices(
        self,
        tickers: Sequence[str] | None = None,
        start: Any = None,
        end: Any = None,
    ) -> pd.DataFrame:
        """Tidy price rows (standard columns), ordered by ticker and date.

        Raises:
            UnknownTickerError: a requested ticker has no stored prices.
        """
        wanted = self._known(tickers) if tickers is not None else None
        sql = f"SELECT {_PRICE_SELECT} FROM prices WHERE 1=1"
        params: list[Any] = []
        if wanted is not None:
            sql += " AND ticker IN (SELECT * FROM unnest(?))"
            params.append(wanted)
        sql += _date_window(params, start, end)
        frame = self._query(sql + " ORDER BY ticker, date", params)
        if frame is None:
            return pd.DataFrame(columns=_PRICE_SELECT.split(", "))
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def _known(self, tickers: Sequence[str]) -> list[str]:
        wanted = [str(t).upper() for t in tickers]
        stored = set(self.tickers())
        missing = [t for t in wanted if t not in stored]
        if missing:
            import difflib

            close = difflib.get_close_matches(missing[0], sorted(stored), n=1)
            suggestion = f" (did you mean {close[0]}?)" if close else ""
            raise UnknownTickerError(
                f"no prices stored for {', '.join(missing)}{suggestion}",
                file=self.path,
                hint="import or pull them first (aithesis data import / data pull)",
            )
        return wanted

    def price_matrix(
        self,
        tickers: Sequence[str],
        start: Any = None,
        end: Any = None,
        field: str = "adj_close",
        *,
        ffill_inside: bool = True,
    ) -> PriceMatrix:
        """Dense ``T x N`` float64 prices for the engines.

        Dates are the union of the tickers' trading dates inside ``[start, end]``. A
        ticker's column is NaN before its first row and after its last (not listed).
        With ``ffill_inside`` a hole *between* its first and last row (a day another
        market traded and this one did not) carries the previous price forward, so the
        ticker's return that day is 0; without it the hole stays NaN.

        Args:
            tickers: symbols, in the column order wanted.
            start, end: inclusive date bounds (anything ``pandas.Timestamp`` parses).
            field: ``"adj_close"`` (total return) or ``"close"`` (price return).

        Raises:
            UnknownTickerError: a ticker has no stored prices.
            DataError: ``field="close"`` for an ``auto_adjusted`` ticker (it has no
                price-return series), or an unknown field.
        """
        if field not in ("adj_close", "close"):
            raise DataError(
                f"unknown price field '{field}'",
                field="field",
                hint="use 'adj_close' (total return) or 'close' (price return)",
            )
        order = [str(t).upper() for t in tickers]
        if len(set(order)) != len(order):
            twice = next(t for t in order if order.count(t) > 1)
            raise DataError(
                f"ticker {twice} is asked for twice", field="tickers", hint="list each ticker once"
            )
        # a few weeks before ``start`` seed the fill, so that a market closed on the
        # window's first day still shows its last close there
        lookback = (
            None
            if start is None or not ffill_inside
            else (pd.Timestamp(_as_date(start)) - pd.Timedelta(days=_SEED_DAYS))
        )
        frame = self.prices(tickers, lookback if lookback is not None else start, end)
        info = self.series_info().set_index("name") if order else None
        basis = tuple(
            str(info.at[t, "basis"]) if info is not None and t in info.index else "" for t in order
        )
        currency = tuple(
            str(info.at[t, "currency"]) if info is not None and t in info.index else ""
            for t in order
        )
        if field == "close":
            for ticker, b in zip(order, basis, strict=True):
                if b == "auto_adjusted":
                    raise DataError(
                        f"price return unavailable: close of {ticker} is auto_adjusted "
                        "(already includes dividends)",
                        file=ticker,
                        field="return_type",
                        hint="use return_type: total, or load a raw-close series for it",
                    )
        dates = np.unique(frame["date"].to_numpy().astype("datetime64[D]"))
        values = np.full((dates.size, len(order)), np.nan)
        if len(frame):
            col = pd.Index(order).get_indexer(frame["ticker"])
            row = np.searchsorted(dates, frame["date"].to_numpy().astype("datetime64[D]"))
            values[row, col] = frame[field].to_numpy(dtype=float)
        if ffill_inside and values.size:
            values = pd.DataFrame(values).ffill(limit_area="inside").to_numpy()
        if lookback is not None:  # drop the seed rows
            keep = dates >= np.datetime64(_as_date(start))
            dates, values = dates[keep], values[keep]
        return PriceMatrix(
            dates=dates,
            tickers=tuple(order),
            values=values,
            field=field,
            basis=basis,
            currency=currency,
        )

    def dividends(self, tickers: Sequence[str] | None = None) -> pd.DataFrame:
        """Stored dividends (``ticker, ex_date, amount, currency, source``)."""
        sql = "SELECT ticker, ex_date, amount, currency, source FROM dividends"
        params: list[Any] = []
        if tickers is not None:
            sql += " WHERE ticker IN (SELECT * FROM unnest(?))"
            params.append([t.upper() for t in tickers])
        frame = self._query(sql + " ORDER BY ticker, ex_date", params)
        if frame is None:
            return pd.DataFrame(columns=["ticker", "ex_date", "amount", "currency", "source"])
        frame["ex_date"] = pd.to_datetime(frame["ex_date"])
        return frame

    def fx_pairs(self) -> list[str]:
        """Stored FX pairs, e.g. ``["USDCNY", "USDHKD"]``."""
        frame = self._query("SELECT DISTINCT pair FROM fx ORDER BY pair")
        return [] if frame is None else frame["pair"].tolist()

    def fx(self, pair: str, start: Any = None, end: Any = None) -> pd.Series:
        """One FX series (units of quote currency per 1 base), indexed by date.

        Raises:
            UnknownTickerError: the pair is not stored.
        """
        pair = pair.upper()
        if pair not in self.fx_pairs():
            raise UnknownTickerError(
                f"no FX series {pair} in the store",
                file=self.path,
                hint="stored pairs: " + (", ".join(self.fx_pairs()) or "none; import fx/ first"),
            )
        sql = "SELECT date, rate FROM fx WHERE pair = ?"
        params: list[Any] = [pair]
        sql += _date_window(params, start, end)
        frame = self._query(sql + " ORDER BY date", params)
        assert frame is not None
        return pd.Series(
            frame["rate"].to_numpy(), index=pd.DatetimeIndex(frame["date"], name="date"), name=pair
        )

    def series_info(self) -> pd.DataFrame:
        """Provenance of every stored series: name, kind, basis, currency, source,
        first_date, last_date, rows, warnings (list of str), adj_close_from, imported_at."""
        frame = self._query("SELECT * FROM series ORDER BY kind DESC, name")
        columns = [
            "name",
            "kind",
            "basis",
            "currency",
            "source",
            "first_date",
            "last_date",
            "rows",
            "warnings",
            "adj_close_from",
            "imported_at",
        ]
        if frame is None:
            return pd.DataFrame(columns=columns)
        frame["warnings"] = [json.loads(w) if w else [] for w in frame["warnings"]]
        for column in ("basis", "currency", "source", "adj_close_from"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        return frame.loc[:, columns]

    def fundamentals(
        self,
        entity: str | None = None,
        ticker: str | None = None,
        metric: str | None = None,
        *,
        latest_only: bool = True,
    ) -> pd.DataFrame:
        """Stored facts, filtered; with ``latest_only`` the newest ``as_of`` per
        (entity, metric, fiscal_period, kind)."""
        sql = "SELECT * FROM fundamentals WHERE 1=1"
        params: list[Any] = []
        for column, value in (("entity", entity), ("ticker", ticker), ("metric", metric)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        if latest_only:
            sql += (
                " QUALIFY row_number() OVER (PARTITION BY entity, metric, fiscal_period, kind"
                " ORDER BY as_of DESC, source) = 1"
            )
        frame = self._query(
            sql + " ORDER BY entity, metric, period_end, fiscal_period, as_of", params
        )
        if frame is None:
            return pd.DataFrame(columns=list(FUNDAMENTAL_COLUMNS))
        for column in ("period_start", "period_end", "as_of"):
            frame[column] = pd.to_datetime(frame[column])
        return frame.loc[:, list(FUNDAMENTAL_COLUMNS)]

    def meta(self, key: str) -> str | None:
        """A value of the ``meta`` table (None if unset or the store was never written)."""
        frame = self._query("SELECT value FROM meta WHERE key = ?", [key])
        return None if frame is None or frame.empty else str(frame["value"].iloc[-1])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the ``meta`` table (one transaction)."""
        with self._transaction() as con:
            con.execute("DELETE FROM meta WHERE key = ?", [key])
            con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])

    def last_write(self) -> str | None:
        """ISO time of the last committed write (None for a store never written)."""
        frame = self._query("SELECT value FROM meta WHERE key = 'last_write'")
        return None if frame is None or frame.empty else str(frame["value"].iloc[0])

    def counts(self) -> dict[str, int]:
        """Row counts per table (0 for a store not yet written)."""
        out = {}
        for table in ("prices", "dividends", "fx", "fundamentals"):
            frame = self._query(f"SELECT count(*) AS n FROM {table}")
            out[table] = 0 if frame is None else int(frame["n"].iloc[0])
        return out
