"""An index methodology: the pydantic model a YAML file is validated into.

A methodology reads like bt's list of algos: *which names* (``universe``), *how to weigh
them* (``weighting``), *when to trade* (``rebalance``) and *what trading costs*
(``costs_bps``)::

    name: AI infrastructure basket (article 004)
    base_date: 2022-11-30        # first index date; level = base_value at its close
    base_value: 1000
    currency: USD                # index currency; other listings converted with stored FX
    return_type: total           # total: adj_close; price: close
    universe:
      tickers: [NVDA, AVGO, TSM, VST, ETN, EQT, NEE, ANET]
    weighting:
      scheme: equal              # a name in aithesis.index.schemes (aithesis index schemes)
      cap: 0.20                  # optional single-name cap
    rebalance: quarterly         # none | monthly | quarterly | semiannual | annual
    costs_bps: 0                 # one-way, charged on every purchase and sale
    costs_on_launch: true        # the launch purchase pays costs_bps too (as bt)
    on_data_end: sell            # a name's data end early: sell (warned) | error

Conventions (see :mod:`aithesis.index.engine` for the arithmetic): weights are set at the
close of the base date and of the first trading day of each new period (bt's
``RunMonthly``/``RunQuarterly`` convention), using only data up to that close; between
rebalances holdings drift with prices; a stock with no price yet is left out until the
first rebalance on or after its first close; a stock whose data end before the index's
last date is sold at its last close and the proceeds go to the remaining holdings pro rata
to their value (``on_data_end: sell``, the default, always with a warning naming the
ticker and its last date), or the build is refused (``on_data_end: error``).

Every mistake becomes a :class:`~aithesis.errors.SpecError` naming the file, the line and
the key (``indexes/ai.yaml:7: 'weighting.sceme': unknown key; did you mean 'scheme'?``).
This module parses text; reading files is :func:`aithesis.index.api.load_methodology`'s job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from aithesis.errors import SpecError
from aithesis.index.schemes import SCHEMES
from aithesis.specfile import parse_yaml, spec_error

__all__ = [
    "BASE_VALUE_RANGE",
    "FREQUENCIES",
    "THEMES",
    "Methodology",
    "UniverseSpec",
    "WeightingSpec",
    "methodology_from_dict",
    "methodology_from_yaml",
]

THEMES: tuple[str, ...] = (
    "compute",
    "cloud",
    "edge",
    "interconnect_storage",
    "software",
    "power_infra",
)
FREQUENCIES: tuple[str, ...] = ("none", "monthly", "quarterly", "semiannual", "annual")

Theme = Literal["compute", "cloud", "edge", "interconnect_storage", "software", "power_infra"]
_SUM_TOLERANCE = 1e-9
BASE_VALUE_RANGE: tuple[float, float] = (1e-6, 1e12)
"""Smallest and largest ``base_value`` accepted (index points)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UniverseSpec(_Strict):
    """Which names the index may hold: explicit ``tickers`` *or* filters over the universe.

    Args:
        tickers: explicit Yahoo-style symbols (upper-cased, no duplicates).
        themes: keep companies with at least one of these themes.
        markets: keep companies listed in these markets (``US``, ``HK``, ...).
        min_exposure: keep companies whose AI-exposure score (0..1) is at least this.
        top_n: keep the first ``top_n`` after filtering (the universe's own ordering).
    """

    tickers: list[str] | None = None
    themes: list[Theme] | None = None
    markets: list[str] | None = None
    min_exposure: float | None = Field(default=None, ge=0.0, le=1.0)
    top_n: int | None = Field(default=None, gt=0)

    @field_validator("tickers")
    @classmethod
    def _clean_tickers(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [str(t).strip().upper() for t in value]
        if not cleaned or any(not t for t in cleaned):
            raise ValueError("tickers must be a non-empty list of symbols")
        seen: set[str] = set()
        dupes = sorted({t for t in cleaned if t in seen or seen.add(t)})
        if dupes:
            raise ValueError(f"duplicate tickers: {', '.join(dupes)}")
        return cleaned

    @field_validator("markets")
    @classmethod
    def _clean_markets(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [str(m).strip().upper() for m in value]

    @model_validator(mode="after")
    def _tickers_or_filters(self) -> UniverseSpec:
        filters = [self.themes, self.markets, self.min_exposure, self.top_n]
        if self.tickers is not None and any(f is not None for f in filters):
            raise ValueError(
                "give either 'tickers' or filters (themes, markets, min_exposure, top_n), not both"
            )
        return self

    @property
    def is_explicit(self) -> bool:
        """True when the index holds an explicit ticker list."""
        return self.tickers is not None


class WeightingSpec(_Strict):
    """How target weights are set at each rebalance (one rule of :mod:`.weights`).

    Args:
        scheme: a name in the scheme registry (:data:`aithesis.index.schemes.SCHEMES`:
            ``equal``, ``market_cap``, ``exposure``, ``theme_targets``, ...).
        cap: optional single-name cap in (0, 1]; excess is redistributed pro rata, iterated.
        theme_targets: theme -> weight, summing to 1 (required by ``theme_targets``).
    """

    scheme: str = "equal"
    cap: float | None = Field(default=None, gt=0.0, le=1.0)
    theme_targets: dict[Theme, float] | None = None

    @field_validator("scheme")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value not in SCHEMES:
            raise ValueError(
                f"unknown weighting scheme {value!r}; use one of: " + ", ".join(SCHEMES)
            )
        return value

    @field_validator("theme_targets")
    @classmethod
    def _targets_sum_to_one(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("theme_targets is empty")
        negative = [k for k, v in value.items() if not math.isfinite(v) or v < 0]
        if negative:
            raise ValueError(f"theme targets must be finite and >= 0: {', '.join(negative)}")
        total = math.fsum(value.values())
        if abs(total - 1.0) > _SUM_TOLERANCE:
            raise ValueError(f"theme targets sum to {total:.6g}, not 1")
        return value

    @model_validator(mode="after")
    def _targets_when_needed(self) -> WeightingSpec:
        if "theme_targets" in SCHEMES[self.scheme].needs and self.theme_targets is None:
            raise ValueError(f"scheme {self.scheme!r} needs a 'theme_targets' mapping")
        return self


class Methodology(_Strict):
    """A validated index methodology (see the module docstring for the YAML).

    Args:
        name: display name; name_zh: its Chinese form (reports in Chinese).
        base_date: first index date; the level equals ``base_value`` at its close (the first
            trading day on or after it when it is not one).
        base_value: index level at the base date, in index points; a finite number in
            [:data:`BASE_VALUE_RANGE`] (1e-6 to 1e12), so levels stay far from the float
            range's ends (1e-320 loses precision, 1e308 overflows).
        currency: ISO code of the index currency; other listings are converted with FX.
        return_type: ``total`` (dividend-adjusted ``adj_close``) or ``price`` (``close``).
        universe: which names (:class:`UniverseSpec`).
        weighting: how to weigh them (:class:`WeightingSpec`).
        rebalance: ``none``, ``monthly``, ``quarterly``, ``semiannual`` or ``annual``.
        costs_bps: one-way trading cost in basis points, charged on every purchase and sale:
            ``costs_bps / 10,000`` x the turnover to the target weights x the value before
            the trade, taken from the whole index, so every name then holds exactly its
            target weight. (bt takes each fee from capital after the trade, out of the
            name traded: its weights miss the targets by about ``k * |trade|``; 2.3e-4 on
            the level after 3.75 years of quarterly rebalances at 25 bps.)
        costs_on_launch: charge ``costs_bps`` on the launch purchase at the base close too
            (default True, as bt does: at 25 bps the index starts 0.25% lower); False: the
            index launches fully invested at no cost.
        on_data_end: what to do when a constituent's data end before the index's last
            date: ``sell`` (default: sold at its last close, proceeds to the others pro
            rata, and a warning naming the ticker and date) or ``error`` (refuse the
            build, naming the ticker and date).
        description: free text; description_zh: its Chinese form (Chinese reports and
            dashboard; None: not translated, the English text is shown).
        source: the article file a built-in comes from.
    """

    name: str = Field(min_length=1)
    name_zh: str | None = None
    base_date: date
    base_value: float = 1000.0
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    return_type: Literal["total", "price"] = "total"
    universe: UniverseSpec
    weighting: WeightingSpec = WeightingSpec()
    rebalance: Literal["none", "monthly", "quarterly", "semiannual", "annual"] = "quarterly"
    costs_bps: float = Field(default=0.0, ge=0.0, lt=10_000.0)
    costs_on_launch: bool = True
    on_data_end: Literal["sell", "error"] = "sell"
    description: str | None = None
    description_zh: str | None = None
    source: str | None = None
    _file: str | None = PrivateAttr(default=None)

    @field_validator("base_value", mode="before")
    @classmethod
    def _sane_base_value(cls, value: Any) -> Any:
        low, high = BASE_VALUE_RANGE
        if isinstance(value, bool):
            raise ValueError("base_value must be a number, not true/false")
        try:
            number = float(value)
        except (TypeError, ValueError):
            return value  # pydantic reports the type error
        if not (math.isfinite(number) and low <= number <= high):
            raise ValueError(
                f"base_value must be a finite number from {low:g} to {high:g} index points, "
                f"got {value!r}; use e.g. 100 or 1000"
            )
        return value

    @property
    def file(self) -> str | None:
        """The YAML file this methodology was read from (named in build errors), if any."""
        return self._file


def methodology_from_yaml(text: str, *, file: str | None = None) -> Methodology:
    """Parse and validate a methodology from YAML text.

    Args:
        text: the YAML document.
        file: where it came from, named in errors.

    Returns:
        The validated :class:`Methodology`.

    Raises:
        SpecError: on a YAML syntax error, a non-mapping document, an unknown or misspelt
            key, or an invalid value; names the file, line and dotted key.
    """
    data, root = parse_yaml(text, file)
    if not isinstance(data, Mapping):
        raise SpecError(
            "a methodology must be a YAML mapping (name, base_date, universe, ...)", file=file
        )
    return methodology_from_dict(data, file=file, _node=root)


def methodology_from_dict(
    data: Mapping[str, Any], *, file: str | None = None, _node: Any = None
) -> Methodology:
    """Validate a methodology given as a mapping (e.g. already parsed YAML).

    Raises:
        SpecError: naming the file, the line (when known) and the dotted key at fault.
    """
    try:
        methodology = Methodology.model_validate(dict(data))
    except ValidationError as exc:
        raise spec_error(exc, file=file, root=_node, model=Methodology) from None
    methodology._file = file
    return methodology
