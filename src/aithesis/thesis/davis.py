"""Davis double-click: split a price change into EPS growth and multiple (P/E) change.

With price ``P = EPS x PE``, a period's simple price return ``r`` satisfies
``(1 + r) = (1 + g_eps) (1 + g_pe)`` exactly, and in logs
``ln(1 + r) = ln(1 + g_eps) + ln(1 + g_pe)``, so the log shares of EPS and multiple add up
to 1. A "double-click" is both factors rising together; a "double-kill" both falling.
Article 000 frames Lenovo's re-rating this way (ISG profits = EPS, "inference narrative"
= multiple). Returns are simple decimals (0.25 = +25%); EPS must be positive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aithesis.errors import DataError
from aithesis.thesis.results import _Frame

__all__ = ["DavisResult", "davis_decomposition", "davis_from_frames"]


@dataclass(frozen=True)
class DavisResult(_Frame):
    """Levels and logs of a Davis decomposition (simple decimals)."""

    price_return: float
    eps_growth: float
    pe_change: float
    log_price: float
    log_eps: float
    log_pe: float
    start: str = ""
    end: str = ""

    @property
    def eps_share(self) -> float:
        """Share of the log price change explained by EPS growth (NaN if no change)."""
        return self.log_eps / self.log_price if self.log_price else math.nan

    @property
    def pe_share(self) -> float:
        """Share explained by the multiple (``1 - eps_share``)."""
        return self.log_pe / self.log_price if self.log_price else math.nan

    @property
    def kind(self) -> str:
        """'double-click', 'double-kill' or 'mixed'."""
        if self.eps_growth > 0 and self.pe_change > 0:
            return "double-click"
        if self.eps_growth < 0 and self.pe_change < 0:
            return "double-kill"
        return "mixed"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "level": [self.price_return, self.eps_growth, self.pe_change],
                "log": [self.log_price, self.log_eps, self.log_pe],
                "log_share": [1.0 if self.log_price else math.nan, self.eps_share, self.pe_share],
            },
            index=pd.Index(["price", "eps", "pe"], name="component"),
        )


def _positive(value: float | None, name: str) -> float:
    if value is None or not math.isfinite(value) or value <= 0:
        raise DataError(
            f"must be a positive number, got {value!r}",
            field=name,
            hint="P/E decomposition needs positive prices and EPS",
        )
    return float(value)


def davis_decomposition(
    price_start: float | None = None,
    price_end: float | None = None,
    eps_start: float | None = None,
    eps_end: float | None = None,
    *,
    price_return: float | None = None,
    eps_growth: float | None = None,
    start: str = "",
    end: str = "",
) -> DavisResult:
    """Decompose a price change into EPS growth and P/E change.

    Give either the four levels (prices and EPS at start and end) or the two rates
    ``price_return`` and ``eps_growth`` (simple decimals, each > -1).

    Raises:
        DataError: missing, non-positive or inconsistent inputs (names the argument).

    Example:
        >>> d = davis_decomposition(100, 150, 5, 6)
        >>> round(d.pe_change, 4)
        0.25
    """
    if price_return is None and eps_growth is None:
        p0, p1 = _positive(price_start, "price_start"), _positive(price_end, "price_end")
        e0, e1 = _positive(eps_start, "eps_start"), _positive(eps_end, "eps_end")
        r, g = p1 / p0 - 1, e1 / e0 - 1
    else:
        if price_return is None or eps_growth is None:
            raise DataError("give both price_return and eps_growth", field="eps_growth")
        _positive(1 + price_return, "price_return")
        _positive(1 + eps_growth, "eps_growth")
        r, g = float(price_return), float(eps_growth)
    pe = (1 + r) / (1 + g) - 1
    return DavisResult(
        price_return=r,
        eps_growth=g,
        pe_change=pe,
        log_price=math.log1p(r),
        log_eps=math.log1p(g),
        log_pe=math.log1p(pe),
        start=start,
        end=end,
    )


def _as_of(frame: pd.DataFrame, date_col: str, when: Any, what: str) -> pd.Series:
    rows = frame[pd.to_datetime(frame[date_col]) <= pd.Timestamp(when)]
    if rows.empty:
        raise DataError(f"no {what} on or before {pd.Timestamp(when).date()}", field=date_col)
    return rows.sort_values(date_col).iloc[-1]


def _eps_at(eps: pd.DataFrame, when: Any) -> float:
    """EPS of the latest period known on ``when`` (latest restatement published by then)."""
    rows = eps[pd.to_datetime(eps["period_end"]) <= pd.Timestamp(when)]
    if "as_of" in eps.columns:
        rows = rows[pd.to_datetime(rows["as_of"]) <= pd.Timestamp(when)]
    if rows.empty:
        raise DataError(f"no EPS known on {pd.Timestamp(when).date()}", field="eps")
    keys = ["period_end", "as_of"] if "as_of" in rows.columns else ["period_end"]
    return float(rows.sort_values(keys).iloc[-1]["value"])


def davis_from_frames(
    prices: pd.DataFrame, eps: pd.DataFrame, start: Any, end: Any, *, price_col: str = "close"
) -> DavisResult:
    """Davis decomposition from a price frame and EPS facts (no I/O; frames in memory).

    Args:
        prices: the store's price schema (``date`` and ``price_col``) for one ticker.
        eps: fundamentals rows for one ticker's EPS metric (``period_end``, ``value`` and,
            if present, ``as_of``: a fact counts only once it was published).
        start, end: dates; the last price and the EPS known on or before each are used.
        price_col: ``close`` for a price return (``adj_close`` adds dividends back).

    Raises:
        DataError: no price or EPS on or before a date, or EPS not positive.
    """
    p0 = _as_of(prices, "date", start, "price")[price_col]
    p1 = _as_of(prices, "date", end, "price")[price_col]
    e0, e1 = _eps_at(eps, start), _eps_at(eps, end)
    return davis_decomposition(
        float(p0),
        float(p1),
        float(e0),
        float(e1),
        start=str(pd.Timestamp(start).date()),
        end=str(pd.Timestamp(end).date()),
    )
