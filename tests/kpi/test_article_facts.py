"""The built-in article facts: every row traceable to a verbatim sentence of a seed article."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aithesis.config import sample_data_dir
from aithesis.kpi.events import EVENTS
from aithesis.kpi.facts import article_facts_path, read_facts_csv

SEEDS = sample_data_dir().parent / "seeds"


def _rows() -> list[dict[str, str]]:
    with article_facts_path().open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shared_data  # the seed articles are in ../shared/seeds
@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['entity']}-{r['metric']}-{r['period']}")
def test_every_fact_quotes_its_seed_article_verbatim(row: dict[str, str]) -> None:
    source = SEEDS / row["source"]
    assert source.is_file(), f"{row['source']} is not a seed file"
    assert row["quote"].strip(), "quote is empty"
    assert row["quote"] in source.read_text(encoding="utf-8")


@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['entity']}-{r['metric']}-{r['period']}")
def test_every_fact_value_is_written_in_its_quote(row: dict[str, str]) -> None:
    # A midpoint of a stated range (3-4 -> 3.5) is the only value allowed to differ.
    if "midpoint" in row["note"]:
        low, _, high = row["note"].partition("range ")[2].split()[0].partition("-")
        assert float(row["value"]) == (float(low) + float(high)) / 2
        return
    number = f"{abs(float(row['value'])):g}"
    assert number in row["quote"]


@pytest.mark.shared_data
def test_events_quote_their_seed_articles_verbatim() -> None:
    for event in EVENTS:
        text = (SEEDS / event.source).read_text(encoding="utf-8")
        assert event.quote and event.quote in text, event.key


def test_article_facts_load_and_cover_the_frameworks_figures() -> None:
    frame = read_facts_csv(article_facts_path())
    key = {(r.entity, r.metric, r.fiscal_period): r for r in frame.itertuples()}
    # FRAMEWORKS.md §3, in the articles' stated units (亿元 = RMB 100M)
    expected = {
        ("alibaba", "capex", "2025Q1"): (246.12, "RMB_100M"),
        ("alibaba", "capex", "2024Q4"): (317.75, "RMB_100M"),
        ("alibaba", "capex", "2024Q1"): (111.53, "RMB_100M"),
        ("tencent", "capex", "2025Q1"): (274.76, "RMB_100M"),
        ("tencent", "capex", "2024Q4"): (365.78, "RMB_100M"),
        ("tencent", "capex", "2024Q1"): (143.59, "RMB_100M"),
        ("nvidia", "h20_charge", "FY2026Q1"): (55.0, "USD_100M"),
        ("us_hyperscalers", "capex", "2025"): (2570.0, "USD_100M"),
        ("us_hyperscalers", "capex_yoy", "2025"): (34.0, "percent"),
        ("amazon", "capex", "FY2025"): (1000.0, "USD_100M"),
        ("us_hyperscalers", "capex", "2026"): (6500.0, "USD_100M"),
        ("stargate", "investment_plan", "2025"): (5000.0, "USD_100M"),
        ("lenovo", "revenue", "FY2026Q3"): (222.0, "USD_100M"),
        ("lenovo", "ai_revenue_share", "FY2026Q3"): (32.0, "percent"),
        ("lenovo", "isg_revenue", "FY2026Q3"): (52.0, "USD_100M"),
        ("lenovo", "isg_operating_income", "FY2026Q3"): (-1100.0, "USD_10k"),
        ("lenovo", "ai_server_backlog", "FY2026Q3"): (155.0, "USD_100M"),
        ("lenovo", "restructuring_charge", "FY2026Q3"): (2.85, "USD_100M"),
        ("china_ai_server_market", "imported_chip_share", "2024"): (63.0, "percent"),
        ("china_ai_server_market", "imported_chip_share", "2025"): (42.0, "percent"),
    }
    for k, (value, unit) in expected.items():
        assert k in key, k
        assert key[k].value == pytest.approx(value)
        assert key[k].unit == unit
    msft = frame[(frame.entity == "microsoft") & (frame.metric == "azure_ai_contribution")]
    assert sorted(msft["value"]) == [1.0, 3.0, 6.0, 7.0]
    assert set(frame["kind"]) <= {"actual", "estimate", "guidance"}
    assert (frame.loc[frame.entity == "alibaba", "currency"] == "CNY").all()


@pytest.mark.shared_data
def test_seed_dir_is_found_via_sample_data_dir() -> None:
    assert isinstance(SEEDS, Path) and any(SEEDS.glob("*.txt"))
