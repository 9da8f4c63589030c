"""The build summary: the figures on the report's summary cards and in the demo's printout.

Typed rows read by attribute (``summary.indexes[name].total_return``) by the report, the
demo and the dashboard. :meth:`BuildSummary.to_dict` gives the plain JSON shape
(``{"indexes": {name: {"key": ..., ...}}, ...}``) for files and tools. Every number is
copied from a library result (:meth:`IndexResult.metrics`, the Monte Carlo summary, the
claim checker, :func:`aithesis.kpi.growth`); returns and probabilities are decimals.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from aithesis.thesis.results import ClaimResult

__all__ = [
    "BenchmarkSummary",
    "BuildSummary",
    "ClaimFlag",
    "IndexSummary",
    "KpiLatest",
    "TargetSummary",
]


def _plain(value: Any) -> Any:
    """Tuples as lists, as the JSON record of a claim has them."""
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class IndexSummary:
    """One index's headline figures (decimals; ``end`` an ISO date).

    Attributes:
        key: the methodology file's stem; end: last date of the common window.
        total_return, annualised_return, max_drawdown, sharpe: from
            :meth:`IndexResult.metrics` against the first benchmark.
    """

    key: str
    total_return: float
    annualised_return: float
    end: str
    max_drawdown: float
    sharpe: float

    def to_dict(self) -> dict[str, Any]:
        """``{"key", "total_return", "annualised_return", "end", "max_drawdown", "sharpe"}``."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class BenchmarkSummary:
    """A benchmark's total return (decimal) from the common start to ``end`` (ISO)."""

    total_return: float
    end: str

    def to_dict(self) -> dict[str, Any]:
        """``{"total_return", "end"}``."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TargetSummary:
    """A model's Monte Carlo target: ``target`` text (``market_cap >= 5000``),
    ``probability`` of meeting it (decimal), ``draws``, and the output's ``unit``."""

    target: str
    probability: float | None
    draws: int
    unit: str

    def to_dict(self) -> dict[str, Any]:
        """``{"target", "probability", "draws", "unit"}``."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ClaimFlag:
    """A flagged claim: the checker's record (:data:`~aithesis.thesis.results.JSON_KEYS`)
    plus the note explaining it and its kind (``claim``, ``cross`` or ``record``).

    ``claimed`` / ``computed`` are numbers or ``(low, high)`` in ``unit``; ``rel_error``
    the largest relative gap (decimal). Build one with :meth:`from_result`: every field
    is copied from the :class:`~aithesis.thesis.results.ClaimResult` field of that name,
    so the two cannot drift apart.
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
    note: str
    kind: str

    @classmethod
    def from_result(cls, result: ClaimResult) -> ClaimFlag:
        """The flag of one checked claim: each field read from ``result`` by its name."""
        return cls(**{f.name: getattr(result, f.name) for f in dataclasses.fields(cls)})

    @classmethod
    def of(cls, result: ClaimResult) -> ClaimFlag:
        """Same as :meth:`from_result` (kept for callers of the earlier name)."""
        return cls.from_result(result)

    def to_dict(self) -> dict[str, Any]:
        """The claim's JSON record (``ClaimResult.to_dict()``) with ``note`` and ``kind``."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class KpiLatest:
    """The latest period of a KPI series: ``period`` (fiscal), ``value`` in ``unit``,
    ``qoq`` and ``yoy`` growth (decimals; None when not computable)."""

    period: str
    value: float
    unit: str
    qoq: float | None
    yoy: float | None

    def to_dict(self) -> dict[str, Any]:
        """``{"period", "value", "unit", "qoq", "yoy"}``."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class BuildSummary:
    """The figures of a project build shown on the summary cards and by ``aithesis demo``.

    Attributes:
        start: the common start date (ISO).
        indexes: index name -> :class:`IndexSummary`, in config order.
        benchmarks: ticker -> :class:`BenchmarkSummary`.
        targets: model name -> :class:`TargetSummary` (models with a target only).
        flagged: the flagged claims; claims_total: how many claims were checked.
        kpi_latest: ``entity/metric`` -> :class:`KpiLatest`.
        records_total: how many claims against the record were judged; records_then /
            records_since: ``{status: n}`` of their judgements as of the article date and
            of the latest data (every status of
            :data:`~aithesis.project.records.STATUSES` present, 0 when none).
    """

    start: str
    indexes: dict[str, IndexSummary] = field(default_factory=dict)
    benchmarks: dict[str, BenchmarkSummary] = field(default_factory=dict)
    targets: dict[str, TargetSummary] = field(default_factory=dict)
    flagged: tuple[ClaimFlag, ...] = ()
    claims_total: int = 0
    kpi_latest: dict[str, KpiLatest] = field(default_factory=dict)
    records_total: int = 0
    records_then: dict[str, int] = field(default_factory=dict)
    records_since: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The plain JSON shape: ``{"start", "indexes": {name: {...}}, "benchmarks",
        "targets", "flagged": [{...}], "claims_total", "kpi_latest", "records_total",
        "records_then": {status: n}, "records_since": {status: n}}``."""
        return {
            "start": self.start,
            "indexes": {k: v.to_dict() for k, v in self.indexes.items()},
            "benchmarks": {k: v.to_dict() for k, v in self.benchmarks.items()},
            "targets": {k: v.to_dict() for k, v in self.targets.items()},
            "flagged": [c.to_dict() for c in self.flagged],
            "claims_total": self.claims_total,
            "kpi_latest": {k: v.to_dict() for k, v in self.kpi_latest.items()},
            "records_total": self.records_total,
            "records_then": dict(self.records_then),
            "records_since": dict(self.records_since),
        }
