"""Helpers for the KPI tests: write small facts CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

HEADER = "entity,ticker,metric,period,period_end,value,unit,currency,kind,source,quote,as_of"


@pytest.fixture()
def facts_csv(tmp_path: Path):
    """Write a facts CSV from data lines (header added unless given) and return its path."""

    def make(*lines: str, header: str = HEADER, name: str = "facts.csv") -> Path:
        path = tmp_path / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return path

    return make
