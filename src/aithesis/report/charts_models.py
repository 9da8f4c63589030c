"""Figures of thesis models and KPIs: tornado, Monte Carlo histogram, KPI and group bars.

Drawn from :class:`~aithesis.project.results.ModelSection` and the KPI tables of
:class:`~aithesis.project.results.KpiSection`; the only arithmetic is what plotting needs
(bar offsets from the base case, bin centres, shares of draws per bin). Re-exported by
:mod:`aithesis.report.charts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from aithesis.project.results import ModelSection
from aithesis.report.i18n import Translator
from aithesis.report.plotstyle import NEG, PALETTE, style

__all__ = ["kpi_group", "kpi_series", "model_panel_height", "monte_carlo", "tornado"]

MC_HEIGHT = 380  # px: the Monte Carlo histogram, and the least a tornado is drawn at


def model_panel_height(model: ModelSection) -> int:
    """Height (px) of both model figures, drawn side by side: the tornado needs 34 px
    per driver; the histogram is stretched to the same height, so that neither column
    of the pair is left half empty."""
    n = len(model.tornado.drivers) if model.tornado is not None else 0
    return max(MC_HEIGHT, 34 * n + 120)


def _axis_title(name: str, unit: str, t: Translator) -> str:
    """``market_cap ($bn)``; the name alone when the output has no unit (no ``()``)."""
    label = t.unit(unit, name=name)
    return f"{name} ({label})" if label else name


PLAIN_TICKS = {"tickformat": ",~r", "exponentformat": "none"}
"""Value axes: plain figures in the unit the title names (``40,000`` 亿美元), never an SI
suffix (``40k``, ``80B``) that no Chinese (or finance) reader writes."""


def tornado(model: ModelSection, t: Translator) -> go.Figure:
    """One-at-a-time sensitivity: the output with each driver at its low and high."""
    tor = model.tornado
    order = list(range(len(tor.drivers)))[::-1]  # largest swing on top
    labels = [f"{tor.drivers[i]} ({t.num(tor.low[i])} – {t.num(tor.high[i])})" for i in order]
    k = t.factor(tor.unit)  # the axis in the unit its title names (RMB bn, not 亿元)
    low = np.array([tor.out_low[i] for i in order]) * k
    high = np.array([tor.out_high[i] for i in order]) * k
    centre = tor.base * k
    fig = go.Figure()
    for name, values, color in (
        (t("chart.at_low"), low, "#8fb8de"),
        (t("chart.at_high"), high, PALETTE[0]),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=values - centre,
                base=centre,
                orientation="h",
                name=name,
                marker_color=color,
                customdata=values,
                hovertemplate="%{y}<br>" + name + ": %{customdata:,.4g}<extra></extra>",
            )
        )
    fig.add_vline(x=centre, line={"color": "#333", "width": 1})
    base = t("chart.base_value", value=t.num(tor.base, tor.unit, name=model.output))
    height = model_panel_height(model)
    # bars at most ~40 px thick: one driver in a 380 px panel is a bar, not a block
    row = (height - 100) / max(len(labels), 1)
    style(fig, height, barmode="overlay", bargap=max(0.15, 1.0 - 40.0 / row))
    fig.update_layout(margin={"l": 10, "r": 30, "t": 50, "b": 50})
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(title_text=f"{_axis_title(model.output, tor.unit, t)} · {base}", **PLAIN_TICKS)
    return fig


def monte_carlo(model: ModelSection, t: Translator) -> go.Figure:
    """Histogram of the simulated output with the target line and P(target)."""
    mc = model.monte_carlo
    k = t.factor(mc.unit)  # the axis in the unit its title names
    edges = mc.edges * k
    centres = (edges[:-1] + edges[1:]) / 2.0  # bar positions for plotting
    fig = go.Figure(
        go.Bar(
            x=centres,
            y=mc.counts / mc.n,
            width=np.diff(edges),
            marker_color="#8fb8de",
            marker_line={"color": "#5a8fc0", "width": 0.5},
            showlegend=False,
            hovertemplate="%{x:,.4g}<br>" + t("chart.share_of_draws") + ": %{y:.2%}<extra></extra>",
        )
    )
    for key in ("p5", "p50", "p95"):
        if key in mc.percentiles:
            at = mc.percentiles[key] * k
            fig.add_vline(x=at, line={"color": "#777", "width": 1, "dash": "dot"})
            fig.add_annotation(
                x=at,
                y=0.62,
                yref="paper",
                xanchor="right",
                showarrow=False,
                text=t(f"label.{key}"),
                textangle=-90,
                font={"size": 10, "color": "#555"},
            )
    if mc.target is not None:
        name, op, value = mc.target
        fig.add_vline(x=value * k, line={"color": NEG, "width": 2.5})
        text = t(
            "chart.p_target",
            output=name,
            op=op.replace(">=", "≥").replace("<=", "≤"),
            target=t.num(value, mc.unit, name=name),
            probability=t.pct(mc.probability),
        )
        # above the plot area, so the label never covers the bars
        fig.add_annotation(
            x=0.0,
            xref="paper",
            y=1.02,
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            text=f"<b>{text}</b>",
            font={"color": NEG, "size": 13},
        )
    style(fig, model_panel_height(model), bargap=0, margin={"l": 60, "r": 30, "t": 50, "b": 50})
    fig.update_xaxes(title_text=_axis_title(mc.output, mc.unit, t), **PLAIN_TICKS)
    fig.update_yaxes(title_text=t("chart.share_of_draws"), tickformat=".1%")
    return fig


def _quarters(periods: list[pd.Period]) -> list[str]:
    """Every calendar quarter from the first to the last of ``periods`` (``2024Q1`` ...),
    so a quarter without data is an empty slot on the axis, not skipped."""
    if not periods:
        return []
    return [str(q) for q in pd.period_range(min(periods), max(periods), freq="Q")]


def _quarter(value: object) -> pd.Period | None:
    """The calendar quarter of a date or of a ``2024Q1`` label (None if neither)."""
    try:
        return pd.Period(value, freq="Q")  # type: ignore[call-overload]
    except (ValueError, TypeError):
        return None


def _missing_marks(fig: go.Figure, axis: list[str], present: set[str], t: Translator) -> None:
    """Label each quarter of ``axis`` without a value ("no data")."""
    for q in axis:
        if q not in present:
            fig.add_annotation(
                x=q,
                y=0,
                yanchor="bottom",
                text=t("chart.no_data"),
                showarrow=False,
                textangle=-90,
                font={"size": 10, "color": "#888"},
            )


MANY_BARS = 8  # more bars than this: the bars carry no QoQ/YoY text (it is in the hover)
PLOT_WIDTH = 480  # px: the plot area of a KPI figure in a half-width report column
EVENT_ROW = 20  # px between two rows of event labels above the plot
_EVENT_PAD = 8  # px: a label's box padding (both sides) and the gap kept between labels


def _text_width(text: str, size: float = 10) -> float:
    """Estimated width (px) of ``text`` at font ``size``: CJK characters are about one
    em wide, Latin ones about 0.6 em (a generous average, so estimates err wide)."""
    return sum(size * (1.0 if ord(c) >= 0x2E80 else 0.62) for c in text) + _EVENT_PAD


def event_rows(slots: list[float], widths: list[float], n_slots: int) -> list[tuple[int, str]]:
    """Row (0 = nearest the plot) and ``xanchor`` of each event label, so that no two
    labels of a row overlap.

    ``slots`` are the labels' category positions (0 .. ``n_slots - 1``), ``widths`` their
    estimated widths in px on a plot :data:`PLOT_WIDTH` px wide. A label is centred on
    its slot, or ends there (starts there) when centred it would leave the figure on the
    right (left). Greedy, left to right: each label takes the lowest row whose labels all
    end left of its start (plus a gap)."""
    px = PLOT_WIDTH / max(n_slots, 1)
    ends: list[float] = []  # right edge (px) of the last label of each row
    out = [(0, "center")] * len(slots)
    for i in sorted(range(len(slots)), key=lambda j: slots[j]):
        at, w = (slots[i] + 0.5) * px, widths[i]
        anchor, left = "center", at - w / 2
        if left + w > PLOT_WIDTH + 15:  # the figure's right margin is 20 px
            anchor, left = "right", at - w
        elif left < -50:  # ... and its left margin 60 px
            anchor, left = "left", at
        row = next((r for r, end in enumerate(ends) if left >= end + _EVENT_PAD), len(ends))
        if row == len(ends):
            ends.append(-1e9)
        ends[row] = left + w
        out[i] = (row, anchor)
    return out


def _event_marks(
    fig: go.Figure,
    marks: list[tuple[int, str, float]],
    rows: list[tuple[int, str]],
    top: float,
) -> None:
    """Each event period's label above the plot area in its row and anchor (from
    :func:`event_rows`) and a dotted line from the top of the axis (``top``) down to the
    ``y`` given (data units: above its bar's label)."""
    for (slot, text, y0), (row, anchor) in zip(marks, rows, strict=True):
        fig.add_shape(
            type="line",
            x0=slot,
            x1=slot,
            xref="x",
            y0=min(y0, top),
            y1=top,
            yref="y",
            line={"color": "rgba(200,85,61,0.7)", "width": 1, "dash": "dot"},
            layer="below",
        )
        fig.add_annotation(
            x=slot,
            xanchor=anchor,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            yshift=4 + EVENT_ROW * row,
            text=text,
            showarrow=False,
            font={"size": 10, "color": "#fff"},
            bgcolor="rgba(200,85,61,0.85)",
            borderpad=3,
        )


def kpi_series(table: pd.DataFrame, events: pd.DataFrame, t: Translator) -> go.Figure:
    """Quarterly bars of one KPI with QoQ/YoY labels and the events each period overlaps.

    Up to :data:`MANY_BARS` bars each read value, QoQ and YoY; a longer series labels its
    latest bar with the value only (every bar's figures are in the hover). Events are
    dotted lines with their labels above the plot, staggered so that none overlap."""
    keys = dict(zip(events["label"], events["key"], strict=False)) if len(events) else {}
    # quarterly bars: a series that also holds fiscal years (SEC 10-K rows) would put a
    # year's total on the slot of its last quarter; the years stay in the table under it
    quarterly = table["fiscal_period"].astype(str).str.contains("Q", regex=False)
    if quarterly.any() and not quarterly.all():
        table = table[quarterly.to_numpy()]
    unit = table["unit"].iloc[-1] if len(table) else ""
    k = t.factor(unit)  # bars in the unit the axis names (RMB bn in English, 亿元 in Chinese)
    full = []
    for row in table.itertuples():
        parts = [t.shown(row.value, unit)[0]]
        if pd.notna(row.qoq):
            parts.append(t("label.qoq_value", value=t.pct(row.qoq, signed=True)))
        if pd.notna(row.yoy):
            parts.append(t("label.yoy_value", value=t.pct(row.yoy, signed=True)))
        full.append("<br>".join(parts))
    many = len(table) > MANY_BARS
    texts = full
    if many:
        texts = [""] * (len(full) - 1) + [t.shown(table["value"].iloc[-1], unit)[0]]
    quarters = [_quarter(d) for d in table["period_end"]]
    calendar = all(q is not None for q in quarters)
    # bars sit on calendar quarters (of the period end); the fiscal label is in the hover
    xs = [str(q) for q in quarters] if calendar else [str(p) for p in table["fiscal_period"]]
    fiscal = [str(p) for p in table["fiscal_period"]]
    fig = go.Figure(
        go.Bar(
            x=xs,
            y=table["value"] * k,
            text=texts,
            textposition="outside",
            constraintext="none" if many else "both",  # a thin bar's label stays legible
            marker_color=PALETTE[0],
            showlegend=False,
            cliponaxis=False,
            customdata=list(zip(fiscal, full, strict=True)),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )
    )
    axis = xs
    if calendar:
        axis = _quarters([q for q in quarters if q is not None])
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=axis,
            range=[-0.5, len(axis) - 0.5],
        )
        _missing_marks(fig, axis, set(xs), t)
    marks = []  # (slot, label, bar index): one label per period with events
    for i, (x, row) in enumerate(zip(xs, table.itertuples(), strict=True)):
        labels = [s.strip() for s in str(row.events or "").split(";") if s.strip()]
        if labels:  # its events in the reader's language
            text = " · ".join(t.label("event", keys[s]) if s in keys else s for s in labels)
            marks.append((axis.index(x), text, i))
    widths = [_text_width(text) for _, text, _ in marks]
    rows = event_rows([m[0] for m in marks], widths, len(axis))
    n_rows = max((r for r, _ in rows), default=-1) + 1
    height, margin = 380 + EVENT_ROW * max(n_rows - 1, 0), 30 + EVENT_ROW * n_rows
    top = (float(table["value"].max()) * k if len(table) else 1.0) * (1.12 if many else 1.35)
    per_px = top / (height - margin - 40)  # data units per px of the plot area
    lines = [(text.count("<br>") + 1 if text else 0) * 15 + 4 for text in texts]  # px
    values = (table["value"] * k).to_numpy()
    y0 = [float(values[i]) + lines[i] * per_px for _, _, i in marks]
    _event_marks(fig, [(m[0], m[1], y) for m, y in zip(marks, y0, strict=True)], rows, top)
    # a long series' latest value may be wider than its bar: room for it on the right
    style(fig, height, margin={"l": 60, "r": 36 if many else 20, "t": margin, "b": 40})
    fig.update_yaxes(title_text=t.unit(unit), range=[0, top], **PLAIN_TICKS)
    return fig


# a group summed in whole currency units is drawn in 亿 (1e8): the Translator then labels
# the axis $bn / RMB bn in English (x 0.1) and 亿美元 / 亿元 in Chinese, as its table
# writes the figures; code -> (axis unit, size of one axis unit in the code)
_AXIS_UNITS = {"USD": ("USD_100M", 1e8), "RMB": ("RMB_100M", 1e8)}


def kpi_group(table: pd.DataFrame, t: Translator) -> go.Figure:
    """A group's aggregate per period; incomplete periods (members missing) in grey.

    Up to :data:`MANY_BARS` bars carry their value (and "only n members reported");
    a longer history has them in the hover only. The y axis reads plain numbers in the
    unit its title names (``$bn``, ``亿美元``, ``亿元``), never an SI suffix (``80B``)."""
    colors = [PALETTE[2] if bool(c) else "#b0b7bf" for c in table["complete"]]
    unit = table["unit"].iloc[-1] if len(table) else ""
    axis_unit, size = _AXIS_UNITS.get(unit, (unit, 1.0))
    k = t.factor(axis_unit) / size
    texts = [
        t.shown(v, unit)[0] + ("" if bool(c) else "<br>" + t("label.partial", n=int(n)))
        for v, c, n in zip(table["value"], table["complete"], table["n_members"], strict=True)
    ]
    hover = [
        text + "<br>" + t("chart.members_hover", present=p or "—", missing=m or "—")
        for text, p, m in zip(
            texts, table["members_present"], table["members_missing"], strict=True
        )
    ]
    periods = [str(p) for p in table["period"]]
    quarters = [_quarter(p) for p in periods]
    fig = go.Figure(
        go.Bar(
            x=periods,
            y=table["value"] * k,
            marker_color=colors,
            # a long history reads its figures in the hover only, as kpi_series does
            text=texts if len(texts) <= MANY_BARS else None,
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            showlegend=False,
            hovertemplate="%{x}<br>%{customdata}<extra></extra>",
        )
    )
    if (
        periods
        and all(q is not None for q in quarters)
        and all(str(q) == p for q, p in zip(quarters, periods, strict=True))
    ):
        axis = _quarters([q for q in quarters if q is not None])
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=axis,
            range=[-0.5, len(axis) - 0.5],
        )
        _missing_marks(fig, axis, set(periods), t)
    top = float(table["value"].max()) * k if len(table) else 1.0
    style(fig, 340, margin={"l": 60, "r": 20, "t": 30, "b": 40})
    fig.update_yaxes(title_text=t.unit(axis_unit), range=[0, top * 1.3], **PLAIN_TICKS)
    return fig
