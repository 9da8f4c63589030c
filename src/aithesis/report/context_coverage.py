"""The report's data-coverage section: per index, each constituent's first and last date
with a price and the days it has none (rows from :meth:`IndexResult.coverage`, computed
in the build; nothing is computed here)."""

from __future__ import annotations

from typing import Any

from aithesis.project.results import ProjectResults
from aithesis.report.i18n import Translator

__all__ = ["coverage_view"]


def coverage_view(results: ProjectResults, t: Translator) -> list[dict[str, Any]]:
    """One entry per index: its name, last date and a row per constituent (strings)."""
    out = []
    for s in results.indexes:
        table = getattr(s, "coverage", None)  # None in caches written before it existed
        if table is None:
            continue
        rows = [
            {
                "ticker": r.ticker,
                "first": t.date(r.first) if r.first else "—",
                "last": t.date(r.last) if r.last else "—",
                "days": str(r.days),
                "missing": str(r.days_missing),
                "early": bool(r.ends_early),
            }
            for r in table.itertuples()
        ]
        end = str(s.result.dates[-1].astype("datetime64[D]"))
        out.append({"name": t.index_name(s), "end": t.date(end), "rows": rows})
    return out
