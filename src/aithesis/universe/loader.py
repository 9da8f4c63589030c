"""Read universe YAML files (built-in package data and user files) into a ``Universe``.

A universe file is a mapping with a ``companies`` list (and optionally ``description``
and ``version``)::

    companies:
      - ticker: NVDA
        name: NVIDIA
        name_zh: 英伟达
        themes: [compute]
        layer: IaaS
        role: chips
        ai_exposure: 0.90
        exposure_rationale: Data-centre products were ~88% of FY2025 revenue.
        source: 002_96ddb6391e376a23.txt

The built-in file ships as package data (``aithesis/universe/data/universe.yaml``).
User files are applied on top, in order: an entry with a new ticker adds a company; an
entry whose ticker already exists overrides it, and may give only the fields it changes
(``{ticker: NVDA, ai_exposure: 0.8}``). Within one file a ticker may appear once.

Every problem raises :class:`~aithesis.errors.SpecError` naming the file, the line, the
entry (ticker or ``#index``, 1-based) and the field, e.g.::

    my.yaml:14: 'ai_exposure': entry 'NVDA' (#3): must be <= 1 (got 1.5); ...
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from os import PathLike

from aithesis.universe.collection import Universe
from aithesis.universe.model import Company
from aithesis.universe.parse import Origin, parse_entries, read_entries

__all__ = [  # Universe and Origin re-exported for `from aithesis.universe.loader import ...`
    "BUILTIN_RESOURCE",
    "Origin",
    "Universe",
    "builtin_universe_file",
    "extend_universe",
    "load_builtin",
    "read_universe_file",
]

BUILTIN_RESOURCE = ("aithesis.universe", "data/universe.yaml")
"""(package, path) of the built-in universe inside the installed package."""


def builtin_universe_file() -> str:
    """Location of the built-in universe YAML (a path for normal installs)."""
    package, name = BUILTIN_RESOURCE
    return str(resources.files(package).joinpath(name))


def _read_builtin_text() -> str:
    package, name = BUILTIN_RESOURCE
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def read_universe_file(
    path: str | PathLike[str], base: Mapping[str, Company] | None = None
) -> list[Company]:
    """Read and validate one user universe YAML file.

    Args:
        path: the YAML file.
        base: companies already known by ticker; entries with these tickers are merged
            over them (missing fields are taken from the base entry).

    Returns:
        The file's companies in file order (merged where they override ``base``).

    Raises:
        SpecError: unreadable file, bad YAML, or an invalid entry (names file, line,
            entry and field).
    """
    return [entry.company for entry in read_entries(path, base or {})]


def load_builtin() -> Universe:
    """Parse the built-in universe shipped with the package (uncached; see ``api``)."""
    file = builtin_universe_file()
    entries = parse_entries(_read_builtin_text(), file, {})
    return Universe._from_entries(entries, sources=(file,))


def extend_universe(universe: Universe, path: str | PathLike[str]) -> Universe:
    """A new universe with one user YAML file applied on top of ``universe``
    (:meth:`Universe.extended`).

    Raises:
        SpecError: as :func:`read_universe_file`, or an ``alias_of`` naming no
            canonical entry.
    """
    return universe.extended(path)
