"""Hostile or careless KPI facts CSVs (issue 18): refused with one line, never guessed.

Reproductions on the main of 2026-12-02: ``1_000``, Arabic-Indic and full-width digits
were read as numbers (``float()`` accepts them); ``0000Q1``/``9999Q4`` crashed (exit 2);
a cell over 131,072 characters crashed (csv field limit); ``[/x]`` in a ticker or
source broke ``kpi facts`` (Rich markup); and two sources giving the same fact different
values were resolved without a word.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from aithesis.cli.kpi import app as kpi_app
from aithesis.cli.main import _AithesisGroup
from aithesis.data.store import Store
from aithesis.errors import DataError
from aithesis.kpi.conflicts import RULE, source_conflicts
from aithesis.kpi.facts import read_facts_csv
from aithesis.kpi.growth import pick_one_per_period
from aithesis.kpi.periods import MAX_YEAR, MIN_YEAR, parse_period

runner = CliRunner()
ROW = "acme,ACME,capex,{period},{end},{value},USD_M,USD,actual,{source},q,{as_of}"


def root() -> typer.Typer:
    """The kpi group under a root with the real error handler (as cli/main.py mounts it)."""
    app = typer.Typer(cls=_AithesisGroup)

    @app.callback()
    def _cb() -> None:
        """root"""

    app.add_typer(kpi_app, name="kpi")
    return app


def row(
    period: str = "2025Q1",
    end: str = "2025-03-31",
    value: str = "10",
    source: str = "10-Q",
    as_of: str = "2025-05-01",
) -> str:
    return ROW.format(period=period, end=end, value=value, source=source, as_of=as_of)


def kpi(*args: str) -> object:
    return runner.invoke(root(), ["kpi", *args])


def assert_one_line_error(result: object, *parts: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for part in parts:
        assert part in errors[0], errors[0]


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    "value",
    [
        "1_000",  # float("1_000") == 1000.0
        "1_000.5",
        "\u0661\u0662\u0663",  # Arabic-Indic 123
        "\u06f1\u06f2\u06f3",  # extended Arabic-Indic (Persian) 123
        "\uff11\uff12\uff13",  # full-width 123
        "\uff11.\uff15",  # full-width 1.5
        "\u0967\u0968",  # Devanagari 12
        "1,000",
        "nan",
        "-inf",
        "0x10",
    ],
)
def test_a_value_that_is_not_ascii_decimal_is_refused(facts_csv, tmp_path: Path, value: str):
    file = facts_csv(row(value="1"), row(period="2025Q2", end="2025-06-30", value=f'"{value}"'))
    store = tmp_path / "s.duckdb"
    with pytest.raises(DataError, match="ASCII digits"):
        read_facts_csv(file)
    result = kpi("import", str(file), "--store", str(store))
    assert_one_line_error(result, f"{file}:3: 'value'", "ASCII digits")
    assert Store(store).fundamentals().empty  # all or nothing


@pytest.mark.parametrize(
    ("text", "number"),
    [("1050.2", 1050.2), ("-3e6", -3e6), (".5", 0.5), ("7.", 7.0), ("+2", 2.0), (" 12 ", 12.0)],
)
def test_plain_ascii_decimals_are_still_numbers(facts_csv, text: str, number: float) -> None:
    frame = read_facts_csv(facts_csv(row(value=text)))
    assert frame["value"].tolist() == [number]


# ----------------------------------------------------------------------------- periods
@pytest.mark.parametrize(
    ("period", "end"),
    [
        ("0000Q1", ""),
        ("0000Q1", "2025-03-31"),
        ("9999Q4", ""),
        ("9999Q4", "9999-12-31"),
        ("FY0000Q1", "2025-03-31"),
        ("FY9999", ""),
        ("1899Q4", ""),
        ("2201", ""),
    ],
)
def test_a_period_year_outside_the_sane_range_is_a_one_line_error(
    facts_csv, tmp_path: Path, period: str, end: str
) -> None:
    file = facts_csv(row(period=period, end=end))
    store = tmp_path / "s.duckdb"
    result = kpi("import", str(file), "--store", str(store))
    assert_one_line_error(result, f"{file}:2: 'period'", f"{MIN_YEAR}..{MAX_YEAR}")
    assert Store(store).fundamentals().empty


@pytest.mark.parametrize("field", ["end", "as_of"])
@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1677-01-01"])
def test_a_date_year_outside_the_sane_range_is_a_one_line_error(
    facts_csv, tmp_path: Path, field: str, date: str
) -> None:
    file = facts_csv(row(period="FY2025", **{field: date}))
    column = {"end": "period_end", "as_of": "as_of"}[field]
    result = kpi("import", str(file), "--store", str(tmp_path / "s.duckdb"))
    assert_one_line_error(result, f"{file}:2: '{column}'", f"{MIN_YEAR}..{MAX_YEAR}")


@pytest.mark.parametrize("text", ["\uff12\uff10\uff12\uff15Q1", "\u0662\u0660\u0662\u0665"])
def test_a_period_in_non_ascii_digits_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="does not parse"):
        parse_period(text)


def test_the_bounds_themselves_work_end_to_end(facts_csv, tmp_path: Path) -> None:
    file = facts_csv(
        row(period="1900Q1", end="1900-03-31", value="4"),
        row(period="2200Q3", end="2200-09-30", value="5"),
        row(period="2200Q4", end="2200-12-31", value="6"),
    )
    store = tmp_path / "s.duckdb"
    assert kpi("import", str(file), "--store", str(store)).exit_code == 0
    result = kpi("growth", "-e", "acme", "-f", "json", "--store", str(store))
    assert result.exit_code == 0, result.output
    rows = {r["fiscal_period"]: r for r in json.loads(result.stdout)}
    assert rows["2200Q4"]["qoq"] == pytest.approx(6 / 5 - 1)  # hand computation
    assert rows["2200Q4"]["period_end"] == "2200-12-31"


# ----------------------------------------------------------------------------- huge cells
@pytest.mark.parametrize("column", ["quote", "source", "entity"])
def test_a_cell_over_the_csv_field_limit_is_a_one_line_error(
    facts_csv, tmp_path: Path, column: str
) -> None:
    huge = "x" * 140_000
    cells = {"quote": row().replace(",q,", f",{huge},")}
    cells["source"] = row(source=huge)
    cells["entity"] = huge + row()[len("acme") :]
    file = facts_csv(row(period="2024Q4", end="2024-12-31"), cells[column])
    result = kpi("import", str(file), "--store", str(tmp_path / "s.duckdb"))
    assert_one_line_error(result, f"{file}:3:", "131,072 characters")
    assert len(result.output) < 500  # the cell is not echoed


def test_a_huge_header_cell_is_a_one_line_error(tmp_path: Path) -> None:
    file = tmp_path / "facts.csv"
    file.write_text("entity," + "y" * 200_000 + "\n", encoding="utf-8")
    result = kpi("import", str(file), "--store", str(tmp_path / "s.duckdb"))
    assert_one_line_error(result, f"{file}:1:", "131,072 characters")


# ----------------------------------------------------------------------------- markup
@pytest.mark.parametrize("text", ["[/x]", "[bold]b[/]", "[link=file:///etc/passwd]l[/link]", "[/]"])
def test_rich_markup_in_user_text_is_printed_verbatim(facts_csv, tmp_path: Path, text: str) -> None:
    file = facts_csv(
        f"acme,{text.replace(',', ' ')},capex,2025Q1,2025-03-31,10,USD_M,USD,actual,"
        f"{text} src,q,2025-05-01"
    )
    store = tmp_path / "s.duckdb"
    assert kpi("import", str(file), "--store", str(store)).exit_code == 0
    env = {"COLUMNS": "250"}
    shown = runner.invoke(root(), ["kpi", "facts", "--store", str(store)], env=env)
    assert shown.exit_code == 0, shown.output
    assert f"{text} src" in shown.stdout
    by_ticker = runner.invoke(
        root(), ["kpi", "growth", "-e", text.upper(), "--store", str(store)], env=env
    )
    assert by_ticker.exit_code == 0, by_ticker.output
    assert f"{text.upper()} capex" in by_ticker.stdout  # the title


# ----------------------------------------------------------------------------- conflicts
@pytest.fixture()
def two_sources(facts_csv, tmp_path: Path) -> Path:
    """A store where 'sec-10q' gives acme's 2024Q4 and 2025Q1 capex as 8 and 10."""
    store = tmp_path / "s.duckdb"
    first = facts_csv(
        row(period="2024Q4", end="2024-12-31", value="8", source="sec-10q"),
        row(source="sec-10q"),
        name="a.csv",
    )
    assert kpi("import", str(first), "--store", str(store)).exit_code == 0
    return store


def test_import_warns_when_another_source_gives_a_different_value(
    facts_csv, two_sources: Path
) -> None:
    second = facts_csv(row(value="12", source="broker.pdf"), name="b.csv")
    result = kpi("import", str(second), "--store", str(two_sources))
    assert result.exit_code == 0, result.output
    warnings = [w for w in result.stderr.splitlines() if w.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    (line,) = warnings
    assert "acme capex 2025Q1" in line
    # both sources and values, and the rule; same as_of, so the name that sorts first wins
    assert "kept 12 USD_M from 'broker.pdf'" in line and "over 10 USD_M from 'sec-10q'" in line
    assert RULE in line
    growth = kpi("growth", "-e", "acme", "-f", "json", "--store", str(two_sources))
    assert {r["fiscal_period"]: r["value"] for r in json.loads(growth.stdout)}["2025Q1"] == 12
    assert "sources disagree" in growth.stderr and "broker.pdf" in growth.stderr


def test_the_newest_publication_wins_and_the_warning_says_so(facts_csv, two_sources: Path) -> None:
    second = facts_csv(row(value="12", source="broker.pdf", as_of="2025-04-01"), name="b.csv")
    result = kpi("import", str(second), "--store", str(two_sources))
    assert "kept 10 USD_M from 'sec-10q' (actual, as_of 2025-05-01)" in result.stderr
    assert "over 12 USD_M from 'broker.pdf' (actual, as_of 2025-04-01)" in result.stderr
    for command in (["facts"], ["growth", "-e", "acme"]):
        shown = kpi(*command, "-f", "json", "--store", str(two_sources))
        assert shown.exit_code == 0 and "sources disagree" in shown.stderr
        json.loads(shown.stdout)  # warnings stay on stderr: stdout is still JSON


def test_the_same_value_in_another_unit_or_a_restatement_is_no_conflict(
    facts_csv, two_sources: Path
) -> None:
    same = facts_csv(
        "acme,ACME,capex,2025Q1,2025-03-31,0.01,USD_bn,USD,actual,broker.pdf,q,2025-05-01",
        row(period="2024Q4", end="2024-12-31", value="9", source="sec-10q", as_of="2025-06-01"),
        name="b.csv",
    )
    result = kpi("import", str(same), "--store", str(two_sources))
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr


def test_a_group_aggregate_warns_about_its_members(facts_csv, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    lines = [
        f"{e},{t},capex,2025Q1,2025-03-31,{v},USD_M,USD,actual,{s},q,2025-05-01"
        for e, t, v, s in (
            ("microsoft", "MSFT", 10, "10-Q"),
            ("amazon", "AMZN", 20, "10-Q"),
            ("alphabet", "GOOGL", 30, "10-Q"),
            ("meta", "META", 40, "10-Q"),
            ("meta", "META", 44, "press.html"),
        )
    ]
    assert kpi("import", str(facts_csv(*lines)), "--store", str(store)).exit_code == 0
    result = kpi("aggregate", "-g", "us_hyperscalers", "-f", "json", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["value"] == 10 + 20 + 30 + 40  # '10-Q' < 'press.html'
    assert "meta capex 2025Q1: sources disagree; kept 40 USD_M from '10-Q'" in result.stderr


def _facts(rows: list[tuple[str, float, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "entity": "acme",
                "ticker": "ACME",
                "metric": "capex",
                "fiscal_period": "2025Q1",
                "value": value,
                "unit": unit,
                "kind": kind,
                "source": source,
                "as_of": pd.Timestamp(as_of),
            }
            for source, value, unit, kind, as_of in rows
        ]
    )


def test_source_conflicts_against_hand_picked_cases() -> None:
    rows = _facts(
        [
            ("b", 10.0, "USD_M", "actual", "2025-05-01"),
            ("a", 11.0, "USD_M", "derived", "2025-06-01"),  # derived loses to actual
            ("c", 10.0, "USD_M", "actual", "2025-04-01"),  # agrees: not listed
            ("b", 9.0, "USD_M", "actual", "2025-04-01"),  # b's older version: ignored
            ("d", 10.0, "CNY_M", "actual", "2025-04-01"),  # another currency: differs
            ("e", 5.0, "USD_M", "estimate", "2025-07-01"),  # estimates not compared
        ]
    )
    (conflict,) = source_conflicts(rows)
    assert (conflict.kept.source, conflict.kept.value) == ("b", 10.0)
    assert [(v.source, v.value) for v in conflict.overruled] == [("d", 10.0), ("a", 11.0)]
    assert source_conflicts(rows[rows["source"].isin(["b", "c"])]) == []


def test_the_pick_does_not_depend_on_row_order() -> None:
    rows = _facts(
        [
            ("zeta", 1.0, "USD_M", "actual", "2025-05-01"),
            ("alpha", 2.0, "USD_M", "actual", "2025-05-01"),
        ]
    )
    picked = {
        pick_one_per_period(rows)["source"].item(),
        pick_one_per_period(rows[::-1])["source"].item(),
    }
    assert picked == {"alpha"}  # the rule's last step: source name A-Z


# ----------------------------------------------------------------------------- overflow
@pytest.mark.parametrize("value", ["1e19", "-1e300", "1e308"])
def test_a_value_beyond_1e18_of_its_unit_is_refused(facts_csv, tmp_path: Path, value: str):
    result = kpi("import", str(facts_csv(row(value=value))), "--store", str(tmp_path / "s.db"))
    assert_one_line_error(result, ":2: 'value'", "1e+18", "larger unit")


def test_growth_never_prints_infinity_in_json(facts_csv, tmp_path: Path) -> None:
    """A denormal base made qoq overflow to inf, which json printed as Infinity."""
    store = tmp_path / "s.duckdb"
    file = facts_csv(
        row(period="2024Q4", end="2024-12-31", value="1e-320"),
        row(value="1e18"),
    )
    assert kpi("import", str(file), "--store", str(store)).exit_code == 0
    result = kpi("growth", "-e", "acme", "-f", "json", "--store", str(store))
    assert result.exit_code == 0, result.output

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    rows = json.loads(result.stdout, parse_constant=refuse)
    assert {r["fiscal_period"]: r["qoq"] for r in rows}["2025Q1"] is None


def test_conflict_warning_writes_large_values_in_full_not_scientific(
    facts_csv, tmp_path: Path
) -> None:
    store = tmp_path / "big.duckdb"
    first = facts_csv(row(value="26000000", source="sec-10q"), name="a.csv")
    assert kpi("import", str(first), "--store", str(store)).exit_code == 0
    second = facts_csv(row(value="14150000000", source="broker.pdf"), name="b.csv")
    result = kpi("import", str(second), "--store", str(store))
    assert result.exit_code == 0, result.output
    line = " ".join(result.stderr.split())
    assert "14,150,000,000 USD_M from 'broker.pdf'" in line
    assert "26,000,000 USD_M from 'sec-10q'" in line
    assert "e+" not in line
