"""KPI tracker: fundamentals facts with sources, growth, group aggregates, gaps, lead-lag.

The public functions (``facts``, ``growth``, ``aggregate``, ``lead_lag``, ...) live in
:mod:`aithesis.kpi.api` and are re-exported here. Note that ``aithesis.kpi.facts`` and
``aithesis.kpi.growth`` are these *functions*; import the modules' contents with
``from aithesis.kpi.facts import read_facts_csv`` (which always works).
"""

from __future__ import annotations

from aithesis.kpi.api import (
    PullReport,
    aggregate,
    cagr,
    events,
    facts,
    gaps,
    growth,
    import_facts,
    import_sec,
    lead_lag,
    load_article_facts,
    pull,
    shares,
)

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
