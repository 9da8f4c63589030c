"""Facts CSV loading: good rows keep their units; bad files fail clearly and write nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aithesis.data.store import Store
from aithesis.errors import DataError
from aithesis.kpi.api import import_facts

GOOD = "alibaba,9988.HK,capex,2025Q1,2025-03-31,246.12,RMB_100M,CNY,actual,art.txt,q,2025-06-13"
GOOD2 = "alibaba,9988.HK,capex,2024Q4,2024-12-31,317.75,RMB_100M,,actual,art.txt,q,2025-06-13"


def test_good_file_keeps_stated_units_and_fills_currency(facts_csv) -> None:
    from aithesis.kpi.facts import read_facts_csv

    frame = read_facts_csv(facts_csv(GOOD, GOOD2))
    assert list(frame["value"]) == [246.12, 317.75]
    assert list(frame["unit"]) == ["RMB_100M", "RMB_100M"]
    assert list(frame["currency"]) == ["CNY", "CNY"]  # filled from the unit
    assert frame["as_of"].iloc[0] == dt.date(2025, 6, 13)
    assert frame["fiscal_period"].iloc[0] == "2025Q1"


def test_empty_as_of_takes_the_default(facts_csv) -> None:
    from aithesis.kpi.facts import read_facts_csv

    line = GOOD.rsplit(",", 1)[0] + ","
    frame = read_facts_csv(facts_csv(line), default_as_of=dt.date(2020, 1, 2))
    assert frame["as_of"].iloc[0] == dt.date(2020, 1, 2)


BAD_CASES = {
    "missing_column": (
        "entity,ticker,metric,period,period_end,value,currency,kind,source,quote",
        "alibaba,9988.HK,capex,2025Q1,2025-03-31,246.12,CNY,actual,a.txt,q",
        1,
        "unit",
        "missing",
    ),
    "unknown_unit": (None, GOOD.replace("RMB_100M", "RMB_yi"), 2, "unit", "unknown unit"),
    "non_numeric_value": (None, GOOD.replace("246.12", "246.12亿"), 2, "value", "not a number"),
    "thousands_separator": (None, GOOD.replace("246.12", '"1,246.12"'), 2, "value", "not a number"),
    "bad_period": (None, GOOD.replace("2025Q1", "25Q1"), 2, "period", "does not parse"),
    "quarter_5": (None, GOOD.replace("2025Q1", "2025Q5"), 2, "period", "does not parse"),
    "bad_date": (None, GOOD.replace("2025-03-31", "31/03/2025"), 2, "period_end", "not a date"),
    "end_outside_period": (
        None,
        GOOD.replace("2025-03-31", "2025-06-30"),
        2,
        "period_end",
        "outside",
    ),
    "unknown_kind": (None, GOOD.replace("actual", "rumour"), 2, "kind", "unknown kind"),
    "currency_contradicts_unit": (
        None,
        GOOD.replace(",CNY,", ",USD,"),
        2,
        "currency",
        "contradicts",
    ),
    "currency_on_percent": (
        None,
        "alibaba,,capex_yoy,2025Q1,,120.7,percent,CNY,actual,a.txt,q,2025-06-13",
        2,
        "currency",
        "not monetary",
    ),
    "unknown_column": (
        "entity,ticker,metric,period,period_end,value,unit,currency,kind,source,quote,comment",
        GOOD.rsplit(",", 1)[0] + ",hello",
        1,
        "comment",
        "unknown column",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_facts_file_names_file_row_and_column(case: str, facts_csv) -> None:
    from aithesis.kpi.facts import read_facts_csv

    header, line, row, field, words = BAD_CASES[case]
    if header is None:
        path = facts_csv(GOOD2, line)
        row += 1  # GOOD2 sits on line 2
    else:
        path = facts_csv(line, header=header)
    with pytest.raises(DataError) as info:
        read_facts_csv(path)
    err = info.value
    assert err.file == str(path) and err.row == row and err.field == field
    assert words in err.message
    assert f"{path}:{row}: '{field}'" in str(err)


def test_duplicate_fact_names_both_lines(facts_csv) -> None:
    from aithesis.kpi.facts import read_facts_csv

    path = facts_csv(GOOD, GOOD2, GOOD.replace("246.12", "250"))
    with pytest.raises(DataError) as info:
        read_facts_csv(path)
    assert info.value.row == 4 and info.value.file == str(path)
    assert "duplicate fact" in info.value.message and "line 2" in info.value.message


def test_same_fact_with_later_as_of_is_a_restatement_not_a_duplicate(facts_csv) -> None:
    from aithesis.kpi.facts import read_facts_csv

    restated = GOOD.replace("246.12", "250").replace("2025-06-13", "2025-08-01")
    assert len(read_facts_csv(facts_csv(GOOD, restated))) == 2


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    from aithesis.kpi.facts import read_facts_csv

    with pytest.raises(DataError, match="not found"):
        read_facts_csv(tmp_path / "nope.csv")


@pytest.mark.parametrize("bad", [GOOD.replace("RMB_100M", "RMB_yi"), GOOD.replace("2025Q1", "Q1")])
def test_failed_import_leaves_the_store_unchanged(bad: str, facts_csv, tmp_store: Store) -> None:
    assert import_facts(tmp_store, facts_csv(GOOD2, name="first.csv")) == 1
    before = tmp_store.fundamentals(latest_only=False)
    # the good first line of the bad file must not be written either
    with pytest.raises(DataError):
        import_facts(
            tmp_store,
            facts_csv(GOOD.replace("2025Q1", "2023Q1").replace("2025-03-31", "2023-03-31"), bad),
        )
    after = tmp_store.fundamentals(latest_only=False)
    assert after.equals(before)


def test_reimport_replaces_not_duplicates(facts_csv, tmp_store: Store) -> None:
    path = facts_csv(GOOD, GOOD2)
    import_facts(tmp_store, path)
    import_facts(tmp_store, path)
    assert len(tmp_store.fundamentals(latest_only=False)) == 2


def test_replace_sources_drops_a_corrected_period(tmp_path) -> None:
    """A facts file fixed from 2025Q1 to 2024Q1 and re-imported with replace_sources
    leaves one fact, not both (a plain upsert would keep the typo)."""
    from aithesis.data.store import Store
    from aithesis.kpi.api import facts, import_facts

    header = "entity,ticker,metric,period,period_end,value,unit,currency,kind,source,quote\n"
    row = "acme,ACME,capex,{p},{e},10,USD_bn,USD,actual,own-notes.txt,capex was 10\n"
    path = tmp_path / "facts.csv"
    store = Store(tmp_path / "s.duckdb")
    path.write_text(header + row.format(p="2025Q1", e="2025-03-31"))
    import_facts(store, path, default_as_of=None)
    path.write_text(header + row.format(p="2024Q1", e="2024-03-31"))
    import_facts(store, path, replace_sources=True)
    assert facts(store, entity="acme")["fiscal_period"].tolist() == ["2024Q1"]


def test_a_gbk_file_is_a_clear_error_naming_the_line(tmp_path) -> None:
    from aithesis.errors import DataError
    from aithesis.kpi.facts import read_facts_csv

    header = "entity,ticker,metric,period,period_end,value,unit,currency,kind,source,quote\n"
    row = "alibaba,9988.HK,capex,2025Q1,2025-03-31,246.12,RMB_100M,CNY,actual,a.txt,资本开支\n"
    path = tmp_path / "gbk.csv"
    path.write_bytes((header + row).encode("gbk"))
    with pytest.raises(DataError) as info:
        read_facts_csv(path)
    assert "gbk.csv:2" in str(info.value) and "not UTF-8" in str(info.value)
