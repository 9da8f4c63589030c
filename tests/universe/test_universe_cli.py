"""``aithesis universe list|show`` through Typer's CliRunner (and one real subprocess)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aithesis.cli import universe as universe_cli
from aithesis.errors import SpecError, UnknownTickerError

runner = CliRunner()
WriteYaml = Callable[..., Path]

USER_ENTRY = """\
companies:
  - ticker: 9999.HK
    name: Synthetic Robotics
    name_zh: 合成机器人
    themes: [edge]
    layer: edge
    role: devices
    ai_exposure: 0.65
    exposure_rationale: synthetic entry for CLI tests
    source: analyst judgement
"""


def invoke(*args: str) -> Any:
    return runner.invoke(universe_cli.app, list(args), env={"COLUMNS": "200"})


def json_rows(*args: str) -> list[dict[str, Any]]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_table_shows_chinese_names(raw_entries: list[dict[str, Any]]) -> None:
    result = invoke("list", "--market", "KR")
    assert result.exit_code == 0, result.output
    expected = [i for i in raw_entries if i["market"] == "KR"]
    assert len(expected) >= 2
    for item in expected:
        assert item["ticker"] in result.stdout
        assert item["name_zh"] in result.stdout
    assert "NVDA" not in result.stdout
    assert f"{len(expected)} of {len(raw_entries)} companies" in result.stdout


def test_list_json_matches_the_raw_yaml_filter(raw_entries: list[dict[str, Any]]) -> None:
    rows = json_rows("list", "--theme", "power_infra", "--min-exposure", "0.4")
    expected = [
        i["ticker"]
        for i in raw_entries
        if "power_infra" in i["themes"] and i["ai_exposure"] >= 0.4 and i.get("listed", True)
    ]
    assert [r["ticker"] for r in rows] == expected
    assert all("power_infra" in r["themes"] and r["ai_exposure"] >= 0.4 for r in rows)


def test_list_repeated_theme_and_market_options_are_ors(raw_entries: list[dict[str, Any]]) -> None:
    rows = json_rows("list", "-t", "cloud", "-t", "edge", "-m", "HK", "-m", "CN")
    expected = [
        i["ticker"]
        for i in raw_entries
        if {"cloud", "edge"} & set(i["themes"])
        and i["market"] in {"HK", "CN"}
        and i.get("listed", True)
    ]
    assert [r["ticker"] for r in rows] == expected


def test_list_excludes_unlisted_unless_all() -> None:
    assert "BYTEDANCE" not in {r["ticker"] for r in json_rows("list")}
    everyone = json_rows("list", "--all")
    assert {"BYTEDANCE", "OPENAI"} <= {r["ticker"] for r in everyone}


def test_list_top_orders_by_exposure(raw_entries: list[dict[str, Any]]) -> None:
    rows = json_rows("list", "--top", "5")
    listed = [i for i in raw_entries if i.get("listed", True)]
    expected = sorted(listed, key=lambda i: (-i["ai_exposure"], i["ticker"]))[:5]
    assert [r["ticker"] for r in rows] == [i["ticker"] for i in expected]


def test_list_csv_is_parseable_with_joined_lists(raw_entries: list[dict[str, Any]]) -> None:
    result = invoke("list", "--market", "TW", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = {i["ticker"]: i for i in raw_entries if i["market"] == "TW"}
    assert [r["ticker"] for r in rows] == list(expected)
    for row in rows:
        assert row["themes"].split(";") == expected[row["ticker"]]["themes"]
        assert float(row["ai_exposure"]) == expected[row["ticker"]]["ai_exposure"]
        assert row["name_zh"] == expected[row["ticker"]]["name_zh"]


def test_show_prints_every_field(raw_entries: list[dict[str, Any]]) -> None:
    lenovo = next(i for i in raw_entries if i["ticker"] == "0992.HK")
    result = invoke("show", "0992.hk")
    assert result.exit_code == 0, result.output
    for field in ("ticker", "name_zh", "market", "currency", "themes", "layer", "role"):
        assert field in result.stdout
    for value in ("0992.HK", "联想集团", "HKD", "edge, compute", lenovo["source"], "0.35"):
        assert value in result.stdout
    assert "universe.yaml:" in result.stdout  # where the entry is defined


def test_show_json_has_all_fields_and_origin(raw_entries: list[dict[str, Any]]) -> None:
    nvda = next(i for i in raw_entries if i["ticker"] == "NVDA")
    result = invoke("show", "NVDA", "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    for key, value in nvda.items():
        assert record[key] == value, key
    assert record["listed"] is True and record["alias_of"] is None
    assert record["defined_in"].endswith(f"universe.yaml:{_line_of('NVDA')}")


def _line_of(ticker: str) -> int:
    from aithesis.universe import builtin_universe_file

    lines = Path(builtin_universe_file()).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == f"- ticker: {ticker}")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["list", "--theme", "robots"], "themes"),
        (["list", "--market", "MARS"], "markets"),
        (["list", "--min-exposure", "5"], "min_exposure"),
    ],
)
def test_bad_list_options_raise_spec_error(args: list[str], field: str) -> None:
    result = invoke(*args)
    assert result.exit_code != 0
    assert type(result.exception) is SpecError
    assert result.exception.field == field


def test_show_unknown_ticker_raises_unknown_ticker_error() -> None:
    result = invoke("show", "NVDX")
    assert type(result.exception) is UnknownTickerError
    assert result.exception.field == "ticker"
    assert "NVDA" in str(result.exception)


def test_universe_option_adds_user_companies(write_yaml: WriteYaml) -> None:
    path = write_yaml(USER_ENTRY)
    rows = json_rows("list", "--market", "HK", "--universe", str(path))
    assert rows[-1]["ticker"] == "9999.HK"
    assert rows[-1]["defined_in"] == f"{path}:2"
    shown = invoke("show", "9999.HK", "-u", str(path))
    assert shown.exit_code == 0, shown.output
    assert "合成机器人" in shown.stdout
    assert invoke("show", "9999.HK").exception is not None  # not in the built-in one


def test_universe_option_with_a_bad_file_raises_spec_error(write_yaml: WriteYaml) -> None:
    path = write_yaml(USER_ENTRY.replace("[edge]", "[edge, telepathy]"))
    result = invoke("list", "--universe", str(path))
    assert type(result.exception) is SpecError
    assert result.exception.file == str(path)
    assert result.exception.row == 5
    assert result.exception.field == "themes"


def test_root_cli_prints_one_line_error_and_exits_1() -> None:
    from aithesis.cli.main import app

    result = runner.invoke(app, ["universe", "list", "--theme", "robots"])
    assert result.exit_code == 1
    assert "error: 'themes': unknown theme 'robots'" in result.output
    assert "Traceback" not in result.output


def test_real_subprocess_lists_the_universe_as_json() -> None:
    exe = Path(sys.executable).with_name("aithesis")
    assert exe.exists(), exe
    done = subprocess.run(
        [str(exe), "universe", "list", "--market", "CN", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {"688256.SS", "300308.SZ"} <= {r["ticker"] for r in rows}
    assert {r["currency"] for r in rows} == {"CNY"}
