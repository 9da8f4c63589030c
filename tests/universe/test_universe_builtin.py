"""The built-in universe YAML against its schema, the seed articles and the sample data.

Checks here read the YAML with plain PyYAML and hold their own tables (suffix -> market,
article aliases), so a wrong loader or a wrong entry cannot vouch for itself.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

from aithesis.universe import load_universe

ARTICLE_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
THEMES = {"compute", "cloud", "edge", "interconnect_storage", "software", "power_infra"}
LAYERS = {"IaaS", "MaaS", "solutions", "edge", None}
REQUIRED = {
    "ticker",
    "name",
    "name_zh",
    "market",
    "currency",
    "themes",
    "layer",
    "role",
    "ai_exposure",
    "exposure_rationale",
    "source",
}
OPTIONAL = {"listed", "tags", "alias_of"}
# Yahoo suffix -> (market, currency), written out independently of aithesis.markets
SUFFIX = {
    "": ("US", "USD"),
    "HK": ("HK", "HKD"),
    "SS": ("CN", "CNY"),
    "SZ": ("CN", "CNY"),
    "TW": ("TW", "TWD"),
    "KS": ("KR", "KRW"),
    "T": ("JP", "JPY"),
    "PA": ("EU", "EUR"),
    "DE": ("EU", "EUR"),
    "AS": ("EU", "EUR"),
}
CJK = re.compile(r"[\u4e00-\u9fff]")

A000 = "000_6538086bb4349cd9.txt"
A001 = "001_c6bd7ca65735341f.txt"
A002 = "002_96ddb6391e376a23.txt"
A003 = "003_06e7966941b6a8a5.txt"
A004 = "004_e942007e0de8bd6e.txt"

# How the articles write each company they name (regexes, matched with re.ASCII so that
# \b works next to Chinese characters and keeps "Intel" out of "Apple Intelligence").
# Hand-made from reading the seeds.
ALIASES: dict[str, str] = {
    "NVDA": r"英伟达|NVIDIA",
    "AMZN": r"亚马逊|Amazon",
    "AAPL": r"苹果|\bApple\b",
    "AVGO": r"博通|Broadcom",
    "NOW": r"ServiceNow|Servicenow",
    "TSM": r"台积电|TSMC",
    "2330.TW": r"台积电|TSMC",
    "VST": r"Vistra",
    "ETN": r"Eaton|伊顿",
    "EQT": r"\bEQT\b",
    "NEE": r"NextEra",
    "ANET": r"Arista",
    "MSFT": r"微软|Microsoft",
    "GOOGL": r"\bGoogle\b|谷歌",
    "GOOG": r"\bGoogle\b|谷歌",
    "META": r"\bMeta\b|Facebook",
    "AMD": r"\bAMD\b",
    "INTC": r"英特尔|\bIntel\b",
    "TSLA": r"特斯拉|\bTesla\b",
    "ADBE": r"\bAdobe\b",
    "CRM": r"Salesforce",
    "BE": r"Bloom Energy",
    "0992.HK": r"联想",
    "0700.HK": r"腾讯",
    "9988.HK": r"阿里",
    "BABA": r"阿里",
    "1810.HK": r"小米|Xiaomi",
    "BIDU": r"百度",
    "9888.HK": r"百度",
    "3690.HK": r"美团",
    "688256.SS": r"寒武纪",
    "002415.SZ": r"海康威视",
    "BYTEDANCE": r"字节",
    "OPENAI": r"OpenAI",
    "ANTHROPIC": r"Anthropic",
    "DEEPSEEK": r"DeepSeek",
    "HUAWEI": r"华为",
    "XAI": r"\bGrok\b",
    "PERPLEXITY": r"Perplexity",
    "VASTDATA": r"VAST Data",
    "LUMAAI": r"Luma AI",
    "LANCEDB": r"LanceDB",
}

# Named in FRAMEWORKS.md or the issue as companies the universe must hold.
FRAMEWORK_NAMED = {
    "NVDA", "AMZN", "AAPL", "AVGO", "NOW", "TSM", "VST", "ETN", "EQT", "NEE", "ANET",
    "MSFT", "GOOGL", "META", "AMD", "0992.HK", "0700.HK", "9988.HK", "BABA", "1810.HK",
    "BIDU", "9888.HK", "3690.HK", "CRM", "ORCL", "ASML", "BYTEDANCE",
    # the examples of A-shares, Hong Kong and Asian/European suppliers
    "688256.SS", "688041.SS", "688981.SS", "0981.HK", "000977.SZ", "603019.SS",
    "300308.SZ", "300502.SZ", "002230.SZ", "1024.HK", "0020.HK", "2330.TW",
    "000660.KS", "005930.KS", "2317.TW", "2382.TW", "6669.TW", "8035.T", "6857.T",
    "SU.PA", "ENR.DE",
}  # fmt: skip
BENCHMARK_ETFS = {"SPY", "QQQ", "XLK"}


@pytest.fixture(scope="session")
def seeds(seeds_dir: Path) -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))}
    assert set(texts) == {A000, A001, A002, A003, A004}
    return texts


def mentions(pattern: str, text: str) -> bool:
    """Whether ``text`` names the company (``\\b`` = ASCII word boundary)."""
    return re.search(pattern, text, re.ASCII) is not None


def _suffix(ticker: str) -> str:
    return ticker.rsplit(".", 1)[1] if "." in ticker else ""


# ------------------------------------------------------------------------ schema


def test_every_builtin_entry_has_exactly_the_schema_fields(
    raw_entries: list[dict[str, Any]],
) -> None:
    for item in raw_entries:
        keys = set(item)
        assert keys >= REQUIRED, (item.get("ticker"), REQUIRED - keys)
        assert keys <= REQUIRED | OPTIONAL, (item.get("ticker"), keys - REQUIRED - OPTIONAL)


def test_every_builtin_entry_has_valid_values(raw_entries: list[dict[str, Any]]) -> None:
    for item in raw_entries:
        ticker = item["ticker"]
        assert isinstance(ticker, str) and ticker == ticker.upper(), ticker
        assert item["themes"] and set(item["themes"]) <= THEMES, ticker
        assert len(set(item["themes"])) == len(item["themes"]), ticker
        assert item["layer"] in LAYERS, ticker
        score = item["ai_exposure"]
        assert isinstance(score, float | int) and 0.0 <= score <= 1.0, ticker
        assert abs(score * 20 - round(score * 20)) < 1e-9, f"{ticker}: round to 0.05"
        rationale = item["exposure_rationale"]
        assert isinstance(rationale, str) and 20 <= len(rationale) <= 200, ticker
        assert "\n" not in rationale, ticker
        assert item["name"] and item["name_zh"], ticker
        source = item["source"]
        assert source == "analyst judgement" or ARTICLE_FILE.match(source), ticker


def test_loader_accepts_every_builtin_entry(raw_entries: list[dict[str, Any]]) -> None:
    universe = load_universe()
    assert universe.tickers == [item["ticker"] for item in raw_entries]
    for item, company in zip(raw_entries, universe, strict=True):
        assert company.ai_exposure == item["ai_exposure"]
        assert list(company.themes) == item["themes"]


def test_tickers_are_unique(raw_entries: list[dict[str, Any]]) -> None:
    tickers = [item["ticker"] for item in raw_entries]
    assert len(tickers) == len(set(tickers))


def test_at_least_sixty_listed_companies_across_markets(
    raw_entries: list[dict[str, Any]],
) -> None:
    listed = [i for i in raw_entries if i.get("listed", True)]
    canonical = [i for i in listed if "alias_of" not in i]
    assert len(canonical) >= 60
    markets = {i["market"] for i in listed}
    assert {"US", "HK", "CN", "TW", "KR", "JP", "EU"} <= markets
    assert sum(i["market"] == "CN" for i in listed) >= 10
    assert sum(i["market"] == "HK" for i in listed) >= 8


def test_listed_market_and_currency_match_the_suffix(raw_entries: list[dict[str, Any]]) -> None:
    for item in raw_entries:
        if not item.get("listed", True):
            assert "." not in item["ticker"], item["ticker"]
            continue
        assert (item["market"], item["currency"]) == SUFFIX[_suffix(item["ticker"])], item["ticker"]


def test_greater_china_entries_have_a_chinese_name(raw_entries: list[dict[str, Any]]) -> None:
    for item in raw_entries:
        if item["market"] in {"CN", "HK", "TW"} or item["ticker"] in {"BABA", "BIDU", "KC"}:
            assert CJK.search(item["name_zh"]), item["ticker"]


def test_only_power_grid_and_fuel_sit_outside_the_four_layers(
    raw_entries: list[dict[str, Any]],
) -> None:
    for item in raw_entries:
        outside = item["role"] in {"power", "grid", "fuel"}
        assert (item["layer"] is None) == outside, item["ticker"]
        if outside:
            assert "power_infra" in item["themes"], item["ticker"]


def test_aliases_point_to_a_canonical_entry_of_the_same_company(
    raw_entries: list[dict[str, Any]],
) -> None:
    by_ticker = {i["ticker"]: i for i in raw_entries}
    aliases = {i["ticker"]: i["alias_of"] for i in raw_entries if "alias_of" in i}
    assert aliases == {
        "GOOG": "GOOGL",
        "BABA": "9988.HK",
        "9888.HK": "BIDU",
        "688981.SS": "0981.HK",
        "2330.TW": "TSM",
    }
    for alias, target in aliases.items():
        assert "alias_of" not in by_ticker[target]
        assert by_ticker[alias]["name_zh"][:2] == by_ticker[target]["name_zh"][:2]


# --------------------------------------------------------------- articles and data


def test_alias_table_matches_the_articles(seeds: dict[str, str]) -> None:
    """Every alias regex of the test table occurs in at least one article."""
    for ticker, pattern in ALIASES.items():
        assert any(mentions(pattern, text) for text in seeds.values()), ticker


def test_every_article_named_company_is_present(seeds: dict[str, str]) -> None:
    universe = load_universe()
    for ticker in ALIASES:
        assert ticker in universe, ticker
    for ticker in FRAMEWORK_NAMED:
        assert ticker in universe, ticker
    bytedance = universe.get("BYTEDANCE")
    assert bytedance.listed is False
    assert mentions(r"字节", seeds[A001])


def test_article_sources_really_mention_the_company(
    raw_entries: list[dict[str, Any]], seeds: dict[str, str]
) -> None:
    for item in raw_entries:
        ticker, source = item["ticker"], item["source"]
        if source == "analyst judgement":
            continue
        assert source in seeds, f"{ticker}: no seed file {source}"
        assert ticker in ALIASES, f"{ticker}: add how the articles name it to ALIASES"
        assert mentions(ALIASES[ticker], seeds[source]), f"{ticker} not in {source}"


def test_companies_the_articles_name_cite_an_article(
    raw_entries: list[dict[str, Any]], seeds: dict[str, str]
) -> None:
    """No 'analyst judgement' where an article does mention the company."""
    for item in raw_entries:
        pattern = ALIASES.get(item["ticker"])
        if pattern is None:
            continue
        mentioning = {name for name, text in seeds.items() if mentions(pattern, text)}
        assert item["source"] in mentioning, (item["ticker"], sorted(mentioning))


def test_every_company_in_the_sample_prices_is_in_the_universe(sample_dir: Path) -> None:
    with (sample_dir / "prices_manifest.csv").open(encoding="utf-8") as fh:
        basis = {row["ticker"]: row["close_basis"] for row in csv.DictReader(fh)}
    files = {p.name.removesuffix(".csv") for p in (sample_dir / "prices").glob("*.csv")}
    companies = {t for t in files if basis.get(t) != "index" and t not in BENCHMARK_ETFS}
    assert len(companies) >= 70
    universe = load_universe()
    for ticker in sorted(companies):
        assert ticker in universe, ticker
        assert universe.get(ticker).listed, ticker
    assert not ({"SPY", "QQQ", "GSPC", "NDX"} & set(universe.tickers))


def test_article_002_top_picks_are_tagged(seeds: dict[str, str]) -> None:
    universe = load_universe()
    picks = set(universe.filter(tags="agix_top_pick").tickers)
    assert picks == {"NVDA", "AMZN", "AAPL", "AVGO", "NOW"}
    for ticker in picks:  # each named with its ticker in article 002
        assert f"（{ticker}）" in seeds[A002] or f"({ticker})" in seeds[A002]


def test_article_004_infrastructure_basket_is_tagged(seeds: dict[str, str]) -> None:
    universe = load_universe()
    basket = set(universe.filter(tags="ai_infra_basket").tickers)
    assert basket == {"NVDA", "AVGO", "TSM", "VST", "ETN", "EQT", "NEE", "ANET"}
    for ticker in basket:
        assert mentions(ALIASES[ticker], seeds[A004]), ticker


def test_lenovo_exposure_rationale_quotes_article_000(seeds: dict[str, str]) -> None:
    lenovo = load_universe().get("0992.HK")
    # article 000: AI-related revenue is 32% of group revenue, ISG +31%
    assert "AI相关营收已占集团总营收的32%" in seeds[A000]
    assert "32%" in lenovo.exposure_rationale and "31%" in lenovo.exposure_rationale
    assert 0.2 <= lenovo.ai_exposure <= 0.4  # rubric band for a ~30% AI share


def test_capex_bellwethers_quote_article_003(seeds: dict[str, str]) -> None:
    universe = load_universe()
    for ticker, figure in (("0700.HK", "274.76"), ("9988.HK", "246.12")):
        assert figure in seeds[A003]
        assert figure in universe.get(ticker).exposure_rationale
