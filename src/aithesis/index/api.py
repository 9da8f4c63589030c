"""Public API of the index package: load a methodology, build it, compare indexes.

>>> from aithesis.data.store import Store
>>> from aithesis.index import build_index
>>> result = build_index("ai-infra", Store("store.duckdb"))  # doctest: +SKIP
>>> result.levels.iloc[-1], result.contributions(by="theme")  # doctest: +SKIP

Built-in methodologies (package data in ``index/builtins``): ``agix`` (article 002's five
themes with theme targets) and ``ai-infra`` (article 004's eight-name basket).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aithesis import analytics as an
from aithesis.dates import parse_date
from aithesis.errors import AithesisError, DataError, SpecError
from aithesis.index import weights as wr
from aithesis.index.coverage import data_end_warning, data_ends
from aithesis.index.engine import eligible_mask, listing_window, run_index
from aithesis.index.inputs import IndexInputs, gather_inputs, shares_outstanding
from aithesis.index.methodology import Methodology, UniverseSpec, methodology_from_yaml
from aithesis.index.result import IndexResult
from aithesis.index.schedule import rebalance_indices
from aithesis.index.schemes import SchemeInputs, get_scheme

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store
    from aithesis.universe import Universe

__all__ = [
    "CHATGPT_RELEASE",
    "ExposureStudy",
    "MethodologyLike",
    "build_benchmark",
    "build_from_inputs",
    "build_index",
    "compare",
    "exposure_test",
    "list_builtin_indexes",
    "load_methodology",
    "target_weights",
    "themes_for",
]

CHATGPT_RELEASE = date(2022, 11, 30)
MethodologyLike = Methodology | str | PathLike[str]
_BUILTINS = "aithesis.index.builtins"


def list_builtin_indexes() -> list[str]:
    """Names of the built-in methodologies (``agix``, ``ai-infra``), sorted."""
    folder = resources.files(_BUILTINS)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_methodology(source: MethodologyLike) -> Methodology:
    """A methodology from a built-in name, a YAML file path, or as given.

    Args:
        source: a :class:`Methodology`, a built-in name (``"agix"``), or a path.

    Returns:
        The validated methodology (its ``file`` names where it came from).

    Raises:
        SpecError: unknown name / missing file (lists the built-ins), invalid YAML, or
            an invalid methodology (names file, line and key).
    """
    if isinstance(source, Methodology):
        return source
    text_source = str(source)
    if text_source in list_builtin_indexes():
        name = f"{text_source}.yaml"
        text = resources.files(_BUILTINS).joinpath(name).read_text(encoding="utf-8")
        return methodology_from_yaml(text, file=f"<builtin>/{name}")
    path = Path(source).expanduser()
    if not path.is_file():
        raise SpecError(
            "no such methodology file or built-in index",
            file=path,
            hint="built-in indexes: " + ", ".join(list_builtin_indexes()),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the methodology: {exc}", file=path) from None
    return methodology_from_yaml(text, file=str(path))


def themes_for(m: Methodology, inputs: IndexInputs) -> tuple[str | None, ...]:
    """The theme each name counts in: its first theme with a target (theme_targets), else
    its main (first) theme; None when the name is not in the universe."""
    needs = get_scheme(m.weighting.scheme).needs
    targets = m.weighting.theme_targets if "theme_targets" in needs else None
    out: list[str | None] = []
    for company in inputs.companies:
        if company is None:
            out.append(None)
        elif targets:
            out.append(next((t for t in company.themes if t in targets), None))
        else:
            out.append(company.themes[0])
    return tuple(out)


def target_weights(
    m: Methodology,
    inputs: IndexInputs,
    rows: np.ndarray,
    themes: tuple[str | None, ...],
    shares_facts: pd.DataFrame | None = None,
) -> tuple[np.ndarray, list[str]]:
    """``(R, N)`` target weights, one row per rebalance, by the methodology's rule.

    The rule is the registry entry of ``m.weighting.scheme``
    (:mod:`aithesis.index.schemes`); it is given only the inputs it declares.

    Args:
        m: the methodology; inputs: its gathered prices and companies; rows: rebalance
            rows; themes: each name's theme (:func:`themes_for`).
        shares_facts: ``shares_outstanding`` fundamentals, needed by ``market_cap``.

    Returns:
        ``(weights, warnings)``; each weight row sums to 1 over the eligible names.
    """
    prices = inputs.prices
    t_rows, n = prices.shape
    first, last, _ = listing_window(prices)
    scheme = get_scheme(m.weighting.scheme)
    warnings: list[str] = []
    shares = None
    if "market_caps" in scheme.needs:
        shares, warnings = shares_outstanding(
            shares_facts, inputs.tickers, inputs.dates[rows], m.file
        )
    scores = np.array(
        [c.ai_exposure if c is not None else np.nan for c in inputs.companies], dtype=np.float64
    )
    if "history" in scheme.needs and inputs.history is None:
        raise ValueError(
            f"scheme {scheme.name!r} reads trailing prices: gather the inputs with "
            "gather_inputs() for this methodology (it keeps the history the scheme needs)"
        )
    lead = np.empty((0, n)) if inputs.history is None else inputs.history
    path = np.vstack([lead, prices]) if "history" in scheme.needs else prices
    out = np.zeros((rows.size, n))
    notes: list[str] = []
    for k, r in enumerate(rows):
        ok = eligible_mask(first, last, int(r), t_rows)
        end = lead.shape[0] + int(r) + 1  # the rebalance row in ``path``, exclusive
        given = SchemeInputs(
            date=inputs.dates[r],
            tickers=inputs.tickers,
            prices=prices[r],
            market_caps=None if shares is None else shares[k] * np.nan_to_num(prices[r]),
            exposure=scores,
            themes=themes,
            theme_targets=m.weighting.theme_targets or {},
            history=path[max(0, end - scheme.history_days - 1) : end]
            if "history" in scheme.needs
            else None,
            notes=notes,
        )
        w = scheme.rule(given, ok)
        if k == 0 and not w.any():
            raise SpecError(
                f"nothing to hold on the base date {inputs.dates[0]}: no name of the index "
                "has a price (and a weight) there",
                file=m.file,
                field="base_date",
                hint="choose a later base date",
            )
        try:
            out[k] = wr.cap_weights(w, m.weighting.cap)
        except SpecError as exc:
            raise SpecError(
                f"{exc.message} (on {inputs.dates[r]})",
                file=m.file,
                field=exc.field,
                hint=exc.hint,
            ) from None
    return out, warnings + list(dict.fromkeys(notes))


def build_index(
    methodology: MethodologyLike,
    store: Store,
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    universe: Universe | None = None,
) -> IndexResult:
    """Build an index from a methodology over the prices in a store.

    Args:
        methodology: a :class:`Methodology`, a built-in name or a YAML path.
        store: an open :class:`~aithesis.data.store.Store`.
        start: base date overriding the methodology's ``base_date``.
        end: last date (inclusive); default the last stored price.
        universe: the universe for filters, themes and exposure (default: built-in).

    Returns:
        :class:`IndexResult`; its level is ``base_value`` at the base date's close.

    Raises:
        SpecError, DataError, UnknownTickerError: every user mistake, with file and key
            (see :func:`aithesis.index.inputs.gather_inputs`).
    """
    m = load_methodology(methodology)
    inputs = gather_inputs(m, store, start=start, end=end, universe=universe)
    facts = (
        store.fundamentals(metric="shares_outstanding")
        if "market_caps" in get_scheme(m.weighting.scheme).needs
        else None
    )
    return build_from_inputs(m, inputs, facts)


def build_from_inputs(
    m: Methodology, inputs: IndexInputs, shares_facts: pd.DataFrame | None = None
) -> IndexResult:
    """Build a methodology on prices already gathered (:func:`gather_inputs`).

    What :func:`build_index` does after reading the store; sweeps call it once per
    variant on inputs gathered once.

    Args:
        m: the methodology; inputs: its gathered inputs.
        shares_facts: ``shares_outstanding`` fundamentals (``market_cap`` weighting).

    Raises:
        SpecError, DataError: the methodology cannot be built on these inputs, or a
            constituent's data end early under ``on_data_end: error`` (naming it).
    """
    ended = data_ends(inputs.dates, inputs.tickers, inputs.prices)
    if ended and m.on_data_end == "error":
        first = ended[0]
        others = ", ".join(f"{e.ticker} {e.last}" for e in ended[1:])
        raise DataError(
            f"{first.ticker}: data end on {first.last}, before the index's last date "
            f"{first.end}" + (f" (also {others})" if others else ""),
            file=m.file,
            field="on_data_end",
            hint=f"import newer prices for {first.ticker}, end the index on or before "
            f"{first.last}, or set on_data_end: sell",
        )
    rows = rebalance_indices(inputs.dates, m.rebalance)
    themes = themes_for(m, inputs)
    targets, weight_warnings = target_weights(m, inputs, rows, themes, shares_facts)
    out = run_index(
        inputs.prices,
        rows,
        targets,
        base_value=m.base_value,
        costs_bps=m.costs_bps,
        costs_on_launch=m.costs_on_launch,
        tickers=inputs.tickers,
    )
    assert out.weights is not None
    return IndexResult(
        name=m.name,
        dates=inputs.dates,
        tickers=inputs.tickers,
        level_values=out.levels,
        weight_values=out.weights,
        prices=inputs.prices,
        rebalance_rows=rows,
        turnover=out.turnover,
        costs=out.costs,
        pnl=out.pnl,
        cost_points=out.cost_points,
        themes=themes,
        currency=m.currency,
        return_type=m.return_type,
        methodology=m,
        warnings=inputs.warnings
        + tuple(weight_warnings)
        + tuple(data_end_warning(e) for e in ended),
        sources=inputs.sources,
    )


def build_benchmark(
    ticker: str, store: Store, start: date | str = CHATGPT_RELEASE, end: date | str | None = None
) -> IndexResult:
    """A benchmark as a one-stock index (level 100 at ``start``, total return).

    Its levels are the ticker's ``adj_close`` rebased to 100, so its metrics are computed
    exactly like an index's. Raises :class:`~aithesis.errors.UnknownTickerError` for a
    ticker without stored prices.
    """
    m = Methodology(
        name=ticker,
        base_date=parse_date(start, "start"),
        base_value=100.0,
        universe=UniverseSpec(tickers=[ticker]),
        rebalance="none",
    )
    return build_index(m, store, end=end)


def compare(
    indexes: Sequence[MethodologyLike],
    store: Store,
    benchmarks: Sequence[str] = ("SPY", "QQQ"),
    start: date | str = CHATGPT_RELEASE,
    end: date | str | None = None,
    *,
    rf: float = 0.0,
    universe: Universe | None = None,
) -> pd.DataFrame:
    """Metrics of several indexes and benchmarks side by side, from a common base date.

    Args:
        indexes: methodologies (built-in names, paths or objects).
        store: an open store.
        benchmarks: tickers of benchmark series in the store (total return); relative
            metrics (beta, alpha, tracking error, ...) are against the first.
        start: common base date (default 2022-11-30, ChatGPT's release).
        end: last date (inclusive).
        rf: annual risk-free rate for Sharpe, Sortino and alpha.

    Returns:
        DataFrame with one row per metric and one column per index/benchmark name, all
        over one window: from ``start`` to the last date every series has (at most
        ``end``).
    """
    results = [build_index(i, store, start=start, end=end, universe=universe) for i in indexes]
    bench = [build_benchmark(b, store, start, end) for b in benchmarks]
    common = min(r.dates[-1] for r in [*results, *bench]) if results or bench else None
    if common is not None and any(r.dates[-1] > common for r in [*results, *bench]):
        # one window for all: cut every series at the last date they all have
        end = str(common.astype("datetime64[D]"))
        results = [build_index(i, store, start=start, end=end, universe=universe) for i in indexes]
        bench = [build_benchmark(b, store, start, end) for b in benchmarks]
    reference = bench[0] if bench else None
    columns: dict[str, dict] = {}
    for res in [*results, *bench]:
        columns[res.name] = res.metrics(benchmark=reference, rf=rf)
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class ExposureStudy:
    """One equal-weight index per AI-exposure bucket, and the monotonicity test.

    Attributes:
        test: :class:`aithesis.analytics.ExposureTest` over bucket annualised returns.
        indexes: ``{bucket label: IndexResult}``, lowest exposure first.
        members: ``{bucket label: tickers}``.
    """

    test: an.ExposureTest
    indexes: dict[str, IndexResult]
    members: dict[str, tuple[str, ...]]


def exposure_test(
    store: Store,
    edges: tuple[float, ...] = (0.0, 0.4, 0.7, 1.0),
    start: date | str = CHATGPT_RELEASE,
    end: date | str | None = None,
    *,
    rebalance: str = "quarterly",
    markets: Sequence[str] | None = None,
    universe: Universe | None = None,
) -> ExposureStudy:
    """Article 002's "more AI content, better performance" test.

    Splits the listed universe names with stored prices into AI-exposure buckets by
    ``edges``, builds one equal-weight total-return index per non-empty bucket from
    ``start``, and tests whether annualised return rises with exposure (Spearman).
    Every bucket runs to the buckets' common last date (the earliest of their last
    dates: names on other exchanges' calendars end a few days apart), so the returns
    compared cover one window.

    Raises:
        SpecError: fewer than two non-empty buckets.
    """
    if universe is None:
        from aithesis.universe import load_universe

        universe = load_universe()
    pool = universe.filter(markets=list(markets) if markets else None, include_aliases=False)
    stored = set(store.tickers())
    companies = [c for c in pool if c.ticker in stored]
    buckets = an.assign_buckets(np.array([c.ai_exposure for c in companies]), edges)
    indexes: dict[str, IndexResult] = {}
    members: dict[str, tuple[str, ...]] = {}

    def bucket_index(label: str, names: Sequence[str], until: date | str | None) -> IndexResult:
        m = Methodology(
            name=f"AI exposure {label}",
            base_date=parse_date(start, "start"),
            universe=UniverseSpec(tickers=list(names)),
            rebalance=rebalance,  # type: ignore[arg-type]
        )
        return build_index(m, store, end=until, universe=universe)

    for b in range(len(edges) - 1):
        names = [c.ticker for c, k in zip(companies, buckets, strict=True) if k == b]
        if not names:
            continue
        label = f"{edges[b]:g}-{edges[b + 1]:g}"
        try:
            indexes[label] = bucket_index(label, names, end)
        except AithesisError as exc:
            if "before any data" in exc.message:
                continue
            raise
        members[label] = tuple(names)
    if len(indexes) < 2:
        raise SpecError(
            f"only {len(indexes)} exposure bucket(s) have names with prices",
            field="edges",
            hint="use wider buckets or import more prices",
        )
    last = min(result.dates[-1] for result in indexes.values())
    for label, result in indexes.items():
        if result.dates[-1] > last:
            indexes[label] = bucket_index(label, members[label], pd.Timestamp(last).date())
    labels = tuple(indexes)
    values = np.array(
        [an.annualised_return(an.simple_returns(indexes[k].level_values)) for k in labels]
    )
    return ExposureStudy(an.monotonicity(labels, values), indexes, members)
