"""Period labels: parsing, shifting, calendar placement."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aithesis.kpi.periods import calendar_bounds, calendar_label, parse_period, period_bounds, shift


def test_parse_canonicalises_labels() -> None:
    assert parse_period("fy2026q1").label == "FY2026Q1"
    assert parse_period(" 2025h2 ").label == "2025H2"
    assert parse_period("2025").freq == "Y"


@pytest.mark.parametrize("bad", ["25Q1", "2025Q0", "2025Q5", "2025H3", "Q1 2025", "FY25", ""])
def test_bad_labels_raise(bad: str) -> None:
    with pytest.raises(ValueError, match="does not parse"):
        parse_period(bad)


def test_shift_crosses_year_boundaries() -> None:
    assert shift(parse_period("2025Q1"), -1).label == "2024Q4"
    assert shift(parse_period("FY2024Q3"), 2).label == "FY2025Q1"
    assert shift(parse_period("2025H1"), -1).label == "2024H2"
    assert shift(parse_period("FY2025"), -1).label == "FY2024"


@given(st.integers(1990, 2100), st.integers(1, 4), st.integers(-40, 40))
def test_shift_is_invertible_and_moves_by_months(year: int, q: int, k: int) -> None:
    p = parse_period(f"{year}Q{q}")
    moved = shift(p, k)
    assert shift(moved, -k) == p
    months = (moved.year - p.year) * 12 + (moved.index - p.index) * 3
    assert months == 3 * k


def test_calendar_bounds_of_quarters_halves_years() -> None:
    assert calendar_bounds(parse_period("2024Q1")) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert calendar_bounds(parse_period("2024H2")) == (dt.date(2024, 7, 1), dt.date(2024, 12, 31))
    assert calendar_bounds(parse_period("2025")) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValueError, match="fiscal"):
        calendar_bounds(parse_period("FY2025"))


def test_fiscal_period_bounds_come_from_period_end() -> None:
    start, end = period_bounds(parse_period("FY2024Q3"), None, dt.date(2024, 3, 31))
    assert (start, end) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert period_bounds(parse_period("FY2024"), None, None) == (None, None)


def test_calendar_label_uses_the_midpoint() -> None:
    # NVIDIA's fiscal Q1 2026 (2025-01-27..2025-04-27) is calendar 2025Q1
    assert calendar_label(dt.date(2025, 1, 27), dt.date(2025, 4, 27), "Q") == "2025Q1"
    # Microsoft's fiscal Q3 2024 (Jan-Mar 2024) is calendar 2024Q1
    assert calendar_label(dt.date(2024, 1, 1), dt.date(2024, 3, 31), "Q") == "2024Q1"
    # Apple's FY2024 (2023-10-01..2024-09-28) is calendar 2024
    assert calendar_label(dt.date(2023, 10, 1), dt.date(2024, 9, 28), "Y") == "2024"
