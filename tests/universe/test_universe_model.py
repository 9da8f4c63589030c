"""The ``Company`` record: derived market/currency, suffix consistency, immutability."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from aithesis.universe import LAYERS, THEMES, Company


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ticker": "ABCD",
        "name": "Example",
        "name_zh": "示例",
        "themes": ["compute"],
        "layer": "IaaS",
        "role": "chips",
        "ai_exposure": 0.5,
        "exposure_rationale": "synthetic",
        "source": "analyst judgement",
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("ticker", "market", "currency"),
    [
        ("NVDA", "US", "USD"),
        ("TSM", "US", "USD"),  # ADR: a US line in USD
        ("0992.HK", "HK", "HKD"),
        ("688256.SS", "CN", "CNY"),
        ("300308.SZ", "CN", "CNY"),
        ("2330.TW", "TW", "TWD"),
        ("000660.KS", "KR", "KRW"),
        ("8035.T", "JP", "JPY"),
        ("SU.PA", "EU", "EUR"),
        ("ENR.DE", "EU", "EUR"),
    ],
)
def test_listed_company_takes_market_and_currency_from_the_suffix(
    ticker: str, market: str, currency: str
) -> None:
    company = Company.model_validate(entry(ticker=ticker))
    assert (company.market, company.currency) == (market, currency)


def test_ticker_is_upper_cased_and_stripped() -> None:
    assert Company.model_validate(entry(ticker="  0700.hk ")).ticker == "0700.HK"


@pytest.mark.parametrize(("field", "value"), [("market", "US"), ("currency", "USD")])
def test_market_or_currency_contradicting_the_suffix_is_rejected(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as info:
        Company.model_validate(entry(ticker="0700.HK", **{field: value}))
    errors = info.value.errors()
    assert errors[0]["loc"] == (field,)
    assert "0700.HK" in errors[0]["msg"]


def test_unlisted_company_needs_explicit_market_and_currency() -> None:
    with pytest.raises(ValidationError) as info:
        Company.model_validate(entry(ticker="BYTEDANCE", listed=False))
    assert {e["loc"] for e in info.value.errors()} == {("market",), ("currency",)}
    ok = Company.model_validate(
        entry(ticker="BYTEDANCE", listed=False, market="CN", currency="USD")
    )
    assert (ok.market, ok.currency, ok.listed) == ("CN", "USD", False)


def test_unlisted_company_may_not_use_an_exchange_suffix() -> None:
    with pytest.raises(ValidationError) as info:
        Company.model_validate(entry(ticker="ABCD.HK", listed=False, market="HK", currency="HKD"))
    assert info.value.errors()[0]["loc"] == ("listed",)


@pytest.mark.parametrize("value", [1.01, -0.01, float("nan"), float("inf"), "high"])
def test_exposure_outside_unit_interval_is_rejected(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Company.model_validate(entry(ai_exposure=value))
    assert info.value.errors()[0]["loc"] == ("ai_exposure",)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("themes", []),
        ("themes", ["compute", "compute"]),
        ("themes", ["ai"]),
        ("layer", "PaaS"),
        ("role", "magic"),
        ("market", "MARS"),
        ("exposure_rationale", "two\nlines"),
        ("tags", ["has space"]),
        ("alias_of", "ABCD"),
    ],
)
def test_invalid_field_values_are_rejected_at_that_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Company.model_validate(entry(**{field: value}))
    assert info.value.errors()[0]["loc"][0] == field


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        Company.model_validate(entry(sector="tech"))
    assert info.value.errors()[0]["type"] == "extra_forbidden"


def test_company_is_frozen_and_its_lists_are_tuples() -> None:
    company = Company.model_validate(entry(themes=["compute", "cloud"], tags=["x"]))
    with pytest.raises(ValidationError):
        company.ai_exposure = 0.1  # type: ignore[misc]
    assert company.themes == ("compute", "cloud")
    assert company.tags == ("x",)
    assert hash(company) == hash(
        Company.model_validate(entry(themes=["compute", "cloud"], tags=["x"]))
    )


def test_vocabularies_are_the_ones_the_articles_define() -> None:
    # article 002's five themes + article 004's power; article 001's four layers
    assert set(THEMES) == {
        "compute",
        "cloud",
        "edge",
        "interconnect_storage",
        "software",
        "power_infra",
    }
    assert LAYERS == ("IaaS", "MaaS", "solutions", "edge")


def test_layer_may_be_null_and_defaults_to_none() -> None:
    data = entry(role="grid", themes=["power_infra"])
    del data["layer"]
    assert Company.model_validate(data).layer is None
