"""What a project build produces: plain, picklable records the report and dashboard read.

Every number here comes from a library call that a unit test checks (index engine,
analytics, thesis models, KPI growth); nothing is computed for display only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from aithesis.articles.results import CoverageResult
from aithesis.index.result import IndexResult
from aithesis.project.records import RecordClaim
from aithesis.project.summary import BuildSummary
from aithesis.thesis.results import ClaimReport, Evaluation, MonteCarloResult, TornadoResult

__all__ = [
    "IndexSection",
    "KpiSection",
    "ModelSection",
    "MonteCarloSummary",
    "ProjectResults",
]


@dataclass(frozen=True)
class IndexSection:
    """One built index with its analytics.

    Attributes:
        key: the methodology file's stem (``agix``); name: its ``name:`` (and
            ``name_zh:``, for reports in Chinese).
        result: the :class:`IndexResult` (levels, weights, ...).
        metrics: :meth:`IndexResult.metrics` against the first benchmark.
        by_stock / by_theme: contributions to the total return (decimal; they sum to it).
        calendar: calendar-year returns (decimal).
        lorenz: ``(x, y)`` Lorenz curve of the stocks' gains; gini: its Gini coefficient.
        top_shares: share of the total gain made by the top fraction of names.
        methodology_yaml: the methodology file's text (report appendix).
        file: the methodology file.
        coverage: :meth:`IndexResult.coverage` (per constituent: first/last date with a
            price, days with and without one, whether its data end early).
    """

    key: str
    name: str
    result: IndexResult
    metrics: dict[str, Any]
    by_stock: pd.Series
    by_theme: pd.Series
    calendar: pd.Series
    lorenz: tuple[np.ndarray, np.ndarray]
    gini: float
    top_shares: dict[float, float]
    methodology_yaml: str
    file: str
    name_zh: str | None = None
    coverage: pd.DataFrame | None = None


@dataclass(frozen=True)
class MonteCarloSummary:
    """A Monte Carlo run kept small: percentiles, histogram, P(target), variance shares."""

    output: str
    unit: str
    n: int
    seed: int | None
    mean: float
    std: float
    percentiles: dict[str, float]
    counts: np.ndarray
    edges: np.ndarray
    target: tuple[str, str, float] | None
    probability: float | None
    contribution: pd.DataFrame

    @classmethod
    def of(cls, mc: MonteCarloResult, bins: int = 60) -> MonteCarloSummary:
        """Summarise a full :class:`MonteCarloResult`."""
        counts, edges = mc.histogram(bins=bins)
        return cls(
            output=mc.output,
            unit=mc.unit,
            n=mc.n,
            seed=mc.seed,
            mean=mc.mean,
            std=mc.std,
            percentiles=mc.percentiles(),
            counts=counts,
            edges=edges,
            target=mc.target,
            probability=mc.probability,
            contribution=mc.contribution() if mc.uncertain else pd.DataFrame(),
        )


@dataclass(frozen=True)
class ModelSection:
    """One thesis model: base case, scenarios, tornado, Monte Carlo and claim checks.

    Attributes:
        tree: one dict per node, in evaluation order: ``name, kind (driver|formula),
            value, unit, title, title_zh, expr, low, high, inputs`` (names the formula uses).
        description_zh: the model's description in Chinese (None: not translated).
        claim_texts_zh: claim id -> the claim's text in Chinese (``text_zh`` of the spec).
    """

    key: str
    name: str
    title: str
    title_zh: str | None
    source: str | None
    description: str | None
    output: str
    base: Evaluation
    scenarios: dict[str, Evaluation]
    tornado: TornadoResult | None
    monte_carlo: MonteCarloSummary | None
    claims: ClaimReport
    tree: list[dict[str, Any]]
    model_yaml: str
    file: str
    description_zh: str | None = None
    claim_texts_zh: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KpiSection:
    """KPI analysis: growth tables, group aggregates, expectation gaps, events."""

    growth: dict[str, pd.DataFrame]
    aggregates: dict[str, pd.DataFrame]
    gaps: pd.DataFrame
    events: pd.DataFrame
    facts: pd.DataFrame


@dataclass(frozen=True)
class ProjectResults:
    """Everything ``aithesis build`` computes for a project.

    Attributes:
        name, title_zh, languages: from ``aithesis.yaml``.
        indexes: built indexes in config order; benchmarks: ticker -> one-stock index
            from the common start date (total return); comparison: metric x name table.
        exposure: the exposure-bucket study (or None).
        models: thesis models in config order; claims: every claim of every model plus
            cross-model checks.
        kpi: KPI section; provenance: the store's series info (source, dates, warnings).
        summary: the numbers on the report's summary cards and in the demo
            (:class:`~aithesis.project.summary.BuildSummary`, read by attribute).
        input_hash: hash of every input; built_at; seconds: build time.
        risk_free: the annual risk-free rate (decimal) the metrics used (``risk_free:``
            of ``aithesis.yaml``), for the report's rolling Sharpe ratio.
        records: the claims against the record, judged then and since
            (:class:`~aithesis.project.records.RecordClaim`, in model order).
        coverage: which statements of the project's articles its models and KPI facts
            use (:class:`~aithesis.articles.results.CoverageResult`; None when an
            article could not be found, with a warning saying which).
    """

    name: str
    title_zh: str | None
    languages: list[str]
    start: str
    indexes: list[IndexSection]
    benchmarks: dict[str, IndexResult]
    comparison: pd.DataFrame
    exposure: Any
    models: list[ModelSection]
    claims: ClaimReport
    kpi: KpiSection
    provenance: pd.DataFrame
    summary: BuildSummary
    input_hash: str
    built_at: datetime
    seconds: float
    warnings: list[str] = field(default_factory=list)
    risk_free: float = 0.0
    records: tuple[RecordClaim, ...] = ()
    coverage: CoverageResult | None = None

    def model(self, name: str) -> ModelSection:
        """The section of the model called ``name`` (or with that file key)."""
        for section in self.models:
            if name in (section.name, section.key):
                return section
        raise KeyError(name)

    def index(self, key: str) -> IndexSection:
        """The section of the index with that key or name."""
        for section in self.indexes:
            if key in (section.key, section.name):
                return section
        raise KeyError(key)
