"""Reading SEC companyfacts JSON safely: validated facts, fiscal calendar, currency.

Pure functions over the parsed payload (no client, no I/O), used by :mod:`.sec_xbrl`.

**Validation.** A payload is refused with one :class:`~aithesis.errors.ProviderError`
naming the source and the JSON path at fault (``us-gaap:Capex.units.USD[3].start``)
when the structure is not what the SEC serves (``facts``, a taxonomy, a concept or its
``units`` not an object; a unit's facts not a list of objects) or a fact that is read has
a bad field: ``end``/``filed``/``start`` not an ISO date between 1900 and 2200, ``start``
after ``end``, ``val`` not a finite number of magnitude below 1e18 (``10**400`` and
``1e400`` are refused), a boolean ``val``. Bodies nested too deep to parse or not JSON
are refused by :func:`parse_json`.

**Fiscal calendar** (:func:`fiscal_calendar`). Fiscal years come from *annual filings*:
the 12-month (350-380 day) durations reported in 10-K, 10-KT, 20-F or 40-F forms (and
their amendments) anywhere in the ``us-gaap``/``ifrs-full`` facts, the prior-year
comparatives included. A 12-month column in a 10-Q (a trailing-twelve-month figure) is
never a fiscal year. The year after the last annual filing starts the day after its end;
for years no annual filing covers, the start of 10-Q six- and nine-month year-to-date
values is used, and a 10-Q quarter starting 357-378 days after the last known start
opens the next year. A fiscal year is named for the calendar year it ends in, except that a
year ending in the first seven days of January is named for the previous year (52/53-week
years ending near 31 December); Microsoft's year to 2024-06-30 is ``FY2024``, NVIDIA's
year to 2026-01-25 ``FY2026``. The company is a *December* filer (quarters ``2024Q3``,
not ``FY2024Q3``) when its latest annual filing's year ends in December (or early
January). companyfacts carries no ``dei:DocumentFiscalPeriodFocus``/``CurrentFiscalYear
EndDate`` (those sit in the filings' cover pages only); the annual filings' own periods
are the cover data it does carry.

**Reporting currency** (:func:`reporting_currency`): the currency unit with the most
facts in the payload (USD for US filers, CNY for Baidu and Alibaba). Values in any other
currency are not read as actuals: a 20-F's USD "convenience translation" of the latest
year is a translation, not a reported figure.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aithesis.errors import ProviderError

__all__ = [
    "ANNUAL_FORMS",
    "BUILTIN_CIKS",
    "Fact",
    "FiscalCalendar",
    "entity_slug",
    "fiscal_calendar",
    "gap_warnings",
    "months",
    "parse_json",
    "read_facts",
    "reporting_currency",
    "taxonomy",
]

ANNUAL_FORMS = frozenset(
    {"10-K", "10-K/A", "10-KT", "10-KT/A", "10-K405", "20-F", "20-F/A", "40-F", "40-F/A"}
)
# ticker -> (CIK, entity slug); other tickers resolve through company_tickers.json.
BUILTIN_CIKS: dict[str, tuple[int, str]] = {
    "AAPL": (320193, "apple"),
    "MSFT": (789019, "microsoft"),
    "AMZN": (1018724, "amazon"),
    "GOOGL": (1652044, "alphabet"),
    "GOOG": (1652044, "alphabet"),
    "META": (1326801, "meta"),
    "NVDA": (1045810, "nvidia"),
    "TSLA": (1318605, "tesla"),
    "AVGO": (1730168, "broadcom"),
    "ORCL": (1341439, "oracle"),
    "CRM": (1108524, "salesforce"),
    "AMD": (2488, "amd"),
    "INTC": (50863, "intel"),
}


def entity_slug(ticker: str) -> str:
    """Built-in entity slug of ``ticker`` (``GOOGL`` -> ``alphabet``), else lower case."""
    symbol = ticker.upper()
    return BUILTIN_CIKS.get(symbol, (0, symbol.lower()))[1]


_QUARTERLY_FORMS = frozenset({"10-Q", "10-Q/A", "10-QT", "10-QT/A"})
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_ABS = 1e18
_YEARS = (1900, 2200)


def parse_json(body: bytes | str, *, where: str, what: str | None = None) -> Any:
    """Parse a JSON body; hostile bodies become one :class:`ProviderError` naming ``where``.

    Raises:
        ProviderError: not JSON, not UTF-8, or nested too deep for the parser.
    """
    about = f" for {what}" if what else ""
    try:
        return json.loads(body)
    except RecursionError:
        raise ProviderError(
            f"SEC payload{about} is nested too deep to be companyfacts JSON", file=where
        ) from None
    except (ValueError, TypeError):
        raise ProviderError(f"SEC returned something that is not JSON{about}", file=where) from None


@dataclass(frozen=True)
class Fact:
    """One filed value of one concept (dates are the value's own period)."""

    start: dt.date | None
    end: dt.date
    value: float
    filed: dt.date
    form: str
    accn: str
    fy: int | None
    fp: str | None
    concept: str
    rank: int = 0  # the concept's place in its metric's priority list (0 = first)


def months(start: dt.date, end: dt.date) -> int | None:
    """3, 6, 9 or 12 for a duration of about that many months, else None."""
    days = (end - start).days + 1
    for n, (lo, hi) in {3: (80, 100), 6: (170, 192), 9: (260, 285), 12: (350, 380)}.items():
        if lo <= days <= hi:
            return n
    return None


_PLAIN = re.compile(r"[\w.\-/ ]{1,100}")


def _name(key: Any) -> str:
    """A key as shown in an error: as is when plain, else quoted and cut (one line)."""
    text = str(key)
    return text if _PLAIN.fullmatch(text) else repr(text)[:60]


def _shown(value: Any) -> str:
    """A value as shown in an error, on one line and short."""
    return repr(value)[:40]


def _obj(value: Any, where: str, path: str) -> dict:
    if not isinstance(value, dict):
        raise ProviderError(
            f"is {type(value).__name__}, not an object as in SEC companyfacts",
            file=where,
            field=path,
            hint="the file is not an SEC companyfacts payload (or is damaged)",
        )
    return value


def taxonomy(facts: Any, name: str, where: str) -> dict:
    """``facts[name]`` checked to be an object (``{}`` when absent)."""
    return _obj(_obj(facts, where, "facts").get(name, {}), where, name)


def _units(facts: dict, tax: str, concept: str, where: str) -> dict[str, list]:
    name = f"{tax}:{_name(concept)}"
    node = _obj(taxonomy(facts, tax, where).get(concept, {}), where, name)
    units = _obj(node.get("units", {}), where, f"{name}.units")
    for key, items in units.items():
        if not isinstance(items, list):
            raise ProviderError(
                "is not a list of facts", file=where, field=f"{name}.units.{_name(key)}"
            )
    return units


def _date(item: dict, key: str, where: str, path: str, *, required: bool) -> dt.date | None:
    text = item.get(key)
    if text is None and not required:
        return None
    try:
        day = dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not _YEARS[0] <= day.year <= _YEARS[1]:
        raise ProviderError(
            f"{_shown(text)} is not a date YYYY-MM-DD between {_YEARS[0]} and {_YEARS[1]}",
            file=where,
            field=f"{path}.{key}",
        )
    return day


def _value(item: dict, where: str, path: str) -> float:
    raw = item.get("val")
    ok = isinstance(raw, int | float) and not isinstance(raw, bool)
    try:
        value = float(raw) if ok else math.nan
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or abs(value) >= _MAX_ABS:
        shown = _shown(raw) if not isinstance(raw, int) or abs(raw) < 10**30 else "a huge integer"
        raise ProviderError(
            f"{shown} is not a finite number below 1e18", file=where, field=f"{path}.val"
        )
    return value


def _text(value: Any) -> str:
    """A string field (form, accn); anything else reads as empty."""
    return value[:40] if isinstance(value, str) else ""


def _year(fy: Any) -> int | None:
    """The filing's ``fy`` as a year (None when absent or not a plausible year)."""
    if isinstance(fy, str) and fy.isdigit() and len(fy) == 4:
        fy = int(fy)
    if isinstance(fy, int) and not isinstance(fy, bool) and _YEARS[0] <= fy <= _YEARS[1]:
        return fy
    return None


def read_facts(
    facts: dict, tax: str, concept: str, unit: str, where: str, *, rank: int = 0
) -> list[Fact]:
    """Every fact of ``tax:concept`` in ``unit``, each validated (see the module docs)."""
    items = _units(facts, tax, concept, where).get(unit, [])
    out: list[Fact] = []
    for i, item in enumerate(items):
        path = f"{tax}:{_name(concept)}.units.{_name(unit)}[{i}]"
        _obj(item, where, path)
        end = _date(item, "end", where, path, required=True)
        start = _date(item, "start", where, path, required=False)
        filed = _date(item, "filed", where, path, required=True)
        assert end is not None and filed is not None
        if start is not None and start > end:
            raise ProviderError(f"start {start} is after end {end}", file=where, field=path)
        fy = item.get("fy")
        fp = item.get("fp")
        out.append(
            Fact(
                start,
                end,
                _value(item, where, path),
                filed,
                _text(item.get("form")),
                _text(item.get("accn")),
                _year(fy),
                fp if isinstance(fp, str) else None,
                concept,
                rank,
            )
        )
    return out


def units_of(facts: dict, tax: str, concept: str, where: str) -> list[str]:
    """Unit keys a concept has (``[]`` when the concept is absent)."""
    return list(_units(facts, tax, concept, where))


def reporting_currency(facts: dict, where: str) -> str:
    """The currency with the most facts across ``us-gaap``/``ifrs-full`` (default USD)."""
    counts: Counter[str] = Counter()
    for tax in ("us-gaap", "ifrs-full"):
        for concept in taxonomy(facts, tax, where):
            for key, items in _units(facts, tax, concept, where).items():
                if _CURRENCY.match(key):
                    counts[key] += len(items)
    return counts.most_common(1)[0][0] if counts else "USD"


def _spans(facts: dict, where: str) -> Iterator[tuple[str, dt.date, dt.date]]:
    """(form, start, end) of every well-formed duration fact (bad ones are skipped here;
    the facts actually read are validated by :func:`read_facts`)."""
    for tax in ("us-gaap", "ifrs-full"):
        for concept in taxonomy(facts, tax, where):
            for items in _units(facts, tax, concept, where).values():
                for item in items:
                    if not isinstance(item, dict):
                        continue
                    form, start, end = item.get("form"), item.get("start"), item.get("end")
                    if not (isinstance(start, str) and isinstance(end, str)):
                        continue
                    if not isinstance(form, str) or (
                        form not in ANNUAL_FORMS and form not in _QUARTERLY_FORMS
                    ):
                        continue
                    try:
                        s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
                    except ValueError:
                        continue
                    if _YEARS[0] <= s.year and e.year <= _YEARS[1]:
                        yield form, s, e


def year_label(end: dt.date) -> int:
    """Fiscal year name of a year ending on ``end`` (early January counts as December)."""
    return end.year - 1 if (end.month == 1 and end.day <= 7) else end.year


@dataclass(frozen=True)
class FiscalCalendar:
    """Fiscal-year starts of a company and how to name them (see the module docs).

    Attributes:
        starts: sorted fiscal-year start dates.
        names: fiscal-year name (``2024`` for FY2024) per start.
        annual: fiscal years (start -> end) known from annual filings.
        december: the latest annual year ends in December (quarters ``2024Q3``).
    """

    starts: tuple[dt.date, ...]
    names: dict[dt.date, int]
    annual: dict[dt.date, dt.date]
    december: bool

    def year(self, start: dt.date) -> int | None:
        """Name of the fiscal year starting on ``start`` (None if no year starts then)."""
        return self.names.get(start)

    def anchor(self, day: dt.date) -> dt.date | None:
        """Start of the fiscal year holding ``day`` (None before the first/after the last)."""
        best = None
        for s in self.starts:
            if s <= day:
                best = s
            else:
                break
        return best if best is not None and (day - best).days < 372 else None

    def quarter(self, year: int, n: int) -> str:
        """``2024Q3`` for a December filer, else ``FY2024Q3``."""
        return f"{year}Q{n}" if self.december else f"FY{year}Q{n}"


def fiscal_calendar(facts: dict, where: str) -> FiscalCalendar:
    """Fiscal years of the company from its annual filings (see the module docs)."""
    annual_count: Counter[tuple[dt.date, dt.date]] = Counter()
    ytd_starts: set[dt.date] = set()
    quarter_starts: set[dt.date] = set()
    for form, s, e in _spans(facts, where):
        n = months(s, e)
        if form in ANNUAL_FORMS and n == 12:
            annual_count[(s, e)] += 1
        elif form in _QUARTERLY_FORMS and n in (6, 9):
            ytd_starts.add(s)
        elif form in _QUARTERLY_FORMS and n == 3:
            quarter_starts.add(s)
    annual: dict[dt.date, dt.date] = {}
    for (s, e), _ in annual_count.most_common():  # most-tagged first; no overlapping years
        if all(
            e < a - dt.timedelta(days=30) or s > b - dt.timedelta(days=30)
            for a, b in annual.items()
        ):
            annual[s] = e
    starts = set(annual)

    def near(day: dt.date) -> bool:
        return any(abs((day - s).days) <= 7 for s in starts)

    def inside(day: dt.date) -> bool:
        return any(s < day <= e for s, e in annual.items())

    for e in annual.values():
        nxt = e + dt.timedelta(days=1)
        if not near(nxt):
            starts.add(nxt)
    for s in sorted(ytd_starts):
        if not near(s) and not inside(s):
            starts.add(s)
    while starts:  # a first quarter about a year after the last start opens a new year
        last = max(starts)
        nxt = [q for q in quarter_starts if 357 <= (q - last).days <= 378]
        if not nxt:
            break
        starts.add(min(nxt))
    ordered = tuple(sorted(starts))
    names = {
        s: year_label(annual[s]) if s in annual else year_label(s + dt.timedelta(days=364))
        for s in ordered
    }
    if annual:
        last_end = annual[max(annual)]
    elif ordered:
        last_end = ordered[-1] - dt.timedelta(days=1)
    else:
        last_end = dt.date(2000, 12, 31)
    december = last_end.month == 12 or (last_end.month == 1 and last_end.day <= 7)
    return FiscalCalendar(ordered, names, annual, december)


def _ranges(years: list[int]) -> str:
    """``FY2013-FY2021, FY2023`` from a list of fiscal-year names."""
    parts: list[list[int]] = []
    for y in sorted(years):
        if parts and parts[-1][1] == y - 1:
            parts[-1][1] = y
        else:
            parts.append([y, y])
    return ", ".join(f"FY{a}" if a == b else f"FY{a}-FY{b}" for a, b in parts)


def gap_warnings(
    ticker: str, metric: str, cal: FiscalCalendar, labels: set[str], *, additive: bool = True
) -> list[str]:
    """Warnings naming the fiscal years a metric covers without an annual figure (so
    without FY and Q4), and the quarters missing inside years that have some quarter
    (early years often hold only a later 10-K's annual comparatives: no line for those).
    The latest year is never called incomplete: it may be in progress."""
    years = sorted(set(cal.names.values()))

    def has(y: int) -> bool:
        return f"FY{y}" in labels or any(cal.quarter(y, k) in labels for k in (1, 2, 3, 4))

    covered = [y for y in years if has(y)]
    if not covered:
        return []
    span = [y for y in years if covered[0] <= y <= covered[-1]]
    out = []
    no_year = [y for y in span if f"FY{y}" not in labels and y != covered[-1]]
    if no_year:
        out.append(
            f"{ticker} {metric}: no annual figure for {_ranges(no_year)}, so FY and Q4 "
            "are missing for those years"
        )
    quarters = [
        cal.quarter(y, n)
        for y in span
        if f"FY{y}" in labels and any(cal.quarter(y, k) in labels for k in (1, 2, 3, 4))
        for n in (1, 2, 3)
        if cal.quarter(y, n) not in labels
    ]
    if quarters and additive:
        more = f" and {len(quarters) - 8} more" if len(quarters) > 8 else ""
        out.append(f"{ticker} {metric}: no figure for quarters " + ", ".join(quarters[:8]) + more)
    return out
