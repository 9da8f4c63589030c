"""Coverage: statements matched to the claims, drivers and facts that quote them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aithesis.articles import Use, coverage, extract_text, load_uses, match_uses
from aithesis.cli.main import app
from aithesis.project.coverage import project_coverage

ARTICLE = (
    "10 万 H100 集群一年的用电量大概是 12.4 亿度，这大概是整个上海一年用电量的 0.8-1%。\n"
    "阿里巴巴25Q1资本开支246.12亿元，每张卡差不多要 1000 瓦。\n"
)


def _items(uses: list[Use]):
    ex = extract_text(ARTICLE)
    items, problems = match_uses("a.txt", ARTICLE, ex, uses)
    return {i.statement.span: i.used_by for i in items}, problems


def test_quote_and_value_in_other_units_match() -> None:
    uses = [
        Use("claim", "a.txt", "集群一年的用电量大概是 12.4 亿度", (1.24e9,), "kWh"),
        Use("fact", "a.txt", "阿里巴巴25Q1资本开支246.12亿元", (246.12,), "RMB_100M"),
        Use("driver", None, "每张卡差不多要 1000 瓦", (1000.0, 700.0), "W/GPU"),
        Use("range", "a.txt", "上海一年用电量的 0.8-1%", (0.008, 0.01), ""),
    ]
    used, problems = _items(uses)
    assert used["12.4 亿度"] == ("claim",)
    assert used["246.12亿元"] == ("fact",)
    assert used["1000 瓦"] == ("driver",)
    assert used["0.8-1%"] == ("range",)
    assert used["10 万 H100"] == () and used["一年"] == ()
    assert problems == {}


def test_wrong_value_wrong_source_or_missing_quote_do_not_match() -> None:
    uses = [
        Use("other-value", "a.txt", "集群一年的用电量大概是 12.4 亿度", (1.3e9,), "kWh"),
        Use("other-article", "b.txt", "阿里巴巴25Q1资本开支246.12亿元", (246.12,), "RMB_100M"),
        Use("typo", "a.txt", "阿里巴巴资本开支246.12亿元", (246.12,), "RMB_100M"),
    ]
    used, problems = _items(uses)
    assert all(v == () for v in used.values())
    assert problems == {"other-value": "no statement with its value", "typo": "quote not found"}


def test_builtin_models_and_facts_cover_known_statements(seeds_dir: Path) -> None:
    uses = load_uses()
    result = coverage(
        [seeds_dir / "002_96ddb6391e376a23.txt", seeds_dir / "003_06e7966941b6a8a5.txt"],
        uses=uses,
    )
    by_span = {(i.article[:3], i.statement.line, i.statement.span): i for i in result.items}
    assert "model:compute-energy:claim:cluster_energy" in by_span[("002", 178, "12.4 亿度")].used_by
    capex = by_span[("003", 51, "246.12亿元")].used_by
    assert "facts:article_facts.csv:alibaba/capex/2025Q1" in capex
    rows = {r["article"][:3]: r for r in result.per_article()}
    for row in rows.values():
        assert 0 < row["covered"] < row["statements"]
        assert row["coverage"] == row["covered"] / row["statements"]
    assert len(result.uncovered) == sum(r["statements"] - r["covered"] for r in rows.values())
    frame = result.to_frame()
    assert len(frame) == len(result.items) and frame["covered"].sum() == sum(
        r["covered"] for r in rows.values()
    )


def test_project_folder_and_cli(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "mine.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.yaml").write_text(
        "name: m\ntitle: M\nsource: mine.txt\ndrivers:\n"
        "  capex: {value: 246.12, unit: RMB_100M, quote: '资本开支246.12亿元'}\n"
        "claims:\n  - {id: energy, expr: capex, claimed: 1, quote: '12.4 亿度'}\n",
        encoding="utf-8",
    )
    (tmp_path / "aithesis.yaml").write_text(
        "name: t\nmodels: [{file: models/m.yaml}]\n", encoding="utf-8"
    )
    result = project_coverage(tmp_path)
    assert result.per_article() == [
        {"article": "mine.txt", "statements": 7, "covered": 1, "coverage": 1 / 7}
    ]
    assert result.unmatched_uses == ("model:m:claim:energy: no statement with its value",)
    out = CliRunner().invoke(app, ["claims", "coverage", str(tmp_path), "-f", "json"])
    assert out.exit_code == 0, out.output
    assert '"covered": 1' in out.output
