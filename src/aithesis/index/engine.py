"""The index engine: prices + rebalance rows + target weights -> levels, weights, trades.

Pure NumPy over a ``T x N`` price array (index currency, NaN before a stock's first and
after its last close). No pandas and no loop over days: the path is cut into segments at
each rebalance and each exit of a held stock; inside a segment the holdings (units) are
constant, so the level of every day in it is one matrix-vector product.

Conventions:
    * Row 0 is the base date and must be a rebalance; the level there is ``base_value``,
      the capital invested at that close. With ``costs_on_launch`` (the default, as bt)
      the launch purchase pays ``costs_bps`` on the value bought, out of that capital:
      the holdings bought are worth ``base_value * (1 - costs_bps / 10,000)``, so row
      0's weights (fractions of ``base_value``) sum to ``1 - costs_bps / 10,000``, the
      first day's return includes the cost, and ``levels[-1] - levels[0] ==
      pnl.sum() - cost_points`` still holds. Without it the index launches fully
      invested at no cost.
    * At a rebalance row ``r`` the index trades at the close of ``r`` to the target
      weights, which must be 0 on names that cannot be traded there (no price yet, or
      ``r`` is their last close before the end of the data).
    * Between trades the holdings drift with prices.
    * A held stock whose last close ``e`` is before the last row is sold at that close
      and the proceeds go to the other holdings pro rata to their value at ``e``; if
      nothing else is held the index holds cash (flat level) until the next rebalance.
    * Costs: every unit of value bought or sold pays ``costs_bps / 10,000`` (one-way),
      taken from the index value before the trade, at rebalances and at exits. With
      ``u`` the drifted and ``w`` the target weights, ``turnover = sum|w - u| / 2``
      (one-way turnover) and ``cost = 2 * turnover * costs_bps / 10,000`` of value.
    * Holes *inside* a stock's listed window (another market's holiday) are forward
      filled; callers normally pass an already filled matrix.

Returns are simple; levels are in index points; weights are fractions of index value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aithesis.errors import DataError

__all__ = ["EngineResult", "eligible_mask", "listing_window", "run_index"]


@dataclass(frozen=True)
class EngineResult:
    """Arrays produced by :func:`run_index` (all float64 unless stated).

    Attributes:
        levels: ``(T,)`` index level at each close, after that day's trades and costs.
        weights: ``(T, N)`` end-of-day weights (after trades); None when not requested.
            Rows sum to 1, less any cash held after every holding exited (and, on row 0,
            less the launch cost when ``costs_on_launch``).
        holdings: ``(S, N)`` units of each stock held from ``segment_starts[s]`` until the
            next segment (index points per unit of index-currency price).
        segment_starts: ``(S,)`` int rows where holdings change (rebalances, exits).
        turnover: ``(T,)`` one-way turnover traded at each close (0 on no-trade days).
        costs: ``(T,)`` costs charged at each close as a fraction of the pre-trade level
            (row 0: the launch purchase's, when ``costs_on_launch``).
        pnl: ``(N,)`` profit of each stock over the whole path in index points; with
            ``cost_points`` it adds up exactly to ``levels[-1] - levels[0]``.
        cost_points: total costs in index points.
        cash: ``(T,)`` cash held at each close in index points (0 unless all exited).
    """

    levels: np.ndarray
    weights: np.ndarray | None
    holdings: np.ndarray
    segment_starts: np.ndarray
    turnover: np.ndarray
    costs: np.ndarray
    pnl: np.ndarray
    cost_points: float
    cash: np.ndarray


def _window(isnan: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """first/last/listed from a NaN mask, plus the columns that have any NaN.

    Only those columns are scanned (transposed, so each scan is contiguous): a column
    without NaN is listed from the first to the last row.
    """
    t_rows, n = isnan.shape
    dirty = np.flatnonzero(isnan.any(axis=0))
    first = np.zeros(n, dtype=np.intp)
    last = np.full(n, t_rows - 1, dtype=np.intp)
    listed = np.ones(n, dtype=bool)
    if dirty.size:
        valid = ~isnan.T[dirty]  # (D, T), rows contiguous
        any_valid = valid.any(axis=1)
        first[dirty] = np.where(any_valid, valid.argmax(axis=1), 0)
        last[dirty] = np.where(any_valid, t_rows - 1 - valid[:, ::-1].argmax(axis=1), -1)
        listed[dirty] = any_valid
    return first, last, listed, dirty


def listing_window(prices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First and last row with a price, per column.

    Args:
        prices: ``(T, N)`` float array, NaN where a stock has no close.

    Returns:
        ``(first, last, listed)``: ``(N,)`` int rows of the first and last non-NaN value
        and a bool mask of columns with any value (``first``/``last`` are 0/-1 if not).
    """
    first, last, listed, _ = _window(np.isnan(np.asarray(prices, dtype=np.float64)))
    return first, last, listed


def eligible_mask(first: np.ndarray, last: np.ndarray, row: int, n_rows: int) -> np.ndarray:
    """Names that may receive weight at the close of ``row``.

    A name is eligible when it has a close at or before ``row`` and is not leaving: its
    last close is after ``row``, or it trades until the last row of the data.

    Args:
        first, last: from :func:`listing_window`.
        row: the rebalance row.
        n_rows: ``T``, the number of rows.

    Returns:
        ``(N,)`` bool mask.
    """
    return (first <= row) & ((last > row) | (last == n_rows - 1))


def _clean_copy(
    prices: np.ndarray,
    isnan: np.ndarray,
    dirty: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    out: np.ndarray,
) -> None:
    """Write prices into ``out`` with NaN -> 0 and holes inside a window forward-filled."""
    np.copyto(out, prices)
    if not dirty.size:
        return
    np.copyto(out, 0.0, where=isnan)
    span = last[dirty] - first[dirty] + 1
    valid_count = prices.shape[0] - isnan.T[dirty].sum(axis=1)
    for j in dirty[(last[dirty] >= 0) & (valid_count != span)]:  # rare: gaps inside
        col = prices[first[j] : last[j] + 1, j]
        idx = np.where(np.isnan(col), 0, np.arange(col.size))
        np.maximum.accumulate(idx, out=idx)
        out[first[j] : last[j] + 1, j] = col[idx]


def _check_inputs(
    prices: np.ndarray, rebalance_rows: np.ndarray, target_weights: np.ndarray
) -> None:
    if prices.ndim != 2:
        raise ValueError("prices must be a T x N array")
    t_rows, n = prices.shape
    if t_rows == 0 or n == 0:
        raise DataError("no prices: the price array is empty")
    if rebalance_rows.ndim != 1 or rebalance_rows.size == 0 or rebalance_rows[0] != 0:
        raise ValueError("rebalance rows must start with row 0 (the base date)")
    if np.any(np.diff(rebalance_rows) <= 0) or rebalance_rows[-1] >= t_rows:
        raise ValueError("rebalance rows must be increasing and inside the price array")
    if target_weights.shape != (rebalance_rows.size, n):
        raise ValueError(
            f"target weights must be {rebalance_rows.size} x {n}, got {target_weights.shape}"
        )
    if np.any(~np.isfinite(target_weights)) or np.any(target_weights < 0):
        raise DataError("target weights must be finite and >= 0")
    sums = target_weights.sum(axis=1)
    if np.any((np.abs(sums - 1.0) > 1e-9) & (sums != 0.0)):
        raise DataError("each row of target weights must sum to 1 (or 0 to hold cash)")
    lowest = np.fmin.reduce(prices, axis=None)
    if lowest <= 0 or np.isposinf(np.fmax.reduce(prices, axis=None)):
        raise DataError(f"prices must be finite and > 0 (lowest is {lowest})")


def run_index(
    prices: np.ndarray,
    rebalance_rows: np.ndarray,
    target_weights: np.ndarray,
    *,
    base_value: float = 1000.0,
    costs_bps: float = 0.0,
    costs_on_launch: bool = True,
    daily_weights: bool = True,
    tickers: tuple[str, ...] | None = None,
) -> EngineResult:
    """Run a rebalanced, drifting, long-only index over a price array.

    Args:
        prices: ``(T, N)`` closes in index currency; NaN before listing / after the last
            close. Row 0 is the base date.
        rebalance_rows: ``(R,)`` increasing rows at whose close weights are reset; must
            start with 0 (see :func:`aithesis.index.schedule.rebalance_indices`).
        target_weights: ``(R, N)`` weights for each rebalance row, each row summing to 1
            (or all 0: hold cash), 0 on names not eligible that day (:func:`eligible_mask`).
        base_value: level at the base date.
        costs_bps: one-way cost in basis points on every purchase and sale.
        costs_on_launch: also charge ``costs_bps`` on the launch purchase at row 0
            (default); False: the index launches fully invested at no cost.
        daily_weights: also return the ``T x N`` end-of-day weights (the largest output).
        tickers: column names, only used in error messages.

    Returns:
        :class:`EngineResult`.

    Raises:
        DataError: on non-positive prices, weights that do not sum to 1, or a positive
            weight on a name without a tradable price at that rebalance (names it).
        ValueError: on inconsistent shapes (a programming error).
    """
    prices = np.asarray(prices, dtype=np.float64)
    rows = np.asarray(rebalance_rows, dtype=np.intp)
    targets = np.asarray(target_weights, dtype=np.float64)
    _check_inputs(prices, rows, targets)
    t_rows, n = prices.shape
    isnan = np.isnan(prices)
    first, last, _, dirty = _window(isnan)
    for k, r in enumerate(rows):
        bad = (targets[k] > 0) & ~eligible_mask(first, last, int(r), t_rows)
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            name = tickers[j] if tickers else f"column {j}"
            raise DataError(
                f"positive target weight on {name} at row {int(r)}, where it has no "
                "tradable close (not listed yet, or its last close)",
                field=name,
            )
    # One T x N buffer: first the NaN-free prices, then, segment by segment once its
    # prices have been used, the end-of-day weights (so the output costs no extra copy).
    if daily_weights or dirty.size:
        buf = np.empty((t_rows, n))
        _clean_copy(prices, isnan, dirty, first, last, buf)
        px = buf
    else:
        px = prices
    weights = buf if daily_weights else None
    del isnan
    exits = np.unique(last[(last >= 0) & (last < t_rows - 1)])
    events = np.union1d(rows, exits)
    row_of = {int(r): k for k, r in enumerate(rows)}

    k_cost = costs_bps / 10_000.0
    levels = np.empty(t_rows)
    cash_path = np.zeros(t_rows)
    turnover = np.zeros(t_rows)
    costs = np.zeros(t_rows)
    pnl = np.zeros(n)
    cost_points = 0.0
    seg_rows: list[int] = [0]

    value = float(base_value)
    launch = k_cost * float(targets[0].sum()) * value if costs_on_launch else 0.0
    costs[0] = launch / value
    cost_points += launch
    h = targets[0] * (value - launch) / np.where(px[0] > 0, px[0], 1.0)
    cash = value if targets[0].sum() == 0 else 0.0
    levels[0] = value
    cash_path[0] = cash
    seg_holdings: list[np.ndarray] = [h]
    prev = 0

    for e in events[1:]:
        e = int(e)
        is_rebalance = e in row_of
        leaving = (last == e) & (h > 0)
        if not is_rebalance and not leaving.any():
            continue
        _segment_levels(px, h, cash, prev, e, levels, cash_path)
        pnl += h * (px[e] - px[prev])
        value = float(levels[e])
        held = h * px[e]
        h_old = h
        if is_rebalance:
            w = targets[row_of[e]]
            traded = float(np.abs(w - held / value).sum())
            cost = k_cost * traded * value
            value -= cost
            h = w * value / np.where(px[e] > 0, px[e], 1.0)
            cash = value if w.sum() == 0 else 0.0
        else:
            sold = float(held[leaving].sum())
            h = np.where(leaving, 0.0, h)
            rest = value - sold - cash
            if rest > 0:
                traded = 2.0 * sold / value
                cost = k_cost * traded * value
                h *= (value - cost - cash) / rest
            else:
                traded = sold / value
                cost = k_cost * traded * value
                cash = value - cost
            value -= cost
        turnover[e] = traded / 2.0
        costs[e] = cost / levels[e]
        cost_points += cost
        levels[e] = value
        cash_path[e] = cash
        if weights is not None:
            _segment_weights(weights, h_old, prev, e, levels)
        prev = e
        seg_rows.append(e)
        seg_holdings.append(h)

    _segment_levels(px, h, cash, prev, t_rows - 1, levels, cash_path)
    pnl += h * (px[t_rows - 1] - px[prev])
    if weights is not None:
        _segment_weights(weights, h, prev, t_rows, levels)
    return EngineResult(
        levels=levels,
        weights=weights,
        holdings=np.vstack(seg_holdings),
        segment_starts=np.asarray(seg_rows, dtype=np.intp),
        turnover=turnover,
        costs=costs,
        pnl=pnl,
        cost_points=cost_points,
        cash=cash_path,
    )


def _segment_levels(
    px: np.ndarray,
    h: np.ndarray,
    cash: float,
    start: int,
    end: int,
    levels: np.ndarray,
    cash_path: np.ndarray,
) -> None:
    """Levels of rows ``start+1..end`` held with units ``h``: one matrix-vector product."""
    levels[start + 1 : end + 1] = px[start + 1 : end + 1] @ h + cash
    cash_path[start + 1 : end + 1] = cash


def _segment_weights(
    buf: np.ndarray, h: np.ndarray, start: int, stop: int, levels: np.ndarray
) -> None:
    """Turn rows ``start..stop-1`` of the price buffer into end-of-day weights, in place."""
    block = buf[start:stop]
    block *= h
    block /= levels[start:stop, None]
