"""Reading YAML specs into pydantic models, with errors that name file, line and key.

One place for what every spec loader needs (universe, methodologies, models, KPI groups,
projects): parse YAML safely, keep the node tree for line numbers, validate with pydantic
and turn the first validation error into a one-line
:class:`~aithesis.errors.SpecError`::

    indexes/agix.yaml:7: 'weighting.cpa': unknown key; did you mean 'cap'? allowed keys: ...
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from aithesis.errors import SpecError

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_SPEC_BYTES",
    "line_of",
    "load_yaml_model",
    "parse_yaml",
    "read_spec_text",
    "spec_error",
    "validate_model",
]

M = TypeVar("M", bound=BaseModel)


MAX_SPEC_BYTES = 2_000_000
"""Largest spec file read (bytes): the built-in ones are a few kB, the universe 70 kB."""
MAX_NODES = 200_000
"""Largest number of YAML nodes once aliases are expanded (a 'billion laughs' guard)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""


def parse_yaml(text: str, file: str | Path | None) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text; return the data and the node tree (for line numbers).

    Safe on hostile text: only plain YAML types (``SafeLoader``); at most
    :data:`MAX_SPEC_BYTES` of text, :data:`MAX_NODES` nodes after alias expansion and
    :data:`MAX_DEPTH` levels of nesting; a key given twice in one mapping is an error
    (YAML would silently keep the last one).

    Raises:
        SpecError: not valid YAML or beyond those limits, naming the line of the problem.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SPEC_BYTES:
        raise SpecError(
            f"spec file is {size / 1e6:.1f} MB; the limit is {MAX_SPEC_BYTES / 1e6:.0f} MB",
            file=file,
            hint="a spec holds rules and figures, not data: load data with 'aithesis data'",
        )
    root = None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        _check_shape(root, file)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else mark.line + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError(
            f"not valid YAML: {problem}", file=file, row=row, hint="check indentation and quoting"
        ) from None
    except RecursionError:
        raise SpecError(
            f"nested more than {MAX_DEPTH} levels deep", file=file, hint="flatten the file"
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date like 2022-02-30
        raise SpecError(
            f"a value cannot be read: {exc}",
            file=file,
            row=_bad_scalar(root),
            hint="check dates (YYYY-MM-DD that exist) and numbers",
        ) from None
    return data, root


def _check_shape(root: yaml.Node | None, file: str | Path | None) -> None:
    """Refuse duplicate keys, deep nesting and alias bombs before anything is built.

    Aliases make the node tree a DAG: sizes and depths are computed once per distinct
    node (memoised), so the check itself stays linear in the text.
    """
    if root is None:
        return
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    order: list[yaml.Node] = []
    pending: list[tuple[yaml.Node, int]] = [(root, 1)]
    seen: set[int] = set()
    while pending:  # iterative: no recursion on deep input
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise SpecError(
                f"nested more than {MAX_DEPTH} levels deep",
                file=file,
                row=node.start_mark.line + 1,
                hint="flatten the file",
            )
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        if isinstance(node, yaml.MappingNode):
            _check_duplicate_keys(node, file)
            pending.extend((part, depth + 1) for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((child, depth + 1) for child in node.value)
    for node in reversed(order):  # children before parents
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
        depths[id(node)] = 1 + max((depths.get(id(c), 1) for c in children), default=0)
        if sizes[id(node)] > MAX_NODES or depths[id(node)] > MAX_DEPTH:
            what = (
                f"expands to more than {MAX_NODES:,} values (aliases)"
                if sizes[id(node)] > MAX_NODES
                else f"nested more than {MAX_DEPTH} levels deep (aliases)"
            )
            raise SpecError(
                what,
                file=file,
                row=node.start_mark.line + 1,
                hint="write the values out instead of repeating anchors",
            )


def _check_duplicate_keys(node: yaml.MappingNode, file: str | Path | None) -> None:
    first: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        name = str(key.value)
        line = key.start_mark.line + 1
        if name in first:
            raise SpecError(
                f"key '{name}' is given twice (first at line {first[name]})",
                file=file,
                row=line,
                field=name,
                hint="keep one; YAML would silently use the last",
            )
        first[name] = line


def _bad_scalar(root: yaml.Node | None) -> int | None:
    """Line of the first scalar (in document order) that YAML cannot construct."""
    if root is None:
        return None
    loader = yaml.SafeLoader("")
    pending = [root]
    seen: set[int] = set()
    while pending:
        node = pending.pop(0)
        if id(node) in seen:  # an alias: already looked at
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node, deep=True)
            except Exception:
                return node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            pending[:0] = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            pending[:0] = list(node.value)
    return None


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML key at ``loc`` (or of its deepest known ancestor)."""
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(getattr(key, "value", None)) == str(part):
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _allowed_keys(model: type[BaseModel], parent: tuple[Any, ...]) -> list[str]:
    for part in parent:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        annotation = getattr(info, "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            return []
    return list(model.model_fields)


def spec_error(
    exc: ValidationError,
    *,
    file: str | Path | None,
    root: yaml.Node | None,
    model: type[BaseModel] | None = None,
) -> SpecError:
    """The first pydantic error as a :class:`SpecError` naming file, line and dotted key."""
    errors = exc.errors()
    err = errors[0]
    loc = tuple(p for p in err.get("loc", ()) if p != "[key]")
    field = ".".join(str(p) for p in loc) or None
    hint = None
    kind = err.get("type")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1]) if model is not None else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        message = "unknown key"
        if allowed:
            hint = (
                (f"did you mean '{close[0]}'? " if close else "")
                + "allowed keys: "
                + ", ".join(allowed)
            )
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if "input" in err and kind != "value_error":
            message = f"{message} (got {err['input']!r})"
    if len(errors) > 1:
        message = f"{message} (and {len(errors) - 1} more problem(s))"
    return SpecError(message, file=file, row=line_of(root, loc), field=field, hint=hint)


def validate_model(
    model: type[M], data: Any, *, file: str | Path, root: yaml.Node | None = None
) -> M:
    """Validate parsed data against ``model``; errors become :class:`SpecError`."""
    if not isinstance(data, dict):
        raise SpecError(
            f"expected a YAML mapping, got {type(data).__name__}",
            file=file,
            hint="the file must hold 'key: value' lines at its top level",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise spec_error(exc, file=file, root=root, model=model) from None


def read_spec_text(path: str | Path) -> str:
    """The text of a spec file: at most :data:`MAX_SPEC_BYTES`, UTF-8.

    Raises:
        SpecError: missing, unreadable, too big (checked before reading) or not UTF-8;
            one line naming the file and what to do.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:  # refuse before reading it
            raise SpecError(
                f"spec file is {size / 1e6:.1f} MB; the limit is {MAX_SPEC_BYTES / 1e6:.0f} MB",
                file=path,
                hint="a spec holds rules and figures, not data: load data with 'aithesis data'",
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("file not found", file=path) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SpecError(
            f"cannot read file (not UTF-8 text: byte 0x{exc.object[exc.start]:02x})",
            file=path,
            row=line,
            hint="save the file as UTF-8",
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SpecError(
            f"cannot read file ({reason})", file=path, hint="check the path and its permissions"
        ) from None


def load_yaml_model(model: type[M], path: str | Path) -> tuple[M, yaml.Node | None]:
    """Read a YAML file and validate it against ``model``.

    Returns:
        ``(instance, root_node)``; keep the node to name lines in later errors.

    Raises:
        SpecError: unreadable file, bad YAML or invalid content (file, line and key).
    """
    path = Path(path)
    data, root = parse_yaml(read_spec_text(path), path)
    return validate_model(model, data, file=path, root=root), root
