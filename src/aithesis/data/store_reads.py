"""The store's readers: tidy frames and dense arrays out of the DuckDB file.

:class:`StoreReads` is mixed into :class:`aithesis.data.store.Store`, which supplies the
connection (``_query``: a read-only connection per call, None for a store never
written). Nothing here writes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aithesis.data.matrix import PriceMatrix
from aithesis.data.schema import FUNDAMENTAL_COLUMNS
from aithesis.data.store_writes import PRICE_SELECT
from aithesis.errors import DataError, UnknownTickerError

__all__ = ["StoreReads"]

_SEED_DAYS = 31  # days before a window's start read to seed forward-filled holes


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError) as exc:
        raise DataError(f"'{value}' is not a date", hint="write dates as YYYY-MM-DD") from exc


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


class StoreReads:
    """Read methods of :class:`~aithesis.data.store.Store` (see there)."""

    path: Path

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame | None:
        """Run a read; None when the store has no tables yet (the Store implements it)."""
        raise NotImplementedError

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
        sql = f"SELECT {PRICE_SELECT} FROM prices WHERE 1=1"
        params: list[Any] = []
        if wanted is not None:
            sql += " AND ticker IN (SELECT * FROM unnest(?))"
            params.append(wanted)
        sql += _date_window(params, start, end)
        frame = self._query(sql + " ORDER BY ticker, date", params)
        if frame is None:
            return pd.DataFrame(columns=PRICE_SELECT.split(", "))
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
