"""SEC companyfacts provider: de-cumulation, restatements, fiscal years, HTTP faults.

Payloads are hand-built in the real companyfacts shape (SOURCES.md: none could be
recorded). The real filed figures used as anchors: Microsoft's additions to property and
equipment FY2023 = $28,107M and FY2024 = $44,477M (year to 30 June); Apple's payments
for PP&E FY2024 = $9,447M (year to 2024-09-28). The quarterly year-to-date values in
between are hand-made for the test; every expectation below is worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import httpx
import pandas as pd
import pytest

from aithesis.data.providers.sec import (
    COMPANYFACTS_URL,
    ENV_USER_AGENT,
    SecClient,
    SecProvider,
    companyfacts_to_frame,
)
from aithesis.data.store import Store
from aithesis.errors import ProviderError, UnknownTickerError
from aithesis.kpi.api import pull

M = 1_000_000
UA = "Test User test@example.com"
CAPEX = "PaymentsToAcquirePropertyPlantAndEquipment"


def entry(start, end, val, filed, form, fy, fp, accn="0000000000-00-000000"):
    item = {"end": end, "val": val, "accn": accn, "fy": fy, "fp": fp, "form": form, "filed": filed}
    if start:
        item["start"] = start
    return item


def payload(cik: int, name: str, us_gaap: dict, dei: dict | None = None) -> dict:
    facts = {
        "us-gaap": {c: {"label": c, "description": "", "units": u} for c, u in us_gaap.items()}
    }
    if dei:
        facts["dei"] = {c: {"label": c, "units": u} for c, u in dei.items()}
    return {"cik": cik, "entityName": name, "facts": facts}


def msft_payload() -> dict:
    usd = [
        entry("2022-07-01", "2023-06-30", 28_107 * M, "2023-07-27", "10-K", 2023, "FY", "a-fy23"),
        # FY2023 repeated as a comparative in the FY2024 10-K (fy=2024!): same value
        entry("2022-07-01", "2023-06-30", 28_107 * M, "2024-07-30", "10-K", 2024, "FY", "a-fy24"),
        entry("2023-07-01", "2023-09-30", 9_917 * M, "2023-10-24", "10-Q", 2024, "Q1", "a-q1"),
        entry("2023-07-01", "2023-12-31", 19_652 * M, "2024-01-30", "10-Q", 2024, "Q2", "a-q2"),
        entry("2023-07-01", "2024-03-31", 30_604 * M, "2024-04-25", "10-Q", 2024, "Q3", "a-q3"),
        entry("2023-07-01", "2024-06-30", 44_477 * M, "2024-07-30", "10-K", 2024, "FY", "a-fy24"),
        # FY2024 Q1 restated in the FY2025 Q1 10-Q's comparatives (fy=2025, fp=Q1)
        entry("2023-07-01", "2023-09-30", 9_900 * M, "2024-10-30", "10-Q", 2025, "Q1", "a-q1-25"),
        entry("2024-07-01", "2024-09-30", 14_923 * M, "2024-10-30", "10-Q", 2025, "Q1", "a-q1-25"),
    ]
    return payload(789019, "MICROSOFT CORPORATION", {CAPEX: {"USD": usd}})


def aapl_payload() -> dict:
    usd = [
        entry("2023-10-01", "2023-12-30", 2_392 * M, "2024-02-02", "10-Q", 2024, "Q1"),
        entry("2023-10-01", "2024-03-30", 4_388 * M, "2024-05-03", "10-Q", 2024, "Q2"),
        entry("2023-10-01", "2024-06-29", 6_539 * M, "2024-08-02", "10-Q", 2024, "Q3"),
        entry("2023-10-01", "2024-09-28", 9_447 * M, "2024-11-01", "10-K", 2024, "FY"),
    ]
    return payload(320193, "Apple Inc.", {CAPEX: {"USD": usd}})


def amzn_payload() -> dict:
    """Calendar-year company: discrete income-statement quarters, capex under a fallback concept."""
    rev = [
        entry("2024-01-01", "2024-03-31", 100.0, "2024-05-01", "10-Q", 2024, "Q1"),
        entry("2024-04-01", "2024-06-30", 110.0, "2024-08-02", "10-Q", 2024, "Q2"),
        entry("2024-01-01", "2024-06-30", 210.0, "2024-08-02", "10-Q", 2024, "Q2"),
        entry("2024-07-01", "2024-09-30", 120.0, "2024-11-01", "10-Q", 2024, "Q3"),
        entry("2024-01-01", "2024-09-30", 330.0, "2024-11-01", "10-Q", 2024, "Q3"),
        entry("2024-01-01", "2024-12-31", 450.0, "2025-02-07", "10-K", 2024, "FY"),
    ]
    eps = [
        entry("2024-01-01", "2024-03-31", 1.0, "2024-05-01", "10-Q", 2024, "Q1"),
        entry("2024-04-01", "2024-06-30", 1.1, "2024-08-02", "10-Q", 2024, "Q2"),
        entry("2024-01-01", "2024-09-30", 3.3, "2024-11-01", "10-Q", 2024, "Q3"),
        entry("2024-01-01", "2024-12-31", 4.5, "2025-02-07", "10-K", 2024, "FY"),
    ]
    capex = [
        entry("2024-01-01", "2024-03-31", 10.0, "2024-05-01", "10-Q", 2024, "Q1"),
        entry("2024-01-01", "2024-06-30", 25.0, "2024-08-02", "10-Q", 2024, "Q2"),
    ]
    shares = [
        entry(None, "2024-04-19", 10.4e9, "2024-05-01", "10-Q", 2024, "Q1"),
        entry(None, "2025-01-24", 10.6e9, "2025-02-07", "10-K", 2024, "FY"),
    ]
    return payload(
        1018724,
        "AMAZON.COM, INC.",
        {
            "RevenueFromContractWithCustomerExcludingAssessedTax": {"USD": rev},
            "EarningsPerShareDiluted": {"USD/shares": eps},
            "PaymentsToAcquireProductiveAssets": {"USD": capex},
        },
        {"EntityCommonStockSharesOutstanding": {"shares": shares}},
    )


def _rows(frame: pd.DataFrame, metric: str, period: str) -> pd.DataFrame:
    return frame[(frame.metric == metric) & (frame.fiscal_period == period)].sort_values("as_of")


# ---------------------------------------------------------------- de-cumulation
def test_microsoft_june_fiscal_year_is_decumulated_by_dates() -> None:
    frame = companyfacts_to_frame(msft_payload(), ticker="MSFT", metrics=["capex"])
    assert set(frame["entity"]) == {"microsoft"}
    fy24 = _rows(frame, "capex", "FY2024")
    assert fy24["value"].tolist() == [44_477 * M] and fy24["kind"].tolist() == ["actual"]
    # FY2023 carries fy=2024 in the later 10-K, but its dates say FY2023; one version only
    fy23 = _rows(frame, "capex", "FY2023")
    assert fy23["value"].tolist() == [28_107 * M] and fy23["as_of"].tolist() == [
        dt.date(2023, 7, 27)
    ]
    q3 = _rows(frame, "capex", "FY2024Q3")
    assert q3["value"].tolist() == [(30_604 - 19_652) * M] and q3["kind"].tolist() == ["derived"]
    assert (q3["period_start"].iloc[0], q3["period_end"].iloc[0]) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
    )
    q4 = _rows(frame, "capex", "FY2024Q4")
    assert q4["value"].tolist() == [(44_477 - 30_604) * M]
    assert q4["as_of"].tolist() == [dt.date(2024, 7, 30)]
    assert "Q4 = FY - 9M" in q4["quote"].iloc[0]
    # the new year's Q1 is anchored on the day after FY2024 ended
    assert _rows(frame, "capex", "FY2025Q1")["value"].tolist() == [14_923 * M]


def test_restated_quarter_keeps_both_versions_and_rederives_the_next() -> None:
    frame = companyfacts_to_frame(msft_payload(), ticker="MSFT", metrics=["capex"])
    q1 = _rows(frame, "capex", "FY2024Q1")
    assert q1["value"].tolist() == [9_917 * M, 9_900 * M]
    assert q1["as_of"].tolist() == [dt.date(2023, 10, 24), dt.date(2024, 10, 30)]
    q2 = _rows(frame, "capex", "FY2024Q2")
    assert q2["value"].tolist() == [(19_652 - 9_917) * M, (19_652 - 9_900) * M]
    assert q2["as_of"].tolist() == [dt.date(2024, 1, 30), dt.date(2024, 10, 30)]


def test_store_reads_the_newest_version_and_quarters_add_up(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    frame = companyfacts_to_frame(msft_payload(), ticker="MSFT", metrics=["capex"])
    store.write_fundamentals(frame)
    latest = store.fundamentals(entity="microsoft", metric="capex").set_index("fiscal_period")
    assert latest.loc["FY2024Q1", "value"] == 9_900 * M
    assert latest.loc["FY2024Q2", "value"] == 9_752 * M
    quarters = latest.loc[["FY2024Q1", "FY2024Q2", "FY2024Q3", "FY2024Q4"], "value"].sum()
    assert quarters == latest.loc["FY2024", "value"] == 44_477 * M
    everything = store.fundamentals(entity="microsoft", metric="capex", latest_only=False)
    assert (everything.fiscal_period == "FY2024Q1").sum() == 2


def test_apple_52_53_week_year_ending_in_september() -> None:
    frame = companyfacts_to_frame(aapl_payload(), ticker="AAPL", metrics=["capex"])
    by = frame.set_index("fiscal_period")
    assert by.loc["FY2024", "value"] == 9_447 * M
    assert by.loc["FY2024Q1", "value"] == 2_392 * M
    assert by.loc["FY2024Q2", "value"] == (4_388 - 2_392) * M
    assert by.loc["FY2024Q3", "value"] == (6_539 - 4_388) * M
    assert by.loc["FY2024Q4", "value"] == (9_447 - 6_539) * M
    assert by.loc["FY2024Q4", "period_start"] == dt.date(2024, 6, 30)
    assert by.loc["FY2024Q4", "period_end"] == dt.date(2024, 9, 28)


def test_calendar_company_uses_discrete_quarters_and_derives_only_what_is_missing() -> None:
    frame = companyfacts_to_frame(amzn_payload(), ticker="AMZN")
    rev = frame[frame.metric == "revenue"].set_index("fiscal_period")
    assert rev.loc["2024Q2", "value"] == 110.0 and rev.loc["2024Q2", "kind"] == "actual"
    assert rev.loc["2024Q3", "value"] == 120.0 and rev.loc["2024Q3", "kind"] == "actual"
    assert rev.loc["2024Q4", "value"] == 450.0 - 330.0 and rev.loc["2024Q4", "kind"] == "derived"
    eps = frame[frame.metric == "eps_diluted"].set_index("fiscal_period")
    assert "2024Q4" not in eps.index  # EPS is not additive: never de-cumulated
    assert eps.loc["2024Q2", "value"] == 1.1 and eps.loc["FY2024", "unit"] == "USD_per_share"
    capex = frame[frame.metric == "capex"].set_index("fiscal_period")  # fallback concept
    assert (
        capex.loc["2024Q2", "value"] == 15.0
        and "PaymentsToAcquireProductiveAssets" in capex.loc["2024Q1", "quote"]
    )
    shares = frame[frame.metric == "shares_outstanding"].set_index("fiscal_period")
    assert shares.loc["2024Q1", "value"] == 10.4e9 and shares.loc["FY2024", "unit"] == "shares"
    assert set(frame.attrs["missing_metrics"]) == {"net_income", "rnd"}


# ---------------------------------------------------------------- bad payloads
def test_payload_without_the_concept_is_a_clear_error() -> None:
    with pytest.raises(ProviderError) as info:
        companyfacts_to_frame(amzn_payload(), ticker="AMZN", metrics=["net_income"])
    assert "AMZN" in str(info.value) and "NetIncomeLoss" in str(info.value)
    assert info.value.field == "net_income"


def test_payload_without_facts_is_a_clear_error() -> None:
    with pytest.raises(ProviderError, match="no 'facts'"):
        companyfacts_to_frame({"cik": 1, "entityName": "X"}, ticker="X")


def test_unknown_metric_is_a_clear_error() -> None:
    with pytest.raises(ProviderError, match="unknown SEC metric 'ebitda'"):
        companyfacts_to_frame(msft_payload(), ticker="MSFT", metrics=["ebitda"])


# ---------------------------------------------------------------- HTTP
class Recorder:
    """httpx handler replaying a script of responses (or exceptions)."""

    def __init__(self, *script) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step


def make_client(handler: Recorder, tmp_path: Path, sleeps: list[float], **kw) -> SecClient:
    return SecClient(
        UA,
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        cache_dir=tmp_path / "cache",
        sleep=sleeps.append,
        clock=lambda: 0.0,
        **kw,
    )


def test_missing_user_agent_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_USER_AGENT, raising=False)
    with pytest.raises(ProviderError) as info:
        SecClient()
    assert ENV_USER_AGENT in str(info.value) and info.value.field == "user_agent"
    with pytest.raises(ProviderError, match="no contact e-mail"):
        SecClient("just a name")


def test_user_agent_is_sent_and_response_cached(tmp_path: Path) -> None:
    handler = Recorder(httpx.Response(200, json=msft_payload()))
    client = make_client(handler, tmp_path, [])
    provider = SecProvider(client)
    frame = provider.fundamentals("MSFT", metrics=["capex"])
    assert handler.requests[0].headers["user-agent"] == UA
    assert str(handler.requests[0].url) == COMPANYFACTS_URL.format(cik=789019)
    assert (tmp_path / "cache" / "CIK0000789019.json").is_file()
    again = provider.fundamentals("MSFT", metrics=["capex"])
    assert len(handler.requests) == 1 and again.equals(frame)


def test_http_404_is_reported_without_retry(tmp_path: Path) -> None:
    handler = Recorder(httpx.Response(404))
    client = make_client(handler, tmp_path, [])
    with pytest.raises(ProviderError) as info:
        SecProvider(client).fundamentals("MSFT")
    assert "HTTP 404" in str(info.value) and info.value.file == COMPANYFACTS_URL.format(cik=789019)
    assert len(handler.requests) == 1
    assert not (tmp_path / "cache" / "CIK0000789019.json").exists()


def test_http_429_is_retried_with_backoff_then_reported(tmp_path: Path) -> None:
    handler = Recorder(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(429))
    sleeps: list[float] = []
    client = make_client(handler, tmp_path, sleeps, retries=3, backoff=0.5)
    with pytest.raises(ProviderError) as info:
        SecProvider(client).fundamentals("MSFT")
    assert "failed after 4 attempts (HTTP 429)" in str(info.value)
    assert len(handler.requests) == 4
    backoffs = [s for s in sleeps if s >= 0.5]
    assert backoffs == [3.0, 1.0, 2.0]  # Retry-After wins over 0.5, then 0.5*2, 0.5*4


def test_timeouts_are_retried_then_reported(tmp_path: Path) -> None:
    handler = Recorder(httpx.ReadTimeout("slow"))
    client = make_client(handler, tmp_path, [], retries=2)
    with pytest.raises(ProviderError, match="timed out"):
        SecProvider(client).fundamentals("MSFT")
    assert len(handler.requests) == 3


def test_transient_503_then_success(tmp_path: Path) -> None:
    handler = Recorder(httpx.Response(503), httpx.Response(200, json=aapl_payload()))
    client = make_client(handler, tmp_path, [])
    frame = SecProvider(client).fundamentals("AAPL", metrics=["capex"])
    assert len(handler.requests) == 2
    assert frame.set_index("fiscal_period").loc["FY2024", "value"] == 9_447 * M


def test_requests_are_spaced_to_the_rate_limit(tmp_path: Path) -> None:
    handler = Recorder(httpx.Response(503), httpx.Response(200, json=aapl_payload()))
    sleeps: list[float] = []
    client = make_client(handler, tmp_path, sleeps, backoff=0.0, max_per_second=10)
    SecProvider(client).fundamentals("AAPL", metrics=["capex"])
    assert pytest.approx(0.1) in sleeps  # the clock never advances: the second request waits 1/10 s


def test_ticker_lookup_through_company_tickers(tmp_path: Path) -> None:
    tickers = {"0": {"cik_str": 1373715, "ticker": "NOW", "title": "ServiceNow, Inc."}}
    handler = Recorder(httpx.Response(200, json=tickers))
    provider = SecProvider(make_client(handler, tmp_path, []))
    assert provider.cik("now") == 1373715
    with pytest.raises(UnknownTickerError) as info:
        provider.cik("ZZZZ")
    assert "ZZZZ" in str(info.value) and info.value.field == "ticker"


def test_pull_writes_good_tickers_and_reports_failures(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "789019" in str(request.url):
            return httpx.Response(200, json=msft_payload())
        return httpx.Response(404)

    client = SecClient(
        UA,
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        cache_dir=tmp_path / "c",
        sleep=lambda s: None,
    )
    store = Store(tmp_path / "s.duckdb")
    seen: list[tuple[str, str | None]] = []
    report = pull(
        store,
        ["MSFT", "AAPL"],
        provider=SecProvider(client),
        metrics=["capex"],
        on_ticker=lambda t, e: seen.append((t, e)),
    )
    assert report.written["MSFT"] > 0 and "HTTP 404" in report.failures["AAPL"]
    assert [t for t, _ in seen] == ["MSFT", "AAPL"]
    stored = store.fundamentals(latest_only=False)
    assert set(stored["ticker"]) == {"MSFT"}  # nothing of the failed ticker


@pytest.mark.live
def test_live_companyfacts_microsoft_capex(tmp_path: Path) -> None:
    if not os.environ.get(ENV_USER_AGENT):
        pytest.fail(f"set {ENV_USER_AGENT} to run live tests")
    provider = SecProvider(SecClient(cache_dir=tmp_path))
    frame = provider.fundamentals("MSFT", metrics=["capex"])
    latest = (
        frame.sort_values("as_of")
        .drop_duplicates("fiscal_period", keep="last")
        .set_index("fiscal_period")
    )
    assert latest.loc["FY2024", "value"] == 44_477 * M
    assert latest.loc["FY2023", "value"] == 28_107 * M
    json.dumps(frame.astype(str).to_dict())  # serialisable
