"""Model specs: the YAML form of a thesis model, validated with pydantic.

A spec holds ``drivers`` (inputs with value, unit, optional range and distribution),
``formulas`` (name -> expression in the safe formula language), ``claims`` (an article's
figures to check), ``scenarios`` (named driver overrides) and ``correlations`` (rank
correlations between uncertain drivers). See ``thesis/data/nvda-5t.yaml`` for a full
example. Every structural mistake becomes a :class:`~aithesis.errors.SpecError` naming the
file, the line and the key (``drivers.hw_life.low``).

Driver ranges: ``low``/``high`` are the bounds for uniform, triangular and PERT draws
(the value is the mode), and the **5th and 95th percentiles** for ``normal`` and
``lognormal``. A driver with a range and no ``dist`` is triangular; without a range, fixed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aithesis.errors import SpecError
from aithesis.specfile import line_of, parse_yaml

__all__ = [
    "DISTRIBUTIONS",
    "ClaimSpec",
    "CorrelationSpec",
    "DriverSpec",
    "FormulaSpec",
    "ModelSpec",
    "is_identifier",
    "line_of",
    "load_spec",
    "spec_from_text",
]

DISTRIBUTIONS = ("fixed", "uniform", "triangular", "pert", "normal", "lognormal")
Distribution = Literal["fixed", "uniform", "triangular", "pert", "normal", "lognormal"]
ClaimOp = Literal["=", ">=", "<=", "in", "plausible"]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DriverSpec(_Strict):
    """One input of the tree.

    Attributes:
        value: base-case value, in ``unit``.
        unit: a unit of :func:`aithesis.thesis.units.registry` ('' = dimensionless).
        low, high: range (bounds, or 5th/95th percentiles for normal/lognormal).
        dist: distribution for Monte Carlo; default triangular with a range, else fixed.
        source: the article file or outside reference the figure comes from.
        year: the year an outside reference figure refers to.
        quote: the article's sentence, verbatim.
        note: anything a reader needs (e.g. "not stated in the article; assumed").
        constant: a definitional constant (``one_day``); never varied to reconcile claims.
    """

    value: Finite
    unit: str = ""
    low: Finite | None = None
    high: Finite | None = None
    dist: Distribution | None = None
    title: str | None = None
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
        return data

    @model_validator(mode="after")
    def _check_range(self) -> DriverSpec:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both 'low' and 'high' or neither")
        dist = self.distribution
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError(f"low {self.low:g} > high {self.high:g}")
            if dist in ("normal", "lognormal") and self.low == self.high:
                raise ValueError(f"{dist} needs low < high")
            if dist in ("uniform", "triangular", "pert") and not (
                self.low <= self.value <= self.high
            ):
                raise ValueError(
                    f"value {self.value:g} lies outside [low, high] = [{self.low:g}, {self.high:g}]"
                )
            if dist == "lognormal" and self.low <= 0:
                raise ValueError("lognormal needs low > 0")
        elif dist not in ("fixed", None):
            raise ValueError(f"dist {dist!r} needs 'low' and 'high'")
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


class ClaimSpec(_Strict):
    """An article's figure and the expression the model computes for it.

    Attributes:
        id: unique within the model.
        expr: a formula over the model's names (often just one name).
        claimed: the article's number, or ``[low, high]`` for a range.
        unit: unit of ``claimed``; must convert to the unit of ``expr``.
        op: ``=`` (default; a range is checked at both ends), ``>=``/``<=`` ("at least"),
            ``in`` (the computed range must lie inside the claimed bracket) or
            ``plausible`` (the claimed value must lie inside the computed range).
        tol: relative tolerance (default 5%).
        given: pin names to the article's own previous figures, to check one step alone.
        range_over: drivers whose [low, high] give the computed range (default: every
            driver ``expr`` depends on that has a range; ``[]`` = base value only).
        quantity: a name this claim implies a value of; claims implying different values
            of the same quantity are flagged by the cross-claim check.
    """

    id: str
    expr: str
    claimed: Finite | tuple[Finite, Finite]
    unit: str = ""
    op: ClaimOp = "="
    tol: Annotated[float, Field(gt=0, le=10)] = 0.05
    quote: str | None = None
    text: str | None = None
    source: str | None = None
    given: dict[str, Finite] = Field(default_factory=dict)
    range_over: list[str] | None = None
    quantity: str | None = None

    @field_validator("expr", mode="before")
    @classmethod
    def _expr_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _check(self) -> ClaimSpec:
        if not _IDENT.match(self.id):
            raise ValueError(f"claim id {self.id!r} must be an identifier")
        if isinstance(self.claimed, tuple) and self.claimed[0] > self.claimed[1]:
            raise ValueError(f"claimed range {list(self.claimed)} has low > high")
        if self.op == "plausible" and isinstance(self.claimed, tuple):
            raise ValueError("op 'plausible' takes one claimed number")
        if self.op == "in" and not isinstance(self.claimed, tuple):
            raise ValueError("op 'in' takes a claimed [low, high]")
        return self


class FormulaSpec(_Strict):
    """A formula with an optional display/check unit (``{expr: ..., unit: kWh}``).

    With ``unit`` the result is converted to it (and must be convertible); without it the
    unit is inferred (a dimensionless result is always shown as a plain number).
    """

    expr: str
    unit: str | None = None
    title: str | None = None
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
    output: str | None = None
    drivers: dict[str, DriverSpec]
    formulas: dict[str, FormulaSpec] = Field(default_factory=dict)
    claims: list[ClaimSpec] = Field(default_factory=list)
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

    @model_validator(mode="after")
    def _check(self) -> ModelSpec:
        if not _SLUG.match(self.name):
            raise ValueError(f"model name {self.name!r} must be lower-case letters, digits, -_.")
        if not self.drivers:
            raise ValueError("a model needs at least one driver")
        return self


def _is_pydantic_tag(part: Any) -> bool:
    """Pydantic's own loc entries (union branches, validators), not keys of the YAML."""
    return isinstance(part, str) and ("[" in part or part in ("tuple", "float"))


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
        loc = tuple(err.get("loc", ()))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        more = len(exc.errors()) - 1
        hint = f"{more} more problem(s) after this one" if more else None
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
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read model file ({exc.strerror})", file=path) from None
    return spec_from_text(text, path)


def is_identifier(name: str) -> bool:
    """True for names the formula language accepts."""
    return bool(_IDENT.match(name)) and not name.startswith("__")
