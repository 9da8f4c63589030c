"""SQL of the store's writes: each function runs inside the caller's open transaction.

:class:`aithesis.data.store.Store` owns connections, locking and transactions; it hands
its connection to these functions. The decisions about prices (joins, re-base and basis
checks, ``adj_close``) are pure pandas in :mod:`aithesis.data.merge`; values reach
DuckDB as bound parameters or registered frames only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import duckdb
import numpy as np
import pandas as pd

from aithesis.data.merge import PriorSeries, dividend_spans, merge_prices
from aithesis.data.schema import FACT_KINDS, FUNDAMENTAL_COLUMNS
from aithesis.errors import DataError

__all__ = [
    "PRICE_SELECT",
    "clear_dividend_spans",
    "now",
    "rebuild_prices",
    "record_series",
    "stage_fundamentals",
    "upsert_dividends",
    "upsert_fundamentals",
    "upsert_fx",
]

PRICE_SELECT = "ticker, date, open, high, low, close, adj_close, volume, currency, basis, source"


def now() -> datetime:
    """The current UTC time, naive (as stored in TIMESTAMP columns)."""
    return datetime.now(UTC).replace(tzinfo=None)


def clear_dividend_spans(
    con: duckdb.DuckDBPyConnection, prices: pd.DataFrame, tickers: set[str] | frozenset[str]
) -> set[str]:
    """Delete stored dividends inside the span of each listed ticker's new prices."""
    spans = dividend_spans(prices, tickers)
    if spans.empty:
        return set()
    con.register("div_spans", spans)
    con.execute(
        "DELETE FROM dividends d USING div_spans s WHERE d.ticker = s.ticker "
        "AND d.ex_date >= s.min AND d.ex_date <= s.max"
    )
    con.unregister("div_spans")
    return set(spans["ticker"])


def upsert_dividends(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Replace stored dividends with the same (ticker, ex_date); returns rows written."""
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


def rebuild_prices(
    con: duckdb.DuckDBPyConnection,
    new: pd.DataFrame | None,
    tickers: list[str],
    warnings: Mapping[str, list[str]],
) -> int:
    """Merge ``new`` onto the stored rows of ``tickers`` (:func:`merge_prices`), rewrite
    their rows and provenance; returns the number of new rows."""
    con.register("touched", pd.DataFrame({"ticker": tickers}))
    old = con.execute(
        f"SELECT {PRICE_SELECT} FROM prices WHERE ticker IN (SELECT ticker FROM touched)"
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
    prior = {
        r.name: PriorSeries(
            adj_close_from=r.adj_close_from if isinstance(r.adj_close_from, str) else None,
            warnings=tuple(json.loads(r.warnings)) if r.warnings else (),
        )
        for r in old_meta.itertuples(index=False)
    }
    merged = merge_prices(old, new, divs, prior, tickers, warnings)
    con.execute("DELETE FROM prices WHERE ticker IN (SELECT * FROM unnest(?))", [tickers])
    out = merged.frame.copy()
    out["date"] = out["date"].dt.date
    con.register("merged_prices", out)
    con.execute(f"INSERT INTO prices SELECT {PRICE_SELECT} FROM merged_prices")
    con.unregister("merged_prices")
    record_series(con, tickers, "price", merged.warnings, merged.sources)
    return 0 if new is None else len(new)


def upsert_fx(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, warnings: Mapping[str, list[str]]
) -> int:
    """Replace stored FX rows with the same (pair, date); returns rows written."""
    staged = frame.loc[:, ["pair", "date", "rate", "source"]].copy()
    staged["date"] = pd.to_datetime(staged["date"]).dt.date
    con.register("staged_fx", staged)
    con.execute("DELETE FROM fx f USING staged_fx s WHERE f.pair = s.pair AND f.date = s.date")
    con.execute("INSERT INTO fx SELECT pair, CAST(date AS DATE), rate, source FROM staged_fx")
    con.unregister("staged_fx")
    pairs = sorted(staged["pair"].unique())
    record_series(con, pairs, "fx", {p: warnings.get(p, []) for p in pairs}, {})
    return len(staged)


def record_series(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    kind: str,
    warnings: Mapping[str, list[str]],
    adj_from: Mapping[str, str],
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
    stats["warnings"] = [json.dumps(warnings.get(n, []), ensure_ascii=False) for n in stats["name"]]
    stats["adj_close_from"] = [adj_from.get(n) for n in stats["name"]]
    stats["imported_at"] = now()
    con.register("new_series", stats)
    con.execute(
        "INSERT INTO series SELECT name, kind, basis, currency, source, first_date, "
        "last_date, rows, warnings, adj_close_from, imported_at FROM new_series"
    )
    con.unregister("new_series")


def stage_fundamentals(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a frame of facts and put it in the ``fundamentals`` columns (pure pandas).

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
    return staged


def upsert_fundamentals(
    con: duckdb.DuckDBPyConnection, staged: pd.DataFrame, *, replace_sources: bool
) -> int:
    """Write staged facts (:func:`stage_fundamentals`); returns rows written."""
    con.register("staged_facts", staged)
    if replace_sources:
        con.execute(
            "DELETE FROM fundamentals WHERE source IN (SELECT DISTINCT source FROM staged_facts)"
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
