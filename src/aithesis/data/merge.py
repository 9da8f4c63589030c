"""The price-merge policy: how new rows meet stored ones (pure pandas, no DuckDB).

:func:`merge_prices` is everything :meth:`aithesis.data.store.Store.write_batch` decides
about prices before it writes them: refuse a basis change, refuse (or warn about) a
re-based history, let new rows win on shared dates, and rebuild ``adj_close`` over the
whole history of each ticker touched. The store only reads the stored rows, calls this,
and writes the result in the same transaction.

Re-base checks (``close`` is compared on dates both the stored and the new rows hold):

* a ratio new/stored below x0.55 or above x1.8 on any shared date (a split) is refused;
* two or more shared dates all moved by one common factor (more than 0.1 %) are refused:
  the source re-based its history (a split for split-adjusted closes, every dividend for
  auto-adjusted ones);
* exactly ONE shared date that joins rows outside the stored span (an append or a
  prepend overlapping by a day) cannot tell a re-base from a correction: a difference of
  more than 2 % on that date is refused as a likely re-base (a 3:2 re-base would
  otherwise splice in a -34 % day), a difference between 0.1 % and 2 % is stored with a
  warning naming the date and the ratio;
* a few corrected closes inside the stored span are an ordinary upsert;
* with no shared date, a first new close that jumps like an unadjusted split from the
  last stored one is stored with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aithesis.data.adjust import dividend_adjusted_close
from aithesis.data.validate import SPLIT_JUMP_HIGH, SPLIT_JUMP_LOW
from aithesis.errors import DataError

__all__ = [
    "JOIN_RTOL",
    "NOTE",
    "ONE_OVERLAP_REFUSE",
    "PriceMerge",
    "PriorSeries",
    "check_basis",
    "check_joins",
    "dividend_spans",
    "fill_adj_close",
    "merge_prices",
]

NOTE = "adj_close: "  # prefix of derivation notes, recomputed on every write
JOIN_RTOL = 1e-3  # new and stored closes on a shared date may differ this much (relative)
ONE_OVERLAP_REFUSE = 0.02  # one joining shared date off by more than this: refused


@dataclass(frozen=True)
class PriorSeries:
    """What the store remembers of a price series: where its ``adj_close`` came from
    (``source``, ``dividends``, ``close``, ...) and its provenance warnings."""

    adj_close_from: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class PriceMerge:
    """The result of :func:`merge_prices`.

    Attributes:
        frame: every row of the touched tickers (stored and new, new winning on a shared
            date), sorted by ticker and date, ``adj_close`` filled.
        sources: per ticker, where ``adj_close`` came from.
        warnings: per ticker, the provenance warnings to store (validation, joins and
            ``adj_close:`` derivation notes).
    """

    frame: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def dividend_spans(prices: pd.DataFrame, tickers: set[str] | frozenset[str]) -> pd.DataFrame:
    """``ticker, min, max`` (``datetime.date``) of the new price rows of each listed ticker:
    the span over which the batch's dividends are complete."""
    dates = pd.to_datetime(prices["date"])
    spans = (
        pd.DataFrame({"ticker": prices["ticker"], "date": dates})
        .loc[lambda f: f["ticker"].isin(tickers)]
        .groupby("ticker")["date"]
        .agg(["min", "max"])
        .reset_index()
    )
    if not spans.empty:
        spans["min"], spans["max"] = spans["min"].dt.date, spans["max"].dt.date
    return spans


def merge_prices(
    old: pd.DataFrame,
    new: pd.DataFrame | None,
    dividends: pd.DataFrame,
    prior: Mapping[str, PriorSeries],
    tickers: list[str],
    warnings: Mapping[str, list[str]],
) -> PriceMerge:
    """Merge new price rows onto the stored ones and rebuild ``adj_close``.

    Args:
        old: stored rows of the touched tickers (standard price columns).
        new: the batch's rows (same columns; ``adj_close`` may be NaN), or None when only
            dividends changed.
        dividends: stored dividends of the touched tickers (``ticker, ex_date, amount``),
            already updated by the batch.
        prior: per ticker, what the store remembers (:class:`PriorSeries`).
        tickers: every ticker touched by the write.
        warnings: validation warnings of this batch per ticker; a ticker listed here
            replaces its old validation warnings, others keep theirs.

    Raises:
        DataError: a basis change or a re-based history (module docstring).
    """
    old = old.copy()
    old["date"] = pd.to_datetime(old["date"])
    new = old.iloc[0:0] if new is None else new.loc[:, list(old.columns)].copy()
    new["date"] = pd.to_datetime(new["date"])
    check_basis(old, new)
    joins = check_joins(old, new)
    merged = (
        pd.concat([old, new], ignore_index=True)
        .drop_duplicates(["ticker", "date"], keep="last")  # new rows win
        .sort_values(["ticker", "date"], kind="stable")
        .reset_index(drop=True)
    )
    given = set(new.loc[new["adj_close"].notna(), "ticker"].unique()) if len(new) else set()
    result = PriceMerge(frame=merged)
    notes: dict[str, list[str]] = {}
    for ticker, rows in merged.groupby("ticker", sort=False).indices.items():
        result.sources[ticker], notes[ticker] = fill_adj_close(
            merged, rows, ticker, dividends, prior.get(ticker), ticker in given
        )
    for ticker in tickers:
        if ticker in warnings:  # this write validated the ticker's rows afresh
            validation = list(warnings[ticker])
        elif ticker in prior:
            validation = [w for w in prior[ticker].warnings if not w.startswith(NOTE)]
        else:
            validation = []
        result.warnings[ticker] = (
            validation + joins.get(ticker, []) + [NOTE + n for n in notes.get(ticker, [])]
        )
    return result


def _refuse_rebase(ticker: str, both: pd.DataFrame, rel: np.ndarray, detail: str) -> None:
    i = int(np.argmax(rel))
    raise DataError(
        f"new closes of {ticker} disagree with the stored ones on "
        f"{int((rel > JOIN_RTOL).sum())} shared date(s), e.g. "
        f"{both['date'].iloc[i]:%Y-%m-%d}: {both['close_new'].iloc[i]:g} vs "
        f"stored {both['close_old'].iloc[i]:g}; {detail}",
        file=ticker,
        field="close",
        hint=f"run 'aithesis data delete {ticker}' and import or pull its full history again",
    )


def check_joins(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, list[str]]:
    """Apply the re-base checks of the module docstring; return join warnings per ticker.

    Raises:
        DataError: naming the ticker, a shared date and both closes.
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
                and bool((rel > JOIN_RTOL).all())
                and float(np.ptp(ratio)) < JOIN_RTOL * float(np.median(ratio))
            )
            if split_like.any() or rebased:
                _refuse_rebase(
                    ticker,
                    both,
                    rel,
                    "they look re-based (a split, or dividends in auto-adjusted prices) or "
                    "corrected by a split-like factor",
                )
            outside = (fresh["date"] > stored["date"].max()) | (
                fresh["date"] < stored["date"].min()
            )
            if len(ratio) == 1 and bool(outside.any()) and rel[0] > JOIN_RTOL:
                day = f"{both['date'].iloc[0]:%Y-%m-%d}"
                if rel[0] > ONE_OVERLAP_REFUSE:
                    _refuse_rebase(
                        ticker,
                        both,
                        rel,
                        f"the one date the new rows share with the stored ones differs by "
                        f"x{ratio[0]:.4f}, which looks re-based (splicing it would fake a "
                        f"{ratio[0] - 1:+.1%} day)",
                    )
                warnings.setdefault(ticker, []).append(
                    f"{ticker}: the new rows share one date with the stored ones ({day}) and "
                    f"its close differs by x{ratio[0]:.4f}; if the source re-based its "
                    "history, delete the ticker and import it whole"
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


def check_basis(old: pd.DataFrame, new: pd.DataFrame) -> None:
    """Refuse new rows whose basis differs from the ticker's stored basis.

    Raises:
        DataError: naming the ticker and both bases.
    """
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


def fill_adj_close(
    merged: pd.DataFrame,
    rows: np.ndarray,
    ticker: str,
    dividends: pd.DataFrame,
    prior: PriorSeries | None,
    given_now: bool,
) -> tuple[str, list[str]]:
    """Set ``adj_close`` of one ticker's ``rows`` of ``merged`` in place.

    ``close`` itself for ``auto_adjusted`` and ``index`` series; for ``raw`` series the
    source's ``adj_close`` when it gave one (now, or on an earlier write) and no
    dividends are stored (rows without it chained on with price returns), else derived
    from ``close`` and the stored dividends by Yahoo's convention
    (:func:`aithesis.data.adjust.dividend_adjusted_close`).

    Returns:
        ``(adj_close_from, notes)``: where it came from, and derivation notes.
    """
    basis = merged.at[rows[0], "basis"]
    close = merged["close"].to_numpy()[rows]
    if basis in ("auto_adjusted", "index"):
        merged.loc[rows, "adj_close"] = close
        return "close", []
    own = dividends.loc[dividends["ticker"] == ticker]
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
