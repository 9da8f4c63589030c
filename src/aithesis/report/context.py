"""The report's template context: results turned into labelled, formatted rows and figures.

Presentation only: every number is read from :class:`~aithesis.project.results.ProjectResults`
(or a library method of a result object) and formatted by the
:class:`~aithesis.report.i18n.Translator`. Summary figures also keep their full-precision
value (``Stat.value``) so the template can write it into a ``data-value`` attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import aithesis
from aithesis.analytics.catalogue import Metric, report_metrics
from aithesis.project.results import ProjectResults
from aithesis.report import charts
from aithesis.report import context_models as cm
from aithesis.report.context_coverage import coverage_view
from aithesis.report.context_record import article_coverage_view, record_view
from aithesis.report.context_tearsheet import tearsheet_view
from aithesis.report.fragments import figure_html, series_title
from aithesis.report.generated import build_warning
from aithesis.report.i18n import Translator
from aithesis.report.overlap import overlap_notes

__all__ = ["SECTIONS", "Stat", "build_context", "figure_html"]

SECTIONS: tuple[str, ...] = (
    "summary",
    "indexes",
    "drawdowns",
    "rolling",
    "calendar",
    "monthly",
    "risk",
    "weights",
    "contributions",
    "concentration",
    "exposure",
    "coverage",
    "models",
    "claims",
    "record",
    "kpi",
    "appendix",
)
"""Section ids, in page order; each has the catalogue title ``section.<id>``."""


@dataclass(frozen=True)
class Stat:
    """One number on a summary card: its label, shown text and full-precision value.

    ``key`` is stable (``index.agix.total_return``) so tests can find the value in the
    page's ``data-key`` / ``data-value`` attributes.
    """

    key: str
    label: str
    text: str
    value: float | int | None
    tone: str = ""

    @property
    def data_value(self) -> str:
        """``repr`` of the value: a float written this way reads back exactly."""
        if self.value is None:
            return "nan"
        return repr(int(self.value)) if isinstance(self.value, int) else repr(float(self.value))


def _tone(x: float | None) -> str:
    if x is None or not np.isfinite(x):
        return ""
    return "pos" if x > 0 else "neg" if x < 0 else ""


def _stat(key: str, label: str, value: Any, text: str, tone: bool = False) -> Stat:
    value = None if value is None else (int(value) if isinstance(value, int) else float(value))
    return Stat(key, label, text, value, _tone(value) if tone else "")


def summary_cards(results: ProjectResults, t: Translator) -> list[dict[str, Any]]:
    """The summary cards: indexes vs the first benchmark, P(target), claims, latest KPIs."""
    s = results.summary
    bench = next(iter(results.benchmarks), None)
    cards = []
    for section in results.indexes:
        num = s.indexes[section.name]
        m, k = section.metrics, f"index.{section.key}"
        stats = [
            _stat(
                f"{k}.total_return",
                t("summary.total_return"),
                num.total_return,
                t.pct(num.total_return, signed=True),
                tone=True,
            ),
            _stat(
                f"{k}.annualised_return",
                t("summary.annualised_return"),
                num.annualised_return,
                t.pct(num.annualised_return, signed=True),
                True,
            ),
        ]
        if bench is not None and "benchmark_total_return" in m:
            label = t.company(bench)
            stats += [
                _stat(
                    f"{k}.benchmark_total_return",
                    t("summary.bench_total", bench=label),
                    m["benchmark_total_return"],
                    t.pct(m["benchmark_total_return"], signed=True),
                ),
                _stat(
                    f"{k}.benchmark_annualised_return",
                    t("summary.bench_annual", bench=label),
                    m["benchmark_annualised_return"],
                    t.pct(m["benchmark_annualised_return"], signed=True),
                ),
                _stat(
                    f"{k}.excess_annualised_return",
                    t("summary.excess", bench=label),
                    m["excess_annualised_return"],
                    t.pct(m["excess_annualised_return"], signed=True),
                    tone=True,
                ),
            ]
        note = t("summary.since", start=t.date(m["start"]), end=t.date(m["end"]))
        cards.append(
            {"title": t.index_name(section), "note": note, "stats": stats, "kind": "index"}
        )
    for model in results.models:
        target = s.targets.get(model.name)
        if target is None or model.monte_carlo is None:
            continue
        name, op, value = model.monte_carlo.target
        label = t("summary.p_target", output=name, op=_op(op), target=t.num(value, target.unit))
        stats = [
            _stat(
                f"model.{model.key}.probability",
                label,
                target.probability,
                t.pct(target.probability),
            ),
            _stat(
                f"model.{model.key}.draws",
                t("summary.draws"),
                int(target.draws),
                t.num(target.draws),
            ),
        ]
        title = t.model_title(model.title, model.title_zh)
        cards.append(
            {"title": title, "note": t("summary.mc_note"), "stats": stats, "kind": "model"}
        )
    flagged, total = len(s.flagged), int(s.claims_total)
    stats = [
        _stat("claims.flagged", t("summary.flagged"), flagged, str(flagged)),
        _stat("claims.total", t("summary.checked"), total, str(total)),
    ]
    cards.append(
        {
            "title": t("summary.claims"),
            "note": t("summary.claims_note"),
            "stats": stats,
            "kind": "claims",
        }
    )
    for series, latest in s.kpi_latest.items():
        table = results.kpi.growth[series]
        k = "kpi." + series.replace("/", ".")
        stats = [
            _stat(
                f"{k}.value",
                t("summary.latest_value", period=latest.period),
                latest.value,
                t.num(latest.value, latest.unit),
            ),
            _stat(f"{k}.qoq", t("label.qoq"), latest.qoq, t.pct(latest.qoq, signed=True), True),
            _stat(f"{k}.yoy", t("label.yoy"), latest.yoy, t.pct(latest.yoy, signed=True), True),
        ]
        cards.append(
            {"title": series_title(table, series, t), "note": "", "stats": stats, "kind": "kpi"}
        )
    return cards


def _op(op: str) -> str:
    return {">=": "≥", "<=": "≤", "=": "=", "in": "∈", "plausible": "≈"}.get(op, op)


def _columns(results: ProjectResults, t: Translator) -> list[tuple[str, Any]]:
    cols = [(t.index_name(s), s.result) for s in results.indexes]
    return cols + [(t.company_ticker(k), b) for k, b in results.benchmarks.items()]


def metrics_table(results: ProjectResults, t: Translator) -> dict[str, Any]:
    """The comparison table: one row per metric, one column per index and benchmark."""
    frame = results.comparison
    names = [s.name for s in results.indexes] + list(results.benchmarks)
    heads = [c for c, _ in _columns(results, t)]
    rows = []
    for metric in report_metrics():
        if metric.name not in frame.index:
            continue
        cells = []
        for name in names:
            v = frame.at[metric.name, name] if name in frame.columns else None
            cells.append(metric_cell(metric, v, t))
        rows.append({"label": t(metric.label_key), "cells": cells})
    return {"heads": heads, "rows": rows}


def metric_cell(metric: Metric, value: Any, t: Translator) -> tuple[str, str]:
    """``(text, tone)`` of one metric value: percentages signed and coloured unless the
    metric is a size (volatility), ratios with two decimals, dates as ISO text."""
    if metric.format == "percent":
        return t.pct(value, signed=metric.signed), _tone(value) if metric.signed else ""
    if metric.format == "ratio":
        return t.ratio(value), ""
    if metric.format == "count":
        return t.num(value), ""
    return t.date(value), ""


def calendar_table(results: ProjectResults, t: Translator) -> dict[str, Any]:
    """Calendar-year returns (years down, indexes and benchmarks across)."""
    columns = _columns(results, t)
    series = [s.calendar for s in results.indexes] + [
        b.calendar_years() for b in results.benchmarks.values()
    ]
    years = sorted({int(y) for cal in series for y in cal.index})
    rows = []
    for year in years:
        cells = []
        for cal in series:
            v = float(cal.loc[year]) if year in cal.index else None
            cells.append((t.pct(v, signed=True), _tone(v)))
        rows.append({"label": year_label(year, results, t), "cells": cells})
    return {"heads": [c for c, _ in columns], "rows": rows}


def year_label(year: int, results: ProjectResults, t: Translator) -> str:
    """The row's year, marked partial when the window starts after early January (first
    year) or ends before late December (last year)."""
    start = np.datetime64(results.start, "D") if results.start is not None else None
    ends = [np.datetime64(s.metrics["end"], "D") for s in results.indexes if s.metrics.get("end")]
    end = max(ends) if ends else None
    if start is not None and int(str(start)[:4]) == year and str(start)[5:] > "01-07":
        return t("calendar.partial_from", year=year, date=t.date(start))
    if end is not None and int(str(end)[:4]) == year and str(end)[5:] < "12-24":
        return t("calendar.partial_to", year=year, date=t.date(end))
    return str(year)


def concentration_rows(results: ProjectResults, t: Translator) -> list[dict[str, Any]]:
    """Gini and top shares of each index's gains (power law, article 002)."""
    rows = []
    for s in results.indexes:
        shares = [
            (t("label.top_share", share=t.pct(f, 0)), t.pct(v)) for f, v in s.top_shares.items()
        ]
        rows.append(
            {
                "name": t.index_name(s),
                "gini": t.ratio(s.gini),
                "names": str(len(s.result.tickers)),
                "shares": shares,
            }
        )
    return rows


def exposure_view(results: ProjectResults, t: Translator) -> dict[str, Any] | None:
    """The exposure-bucket chart and its monotonicity statistics (None when not run)."""
    study = results.exposure
    if study is None:
        return None
    test = study.test
    first = next(iter(study.indexes.values()))  # every bucket has the same window
    buckets = [
        {
            "label": t("chart.bucket", label=b),
            "annualised": t.pct(r, signed=True),
            "members": ", ".join(t.company(m) for m in study.members.get(b, ())),
        }
        for b, r in zip(test.labels, test.returns, strict=True)
    ]
    verdict = "exposure.monotonic" if test.monotonic_increasing else "exposure.not_monotonic"
    return {
        "figure": figure_html(charts.exposure(study, t), "fig-exposure"),
        "spearman": t.ratio(test.spearman),
        "p_value": t.ratio(test.p_value, 3),
        "ordered_pairs": t.pct(test.ordered_pairs, 0),
        "verdict": t(verdict),
        "buckets": buckets,
        "note": t(
            "exposure.note",
            start=t.date(first.dates[0]),
            end=t.date(first.dates[-1]),
        ),
    }


def _series_names(results: ProjectResults, t: Translator) -> dict[str, str]:
    """Series names as the build writes them -> the reader's name (index or benchmark)."""
    names = {s.name: t.index_name(s) for s in results.indexes}
    names.update({s.result.name: t.index_name(s) for s in results.indexes})
    return names


def build_context(results: ProjectResults, t: Translator) -> dict[str, Any]:
    """Everything the template shows, for one language."""
    title = results.title_zh if t.lang == "zh" and results.title_zh else results.name
    last = max((s.metrics["end"] for s in results.indexes), default=None)
    return {
        "lang": t.lang,
        "title": title,
        "subtitle": t(
            "header.subtitle",
            start=t.date(results.start),
            end=t.date(last),
            built=t.date(results.built_at),
        ),
        "version": aithesis.__version__,
        "input_hash": results.input_hash,
        "built_at": results.built_at.strftime("%Y-%m-%d %H:%M UTC"),
        "sections": SECTIONS,
        "cards": summary_cards(results, t),
        "has_indexes": bool(results.indexes),
        "fig_levels": figure_html(charts.index_levels(results, t), "fig-levels"),
        "fig_drawdowns": figure_html(charts.drawdowns(results, t), "fig-drawdowns"),
        "fig_rolling": figure_html(charts.rolling_returns(results, t), "fig-rolling"),
        "overlaps": overlap_notes(
            {label: result.levels for label, result, _ in charts.index_series(results, t)}, t
        ),
        "metrics": metrics_table(results, t),
        "calendar": calendar_table(results, t),
        "tearsheet": tearsheet_view(results, t, lambda year: year_label(year, results, t)),
        "contributions": [
            {
                "name": t.index_name(s),
                "theme": figure_html(charts.contributions(s, t, "theme"), f"fig-theme-{i}"),
                "stock": figure_html(charts.contributions(s, t, "stock"), f"fig-stock-{i}"),
            }
            for i, s in enumerate(results.indexes)
        ],
        "fig_lorenz": figure_html(charts.lorenz(results, t), "fig-lorenz"),
        "concentration": concentration_rows(results, t),
        "coverage": coverage_view(results, t),
        "exposure": exposure_view(results, t),
        "models": [cm.model_view(m, i, t) for i, m in enumerate(results.models)],
        "claims": cm.claims_view(results, t),
        "record": record_view(results, t),
        "article_coverage": article_coverage_view(results, t),
        "kpi": cm.kpi_view(results, t),
        "appendix": cm.appendix_view(results, t),
        "warnings": [build_warning(w, t, _series_names(results, t)) for w in results.warnings],
    }
