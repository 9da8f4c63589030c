"""Python API of the KPI tracker: load facts, pull filings, compute growth and aggregates.

Every function takes the store first: a :class:`~aithesis.data.store.Store`, a path to
one, or None for the default store (``$AITHESIS_STORE``). Results are pandas objects;
rates are simple decimals (``-0.225`` = -22.5%).

>>> from aithesis import kpi                                   # doctest: +SKIP
>>> kpi.load_article_facts(store)                              # doctest: +SKIP
>>> kpi.growth(store, entity="alibaba", metric="capex")        # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from aithesis.config import default_store_path
from aithesis.data.providers import FundamentalsQuery, Provider, get_provider
from aithesis.data.store import Store
from aithesis.errors import AithesisError, DataError
from aithesis.kpi.events import EVENTS, annotate
from aithesis.kpi.facts import article_facts_path, read_facts_csv, to_store_frame
from aithesis.kpi.gaps import expectation_gaps
from aithesis.kpi.groups import Group, aggregate_group, group_shares, load_groups, resolve_group
from aithesis.kpi.growth import growth_table, series_cagr
from aithesis.kpi.leadlag import cross_correlation, quarterly_returns
from aithesis.kpi.periods import parse_period, period_bounds
from aithesis.kpi.sec_import import read_sec_files

__all__ = [
    "PullReport",
    "aggregate",
    "cagr",
    "events",
    "facts",
    "gaps",
    "growth",
    "import_facts",
    "import_sec",
    "lead_lag",
    "load_article_facts",
    "pull",
    "shares",
]

StoreLike = Store | str | Path | None
REPORTED = ("actual", "derived")


@contextmanager
def _open(store: StoreLike, *, write: bool = False) -> Iterator[Store]:
    if isinstance(store, Store):
        yield store
        return
    path = Path(store) if store is not None else default_store_path()
    opened = Store(path, read_only=not write)
    try:
        yield opened
    finally:
        opened.close()


# ----------------------------------------------------------------------------- writes
def import_facts(
    store: StoreLike,
    path: str | Path,
    *,
    default_as_of: dt.date | None = None,
    replace_sources: bool = False,
) -> int:
    """Validate a facts CSV (see :mod:`aithesis.kpi.facts`) and write it in one transaction.

    With ``replace_sources`` the file is the whole truth for the sources it names: stored
    facts of those sources that the file no longer holds are dropped.

    Returns:
        Rows written.

    Raises:
        DataError: the file is invalid (naming file, row, column); nothing is written.
    """
    frame = read_facts_csv(path, default_as_of=default_as_of)
    with _open(store, write=True) as st:
        if not len(frame):
            return 0
        return st.write_fundamentals(to_store_frame(frame), replace_sources=replace_sources)


def load_article_facts(store: StoreLike) -> int:
    """Write the built-in article facts (FRAMEWORKS.md §3-§6 figures) into the store."""
    return import_facts(store, article_facts_path())


@dataclass
class PullReport:
    """What :func:`pull` wrote: rows per ticker, per failed ticker why, and per ticker the
    provider's warnings (metrics or periods missing, values refused)."""

    written: dict[str, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def pull(
    store: StoreLike,
    tickers: Sequence[str],
    *,
    provider: str | Provider = "sec",
    metrics: Sequence[str] | None = None,
    on_ticker: Callable[[str, str | None], None] | None = None,
) -> PullReport:
    """Fetch fundamentals per ticker and write each ticker in its own transaction.

    A failing ticker (unknown, HTTP error after retries, no usable concept) is recorded
    in :attr:`PullReport.failures` and the others go on; nothing of a failed ticker is
    written.

    Args:
        store: the store.
        tickers: symbols.
        provider: a fundamentals provider's registry name (``"sec"``, ``"akshare"``, see
            :func:`aithesis.data.providers.get_provider`) or a
            :class:`~aithesis.data.providers.Provider` giving fundamentals.
        metrics: subset of the provider's metrics (default: all it knows).
        on_ticker: called after each ticker with (ticker, error message or None).
    """
    source = get_provider(provider, kind="fundamentals") if isinstance(provider, str) else provider
    wanted = tuple(metrics) if metrics is not None else None
    report = PullReport()
    with _open(store, write=True) as st:
        for ticker in tickers:
            symbol = ticker.upper()
            try:
                batch = source.fetch_fundamentals(FundamentalsQuery(symbol, wanted))
                report.written[symbol] = st.write_fundamentals(batch.facts)
                if batch.warnings:
                    report.warnings[symbol] = list(batch.warnings)
                error = None
            except AithesisError as exc:
                report.failures[symbol] = error = str(exc)
            if on_ticker is not None:
                on_ticker(symbol, error)
    return report


def import_sec(
    store: StoreLike,
    path: str | Path,
    *,
    metrics: Sequence[str] | None = None,
    on_file: Callable[[str, str, int, int], None] | None = None,
) -> PullReport:
    """Import recorded SEC companyfacts payloads (a folder or ``companyfacts.zip``), all
    or nothing: every payload is read and checked as :func:`pull` would
    (:func:`aithesis.kpi.sec_import.read_sec_files`), then all are written in **one**
    transaction, so any failure leaves the store as it was.

    Args:
        on_file: called after each payload as ``(file, ticker, done, total)``.

    Returns:
        :class:`PullReport` (``written`` rows and ``warnings`` per ticker; ``failures``
        is always empty: a failure raises).

    Raises:
        ProviderError: see :func:`~aithesis.kpi.sec_import.read_sec_files`; nothing is
            written then.
    """
    read = read_sec_files(path, metrics=metrics, on_file=on_file)
    with _open(store, write=True) as st:
        st.write_fundamentals(read.facts)
    return PullReport(written=dict(read.rows), warnings=dict(read.warnings))


# ----------------------------------------------------------------------------- reads
def facts(
    store: StoreLike = None,
    *,
    entity: str | None = None,
    ticker: str | None = None,
    metric: str | None = None,
    kind: str | None = None,
    latest_only: bool = True,
) -> pd.DataFrame:
    """Stored facts, filtered (entity slugs are lower case, tickers upper case).

    Raises:
        DataError: ``kind`` is not one of actual, estimate, guidance, derived.
    """
    from aithesis.data.schema import FACT_KINDS

    if kind is not None and kind not in FACT_KINDS:
        raise DataError(
            f"unknown kind {kind!r}", field="kind", hint="use one of " + ", ".join(FACT_KINDS)
        )
    with _open(store) as st:
        frame = st.fundamentals(
            entity=entity.lower() if entity else None,
            ticker=ticker.upper() if ticker else None,
            metric=metric,
            latest_only=latest_only,
        )
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    return frame.reset_index(drop=True)


def _series(st: Store, entity: str, metric: str, kinds: Sequence[str] = REPORTED) -> pd.DataFrame:
    """The entity's (slug or ticker) facts of ``metric`` whose kind is in ``kinds``.

    Raises:
        DataError: none; the hint lists only entities that do have such facts, and an
            entity whose facts are all of other kinds (e.g. guidance only) is told so.
    """
    rows = st.fundamentals(entity=entity.lower(), metric=metric)
    if rows.empty:
        rows = st.fundamentals(ticker=entity.upper(), metric=metric)
    usable = rows[rows["kind"].isin(kinds)] if len(rows) else rows
    if not usable.empty:
        return usable
    known = st.fundamentals(metric=metric)
    known = known[known["kind"].isin(kinds)] if len(known) else known
    names = sorted(set(known["entity"])) if len(known) else []
    wanted = "/".join(kinds)
    if rows.empty:
        message = f"no {metric} facts for {entity!r}"
    else:
        held = ", ".join(
            f"{kind} {period}"
            for kind, period in sorted(set(zip(rows["kind"], rows["fiscal_period"], strict=True)))
        )
        message = f"{entity!r} has no {wanted} {metric} facts, only {held}"
    raise DataError(
        message,
        field="entity",
        hint=(f"entities with {wanted} {metric}: " + ", ".join(names))
        if names
        else "import facts first (aithesis kpi import)",
    )


def _with_bounds(table: pd.DataFrame) -> pd.DataFrame:
    starts, ends = [], []
    for label, end in zip(table["fiscal_period"], table["period_end"], strict=True):
        end_d = None if end is None or pd.isna(end) else pd.Timestamp(end).date()
        s, e = period_bounds(parse_period(label), None, end_d)
        starts.append(s)
        ends.append(e)
    out = table.copy()
    out.insert(out.columns.get_loc("period_end"), "period_start", starts)
    out["period_end"] = ends
    return out


def growth(
    store: StoreLike = None,
    *,
    entity: str,
    metric: str,
    kinds: Sequence[str] = REPORTED,
    unit: str | None = None,
    with_events: bool = True,
) -> pd.DataFrame:
    """QoQ, YoY, TTM and TTM YoY of one entity's metric, from the stored facts.

    Args:
        entity: entity slug (``alibaba``) or ticker (``9988.HK``).
        metric: metric name (``capex``).
        kinds: fact kinds used (default reported: actual and derived).
        unit: express values in this unit (same currency), default the latest's.
        with_events: add an ``events`` column naming overlapping dated events.

    Returns:
        DataFrame (see :func:`aithesis.kpi.growth.growth_table`) plus ``period_start``
        and ``events``.

    Raises:
        DataError: no such facts (lists the entities that have the metric).
    """
    with _open(store) as st:
        rows = _series(st, entity, metric, kinds)
    table = _with_bounds(growth_table(rows, unit=unit))
    return annotate(table) if with_events else table


def cagr(store: StoreLike, *, entity: str, metric: str, start: str, end: str) -> float:
    """Compound annual growth of an entity's metric between two period labels (decimal)."""
    with _open(store) as st:
        rows = _series(st, entity, metric, REPORTED)
    return series_cagr(growth_table(rows), start, end)


def _group(name: str, groups_file: str | Path | None) -> Group:
    return resolve_group(name, load_groups(groups_file))


def aggregate(
    store: StoreLike = None,
    *,
    group: str,
    metric: str,
    freq: str = "Q",
    unit: str | None = None,
    allow_partial: bool = False,
    groups_file: str | Path | None = None,
    fx: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """A group's metric summed per calendar period (see :func:`aggregate_group`).

    Raises:
        DataError: unknown group; SpecError: bad groups file.
    """
    grp = _group(group, groups_file)
    with _open(store) as st:
        rows = st.fundamentals(metric=metric)
    return aggregate_group(
        rows, grp, metric=metric, freq=freq, unit=unit, allow_partial=allow_partial, fx=fx
    )


def shares(
    store: StoreLike = None,
    *,
    group: str,
    metric: str,
    freq: str = "Q",
    unit: str | None = None,
    groups_file: str | Path | None = None,
    fx: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Each member's share of the group total per complete calendar period."""
    grp = _group(group, groups_file)
    with _open(store) as st:
        rows = st.fundamentals(metric=metric)
    return group_shares(rows, grp, metric=metric, freq=freq, unit=unit, fx=fx)


def gaps(
    store: StoreLike = None,
    *,
    entity: str | None = None,
    metric: str | None = None,
    group: str | None = None,
    groups_file: str | Path | None = None,
) -> pd.DataFrame:
    """Expectation gaps: estimates/guidance against reported facts of the same period.

    With ``group``, the group's expectations (facts filed under the group's name, e.g.
    BofA's ``us_hyperscalers`` capex) are compared with the group aggregate of the
    members' reported facts (calendar years and quarters).
    """
    with _open(store) as st:
        rows = st.fundamentals(entity=group or (entity.lower() if entity else None), metric=metric)
        if group is None:
            return expectation_gaps(rows)
        grp = _group(group, groups_file)
        members = st.fundamentals(metric=metric)
    parts = []
    for m in sorted(set(rows["metric"])) if len(rows) else []:
        for freq in ("Y", "Q"):
            agg = aggregate_group(members, grp, metric=m, freq=freq)
            agg = agg.rename(columns={"group": "entity", "period": "fiscal_period"})
            parts.append(expectation_gaps(rows[rows["metric"] == m], agg.dropna(subset=["value"])))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else expectation_gaps(rows.iloc[0:0])


def events() -> pd.DataFrame:
    """The built-in dated events with their sources."""
    return pd.DataFrame(
        [
            {
                "key": e.key,
                "label": e.label,
                "start": e.start,
                "end": e.end,
                "detail": e.detail,
                "source": e.source,
                "quote": e.quote,
            }
            for e in EVENTS
        ]
    )


def lead_lag(
    store: StoreLike = None,
    *,
    metric: str,
    against: str,
    group: str | None = None,
    entity: str | None = None,
    max_lag: int = 4,
    growth_kind: str = "yoy",
    groups_file: str | Path | None = None,
    min_points: int = 4,
    warn_below: int = 12,
) -> pd.DataFrame:
    """Correlate a KPI's quarterly growth with later quarterly returns of ``against``.

    The KPI is the group aggregate (complete calendar quarters) or one entity's series
    placed on calendar quarters; growth is ``yoy`` (default, immune to seasonality) or
    ``qoq``. Returns are total returns from the store's ``adj_close``.

    Returns:
        DataFrame ``lag, corr, pvalue, n, warning`` (one row a lag); ``attrs`` hold the
        KPI and return series used.

    Raises:
        DataError: neither or both of group/entity, unknown group, too few quarters.
        UnknownTickerError: no stored prices for ``against``.
    """
    if (group is None) == (entity is None):
        raise DataError("give exactly one of group or entity", field="group")
    if growth_kind not in ("yoy", "qoq"):
        raise DataError(f"unknown growth {growth_kind!r}", field="growth", hint="use yoy or qoq")
    grp = (
        _group(group, groups_file)
        if group
        else Group(entity.lower(), (entity.lower(),), (entity.upper(),))
    )
    with _open(store) as st:
        rows = st.fundamentals(metric=metric)
        matrix = st.price_matrix([against])
    agg = aggregate_group(rows, grp, metric=metric, freq="Q").dropna(subset=["value"])
    as_facts = pd.DataFrame(
        {
            "entity": grp.name,
            "ticker": None,
            "metric": metric,
            "fiscal_period": agg["period"],
            "period_end": agg["period_end"],
            "value": agg["value"],
            "unit": agg["unit"],
            "currency": agg["currency"],
            "kind": "actual",
            "source": "aggregate",
            "as_of": None,
        }
    )
    table = growth_table(as_facts) if len(as_facts) else as_facts.assign(yoy=[], qoq=[])
    kpi = pd.Series(
        table[growth_kind].to_numpy(dtype=float) if len(table) else [],
        index=pd.PeriodIndex(list(table["fiscal_period"]), freq="Q"),
        name=f"{grp.name} {metric} {growth_kind}",
    )
    returns = quarterly_returns(
        matrix.dates, matrix.values[:, 0], name=f"{against.upper()} quarterly return"
    )
    result = cross_correlation(
        kpi, returns, max_lag=max_lag, min_points=min_points, warn_below=warn_below
    )
    frame = result.to_frame()
    frame.attrs["kpi"] = kpi
    frame.attrs["returns"] = returns
    return frame
