"""The demo's summary as analysts write it: units beside the numbers, no empty unit, no
scientific notation, benchmarks explained, and what to do next."""

from __future__ import annotations

from pathlib import Path

import pytest

from aithesis.cli import demo
from aithesis.project.summary import (
    BenchmarkSummary,
    BuildSummary,
    ClaimFlag,
    IndexSummary,
    KpiLatest,
    TargetSummary,
)


def _flag(claim_id: str, claimed: object, computed: object, unit: str) -> ClaimFlag:
    return ClaimFlag(
        model="m",
        claim_id=claim_id,
        text="t",
        source="s",
        claimed=claimed,
        computed=computed,
        unit=unit,
        rel_error=0.5,
        status="flagged",
        note="",
        kind="claim",
    )


@pytest.fixture()
def printed(capsys: pytest.CaptureFixture[str]) -> str:
    summary = BuildSummary(
        start="2022-11-30",
        indexes={"agix": IndexSummary("agix", 4.7965, 0.6588, "2026-05-29", -0.3145, 1.76)},
        benchmarks={"QQQ": BenchmarkSummary(1.5715, "2026-05-29")},
        targets={"nvda-5t": TargetSummary("market_cap >= 5000.0", 0.63174, 100_000, "USD_bn")},
        flagged=(
            _flag("gorges", 1.0, 0.0873612, ""),
            _flag("energy", 2.6e7, 1.92e7, "kWh"),
            _flag("cluster", 141_500.0, (8.0, 6.0), "GPU"),
            _flag("tam", 2000.0, 2250.0, "USD_bn"),
            _flag("price_multiple", (15.0, 16.0), (24.0, 23.0), ""),
        ),
        claims_total=5,
        kpi_latest={"alibaba/capex": KpiLatest("2025Q1", 246.12, "RMB_100M", -0.225, 1.207)},
    )
    demo._print_summary(summary)
    demo._next_steps(Path("/tmp/p"), [Path("/tmp/p/out/report.en.html")])
    return " ".join(capsys.readouterr().out.split())


def test_probability_carries_the_unit_beside_the_number(printed: str) -> None:
    assert "nvda-5t: P(market_cap >= $5,000bn) = 63.2% over 100,000 Monte Carlo draws" in printed
    assert "(USD_bn)" not in printed


def test_claims_have_no_empty_unit_no_scientific_notation_and_ascending_ranges(
    printed: str,
) -> None:
    assert "(article 1, model 0.08736)" in printed  # no trailing space before ')'
    assert "(article 26mn kWh, model 19.2mn kWh)" in printed  # as analysts write it
    assert "(article 141,500 GPUs, model 6..8 GPUs)" in printed
    assert "(article $2,000bn, model $2,250bn)" in printed
    assert "(article 15..16x, model 23..24x)" in printed
    assert "e+0" not in printed


def test_kpi_money_in_english_billions(printed: str) -> None:
    # 246.12 亿元 (hundreds of millions) = 24.612 billion
    assert "alibaba/capex 2025Q1: RMB 24.612bn" in printed
    assert "RMB_100M" not in printed


def test_benchmark_rows_say_why_they_have_no_annualised_figures(printed: str) -> None:
    assert "benchmarks: total return only" in printed
    assert "aithesis index compare agix -b QQQ" in printed


def test_demo_ends_with_what_to_do_next(printed: str) -> None:
    assert "aithesis serve /tmp/p" in printed
    assert "/tmp/p/out/report.en.html" in printed
    assert "/tmp/p/aithesis.yaml" in printed and "aithesis build /tmp/p" in printed


def test_a_long_flagged_claim_wraps_under_its_own_text(monkeypatch) -> None:
    import io

    from rich.console import Console

    out = io.StringIO()
    monkeypatch.setattr(demo, "console", Console(file=out, width=60, highlight=False))
    long = _flag("tam", 2000.0, 2250.0, "USD_bn")
    long = ClaimFlag(**{**long.__dict__, "text": "a claim whose words run " * 6})
    summary = BuildSummary(
        start="2022-11-30",
        indexes={},
        benchmarks={},
        targets={},
        flagged=(long,),
        claims_total=1,
        kpi_latest={},
    )
    demo._print_summary(summary)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if line.startswith("  - m/tam:"))
    rest = lines[first + 1 :]
    assert len(rest) >= 2 and all(line.startswith("    ") for line in rest), lines
    assert all(len(line) <= 60 for line in lines)
    assert "(article $2,000bn, model $2,250bn)" in " ".join(" ".join(lines).split())
