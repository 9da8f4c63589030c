"""Record claims: an article's statement judged by the data then (article date) and since.

A ``kind: record`` claim's ``expr`` uses data functions (:data:`~aithesis.thesis.expr.
DATA_FUNCTIONS`); this module resolves their dates, reads each figure out of the
:class:`~aithesis.thesis.record_data.RecordData` the caller fetched (no I/O here), puts the
figures into the compiled formula and compares the result with ``claimed`` by the rules of
:mod:`aithesis.thesis.claims` (``=``, ``>=``, ``<=``, ``in``, ``plausible``; ``tol``).

Dates: ``article_date``; ``latest`` (the as-of date); ISO ``2024-06-14``; ``article_date +
12M`` / ``- 2M`` / ``+ 1Y`` / ``+ 30D``; a year ``2025`` (as a start: the last close of 2024;
as an end or a point: the last close of 2025). A date means the last close at or before it.

Two judgements, each with the data as it stood on its as-of date:

* **then** (as of the article date): ``ok`` / ``flagged`` for a statement about the past;
  ``not_yet`` for a forecast (a date after the article date).
* **since** (as of the latest data): ``ok`` / ``flagged`` for a statement about the past;
  for a forecast ``came_true`` / ``did_not_come_true`` once its horizon has passed, else
  ``not_yet``. A ``first_date`` claim came true on the first day the condition held (the
  date is the computed figure); with a horizon ``by`` that passed without it, it did not.

``no_data`` (naming what is missing) when a series or fact the claim reads is absent.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from aithesis.errors import DataError
from aithesis.thesis import expr as fx
from aithesis.thesis.record_data import PriceSeries, RecordData

__all__ = [
    "CAME_TRUE",
    "DID_NOT",
    "NOT_YET",
    "NO_DATA",
    "MissingData",
    "Resolver",
    "Verdict",
    "add_months",
    "judge",
    "resolve_date",
]

NOT_YET, CAME_TRUE, DID_NOT, NO_DATA = "not_yet", "came_true", "did_not_come_true", "no_data"
_REL = re.compile(r"^(article_date|latest)\s*([+-])\s*(\d{1,3})\s*([DMY])$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class MissingData(DataError):
    """A series or fact the claim reads is not in the record (status ``no_data``)."""


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` shifted by whole months, the day clamped to the month's length."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def resolve_date(arg: Any, article: dt.date, latest: dt.date, role: str = "end") -> dt.date:
    """A data-function date argument (AST node or text) as a calendar date.

    Args:
        role: ``"start"`` (a year means its eve: Dec 31 of the year before) or ``"end"``.

    Raises:
        DataError: not a date of the grammar in the module docstring.
    """
    if isinstance(arg, ast.Constant):
        arg = arg.value
    elif isinstance(arg, ast.Name):
        arg = arg.id
    if isinstance(arg, int) and not isinstance(arg, bool):
        return dt.date(arg - 1 if role == "start" else arg, 12, 31)
    text = str(arg).strip()
    if re.fullmatch(r"\d{4}", text):
        return resolve_date(int(text), article, latest, role)
    if text == "article_date":
        return article
    if text == "latest":
        return latest
    if _ISO.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    m = _REL.match(text)
    if m:
        base = article if m.group(1) == "article_date" else latest
        n = int(m.group(3)) * (1 if m.group(2) == "+" else -1)
        unit = m.group(4)
        if unit == "D":
            return base + dt.timedelta(days=n)
        return add_months(base, n * (12 if unit == "Y" else 1))
    raise DataError(
        f"{text[:40]!r} is not a date",
        hint="use article_date, 'article_date + 12M', latest, a year (2025) or 'YYYY-MM-DD'",
    )


def _text(arg: ast.expr) -> str:
    if isinstance(arg, ast.Name):
        return arg.id
    return str(arg.value)  # type: ignore[attr-defined]


_DATE_ARGS = {
    "close": ((1, "end"),),
    "market_cap": ((1, "end"),),
    "index_level": ((1, "end"),),
    "total_return": ((1, "start"), (2, "end")),
    "excess_return": ((2, "start"), (3, "end")),
}


def _upto(series: PriceSeries, as_of: dt.date) -> PriceSeries:
    """``series`` as of ``as_of``; an as-of date before its first close is an error."""
    out = series.upto(as_of)
    if not out.dates.size and series.dates.size:
        raise DataError(
            f"as of {as_of} is before the data of {series.ticker} (first close {series.dates[0]})",
            hint="pick a later date",
        )
    return out


class Resolver:
    """Figures of one claim's data calls, with the data as of ``as_of``.

    Args:
        data: the fetched record; article: the article date; as_of: the judgement's date.
    """

    def __init__(self, data: RecordData, article: dt.date, as_of: dt.date) -> None:
        self.data, self.article, self.as_of = data, article, as_of
        self.latest = data.latest or as_of

    def dates(self, call: ast.Call) -> list[dt.date]:
        """Every date the call reads (for first_date: its ``after`` date)."""
        name, args = call.func.id, call.args  # type: ignore[attr-defined]
        if name == "first_date":
            return [self.date(args[1])]
        if name in ("total_return", "excess_return") and len(args) == (2 if name[0] == "t" else 3):
            year = args[-1]
            return [self.date(year, "start"), self.date(year, "end")]
        if name == "kpi":  # a fiscal year's figure is known after the year (Dec 31 taken)
            period = _text(args[2])
            year = re.search(r"(\d{4})", period)
            return [dt.date(int(year.group(1)), 12, 31)] if year else []
        return [self.date(args[i], role) for i, role in _DATE_ARGS[name]]

    def date(self, arg: ast.expr, role: str = "end") -> dt.date:
        return resolve_date(arg, self.article, self.latest, role)

    def prices(self, arg: ast.expr) -> PriceSeries:
        ticker = _text(arg).upper()
        series = self.data.prices.get(ticker)
        if series is None:
            if ticker in self.data.missing:
                raise MissingData(self.data.missing[ticker])
            raise DataError(f"unknown ticker {ticker!r}: no prices in the store")
        return _upto(series, self.as_of)

    def index(self, arg: ast.expr) -> PriceSeries:
        """A built-in or project index's levels as of the as-of date (``close`` = level)."""
        name = _text(arg)
        series = self.data.indexes.get(name)
        if series is None:
            if f"index:{name}" in self.data.missing:
                raise MissingData(self.data.missing[f"index:{name}"])
            raise DataError(
                f"unknown index {name!r}: not a built-in index nor a project index given",
                hint="built-in: agix, ai-infra; a project's index by its file name",
            )
        return _upto(series, self.as_of)

    def _close(self, ticker: ast.expr, day: dt.date) -> tuple[PriceSeries, int]:
        series = self.prices(ticker)
        return series, series.index_at(day)

    def _tr(self, ticker: ast.expr, start: dt.date, end: dt.date) -> float:
        series = self.prices(ticker)
        i, j = series.index_at(start), series.index_at(end)
        return float(series.total[j] / series.total[i] - 1.0)

    def _shares(self, ticker: ast.expr) -> Any:
        key = _text(ticker).upper()
        shares = self.data.shares.get(key)
        if shares is None:
            raise MissingData(
                self.data.missing.get(f"shares:{key}", f"no shares-outstanding facts for {key}")
            )
        return shares

    def value(self, call: ast.Call) -> float:
        """The figure of one data call (not first_date)."""
        name, args = call.func.id, call.args  # type: ignore[attr-defined]
        if name == "close":
            series, i = self._close(args[0], self.date(args[1]))
            return float(series.close[i])
        if name == "index_level":
            series = self.index(args[0])
            return float(series.close[series.index_at(self.date(args[1]))])
        if name == "market_cap":
            series, i = self._close(args[0], self.date(args[1]))
            count = self._shares(args[0]).at(series.dates[i : i + 1], self.as_of)[0]
            if not np.isfinite(count):
                raise MissingData(
                    f"no shares outstanding of {_text(args[0]).upper()} filed at or before "
                    f"{series.dates[i]}"
                )
            return float(series.close[i] * count)
        if name == "total_return":
            start, end = self.dates(call)
            return self._tr(args[0], start, end)
        if name == "excess_return":
            start, end = self.dates(call)
            return self._tr(args[0], start, end) - self._tr(args[1], start, end)
        return self._kpi(*(_text(a) for a in args))

    def _kpi(self, entity: str, metric: str, period: str) -> float:
        period = f"FY{period}" if re.fullmatch(r"\d{4}", period) else period
        facts = [
            f
            for f in self.data.kpis
            if f.entity.upper() == entity.upper()
            and f.metric == metric
            and f.fiscal_period == period
            and f.as_of <= self.as_of
        ]
        if not facts:
            raise MissingData(
                f"no {metric} fact for {entity.upper()} {period} filed by {self.as_of}"
            )
        return float(max(facts, key=lambda f: f.as_of).value)

    def first(self, call: ast.Call) -> dt.date | None:
        """First trading day after ``after`` (to the as-of date) the condition held."""
        cond, after = call.args
        assert isinstance(cond, ast.Compare)
        inner = cond.left
        assert isinstance(inner, ast.Call)
        threshold = fx._fold(cond.comparators[0])
        op = fx._CMPOPS[type(cond.ops[0])]
        series = self.prices(inner.args[0])
        keep = series.dates > np.datetime64(self.date(after), "D")
        days, values = series.dates[keep], series.close[keep]
        if inner.func.id == "market_cap":  # type: ignore[attr-defined]
            values = values * self._shares(inner.args[0]).at(days, self.as_of)
        elif inner.func.id != "close":  # type: ignore[attr-defined]
            raise DataError("first_date() takes a condition on close() or market_cap()")
        with np.errstate(invalid="ignore"):
            hit = np.flatnonzero(op(values, threshold) & np.isfinite(values))
        return None if not hit.size else dt.date.fromisoformat(str(days[hit[0]]))


@dataclass(frozen=True)
class Verdict:
    """One judgement of a record claim: status, figure (float, ISO date text or None),
    relative error (NaN when not compared) and a note."""

    status: str
    computed: Any
    rel_error: float
    note: str = ""


def _compare(op: str, claimed: Any, value: float, tol: float) -> tuple[bool, float]:
    from aithesis.thesis.claims import _error

    rel, _ = _error(op, claimed, value, value, value)
    return rel <= tol + 1e-12, float(rel)


def judge(
    tree: ast.expr,
    fn: fx.Compiled,
    spec: Any,
    factor: float,
    data: RecordData,
    article: dt.date,
    as_of: dt.date,
) -> Verdict:
    """Judge one record claim with the data as of ``as_of`` (see the module docstring).

    Args:
        tree, fn: the validated and compiled ``expr`` (``compile_tree(..., data=True)``);
        spec: the :class:`~aithesis.thesis.spec.RecordClaimSpec`; factor: USD -> claim
        unit for money figures (1 otherwise).

    Raises:
        DataError: an unknown ticker, a date before the data or not a date (bad input).
    """
    res = Resolver(data, article, as_of)
    calls = fx.data_calls(tree)
    latest = data.latest or as_of
    if len(calls) == 1 and calls[0].func.id == "first_date":  # type: ignore[attr-defined]
        by = resolve_date(spec.by, article, latest) if spec.by else None
        try:
            found = res.first(calls[0])
        except MissingData as exc:
            return Verdict(NO_DATA, None, float("nan"), exc.message)
        past = by is not None and by <= article  # a statement about the past
        if found is not None and (by is None or found <= by):
            status = "ok" if past else CAME_TRUE
            return Verdict(status, found.isoformat(), float("nan"), f"first on {found}")
        if by is not None and by <= as_of:
            return Verdict("flagged" if past else DID_NOT, None, float("nan"), f"not by {by}")
        horizon = f"by {by}" if by else "open horizon"
        return Verdict(NOT_YET, None, float("nan"), f"not as of {as_of} ({horizon})")
    horizon = max((d for c in calls for d in res.dates(c)), default=article)
    forecast = horizon > article
    if horizon > as_of:
        return Verdict(NOT_YET, None, float("nan"), f"horizon {horizon} is after {as_of}")
    try:
        env = {fx.data_key(c): np.float64(res.value(c)) for c in calls}
    except MissingData as exc:
        return Verdict(NO_DATA, None, float("nan"), exc.message)
    with np.errstate(all="ignore"):
        value = float(fn(env)) * factor
    if not np.isfinite(value):
        return Verdict(NO_DATA, value, float("nan"), "the figure is not a finite number")
    holds, rel = _compare(spec.op, spec.claimed, value, spec.tol)
    if forecast:
        return Verdict(CAME_TRUE if holds else DID_NOT, value, rel)
    return Verdict("ok" if holds else "flagged", value, rel)
