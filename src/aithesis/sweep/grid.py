"""Parameter grids for sweeps: parse ``--grid`` strings and enumerate their product.

A grid names one parameter and its values, written as on the command line::

    weighting.cap=0.05,0.08,0.10      # a list: numbers, words, or none
    rebalance=monthly,quarterly
    nvda_share=0.5:0.9:9              # start:stop:count, inclusive (numpy.linspace)

Several grids make a full factorial :class:`Grid` (every combination once). Points are
numbered in ``itertools.product`` order: the first parameter varies slowest, the last
fastest. Values keep their type: integers (``5``), floats (``0.05``), ``None``
(``none``/``null``) and strings (``monthly``, ``2.5 USD_tn``).

Every mistake raises :class:`~aithesis.errors.SpecError` naming the parameter (or the
whole ``--grid`` text when no name can be read) and saying how to write it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aithesis.errors import SpecError

__all__ = [
    "MAX_POINTS",
    "Grid",
    "GridValue",
    "make_grid",
    "parse_grid",
    "parse_values",
]

GridValue = int | float | str | None
MAX_POINTS = 10_000_000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_INT = re.compile(r"^[+-]?\d+$")
_FORM = "write NAME=v1,v2,... or NAME=start:stop:count (e.g. nvda_share=0.5:0.9:9)"


def _token(text: str, name: str) -> GridValue:
    """One list item: int, float, None or the text itself."""
    if _INT.match(text):
        return int(text)
    if text.lower() in ("none", "null"):
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        raise SpecError(f"value {text!r} is not a finite number", field=name, hint=_FORM)
    return number


def _number(text: str, name: str, what: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise SpecError(f"range {what} {text!r} is not a number", field=name, hint=_FORM) from None
    if not math.isfinite(number):
        raise SpecError(f"range {what} {text!r} is not finite", field=name, hint=_FORM)
    return number


def _range(spec: str, name: str) -> tuple[float, ...]:
    parts = [p.strip() for p in spec.split(":")]
    if len(parts) != 3:
        raise SpecError(
            f"range {spec!r} has {len(parts)} part(s), not start:stop:count",
            field=name,
            hint=_FORM,
        )
    start, stop = _number(parts[0], name, "start"), _number(parts[1], name, "stop")
    if not _INT.match(parts[2]) or int(parts[2]) < 2:
        raise SpecError(
            f"range count {parts[2]!r} must be a whole number >= 2",
            field=name,
            hint="the count is how many evenly spaced values, both ends included",
        )
    count = int(parts[2])
    if count > MAX_POINTS:
        raise SpecError(f"range count {count} is too large", field=name, hint=_FORM)
    if start == stop:
        raise SpecError(f"range {spec!r} starts and stops at the same value", field=name)
    return tuple(float(v) for v in np.linspace(start, stop, count))


def parse_values(spec: str, name: str) -> tuple[GridValue, ...]:
    """The values of one grid from the text after ``=``.

    Args:
        spec: ``v1,v2,...`` or ``start:stop:count``.
        name: the parameter, named in errors.

    Returns:
        The values, in the order written (a range ascends or descends as written).

    Raises:
        SpecError: an empty value, a malformed range, a non-finite number, or a value
            given twice (field: the parameter).
    """
    spec = spec.strip()
    if not spec:
        raise SpecError("no values after '='", field=name, hint=_FORM)
    if ":" in spec and "," not in spec:
        values: tuple[GridValue, ...] = _range(spec, name)
    else:
        items = [item.strip() for item in spec.split(",")]
        if any(not item for item in items):
            raise SpecError(f"empty value in {spec!r}", field=name, hint=_FORM)
        values = tuple(_token(item, name) for item in items)
    return _unique(values, name)


def _unique(values: tuple[GridValue, ...], name: str) -> tuple[GridValue, ...]:
    seen: list[GridValue] = []
    for v in values:
        if any(v == s and type(v) is type(s) for s in seen):
            raise SpecError(
                f"value {v!r} is given twice",
                field=name,
                hint="each combination is tried once; drop the repeat",
            )
        seen.append(v)
    return values


def parse_grid(text: str) -> tuple[str, tuple[GridValue, ...]]:
    """Parse one ``--grid`` string such as ``"weighting.cap=0.05,0.08"``.

    Args:
        text: ``NAME=v1,v2,...`` or ``NAME=start:stop:count`` (inclusive).

    Returns:
        ``(name, values)``.

    Raises:
        SpecError: no ``=``, a bad parameter name, or bad values; names the parameter
            (or the whole text) and shows the accepted forms.

    Example:
        >>> parse_grid("pe=20:50:4")
        ('pe', (20.0, 30.0, 40.0, 50.0))
    """
    if "=" not in text:
        raise SpecError(f"cannot read --grid {text!r}: no '='", field=text.strip(), hint=_FORM)
    name, _, spec = text.partition("=")
    name = name.strip()
    if not _NAME.match(name):
        raise SpecError(
            f"cannot read --grid {text!r}: {name!r} is not a parameter name",
            field=text.strip(),
            hint=_FORM,
        )
    return name, parse_values(spec, name)


def _python_value(value: Any, name: str) -> GridValue:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        raise SpecError(f"value {value!r} is a boolean, not a number", field=name)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(float(value)):
            raise SpecError(f"value {value!r} is not a finite number", field=name)
        return float(value)
    raise SpecError(f"value {value!r} is not a number, a word or None", field=name)


def _values_of(name: str, raw: Any) -> tuple[GridValue, ...]:
    if not isinstance(name, str) or not _NAME.match(name):
        raise SpecError(f"{name!r} is not a parameter name", field=str(name), hint=_FORM)
    if isinstance(raw, str):
        return parse_values(raw, name)
    items = np.asarray(raw, dtype=object).ravel().tolist() if np.ndim(raw) else [raw]
    if not items:
        raise SpecError("no values", field=name, hint="give at least one value")
    return _unique(tuple(_python_value(v, name) for v in items), name)


@dataclass(frozen=True)
class Grid:
    """A full-factorial grid: every combination of the parameters' values.

    Attributes:
        names: the parameters, in the order given.
        values: the values of each parameter.
    """

    names: tuple[str, ...]
    values: tuple[tuple[GridValue, ...], ...]

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of values of each parameter."""
        return tuple(len(v) for v in self.values)

    @property
    def size(self) -> int:
        """Number of combinations (points)."""
        return math.prod(self.shape)

    def points(self) -> Iterator[dict[str, GridValue]]:
        """Each combination as ``{name: value}``, point 0 first (last name fastest)."""
        for combo in itertools.product(*self.values):
            yield dict(zip(self.names, combo, strict=True))

    def point(self, i: int) -> dict[str, GridValue]:
        """Combination number ``i`` (0-based)."""
        idx = np.unravel_index(i, self.shape)
        return {n: self.values[k][int(idx[k])] for k, n in enumerate(self.names)}

    def column(self, name: str) -> np.ndarray:
        """The value of ``name`` at every point, as an ``(size,)`` array (object dtype)."""
        k = self.names.index(name)
        idx = np.indices(self.shape).reshape(len(self.shape), -1)[k]
        return np.asarray(self.values[k], dtype=object)[idx]

    def frame(self) -> pd.DataFrame:
        """The parameters of every point: one row a combination, one column a parameter."""
        return pd.DataFrame({n: self.column(n) for n in self.names}).infer_objects()


def make_grid(grid: Mapping[str, Any] | Sequence[str]) -> Grid:
    """A :class:`Grid` from ``{name: values}`` or from ``--grid`` strings.

    Args:
        grid: a mapping of parameter to values (a list, an array, one value, or a text
            spec such as ``"0.5:0.9:9"``), or a sequence of ``"NAME=..."`` strings.

    Returns:
        The grid.

    Raises:
        SpecError: no parameter, a parameter given twice, bad values, or more than
            :data:`MAX_POINTS` combinations.

    Example:
        >>> make_grid(["a=1,2", "b=x,y,z"]).size
        6
    """
    pairs: list[tuple[str, tuple[GridValue, ...]]] = []
    if isinstance(grid, str):
        grid = [grid]
    if isinstance(grid, Mapping):
        pairs = [(name, _values_of(name, raw)) for name, raw in grid.items()]
    else:
        for text in grid:
            if not isinstance(text, str):
                raise SpecError(f"--grid {text!r} is not text", field="grid", hint=_FORM)
            name, values = parse_grid(text)
            if any(name == n for n, _ in pairs):
                raise SpecError(
                    "parameter is given in two --grid options",
                    field=name,
                    hint="list all its values in one --grid",
                )
            pairs.append((name, values))
    if not pairs:
        raise SpecError("no grid to sweep", field="grid", hint=_FORM)
    out = Grid(tuple(n for n, _ in pairs), tuple(v for _, v in pairs))
    if out.size > MAX_POINTS:
        raise SpecError(
            f"the grid has {out.size:,} combinations, more than {MAX_POINTS:,}",
            field="grid",
            hint="use fewer values per parameter",
        )
    return out
