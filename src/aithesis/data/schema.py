"""Standard column sets shared by providers, validation and the store.

Conventions: ``date`` is the exchange-local trading date; prices are floats in the
listing currency (never rounded); ``adj_close`` is split- and dividend-adjusted (a
total-return basis); ``basis`` says what ``close`` is:

``raw``
    split-adjusted, not dividend-adjusted (Yahoo's Close); ``adj_close`` is derived.
``auto_adjusted``
    already split- and dividend-adjusted; ``adj_close == close`` and no price-return
    series exists.
``index``
    index levels (price index); ``adj_close == close``.
"""

from __future__ import annotations

__all__ = [
    "BASES",
    "DIVIDEND_COLUMNS",
    "FACT_KINDS",
    "FUNDAMENTAL_COLUMNS",
    "FX_COLUMNS",
    "PRICE_COLUMNS",
    "PRICE_FIELDS",
]

PRICE_COLUMNS: tuple[str, ...] = (
    "ticker",
    "date",
    "open",
    "high",
    "low",
    "close",
    "adj_close",
    "volume",
    "currency",
    "basis",
    "source",
)
PRICE_FIELDS: tuple[str, ...] = ("open", "high", "low", "close", "adj_close")
DIVIDEND_COLUMNS: tuple[str, ...] = ("ticker", "ex_date", "amount", "currency", "source")
FX_COLUMNS: tuple[str, ...] = ("pair", "date", "rate", "source")
FUNDAMENTAL_COLUMNS: tuple[str, ...] = (
    "entity",
    "ticker",
    "metric",
    "fiscal_period",
    "period_start",
    "period_end",
    "value",
    "unit",
    "currency",
    "kind",
    "source",
    "quote",
    "as_of",
)
BASES: tuple[str, ...] = ("raw", "auto_adjusted", "index")
FACT_KINDS: tuple[str, ...] = ("actual", "estimate", "guidance", "derived")
