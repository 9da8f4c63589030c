"""Parse universe YAML text into validated entries (the layer under the loader).

Pure parsing: text in, :class:`Entry` records (a :class:`~aithesis.universe.model.Company`
plus where it was defined) out, with every problem a
:class:`~aithesis.errors.SpecError` naming the file, the line, the entry and the field.
:mod:`aithesis.universe.collection` (``Universe.extended``) and
:mod:`aithesis.universe.loader` both build on it; it imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aithesis.errors import SpecError
from aithesis.universe.model import (
    COMPANY_FIELDS,
    LAYERS,
    MARKET_CODES,
    ROLES,
    THEMES,
    Company,
)

__all__ = ["ALIAS_HINT", "Entry", "Origin", "parse_entries", "read_entries"]

ALIAS_HINT = "give the ticker of the company's canonical entry"


@dataclass(frozen=True)
class Origin:
    """Where an entry was defined: file and 1-based line of the entry's first key."""

    file: str
    row: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.row}" if self.row is not None else self.file


@dataclass(frozen=True)
class Entry:
    """A validated company with where it was defined (loader bookkeeping)."""

    company: Company
    origin: Origin
    key_rows: Mapping[str, int]


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


def parse_entries(text: str, file: str, base: Mapping[str, Company]) -> list[Entry]:
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


def read_entries(path: str | PathLike[str], base: Mapping[str, Company]) -> list[Entry]:
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
    return parse_entries(text, file, base)
