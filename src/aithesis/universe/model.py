"""The ``Company`` record of the AI value-chain universe and its controlled vocabularies.

A company is one listed line (or, for unlisted firms such as ByteDance, one pseudo-ticker)
with its place in the AI value chain:

- ``themes``: the five investment themes of article 002 (compute, cloud, edge,
  interconnect & storage, software) plus ``power_infra`` from article 004;
- ``layer``: the main one of article 001's four business-model layers (IaaS, MaaS,
  solutions & agents, edge inference), or ``None`` for suppliers below all four
  (power generation, grid, fuel);
- ``role``: what it sells in the value chain (``chips``, ``foundry``, ``cloud``...);
- ``ai_exposure``: a fraction in [0, 1], the share of the company's value driven by AI
  demand over the next two to three years (the rubric is at the top of the built-in
  ``data/universe.yaml``), with a one-line rationale and the article (or
  ``"analyst judgement"``) it rests on.

For listed companies ``market`` and ``currency`` follow from the ticker's Yahoo suffix
(:func:`aithesis.markets.market_of` / :func:`~aithesis.markets.currency_of`); they may be
omitted and are filled in, and a value that contradicts the suffix is rejected. ADRs
(``TSM``, ``BABA``) are US listings in USD. Unlisted companies give their home market
and reporting currency explicitly.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from aithesis.markets import MARKETS, currency_of, market_of

__all__ = [
    "ANALYST_JUDGEMENT",
    "COMPANY_FIELDS",
    "LAYERS",
    "MARKET_CODES",
    "ROLES",
    "THEMES",
    "Company",
    "Layer",
    "Role",
    "Theme",
]

Theme = Literal["compute", "cloud", "edge", "interconnect_storage", "software", "power_infra"]
"""Investment themes: article 002's five lines plus article 004's power infrastructure."""

Layer = Literal["IaaS", "MaaS", "solutions", "edge"]
"""Article 001's business-model layers, gross margin low to high."""

Role = Literal[
    # silicon and how it is made
    "chips",
    "foundry",
    "memory",
    "equipment",
    "eda",
    "packaging",
    # building the data centre
    "networking",
    "optical",
    "pcb",
    "servers",
    "storage",
    "cooling",
    "power_equipment",
    "datacenter",
    # energy beyond the data-centre fence
    "power",
    "grid",
    "fuel",
    # selling or using AI
    "cloud",
    "models",
    "apps",
    "software",
    "devices",
    "vehicles",
]
"""Value-chain roles (the company's main one)."""

THEMES: tuple[str, ...] = get_args(Theme)
LAYERS: tuple[str, ...] = get_args(Layer)
ROLES: tuple[str, ...] = get_args(Role)
MARKET_CODES: tuple[str, ...] = tuple(sorted({market for market, _ in MARKETS.values()}))
ANALYST_JUDGEMENT = "analyst judgement"

_TICKER = re.compile(r"^[A-Z0-9][A-Z0-9\-]*(\.[A-Z]{1,3})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _one_line(value: str, what: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"{what} must be a single line")
    return value


class Company(BaseModel):
    """One company of the AI value-chain universe (immutable).

    Args:
        ticker: Yahoo-style symbol (``NVDA``, ``0992.HK``, ``600519.SS``, ``2330.TW``);
            upper-cased. Unlisted companies use a pseudo-ticker without a suffix
            (``BYTEDANCE``).
        name: English name.
        name_zh: Chinese name (the English one when no Chinese name is in use).
        listed: False for private companies (ByteDance, OpenAI...).
        market: market code (``US``, ``HK``, ``CN``, ``TW``, ``KR``, ``JP``, ``EU``,
            ``UK``, ``CH``); for listed companies derived from the ticker when omitted.
        currency: ISO 4217 trading currency; derived like ``market``.
        themes: one or more of :data:`THEMES`, main theme first.
        layer: main business-model layer (:data:`LAYERS`) or None when none fits.
        role: main value-chain role (:data:`ROLES`).
        ai_exposure: fraction in [0, 1] (not percent) of the company's value driven by AI
            demand over the next 2-3 years.
        exposure_rationale: one line explaining the score.
        source: the seed article file that mentions the company
            (``002_96ddb6391e376a23.txt``) or ``"analyst judgement"``.
        tags: free labels (``agix_top_pick``, ``ai_infra_basket``, ``mag7``...).
        alias_of: for a second listing or share class (``BABA``, ``GOOG``), the ticker of
            the company's canonical entry; indexes should hold only one of them.

    Raises:
        pydantic.ValidationError: on any invalid field (the universe loader turns it
            into :class:`~aithesis.errors.SpecError` naming file, entry and field).

    Example:
        >>> Company(ticker="0992.HK", name="Lenovo Group", name_zh="联想集团",
        ...         themes=["edge", "compute"], layer="edge", role="devices",
        ...         ai_exposure=0.35, exposure_rationale="AI 32% of revenue",
        ...         source="000_6538086bb4349cd9.txt").currency
        'HKD'
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    ticker: str
    name: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    listed: bool = True
    market: str
    currency: str
    themes: tuple[Theme, ...] = Field(min_length=1)
    layer: Layer | None = None
    role: Role
    ai_exposure: float = Field(ge=0.0, le=1.0, allow_inf_nan=False)
    exposure_rationale: str = Field(min_length=1)
    source: str = Field(min_length=1)
    tags: tuple[str, ...] = ()
    alias_of: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_market_currency(cls, data: Any) -> Any:
        """Listed companies may omit market/currency: take them from the ticker suffix."""
        if not isinstance(data, dict):
            return data
        ticker = data.get("ticker")
        if data.get("listed", True) is True and isinstance(ticker, str) and ticker.strip():
            symbol = ticker.strip().upper()
            data = dict(data)
            if data.get("market") is None:
                data["market"] = market_of(symbol)
            if data.get("currency") is None:
                data["currency"] = currency_of(symbol)
        return data

    @field_validator("ticker", mode="after")
    @classmethod
    def _check_ticker(cls, value: str) -> str:
        symbol = value.upper()
        if not _TICKER.match(symbol):
            raise ValueError(
                f"{value!r} is not a Yahoo-style symbol such as NVDA, 0992.HK or 600519.SS"
            )
        return symbol

    @field_validator("listed", mode="after")
    @classmethod
    def _check_listed(cls, value: bool, info: ValidationInfo) -> bool:
        ticker = info.data.get("ticker")
        if not value and isinstance(ticker, str) and "." in ticker:
            raise ValueError(
                f"unlisted companies take a pseudo-ticker without an exchange suffix "
                f"(such as BYTEDANCE), not {ticker!r}"
            )
        return value

    @field_validator("market", mode="after")
    @classmethod
    def _check_market(cls, value: str, info: ValidationInfo) -> str:
        market = value.upper()
        if market not in MARKET_CODES:
            raise ValueError(f"unknown market {value!r}; use one of {', '.join(MARKET_CODES)}")
        ticker = info.data.get("ticker")
        if info.data.get("listed", True) and isinstance(ticker, str):
            expected = market_of(ticker)
            if market != expected:
                raise ValueError(
                    f"market {market!r} contradicts ticker {ticker!r}, whose suffix means "
                    f"{expected!r} (ADRs such as TSM or BABA are US listings)"
                )
        return market

    @field_validator("currency", mode="after")
    @classmethod
    def _check_currency(cls, value: str, info: ValidationInfo) -> str:
        currency = value.upper()
        if not _CURRENCY.match(currency):
            raise ValueError(f"{value!r} is not an ISO 4217 code such as USD, HKD or CNY")
        ticker = info.data.get("ticker")
        if info.data.get("listed", True) and isinstance(ticker, str):
            expected = currency_of(ticker)
            if currency != expected:
                raise ValueError(
                    f"currency {currency!r} contradicts ticker {ticker!r}, which trades in "
                    f"{expected!r}"
                )
        return currency

    @field_validator("themes", mode="after")
    @classmethod
    def _check_themes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for theme in value:
            if theme in seen:
                raise ValueError(f"theme {theme!r} is listed twice")
            seen.add(theme)
        return value

    @field_validator("exposure_rationale", "source", mode="after")
    @classmethod
    def _check_one_line(cls, value: str, info: ValidationInfo) -> str:
        return _one_line(value, str(info.field_name))

    @field_validator("tags", mode="after")
    @classmethod
    def _check_tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for tag in value:
            if not tag or any(ch.isspace() for ch in tag):
                raise ValueError(f"tag {tag!r} must be a non-empty word without spaces")
        if len(set(value)) != len(value):
            raise ValueError("a tag is listed twice")
        return value

    @field_validator("alias_of", mode="after")
    @classmethod
    def _check_alias_of(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        symbol = value.upper()
        if not _TICKER.match(symbol):
            raise ValueError(f"{value!r} is not a ticker")
        if symbol == info.data.get("ticker"):
            raise ValueError("a company cannot be an alias of itself")
        return symbol

    @property
    def is_alias(self) -> bool:
        """True for a second listing or share class (``alias_of`` is set)."""
        return self.alias_of is not None

    @property
    def cites_article(self) -> bool:
        """True when ``source`` names a seed article rather than analyst judgement."""
        return self.source != ANALYST_JUDGEMENT


COMPANY_FIELDS: tuple[str, ...] = tuple(Company.model_fields)
"""Field names in declaration order (the columns of :meth:`Universe.to_frame`)."""
