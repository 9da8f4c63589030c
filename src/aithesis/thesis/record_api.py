"""Record claims against a store: fetch what each claim reads, judge it then and since.

The caller's side of :mod:`aithesis.thesis.record`: what the claims' data functions name
is fetched by :mod:`aithesis.thesis.record_fetch` (prices, share counts restated to the
price basis, KPI facts, index levels; re-exported here) and passed in as
:class:`~aithesis.thesis.record_data.RecordData`. The formula evaluator never reads. A
model's drivers bound to data (``from:``) are evaluated as of the latest data
(:mod:`aithesis.thesis.record_bind`) so that a model without literal values loads too.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aithesis.errors import AithesisError, DataError, SpecError
from aithesis.thesis import expr as fx
from aithesis.thesis.api import builtin_paths
from aithesis.thesis.articles_meta import article_date
from aithesis.thesis.record import judge
from aithesis.thesis.record_fetch import fetch_record, record_requests
from aithesis.thesis.results import ClaimReport, ClaimResult
from aithesis.thesis.units import conversion_factor, format_unit, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store
    from aithesis.thesis.model import ThesisModel

__all__ = ["check_records", "fetch_record", "record_requests"]


def _load(
    name: str | Path, store: Store | None, sec_dir: Any, indexes: Any, catalogue: Any
) -> ThesisModel:
    """The model, its data-bound drivers as of the latest data when there is a store."""
    from aithesis.thesis.record_bind import load_model_as_of

    return load_model_as_of(
        name, store=store, sec_dir=sec_dir, indexes=indexes, catalogue=catalogue
    )


def _where(model: ThesisModel, i: int, claim_id: str, key: str = "expr") -> dict[str, Any]:
    return {"file": model.file, "row": model.line("claims", i, key), "field": f"claims.{claim_id}"}


def _compiled(model: ThesisModel) -> list[tuple[int, Any, ast.expr, fx.Compiled, float]]:
    out = []
    for i, c in model.spec.record_claims:
        where = _where(model, i, c.id)
        tree = fx.parse(c.expr, file=model.file, field=f"claims.{c.id}.expr")
        calls = fx.data_calls(tree)
        if not calls:
            raise SpecError(
                "a record claim needs a data function (close, market_cap, ...)", **where
            )
        fn = fx.compile_tree(tree, set(), file=model.file, field=f"claims.{c.id}.expr", data=True)
        factor = 1.0
        if c.unit:
            try:
                factor = conversion_factor(parse_unit("USD"), parse_unit(c.unit))
            except AithesisError:
                raise SpecError(f"unit {c.unit!r} is not a money unit", **where) from None
        out.append((i, c, tree, fn, factor))
    return out


def _article(model: ThesisModel, i: int, c: Any, catalogue: str | Path | None) -> dt.date:
    if c.article_date:
        try:
            return dt.date.fromisoformat(c.article_date)
        except ValueError:
            raise SpecError(
                f"article_date {c.article_date!r} is not an ISO date (YYYY-MM-DD)",
                **_where(model, i, c.id, "article_date"),
            ) from None
    source = c.article or c.source or model.spec.source
    day = article_date(source, catalogue)
    if day is None:
        raise SpecError(
            f"article {source!r} is not in the article catalogue",
            **_where(model, i, c.id),
            hint="give article_date: YYYY-MM-DD on the claim, or catalogue the article",
        )
    return day


def _judge_model(
    model: ThesisModel,
    store: Store | None,
    sec_dir: Any,
    catalogue: Any,
    strict: bool,
    indexes: Mapping[str, Any] | None = None,
) -> list[ClaimResult]:
    compiled = _compiled(model)
    if not compiled:
        return []
    if store is None:
        i, c = compiled[0][0], compiled[0][1]
        raise DataError(
            "record claims read data functions and need a store",
            **_where(model, i, c.id),
            hint="import the sample data (aithesis data import) and pass --store",
        )
    wanted = record_requests([t for _, _, t, _, _ in compiled])
    data = fetch_record(store, wanted, sec_dir, indexes)
    rows = []
    for i, c, tree, fn, factor in compiled:
        where = _where(model, i, c.id)
        article = _article(model, i, c, catalogue)
        read = record_requests([tree])
        ends = [data.prices[t].dates[-1] for t in read["prices"] if t in data.prices]
        ends += [data.indexes[n].dates[-1] for n in read["index"] if n in data.indexes]
        # "since" = the last date every series the claim reads covers
        latest = dt.date.fromisoformat(str(min(ends))) if ends else data.latest or article
        try:
            then = judge(tree, fn, c, factor, data, article, article)
            since = judge(tree, fn, c, factor, data, article, latest)
        except AithesisError as exc:
            raise DataError(exc.message, **where, hint=exc.hint) from None
        if strict and "no_data" in (then.status, since.status):
            raise DataError(since.note or then.note, **where)
        rows.append(
            ClaimResult(
                model=model.name,
                claim_id=c.id,
                text=c.text or c.quote or c.expr,
                source=c.source or c.article or model.spec.source or "",
                claimed=c.claimed,
                computed=since.computed,
                unit=format_unit(parse_unit(c.unit)) if c.unit else "",
                rel_error=since.rel_error,
                status=since.status,
                op=c.op if c.claimed is not None else "first",
                tol=c.tol,
                quote=c.quote or "",
                note="; ".join(dict.fromkeys(n for n in (then.note, since.note, c.note) if n)),
                kind="record",
                status_then=then.status,
                status_since=since.status,
                computed_then=then.computed,
                computed_since=since.computed,
                as_of_then=article.isoformat(),
                as_of_since=latest.isoformat(),
            )
        )
    return rows


def check_records(
    names: list[str | Path] | None = None,
    *,
    store: Store | None,
    sec_dir: str | Path | None = None,
    catalogue: str | Path | None = None,
    strict: bool = False,
    indexes: Mapping[str, Any] | None = None,
) -> ClaimReport:
    """Judge every ``kind: record`` claim of the given models (default: every built-in).

    Args:
        store: prices (and fundamentals); None raises for a model with record claims.
        sec_dir: recorded SEC companyfacts payloads (shares outstanding, split ratios,
            KPI facts); default ``<sample data>/sec``.
        catalogue: a project's own article catalogue, added to the built-in one.
        strict: a missing series or fact is an error instead of status ``no_data``.
        indexes: a project's indexes for ``index_level`` (see :func:`fetch_record`).

    Raises:
        DataError / SpecError / FormulaError: one line naming the model file, line and
            claim (unknown ticker, date before the data, not a date, no store).
    """
    if sec_dir is None:
        from aithesis.config import sample_data_dir

        try:
            sec_dir = sample_data_dir() / "sec"
        except AithesisError:
            sec_dir = None
    targets = names if names is not None else list(builtin_paths())
    rows: list[ClaimResult] = []
    for name in targets:
        model = _load(name, store, sec_dir, indexes, catalogue)
        rows.extend(_judge_model(model, store, sec_dir, catalogue, strict, indexes))
    return ClaimReport(results=tuple(rows))
