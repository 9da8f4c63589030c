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
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aithesis.errors import SpecError
from aithesis.universe.collection import ALIAS_HINT, Entry, Origin, Universe
from aithesis.universe.model import (
    COMPANY_FIELDS,
    LAYERS,
    MARKET_CODES,
    ROLES,
    THEMES,
    Company,
)

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

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available

_TOP_KEYS = {"companies", "description", "version"}

_FIELD_HINTS = {
    "ticker": "use a Yahoo-style symbol such as NVDA, 0992.HK, 600519.SS or 2330.TW",
    "themes": "themes are: " + ", ".join(THEMES),
    "layer": "layers are: " + ", ".join(LAYERS) + " (or null when none fits)",
    "role": "roles are: " + ", ".join(ROLES),
    "ai_exposure": "ai_exposure is a fraction in [0, 1], not a percentage",
    "market": "markets are: " + ", ".join(MARKET_CODES) + "; omit it to derive it from the ticker",
    "currency": "use the ISO code of the listing's currency; omit it to derive it",
    "listed": "write true or false",
    "alias_of": ALIAS_HINT,
}


def builtin_universe_file() -> str:
    """Location of the built-in universe YAML (a path for normal installs)."""
    package, name = BUILTIN_RESOURCE
    return str(resources.files(package).joinpath(name))


def _read_builtin_text() -> str:
    package, name = BUILTIN_RESOURCE
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def _compose(text: str, file: str) -> Any:
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader: no object tags
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError(
            f"not valid YAML: {problem}",
            file=file,
            row=None if mark is None else mark.line + 1,
            hint="check indentation, colons and quoting around this line",
        ) from None
    return root, data


def _key_rows(node: yaml.MappingNode, file: str, label: str) -> dict[str, int]:
    rows: dict[str, int] = {}
    for key_node, _ in node.value:
        key = key_node.value
        row = key_node.start_mark.line + 1
        if key in rows and key != "<<":
            raise SpecError(
                f"entry {label}: key {key!r} appears twice (first at line {rows[key]})",
                file=file,
                row=row,
                field=str(key),
                hint="keep one of them",
            )
        rows[str(key)] = row
    return rows


def _label(data: Mapping[str, Any], index: int) -> str:
    ticker = data.get("ticker")
    if isinstance(ticker, str) and ticker.strip():
        return f"{ticker.strip().upper()!r} (#{index})"
    return f"#{index}"


def _spec_error_from(
    exc: ValidationError, *, file: str, label: str, entry_row: int, rows: Mapping[str, int]
) -> SpecError:
    """Turn pydantic's first error into one SpecError line (file, line, entry, field)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = first.get("loc") or ()
    field = str(loc[0]) if loc else None
    value = first.get("input")
    row = rows.get(field or "", entry_row)
    hint = _FIELD_HINTS.get(field or "")
    if first.get("type") == "missing":
        message = f"entry {label}: required field {field!r} is missing"
    elif first.get("type") == "extra_forbidden":
        message = f"entry {label}: unknown field {field!r}"
        hint = "fields are: " + ", ".join(COMPANY_FIELDS)
    else:
        text = first.get("msg", "invalid value").removeprefix("Value error, ")
        item = f" (item {loc[1] + 1})" if len(loc) > 1 and isinstance(loc[1], int) else ""
        message = f"entry {label}: {text}{item} (got {value!r})"
        if isinstance(value, bool) and field != "listed":
            hint = "YAML reads yes/no/on/off/true/false as booleans: quote the value"
    if len(errors) > 1:
        message += f" (+{len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return SpecError(message, file=file, row=row, field=field, hint=hint)


def _parse(text: str, file: str, base: Mapping[str, Company]) -> list[Entry]:
    """Parse one universe document; entries overriding ``base`` are merged field-wise."""
    root, data = _compose(text, file)
    if root is None:
        raise SpecError(
            "the file is empty",
            file=file,
            hint="write a mapping with a 'companies' list",
        )
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        raise SpecError(
            "the top level must be a mapping with a 'companies' list",
            file=file,
            row=root.start_mark.line + 1,
            hint="start the file with 'companies:'",
        )
    top_rows = _key_rows(root, file, "top level")
    for key in data:
        if key not in _TOP_KEYS:
            raise SpecError(
                f"unknown top-level key {key!r}",
                file=file,
                row=top_rows.get(str(key)),
                field=str(key),
                hint="allowed: " + ", ".join(sorted(_TOP_KEYS)),
            )
    if "companies" not in data:
        raise SpecError("no 'companies' list", file=file, row=1, field="companies", hint="add one")
    seq_node = next(v for k, v in root.value if k.value == "companies")
    items = data["companies"]
    if not isinstance(seq_node, yaml.SequenceNode) or not isinstance(items, list):
        raise SpecError(
            "'companies' must be a list of entries",
            file=file,
            row=seq_node.start_mark.line + 1,
            field="companies",
            hint="write each company as '- ticker: ...'",
        )

    entries: list[Entry] = []
    first_row: dict[str, int] = {}
    for index, (node, item) in enumerate(zip(seq_node.value, items, strict=True), start=1):
        entry_row = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode) or not isinstance(item, dict):
            raise SpecError(
                f"entry #{index} is not a mapping of fields",
                file=file,
                row=entry_row,
                hint="write 'ticker: ...', 'name: ...' on separate indented lines",
            )
        label = _label(item, index)
        rows = _key_rows(node, file, label)
        raw = {str(k): v for k, v in item.items() if k != "<<"}
        ticker = raw.get("ticker")
        key = ticker.strip().upper() if isinstance(ticker, str) else None
        if key is not None and key in base:
            merged = base[key].model_dump()
            if "ticker" in raw:
                merged.pop("ticker")
            if raw.get("listed") is False:  # market/currency become the user's job
                merged.pop("market", None)
                merged.pop("currency", None)
            raw = {**merged, **raw}
        try:
            company = Company.model_validate(raw)
        except ValidationError as exc:
            raise _spec_error_from(
                exc, file=file, label=label, entry_row=entry_row, rows=rows
            ) from None
        if company.ticker in first_row:
            raise SpecError(
                f"entry {label}: duplicate ticker {company.ticker!r} "
                f"(first defined at line {first_row[company.ticker]})",
                file=file,
                row=rows.get("ticker", entry_row),
                field="ticker",
                hint="keep one entry per ticker; user files may override built-in entries",
            )
        first_row[company.ticker] = entry_row
        entries.append(Entry(company, Origin(file, entry_row), rows))
    return entries


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
    return [entry.company for entry in _read_entries(path, base or {})]


def _read_entries(path: str | PathLike[str], base: Mapping[str, Company]) -> list[Entry]:
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(
            "universe file not found", file=file, hint="check the path given to --universe"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(
            f"cannot read the universe file ({exc.__class__.__name__}: {exc})",
            file=file,
            hint="give a readable UTF-8 YAML file",
        ) from None
    return _parse(text, file, base)


def load_builtin() -> Universe:
    """Parse the built-in universe shipped with the package (uncached; see ``api``)."""
    file = builtin_universe_file()
    entries = _parse(_read_builtin_text(), file, {})
    return Universe._from_entries(entries, sources=(file,))


def extend_universe(universe: Universe, path: str | PathLike[str]) -> Universe:
    """A new universe with one user YAML file applied on top of ``universe``.

    New tickers are appended; known tickers are overridden in place (field-wise merge).

    Raises:
        SpecError: as :func:`read_universe_file`, or an ``alias_of`` naming no
            canonical entry.
    """
    prior = [Entry(c, universe.origin(c.ticker) or Origin("?", None), {}) for c in universe]
    added = _read_entries(path, {c.ticker: c for c in universe})
    positions = {e.company.ticker: i for i, e in enumerate(prior)}
    for entry in added:
        if entry.company.ticker in positions:
            prior[positions[entry.company.ticker]] = entry
        else:
            positions[entry.company.ticker] = len(prior)
            prior.append(entry)
    return Universe._from_entries(prior, sources=(*universe.sources, str(path)))
