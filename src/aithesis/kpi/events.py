"""Dated events that explain KPI moves, each citing where it comes from.

The articles explain Alibaba's and Tencent's capex dip in 2025Q1 by the Q4'24 GPU
stockpiling and the April 2025 H20 export ban (article 003); the AI trade is dated from
ChatGPT's release on 2022-11-30. Events are closed date windows; :func:`annotate` marks
every KPI period that overlaps one. Pure data and functions; no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

__all__ = ["EVENTS", "Event", "annotate", "events_between"]


@dataclass(frozen=True)
class Event:
    """A dated annotation.

    Attributes:
        key: short identifier (``h20_ban``).
        label: text for tables and charts.
        start, end: the window (inclusive); a one-day event has ``start == end``.
        detail: one sentence of context.
        source: the seed article file (or public record) it rests on.
        quote: the original sentence, verbatim in ``source`` when that is a seed file.
    """

    key: str
    label: str
    start: dt.date
    end: dt.date
    detail: str
    source: str
    quote: str | None = None


EVENTS: tuple[Event, ...] = (
    Event(
        "chatgpt_release",
        "ChatGPT release",
        dt.date(2022, 11, 30),
        dt.date(2022, 11, 30),
        "OpenAI releases ChatGPT (public record, 2022-11-30); the articles date the AI trade "
        "from it.",
        "000_6538086bb4349cd9.txt",
        "ChatGPT时刻以来",
    ),
    Event(
        "q4_2024_stockpiling",
        "Q4'24 GPU stockpiling",
        dt.date(2024, 10, 1),
        dt.date(2024, 12, 31),
        "Chinese internet majors stockpile H20 cards ahead of the US election, lifting "
        "Q4'24 capex.",
        "003_06e7966941b6a8a5.txt",
        "均在去年四季度进行了大规模的“囤卡”行为",
    ),
    Event(
        "deepseek_r1",
        "DeepSeek-R1",
        dt.date(2025, 1, 20),
        dt.date(2025, 1, 20),
        "DeepSeek releases R1 (public record, 2025-01-20); AI app usage spikes in February.",
        "004_e942007e0de8bd6e.txt",
        "DeepSeek-R1横空出世",
    ),
    Event(
        "h20_ban",
        "H20 export ban",
        dt.date(2025, 4, 1),
        dt.date(2025, 4, 15),
        "The US puts NVIDIA's H20 under export licensing in early April 2025; NVIDIA's 8-K of "
        "2025-04-15 flags up to ~$5.5B of charges.",
        "003_06e7966941b6a8a5.txt",
        "4月初就将H20纳入了新的出口限制清单",
    ),
)


def events_between(start: dt.date, end: dt.date, events: tuple[Event, ...] = EVENTS) -> list[Event]:
    """Events whose window overlaps [start, end] (inclusive), in date order."""
    hits = [e for e in events if e.start <= end and e.end >= start]
    return sorted(hits, key=lambda e: (e.start, e.key))


def annotate(
    frame: pd.DataFrame,
    *,
    start_column: str = "period_start",
    end_column: str = "period_end",
    events: tuple[Event, ...] = EVENTS,
) -> pd.DataFrame:
    """Copy of ``frame`` with an ``events`` column: '; '-joined labels of overlapping events.

    Rows without dates get an empty string. ``start_column`` may be absent, in which case
    the period is taken as the 3 months ending at ``end_column`` (a quarter).
    """
    out = frame.copy()
    labels = []
    for _, row in out.iterrows():
        end = row.get(end_column)
        if end is None or pd.isna(end):
            labels.append("")
            continue
        end_d = pd.Timestamp(end).date()
        start = row.get(start_column) if start_column in out else None
        if start is None or pd.isna(start):
            start_d = (pd.Timestamp(end_d) - pd.DateOffset(months=3) + pd.Timedelta(days=1)).date()
        else:
            start_d = pd.Timestamp(start).date()
        labels.append("; ".join(e.label for e in events_between(start_d, end_d, events)))
    out["events"] = labels
    return out
