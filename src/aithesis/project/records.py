"""The build's claims against the record: each record claim judged then and since.

For every ``kind: record`` claim of the project's models the build keeps one
:class:`RecordClaim`: the judgement of :func:`aithesis.thesis.record_api.check_records`
against the project's store (and its SEC payloads), the article it quotes (title and
date from the article catalogue) and the series that decides it
(:func:`aithesis.thesis.record_series.record_charts`). Plain, picklable records; the
report and the dashboard read them by attribute and compute nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from aithesis.data.store import Store
from aithesis.errors import AithesisError, DataError
from aithesis.thesis.articles_meta import ArticleMeta, article_catalogue
from aithesis.thesis.results import ClaimResult
from aithesis.thesis.spec import RecordClaimSpec

__all__ = ["STATUSES", "RecordClaim", "build_records", "status_counts"]

STATUSES = ("ok", "flagged", "came_true", "did_not_come_true", "not_yet", "no_data")
"""Every status a record claim can have, then or since (:mod:`aithesis.thesis.record`)."""

ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RecordClaim:
    """One record claim, judged as of the article date (then) and of the latest data (since).

    Attributes:
        model, claim_id, text, text_zh, quote: the claim (``quote`` verbatim from the
            article; ``text_zh`` None when the model gives no Chinese text).
        article, article_title, article_date: the article file, its catalogue title and
            date (ISO; ``""`` when not catalogued but dated on the claim).
        claimed, op, unit, tol: what the article says (``claimed`` None for a
            ``first_date`` claim, whose ``op`` is ``first``); ``unit`` as the claim
            gives it (``USD_tn``; ``""`` for decimals).
        status_then / status_since: one of :data:`STATUSES`; computed_then /
            computed_since: the figure (float in ``unit``, an ISO date for a
            ``first_date`` claim, None when not computed); as_of_then / as_of_since (ISO).
        note: the checker's notes (English).
        chart: the series that decides it (:class:`~aithesis.thesis.record_series.
            RecordChart`), None for a KPI claim.
    """

    model: str
    claim_id: str
    text: str
    text_zh: str | None
    quote: str
    article: str
    article_title: str
    article_date: str
    claimed: Any
    op: str
    unit: str
    tol: float
    status_then: str
    status_since: str
    computed_then: Any
    computed_since: Any
    as_of_then: str
    as_of_since: str
    note: str
    chart: Any = None

    @classmethod
    def from_result(
        cls,
        result: ClaimResult,
        spec: RecordClaimSpec,
        meta: ArticleMeta | None,
        article: str,
        chart: Any = None,
    ) -> RecordClaim:
        """The record of one judged claim: the fields it shares with ``result`` read by
        name; ``spec`` gives the text in Chinese and the claim's own unit, ``meta`` the
        article's title and date."""
        judged = {f.name: getattr(result, f.name) for f in fields(cls) if hasattr(result, f.name)}
        return cls(
            **judged
            | {
                "text_zh": spec.text_zh,
                "article": article,
                "article_title": meta.title if meta is not None else "",
                "article_date": meta.date.isoformat() if meta is not None else result.as_of_then,
                "unit": spec.unit,
                "chart": chart,
            }
        )


def status_counts(records: tuple[RecordClaim, ...], when: str) -> dict[str, int]:
    """``{status: n}`` over :data:`STATUSES` (every key present) for ``then`` or ``since``."""
    counts = Counter(getattr(r, f"status_{when}") for r in records)
    return {s: int(counts.get(s, 0)) for s in STATUSES}


def build_records(
    paths: list[Path],
    store: Store,
    sec_dir: Path | None,
    progress: ProgressFn,
    where: Callable[[AithesisError, int], AithesisError],
    warn: Callable[[str], None] | None = None,
) -> tuple[RecordClaim, ...]:
    """Judge the record claims of the models at ``paths`` against ``store``.

    Args:
        paths: the project's model files, in config order.
        sec_dir: recorded SEC payloads (shares outstanding, split ratios, KPI facts).
        where: turns a library error of model ``i`` into one naming the project key.
        warn: receives a one-line warning when the store cannot decide a model's record
            claims (a date before its data, as with the package's compact sample); those
            claims are left out and the build goes on. None: the DataError is raised.

    Raises:
        AithesisError: from the checker (a bad date, an unknown ticker), naming the model
            file, line and claim, prefixed by the project key.
    """
    from aithesis.thesis.api import load_model
    from aithesis.thesis.record_api import check_records
    from aithesis.thesis.record_series import record_charts

    catalogue = article_catalogue()
    progress("records", 0, len(paths))
    out: list[RecordClaim] = []
    for i, path in enumerate(paths):
        model = load_model(path)
        specs = dict((c.id, c) for _, c in model.spec.record_claims)
        if specs:
            try:
                report = check_records([path], store=store, sec_dir=sec_dir)
                charts = record_charts(model, store, sec_dir)
            except DataError as exc:
                if warn is None:
                    raise where(exc, i) from None
                warn(f"record claims of {path.name} not judged on this store: {exc}")
                progress("records", i + 1, len(paths))
                continue
            except AithesisError as exc:
                raise where(exc, i) from None
            for result in report:
                spec = specs[result.claim_id]
                article = spec.article or spec.source or model.spec.source or ""
                meta = catalogue.get(Path(article).name) if article else None
                out.append(
                    RecordClaim.from_result(
                        result, spec, meta, Path(article).name, charts.get(result.claim_id)
                    )
                )
        progress("records", i + 1, len(paths))
    return tuple(out)
