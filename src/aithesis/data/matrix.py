"""Dense ``T x N`` price arrays: what the store hands to the engines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PriceMatrix"]


@dataclass(frozen=True)
class PriceMatrix:
    """Prices of N tickers on T dates, aligned.

    Attributes:
        dates: ``datetime64[D]``, sorted, the union of the tickers' trading dates.
        tickers: column labels.
        values: ``float64`` array ``T x N`` in each listing's own currency; NaN before
            a ticker's first row and after its last (not listed); see
            :meth:`aithesis.data.store.Store.price_matrix` for holes inside.
        field: ``"adj_close"`` (total return basis) or ``"close"``.
        basis: per ticker, what ``close`` is (``raw``, ``auto_adjusted``, ``index``).
        currency: per ticker, the ISO currency of its prices.
    """

    dates: np.ndarray
    tickers: tuple[str, ...]
    values: np.ndarray
    field: str
    basis: tuple[str, ...]
    currency: tuple[str, ...]

    @property
    def shape(self) -> tuple[int, int]:
        """``(T, N)``."""
        return self.values.shape  # type: ignore[return-value]

    def column(self, ticker: str) -> np.ndarray:
        """The price column of one ticker (a view)."""
        return self.values[:, self.tickers.index(ticker)]

    def to_frame(self) -> pd.DataFrame:
        """DataFrame indexed by date, one column per ticker."""
        return pd.DataFrame(
            self.values, index=pd.DatetimeIndex(self.dates, name="date"), columns=list(self.tickers)
        )

    def _repr_html_(self) -> str:
        first = str(self.dates[0]) if len(self.dates) else "-"
        last = str(self.dates[-1]) if len(self.dates) else "-"
        return (
            f"<b>PriceMatrix</b> {self.field}: {len(self.dates)} dates ({first} to {last}) x "
            f"{len(self.tickers)} tickers<br>" + self.to_frame().tail(5).to_html()
        )
