"""Claims added to raise the articles' coverage (issue 16 item 3), each against a value
computed here: record claims with pandas straight from ``../shared/data`` (the helpers
of ``test_record``), model claims by hand arithmetic on the article's figures."""

from __future__ import annotations

import pytest
from tests.thesis.test_record import _at, _close, total_return

from aithesis.thesis import check_all
from aithesis.thesis.record_api import check_records

MARCH_7, MARCH_10 = "2025-03-07", "2025-03-10"  # article 004's Monday sell-off


@pytest.fixture(scope="module")
def record(sample_store):
    return check_records(None, store=sample_store)


@pytest.fixture(scope="module")
def model_claims():
    return {(r.model, r.claim_id): r for r in check_all()}


def _status(expected_holds: bool) -> str:
    return "ok" if expected_holds else "flagged"


def test_nasdaq_fell_4pct(record, sample_dir) -> None:
    # NDX is an index: no dividends, so total return = price return
    close = _close(sample_dir, "NDX")
    expected = close[_at(close, MARCH_10)] / close[_at(close, MARCH_7)] - 1
    assert expected == pytest.approx(-0.0381, abs=5e-4)  # Yahoo's NDX -3.81% that day
    r = record.get("nasdaq_fell_4pct")
    assert r.computed_then == pytest.approx(expected, rel=1e-9)
    holds = abs(expected - -0.04) / 0.04 <= 0.05  # default 5% tolerance
    assert (r.status_then, r.status_since) == (_status(holds),) * 2


def test_mag7_and_tesla(record, sample_dir) -> None:
    names = ("AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA")
    falls = {t: total_return(sample_dir, t, MARCH_7, MARCH_10) for t in names}
    r = record.get("mag7_each_fell_2pct")
    assert r.computed_then == pytest.approx(max(falls.values()), rel=1e-9)
    assert r.status_then == _status(max(falls.values()) <= -0.02)
    t = record.get("tesla_fell_15pct")
    assert t.computed_then == pytest.approx(falls["TSLA"], rel=1e-9)
    assert falls["TSLA"] < -0.15 and t.status_then == "ok"


def test_amd_intel_beat_nvidia_in_the_year_to_article_000(record, sample_dir) -> None:
    start, end = "2025-02-13", "2026-02-13"  # article date 2026-02-13 minus one year
    tr = {t: total_return(sample_dir, t, start, end) for t in ("AMD", "INTC", "NVDA")}
    expected = min(tr["AMD"], tr["INTC"]) - tr["NVDA"]
    r = record.get("amd_intel_beat_nvda_past_year")
    assert r.computed_then == pytest.approx(expected, rel=1e-9)
    assert r.status_then == _status(expected >= 0)


def test_apple_prices_of_article_002(record, sample_dir) -> None:
    close = _close(sample_dir, "AAPL")  # split-adjusted closes (raw basis)

    def at(day: str) -> float:
        return float(close[_at(close, day)])

    # article 002 is dated 2024-07-22 (the week after GPT-4o mini, which it calls last week's)
    start, end, now = at("2007-12-31"), at("2008-12-31"), at("2024-07-22")
    assert 6.5 < start < 7.5 and 2.5 < end < 3.5  # Apple fell ~57% in 2008
    r = record.get("apple_2008_from_8")
    assert r.computed_then == pytest.approx(start, rel=1e-9)
    assert r.status_then == _status(abs(start - 8) / 8 <= 0.05)
    r = record.get("apple_2008_to_10")
    assert r.computed_then == pytest.approx(end, rel=1e-9)
    assert r.status_then == "flagged"
    r = record.get("apple_price_230_240")
    assert r.computed_then == pytest.approx(now, rel=1e-9)
    assert r.status_then == _status(230 * 0.95 <= now <= 240 * 1.05)  # default 5% tolerance
    multiple = now / at("2008-07-22")
    r = record.get("apple_16y_multiple")
    assert r.computed_then == pytest.approx(multiple, rel=1e-9)
    assert r.status_then == _status(15 <= multiple <= 16)


@pytest.mark.parametrize(
    ("model", "claim", "expected", "status"),
    [
        ("inference-memory", "train_inference_ratio_now", 0.70 / 0.30, "ok"),  # 7:3
        ("inference-memory", "train_inference_ratio_future", 0.20 / 0.80, "ok"),  # 2:8
        ("ai-gdp", "gdp_doubles", 100 * 2, "ok"),  # $T a year
        ("lenovo-isg", "isg_growth_over_30", 31.0, "ok"),  # percent, >= 30
        ("lenovo-isg", "restructuring_pays_back", 3 * 200 / 285, "ok"),  # >= 1
        ("tech-concentration", "top_gain_share", 100 * (18 - 2) / (20 - 4.2), "ok"),
        ("tech-concentration", "top_return_share_headline", 100 * 16 / 15.8, "ok"),
        ("tech-concentration", "top_one_percent_count", 1700 * 0.01, "ok"),  # in 10..19
        ("training-compute", "gpt5_within_generation_time", 6.0, "ok"),  # months, in 6..9
    ],
)
def test_model_claims_by_hand(model_claims, model, claim, expected, status) -> None:
    r = model_claims[(model, claim)]
    computed = r.computed[0] if isinstance(r.computed, tuple) else r.computed
    assert computed == pytest.approx(expected, rel=1e-9)
    assert r.status == status


def test_us_power_share_the_forecast_starts_from(model_claims) -> None:
    r = model_claims[("us-power", "dc_share_from_5")]
    assert r.computed == pytest.approx(100 * 200 / 4000, rel=1e-9)  # percent
    assert r.status == "ok"
