"""SEC EDGAR XBRL ``companyfacts`` provider (name ``"sec"``): capex, revenue, earnings,
R&D, shares.

Source: ``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json`` (ticker -> CIK
via a built-in map for the universe's large US names, else
``https://www.sec.gov/files/company_tickers.json``). Three parts:

* :mod:`.sec_client` - the HTTP client (User-Agent, rate limit, retries, disk cache);
* :mod:`.sec_facts` and :mod:`.sec_xbrl` - pure functions over the JSON: validation,
  fiscal calendar, de-cumulation, precedence, currency (documented there);
* :mod:`.sec_files` - recorded payloads offline (a folder or ``companyfacts.zip``);
* this module - :class:`SecProvider`, the fundamentals steps of the provider protocol
  (:mod:`.base`): query (ticker -> CIK) -> extract (the payload) -> transform (rows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aithesis.data.providers.base import FundamentalsBatch, FundamentalsQuery, Provider
from aithesis.data.providers.sec_client import (
    COMPANYFACTS_URL,
    ENV_USER_AGENT,
    TICKERS_URL,
    SecClient,
)
from aithesis.data.providers.sec_facts import BUILTIN_CIKS, entity_slug
from aithesis.data.providers.sec_files import SecFiles
from aithesis.data.providers.sec_xbrl import (
    METRICS,
    SOURCE,
    MetricSpec,
    companyfacts_to_frame,
    shares_outstanding_frame,
)
from aithesis.errors import ProviderError, UnknownTickerError

__all__ = [
    "BUILTIN_CIKS",
    "COMPANYFACTS_URL",
    "ENV_USER_AGENT",
    "METRICS",
    "SOURCE",
    "TICKERS_URL",
    "MetricSpec",
    "SecClient",
    "SecFiles",
    "SecProvider",
    "companyfacts_to_frame",
    "shares_outstanding_frame",
]


class SecProvider(Provider):
    """Fundamentals from SEC EDGAR companyfacts (provider name ``"sec"``).

    Args:
        client: a configured :class:`SecClient` (default: one from the environment,
            created on first use so that constructing the provider never fails).
        files: read recorded payloads instead of the network: a folder of
            ``CIK##########.json`` files or SEC's ``companyfacts.zip``
            (:class:`~.sec_files.SecFiles`); tickers map through the built-in map, then
            the ``company_tickers.json`` beside them.
    """

    name = "sec"
    kinds = ("fundamentals",)

    def __init__(
        self, client: SecClient | None = None, *, files: str | Path | SecFiles | None = None
    ) -> None:
        self._client = client
        self._tickers: dict[str, int] | None = None
        self.files = SecFiles(files) if isinstance(files, str | Path) else files

    @property
    def client(self) -> SecClient:
        """The HTTP client (created from the environment on first use)."""
        if self._client is None:
            self._client = SecClient()
        return self._client

    def cik(self, ticker: str) -> int:
        """CIK of ``ticker`` (built-in map, else SEC's company_tickers.json).

        Raises:
            UnknownTickerError: the SEC does not list the ticker.
        """
        symbol = ticker.upper()
        if symbol in BUILTIN_CIKS:
            return BUILTIN_CIKS[symbol][0]
        if self._tickers is None and self.files is not None:
            self._tickers = self.files.ticker_map() or {}
        if self._tickers is None:
            raw = self.client.get_json(TICKERS_URL, "company_tickers.json", what="the ticker list")
            rows = raw.values() if isinstance(raw, dict) else raw
            self._tickers = {
                str(r["ticker"]).upper(): int(r["cik_str"])
                for r in rows
                if isinstance(r, dict) and "ticker" in r and "cik_str" in r
            }
        if symbol not in self._tickers:
            offline = self.files is not None
            raise UnknownTickerError(
                f"the SEC lists no ticker {symbol}"
                + (f" (no ticker map entry in {self.files.path})" if offline else ""),
                field="ticker",
                hint="add company_tickers.json beside the files"
                if offline
                else "SEC data covers US filers; use the akshare provider for HK/A-shares",
            )
        return self._tickers[symbol]

    def companyfacts(self, ticker: str, *, refresh: bool = False) -> dict:
        """The raw companyfacts payload of ``ticker`` (cached, or from :attr:`files`)."""
        cik = self.cik(ticker)
        if self.files is not None:
            return self.files.payload(cik)
        return self.client.get_json(
            COMPANYFACTS_URL.format(cik=cik),
            f"CIK{cik:010d}.json",
            what=f"{ticker.upper()} (CIK {cik})",
            refresh=refresh,
        )

    # ------------------------------------------------------------- protocol
    def transform_fundamentals_query(self, query: FundamentalsQuery) -> FundamentalsQuery:
        """Resolve the ticker to a CIK early, so an unknown ticker fails before any pull."""
        self.cik(query.ticker)
        return query

    def extract_fundamentals(self, params: FundamentalsQuery) -> dict:
        """The companyfacts payload (from the cache when fresh)."""
        return self.companyfacts(params.ticker, refresh=params.refresh)

    def transform_fundamentals(self, raw: dict, query: FundamentalsQuery) -> FundamentalsBatch:
        """Rows, missing metrics and warnings (see :func:`companyfacts_to_frame`); errors
        name the file when the payload was read from :attr:`files`.

        A payload refused here is dropped from the cache, so the next pull fetches it anew.
        """
        try:
            frame = companyfacts_to_frame(
                raw,
                ticker=query.ticker,
                entity=query.entity or entity_slug(query.ticker),
                metrics=query.metrics,
                where=self.files.where(self.cik(query.ticker)) if self.files else None,
            )
        except ProviderError:
            if self._client is not None:
                self._client.forget(f"CIK{self.cik(query.ticker):010d}.json")
            raise
        return FundamentalsBatch(
            frame, list(frame.attrs["missing_metrics"]), list(frame.attrs["warnings"])
        )

    def shares_outstanding(self, ticker: str, *, refresh: bool = False) -> pd.DataFrame:
        """Shares outstanding per cover date (see :func:`shares_outstanding_frame`)."""
        payload = self.companyfacts(ticker, refresh=refresh)
        return shares_outstanding_frame(payload, ticker=ticker)
