"""Grid strings: parsing, inclusive ranges, the full-factorial product, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aithesis.errors import SpecError
from aithesis.sweep.grid import Grid, make_grid, parse_grid


def test_list_keeps_ints_floats_words_and_none() -> None:
    name, values = parse_grid(" weighting.cap = 0.05, 0.08 ,none,5,monthly ")
    assert name == "weighting.cap"
    assert values == (0.05, 0.08, None, 5, "monthly")
    assert [type(v) for v in values] == [float, float, type(None), int, str]


def test_range_is_inclusive_start_stop_count() -> None:
    # 0.5:0.9:9 -> 0.50, 0.55, ..., 0.90 (both ends included, step 0.05)
    name, values = parse_grid("nvda_share=0.5:0.9:9")
    assert name == "nvda_share"
    assert len(values) == 9
    assert values[0] == 0.5 and values[-1] == 0.9
    assert np.allclose(np.diff(values), 0.05, rtol=0, atol=1e-15)
    assert parse_grid("pe=20:50:7")[1] == (20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0)


def test_descending_range_keeps_its_order() -> None:
    assert parse_grid("pe=50:20:4")[1] == (50.0, 40.0, 30.0, 20.0)


def test_values_with_units_stay_text() -> None:
    assert parse_grid("dc_it_tam=1.5 USD_tn,2 USD_tn")[1] == ("1.5 USD_tn", "2 USD_tn")


def test_product_order_is_first_parameter_slowest() -> None:
    grid = make_grid(["a=1,2", "b=x,y,z"])
    expected = [dict(zip(("a", "b"), c, strict=True)) for c in itertools.product((1, 2), "xyz")]
    assert list(grid.points()) == expected
    assert grid.size == 6 and grid.shape == (2, 3)
    assert grid.point(4) == {"a": 2, "b": "y"}
    frame = grid.frame()
    assert frame["a"].tolist() == [1, 1, 1, 2, 2, 2]
    assert frame["b"].tolist() == ["x", "y", "z", "x", "y", "z"]


def test_mapping_accepts_lists_arrays_scalars_and_range_text() -> None:
    grid = make_grid({"pe": "20:30:3", "nvda_share": np.array([0.6, 0.7]), "cap": 0.1})
    assert grid.names == ("pe", "nvda_share", "cap")
    assert grid.values == ((20.0, 25.0, 30.0), (0.6, 0.7), (0.1,))
    assert all(type(v) is float for v in grid.values[1])  # numpy scalars become floats


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        ("weighting.cap", "weighting.cap", "no '='"),
        ("=0.1,0.2", "=0.1,0.2", "is not a parameter name"),
        ("bad name=1", "bad name=1", "is not a parameter name"),
        ("cap=", "cap", "no values"),
        ("cap=0.05,,0.08", "cap", "empty value"),
        ("cap=0.05,0.05", "cap", "given twice"),
        ("pe=20:50", "pe", "not start:stop:count"),
        ("pe=20:50:1", "pe", ">= 2"),
        ("pe=20:50:2.5", "pe", ">= 2"),
        ("pe=a:50:3", "pe", "start 'a' is not a number"),
        ("pe=20:inf:3", "pe", "not finite"),
        ("pe=20:20:3", "pe", "same value"),
        ("pe=1,nan", "pe", "not a finite number"),
    ],
)
def test_malformed_grid_names_the_parameter(text: str, field: str, fragment: str) -> None:
    with pytest.raises(SpecError) as info:
        make_grid([text])
    assert info.value.field == field
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"'{field}': ")


def test_parameter_in_two_grids_is_an_error() -> None:
    with pytest.raises(SpecError, match="two --grid options") as info:
        make_grid(["cap=0.1", "cap=0.2"])
    assert info.value.field == "cap"


def test_empty_grid_and_bad_python_values_are_errors() -> None:
    with pytest.raises(SpecError, match="no grid"):
        make_grid([])
    with pytest.raises(SpecError, match="no values") as info:
        make_grid({"pe": []})
    assert info.value.field == "pe"
    with pytest.raises(SpecError, match="boolean"):
        make_grid({"pe": [True, 3.0]})
    with pytest.raises(SpecError, match="not a parameter name"):
        make_grid({"p e": [1]})


def test_too_many_combinations_is_an_error() -> None:
    with pytest.raises(SpecError, match="combinations") as info:
        make_grid({"a": "0:1:10000", "b": "0:1:10000"})
    assert info.value.field == "grid"


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4))
def test_every_combination_appears_once_and_columns_match_points(shape: list[int]) -> None:
    grid = Grid(
        tuple(f"p{k}" for k in range(len(shape))),
        tuple(tuple(range(n)) for n in shape),
    )
    points = [tuple(p.values()) for p in grid.points()]
    assert grid.size == int(np.prod(shape)) == len(points) == len(set(points))
    for i in range(0, grid.size, max(1, grid.size // 7)):
        assert tuple(grid.point(i).values()) == points[i]
        assert tuple(grid.column(n)[i] for n in grid.names) == points[i]
