"""Reading universe YAML: bad input names file, line, entry and field; user overrides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aithesis.errors import SpecError, UnknownTickerError
from aithesis.universe import load_universe, read_universe_file

WriteYaml = Callable[..., Path]

# line numbers:        1           2              3                 4
ENTRY = """\
companies:
  - ticker: ABCD
    name: Example Corp
    name_zh: 示例公司
    themes: [compute]
    layer: IaaS
    role: chips
    ai_exposure: 0.5
    exposure_rationale: synthetic entry
    source: analyst judgement
"""
LINE = {
    "ticker": 2,
    "name": 3,
    "name_zh": 4,
    "themes": 5,
    "layer": 6,
    "role": 7,
    "ai_exposure": 8,
    "exposure_rationale": 9,
    "source": 10,
}


def bad(write_yaml: WriteYaml, text: str) -> tuple[Path, SpecError]:
    """Write ``text`` and return the path and the SpecError loading it raises."""
    path = write_yaml(text)
    with pytest.raises(SpecError) as info:
        load_universe(path)
    assert type(info.value) is SpecError
    return path, info.value


def assert_names(
    exc: SpecError, path: Path, *, row: int | None, field: str | None, entry: str | None
) -> None:
    """The error carries and prints the file, the line, the field and the entry."""
    message = str(exc)
    assert exc.file == str(path)
    assert message.startswith(f"{path}")
    assert exc.row == row
    if row is not None:
        assert f"{path}:{row}:" in message
    assert exc.field == field
    if field is not None:
        assert f"'{field}'" in message
    if entry is not None:
        assert entry in message


def test_unknown_theme_names_file_line_entry_and_field(write_yaml: WriteYaml) -> None:
    path, exc = bad(write_yaml, ENTRY.replace("[compute]", "[compute, robots]"))
    assert_names(exc, path, row=LINE["themes"], field="themes", entry="'ABCD' (#1)")
    assert "robots" in str(exc)
    assert "power_infra" in str(exc)  # the hint lists the valid themes


def test_duplicate_ticker_in_one_file_names_both_lines(write_yaml: WriteYaml) -> None:
    second = ENTRY.split("\n", 1)[1].replace("ABCD", "abcd")  # same ticker, other case
    path, exc = bad(write_yaml, ENTRY + second)
    assert_names(exc, path, row=11, field="ticker", entry="'ABCD' (#2)")
    assert "duplicate ticker" in str(exc)
    assert "first defined at line 2" in str(exc)


def test_missing_required_field_names_the_field_and_entry_line(write_yaml: WriteYaml) -> None:
    text = ENTRY.replace("    name: Example Corp\n", "")
    path, exc = bad(write_yaml, text)
    assert_names(exc, path, row=2, field="name", entry="'ABCD' (#1)")
    assert "missing" in str(exc)


def test_missing_ticker_names_the_entry_by_index(write_yaml: WriteYaml) -> None:
    text = ENTRY.replace("  - ticker: ABCD\n    name:", "  - name:")
    path, exc = bad(write_yaml, text)
    assert_names(exc, path, row=2, field="ticker", entry="#1")


@pytest.mark.parametrize("value", ["1.5", "45", "-0.2", ".nan"])
def test_exposure_outside_zero_one_names_the_field(write_yaml: WriteYaml, value: str) -> None:
    path, exc = bad(write_yaml, ENTRY.replace("ai_exposure: 0.5", f"ai_exposure: {value}"))
    assert_names(exc, path, row=LINE["ai_exposure"], field="ai_exposure", entry="'ABCD' (#1)")
    assert "fraction" in str(exc)


def test_bad_yaml_syntax_names_the_line(write_yaml: WriteYaml) -> None:
    text = ENTRY.replace("    role: chips\n", "    role: [chips\n")
    path, exc = bad(write_yaml, text)
    assert exc.file == str(path)
    assert exc.row is not None and LINE["role"] <= exc.row <= LINE["role"] + 1
    assert "not valid YAML" in str(exc)
    assert f"{path}:{exc.row}:" in str(exc)


@pytest.mark.parametrize(
    ("ticker", "field", "value"),
    [
        ("0700.HK", "market", "US"),
        ("0700.HK", "currency", "USD"),
        ("TSM", "market", "TW"),  # the ADR is a US line
        ("600519.SS", "currency", "HKD"),
    ],
)
def test_market_or_currency_inconsistent_with_suffix(
    write_yaml: WriteYaml, ticker: str, field: str, value: str
) -> None:
    text = ENTRY.replace("ticker: ABCD", f"ticker: {ticker}").replace(
        "    themes:", f"    {field}: {value}\n    themes:"
    )
    path, exc = bad(write_yaml, text)
    assert_names(exc, path, row=5, field=field, entry=f"'{ticker}' (#1)")
    assert "contradicts" in str(exc)


def test_unknown_ticker_lookup_names_universe_field_and_suggests() -> None:
    universe = load_universe()
    with pytest.raises(UnknownTickerError) as info:
        universe.get("NVDX")
    exc = info.value
    assert type(exc) is UnknownTickerError
    assert exc.file is not None and exc.file.endswith("universe.yaml")
    assert exc.field == "ticker"
    assert "'NVDX'" in str(exc)
    assert "did you mean NVDA" in str(exc)


def test_lookup_by_chinese_name_suggests_the_ticker() -> None:
    with pytest.raises(UnknownTickerError) as info:
        load_universe().get("联想")
    assert "0992.HK" in str(info.value)


def test_unknown_field_is_named_with_the_allowed_fields(write_yaml: WriteYaml) -> None:
    text = ENTRY.replace("ai_exposure: 0.5", "ai_exposure: 0.5\n    ai_exposer: 0.6")
    path, exc = bad(write_yaml, text)
    assert_names(exc, path, row=9, field="ai_exposer", entry="'ABCD' (#1)")
    assert "exposure_rationale" in str(exc)  # hint lists the real fields


def test_yaml_boolean_ticker_gets_a_quoting_hint(write_yaml: WriteYaml) -> None:
    path, exc = bad(write_yaml, ENTRY.replace("ticker: ABCD", "ticker: ON"))
    assert_names(exc, path, row=2, field="ticker", entry="#1")
    assert "quote" in str(exc)


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("layer", "layer: IaaS", "layer: PaaS"),
        ("role", "role: chips", "role: wizardry"),
        ("themes", "themes: [compute]", "themes: []"),
        ("name_zh", "name_zh: 示例公司", "name_zh: ''"),
    ],
)
def test_other_invalid_fields_are_named(
    write_yaml: WriteYaml, field: str, old: str, new: str
) -> None:
    path, exc = bad(write_yaml, ENTRY.replace(old, new))
    assert_names(exc, path, row=LINE[field], field=field, entry="'ABCD' (#1)")


def test_empty_file(write_yaml: WriteYaml) -> None:
    path, exc = bad(write_yaml, "# nothing here\n")
    assert_names(exc, path, row=None, field=None, entry=None)
    assert "empty" in str(exc)


def test_top_level_list_is_rejected(write_yaml: WriteYaml) -> None:
    path, exc = bad(write_yaml, "- ticker: ABCD\n")
    assert_names(exc, path, row=1, field=None, entry=None)
    assert "companies" in str(exc)


def test_unknown_top_level_key(write_yaml: WriteYaml) -> None:
    path, exc = bad(write_yaml, "companys:\n  - ticker: ABCD\n")
    assert_names(exc, path, row=1, field="companys", entry=None)


def test_entry_that_is_not_a_mapping(write_yaml: WriteYaml) -> None:
    path, exc = bad(write_yaml, ENTRY + "  - just a string\n")
    assert_names(exc, path, row=11, field=None, entry="#2")


def test_duplicate_key_inside_an_entry(write_yaml: WriteYaml) -> None:
    text = ENTRY.replace("    role: chips\n", "    role: chips\n    role: memory\n")
    path, exc = bad(write_yaml, text)
    assert_names(exc, path, row=8, field="role", entry="'ABCD' (#1)")
    assert "line 7" in str(exc)


def test_alias_of_an_unknown_ticker(write_yaml: WriteYaml) -> None:
    path, exc = bad(write_yaml, ENTRY + "    alias_of: ZZZZ\n")
    assert_names(exc, path, row=11, field="alias_of", entry="'ABCD'")
    assert "ZZZZ" in str(exc)


def test_unlisted_entry_without_market(write_yaml: WriteYaml) -> None:
    text = ENTRY.replace("ticker: ABCD", "ticker: PRIVATECO") + "    listed: false\n"
    path, exc = bad(write_yaml, text)
    assert_names(exc, path, row=2, field="market", entry="'PRIVATECO' (#1)")


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(SpecError) as info:
        load_universe(path)
    assert type(info.value) is SpecError
    assert info.value.file == str(path)
    assert "not found" in str(info.value)


def test_failed_user_file_leaves_the_builtin_universe_unchanged(write_yaml: WriteYaml) -> None:
    before = load_universe()
    bad(write_yaml, ENTRY.replace("ai_exposure: 0.5", "ai_exposure: 2"))
    after = load_universe()
    assert after is before
    assert after.tickers == before.tickers
    assert "ABCD" not in after


# --------------------------------------------------------------------------- overrides


def test_user_file_adds_a_company_after_the_builtin_ones(write_yaml: WriteYaml) -> None:
    builtin = load_universe()
    universe = load_universe(write_yaml(ENTRY))
    assert len(universe) == len(builtin) + 1
    assert universe.tickers[:-1] == builtin.tickers
    added = universe.get("abcd")
    assert (added.market, added.currency, added.name_zh) == ("US", "USD", "示例公司")
    origin = universe.origin("ABCD")
    assert origin is not None and origin.row == 2 and origin.file.endswith("user.yaml")


def test_partial_override_changes_only_the_given_fields(write_yaml: WriteYaml) -> None:
    builtin = load_universe()
    nvda = builtin.get("NVDA")
    path = write_yaml(
        """\
        companies:
          - ticker: NVDA
            ai_exposure: 0.42
            exposure_rationale: my own view
        """
    )
    universe = load_universe(path)
    changed = universe.get("NVDA")
    assert changed.ai_exposure == 0.42
    assert changed.exposure_rationale == "my own view"
    assert changed.model_dump(exclude={"ai_exposure", "exposure_rationale"}) == nvda.model_dump(
        exclude={"ai_exposure", "exposure_rationale"}
    )
    assert universe.tickers == builtin.tickers  # same place, no new entry
    assert builtin.get("NVDA").ai_exposure == nvda.ai_exposure  # cached built-in untouched


def test_invalid_override_names_the_user_file(write_yaml: WriteYaml) -> None:
    path, exc = bad(
        write_yaml,
        """\
        companies:
          - ticker: 0700.HK
            market: US
        """,
    )
    assert_names(exc, path, row=3, field="market", entry="'0700.HK' (#1)")


def test_later_files_override_earlier_ones(write_yaml: WriteYaml) -> None:
    first = write_yaml(ENTRY, "first.yaml")
    second = write_yaml("companies:\n  - ticker: ABCD\n    ai_exposure: 0.7\n", "second.yaml")
    universe = load_universe(first, second)
    assert universe.get("ABCD").ai_exposure == 0.7
    assert universe.get("ABCD").name == "Example Corp"
    assert universe.sources[-2:] == (str(first), str(second))


def test_read_universe_file_returns_companies_in_file_order(synthetic_path: Path) -> None:
    companies = read_universe_file(synthetic_path)
    assert [c.ticker for c in companies] == [
        "AAAA",
        "1111.HK",
        "600001.SS",
        "BBBB",
        "PRIVATECO",
        "AAAA.HK",
    ]
    assert companies[1].currency == "HKD"
    assert companies[2].layer is None


def test_universe_without_builtin_holds_only_the_user_file(synthetic_path: Path) -> None:
    universe = load_universe(synthetic_path, builtin=False)
    assert len(universe) == 6
    assert "NVDA" not in universe
    assert universe.sources == (str(synthetic_path),)
