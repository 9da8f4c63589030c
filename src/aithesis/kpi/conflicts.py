"""Facts that disagree: one reported figure from two sources with different values.

The store keeps every source's version of a fact; readers then keep *one* fact per
(entity, metric, fiscal_period) by a fixed rule (:data:`RULE`):

1. kind: ``actual`` before ``derived`` (:data:`aithesis.kpi.growth.KIND_PREFERENCE`);
2. the newest ``as_of`` (the later publication wins);
3. on a tie, the source name that sorts first (A-Z), so the choice never depends on
   the order rows were written.

This is what :meth:`Store.fundamentals` (``latest_only``) and
:func:`aithesis.kpi.growth.pick_one_per_period` do together. The rule is never applied
silently when sources disagree: :func:`source_conflicts` lists every (entity, metric,
period) whose other sources state a different value (compared in one unit; a value in
another currency always counts as different), and the CLI prints each as a
``warning:`` line naming both sources, both values and the rule. A restatement by the
*same* source (a later ``as_of``) is not a conflict. Estimates and guidance are not
compared (analysts disagree by design; see :mod:`aithesis.kpi.gaps`).

Pure functions over DataFrames; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from aithesis import numfmt
from aithesis.kpi.groups import Group
from aithesis.kpi.growth import KIND_PREFERENCE
from aithesis.kpi.units import conversion_factor

__all__ = ["REPORTED_KINDS", "RULE", "SourceConflict", "Version", "source_conflicts"]

REPORTED_KINDS: tuple[str, ...] = ("actual", "derived")
RULE = "actual before derived, then the newest as_of, then the source name A-Z"
_REL_TOL = 1e-9


@dataclass(frozen=True)
class Version:
    """One source's newest version of a fact (value in its stated unit)."""

    source: str
    value: float
    unit: str
    kind: str
    as_of: str

    def describe(self) -> str:
        """``246.12 RMB_100M from '003.txt' (actual, as_of 2025-06-13)``."""
        source = self.source if len(self.source) <= 60 else self.source[:60] + "..."
        value = numfmt.number(self.value, 6)  # grouped, never 1.5e+10
        return f"{value} {self.unit} from {source!r} ({self.kind}, as_of {self.as_of})"


@dataclass(frozen=True)
class SourceConflict:
    """A fact whose sources disagree: the version kept and the ones it overruled."""

    entity: str
    metric: str
    fiscal_period: str
    kept: Version
    overruled: tuple[Version, ...]

    def message(self) -> str:
        """One line: the fact, both sources and values, and the rule that chose."""
        others = "; ".join(v.describe() for v in self.overruled)
        return (
            f"{self.entity} {self.metric} {self.fiscal_period}: sources disagree; kept "
            f"{self.kept.describe()} over {others} (rule: {RULE})"
        )


def _same(a: Version, b: Version) -> bool:
    try:
        other = b.value * conversion_factor(b.unit, a.unit)
    except (KeyError, ValueError):  # another dimension or currency: not the same figure
        return False
    return math.isclose(a.value, other, rel_tol=_REL_TOL, abs_tol=0.0)


def _as_of(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "?"
    return pd.Timestamp(value).date().isoformat()


def _ordered(part: pd.DataFrame) -> pd.DataFrame:
    rank = {k: i for i, k in enumerate(KIND_PREFERENCE)}
    work = part.assign(
        _rank=part["kind"].map(rank).fillna(len(rank)),
        _asof=pd.to_datetime(part["as_of"]),
        _source=part["source"].astype(str),
    )
    return work.sort_values(
        ["_rank", "_asof", "_source"], ascending=[True, False, True], kind="stable"
    )


def source_conflicts(
    facts: pd.DataFrame,
    *,
    group: Group | None = None,
    kinds: tuple[str, ...] = REPORTED_KINDS,
) -> list[SourceConflict]:
    """Every reported fact whose sources state different values, with the one kept.

    Args:
        facts: fundamentals rows, *all versions* (``Store.fundamentals(latest_only=False)``
            or ``aithesis.kpi.facts(..., latest_only=False)``).
        group: when given, only the group's members are looked at and a member's facts
            are matched by member (entity slug or ticker), as aggregation matches them.
        kinds: the kinds compared (default reported: actual, derived).

    Returns:
        One :class:`SourceConflict` per (entity or member, metric, fiscal_period) with at
        least two sources that disagree, sorted by entity, metric and period.

    >>> rows = pd.DataFrame({"entity": ["a", "a"], "metric": ["capex"] * 2,
    ...     "fiscal_period": ["2025Q1"] * 2, "value": [10.0, 11.0], "unit": ["USD_M"] * 2,
    ...     "kind": ["actual"] * 2, "source": ["x", "y"], "as_of": ["2025-05-01"] * 2})
    >>> [c.kept.source for c in source_conflicts(rows)]
    ['x']
    """
    if facts.empty:
        return []
    rows = facts[facts["kind"].isin(kinds)]
    if group is not None:
        members = [
            group.member_of(e, t)
            for e, t in zip(rows["entity"], rows.get("ticker", [None] * len(rows)), strict=True)
        ]
        rows = rows.assign(entity=members)
        rows = rows[rows["entity"].notna()]
    found: list[SourceConflict] = []
    for (entity, metric, period), part in rows.groupby(
        ["entity", "metric", "fiscal_period"], sort=True
    ):
        if part["source"].nunique() < 2:
            continue
        newest = _ordered(part).drop_duplicates(["_source", "kind"], keep="first")
        versions = [
            Version(str(r.source), float(r.value), str(r.unit), str(r.kind), _as_of(r.as_of))
            for r in newest.itertuples(index=False)
        ]
        kept, seen, overruled = versions[0], {versions[0].source}, []
        for version in versions[1:]:
            if version.source not in seen and not _same(kept, version):
                overruled.append(version)
            seen.add(version.source)
        if overruled:
            found.append(
                SourceConflict(str(entity), str(metric), str(period), kept, tuple(overruled))
            )
    return found
