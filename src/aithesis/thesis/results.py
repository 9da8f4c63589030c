"""Result objects of thesis models: frozen dataclasses with ``to_frame`` and HTML repr.

Every number a shell shows comes from one of these. Values are in the unit named next to
them (``unit`` / ``units``); ranges are ``(low, high)`` tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "UNDETERMINED",
    "ClaimReport",
    "ClaimResult",
    "Evaluation",
    "GridResult",
    "MonteCarloResult",
    "SolveResult",
    "TornadoResult",
]

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)


class _Frame:
    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.to_frame().to_html()


@dataclass(frozen=True)
class Evaluation(_Frame):
    """Every driver and formula of a model at one point (base, scenario, overrides)."""

    model: str
    output: str
    values: Mapping[str, float]
    units: Mapping[str, str]
    kinds: Mapping[str, str]
    scenario: str | None = None

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    @property
    def value(self) -> float:
        """The model's output value."""
        return self.values[self.output]

    def to_frame(self) -> pd.DataFrame:
        """One row per name: kind (driver/formula), value, unit."""
        return pd.DataFrame(
            {
                "name": list(self.values),
                "kind": [self.kinds[n] for n in self.values],
                "value": list(self.values.values()),
                "unit": [self.units[n] for n in self.values],
            }
        )


@dataclass(frozen=True)
class TornadoResult(_Frame):
    """One-at-a-time sensitivity: each driver at its low and high, ranked by swing."""

    model: str
    output: str
    unit: str
    base: float
    drivers: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    out_low: np.ndarray
    out_high: np.ndarray

    @property
    def swing(self) -> np.ndarray:
        """``|out_high - out_low|`` per driver (same order as ``drivers``)."""
        return np.abs(self.out_high - self.out_low)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "driver": self.drivers,
                "low": self.low,
                "high": self.high,
                "output_at_low": self.out_low,
                "output_at_high": self.out_high,
                "swing": self.swing,
            }
        )


@dataclass(frozen=True)
class GridResult(_Frame):
    """Two-way table: ``values[i, j]`` is the output at ``x = xs[i]``, ``y = ys[j]``."""

    model: str
    output: str
    unit: str
    x: str
    y: str
    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.values, index=self.xs, columns=self.ys)
        frame.index.name, frame.columns.name = self.x, self.y
        return frame


@dataclass(frozen=True)
class MonteCarloResult(_Frame):
    """Draws of every driver and formula; summaries of the output.

    ``samples[name]`` is a float64 array of length ``n`` (fixed drivers broadcast). For
    runs beyond two million draws (:mod:`aithesis.thesis.chunked`) it is an evenly spaced
    subsample of at most a million of the ``n`` draws, and ``moments`` holds the exact
    ``(mean, std)`` of every name over all ``n`` draws; ``probability`` is exact either
    way. Percentiles, the histogram and contributions then come from the subsample.
    """

    model: str
    output: str
    unit: str
    n: int
    seed: int | None
    samples: Mapping[str, np.ndarray]
    units: Mapping[str, str]
    uncertain: tuple[str, ...]
    target: tuple[str, str, float] | None = None
    probability: float | None = None
    scenario: str | None = None
    moments: Mapping[str, tuple[float, float]] | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def subsampled(self) -> bool:
        """True when ``samples`` holds a subsample of the draws (a chunked run)."""
        return self.moments is not None

    def values(self, name: str | None = None) -> np.ndarray:
        """The draws of ``name`` (default the output); a subsample in a chunked run."""
        return self.samples[name or self.output]

    def _mean(self, name: str) -> float:
        if self.moments is not None:
            return self.moments[name][0]
        return float(np.mean(self.samples[name]))

    def _std(self, name: str) -> float:
        if self.moments is not None:
            return self.moments[name][1]
        return float(np.std(self.samples[name], ddof=1)) if self.n > 1 else 0.0

    @property
    def mean(self) -> float:
        """Mean of the output over all ``n`` draws."""
        return self._mean(self.output)

    @property
    def std(self) -> float:
        """Sample standard deviation (``ddof=1``) of the output over all ``n`` draws."""
        return self._std(self.output)

    @property
    def standard_error(self) -> float:
        """Standard error of the output's mean (``std / sqrt(n)``)."""
        return self.std / np.sqrt(self.n)

    def percentiles(self, qs: tuple[float, ...] = PERCENTILES, name: str | None = None) -> dict:
        """Percentiles (0-100) of ``name`` (default output)."""
        values = np.percentile(self.values(name), qs)
        return {f"p{q:g}": float(v) for q, v in zip(qs, values, strict=True)}

    def histogram(self, bins: int = 50, name: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(counts, edges)`` of ``name`` (default output), as ``numpy.histogram``.

        In a chunked run the subsample's counts are scaled to ``n`` (floats), so that
        ``counts / n`` is still the share of draws per bin.
        """
        counts, edges = np.histogram(self.values(name), bins=bins)
        if self.subsampled:
            return counts * (self.n / len(self.values(name))), edges
        return counts, edges

    def contribution(self, name: str | None = None) -> pd.DataFrame:
        """Approximate contribution to variance of each uncertain driver.

        Squared correlation of each driver's draws with the output, normalised to sum to 1
        (a first-order, linear variance decomposition: exact for an output that is a
        linear sum of independent drivers, approximate otherwise). The Spearman rank
        correlation is reported next to it for monotone but non-linear trees.
        """
        target = self.values(name)
        rows = []
        for driver in self.uncertain:
            x = self.samples[driver]
            if np.ptp(x) == 0 or np.ptp(target) == 0:  # no variation: no share of variance
                rows.append((driver, 0.0, 0.0))
                continue
            rows.append(
                (
                    driver,
                    float(np.corrcoef(x, target)[0, 1]),
                    float(stats.spearmanr(x, target).statistic),
                )
            )
        frame = pd.DataFrame(rows, columns=["driver", "correlation", "rank_correlation"])
        squared = frame["correlation"] ** 2
        total = float(squared.sum())
        frame["contribution"] = squared / total if total > 0 else 0.0
        return frame.sort_values("contribution", ascending=False, ignore_index=True)

    def to_frame(self) -> pd.DataFrame:
        """Mean, std and percentiles of every formula and uncertain driver."""
        rows = []
        for name, values in self.samples.items():
            if name not in self.uncertain and np.ptp(values) == 0:
                continue
            pct = self.percentiles(name=name)
            rows.append(
                {
                    "name": name,
                    "unit": self.units[name],
                    "mean": self._mean(name),
                    "std": self._std(name),
                    **pct,
                }
            )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class SolveResult(_Frame):
    """Reverse valuation: the driver value that makes ``output`` equal ``target``."""

    model: str
    driver: str
    value: float
    unit: str
    output: str
    target: float
    output_unit: str
    achieved: float
    base_value: float
    bracket: tuple[float, float]
    iterations: int
    warning: str = ""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    k: getattr(self, k)
                    for k in (
                        "driver",
                        "value",
                        "unit",
                        "base_value",
                        "output",
                        "target",
                        "achieved",
                        "output_unit",
                        "warning",
                    )
                }
            ]
        )


UNDETERMINED = "undetermined"
"""Status of a claim whose computed value is NaN or infinite: neither ok nor flagged."""


def _json_number(value: Any) -> Any:
    """``None`` for NaN/inf (JSON has no such numbers); tuples become lists."""
    if isinstance(value, tuple | list):
        return [_json_number(v) for v in value]
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    return value


JSON_KEYS = (
    "model",
    "claim_id",
    "text",
    "source",
    "claimed",
    "computed",
    "unit",
    "rel_error",
    "status",
)


RECORD_KEYS = (
    "status_then",
    "status_since",
    "computed_then",
    "computed_since",
    "as_of_then",
    "as_of_since",
    "note",
)


@dataclass(frozen=True)
class Reconciling:
    """A driver value that would make a flagged claim hold: ``values`` (one per claimed
    figure, low to high) against the model's ``base``, both in ``unit``."""

    driver: str
    values: tuple[float, ...]
    base: float
    unit: str


@dataclass(frozen=True)
class ClaimResult:
    """One checked claim (``kind='claim'``) or a cross-claim comparison (``'cross'``).

    ``claimed``/``computed`` are numbers or ``(low, high)`` in ``unit``; ``rel_error`` is
    the largest relative gap (0 when the claim holds exactly; NaN when undetermined);
    ``status`` is ``ok``, ``flagged`` or ``undetermined`` (the computed value is NaN or
    infinite, so the claim can be neither confirmed nor refuted). ``note`` explains flags
    (e.g. the driver value that would reconcile).
    """

    model: str
    claim_id: str
    text: str
    source: str
    claimed: Any
    computed: Any
    unit: str
    rel_error: float
    status: str
    op: str = "="
    tol: float = 0.05
    quote: str = ""
    note: str = ""
    kind: str = "claim"
    status_then: str = ""
    status_since: str = ""
    computed_then: Any = None
    computed_since: Any = None
    as_of_then: str = ""
    as_of_since: str = ""
    reconciling: tuple[Reconciling, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON record (keys model, claim_id, text, source, claimed, ...).

        Numbers that are NaN or infinite become ``None`` (``null`` in JSON). A record
        claim (``kind == "record"``) adds ``kind`` and :data:`RECORD_KEYS`; its ``status``
        and ``computed`` are those of the latest data (``status_since``).
        """
        out = {k: _json_number(getattr(self, k)) for k in JSON_KEYS}
        if self.kind == "record":
            out["kind"] = "record"
            out.update({k: _json_number(getattr(self, k)) for k in RECORD_KEYS})
        return out


@dataclass(frozen=True)
class ClaimReport(_Frame):
    """All claim results of one or more models."""

    results: tuple[ClaimResult, ...]

    @property
    def flagged(self) -> tuple[ClaimResult, ...]:
        return tuple(r for r in self.results if r.status == "flagged")

    @property
    def undetermined(self) -> tuple[ClaimResult, ...]:
        """Claims whose computed value is NaN or infinite (neither ok nor flagged)."""
        return tuple(r for r in self.results if r.status == UNDETERMINED)

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def get(self, claim_id: str, model: str | None = None) -> ClaimResult:
        """The result with this claim id (and model)."""
        for r in self.results:
            if r.claim_id == claim_id and (model is None or r.model == model):
                return r
        raise KeyError(claim_id)

    def to_records(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.results]

    def to_frame(self) -> pd.DataFrame:
        rows = [{**r.to_dict(), "op": r.op, "note": r.note, "kind": r.kind} for r in self.results]
        return pd.DataFrame(rows, columns=[*JSON_KEYS, "op", "note", "kind"])
