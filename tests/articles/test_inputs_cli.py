"""Bad input, the CLI and random text: clear results or one-line errors, nothing written
unless --out is given."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aithesis.articles import JSON_KEYS, extract, extract_text, read_article
from aithesis.cli.main import app
from aithesis.errors import DataError
from aithesis.thesis.spec import ClaimSpec
from aithesis.thesis.units import parse_unit

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_empty_file_gives_an_empty_result(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert len(extract(path)) == 0
    result = run("claims", "extract", str(path))
    assert result.exit_code == 0 and "no quantitative statements" in result.output
    assert json.loads(run("claims", "extract", str(path), "--format", "json").output) == []


def test_binary_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(DataError, match="binary"):
        read_article(path)
    result = run("claims", "extract", str(path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "image.png" in lines[0]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("Preis: 5 Euro für café und crème brûlée, naïve".encode("latin-1"), "unknown encoding"),
        ("価格は３０億円です。".encode("shift_jis"), "unknown encoding"),
        ("资本开支246.12亿元".encode("utf-16"), "UTF-16"),
    ],
)
def test_unknown_encodings_are_one_line_errors(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    with pytest.raises(DataError, match=words):
        read_article(path)
    result = run("claims", "extract", str(path))
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1


def test_gbk_and_utf8_bom_are_read(tmp_path: Path) -> None:
    text = "阿里巴巴25Q1资本开支246.12亿元，同比增长超过120%。"
    for name, data in (
        ("gbk.txt", text.encode("gbk")),
        ("bom.txt", b"\xef\xbb\xbf" + text.encode()),
    ):
        (tmp_path / name).write_bytes(data)
        ex = extract(tmp_path / name)
        assert [s.value for s in ex] == [2.4612e10, 120.0]
        assert ex.encoding == ("gbk" if name == "gbk.txt" else "utf-8")


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("claims", "extract", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1 and "not found" in result.output


@pytest.mark.slow
def test_large_text_reports_progress(tmp_path: Path, seeds_dir: Path) -> None:
    """A 20 MB text (article 003 repeated): one result, progress to the end (the time is
    measured by benchmarks/articles_bench.py, not here)."""
    article = (seeds_dir / "003_06e7966941b6a8a5.txt").read_text(encoding="utf-8") + "\n"
    path = tmp_path / "big.txt"
    copies = 20_000_000 // len(article.encode()) + 1
    path.write_text(article * copies, encoding="utf-8")
    calls: list[tuple[int, int]] = []
    ex = extract(path, progress=lambda done, total: calls.append((done, total)))
    assert len(ex) == copies * len(extract_text(article))
    assert calls[-1][0] == calls[-1][1] == ex.chars and len(calls) > 100
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))


def test_json_has_exactly_the_issue_keys(seeds_dir: Path) -> None:
    result = run("claims", "extract", str(seeds_dir / "003_06e7966941b6a8a5.txt"), "-f", "json")
    records = json.loads(result.output)
    assert records and all(tuple(r) == JSON_KEYS for r in records)
    capex = next(r for r in records if r["span"] == "246.12亿元")
    assert capex["value"] == 2.4612e10 and capex["unit"] == "CNY" and capex["period"] == "2025Q1"
    assert capex["low"] is None and capex["high"] is None


def test_csv_and_table_at_80_columns(seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = str(seeds_dir / "004_e942007e0de8bd6e.txt")
    lines = run("claims", "extract", article, "-f", "csv").output.splitlines()
    assert lines[0] == ",".join(JSON_KEYS) and len(lines) == 1 + len(extract(article))
    from aithesis.cli import _common, claims

    for width in (80, 120):
        narrow = _common.Console(width=width, highlight=False, record=True)
        monkeypatch.setattr(claims, "console", narrow)
        monkeypatch.setattr(_common, "console", narrow)  # the table is printed there
        run("claims", "extract", article)
        text = narrow.export_text()
        assert all(len(line) <= width for line in text.splitlines())
        assert "40GW" in text and " > " in text and "2028" in text and "…" not in text


def test_yaml_draft_loads_as_claims(seeds_dir: Path) -> None:
    article = seeds_dir / "003_06e7966941b6a8a5.txt"
    draft = yaml.safe_load(run("claims", "extract", str(article), "-f", "yaml").output)
    claims = draft["claims"]
    assert len(claims) == len(extract(article))
    for claim in claims:
        assert set(claim) == {"id", "claimed", "unit", "op", "quote", "text"}
        ClaimSpec(expr="x", **claim)  # valid once an expr is added
        parse_unit(claim["unit"])
    capex = next(c for c in claims if c["text"] == "246.12亿元 (2025Q1)")
    assert capex["claimed"] == 246.12 and capex["unit"] == "RMB_100M"
    b40 = next(c for c in claims if c["claimed"] == [6500, 8000])
    assert b40["unit"] == "USD"


def test_nothing_is_written_without_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = tmp_path / "a.txt"
    article.write_text("资本开支246.12亿元", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for fmt in ("table", "json", "csv", "yaml"):
        assert run("claims", "extract", str(article), "-f", fmt).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    out = tmp_path / "out" / "claims.yaml"
    assert run("claims", "extract", str(article), "--out", str(out)).exit_code == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["claims"][0]["claimed"] == 246.12
    bad = run("claims", "extract", str(article), "--out", str(tmp_path / "x.txt"))
    assert bad.exit_code == 1 and "only shown" in bad.output


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_unicode_gives_a_clean_result(text: str) -> None:
    result = extract_text(text)
    lines = text.split("\n")
    for s in result:
        assert s.op in ("=", "~", ">", ">=", "<", "<=")
        assert 1 <= s.line <= len(lines)
        assert s.value is not None or (s.low is not None and s.high is not None)
        assert all(n == n for n in s.numbers)  # no NaN


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"0123456789.,-~%万亿千百十一两三几多余个年月天张家人倍成度$ ",
                *("美元", "亿元", "超过", "约", "左右", "GW", "GB", "Q1", "FY", "20", "H100"),
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_random_number_soup_gives_a_clean_result(text: str) -> None:
    for s in extract_text(text):
        assert text.split("\n")[s.line - 1][s.start : s.end].strip() == s.span
