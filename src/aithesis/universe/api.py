"""Public entry point of the universe package: :func:`load_universe`."""

from __future__ import annotations

from functools import lru_cache
from os import PathLike

from aithesis.universe.loader import Universe, load_builtin

__all__ = ["load_universe"]


@lru_cache(maxsize=1)
def _builtin() -> Universe:
    return load_builtin()


def load_universe(*extra_paths: str | PathLike[str], builtin: bool = True) -> Universe:
    """The built-in AI value-chain universe, plus any user YAML files applied in order.

    The built-in universe is parsed once per process and shared (a ``Universe`` is
    immutable). Each user file adds companies (new tickers) or overrides built-in ones
    (same ticker; only the fields it gives change); user files are re-read on every call.

    Args:
        *extra_paths: user universe YAML files, applied left to right.
        builtin: False starts from an empty universe, so only the given files count.

    Returns:
        The :class:`~aithesis.universe.loader.Universe`.

    Raises:
        SpecError: a file cannot be read, is not valid YAML, or has an invalid entry
            (the message names file, line, entry and field).

    Example:
        >>> u = load_universe()
        >>> "0992.HK" in u, u.get("0992.HK").name_zh
        (True, '联想集团')
    """
    universe = _builtin() if builtin else Universe(())
    for path in extra_paths:
        universe = universe.extended(path)
    return universe
