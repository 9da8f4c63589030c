"""The provider protocol: *transform query -> extract -> transform data* (OpenBB-style).

Every source implements the same three small steps and returns a
:class:`ProviderBatch` in the standard schema (:mod:`aithesis.data.schema`), whatever
its own column names. Adding a source never touches the store or the engines.
Providers raise :class:`~aithesis.errors.ProviderError` naming the source and ticker,
or report per-ticker failures in :attr:`ProviderBatch.failures` so that one bad ticker
does not sink the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from aithesis.data.schema import DIVIDEND_COLUMNS, FX_COLUMNS, PRICE_COLUMNS

__all__ = ["PriceQuery", "Provider", "ProviderBatch", "empty_frame"]


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    """An empty frame with the given standard columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass(frozen=True)
class PriceQuery:
    """What to fetch.

    Attributes:
        tickers: Yahoo-style symbols; ``None`` means everything the source holds.
        start, end: inclusive date bounds, or None for the full history.
        fx_pairs: FX pairs such as ``USDHKD``; ``None`` means all the source holds.
    """

    tickers: tuple[str, ...] | None = None
    start: date | None = None
    end: date | None = None
    fx_pairs: tuple[str, ...] | None = None


@dataclass
class ProviderBatch:
    """Standard frames from one fetch.

    Attributes:
        prices: :data:`~aithesis.data.schema.PRICE_COLUMNS`, ``adj_close`` may be NaN.
        dividends: :data:`~aithesis.data.schema.DIVIDEND_COLUMNS`.
        fx: :data:`~aithesis.data.schema.FX_COLUMNS`.
        warnings: per series name, validation warnings worth keeping.
        failures: per ticker or file, a one-line reason it was not fetched.
        dividends_for: tickers whose dividends here are complete over the span of their
            price rows (stored dividends in that span get replaced).
    """

    prices: pd.DataFrame = field(default_factory=lambda: empty_frame(PRICE_COLUMNS))
    dividends: pd.DataFrame = field(default_factory=lambda: empty_frame(DIVIDEND_COLUMNS))
    fx: pd.DataFrame = field(default_factory=lambda: empty_frame(FX_COLUMNS))
    warnings: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    dividends_for: set[str] = field(default_factory=set)

    @property
    def tickers(self) -> list[str]:
        """Tickers with price rows in this batch."""
        return sorted(self.prices["ticker"].unique()) if len(self.prices) else []


class Provider(ABC):
    """A data source. Subclasses implement the three steps; :meth:`fetch` chains them."""

    name: str = "provider"

    def transform_query(self, query: PriceQuery) -> Any:
        """Turn the standard query into the source's own parameters (default: as is)."""
        return query

    @abstractmethod
    def extract(self, params: Any) -> Any:
        """Fetch raw payloads from the source (files, HTTP, a library call)."""

    @abstractmethod
    def transform_data(self, raw: Any, query: PriceQuery) -> ProviderBatch:
        """Map raw payloads onto the standard schema, validating as it goes."""

    def fetch(self, query: PriceQuery | None = None) -> ProviderBatch:
        """Run the three steps."""
        query = query or PriceQuery()
        return self.transform_data(self.extract(self.transform_query(query)), query)
