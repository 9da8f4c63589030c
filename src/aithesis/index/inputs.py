"""Gather what an index build needs from the store and the universe, as arrays.

This is the one place in ``index/`` that talks to a :class:`~aithesis.data.store.Store`
(passed in, never opened here): it resolves the names, reads the price matrix, converts
it to the index currency with stored FX, and reads shares outstanding. Everything it
returns is plain NumPy for the pure engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aithesis.dates import parse_date
from aithesis.errors import DataError, SpecError, UnknownTickerError
from aithesis.index.methodology import Methodology
from aithesis.index.schemes import SCHEMES, get_scheme
from aithesis.markets import currency_of

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store
    from aithesis.universe import Company, Universe

__all__ = ["IndexInputs", "gather_inputs", "shares_outstanding"]

_FX_STALE_DAYS = 10


@dataclass(frozen=True)
class IndexInputs:
    """Arrays for one build: prices from the base date on, in index currency.

    Attributes:
        dates: ``(T,)`` ``datetime64[D]``, row 0 the base date.
        tickers: ``(N,)`` names, in the methodology's order.
        prices: ``(T, N)`` index-currency prices, NaN outside each listed window.
        companies: universe record per name (None when a ticker is not in the universe).
        warnings: approximations made (stale FX, names without stored prices, ...).
        history: ``(H, N)`` index-currency prices of the ``H`` trading days before the
            base date, for schemes that read trailing returns (``H`` at most the
            scheme's ``history_days``, fewer when the data start later); None otherwise.
        sources: ``(series, origin)`` for each ticker and each FX pair used: the store's
            ``source`` provenance of the series (None when it recorded none).
    """

    dates: np.ndarray
    tickers: tuple[str, ...]
    prices: np.ndarray
    companies: tuple[Company | None, ...]
    warnings: tuple[str, ...]
    history: np.ndarray | None = None
    sources: tuple[tuple[str, str | None], ...] = ()


def _sources(
    store: Store, tickers: list[str], currencies: list[str], index_currency: str
) -> tuple[tuple[str, str | None], ...]:
    """Where each ticker's series (and each FX pair converting it) came from."""
    converted = any(c != index_currency for c in currencies)
    pairs = sorted({f"USD{c}" for c in (*currencies, index_currency) if c != "USD"})
    pairs = pairs if converted else []
    info = store.series_info()
    origin = {
        (str(kind), str(name)): src
        for kind, name, src in zip(info["kind"], info["name"], info["source"], strict=True)
    }
    return tuple((t, origin.get(("price", t))) for t in tickers) + tuple(
        (p, origin.get(("fx", p))) for p in pairs
    )


def _universe(universe: Universe | None) -> Universe:
    if universe is not None:
        return universe
    from aithesis.universe import load_universe

    return load_universe()


def _resolve_names(
    m: Methodology, store: Store, universe: Universe | None
) -> tuple[list[str], list[Company | None], list[str]]:
    spec = m.universe
    warnings: list[str] = []
    uni = _universe(universe)
    scheme = get_scheme(m.weighting.scheme)
    if spec.is_explicit:
        tickers = list(spec.tickers or [])
        companies: list[Company | None] = []
        for t in tickers:
            company = None
            if t in uni:
                company = uni.get(t)
            elif scheme.needs_universe:
                free = " / ".join(s.name for s in SCHEMES.values() if not s.needs_universe)
                raise SpecError(
                    f"{t} is not in the universe, so it has no "
                    + ("AI-exposure score" if "exposure" in scheme.needs else "theme"),
                    file=m.file,
                    field="universe.tickers",
                    hint=f"add it to a universe file or use scheme: {free}",
                )
            companies.append(company)
        return tickers, companies, warnings
    picked = list(
        uni.filter(
            themes=spec.themes,
            markets=spec.markets,
            min_exposure=spec.min_exposure,
            listed_only=True,
            top_n=spec.top_n,
            include_aliases=False,
        )
    )
    described = _describe_filters(m)
    if not picked:
        raise SpecError(
            f"the universe filter ({described}) selects no listed company",
            file=m.file,
            field="universe",
            hint="loosen the filters; `aithesis universe list` shows what is there",
        )
    stored = set(store.tickers())
    kept = [c for c in picked if c.ticker in stored]
    missing = [c.ticker for c in picked if c.ticker not in stored]
    if not kept:
        raise SpecError(
            f"the universe filter ({described}) selects {len(picked)} companies but none "
            f"has stored prices ({', '.join(missing[:8])}{'...' if len(missing) > 8 else ''})",
            file=m.file,
            field="universe",
            hint="import or pull their prices first (aithesis data import / data pull)",
        )
    if missing:
        warnings.append(f"left out (no stored prices): {', '.join(missing)}")
    return [c.ticker for c in kept], list(kept), warnings


def _describe_filters(m: Methodology) -> str:
    spec = m.universe
    parts = [
        f"{k}={v}"
        for k, v in (
            ("themes", spec.themes),
            ("markets", spec.markets),
            ("min_exposure", spec.min_exposure),
            ("top_n", spec.top_n),
        )
        if v is not None
    ]
    return ", ".join(parts) or "no filters"


def _to_day(value: Any, field: str = "date") -> np.datetime64:
    return np.datetime64(parse_date(value, field), "D")


def gather_inputs(
    m: Methodology,
    store: Store,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    universe: Universe | None = None,
) -> IndexInputs:
    """Names, prices (index currency) and dates for building ``m``.

    When the methodology's scheme reads trailing returns (its registry entry's
    ``history_days``, e.g. ``inverse_volatility``), that many trading days before the
    base date are kept too, converted the same way, in :attr:`IndexInputs.history`.

    Args:
        m: the methodology.
        store: an open store.
        start: overrides ``m.base_date``; end: last date (inclusive), default all data.
        universe: the universe to resolve names in (default: the built-in one).

    Raises:
        UnknownTickerError: an explicit ticker has no stored prices (names it).
        SpecError: the filter selects nothing, the base date is before any data or after
            the last, or nothing is tradable on the base date (names file and key).
        DataError: ``return_type: price`` on an ``auto_adjusted`` ticker, or FX missing
            for a listing in another currency (names the ticker and pair).
    """
    tickers, companies, warnings = _resolve_names(m, store, universe)
    field = "adj_close" if m.return_type == "total" else "close"
    try:
        pm = store.price_matrix(tickers, end=end, field=field)
    except UnknownTickerError as exc:
        raise UnknownTickerError(
            exc.message, file=m.file or exc.file, field="universe.tickers", hint=exc.hint
        ) from None
    except DataError as exc:
        raise DataError(exc.message, file=m.file, field="return_type", hint=exc.hint) from None
    if field == "close":
        auto = [t for t, b in zip(pm.tickers, pm.basis, strict=True) if b == "auto_adjusted"]
        if auto:
            raise DataError(
                f"price return unavailable for {', '.join(auto)}: the stored close is "
                "auto_adjusted (already includes dividends)",
                file=m.file,
                field="return_type",
                hint="use return_type: total, or load a raw-close series for it",
            )
    values, dates = pm.values, pm.dates
    base = _to_day(start if start is not None else m.base_date, "start")
    key = "start" if start is not None else "base_date"
    valid = ~np.isnan(values)
    listed = valid.any(axis=0)
    if dates.size == 0 or not listed.any():
        raise SpecError(
            "no prices for any name of the index" + (f" up to {end}" if end else ""),
            file=m.file,
            field=key,
        )
    firsts = dates[valid.argmax(axis=0)]
    earliest = firsts[listed].min()
    if base < earliest:
        j = int(np.flatnonzero(listed & (firsts == earliest))[0])
        raise SpecError(
            f"base date {base} is before any data: the first price is {tickers[j]} on {earliest}",
            file=m.file,
            field=key,
            hint=f"use a base date on or after {earliest}",
        )
    row0 = int(np.searchsorted(dates, base))
    if row0 >= dates.size:
        raise SpecError(
            f"base date {base} is after the last price ({dates[-1]})",
            file=m.file,
            field=key,
            hint="use an earlier base date or import newer prices",
        )
    history_days = get_scheme(m.weighting.scheme).history_days
    lead = min(row0, history_days)  # trading days kept before the base date
    dates, values = dates[row0 - lead :], values[row0 - lead :]
    currencies = [c or currency_of(t) for t, c in zip(pm.tickers, pm.currency, strict=True)]
    values, fx_warnings = _convert(values, dates, tickers, currencies, m.currency, store, m.file)
    return IndexInputs(
        dates=dates[lead:],
        tickers=tuple(tickers),
        prices=values[lead:],
        companies=tuple(companies),
        warnings=tuple(warnings + fx_warnings),
        history=values[:lead] if history_days else None,
        sources=_sources(store, tickers, currencies, m.currency),
    )


def _usd_rate(
    currency: str, dates: np.ndarray, store: Store, ticker: str, file: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Units of ``currency`` per USD on each date (as of), and the age of each rate in days."""
    if currency == "USD":
        return np.ones(dates.size), np.zeros(dates.size, dtype=np.int64)
    pair = f"USD{currency}"
    try:
        series = store.fx(pair, end=str(dates[-1]))
    except UnknownTickerError:
        raise DataError(
            f"{ticker} is quoted in {currency} but the store has no FX series {pair}",
            file=file,
            field="currency",
            hint=f"import {pair} (fx/{pair}.csv, {currency} per USD) or drop {ticker}",
        ) from None
    fx_dates = series.index.to_numpy().astype("datetime64[D]")
    pos = np.searchsorted(fx_dates, dates, side="right") - 1
    if pos.size and pos[0] < 0:
        raise DataError(
            f"no {pair} rate on or before {dates[0]} to convert {ticker}",
            file=file,
            field="currency",
            hint=f"import {pair} history from {dates[0]} or start the index later",
        )
    rate = series.to_numpy(dtype=np.float64)[pos]
    age = (dates - fx_dates[pos]).astype(np.int64)
    return rate, age


def _convert(
    values: np.ndarray,
    dates: np.ndarray,
    tickers: list[str],
    currencies: list[str],
    index_currency: str,
    store: Store,
    file: str | None,
) -> tuple[np.ndarray, list[str]]:
    """Prices in index currency: ``local / (local per USD) * (index per USD)``."""
    warnings: list[str] = []
    foreign = [j for j, c in enumerate(currencies) if c != index_currency]
    if not foreign:
        return values, warnings
    out = values.copy()
    index_rate, index_age = _usd_rate(
        index_currency, dates, store, f"the index currency {index_currency}", file
    )
    for j in foreign:
        listed = ~np.isnan(values[:, j])
        if not listed.any():
            continue
        span = slice(int(listed.argmax()), int(listed.size - listed[::-1].argmax()))
        local_rate, local_age = _usd_rate(currencies[j], dates[span], store, tickers[j], file)
        out[span, j] = values[span, j] / local_rate * index_rate[span]
        stale = int(max(local_age.max(), index_age[span].max()))
        if stale > _FX_STALE_DAYS:
            warnings.append(
                f"{tickers[j]}: {currencies[j]}->{index_currency} uses an FX rate up to "
                f"{stale} days old (FX series ends before the prices)"
            )
    return out, warnings


def shares_outstanding(
    facts: pd.DataFrame | None,
    tickers: tuple[str, ...],
    dates: np.ndarray,
    file: str | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Shares outstanding of each name on each given date, point in time.

    Uses facts with metric ``shares_outstanding`` from the fundamentals table: on each
    date the latest fact whose ``period_end`` (or ``as_of`` when no period end) is on or
    before it. A date before a name's first fact uses that first fact and says so in
    the returned warnings.

    Args:
        facts: fundamentals rows with metric ``shares_outstanding`` (as
            ``Store.fundamentals(metric="shares_outstanding")`` returns them; None or
            empty when there are none); tickers: the names; dates: ``(R,)``
            ``datetime64[D]``.

    Returns:
        ``((R, N) shares, warnings)``.

    Raises:
        DataError: naming every ticker with no shares-outstanding fact at all.
    """
    if facts is None:
        facts = pd.DataFrame(columns=["ticker", "period_end", "as_of", "value"])
    facts = facts[facts["ticker"].isin(tickers)] if len(facts) else facts
    have = set(facts["ticker"]) if len(facts) else set()
    lacking = [t for t in tickers if t not in have]
    if lacking:
        raise DataError(
            "market_cap weighting needs shares outstanding, missing for: " + ", ".join(lacking),
            file=file,
            field="weighting.scheme",
            hint="add fundamentals rows with metric 'shares_outstanding' (unit 'shares') "
            "for them, or use scheme: equal",
        )
    out = np.empty((dates.size, len(tickers)))
    warnings: list[str] = []
    for j, t in enumerate(tickers):
        rows = facts[facts["ticker"] == t]
        when = rows["period_end"].fillna(rows["as_of"])
        order = np.argsort(when.to_numpy().astype("datetime64[D]"), kind="stable")
        fact_dates = when.to_numpy().astype("datetime64[D]")[order]
        fact_values = rows["value"].to_numpy(dtype=np.float64)[order]
        pos = np.searchsorted(fact_dates, dates, side="right") - 1
        if (pos < 0).any():
            warnings.append(
                f"{t}: shares outstanding first known {fact_dates[0]}; earlier rebalances "
                "use that count"
            )
        out[:, j] = fact_values[np.maximum(pos, 0)]
    return out, warnings
