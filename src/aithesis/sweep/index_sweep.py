"""Sweep an index methodology's rules: one index per combination, metrics side by side.

The store is read once, here: for each distinct set of inputs (names, currency, return
type, base date: usually one for the whole sweep) the prices are gathered with
:func:`aithesis.index.inputs.gather_inputs` and the benchmark is built once. Those arrays
are shipped to every worker once; each task then runs the pure index engine for a batch
of variants, exactly as :func:`aithesis.index.build_index` does (same schedule, same
weighting rules, same engine, same :meth:`IndexResult.metrics`), so a sweep row equals
``build_index(variant).metrics(benchmark)``.

A variant that cannot be built on the data (e.g. a cap below ``1/N`` on some rebalance
date) is kept as a row with its ``error`` and no metrics; it never stops the others.
Returns and ratios are decimals; Sharpe, volatility and tracking error are annualised
over 252 trading days; ``rf`` is 0.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aithesis import analytics as an
from aithesis.analytics.catalogue import sweep_metrics
from aithesis.errors import AithesisError, SpecError
from aithesis.index.api import build_benchmark, build_from_inputs, load_methodology
from aithesis.index.inputs import IndexInputs, gather_inputs
from aithesis.index.methodology import Methodology
from aithesis.index.result import IndexResult
from aithesis.index.schemes import get_scheme
from aithesis.sweep.cluster import Executor, ProgressCallback, plan_batches
from aithesis.sweep.grid import Grid
from aithesis.sweep.results import IndexSweepResult
from aithesis.sweep.selection import (
    deflated_sharpe_ratio,
    expected_max_sharpe,
    selection_warning,
)
from aithesis.sweep.variants import apply_point, describe_point, resolve_path

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store

__all__ = [
    "METRICS",
    "RELATIVE",
    "IndexSweepPlan",
    "build_variant",
    "plan_index_sweep",
]

METRICS: tuple[str, ...] = sweep_metrics(benchmark=False)
"""Absolute metrics of every variant (catalogue entries with ``sweep=True``)."""
RELATIVE: tuple[str, ...] = sweep_metrics(benchmark=True)
"""Metrics relative to the benchmark (catalogue entries with ``sweep`` and ``benchmark``)."""
_SHAPE = ("days", "skewness", "kurtosis")


@dataclass(frozen=True)
class _Group:
    """Inputs shared by the variants that read the same prices."""

    inputs: IndexInputs
    benchmark: pd.Series | None


@dataclass(frozen=True)
class _Payload:
    groups: dict[str, _Group]
    facts: pd.DataFrame | None
    variants: tuple[tuple[Methodology, str], ...]  # (methodology, group key) per point


def build_variant(m: Methodology, inputs: IndexInputs, facts: pd.DataFrame | None) -> IndexResult:
    """Build one variant on inputs gathered once (:func:`aithesis.index.api.build_from_inputs`).

    Args:
        m: the variant; inputs: from :func:`gather_inputs` for it; facts: the
            ``shares_outstanding`` fundamentals fetched once (None when unused).

    Raises:
        SpecError, DataError: the variant cannot be built on these data.
    """
    return build_from_inputs(m, inputs, facts)


def _row(m: Methodology, group: _Group, facts: Any) -> dict[str, Any]:
    result = build_variant(m, group.inputs, facts)
    metrics = result.metrics(benchmark=group.benchmark)
    names = METRICS + (RELATIVE if group.benchmark is not None else ())
    row: dict[str, Any] = {k: float(metrics[k]) for k in names}
    r = an.simple_returns(result.level_values)
    row["days"] = int(r.size)
    row["skewness"], row["kurtosis"] = _moments(r)
    row["_notes"] = result.warnings[len(group.inputs.warnings) :]
    return row


def _moments(r: np.ndarray) -> tuple[float, float]:
    """Skewness and (non-excess) kurtosis of returns, population moments (scipy's default
    ``bias=True``): ``m3 / m2**1.5`` and ``m4 / m2**2``; NaN with < 4 returns or no spread."""
    if r.size < 4:
        return math.nan, math.nan
    d = r - r.mean()
    m2 = float(np.mean(d * d))
    if m2 == 0.0:
        return math.nan, math.nan
    return float(np.mean(d**3)) / m2**1.5, float(np.mean(d**4)) / m2**2


def _batch(batch: range, p: _Payload) -> list[dict[str, Any]]:
    """One task: metrics (or the error) of each variant in ``batch``."""
    facts = p.facts
    out: list[dict[str, Any]] = []
    for i in batch:
        m, key = p.variants[i]
        try:
            out.append(_row(m, p.groups[key], facts) | {"error": None})
        except AithesisError as exc:
            out.append({"error": str(exc)})
    return out


def _inputs_key(m: Methodology) -> str:
    """Variants with the same key read the same inputs (the scheme decides which names
    must be in the universe and how much history is gathered)."""
    part = m.model_dump(include={"universe", "return_type", "currency", "base_date"})
    part["scheme"] = m.weighting.scheme
    return json.dumps(part, sort_keys=True, default=str)


def _selection(table: pd.DataFrame, rank_by: str) -> tuple[float | None, float | None, str]:
    ok = table[table["error"].isna() & table["sharpe"].notna()]
    k = len(ok)
    if k == 0:
        return None, None, selection_warning(len(table), 0, rank_by, None, None)
    per_period = ok["sharpe"].to_numpy() / math.sqrt(an.TRADING_DAYS)
    variance = float(np.var(per_period, ddof=1)) if k > 1 else 0.0
    best = ok.loc[ok["sharpe"].idxmax()]
    dsr = deflated_sharpe_ratio(
        float(best["sharpe"]) / math.sqrt(an.TRADING_DAYS),
        int(best["days"]),
        k,
        variance,
        float(best["skewness"]),
        float(best["kurtosis"]),
    )
    luck = expected_max_sharpe(k, variance) * math.sqrt(an.TRADING_DAYS)
    return dsr, luck, selection_warning(len(table), k, rank_by, dsr, luck)


@dataclass(frozen=True)
class IndexSweepPlan:
    """A validated index sweep with its inputs gathered (see :func:`plan_index_sweep`)."""

    name: str
    grid: Grid
    rank_by: str
    benchmark: str | None
    payload: _Payload = field(repr=False)

    def run(
        self,
        executor: Executor,
        progress: ProgressCallback | None = None,
        batch_size: int | None = None,
    ) -> IndexSweepResult:
        """Build every variant on ``executor`` and assemble the table (all or nothing).

        Raises:
            AithesisError: every variant failed (the first error is shown), or the
                cluster could not finish (no partial result is returned).
        """
        grid, p = self.grid, self.payload
        columns = [*METRICS, *(RELATIVE if self.benchmark else ()), *_SHAPE, "error"]
        batches = plan_batches(len(p.variants), batch_size)
        parts = executor.map(_batch, batches, p, [len(b) for b in batches], progress)
        rows = [row for part in parts for row in part]
        metrics = pd.DataFrame(rows, columns=columns)
        metrics["days"] = metrics["days"].astype("Int64")
        metrics["error"] = pd.Series([row.get("error") for row in rows], dtype=object)
        table = pd.concat([grid.frame(), metrics], axis=1)
        if metrics["error"].notna().all():
            raise AithesisError(
                f"all {len(table)} variants failed; the first: {metrics['error'].iloc[0]}",
                field="grid",
            )
        dsr, luck, note = _selection(table, self.rank_by)
        notes = [note]
        failed = table[table["error"].notna()]
        if len(failed):
            first = describe_point(failed.iloc[0][list(grid.names)].to_dict())
            notes.append(
                f"{len(failed)} of {len(table)} variants could not be built "
                f"(first: {first}: {failed['error'].iloc[0]})"
            )
        found = [w for g in p.groups.values() for w in g.inputs.warnings]
        found += [w for row in rows for w in row.get("_notes", ())]
        notes.extend(dict.fromkeys(found))
        return IndexSweepResult(
            name=self.name,
            params=grid.names,
            table=table,
            rank_by=self.rank_by,
            benchmark=self.benchmark,
            deflated_sharpe=dsr,
            luck_sharpe=luck,
            warnings=tuple(notes),
        )


def plan_index_sweep(
    methodology: Methodology | str,
    grid: Grid,
    store: Store,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    benchmark: str | None = "QQQ",
    rank_by: str = "sharpe",
) -> IndexSweepPlan:
    """Check every variant and gather the prices they need, once (nothing runs yet).

    Args:
        methodology: a built-in name, a YAML path or a :class:`Methodology`.
        grid: sweep parameters (paths of :mod:`aithesis.sweep.variants`) and values.
        store: an open store; read here only, never by the workers.
        start, end: base date override and last date, as for ``build_index``.
        benchmark: ticker for the relative metrics (None: no relative metrics).
        rank_by: metric for best/worst, in its catalogue direction (lowest volatility is best).

    Raises:
        SpecError: an unknown parameter or rank metric, an invalid variant (names it),
            or bad dates. UnknownTickerError, DataError: missing prices or benchmark.
    """
    base = load_methodology(methodology)
    paths = {name: resolve_path(name) for name in grid.names}
    allowed = METRICS + (RELATIVE if benchmark else ())
    if rank_by not in allowed:
        raise SpecError(
            f"cannot rank by {rank_by!r}", field="rank_by", hint="use one of: " + ", ".join(allowed)
        )
    variants: list[tuple[Methodology, str]] = []
    groups: dict[str, _Group] = {}
    for point in grid.points():
        where = describe_point(point)
        m = apply_point(base, {paths[k]: v for k, v in point.items()}, where)
        key = _inputs_key(m)
        if key not in groups:
            groups[key] = _gather(m, store, start, end, benchmark, where)
        variants.append((m, key))
    need_facts = any("market_caps" in get_scheme(m.weighting.scheme).needs for m, _ in variants)
    facts = store.fundamentals(metric="shares_outstanding") if need_facts else None
    payload = _Payload(groups=groups, facts=facts, variants=tuple(variants))
    return IndexSweepPlan(
        name=base.name, grid=grid, rank_by=rank_by, benchmark=benchmark, payload=payload
    )


def _gather(
    m: Methodology, store: Store, start: Any, end: Any, benchmark: str | None, where: str
) -> _Group:
    try:
        inputs = gather_inputs(m, store, start=start, end=end)
    except AithesisError as exc:
        raise type(exc)(
            f"variant {where}: {exc.message}",
            file=exc.file,
            row=exc.row,
            field=exc.field,
            hint=exc.hint,
        ) from None
    bench = None
    if benchmark:
        bench = build_benchmark(benchmark, store, start=str(inputs.dates[0]), end=end).levels
    return _Group(inputs=inputs, benchmark=bench)
