"""`model mc` prints the variance contributions the way the report does: correlations
to two decimals and each driver's share of variance in percent (it printed
``0.00000109485`` beside ``0.593359``); CSV keeps the raw decimals."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_EVEN, Decimal

from typer.testing import CliRunner

from aithesis.cli.main import app

runner = CliRunner()
ARGS = ["model", "mc", "nvda-5t", "--seed", "7", "--draws", "20000"]


def _half_even(x: str, places: str) -> Decimal:
    return Decimal(x).quantize(Decimal(places), rounding=ROUND_HALF_EVEN)


def test_table_rounds_the_raw_csv_figures() -> None:
    raw = runner.invoke(app, [*ARGS, "--format", "csv"])
    assert raw.exit_code == 0, raw.output
    lines = raw.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("driver,"))
    records = list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))
    assert {r["driver"] for r in records} >= {"pe", "dc_it_tam", "hw_life"}
    table = runner.invoke(app, ARGS, env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.output
    assert "share of variance" in table.stdout
    for r in records:
        line = next(
            x for x in table.stdout.splitlines() if x.strip("│ ").startswith(r["driver"] + " ")
        )
        cells = [c.strip() for c in line.strip("│").split("│")]
        corr = _half_even(r["correlation"], "0.01")
        assert cells[1] == f"{corr + 0:.2f}"  # + 0: -0.00 prints as 0.00
        share = _half_even(str(float(r["contribution"]) * 100), "0.1")
        assert cells[3] == f"{share + 0:.1f}%"
