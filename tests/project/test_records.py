"""The build's claims against the record: judged as check_records judges them, counted in
the summary, and charted from the series that decide them.

Chart series are recomputed here with pandas straight from ``../shared/data`` (price CSVs,
dividend CSVs and the SEC companyfacts JSON, with the published split dates), never
through the store or the code under test. Statuses are compared with
:func:`aithesis.thesis.record_api.check_records` called directly on the build's store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aithesis.data.store import Store
from aithesis.project.records import STATUSES
from aithesis.project.summary import ClaimFlag
from aithesis.thesis.record_api import check_records
from aithesis.thesis.results import ClaimResult

pytestmark = pytest.mark.shared_data

SPLITS = {  # published split dates and ratios
    "NVDA": [("2021-07-20", 4.0), ("2024-06-10", 10.0)],
    "AAPL": [("2014-06-09", 7.0), ("2020-08-31", 4.0)],
}
CIK = {"NVDA": "0001045810", "AAPL": "0000320193"}


def _close(sample_dir: Path, ticker: str) -> pd.Series:
    frame = pd.read_csv(sample_dir / "prices" / f"{ticker}.csv", parse_dates=["date"])
    return frame.set_index("date")["close"]


def hand_market_cap(sample_dir: Path, ticker: str) -> pd.Series:
    """Daily close x shares of the latest cover date at or before the day, restated to
    today's basis with the published splits after that cover date, in USD."""
    payload = json.loads((sample_dir / "sec" / f"CIK{CIK[ticker]}.json").read_text())
    facts = payload["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"]
    table = pd.DataFrame(facts)[["end", "val", "filed"]]
    table["end"] = pd.to_datetime(table["end"])
    table = table.sort_values(["end", "filed"]).drop_duplicates("end", keep="last")
    shares = table.set_index("end")["val"].astype(float)
    for when, ratio in SPLITS[ticker]:
        shares[shares.index < pd.Timestamp(when)] *= ratio
    close = _close(sample_dir, ticker)
    count = shares.reindex(close.index.union(shares.index)).ffill().reindex(close.index)
    return close * count


def hand_cumulative(sample_dir: Path, ticker: str, start: pd.Timestamp) -> pd.Series:
    """Total return from the last close at or before ``start``: closes, with dividends
    reinvested on each ex-date (x close_{t-1} / (close_{t-1} - div_t)) for ``raw`` tickers."""
    close = _close(sample_dir, ticker)
    manifest = pd.read_csv(sample_dir / "prices_manifest.csv").set_index("ticker")
    factor = pd.Series(1.0, index=close.index)
    div_file = sample_dir / "dividends" / f"{ticker}.csv"
    if manifest.loc[ticker, "close_basis"] == "raw" and div_file.exists():
        divs = pd.read_csv(div_file, parse_dates=["date"])
        prev = close.shift(1)
        for _, row in divs.iterrows():
            if row.date in factor.index and np.isfinite(prev.get(row.date, np.nan)):
                factor[row.date] *= prev[row.date] / (prev[row.date] - row.dividend)
    first = close.index[close.index <= start][-1]
    growth = (close / close[first]) * factor.cumprod() / factor.cumprod()[first]
    return growth[growth.index >= first] - 1.0


@pytest.fixture(scope="module")
def results(built_project):
    return built_project.results


@pytest.fixture(scope="module")
def direct(built_project, sample_dir: Path):
    """check_records on the build's store, the project's models, the sample SEC folder."""
    project = built_project.project
    files = [project.require(m.file, "models") for m in project.config.models]
    store = Store(project.store_path, read_only=True)
    return check_records(files, store=store, sec_dir=sample_dir / "sec")


def _record(results, claim_id: str):
    return next(r for r in results.records if r.claim_id == claim_id)


def test_build_judges_every_record_claim_as_check_records_does(results, direct) -> None:
    assert len(direct) >= 11  # article 000, 001, 002 and 004 record claims
    built = {(r.model, r.claim_id): r for r in results.records}
    assert set(built) == {(r.model, r.claim_id) for r in direct}
    for r in direct:
        mine = built[(r.model, r.claim_id)]
        assert (mine.status_then, mine.status_since) == (r.status_then, r.status_since)
        assert (mine.as_of_then, mine.as_of_since) == (r.as_of_then, r.as_of_since)
        pairs = ((mine.computed_then, r.computed_then), (mine.computed_since, r.computed_since))
        for a, b in pairs:
            if isinstance(b, float):
                assert a == pytest.approx(b, rel=1e-12, nan_ok=True)
            else:
                assert a == b
        assert mine.quote == r.quote and mine.claimed == r.claimed and mine.op == r.op


def test_records_carry_the_catalogued_article_and_the_chinese_text(results) -> None:
    r = _record(results, "nvda_3t_at_article")
    assert r.article == "002_96ddb6391e376a23.txt"
    assert r.article_date == "2024-07-22" and "英伟达" in r.article_title
    assert r.unit == "USD_tn" and r.quote == "目前英伟达的市值已经达到了 3 万亿美元"
    from aithesis.thesis.spec import load_spec

    for section in results.models:
        spec, _ = load_spec(section.file)
        for _, c in spec.record_claims:
            assert _record(results, c.id).text_zh == c.text_zh


def test_summary_counts_the_statuses_then_and_since(results, direct) -> None:
    s = results.summary
    assert s.records_total == len(direct)
    for when in ("then", "since"):
        expected = Counter(getattr(r, f"status_{when}") for r in direct)
        counts = getattr(s, f"records_{when}")
        assert set(counts) == set(STATUSES)
        assert counts == {k: expected.get(k, 0) for k in STATUSES}
    shape = s.to_dict()
    old = {"start", "indexes", "benchmarks", "targets", "flagged", "claims_total", "kpi_latest"}
    assert old | {"records_total", "records_then", "records_since"} == set(shape)
    assert shape["records_since"]["came_true"] == sum(r.status_since == "came_true" for r in direct)
    json.dumps(shape)  # plain JSON


def test_claim_flag_is_built_from_the_result_fields_by_name(results) -> None:
    assert len(results.summary.flagged) == len(results.claims.flagged) > 0
    for flag, result in zip(results.summary.flagged, results.claims.flagged, strict=True):
        assert flag == ClaimFlag.from_result(result) == ClaimFlag.of(result)
        assert flag.to_dict() == {**result.to_dict(), "note": result.note, "kind": result.kind}
    result = ClaimResult("m", "c", "t", "s", (1.0, 2.0), 3.0, "kWh", 0.5, "flagged", note="n")
    assert ClaimFlag.from_result(result).to_dict()["claimed"] == [1.0, 2.0]


def test_market_cap_chart_is_close_times_split_adjusted_shares(results, sample_dir) -> None:
    chart = _record(results, "nvda_3t_at_article").chart
    assert chart.measure == "market_cap" and chart.unit == "USD_tn"
    assert chart.threshold == (3.0,) and chart.article == dt.date(2024, 7, 22)
    (line,) = chart.lines
    expected = hand_market_cap(sample_dir, "NVDA") / 1e12
    days = pd.DatetimeIndex(line.dates.astype("datetime64[ns]"))
    # 365 days either side of the article date (the date the claim reads)
    day, year = pd.Timestamp("2024-07-22"), pd.Timedelta(days=365)
    assert days[0] == expected.index[expected.index >= day - year][0]
    assert days[-1] == expected.index[expected.index <= day + year][-1]
    np.testing.assert_allclose(line.values, expected.reindex(days).to_numpy(), rtol=1e-12)
    # about $3.04T on the article date, above the article's $3T
    on_article = float(expected[expected.index <= "2024-07-22"].iloc[-1])
    assert 3.0 < on_article < 3.1 and chart.points == (dt.date(2024, 7, 22),)


def test_first_date_chart_marks_the_first_close_at_5t(results, sample_dir) -> None:
    chart = _record(results, "nvda_5t_first_date").chart
    assert chart.unit == "USD_bn" and chart.threshold == (5000.0,)
    caps = hand_market_cap(sample_dir, "NVDA")
    after = caps[caps.index > "2024-07-22"]
    first = after.index[after >= 5e12][0].date()
    assert chart.points == (first,)
    (line,) = chart.lines
    days = pd.DatetimeIndex(line.dates.astype("datetime64[ns]"))
    np.testing.assert_allclose(line.values, (caps / 1e9).reindex(days).to_numpy(), rtol=1e-12)
    apple = _record(results, "apple_2010_200bn").chart
    assert apple.threshold == (200.0, 299.99) and apple.lines[0].label == "AAPL"


def test_return_charts_are_cumulative_total_returns_over_the_window(results, sample_dir) -> None:
    chart = _record(results, "amd_intel_beat_nvda_2025").chart
    assert chart.measure == "total_return" and chart.threshold == ()  # min(...) - ...: none
    assert chart.window == (dt.date(2024, 12, 31), dt.date(2025, 12, 31))
    assert [ln.label for ln in chart.lines] == ["AMD", "INTC", "NVDA"]
    for line in chart.lines:
        expected = hand_cumulative(sample_dir, line.label, pd.Timestamp("2024-12-31"))
        days = pd.DatetimeIndex(line.dates.astype("datetime64[ns]"))
        assert days[-1] == pd.Timestamp("2026-02-13")  # drawn to the article date
        np.testing.assert_allclose(
            line.values, expected.reindex(days).to_numpy(), rtol=1e-9, atol=1e-12
        )
    ms = _record(results, "ms_ai_infra_excess_12m").chart
    assert "SPY" in [ln.label for ln in ms.lines] and len(ms.lines) == 8
    assert ms.window == (dt.date(2025, 3, 11), dt.date(2026, 3, 11))


def test_kpi_claims_have_no_chart_and_an_article_estimate_is_not_the_record(
    built_project, results
) -> None:
    facts = pd.read_csv(built_project.project.root / "kpi" / "article_facts.csv")
    amazon = facts[(facts.ticker == "AMZN") & (facts.metric == "capex")]
    assert len(amazon) and set(amazon["kind"]) - {"actual", "derived"}  # an estimate only
    r = _record(results, "amazon_capex_2025")
    assert r.chart is None
    # the article's own $100B estimate may not confirm or refute itself: no filed fact
    assert (r.status_then, r.status_since) == ("not_yet", "no_data")
    assert "no capex fact for AMZN FY2025" in r.note
