"""Model specs: the YAML form of a thesis model, validated with pydantic.

A spec holds ``drivers`` (inputs with value, unit, optional range and distribution),
``formulas`` (name -> expression in the safe formula language), ``claims`` (an article's
figures to check), ``scenarios`` (named driver overrides) and ``correlations`` (rank
correlations between uncertain drivers). See ``thesis/data/nvda-5t.yaml`` for a full
example. Every structural mistake becomes a :class:`~aithesis.errors.SpecError` naming the
file, the line and the key (``drivers.hw_life.low``).

Driver ranges: what ``low``/``high`` mean depends on ``dist`` (bounds for uniform,
triangular and PERT draws, where the value is the mode; the **5th and 95th percentiles**
for ``normal`` and ``lognormal``); each distribution, its extra keys and its checks are one
entry of :data:`aithesis.thesis.distributions.DISTRIBUTIONS`, which is also the list of
allowed ``dist`` names. A driver with a range and no ``dist`` is triangular; without a
range, fixed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from aithesis.errors import SpecError
from aithesis.specfile import line_of, parse_yaml, read_spec_text
from aithesis.thesis.distributions import DISTRIBUTIONS, DriverParams, unknown_message

__all__ = [
    "ClaimSpec",
    "CorrelationSpec",
    "DriverSpec",
    "FormulaSpec",
    "ModelSpec",
    "RecordClaimSpec",
    "is_identifier",
    "line_of",
    "load_spec",
    "spec_from_text",
]

ClaimOp = Literal["=", ">=", "<=", "in", "plausible"]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

Finite = Annotated[float, Field(allow_inf_nan=False)]


def _short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for an error message (one short line)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DriverSpec(_Strict):
    """One input of the tree.

    Attributes:
        value: base-case value, in ``unit``.
        unit: a unit of :func:`aithesis.thesis.units.registry` ('' = dimensionless).
        low, high: range (bounds, or 5th/95th percentiles; see the distribution).
        dist: a name of :data:`~aithesis.thesis.distributions.DISTRIBUTIONS`; default
            triangular with a range, else fixed.
        params: the distribution's own keys, written next to ``dist`` in the YAML
            (e.g. ``df: 4``); only the keys the distribution declares are accepted.
        source: the article file or outside reference the figure comes from.
        year: the year an outside reference figure refers to.
        quote: the article's sentence, verbatim.
        note: anything a reader needs (e.g. "not stated in the article; assumed").
        title_zh: the title in Chinese (the report's ``zh`` language shows it).
        constant: a definitional constant (``one_day``); never varied to reconcile claims.
        from_: ``from:`` in the YAML: a data expression (``market_cap(NVDA, latest)``,
            ``kpi(NVDA, revenue, FY2025)``, any formula of data calls and numbers; dates
            as in record claims) whose figure becomes the value when the model is
            evaluated with a store (:mod:`aithesis.thesis.record_bind`); ``value`` is
            then the literal used without one (optional). A bound driver is fixed (no
            range). The figure is in USD for money (converted to ``unit``: ``USD_bn``,
            ``USD_bn/year`` for a fiscal year's flow), else a plain number.
    """

    value: Finite | None = None
    from_: Annotated[str | None, Field(alias="from", max_length=400)] = None
    unit: str = ""
    low: Finite | None = None
    high: Finite | None = None
    dist: str | None = None
    params: dict[str, Finite] = Field(default_factory=dict)
    title: str | None = None
    title_zh: str | None = None
    source: str | None = None
    year: int | None = None
    quote: str | None = None
    note: str | None = None
    constant: bool = False

    @model_validator(mode="before")
    @classmethod
    def _number_shorthand(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"value": data}
        if isinstance(data, dict):
            if "params" in data:
                raise ValueError(
                    "'params' is not a driver key; write the distribution's keys "
                    "(e.g. df) next to 'dist'"
                )
            name = data.get("dist")
            rule = DISTRIBUTIONS.get(name) if isinstance(name, str) else None
            if rule is not None and rule.keys:
                data = dict(data)
                data["params"] = {k: data.pop(k) for k in rule.keys if k in data}
        return data

    @field_validator("dist")
    @classmethod
    def _known_dist(cls, value: str | None) -> str | None:
        if value is not None and value not in DISTRIBUTIONS:
            raise ValueError(unknown_message(value))
        return value

    @model_validator(mode="after")
    def _check_range(self) -> DriverSpec:
        if self.value is None and self.from_ is None:
            raise ValueError("a driver needs 'value' (or 'from:' to take it from the data)")
        if self.from_ is not None and (self.low is not None or self.dist is not None):
            raise ValueError("a driver bound to data (from:) is a fixed input: drop low/high/dist")
        if (self.low is None) != (self.high is None):
            raise ValueError("give both 'low' and 'high' or neither")
        rule = DISTRIBUTIONS[self.distribution]
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError(f"low {self.low:g} > high {self.high:g}")
            if not math.isfinite(self.high - self.low):
                raise ValueError(
                    f"range {self.low:g}..{self.high:g} is too wide to draw from "
                    "(high - low overflows); narrow it"
                )
            rule.check(self.dist_params)
        elif rule.needs_range:
            raise ValueError(f"dist {self.dist!r} needs 'low' and 'high'")
        return self

    @property
    def distribution(self) -> str:
        """The effective distribution (explicit, else triangular with a range, else fixed)."""
        if self.dist is not None:
            return self.dist
        return "fixed" if self.low is None else "triangular"

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def dist_params(self) -> DriverParams:
        """Value, range and extra keys as the distribution reads them (needs a range)."""
        if self.low is None or self.high is None:
            raise ValueError("a driver without a range has no distribution parameters")
        return DriverParams(float(self.value), float(self.low), float(self.high), self.params)


class _ClaimBase(_Strict):
    """What every claim has: an id, an expression, the article's figure and how to compare.

    Attributes:
        id: unique within the model (an identifier).
        expr: the formula the claim computes.
        claimed: the article's number, or ``[low, high]`` for a range.
        unit: unit of ``claimed``.
        op: ``=`` (default; a range is checked at both ends), ``>=``/``<=`` ("at least"),
            ``in`` (the computed figure or range must lie inside the claimed bracket) or
            ``plausible`` (the claimed value must lie inside the computed range).
        tol: relative tolerance (default 5%).
        quote: the article's sentence, verbatim; text / text_zh: the claim in plain words
            (English / Chinese, the ``zh`` report shows it); source: the article file.
    """

    id: str
    expr: str
    claimed: Finite | tuple[Finite, Finite] | None = None
    unit: str = ""
    op: ClaimOp = "="
    tol: Annotated[float, Field(gt=0, le=10)] = 0.05
    quote: str | None = None
    text: str | None = None
    text_zh: str | None = None
    source: str | None = None

    @field_validator("expr", mode="before")
    @classmethod
    def _expr_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    def _check_kind(self) -> None:
        """A subclass's own check, run after the id's and before the ``claimed`` ones."""

    def _check_op(self) -> None:
        """A subclass's own check of ``op`` against ``claimed``, run before ``in``'s."""

    @model_validator(mode="after")
    def _check(self) -> _ClaimBase:
        if not _IDENT.match(self.id):
            raise ValueError(f"claim id {_short(self.id)!r} must be an identifier")
        self._check_kind()
        if isinstance(self.claimed, tuple) and self.claimed[0] > self.claimed[1]:
            raise ValueError(f"claimed range {list(self.claimed)} has low > high")
        self._check_op()
        if self.op == "in" and not isinstance(self.claimed, tuple):
            raise ValueError("op 'in' takes a claimed [low, high]")
        return self


class ClaimSpec(_ClaimBase):
    """An article's figure and the expression the model computes for it.

    Attributes (besides those of every claim):
        expr: a formula over the model's names (often just one name).
        claimed: required; unit: must convert to the unit of ``expr``.
        given: pin names to the article's own previous figures, to check one step alone.
        range_over: drivers whose [low, high] give the computed range (default: every
            driver ``expr`` depends on that has a range; ``[]`` = base value only).
        quantity: a name this claim implies a value of; claims implying different values
            of the same quantity are flagged by the cross-claim check.
    """

    kind: Literal["model"] = "model"
    claimed: Finite | tuple[Finite, Finite]
    given: dict[str, Finite] = Field(default_factory=dict)
    range_over: list[str] | None = None
    quantity: str | None = None

    def _check_op(self) -> None:
        if self.op == "plausible" and isinstance(self.claimed, tuple):
            raise ValueError("op 'plausible' takes one claimed number")


class RecordClaimSpec(_ClaimBase):
    """An article's statement about the market record (``kind: record``).

    ``expr`` uses the data functions of :mod:`aithesis.thesis.expr` (``close``,
    ``total_return``, ``market_cap``, ...) and numbers; it is judged twice, with the data
    as of the article date and as of the latest data (:mod:`aithesis.thesis.record`).

    Attributes (besides those of every claim):
        claimed, op, tol: ``op`` compares the computed figure with ``claimed``;
            ``claimed`` is omitted for a ``first_date(...)`` claim ("it will happen").
        unit: unit of ``claimed`` for money figures (the data functions give USD); ''
            for returns (decimal) and plain numbers.
        article: the article file (default: the model's ``source``); its date comes from
            the article catalogue unless ``article_date`` (ISO) is given.
        by: the horizon of a ``first_date`` claim (a date as the data functions take).
    """

    kind: Literal["record"]
    article: str | None = None
    article_date: str | None = None
    by: str | None = None
    note: str | None = None

    def _check_kind(self) -> None:
        first = self.expr.replace(" ", "").startswith("first_date(")
        if self.claimed is None and not first:
            raise ValueError("a record claim needs 'claimed' (unless its expr is first_date)")


def _claim_kind(value: Any) -> str:
    kind = value.get("kind", "model") if isinstance(value, dict) else getattr(value, "kind", "")
    return "record" if kind == "record" else "model"


AnyClaim = Annotated[
    Annotated[ClaimSpec, Tag("model")] | Annotated[RecordClaimSpec, Tag("record")],
    Discriminator(_claim_kind),
]


class FormulaSpec(_Strict):
    """A formula with an optional display/check unit (``{expr: ..., unit: kWh}``).

    With ``unit`` the result is converted to it (and must be convertible); without it the
    unit is inferred (a dimensionless result is always shown as a plain number).
    """

    expr: str
    unit: str | None = None
    title: str | None = None
    title_zh: str | None = None
    note: str | None = None

    @field_validator("expr", mode="before")
    @classmethod
    def _expr_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class CorrelationSpec(_Strict):
    """Spearman rank correlation between two uncertain drivers."""

    between: tuple[str, str]
    rank: Annotated[float, Field(gt=-1, lt=1)]


class ModelSpec(_Strict):
    """A whole thesis model as written in YAML."""

    name: str
    title: str
    title_zh: str | None = None
    source: str | None = None
    description: str | None = None
    description_zh: str | None = None
    output: str | None = None
    drivers: dict[str, DriverSpec]
    formulas: dict[str, FormulaSpec] = Field(default_factory=dict)
    claims: list[AnyClaim] = Field(default_factory=list)
    scenarios: dict[str, dict[str, Finite]] = Field(default_factory=dict)
    correlations: list[CorrelationSpec] = Field(default_factory=list)

    @field_validator("formulas", mode="before")
    @classmethod
    def _formula_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: {"expr": str(v)} if isinstance(v, str | int | float) else v
                for k, v in value.items()
            }
        return value

    @property
    def model_claims(self) -> list[ClaimSpec]:
        """Claims checked against the model's own arithmetic (``kind: model``)."""
        return [c for c in self.claims if isinstance(c, ClaimSpec)]

    @property
    def record_claims(self) -> list[tuple[int, RecordClaimSpec]]:
        """``(index in claims, claim)`` of every ``kind: record`` claim."""
        return [(i, c) for i, c in enumerate(self.claims) if isinstance(c, RecordClaimSpec)]

    @model_validator(mode="after")
    def _check(self) -> ModelSpec:
        if not _SLUG.match(self.name):
            raise ValueError(
                f"model name {_short(self.name)!r} must be lower-case letters, digits, -_."
            )
        if not self.drivers:
            raise ValueError("a model needs at least one driver")
        return self


def _is_pydantic_tag(part: Any) -> bool:
    """Pydantic's own loc entries (union branches, validators), not keys of the YAML."""
    return isinstance(part, str) and ("[" in part or part in ("tuple", "float"))


def _yaml_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Where the YAML has the key: a distribution's keys sit next to ``dist``."""
    if len(loc) > 3 and loc[0] == "drivers" and loc[2] == "params":
        return loc[:2] + loc[3:]
    if len(loc) > 2 and loc[0] == "claims" and loc[2] in ("model", "record"):
        return loc[:2] + loc[3:]
    return loc


def _loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _is_pydantic_tag(part):
            out += f".{part}" if out else str(part)
    return out


def spec_from_text(text: str, file: str | Path = "<text>") -> tuple[ModelSpec, yaml.Node | None]:
    """Parse and validate YAML text; return the spec and the YAML node tree (for lines).

    Raises:
        SpecError: bad YAML, not a mapping, or a pydantic validation failure (names the
            file, line and dotted key).
    """
    file = str(file)
    data, root = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise SpecError("a model file must be a YAML mapping", file=file)
    try:
        spec = ModelSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _yaml_loc(tuple(err.get("loc", ())))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        more = len(exc.errors()) - 1
        hint = f"{more} more problem(s) after this one" if more else None
        key = str(loc[-1]) if loc else ""
        if err.get("type") == "extra_forbidden" and key.endswith(")") and "(" not in key:
            # {from: market_cap(NVDA, latest)}: YAML split the formula at its comma
            msg = f"a formula was cut at a comma into the key '{key}'"
            hint = (
                "inside { } quote formulas that contain commas, e.g. "
                'from: "market_cap(NVDA, latest)"'
            )
        raise SpecError(
            msg, file=file, row=line_of(root, loc), field=_loc_text(loc) or None, hint=hint
        ) from None
    return spec, root


def load_spec(path: str | Path) -> tuple[ModelSpec, yaml.Node | None]:
    """Read and validate a model YAML file.

    Raises:
        SpecError: the file cannot be read or is invalid.
    """
    path = Path(path)
    return spec_from_text(read_spec_text(path), path)


def is_identifier(name: str) -> bool:
    """True for names the formula language accepts."""
    return bool(_IDENT.match(name)) and not name.startswith("__")
