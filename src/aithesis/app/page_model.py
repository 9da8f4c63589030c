"""Model page: a slider per driver, the driver tree re-evaluated live, Monte Carlo on demand.

Values come from :meth:`ThesisModel.evaluate` (with the sliders as overrides) and
:meth:`ThesisModel.monte_carlo`; this page only shows them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from aithesis.app import charts, data
from aithesis.app.context import AppContext
from aithesis.app.fmt import fmt_num, fmt_pct
from aithesis.app.widgets import select
from aithesis.errors import AithesisError
from aithesis.project.results import ModelSection
from aithesis.thesis.model import ThesisModel
from aithesis.thesis.results import Evaluation

__all__ = ["render"]

_SLIDER_STEPS = 100  # a ranged driver's slider moves in 1/100 of its [low, high]


def _title(ctx: AppContext, section: ModelSection) -> str:
    return ctx.t.shared.model_title(section.title, section.title_zh)


def _reset(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def _driver_widgets(ctx: AppContext, section: ModelSection, model: ThesisModel) -> dict[str, float]:
    """One slider per ranged driver (within [low, high]), a number box per fixed one.

    Returns:
        ``{driver: value}`` for the drivers the user moved away from the base case.
    """
    t = ctx.t
    prefix = f"md.{section.key}."
    st.subheader(t("model_drivers"))
    st.caption(t("model_drivers_note"))
    st.button(t("model_reset"), on_click=_reset, args=(prefix + "d.",), key=prefix + "reset")
    overrides: dict[str, float] = {}
    for name, spec in model.spec.drivers.items():
        if spec.constant:
            continue
        unit = ctx.t.input_unit(model.unit_text(name), name)
        label = f"{name} ({unit})" if unit else name
        base = float(spec.value)
        title = t.shared.model_title(spec.title or "", spec.title_zh) or None
        if spec.has_range and spec.low != spec.high:
            assert spec.low is not None and spec.high is not None
            low, high = min(spec.low, base), max(spec.high, base)
            value = st.slider(
                label,
                min_value=float(low),
                max_value=float(high),
                value=base,
                step=(high - low) / _SLIDER_STEPS,
                format="%.4g",
                help=title,
                key=prefix + "d." + name,
            )
            # the slider's own min/max marks show only on hover: state the range under it
            st.caption(
                t(
                    "model_slider_range",
                    low=fmt_num(low),
                    base=fmt_num(base),
                    high=fmt_num(high),
                    unit=unit,
                ).strip()
            )
        else:
            value = st.number_input(
                label,
                value=base,
                step=abs(base) / 10 if base else 1.0,
                format="%g",
                help=title,
                key=prefix + "d." + name,
            )
        if value != base:
            overrides[name] = float(value)
    return overrides


def _row_title(ctx: AppContext, row: dict[str, Any]) -> str | None:
    """A tree row's title in the reader's language (English when untranslated)."""
    return ctx.t.shared.model_title(row.get("title") or "", row.get("title_zh")) or None


def _output(ctx: AppContext, section: ModelSection, evaluation: Evaluation) -> None:
    t = ctx.t
    output = evaluation.output
    unit = evaluation.units[output]
    st.metric(
        f"{t('model.output')}: {output}",
        t.value(evaluation.value, unit, output),
        help=next((_row_title(ctx, r) for r in section.tree if r["name"] == output), None),
    )
    st.caption(t("model_base_case", value=t.value(section.base.value, unit, output)))


def _tree(ctx: AppContext, section: ModelSection, evaluation: Evaluation, moved: list[str]) -> None:
    t = ctx.t
    labels = {
        row["name"]: f"{row['name']}\n"
        + t.value(evaluation.values[row["name"]], evaluation.units[row["name"]], row["name"])
        for row in section.tree
    }
    st.subheader(t("model_tree"))
    st.graphviz_chart(
        charts.tree_dot(section.tree, labels, output=evaluation.output, changed=moved),
        width="stretch",
    )


def _values(ctx: AppContext, section: ModelSection, evaluation: Evaluation) -> None:
    """Every node's value and the scenarios, in full-width tables (the formulas and
    descriptions do not fit the tree's column)."""
    t = ctx.t
    table = pd.DataFrame(
        {
            t("model.name"): [r["name"] for r in section.tree],
            t("col_kind"): [t(f"kind_{r['kind']}") for r in section.tree],
            t("kpi.value"): [
                t.shown(evaluation.values[r["name"]], evaluation.units[r["name"]], r["name"])[0]
                for r in section.tree
            ],
            t("label.unit"): [t.unit(evaluation.units[r["name"]], r["name"]) for r in section.tree],
            t("col_formula"): [r["expr"] or "" for r in section.tree],
            t("col_title"): [_row_title(ctx, r) or "" for r in section.tree],
        }
    )
    with st.expander(t("model_table"), expanded=False):
        # a static table wraps long formulas and descriptions instead of cutting them
        st.table(table, hide_index=True)
    if section.scenarios:
        with st.expander(t("model.scenarios")):
            unit = section.base.units[section.output]
            rows = {
                t("model.base"): section.base,
                **{t.name("scenario", k): v for k, v in section.scenarios.items()},
            }
            st.dataframe(
                pd.DataFrame(
                    {
                        t("model_scenario"): list(rows),
                        section.output: [
                            t.value(e.value, unit, section.output) for e in rows.values()
                        ],
                    }
                ),
                hide_index=True,
            )


def _monte_carlo(ctx: AppContext, section: ModelSection, model: ThesisModel) -> None:
    t = ctx.t
    st.subheader(t("model.monte_carlo"))
    if not any(d.has_range for d in model.spec.drivers.values()):
        st.info(t("mc_none"))
        return
    st.caption(t("mc_note"))
    cfg = ctx.project.config.monte_carlo
    prefix = f"mc.{section.key}."
    built = section.monte_carlo.target if section.monte_carlo is not None else None
    columns = st.columns(4 if built else 3)
    draws = columns[0].number_input(
        t("mc_draws"), 1_000, 2_000_000, int(cfg.draws), step=10_000, key=prefix + "draws"
    )
    seed = columns[1].number_input(
        t("model.seed"), 0, 2**31 - 1, int(cfg.seed), key=prefix + "seed"
    )
    target = None
    if built:
        name, op, value = built
        threshold = columns[2].number_input(
            t("mc_threshold", output=name, op=op), value=float(value), key=prefix + "threshold"
        )
        target = f"{name}{op}{threshold:g}"
    with columns[-1]:
        st.write("")
        if st.button(t("mc_run"), type="primary", key=prefix + "run"):
            st.session_state[prefix + "request"] = (int(draws), int(seed), target)
    request = st.session_state.get(prefix + "request")
    if request is None:
        st.caption(t("mc_prompt"))
        return
    try:
        with st.spinner(t("model.monte_carlo")):
            summary = data.run_monte_carlo(section.file, *request)
    except AithesisError as exc:
        st.error(f"{t('mc_failed')}: {exc}")
        return
    _show_summary(ctx, summary, request[2])


def _show_summary(ctx: AppContext, summary: Any, target: str | None) -> None:
    t = ctx.t
    unit = t.unit(summary.unit, summary.output)
    k = t.shared.factor(summary.unit)  # figures and axis in the unit the labels name
    cards = st.columns(5 if summary.probability is not None else 4)
    if summary.probability is not None:
        cards[0].metric(f"P({target})", fmt_pct(summary.probability))
    suffix = f" ({unit})" if unit else ""
    for column, (label, value) in zip(
        cards[-4:],
        [
            (t("model.mean"), summary.mean),
            ("P5", summary.percentiles["p5"]),
            ("P50", summary.percentiles["p50"]),
            ("P95", summary.percentiles["p95"]),
        ],
        strict=True,
    ):
        column.metric(label + suffix, t.shown(value, summary.unit, summary.output)[0])
    target_value = summary.target[2] * k if summary.target else None
    st.plotly_chart(
        charts.histogram_figure(
            summary.counts,
            summary.edges * k,
            title=t("mc_histogram", output=summary.output),
            x_title=f"{summary.output} ({unit})" if unit else summary.output,
            y_title=t("mc_count"),
            target=target_value,
            target_label=target or "",
        ),
        key="mc.histogram",
    )
    contribution = summary.contribution
    if len(contribution):
        st.plotly_chart(
            charts.bar_figure(
                list(contribution["driver"]),
                contribution["contribution"].to_numpy(),
                title=t("mc_contribution"),
                text=[fmt_pct(v) for v in contribution["contribution"]],
                percent=True,
                horizontal=True,
            ),
            key="mc.contribution",
        )


def render(ctx: AppContext) -> None:
    """Draw the Model page."""
    t = ctx.t
    st.title(t("model_title"))
    sections = ctx.results.models
    if not sections:
        st.info(t("model_none"))
        return
    key = select(
        t("model_choose"),
        [s.key for s in sections],
        key="md.choice",
        lang=ctx.lang,
        format_func=lambda k: _title(ctx, ctx.results.model(k)),
    )
    section = ctx.results.model(key)
    model = data.thesis_model(section.file)
    description = (
        section.description_zh if ctx.lang == "zh" and section.description_zh else None
    ) or section.description
    if description:
        st.caption(description)
    if section.source:
        st.caption(t("model_source", source=section.source))
    left, right = st.columns([2, 3], gap="large")
    with left:
        overrides = _driver_widgets(ctx, section, model)
    with right:
        try:
            evaluation = model.evaluate(overrides=overrides)
        except AithesisError as exc:
            st.error(f"{t('model_eval_failed')}: {exc}")
            return
        _output(ctx, section, evaluation)
        _tree(ctx, section, evaluation, list(overrides))
    _values(ctx, section, evaluation)
    _monte_carlo(ctx, section, model)
