"""Groups of companies and their KPI aggregates (e.g. the US hyperscalers' capex).

A group is a named list of members; a member matches a fact by entity slug or ticker
(case-insensitive). Built-in groups (package data ``groups.yaml``): ``us_hyperscalers``
(MSFT, AMZN, GOOGL, META) and ``china_cloud`` (Alibaba, Tencent, Baidu). Users add or
override groups with a YAML file of the same shape::

    groups:
      my_group:
        description: optional text
        members: [nvidia, AMD]        # entity slugs or tickers
        tickers: [NVDA, AMD]          # optional, parallel to members

Aggregation is by *calendar* period: each member's fact is placed in the calendar
quarter (or year) holding the midpoint of its own period, so Microsoft's fiscal Q3
(January-March) adds to Amazon's calendar Q1. A period is complete when every member
has a fact; incomplete periods aggregate to NaN unless ``allow_partial``. Values are
converted to one unit explicitly; different currencies need an ``fx`` mapping.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from aithesis.errors import DataError, SpecError
from aithesis.kpi.growth import pick_one_per_period
from aithesis.kpi.periods import calendar_bounds, calendar_label, parse_period, period_bounds
from aithesis.kpi.units import UNITS
from aithesis.specfile import load_yaml_model

__all__ = [
    "AGGREGATE_COLUMNS",
    "Group",
    "aggregate_group",
    "builtin_groups_path",
    "group_shares",
    "load_groups",
    "resolve_group",
]

AGGREGATE_COLUMNS: tuple[str, ...] = (
    "group",
    "metric",
    "period",
    "period_end",
    "value",
    "unit",
    "currency",
    "n_members",
    "members_present",
    "members_missing",
    "complete",
)
_REPORTED = ("actual", "derived")


@dataclass(frozen=True)
class Group:
    """A named set of members (entity slugs or tickers)."""

    name: str
    members: tuple[str, ...]
    tickers: tuple[str | None, ...]
    description: str = ""

    def member_of(self, entity: str | None, ticker: str | None) -> str | None:
        """The member a fact belongs to (its name in ``members``), or None."""
        ent = entity.lower() if isinstance(entity, str) else ""
        tick = ticker.upper() if isinstance(ticker, str) else ""
        for name, alias in zip(self.members, self.tickers, strict=True):
            if ent == name.lower() or (tick and tick in (name.upper(), (alias or "").upper())):
                return name
        return None


class _GroupSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = ""
    members: list[str] = Field(min_length=1)
    tickers: list[str] | None = None


class _GroupsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groups: dict[str, _GroupSpec]


def builtin_groups_path() -> Path:
    """Path of the built-in ``groups.yaml``."""
    return Path(str(resources.files("aithesis.kpi") / "data" / "groups.yaml"))


def _read_groups(path: Path) -> dict[str, Group]:
    if not path.is_file():
        raise SpecError("groups file not found", file=path)
    spec, _ = load_yaml_model(_GroupsFile, path)
    groups: dict[str, Group] = {}
    for name, g in spec.groups.items():
        tickers = g.tickers if g.tickers is not None else [None] * len(g.members)
        if len(tickers) != len(g.members):
            raise SpecError(
                "tickers must be as long as members", file=path, field=f"groups.{name}.tickers"
            )
        groups[name] = Group(name, tuple(g.members), tuple(tickers), g.description)
    return groups


def load_groups(path: str | Path | None = None) -> dict[str, Group]:
    """Built-in groups, overridden and extended by the user's YAML at ``path``.

    Raises:
        SpecError: the user's file is missing, not YAML, or not of the documented shape
            (names file and key).
    """
    groups = _read_groups(builtin_groups_path())
    if path is not None:
        groups.update(_read_groups(Path(path)))
    return groups


def resolve_group(name: str, groups: Mapping[str, Group]) -> Group:
    """The group called ``name``.

    Raises:
        DataError: unknown group, listing the known ones.
    """
    if name not in groups:
        raise DataError(
            f"unknown group {name!r}",
            field="group",
            hint="known groups: " + ", ".join(sorted(groups)) + "; add your own with --groups FILE",
        )
    return groups[name]


def _to_target(value: float, unit: str, target: str, fx: Mapping[str, float] | None) -> float:
    src, dst = UNITS[unit], UNITS[target]
    if src.dimension != dst.dimension:
        raise DataError(f"cannot add {unit} to {target}", field="unit")
    rate = 1.0
    if src.currency != dst.currency:
        if not fx or src.currency not in fx:
            raise DataError(
                f"members report in {src.currency} and {dst.currency}",
                field="unit",
                hint=f"pass fx={{'{src.currency}': <{dst.currency} per {src.currency}>}} "
                "or a unit in one currency",
            )
        rate = float(fx[src.currency])
    return value * src.factor * rate / dst.factor


def _aligned(
    facts: pd.DataFrame,
    group: Group,
    *,
    freq: str,
    unit: str | None,
    fx: Mapping[str, float] | None,
) -> tuple[pd.DataFrame, str]:
    """Long frame (member, period, value in target unit) of the group's reported facts."""
    rows = facts[facts["kind"].isin(_REPORTED)] if not facts.empty else facts
    picked = []
    for _, r in rows.iterrows():
        member = group.member_of(r["entity"], r.get("ticker"))
        if member is None:
            continue
        try:
            period = parse_period(r["fiscal_period"])
        except ValueError as exc:  # a label stored before periods were bounded
            raise DataError(
                f"{r['entity']} {r['metric']}: {exc}",
                field="fiscal_period",
                hint="re-import the fact with a valid period",
            ) from None
        if period.freq != freq:
            continue
        start, end = period_bounds(
            period, _as_date(r.get("period_start")), _as_date(r.get("period_end"))
        )
        if start is None or end is None:
            raise DataError(
                f"{r['entity']} {r['metric']} {period.label}: fiscal period without period_end",
                field="period_end",
                hint="give the fact a period_end so it can be placed on the calendar",
            )
        picked.append({**r.to_dict(), "member": member, "cal": calendar_label(start, end, freq)})
    if not picked:
        return pd.DataFrame(columns=["member", "period", "value"]), unit or ""
    frame = pd.DataFrame(picked)
    frame = pick_one_per_period(frame.assign(entity=frame["member"], fiscal_period=frame["cal"]))
    target = unit or str(frame.sort_values("cal").iloc[-1]["unit"])
    if target not in UNITS:
        raise DataError(f"unknown unit {target!r}", field="unit")
    values = [
        _to_target(float(v), str(u), target, fx)
        for v, u in zip(frame["value"], frame["unit"], strict=True)
    ]
    out = pd.DataFrame({"member": frame["member"], "period": frame["cal"], "value": values})
    return out.sort_values(["period", "member"]).reset_index(drop=True), target


def _as_date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def aggregate_group(
    facts: pd.DataFrame,
    group: Group,
    *,
    metric: str,
    freq: str = "Q",
    unit: str | None = None,
    allow_partial: bool = False,
    fx: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Sum a metric over a group's members per calendar period.

    Args:
        facts: fundamentals rows of ``metric`` (other metrics are ignored); only
            reported facts (``actual``, ``derived``) are added.
        group: the group.
        metric: the metric name (for the output and filtering).
        freq: ``Q`` (calendar quarters), ``H`` or ``Y``.
        unit: output unit (default: the unit of the latest member fact).
        allow_partial: sum the members present even when some are missing.
        fx: target-currency units per one unit of each other currency.

    Returns:
        DataFrame with :data:`AGGREGATE_COLUMNS`, one row a calendar period.

    Raises:
        DataError: units that cannot be added, or a fiscal fact without dates.
    """
    if freq not in ("Q", "H", "Y"):
        raise DataError(f"unknown frequency {freq!r}", field="freq", hint="use Q, H or Y")
    subset = facts[facts["metric"] == metric] if not facts.empty else facts
    long, target = _aligned(subset, group, freq=freq, unit=unit, fx=fx)
    rows = []
    for period, part in long.groupby("period", sort=True):
        present = [m for m in group.members if m in set(part["member"])]
        missing = [m for m in group.members if m not in present]
        complete = not missing
        total = float(part["value"].sum()) if (complete or allow_partial) else math.nan
        rows.append(
            {
                "group": group.name,
                "metric": metric,
                "period": period,
                "period_end": calendar_bounds(parse_period(period))[1],
                "value": total,
                "unit": target,
                "currency": UNITS[target].currency if target in UNITS else None,
                "n_members": len(present),
                "members_present": ",".join(present),
                "members_missing": ",".join(missing),
                "complete": complete,
            }
        )
    return pd.DataFrame(rows, columns=list(AGGREGATE_COLUMNS))


def group_shares(
    facts: pd.DataFrame,
    group: Group,
    *,
    metric: str,
    freq: str = "Q",
    unit: str | None = None,
    fx: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Each member's share of the group total per calendar period (complete periods only).

    Returns:
        DataFrame ``member, period, value, unit, group_total, share`` (share in decimal;
        the shares of a period sum to 1).
    """
    subset = facts[facts["metric"] == metric] if not facts.empty else facts
    long, target = _aligned(subset, group, freq=freq, unit=unit, fx=fx)
    if long.empty:
        return pd.DataFrame(columns=["member", "period", "value", "unit", "group_total", "share"])
    counts = long.groupby("period")["member"].transform("nunique")
    long = long[counts == len(group.members)].copy()
    long["group_total"] = long.groupby("period")["value"].transform("sum")
    long["share"] = long["value"] / long["group_total"]
    long["unit"] = target
    return long.loc[:, ["member", "period", "value", "unit", "group_total", "share"]].reset_index(
        drop=True
    )
