"""The weighting-scheme registry: one entry per scheme, everything that varies in it.

Each :class:`Scheme` holds the scheme's name, its rule (one uniform signature:
``rule(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray``), the inputs it needs,
how much return history it reads, and its English and Chinese labels. Everything else
is derived from :data:`SCHEMES`: the values ``weighting.scheme`` accepts
(:mod:`aithesis.index.methodology`), what :func:`aithesis.index.inputs.gather_inputs`
reads, the ``--scheme`` help of ``aithesis index build`` and ``aithesis index schemes``,
the dashboard's choices and the values a sweep may give ``weighting.scheme``.

Adding a scheme is one entry here plus its rule (pure NumPy, no I/O; the arithmetic may
live in :mod:`aithesis.index.weights`), and a test. A rule returns ``(N,)`` target weights
that sum to 1 over the names it weighs and are 0 elsewhere, or all 0 when nothing can be
held; the single-name cap is applied afterwards by the caller (bt's ``LimitWeights``).

>>> from aithesis.index.schemes import scheme_names
>>> scheme_names()
('equal', 'market_cap', 'exposure', 'theme_targets', 'inverse_volatility')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from aithesis.errors import SpecError
from aithesis.index import weights as wr

__all__ = [
    "INVERSE_VOL_DAYS",
    "NEEDS",
    "SCHEMES",
    "Scheme",
    "SchemeInputs",
    "WeightRule",
    "get_scheme",
    "inverse_volatility",
    "scheme_help",
    "scheme_names",
]

NEEDS: tuple[str, ...] = ("market_caps", "exposure", "themes", "theme_targets", "history")
"""Inputs a rule may declare: ``market_caps`` (shares outstanding x price, needs
fundamentals), ``exposure`` (universe AI-exposure scores: every name must be in the
universe), ``themes`` (each name's theme: every name must be in the universe),
``theme_targets`` (the methodology's ``weighting.theme_targets`` mapping, then required)
and ``history`` (trailing prices, :attr:`Scheme.history_days` returns before the date)."""


@dataclass(frozen=True)
class SchemeInputs:
    """What a rule may read on one rebalance date (inputs it does not need are None).

    Attributes:
        date: the rebalance date (``datetime64[D]``); weights use closes up to it.
        tickers: the ``N`` candidate names.
        prices: ``(N,)`` closes at the rebalance date, index currency (NaN: no price).
        market_caps: ``(N,)`` shares outstanding x price, index currency (``market_caps``).
        exposure: ``(N,)`` AI-exposure scores in [0, 1], NaN off the universe.
        themes: ``(N,)`` the theme each name counts in (None: no targeted theme).
        theme_targets: theme -> target weight summing to 1 (``theme_targets``).
        history: ``(H + 1, N)`` index-currency closes ending at the rebalance date's row
            (inclusive), on the index's calendar (holes inside a listing forward filled),
            NaN before a listing; ``H <= history_days`` rows when the data start later.
        notes: a rule appends one line per approximation it makes (e.g. a name left out
            for lack of history); the build reports them as warnings.
    """

    date: np.datetime64
    tickers: tuple[str, ...]
    prices: np.ndarray
    market_caps: np.ndarray | None = None
    exposure: np.ndarray | None = None
    themes: tuple[str | None, ...] | None = None
    theme_targets: Mapping[str, float] | None = None
    history: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


WeightRule = Callable[[SchemeInputs, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Scheme:
    """One weighting scheme.

    Attributes:
        name: the value of ``weighting.scheme``.
        rule: ``rule(inputs, eligible) -> (N,) weights``; ``eligible`` is the ``(N,)``
            bool mask of names that may be held on the date.
        needs: inputs the rule reads (a subset of :data:`NEEDS`).
        labels: ``{"en": ..., "zh": ...}`` display names (dashboard, reports).
        summary: one English line for the CLI help.
        history_days: trailing daily returns the rule reads (with ``needs`` ``history``).
    """

    name: str
    rule: WeightRule
    needs: frozenset[str]
    labels: Mapping[str, str]
    summary: str
    history_days: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.needs) - set(NEEDS)
        if unknown:
            raise ValueError(f"scheme {self.name!r}: unknown needs {sorted(unknown)}")
        if ("history" in self.needs) != (self.history_days > 0):
            raise ValueError(f"scheme {self.name!r}: 'history' needs history_days > 0")

    @property
    def needs_universe(self) -> bool:
        """True when every name must be in the universe (exposure scores or themes)."""
        return bool(self.needs & {"exposure", "themes"})

    def label(self, lang: str = "en") -> str:
        """The display name in ``lang`` (English when there is no such label)."""
        return self.labels.get(lang) or self.labels["en"]


def _need(value: object, what: str, scheme: str) -> object:
    if value is None:
        raise ValueError(f"scheme {scheme!r} needs {what}, which the caller did not provide")
    return value


def _equal(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray:
    return wr.equal_weights(eligible)


def _market_cap(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray:
    caps = _need(inputs.market_caps, "market_caps", "market_cap")
    return wr.market_cap_weights(caps, eligible)  # type: ignore[arg-type]


def _exposure(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray:
    scores = _need(inputs.exposure, "exposure", "exposure")
    return wr.exposure_weights(scores, eligible)  # type: ignore[arg-type]


def _theme_targets(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray:
    themes = _need(inputs.themes, "themes", "theme_targets")
    targets = _need(inputs.theme_targets, "theme_targets", "theme_targets")
    return wr.theme_target_weights(themes, eligible, targets)  # type: ignore[arg-type]


INVERSE_VOL_DAYS = 63
"""Trailing daily returns (about one quarter) behind :func:`inverse_volatility`."""


def inverse_volatility(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray:
    """Weights proportional to ``1 / sigma``, sigma the trailing daily volatility.

    ``sigma`` of a name is the sample standard deviation (``ddof=1``) of its last
    :data:`INVERSE_VOL_DAYS` daily simple returns up to the rebalance close,
    ``p_t / p_{t-1} - 1`` on the index's calendar (a market holiday inside a listing is a
    0 return), in index currency. Weights are ``(1 / sigma_i) / sum_j (1 / sigma_j)``.

    Edge cases (documented treatment): an eligible name with fewer than
    :data:`INVERSE_VOL_DAYS` returns in the window (listed too recently, or the base date
    too close to the start of the data) or with ``sigma == 0`` (no price change) is left
    out of that rebalance (weight 0) and a note says so; it joins at the first rebalance
    where it has the history. When no eligible name qualifies the result is all zeros
    (the build refuses that on the base date and holds cash on a later date).

    Args:
        inputs: needs ``history`` (``(H + 1, N)`` closes ending at the rebalance row).
        eligible: ``(N,)`` bool, names that may be held.

    Returns:
        ``(N,)`` weights summing to 1 over the qualifying eligible names.
    """
    mask = np.asarray(eligible, dtype=bool)
    history = np.asarray(_need(inputs.history, "history", "inverse_volatility"), dtype=float)
    window = history[-(INVERSE_VOL_DAYS + 1) :]
    with np.errstate(invalid="ignore", divide="ignore"):
        returns = window[1:] / window[:-1] - 1.0
    full = np.isfinite(returns).sum(axis=0) >= INVERSE_VOL_DAYS
    sigma = np.full(mask.shape, np.nan)
    if full.any():
        sigma[full] = np.std(returns[:, full], axis=0, ddof=1)
    usable = mask & full & (sigma > 0)
    day = str(np.datetime64(inputs.date, "D"))
    for j in np.flatnonzero(mask & ~usable):
        why = (
            "no price change"
            if full[j]
            else f"fewer than {INVERSE_VOL_DAYS} daily returns of history"
        )
        inputs.notes.append(f"inverse_volatility: {inputs.tickers[j]} left out on {day} ({why})")
    out = np.zeros(mask.shape, dtype=np.float64)
    if usable.any():
        inverse = 1.0 / sigma[usable]
        out[usable] = inverse / inverse.sum()
    return out


_SCHEMES: tuple[Scheme, ...] = (
    Scheme(
        "equal",
        _equal,
        frozenset(),
        {"en": "equal weight", "zh": "等权"},
        "1/n on each name that can be held",
    ),
    Scheme(
        "market_cap",
        _market_cap,
        frozenset({"market_caps"}),
        {"en": "market cap", "zh": "市值加权"},
        "shares outstanding x price (needs shares_outstanding fundamentals)",
    ),
    Scheme(
        "exposure",
        _exposure,
        frozenset({"exposure"}),
        {"en": "AI-exposure score", "zh": "AI 暴露度加权"},
        "proportional to the universe's AI-exposure score",
    ),
    Scheme(
        "theme_targets",
        _theme_targets,
        frozenset({"themes", "theme_targets"}),
        {"en": "theme targets", "zh": "主题目标权重"},
        "each theme's target weight split equally among its names",
    ),
    Scheme(
        "inverse_volatility",
        inverse_volatility,
        frozenset({"history"}),
        {"en": "inverse volatility", "zh": "波动率倒数加权"},
        f"proportional to 1/volatility of the last {INVERSE_VOL_DAYS} daily returns",
        history_days=INVERSE_VOL_DAYS,
    ),
)

SCHEMES: Mapping[str, Scheme] = {s.name: s for s in _SCHEMES}
"""Every weighting scheme by name, in display order."""


def scheme_names() -> tuple[str, ...]:
    """The allowed values of ``weighting.scheme``, in display order."""
    return tuple(SCHEMES)


def get_scheme(name: str) -> Scheme:
    """The registry entry of ``name``.

    Raises:
        SpecError: (field ``weighting.scheme``) an unknown name; lists the known ones.
    """
    try:
        return SCHEMES[name]
    except (KeyError, TypeError):
        raise SpecError(
            f"unknown weighting scheme {name!r}",
            field="weighting.scheme",
            hint="use one of: " + ", ".join(SCHEMES),
        ) from None


def scheme_help() -> str:
    """One line per scheme, ``name: summary``, for CLI help texts."""
    return "; ".join(f"{s.name}: {s.summary}" for s in SCHEMES.values())
