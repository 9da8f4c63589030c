"""Template context of the model, claim, KPI and appendix sections of the report.

Presentation only: values come from :class:`~aithesis.project.results.ModelSection`,
:class:`~aithesis.thesis.results.ClaimReport`, :class:`~aithesis.project.results.KpiSection`
and the store's provenance table, formatted by the
:class:`~aithesis.report.i18n.Translator`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aithesis.project.results import ModelSection, ProjectResults
from aithesis.report import charts
from aithesis.report.fragments import breakable, figure_html, series_title
from aithesis.report.generated import claim_note, cross_claim_text, data_warning
from aithesis.report.i18n import Translator

__all__ = ["appendix_view", "claims_view", "driver_tree", "kpi_view", "model_view"]

PARTIAL_SHOWN = 4
"""Partial periods of a group aggregate (members missing) its table lists: the latest."""
SERIES_SHOWN = 12
"""Periods of a KPI series its table shows open (the latest); earlier ones are folded."""

_OPS = {">=": "≥", "<=": "≤", "=": "", "in": "∈", "plausible": "≈"}


def _zh(t: Translator, zh: str | None, en: str | None) -> str | None:
    """The Chinese text in ``zh`` when given, else the English one."""
    return zh if t.lang == "zh" and zh else en


def driver_tree(model: ModelSection, t: Translator) -> list[dict[str, Any]]:
    """The model's formulas as nested nodes, from the output down to its drivers.

    Roots are the output, then formulas and drivers nothing else uses. A name met a
    second time is shown without its inputs (``repeat``) so shared inputs are not
    expanded twice.
    """
    rows = {r["name"]: r for r in model.tree}
    used = {name for r in model.tree for name in r["inputs"]}
    roots = [model.output] + [n for n in rows if n not in used and n != model.output]
    seen: set[str] = set()

    def node(name: str) -> dict[str, Any]:
        r = rows[name]
        first = name not in seen
        seen.add(name)
        span = None
        if r["low"] is not None and r["high"] is not None:
            span = t.shown((r["low"], r["high"]), r["unit"], name=name)[0]
        value, unit = t.shown(r["value"], r["unit"], name=name)
        return {
            "name": name,
            "kind": r["kind"],
            "title": _zh(t, r.get("title_zh"), r["title"]) or "",
            "expr": r["expr"] or "",
            "value": value,
            "unit": unit,
            "range": span,
            "output": name == model.output,
            "repeat": not first and bool(r["inputs"]),
            "children": [node(i) for i in r["inputs"] if i in rows] if first else [],
        }

    return [node(n) for n in roots if n in rows]


def scenario_table(model: ModelSection, t: Translator) -> dict[str, Any] | None:
    """Base and every scenario side by side: the drivers a scenario changes, the output."""
    if not model.scenarios:
        return None
    base = model.base
    names = [
        n
        for n, kind in base.kinds.items()
        if kind == "driver"
        and any(not np.isclose(e.values[n], base.values[n]) for e in model.scenarios.values())
    ]
    rows = []
    for n in [*names, model.output]:
        unit = base.units[n]
        cells = [(t.shown(base.values[n], unit, name=n)[0], "")]
        for e in model.scenarios.values():
            changed = not np.isclose(e.values[n], base.values[n])
            cells.append((t.shown(e.values[n], unit, name=n)[0], "changed" if changed else ""))
        rows.append(
            {
                "name": n,
                "unit": t.unit(unit, name=n),
                "cells": cells,
                "output": n == model.output,
            }
        )
    heads = [t("model.base")] + [t.label("scenario", s) for s in model.scenarios]
    return {"heads": heads, "rows": rows}


def monte_carlo_view(model: ModelSection, t: Translator) -> dict[str, Any] | None:
    """Monte Carlo figure, percentiles, P(target) and variance shares."""
    mc = model.monte_carlo
    if mc is None:
        return None
    shown = ("p5", "p25", "p50", "p75", "p95")

    def fig(x: float) -> str:
        return t.shown(x, mc.unit, name=mc.output)[0]

    stats = [
        (t("model.mean"), fig(mc.mean)),
        (t("model.std"), fig(mc.std)),
        *[(t(f"label.{k}"), fig(v)) for k, v in mc.percentiles.items() if k in shown],
        (t("summary.draws"), t.num(mc.n)),
        (t("model.seed"), str(mc.seed)),
    ]
    target = None
    if mc.target is not None:
        name, op, value = mc.target
        target = {
            "label": t(
                "summary.p_target",
                output=name,
                op=_OPS.get(op, op) or "=",
                target=t.num(value, mc.unit, name=name),
            ),
            "text": t.pct(mc.probability),
            "value": repr(float(mc.probability)),
        }
    shares = []
    if len(mc.contribution):
        for row in mc.contribution.itertuples():
            shares.append((row.driver, t.pct(row.contribution), t.ratio(row.rank_correlation)))
    return {
        "figure": figure_html(charts.monte_carlo(model, t), f"fig-mc-{model.key}"),
        "stats": stats,
        "unit": t.unit(mc.unit, name=mc.output),
        "target": target,
        "shares": shares,
    }


def model_view(model: ModelSection, index: int, t: Translator) -> dict[str, Any]:
    """Everything one model shows: header, tree, scenarios, tornado, Monte Carlo."""
    flagged = sum(1 for c in model.claims if c.status == "flagged" and c.kind == "claim")
    checked = sum(1 for c in model.claims if c.kind == "claim")
    tornado = None
    uncertain = model.tornado is not None and bool(np.any(model.tornado.swing > 0))
    if uncertain:
        tornado = figure_html(charts.tornado(model, t), f"fig-tornado-{model.key}")
    ranged = any(r["low"] is not None for r in model.tree if r["kind"] == "driver")
    # without an uncertain driver upstream every draw is the base value: no panel, say why
    mc = monte_carlo_view(model, t) if uncertain else None
    reason = t("model.no_uncertain", output=model.output) if ranged else t("model.no_ranges")
    return {
        "id": f"model-{model.key}",
        "key": model.key,
        "title": t.model_title(model.title, model.title_zh),
        "source": model.source or "",
        "description": _zh(t, model.description_zh, model.description) or "",
        "output": model.output,
        "value": t.num(model.base.value, model.base.units[model.output], name=model.output),
        "tree": driver_tree(model, t),
        "scenarios": scenario_table(model, t),
        "tornado": tornado,
        "mc": mc,
        "no_mc_reason": reason,
        "claims_note": t("model.claims_note", checked=checked, flagged=flagged),
        "file": Path(model.file).name,
    }


def _claim_value(value: Any, op: str, unit: str, t: Translator) -> str:
    text = t.shown(value, unit)[0]
    symbol = _OPS.get(op, op)
    return f"{symbol} {text}" if symbol and not isinstance(value, tuple | list) else text


def claims_view(results: ProjectResults, t: Translator) -> dict[str, Any]:
    """Every checked claim; flagged rows carry the note that explains them."""
    titles = {m.name: t.model_title(m.title, m.title_zh) for m in results.models}
    texts_zh = {(m.name, k): v for m in results.models for k, v in m.claim_texts_zh.items()}
    rows = []
    previous = None
    for c in results.claims:
        rows.append(
            {
                "model": titles.get(c.model, c.model),
                "first": c.model != previous,
                "id": c.claim_id,
                "text": _zh(t, texts_zh.get((c.model, c.claim_id)), cross_claim_text(c, t)),
                "quote": c.quote,
                "source": c.source,
                "claimed": _claim_value(c.claimed, c.op, c.unit, t),
                "computed": t.shown(c.computed, c.unit)[0],
                "unit": t.unit(c.unit),
                "gap": t.pct(c.rel_error),
                "flagged": c.status == "flagged",
                "status": t.label("status", c.status),
                "cross": c.kind == "cross",
                "note": claim_note(c.note, t, c.reconciling),
            }
        )
        previous = c.model
    flagged = sum(r["flagged"] for r in rows)
    return {"rows": rows, "note": t("claims.count", flagged=flagged, total=len(rows))}


def _kpi_rows(table: pd.DataFrame, t: Translator, labels: dict[str, str]) -> dict[str, Any]:
    """A KPI series' table rows in time order (a fiscal year after the quarter that ends
    it): the latest :data:`SERIES_SHOWN` in ``rows``, the earlier ones in ``earlier``
    (folded under ``earlier_label``); ``labels`` names the events in this language."""
    ends = pd.to_datetime(table["period_end"], errors="coerce").to_numpy("datetime64[D]")
    annual = ~table["fiscal_period"].astype(str).str.contains("Q", regex=False).to_numpy()
    rows = []
    for r in table.iloc[np.lexsort((annual, ends))].itertuples():
        events = [s.strip() for s in str(r.events or "").split(";") if s.strip()]
        rows.append(
            [
                str(r.fiscal_period),
                t.date(r.period_end),
                t.num(r.value, r.unit),
                t.pct(r.qoq, signed=True),
                t.pct(r.yoy, signed=True),
                " · ".join(labels.get(s, s) for s in events),
                breakable(str(r.source)),
            ]
        )
    cut = max(len(rows) - SERIES_SHOWN, 0)
    label = ""
    if cut:
        label = t("kpi.earlier_one") if cut == 1 else t("kpi.earlier", n=cut)
    return {"rows": rows[cut:], "earlier": rows[:cut], "earlier_label": label}


def _entities(names: Any, t: Translator) -> str:
    """A group's missing members (``"baidu"``, ``"a, b"``) by their names in this language."""
    if not isinstance(names, str) or not names.strip():
        return "—"
    return t("punct.list_sep").join(
        t.label("entity", n.strip()) for n in re.split(r"[;,]", names) if n.strip()
    )


def _group_rows(table: pd.DataFrame, t: Translator) -> dict[str, Any]:
    """A group aggregate's table rows: every complete period and the latest
    :data:`PARTIAL_SHOWN` partial ones, with a ``note`` on how many partial periods are
    left out and which members they miss (``""`` when none are); when no period is
    complete the note says the table holds only the latest partial ones."""
    partial = np.flatnonzero(~table["complete"].astype(bool).to_numpy())
    hidden = partial[: max(len(partial) - PARTIAL_SHOWN, 0)]
    keep = np.ones(len(table), dtype=bool)
    keep[hidden] = False
    rows = [
        [
            str(r.period),
            t.num(r.value, r.unit),
            f"{r.n_members}",
            t("label.yes") if bool(r.complete) else t("label.no"),
            _entities(r.members_missing, t),
        ]
        for r in table[keep].itertuples()
    ]
    note = ""
    if len(hidden):
        names = table["members_missing"].iloc[hidden].dropna().astype(str)
        missing = dict.fromkeys(n.strip() for s in names for n in re.split(r"[;,]", s) if n.strip())
        key = "kpi.partial_hidden" if len(partial) < len(table) else "kpi.partial_hidden_none"
        note = t(
            key + "_one" if len(hidden) == 1 else key,
            n=len(hidden),
            members=_entities(",".join(missing), t),
            shown=PARTIAL_SHOWN,
        )
    return {"rows": rows, "note": note}


def kpi_view(results: ProjectResults, t: Translator) -> dict[str, Any]:
    """KPI bars per series, group aggregates, expectation gaps and the events."""
    k = results.kpi
    labels = {row.label: t.label("event", row.key) for row in k.events.itertuples()}
    series = []
    for i, (key, table) in enumerate(k.growth.items()):
        series.append(
            {
                "title": series_title(table, key, t),
                "figure": figure_html(charts.kpi_series(table, k.events, t), f"fig-kpi-{i}"),
                **_kpi_rows(table, t, labels),
            }
        )
    groups = []
    for i, (key, table) in enumerate(k.aggregates.items()):
        group, metric = key.split("/", 1)
        table = table.dropna(subset=["value"])
        groups.append(
            {
                "title": t(
                    "kpi.group_title",
                    group=t.label("group", group),
                    metric=t.label("metric", metric),
                ),
                "figure": figure_html(charts.kpi_group(table, t), f"fig-group-{i}")
                if len(table)
                else None,
                **_group_rows(table, t),
            }
        )
    gaps = [
        [
            t.label("entity", str(r.entity)),
            t.label("metric", str(r.metric)),
            str(r.fiscal_period),
            t.num(r.actual, r.unit),
            t.num(r.expected, r.unit),
            t.pct(r.gap_pct, signed=True),
        ]
        for r in k.gaps.itertuples()
    ]
    events = [
        [
            t.label("event", r.key),
            t.date(r.start),
            t.date(r.end),
            t(f"event_detail.{r.key}") if t.has(f"event_detail.{r.key}") else str(r.detail),
            str(r.quote),
            breakable(str(r.source)),
        ]
        for r in k.events.itertuples()
    ]
    facts = [
        [
            t.company(r.ticker)
            if isinstance(r.ticker, str) and r.ticker
            else t.label("entity", r.entity),
            t.label("metric", str(r.metric)),
            str(r.fiscal_period),
            t.num(r.value, r.unit),
            t.label("fact_kind", str(r.kind)),
            str(r.quote or ""),
            str(r.source),
        ]
        for r in k.facts.itertuples()
    ]
    return {"series": series, "groups": groups, "gaps": gaps, "events": events, "facts": facts}


def appendix_view(results: ProjectResults, t: Translator) -> dict[str, Any]:
    """Data provenance and every methodology and model file in full."""
    prov = []
    for r in results.provenance.itertuples():
        warnings = r.warnings if isinstance(r.warnings, list | tuple | np.ndarray) else []
        prov.append(
            {
                "name": t.company_ticker(str(r.name)),
                "kind": t.label("kind", str(r.kind)),
                "basis": t.label("basis", None if pd.isna(r.basis) else str(r.basis)),
                "currency": "" if pd.isna(r.currency) else str(r.currency),
                "source": "" if pd.isna(r.source) else str(r.source),
                "first": t.date(r.first_date),
                "last": t.date(r.last_date),
                "rows": t.num(int(r.rows)) if int(r.rows) < 1e5 else f"{int(r.rows):,}",
                "warnings": [data_warning(str(w), t, None) for w in warnings],
            }
        )
    files = [
        {
            "kind": t("appendix.methodology"),
            "name": t.index_name(s),
            "file": Path(s.file).name,
            "text": s.methodology_yaml,
            "open": True,
        }
        for s in results.indexes
    ] + [
        {
            "kind": t("appendix.model"),
            "name": t.model_title(m.title, m.title_zh),
            "file": Path(m.file).name,
            "text": m.model_yaml,
            "open": False,
        }
        for m in results.models
    ]
    return {"provenance": prov, "files": files}
