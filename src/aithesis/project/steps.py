"""The steps of a project build; each calls the library and packs the results.

No arithmetic of its own lives here beyond picking which library results to keep: index
metrics come from :class:`~aithesis.index.result.IndexResult`, model numbers from
:class:`~aithesis.thesis.model.ThesisModel`, KPI growth from :mod:`aithesis.kpi`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aithesis.data.store import Store
from aithesis.errors import AithesisError, SpecError
from aithesis.index.api import build_benchmark, build_index, exposure_test, load_methodology
from aithesis.index.coverage import data_end_warning
from aithesis.project.config import Project, ProjectConfig
from aithesis.project.records import RecordClaim, status_counts
from aithesis.project.results import (
    IndexSection,
    KpiSection,
    ModelSection,
    MonteCarloSummary,
)
from aithesis.project.summary import (
    BenchmarkSummary,
    BuildSummary,
    ClaimFlag,
    IndexSummary,
    KpiLatest,
    TargetSummary,
)
from aithesis.thesis.api import check_all, load_model
from aithesis.thesis.results import ClaimReport

__all__ = ["build_indexes", "build_kpi", "build_models", "run_exposure", "summary_numbers"]

ProgressFn = Callable[[str, int, int], None]


def _in_project(project: Project, exc: AithesisError, field: str) -> AithesisError:
    """Prefix a library error with the project key that led to it."""
    return type(exc)(str(exc), file=project.config_file, row=project.line.get(field), field=field)


def _last_stored(store: Store, ticker: str, end: Any) -> np.datetime64:
    dates = store.prices([ticker], end=end)["date"]
    return np.datetime64(dates.max().date()) if len(dates) else np.datetime64("NaT")


def build_indexes(
    project: Project, store: Store, progress: ProgressFn
) -> tuple[list[IndexSection], dict[str, Any], pd.DataFrame, list[str]]:
    """Every methodology and benchmark over one common window; metrics side by side.

    All series start at the project's ``start`` and end on the latest date they all have
    (at most ``end``): comparing an index to 2026-05 with a benchmark to 2026-07 would
    compare different windows. A methodology's ``on_data_end`` is judged on that common
    window; every constituent whose data end before it is a note ("sold at its last
    close"). Returns ``(sections, benchmarks, comparison, notes)``.
    """
    cfg = project.config
    total = len(cfg.indexes) + len(cfg.benchmarks)
    progress("indexes", 0, total)
    built: list[tuple[int, Any, Path, Any]] = []
    seen: dict[str, int] = {}
    for i, relative in enumerate(cfg.indexes):
        path = project.require(relative, f"indexes[{i}]")
        try:
            methodology = load_methodology(path)
            # on_data_end: error is judged on the common window below, not on this pass
            result = build_index(
                methodology.model_copy(update={"on_data_end": "sell"}),
                store,
                start=cfg.start,
                end=cfg.end,
            )
        except AithesisError as exc:
            raise _in_project(project, exc, f"indexes[{i}]") from None
        if result.name in seen or result.name in cfg.benchmarks:
            other = f"indexes[{seen[result.name]}]" if result.name in seen else "a benchmark"
            raise SpecError(
                f"index name {result.name!r} is used by {other} too",
                file=project.config_file,
                row=project.line.get(f"indexes[{i}]"),
                field=f"indexes[{i}]",
                hint=f"give {relative} its own 'name:'",
            )
        seen[result.name] = i
        built.append((i, methodology, path, result))
        progress("indexes", len(built), total)
    ends = {r.name: r.dates[-1].astype("datetime64[D]") for _, _, _, r in built}
    for i, ticker in enumerate(cfg.benchmarks):
        try:
            ends[ticker] = _last_stored(store, ticker, cfg.end)
        except AithesisError as exc:
            raise _in_project(project, exc, f"benchmarks[{i}]") from None
    known = [v for v in ends.values() if not np.isnat(v)]
    common = min(known) if known else None
    notes = []
    if common is not None and len(set(known)) > 1:
        later = ", ".join(f"{k} ({v})" for k, v in ends.items() if v > common)
        notes.append(
            f"series end on different dates; every comparison stops at the common "
            f"last date {common} (later data cut: {later})"
        )
    end = None if common is None else str(common)
    benchmarks = {}
    for i, ticker in enumerate(cfg.benchmarks):
        try:
            benchmarks[ticker] = build_benchmark(ticker, store, cfg.start, end)
        except AithesisError as exc:
            raise _in_project(project, exc, f"benchmarks[{i}]") from None
        progress("indexes", len(built) + i + 1, total)
    reference = benchmarks[cfg.benchmarks[0]] if cfg.benchmarks else None
    sections = []
    for i, methodology, path, result in built:
        if (common is not None and result.dates[-1] > common) or methodology.on_data_end != "sell":
            try:
                result = build_index(methodology, store, start=cfg.start, end=end)
            except AithesisError as exc:
                raise _in_project(project, exc, f"indexes[{i}]") from None
        notes.extend(f"{result.name}: {data_end_warning(e)}" for e in result.data_ends())
        lorenz, gini, top_shares = result.concentration((0.1, 0.2, 0.5))
        sections.append(
            IndexSection(
                key=path.stem,
                name=result.name,
                result=result,
                metrics=result.metrics(benchmark=reference, rf=cfg.risk_free),
                by_stock=result.contributions("stock"),
                by_theme=result.contributions("theme"),
                calendar=result.calendar_years(),
                lorenz=lorenz,
                gini=gini,
                top_shares=top_shares,
                methodology_yaml=path.read_text(encoding="utf-8"),
                file=str(path),
                name_zh=result.methodology.name_zh if result.methodology else None,
                coverage=result.coverage(),
            )
        )
    columns = {s.name: s.metrics for s in sections}
    for ticker, bench in benchmarks.items():
        columns[ticker] = bench.metrics(benchmark=reference, rf=cfg.risk_free)
    return sections, benchmarks, pd.DataFrame(columns), notes


def run_exposure(project: Project, store: Store, progress: ProgressFn) -> Any:
    """Article 002's exposure-bucket test (None when the project turns it off)."""
    spec = project.config.exposure_test
    if spec is None:
        progress("exposure", 1, 1)
        return None
    progress("exposure", 0, 1)
    try:
        study = exposure_test(
            store, tuple(spec.edges), project.config.start, project.config.end, markets=spec.markets
        )
    except AithesisError as exc:
        raise _in_project(project, exc, "exposure_test") from None
    progress("exposure", 1, 1)
    return study


def _tree(model: Any, base: Any) -> list[dict[str, Any]]:
    rows = []
    for name in [*model.drivers, *model.formulas]:
        driver = model.spec.drivers.get(name)
        formula = model.spec.formulas.get(name)
        inputs = sorted(model.graph.inputs(name))
        rows.append(
            {
                "name": name,
                "kind": "driver" if driver is not None else "formula",
                "value": base.values[name],
                "unit": base.units[name],
                "title": getattr(driver or formula, "title", None),
                "title_zh": getattr(driver or formula, "title_zh", None),
                "expr": getattr(formula, "expr", None),
                "low": getattr(driver, "low", None),
                "high": getattr(driver, "high", None),
                "inputs": inputs,
            }
        )
    return rows


def build_models(project: Project, progress: ProgressFn) -> tuple[list[ModelSection], ClaimReport]:
    """Every model: base, scenarios, tornado, Monte Carlo (with target), claims."""
    cfg = project.config
    mc = cfg.monte_carlo
    total = len(cfg.models) + 1
    progress("models", 0, total)
    sections, paths = [], []
    for i, entry in enumerate(cfg.models):
        field = f"models[{i}].file"
        path = project.require(entry.file, field)
        paths.append(path)
        model = load_model(path)
        base = model.evaluate()
        scenarios = {name: model.evaluate(scenario=name) for name in model.spec.scenarios}
        ranged = any(d.low is not None for d in model.spec.drivers.values())
        tornado = model.tornado() if ranged else None
        summary = None
        if ranged:
            try:
                result = model.monte_carlo(mc.draws, seed=mc.seed, target=entry.target)
            except AithesisError as exc:
                raise SpecError(
                    f"Monte Carlo of {entry.file} failed: {exc.message}",
                    file=project.config_file,
                    row=project.line.get(field),
                    field=f"models[{i}].target",
                    hint=exc.hint,
                ) from None
            summary = MonteCarloSummary.of(result)
        sections.append(
            ModelSection(
                key=path.stem,
                name=model.name,
                title=model.title,
                title_zh=getattr(model.spec, "title_zh", None),
                source=getattr(model.spec, "source", None),
                description=getattr(model.spec, "description", None),
                description_zh=getattr(model.spec, "description_zh", None),
                claim_texts_zh={c.id: c.text_zh for c in model.spec.claims if c.text_zh},
                output=model.output,
                base=base,
                scenarios=scenarios,
                tornado=tornado,
                monte_carlo=summary,
                claims=model.check_claims(cross=True),
                tree=_tree(model, base),
                model_yaml=Path(path).read_text(encoding="utf-8"),
                file=str(path),
            )
        )
        progress("models", i + 1, total)
    claims = check_all([str(p) for p in paths], cross=True) if paths else ClaimReport(())
    progress("models", total, total)
    return sections, claims


def build_kpi(project: Project, store: Store, progress: ProgressFn) -> KpiSection:
    """Growth tables, group aggregates, expectation gaps and events from stored facts."""
    from aithesis import kpi

    spec = project.config.kpi
    groups_file = project.require(spec.groups_file, "kpi.groups_file") if spec.groups_file else None
    total = len(spec.growth) + len(spec.groups) + 1
    progress("kpi", 0, total)
    growth: dict[str, pd.DataFrame] = {}
    for i, series in enumerate(spec.growth):
        try:
            growth[f"{series.entity}/{series.metric}"] = kpi.growth(
                store, entity=series.entity, metric=series.metric, unit=series.unit
            )
        except AithesisError as exc:
            raise _in_project(project, exc, f"kpi.growth[{i}]") from None
        progress("kpi", i + 1, total)
    aggregates: dict[str, pd.DataFrame] = {}
    for i, group in enumerate(spec.groups):
        try:
            aggregates[f"{group.group}/{group.metric}"] = kpi.aggregate(
                store,
                group=group.group,
                metric=group.metric,
                allow_partial=True,
                groups_file=groups_file,
            )
        except AithesisError as exc:
            raise _in_project(project, exc, f"kpi.groups[{i}]") from None
        progress("kpi", len(spec.growth) + i + 1, total)
    gaps = kpi.gaps(store)
    progress("kpi", total, total)
    return KpiSection(
        growth=growth, aggregates=aggregates, gaps=gaps, events=kpi.events(), facts=kpi.facts(store)
    )


def summary_numbers(
    cfg: ProjectConfig,
    indexes: list[IndexSection],
    benchmarks: dict[str, Any],
    models: list[ModelSection],
    claims: ClaimReport,
    kpi: KpiSection,
    records: tuple[RecordClaim, ...] = (),
) -> BuildSummary:
    """The figures on the report's summary cards and in the demo's printout.

    Returns:
        :class:`~aithesis.project.summary.BuildSummary`: per index its total and
        annualised return, maximum drawdown, Sharpe and end date; per benchmark its
        total return; per model with a target P(target) and the draws; the flagged
        claims and how many were checked; the latest period of each KPI series; how
        many claims against the record were judged and their statuses then and since.
        Returns in decimal.
    """
    latest = {}
    for key, table in kpi.growth.items():
        if len(table):
            row = _latest_quarter(table)
            latest[key] = KpiLatest(
                period=row["fiscal_period"],
                value=float(row["value"]),
                unit=row["unit"],
                qoq=_num(row.get("qoq")),
                yoy=_num(row.get("yoy")),
            )
    return BuildSummary(
        start=str(cfg.start),
        indexes={
            s.name: IndexSummary(
                key=s.key,
                total_return=s.metrics["total_return"],
                annualised_return=s.metrics["annualised_return"],
                end=s.metrics["end"],
                max_drawdown=s.metrics["max_drawdown"],
                sharpe=s.metrics["sharpe"],
            )
            for s in indexes
        },
        benchmarks={
            t: BenchmarkSummary(
                total_return=b.total_return, end=str(b.dates[-1].astype("datetime64[D]"))
            )
            for t, b in benchmarks.items()
        },
        targets={
            m.name: TargetSummary(
                target=" ".join(str(x) for x in m.monte_carlo.target),
                probability=m.monte_carlo.probability,
                draws=m.monte_carlo.n,
                unit=m.monte_carlo.unit,
            )
            for m in models
            if m.monte_carlo is not None and m.monte_carlo.target is not None
        },
        flagged=tuple(ClaimFlag.from_result(r) for r in claims.flagged),
        claims_total=len(claims),
        kpi_latest=latest,
        records_total=len(records),
        records_then=status_counts(records, "then"),
        records_since=status_counts(records, "since"),
    )


def _latest_quarter(table: pd.DataFrame) -> pd.Series:
    """The growth table's last quarter row (QoQ exists only for quarters), else its last
    row: a table lists quarters in order, then half-years and years."""
    from aithesis.kpi.periods import parse_period

    quarters = [i for i, p in enumerate(table["fiscal_period"]) if parse_period(p).freq == "Q"]
    return table.iloc[quarters[-1] if quarters else -1]


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
