"""Record claims: every built-in one against a hand computation from the CSV files.

Expected values are computed here with pandas straight from ``../shared/data`` (prices,
dividends, SEC JSON), never through the store or the code under test. Split dates in the
hand computation are the published ones (NVIDIA 4:1 on 2021-07-20, 10:1 on 2024-06-10;
Apple 7:1 on 2014-06-09, 4:1 on 2020-08-31), independent of the split detection.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aithesis.thesis.record_api import check_records

SPLITS = {
    "NVDA": [("2021-07-20", 4.0), ("2024-06-10", 10.0)],
    "AAPL": [("2014-06-09", 7.0), ("2020-08-31", 4.0)],
}
CIK = {"NVDA": "0001045810", "AAPL": "0000320193"}


def _close(sample_dir: Path, ticker: str) -> pd.Series:
    frame = pd.read_csv(sample_dir / "prices" / f"{ticker}.csv", parse_dates=["date"])
    return frame.set_index("date")["close"]


def _at(series: pd.Series, day: str) -> pd.Timestamp:
    """Last trading date at or before ``day``."""
    return series.index[series.index <= pd.Timestamp(day)][-1]


def total_return(sample_dir: Path, ticker: str, start: str, end: str) -> float:
    """Total return from the last close at or before ``start`` to that at ``end``.

    ``raw`` tickers: dividends reinvested on the ex-date (an ex-date t multiplies by
    ``close_{t-1} / (close_{t-1} - div_t)``); ``auto_adjusted`` closes already include them.
    """
    close = _close(sample_dir, ticker)
    a, b = _at(close, start), _at(close, end)
    growth = close[b] / close[a]
    manifest = pd.read_csv(sample_dir / "prices_manifest.csv").set_index("ticker")
    div_file = sample_dir / "dividends" / f"{ticker}.csv"
    if manifest.loc[ticker, "close_basis"] == "raw" and div_file.exists():
        divs = pd.read_csv(div_file, parse_dates=["date"])
        for _, row in divs[(divs.date > a) & (divs.date <= b)].iterrows():
            prev = close[close.index < row.date].iloc[-1]
            growth *= prev / (prev - row.dividend)
    return float(growth - 1.0)


def shares_table(sample_dir: Path, ticker: str) -> pd.DataFrame:
    payload = json.loads((sample_dir / "sec" / f"CIK{CIK[ticker]}.json").read_text())
    facts = payload["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"]
    frame = pd.DataFrame(facts)[["end", "val", "filed"]]
    frame["end"] = pd.to_datetime(frame["end"])
    frame = frame.sort_values(["end", "filed"]).drop_duplicates("end", keep="last")
    return frame.set_index("end")


def market_caps(sample_dir: Path, ticker: str) -> pd.Series:
    """Daily close x shares of the latest cover date at or before the day, restated to
    today's basis by the published splits after that cover date (NaN before any filing)."""
    close = _close(sample_dir, ticker)
    shares = shares_table(sample_dir, ticker)["val"].astype(float)
    for when, ratio in SPLITS[ticker]:
        shares[shares.index < pd.Timestamp(when)] *= ratio
    count = shares.reindex(close.index.union(shares.index)).ffill().reindex(close.index)
    return close * count


def market_cap(sample_dir: Path, ticker: str, day: str) -> float:
    caps = market_caps(sample_dir, ticker)
    return float(caps[_at(caps, day)])


@pytest.fixture(scope="module")
def report(sample_store):
    return check_records(None, store=sample_store)


def _get(report, claim_id):
    return report.get(claim_id)


@pytest.mark.parametrize(
    ("day", "approx_tn"),
    [("2024-06-14", 3.24), ("2021-01-04", 0.32), ("2025-06-30", 3.85)],
)
def test_market_cap_matches_hand_computation(sample_store, sample_dir, day, approx_tn):
    from aithesis.thesis import expr as fx
    from aithesis.thesis.record import Resolver
    from aithesis.thesis.record_api import fetch_record

    expected = market_cap(sample_dir, "NVDA", day)
    assert expected / 1e12 == pytest.approx(approx_tn, rel=0.03)  # ~$3.2T, not $0.32T
    data = fetch_record(
        sample_store, {"prices": {"NVDA"}, "shares": {"NVDA"}, "kpi": set()}, sample_dir / "sec"
    )
    call = fx.data_calls(fx.parse(f'market_cap(NVDA, "{day}")'))[0]
    got = Resolver(data, dt.date(2024, 6, 14), data.latest).value(call)
    assert got == pytest.approx(expected, rel=1e-9)


def test_nvda_3t_at_article_date(report, sample_dir):
    r = _get(report, "nvda_3t_at_article")
    expected = market_cap(sample_dir, "NVDA", "2024-07-22") / 1e12
    assert r.computed_then == pytest.approx(expected, rel=1e-9)
    assert expected >= 3.0
    assert (r.status_then, r.status_since, r.as_of_then) == ("ok", "ok", "2024-07-22")


def test_nvda_5t_first_date_against_hand_computation(report, sample_dir):
    caps = market_caps(sample_dir, "NVDA")
    after = caps[caps.index > pd.Timestamp("2024-07-22")]
    first = after[after >= 5e12].index[0]
    r = _get(report, "nvda_5t_first_date")
    assert r.status_then == "not_yet"
    assert r.status_since == "came_true"
    assert r.computed_since == str(first.date())
    assert r.to_dict()["kind"] == "record"


def test_nvda_2016_from_20bn_and_to_100bn(report, sample_dir):
    r = _get(report, "nvda_2016_from_20bn")
    expected = market_cap(sample_dir, "NVDA", "2015-12-31") / 1e9
    assert r.computed_since == pytest.approx(expected, rel=1e-9)
    assert abs(expected - 20) / 20 <= 0.2 and r.status_since == "ok"
    caps = market_caps(sample_dir, "NVDA")
    window = caps[(caps.index > "2015-12-31") & (caps.index <= "2018-12-31")]
    first = window[window >= 1e11].index[0]
    r = _get(report, "nvda_2016_to_100bn")
    assert r.computed_since == str(first.date())
    assert (r.status_then, r.status_since) == ("ok", "ok")


def test_apple_2010(report, sample_dir):
    r = _get(report, "apple_2010_200bn")
    expected = market_cap(sample_dir, "AAPL", "2010-06-30") / 1e9
    assert r.computed_since == pytest.approx(expected, rel=1e-9)
    assert 200 <= expected < 300 and r.status_since == "ok"


def test_amd_intel_beat_nvidia_in_2025(report, sample_dir):
    tr = {
        t: total_return(sample_dir, t, "2024-12-31", "2025-12-31") for t in ("AMD", "INTC", "NVDA")
    }
    expected = min(tr["AMD"], tr["INTC"]) - tr["NVDA"]
    r = _get(report, "amd_intel_beat_nvda_2025")
    assert r.computed_then == pytest.approx(expected, rel=1e-6)
    assert (r.status_then, r.status_since) == ("ok" if expected >= 0 else "flagged",) * 2


def test_saas_two_months(report, sample_dir):
    start, end = "2025-12-13", "2026-02-13"  # article date 2026-02-13 minus two months
    expected = max(total_return(sample_dir, t, start, end) for t in ("CRM", "ADBE", "NOW"))
    r = _get(report, "saas_fell_two_months")
    assert r.computed_then == pytest.approx(expected, rel=1e-6)
    assert r.status_then == ("ok" if expected <= -0.1 else "flagged")
    assert r.status_since == r.status_then  # a statement about the past: same data since


def test_us_against_hk(report, sample_dir):
    us = np.mean(
        [
            total_return(sample_dir, t, "2024-12-31", "2025-12-31")
            for t in ("NVDA", "MSFT", "GOOGL", "META", "AMZN")
        ]
    )
    hk = np.mean(
        [
            total_return(sample_dir, t, "2024-12-31", "2025-12-31")
            for t in ("0700.HK", "1810.HK", "3690.HK")
        ]
    )
    r = _get(report, "us_flies_hk_shunned")
    assert r.computed_since == pytest.approx(us - hk, rel=1e-6)
    assert r.computed_then == pytest.approx(us - hk, rel=1e-6)
    assert r.status_then == r.status_since == ("ok" if us - hk >= 0 else "flagged")


def test_morgan_stanley_12_month_excess_return(report, sample_dir):
    names = ("NVDA", "AVGO", "VST", "ETN", "EQT", "NEE", "ANET")
    start, end = "2025-03-11", "2026-03-11"
    spy = total_return(sample_dir, "SPY", start, end)
    expected = np.mean([total_return(sample_dir, t, start, end) - spy for t in names])
    r = _get(report, "ms_ai_infra_excess_12m")
    assert r.status_then == "not_yet" and r.computed_then is None
    assert r.computed_since == pytest.approx(expected, rel=1e-6)
    assert r.status_since == ("came_true" if expected >= 0.05 else "did_not_come_true")


def test_capex_claims_name_the_missing_facts(report, sample_dir):
    # by hand: the sample data hold no Amazon facts at all (no SEC payload for its CIK
    # 0001018724, and Amazon is not among the payloads' entities)
    payloads = sorted((sample_dir / "sec").glob("CIK*.json"))
    assert payloads and not any("0001018724" in p.name for p in payloads)
    names = {json.loads(p.read_text()).get("entityName", "").lower() for p in payloads}
    assert not any("amazon" in n for n in names)
    for cid in ("bofa_hyperscaler_capex_2025", "amazon_capex_2025"):
        r = _get(report, cid)
        assert r.status_then == "not_yet"  # a 2025 figure, forecast in March 2025
        assert r.status_since == "no_data" and "AMZN" in r.note


def test_json_record_fields(report):
    d = _get(report, "nvda_3t_at_article").to_dict()
    for key in ("status_then", "status_since", "computed_then", "computed_since"):
        assert key in d
    assert d["as_of_then"] == "2024-07-22" and d["as_of_since"] == "2026-05-29"


def test_kpi_against_the_sec_payload(write_model, sample_store, sample_dir):
    payload = json.loads((sample_dir / "sec" / "CIK0000789019.partial.json").read_text())
    facts = payload["facts"]["us-gaap"]["PaymentsToAcquirePropertyPlantAndEquipment"]
    rows = pd.DataFrame(facts["units"]["USD"])
    year = rows[(rows.start == "2024-07-01") & (rows.end == "2025-06-30")]
    expected = float(year.sort_values("filed").iloc[-1]["val"]) / 1e9  # FY2025, last filed
    path = write_model(
        f"""\
        name: kpi-test
        title: kpi test
        drivers:
          x: 1
        claims:
          - id: msft_capex
            kind: record
            expr: kpi(MSFT, capex, 2025)
            claimed: {expected:.3f}
            unit: USD_bn
            article_date: "2025-03-11"
        """,
        name="kpi-test",
    )
    r = check_records([path], store=sample_store, sec_dir=sample_dir / "sec").get("msft_capex")
    assert r.computed_since == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(64.551)  # SOURCES.md: Microsoft FY2025 $64,551M
    assert (r.status_then, r.status_since) == ("not_yet", "came_true")


def test_cli_check_shows_then_and_since(sample_store):
    import json as _json

    from typer.testing import CliRunner

    from aithesis.cli.main import app

    runner = CliRunner()
    args = ["model", "check", "nvda-5t", "--store", str(sample_store.path)]
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "then" in out.output and "since" in out.output and "came_true" in out.output
    out = runner.invoke(app, [*args, "-f", "json"])
    rows = [r for r in _json.loads(out.output) if r.get("kind") == "record"]
    assert {r["claim_id"] for r in rows} >= {"nvda_3t_at_article", "nvda_5t_first_date"}
    first = next(r for r in rows if r["claim_id"] == "nvda_5t_first_date")
    assert (first["status_then"], first["status_since"]) == ("not_yet", "came_true")
    assert first["as_of_then"] == "2024-07-22"


def test_every_builtin_record_claim_has_a_test():
    """Acceptance audit: each built-in record claim is named by a test of this folder."""
    from aithesis.thesis.api import BUILTIN_DIR
    from aithesis.thesis.spec import load_spec

    ids = {c.id for p in BUILTIN_DIR.glob("*.yaml") for _, c in load_spec(p)[0].record_claims}
    here = Path(__file__).parent
    text = "".join(p.read_text(encoding="utf-8") for p in here.glob("test_*.py"))
    assert len(ids) >= 11
    assert not [i for i in sorted(ids) if f'"{i}"' not in text]
