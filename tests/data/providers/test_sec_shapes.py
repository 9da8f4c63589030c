"""SEC payloads built by hand in the real companyfacts shape, for shapes the recordings
lack: a 10-Q trailing-twelve-month column, a restatement under a newer concept, a 20-F
in CNY with a USD convenience translation, a year total below its 9-month figure,
hostile payloads. Every expectation is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from aithesis.data.providers.sec import companyfacts_to_frame
from aithesis.data.providers.sec_facts import parse_json
from aithesis.data.store import Store
from aithesis.errors import ProviderError

M = 1_000_000
PPE = "PaymentsToAcquirePropertyPlantAndEquipment"
PRODUCTIVE = "PaymentsToAcquireProductiveAssets"


def fact(start, end, val, filed, form, accn, fy=None, fp=None) -> dict:
    item = {"end": end, "val": val, "accn": accn, "fy": fy, "fp": fp, "form": form}
    item["filed"] = filed
    if start:
        item["start"] = start
    return item


def payload(us_gaap: dict, name: str = "X CORP") -> dict:
    return {
        "cik": 1,
        "entityName": name,
        "facts": {"us-gaap": {c: {"label": c, "units": u} for c, u in us_gaap.items()}},
    }


def latest(frame: pd.DataFrame, metric: str = "capex") -> pd.Series:
    rows = frame[frame["metric"] == metric].sort_values("as_of", kind="stable")
    return rows.groupby("fiscal_period")["value"].last()


# ------------------------------------------------------------------ TTM columns
@pytest.fixture()
def ttm() -> dict:
    """Amazon-like (December year): each 10-Q also carries a trailing-12-month column."""
    usd = [
        fact("2023-01-01", "2023-12-31", 52_729 * M, "2025-02-07", "10-K", "k24", 2024, "FY"),
        fact("2024-01-01", "2024-12-31", 83_004 * M, "2025-02-07", "10-K", "k24", 2024, "FY"),
        fact("2024-01-01", "2024-03-31", 14_925 * M, "2024-05-01", "10-Q", "q124", 2024, "Q1"),
        fact("2024-01-01", "2024-06-30", 32_546 * M, "2024-08-02", "10-Q", "q224", 2024, "Q2"),
        fact("2024-01-01", "2024-09-30", 55_046 * M, "2024-11-01", "10-Q", "q324", 2024, "Q3"),
        fact("2025-01-01", "2025-03-31", 25_019 * M, "2025-05-02", "10-Q", "q125", 2025, "Q1"),
        # TTM 2024-04-01..2025-03-31 = 83,004 - 14,925 + 25,019
        fact("2024-04-01", "2025-03-31", 93_098 * M, "2025-05-02", "10-Q", "q125", 2025, "Q1"),
        fact("2025-01-01", "2025-06-30", 57_203 * M, "2025-08-01", "10-Q", "q225", 2025, "Q2"),
        fact("2024-07-01", "2025-06-30", 107_661 * M, "2025-08-01", "10-Q", "q225", 2025, "Q2"),
        fact("2025-01-01", "2025-09-30", 89_133 * M, "2025-10-31", "10-Q", "q325", 2025, "Q3"),
        fact("2024-10-01", "2025-09-30", 117_091 * M, "2025-10-31", "10-Q", "q325", 2025, "Q3"),
        fact("2025-01-01", "2025-12-31", 128_320 * M, "2026-02-06", "10-K", "k25", 2025, "FY"),
        fact("2026-01-01", "2026-03-31", 36_000 * M, "2026-05-01", "10-Q", "q126", 2026, "Q1"),
        fact("2025-04-01", "2026-03-31", 139_301 * M, "2026-05-01", "10-Q", "q126", 2026, "Q1"),
    ]
    return payload({PRODUCTIVE: {"USD": usd}}, "AMAZON.COM, INC.")


def test_ttm_columns_are_neither_years_nor_quarters(ttm: dict) -> None:
    frame = companyfacts_to_frame(ttm, ticker="AMZN", metrics=["capex"])
    got = latest(frame)
    expected = {  # by hand, in $M
        "FY2023": 52_729,
        "FY2024": 83_004,
        "FY2025": 128_320,
        "2024Q1": 14_925,
        "2024Q2": 32_546 - 14_925,  # 17,621
        "2024Q3": 55_046 - 32_546,  # 22,500
        "2024Q4": 83_004 - 55_046,  # 27,958
        "2025Q1": 25_019,
        "2025Q2": 57_203 - 25_019,  # 32,184
        "2025Q3": 89_133 - 57_203,  # 31,930
        "2025Q4": 128_320 - 89_133,  # 39,187
        "2026Q1": 36_000,
    }
    assert got.to_dict() == {k: v * M for k, v in expected.items()}
    ttm = {93_098 * M, 107_661 * M, 117_091 * M, 139_301 * M}
    assert not ttm & set(frame["value"])
    fy25 = frame[frame["fiscal_period"] == "FY2025"].iloc[-1]
    assert (fy25["period_start"], fy25["period_end"]) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
    )


def test_ttm_ending_after_the_last_annual_does_not_flip_the_labels(ttm: dict) -> None:
    """The latest 12-month span ends in March (a TTM); the year still ends in December."""
    body = ttm
    facts = body["facts"]["us-gaap"][PRODUCTIVE]["units"]["USD"]
    body["facts"]["us-gaap"][PRODUCTIVE]["units"]["USD"] = [
        f for f in facts if f["accn"] != "k25"
    ]  # drop the FY2025 10-K: the latest 12-month end is now the March 2026 TTM
    got = latest(companyfacts_to_frame(body, ticker="AMZN", metrics=["capex"]))
    assert "2025Q3" in got.index and "2026Q1" in got.index
    assert not [label for label in got.index if label.startswith("FY") and "Q" in label]
    assert "2025Q4" not in got.index and "FY2025" not in got.index
    assert got["2026Q1"] == 36_000 * M


# ------------------------------------------------------------------ restatements
def test_a_restatement_under_a_newer_concept_wins() -> None:
    us_gaap = {
        PPE: {
            "USD": [
                fact("2023-01-01", "2023-12-31", 100 * M, "2024-02-01", "10-K", "k23"),
                # the FY2024 10-K tags FY2024 under both concepts: the first concept wins
                fact("2024-01-01", "2024-12-31", 120 * M, "2025-02-01", "10-K", "k24"),
            ]
        },
        PRODUCTIVE: {
            "USD": [
                # FY2023 restated in the FY2024 10-K under the newer concept
                fact("2023-01-01", "2023-12-31", 110 * M, "2025-02-01", "10-K", "k24"),
                fact("2024-01-01", "2024-12-31", 130 * M, "2025-02-01", "10-K", "k24"),
            ]
        },
    }
    frame = companyfacts_to_frame(payload(us_gaap), ticker="X", metrics=["capex"])
    fy23 = frame[frame["fiscal_period"] == "FY2023"].sort_values("as_of")
    assert fy23["value"].tolist() == [100 * M, 110 * M]
    assert fy23["as_of"].tolist() == [dt.date(2024, 2, 1), dt.date(2025, 2, 1)]
    assert PRODUCTIVE in fy23["quote"].iloc[-1]
    fy24 = frame[frame["fiscal_period"] == "FY2024"]
    assert fy24["value"].tolist() == [120 * M] and PPE in fy24["quote"].iloc[0]


def test_the_store_reads_the_restatement(tmp_path: Path) -> None:
    us_gaap = {
        PPE: {"USD": [fact("2023-01-01", "2023-12-31", 100 * M, "2024-02-01", "10-K", "k23")]},
        PRODUCTIVE: {
            "USD": [fact("2023-01-01", "2023-12-31", 110 * M, "2025-02-01", "10-K", "k24")]
        },
    }
    store = Store(tmp_path / "s.duckdb")
    store.write_fundamentals(companyfacts_to_frame(payload(us_gaap), ticker="X"))
    rows = store.fundamentals(ticker="X", metric="capex")
    assert rows["value"].tolist() == [110 * M]


def test_year_to_date_figures_filed_later_replace_a_reported_quarter() -> None:
    usd = [
        fact("2024-01-01", "2024-03-31", 10 * M, "2024-05-01", "10-Q", "q1"),
        fact("2024-04-01", "2024-06-30", 20 * M, "2024-08-01", "10-Q", "q2"),
        fact("2024-01-01", "2024-06-30", 30 * M, "2024-08-01", "10-Q", "q2"),
        fact("2024-01-01", "2024-12-31", 70 * M, "2025-02-01", "10-K", "k24"),
        # next year's Q2 10-Q restates H1 2024 (33) without a 3-month comparative
        fact("2024-01-01", "2024-06-30", 33 * M, "2025-08-01", "10-Q", "q2-25"),
    ]
    frame = companyfacts_to_frame(payload({PPE: {"USD": usd}}), ticker="X", metrics=["capex"])
    q2 = frame[frame["fiscal_period"] == "2024Q2"].sort_values("as_of")
    assert q2["value"].iloc[-1] == 23 * M and q2["kind"].iloc[-1] == "derived"
    assert "supersedes the reported 3-month value 20,000,000" in q2["quote"].iloc[-1]


# ------------------------------------------------------------------ 20-F filers
@pytest.fixture()
def baidu() -> dict:
    """A 20-F filer reporting in CNY, with a USD convenience translation of the last year."""
    capex_cny = [
        fact("2022-01-01", "2022-12-31", 8_000 * M, "2023-03-29", "20-F", "f22"),
        fact("2022-01-01", "2022-12-31", 8_000 * M, "2024-03-20", "20-F", "f23"),
        fact("2023-01-01", "2023-12-31", 11_000 * M, "2024-03-20", "20-F", "f23"),
        fact("2023-01-01", "2023-12-31", 11_000 * M, "2025-03-19", "20-F", "f24"),
        fact("2024-01-01", "2024-12-31", 8_600 * M, "2025-03-19", "20-F", "f24"),
    ]
    capex_usd = [fact("2024-01-01", "2024-12-31", 1_178 * M, "2025-03-19", "20-F", "f24")]
    revenue_cny = [  # a CNY-only concept
        fact("2024-01-01", "2024-12-31", 133_125 * M, "2025-03-19", "20-F", "f24"),
    ]
    rnd_usd = [fact("2024-01-01", "2024-12-31", 3_030 * M, "2025-03-19", "20-F", "f24")]
    return payload(
        {
            PPE: {"CNY": capex_cny, "USD": capex_usd},
            "RevenueFromContractWithCustomerExcludingAssessedTax": {"CNY": revenue_cny},
            "ResearchAndDevelopmentExpense": {"USD": rnd_usd},
        },
        "Baidu, Inc.",
    )


def test_a_20f_filer_is_stored_in_its_reporting_currency(baidu: dict) -> None:
    frame = companyfacts_to_frame(baidu, ticker="BIDU")
    capex = frame[frame["metric"] == "capex"]
    assert latest(frame).to_dict() == {
        "FY2022": 8_000 * M,
        "FY2023": 11_000 * M,
        "FY2024": 8_600 * M,
    }
    assert set(capex["unit"]) == {"CNY"} and set(capex["currency"]) == {"CNY"}
    assert 1_178 * M not in set(frame["value"])  # the convenience translation is no actual
    assert 3_030 * M not in set(frame["value"])
    assert latest(frame, "revenue").to_dict() == {"FY2024": 133_125 * M}  # CNY-only: present
    assert "rnd" in frame.attrs["missing_metrics"]
    [note] = [w for w in frame.attrs["warnings"] if "rnd" in w]
    assert "only USD" in note and "convenience translation" in note and "BIDU" in note


def test_asking_for_a_metric_found_only_in_usd_says_why(baidu: dict) -> None:
    with pytest.raises(ProviderError, match="only USD") as info:
        companyfacts_to_frame(baidu, ticker="BIDU", metrics=["rnd"])
    assert info.value.field == "rnd"


# ------------------------------------------------------------------ negative Q4
def negative_q4_payload(*, corrected: bool = False) -> dict:
    usd = [
        fact("2024-01-01", "2024-03-31", 15_000 * M, "2024-05-01", "10-Q", "q1"),
        fact("2024-01-01", "2024-06-30", 32_000 * M, "2024-08-02", "10-Q", "q2"),
        fact("2024-01-01", "2024-09-30", 50_000 * M, "2024-11-01", "10-Q", "q3"),
        # a 10-K year below its 9-month figure: Q4 would be 47,500 - 50,000 = -2,500
        fact("2024-01-01", "2024-12-31", 47_500 * M, "2025-02-07", "10-K", "k24"),
    ]
    if corrected:
        usd.append(fact("2024-01-01", "2024-12-31", 62_000 * M, "2025-03-01", "10-K/A", "ka"))
    return payload({PPE: {"USD": usd}})


def test_a_negative_derived_quarter_is_warned_and_not_stored() -> None:
    frame = companyfacts_to_frame(negative_q4_payload(), ticker="AMZN", metrics=["capex"])
    assert "2024Q4" not in set(frame["fiscal_period"])
    assert (frame["value"] >= 0).all()
    assert latest(frame)["FY2024"] == 47_500 * M  # the reported totals stay
    [warning] = [w for w in frame.attrs["warnings"] if "negative" in w]
    assert warning.startswith(f"AMZN {PPE} 2024Q4: derived Q4 = FY - 9M = 47,500,000,000")
    assert "-2,500,000,000" in warning and "not stored" in warning


def test_a_corrected_year_gives_the_quarter_from_its_filing_date() -> None:
    frame = companyfacts_to_frame(
        negative_q4_payload(corrected=True), ticker="AMZN", metrics=["capex"]
    )
    q4 = frame[frame["fiscal_period"] == "2024Q4"]
    assert q4["value"].tolist() == [12_000 * M]  # 62,000 - 50,000
    assert q4["as_of"].tolist() == [dt.date(2025, 3, 1)]


# ------------------------------------------------------------------ gaps
def test_years_without_an_annual_figure_are_named() -> None:
    usd = [
        fact("2022-01-01", "2022-12-31", 40 * M, "2023-02-01", "10-K", "k22"),
        fact("2023-01-01", "2023-03-31", 10 * M, "2023-05-01", "10-Q", "q123"),
        fact("2023-01-01", "2023-06-30", 21 * M, "2023-08-01", "10-Q", "q223"),
        fact("2024-01-01", "2024-12-31", 50 * M, "2025-02-01", "10-K", "k24"),
    ]
    revenue = [  # another concept's 10-K tells that 2023 is a fiscal year too
        fact("2023-01-01", "2023-12-31", 900 * M, "2024-02-01", "10-K", "k23"),
    ]
    body = payload(
        {PPE: {"USD": usd}, "RevenueFromContractWithCustomerExcludingAssessedTax": {"USD": revenue}}
    )
    frame = companyfacts_to_frame(body, ticker="X", metrics=["capex"])
    assert "X capex: no annual figure for FY2023, so FY and Q4 are missing" in " ".join(
        frame.attrs["warnings"]
    )


# ------------------------------------------------------------------ hostile payloads
def one_year(value: float) -> dict:
    """A payload with one 10-K capex fact: FY2023 = ``value``."""
    return payload(
        {PPE: {"USD": [fact("2023-01-01", "2023-12-31", value, "2024-02-01", "10-K", "k")]}}
    )


@pytest.fixture()
def good() -> dict:
    """A fresh valid payload (FY2023 capex 100M) for each test to break or keep."""
    return one_year(100 * M)


def _break(body: dict, kind: str) -> dict:
    node = body["facts"]["us-gaap"][PPE]
    item = node["units"]["USD"][0]
    if kind == "taxonomy":
        body["facts"]["us-gaap"] = ["not", "an", "object"]
    elif kind == "concept":
        body["facts"]["us-gaap"][PPE] = "oops"
    elif kind == "units":
        node["units"] = [1, 2]
    elif kind == "unit-list":
        node["units"]["USD"] = {"a": 1}
    elif kind == "item":
        node["units"]["USD"] = [42]
    elif kind == "start":
        item["start"] = "2023-02-30"
    elif kind == "val":
        item["val"] = 10**400
    elif kind == "val-inf":
        item["val"] = float("inf")
    elif kind == "val-bool":
        item["val"] = True
    elif kind == "year":
        item["end"] = "9999-12-31"
    elif kind == "order":
        item["start"] = "2024-06-01"
    return body


BROKEN = {
    "taxonomy": "'us-gaap'",
    "concept": f"'us-gaap:{PPE}'",
    "units": f"'us-gaap:{PPE}.units'",
    "unit-list": f"'us-gaap:{PPE}.units.USD'",
    "item": f"'us-gaap:{PPE}.units.USD[0]'",
    "start": f"'us-gaap:{PPE}.units.USD[0].start'",
    "val": f"'us-gaap:{PPE}.units.USD[0].val'",
    "val-inf": f"'us-gaap:{PPE}.units.USD[0].val'",
    "val-bool": f"'us-gaap:{PPE}.units.USD[0].val'",
    "year": f"'us-gaap:{PPE}.units.USD[0].end'",
    "order": f"'us-gaap:{PPE}.units.USD[0]'",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_hostile_payloads_are_one_line_errors_naming_the_field(good: dict, kind: str) -> None:
    body = json.loads(json.dumps(_break(good, kind)))  # as it arrives: through a JSON round trip
    with pytest.raises(ProviderError) as info:
        companyfacts_to_frame(body, ticker="X", metrics=["capex"])
    text = str(info.value)
    assert text.startswith("sec:X: " + BROKEN[kind]) and "\n" not in text


def test_a_good_payload_is_accepted(good: dict) -> None:
    frame = companyfacts_to_frame(good, ticker="X", metrics=["capex"])
    assert latest(frame).to_dict() == {"FY2023": 100 * M}


def test_json_nested_200k_deep_is_a_clear_error() -> None:
    body = '{"facts": ' + "[" * 200_000 + "]" * 200_000 + "}"
    with pytest.raises(ProviderError, match="nested too deep") as info:
        parse_json(body.encode(), where="https://sec/CIK1.json")
    assert info.value.file == "https://sec/CIK1.json"
    with pytest.raises(ProviderError, match="not JSON"):
        parse_json(b"\xff\xfe<html>", where="x.json")


def test_offline_files_map_tickers_through_company_tickers(tmp_path: Path) -> None:
    from aithesis.data.providers.sec import SecProvider
    from aithesis.errors import UnknownTickerError

    (tmp_path / "CIK0000001234.json").write_text(json.dumps(one_year(5 * M)))
    (tmp_path / "company_tickers.json").write_text(
        json.dumps({"0": {"cik_str": 1234, "ticker": "smol", "title": "Smol Corp"}})
    )
    frame = SecProvider(files=tmp_path).fundamentals("SMOL", metrics=["capex"])
    assert latest(frame).to_dict() == {"FY2023": 5 * M} and set(frame["entity"]) == {"smol"}
    with pytest.raises(UnknownTickerError, match="no ticker map entry"):
        SecProvider(files=tmp_path).fundamentals("OTHER")
