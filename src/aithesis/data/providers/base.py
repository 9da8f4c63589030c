"""The provider protocol: *transform query -> extract -> transform data* (OpenBB-style).

Every source implements the same three small steps and returns a
:class:`ProviderBatch` in the standard schema (:mod:`aithesis.data.schema`), whatever
its own column names. Adding a source never touches the store or the engines.

One protocol serves both kinds of data a source may give (:attr:`Provider.kinds`):

* **prices** (``"prices"``): :meth:`Provider.transform_query` -> :meth:`Provider.extract`
  -> :meth:`Provider.transform_data`, chained by :meth:`Provider.fetch`, from a
  :class:`PriceQuery` to a :class:`ProviderBatch`;
* **fundamentals** (``"fundamentals"``): :meth:`Provider.transform_fundamentals_query`
  -> :meth:`Provider.extract_fundamentals` -> :meth:`Provider.transform_fundamentals`,
  chained by :meth:`Provider.fetch_fundamentals`, from a :class:`FundamentalsQuery` (one
  ticker) to a :class:`FundamentalsBatch` whose ``facts`` frame has the store's
  fundamentals columns. The KPI layer only consumes that frame.

A step a source does not implement raises :class:`~aithesis.errors.ProviderError`
naming the source and what it does give.
Providers raise :class:`~aithesis.errors.ProviderError` naming the source and ticker,
or report per-ticker failures in :attr:`ProviderBatch.failures` so that one bad ticker
does not sink the rest.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import pandas as pd

from aithesis.data.schema import (
    DIVIDEND_COLUMNS,
    FUNDAMENTAL_COLUMNS,
    FX_COLUMNS,
    PRICE_COLUMNS,
)
from aithesis.errors import ProviderError

__all__ = [
    "FundamentalsBatch",
    "FundamentalsQuery",
    "PriceQuery",
    "Provider",
    "ProviderBatch",
    "empty_frame",
]


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


@dataclass(frozen=True)
class FundamentalsQuery:
    """Which fundamentals to fetch for one company.

    Attributes:
        ticker: the symbol the rows are filed under (upper case).
        metrics: subset of the source's metrics; ``None`` means all it knows (metrics the
            company does not report are then listed, not an error).
        entity: entity slug for the rows (default: the source's own, else the lower-cased
            ticker).
        refresh: bypass any cache of the source.
        options: source-specific extras (e.g. akshare's ``hk_items``).
    """

    ticker: str
    metrics: tuple[str, ...] | None = None
    entity: str | None = None
    refresh: bool = False
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class FundamentalsBatch:
    """Standard fundamentals of one company from one fetch.

    Attributes:
        facts: :data:`~aithesis.data.schema.FUNDAMENTAL_COLUMNS`, one row a filed version.
        missing_metrics: requested (or known) metrics the company does not report.
        warnings: one line each, naming ticker, metric/concept and period: gaps, derived
            values refused, figures not stored (e.g. convenience translations).
    """

    facts: pd.DataFrame = field(default_factory=lambda: empty_frame(FUNDAMENTAL_COLUMNS))
    missing_metrics: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Provider(ABC):  # noqa: B024 - every step is optional; a source implements its kinds
    """A data source. Subclasses implement the steps of the kinds they give.

    Attributes:
        name: registry name.
        kinds: ``"prices"`` and/or ``"fundamentals"``.
    """

    name: str = "provider"
    kinds: ClassVar[tuple[str, ...]] = ("prices",)

    def _unsupported(self, kind: str) -> ProviderError:
        return ProviderError(
            f"provider '{self.name}' gives no {kind}",
            field="provider",
            hint=f"it gives {', '.join(self.kinds)}",
        )

    # ----------------------------------------------------------------- prices
    def transform_query(self, query: PriceQuery) -> Any:
        """Turn the standard query into the source's own parameters (default: as is)."""
        return query

    def extract(self, params: Any) -> Any:
        """Fetch raw payloads from the source (files, HTTP, a library call)."""
        raise self._unsupported("prices")

    def transform_data(self, raw: Any, query: PriceQuery) -> ProviderBatch:
        """Map raw payloads onto the standard schema, validating as it goes."""
        raise self._unsupported("prices")

    def fetch(self, query: PriceQuery | None = None) -> ProviderBatch:
        """Run the three price steps."""
        query = query or PriceQuery()
        return self.transform_data(self.extract(self.transform_query(query)), query)

    # ----------------------------------------------------------- fundamentals
    def transform_fundamentals_query(self, query: FundamentalsQuery) -> Any:
        """Turn the standard query into the source's parameters (default: as is)."""
        return query

    def extract_fundamentals(self, params: Any) -> Any:
        """Fetch the raw statements or payload of one company."""
        raise self._unsupported("fundamentals")

    def transform_fundamentals(self, raw: Any, query: FundamentalsQuery) -> FundamentalsBatch:
        """Map the raw statements onto the fundamentals schema (pure, no I/O)."""
        raise self._unsupported("fundamentals")

    def fetch_fundamentals(self, query: FundamentalsQuery) -> FundamentalsBatch:
        """Run the three fundamentals steps.

        Raises:
            ProviderError: the source gives no fundamentals, or the company's fetch failed.
        """
        params = self.transform_fundamentals_query(query)
        return self.transform_fundamentals(self.extract_fundamentals(params), query)

    def fundamentals(
        self,
        ticker: str,
        *,
        metrics: Sequence[str] | None = None,
        entity: str | None = None,
        refresh: bool = False,
        **options: Any,
    ) -> pd.DataFrame:
        """Shortcut: :meth:`fetch_fundamentals` for one ticker, returning the facts frame.

        ``frame.attrs`` carry ``missing_metrics`` and ``warnings`` of the batch.
        """
        query = FundamentalsQuery(
            ticker.upper(),
            tuple(metrics) if metrics is not None else None,
            entity,
            refresh,
            dict(options),
        )
        batch = self.fetch_fundamentals(query)
        frame = batch.facts
        frame.attrs["missing_metrics"] = list(batch.missing_metrics)
        frame.attrs["warnings"] = list(batch.warnings)
        return frame
