"""SEC XBRL ``companyfacts`` -> fundamentals rows: pure functions over the parsed JSON.

Testable without a client: :func:`companyfacts_to_frame` turns one payload into the
store's fundamentals rows plus warnings; :func:`shares_outstanding_frame` gives the
cover-page share counts per cover date. Reading and validation, the fiscal calendar and
the reporting currency are in :mod:`.sec_facts`.

Metrics and their XBRL concepts (in priority order, see *Precedence*):

============== ==================================================================
capex          PaymentsToAcquirePropertyPlantAndEquipment, fallback
               PaymentsToAcquireProductiveAssets (e.g. Amazon's "purchases of property
               and equipment"), PaymentsForCapitalImprovements
revenue        RevenueFromContractWithCustomerExcludingAssessedTax, Revenues,
               SalesRevenueNet, RevenueFromContractWithCustomerIncludingAssessedTax
net_income     NetIncomeLoss
eps_diluted    EarningsPerShareDiluted (currency per share; never de-cumulated)
rnd            ResearchAndDevelopmentExpense,
               ResearchAndDevelopmentExpenseExcludingAcquiredInProcessCost
shares_outstanding  dei:EntityCommonStockSharesOutstanding (cover-page instant)
============== ==================================================================

**Periods come from each value's start/end dates and the company's fiscal calendar**
(fiscal years from annual filings, :func:`~.sec_facts.fiscal_calendar`), never from the
``fy``/``fp`` fields (which describe the *filing*) nor from any 12-month span: a 10-Q's
trailing-twelve-month column is ignored. A value starting on a fiscal-year start is
year to date (Q1, H1, 9M, FY); a three-month value starting elsewhere is a discrete
quarter, numbered by its end within its fiscal year. Other spans are ignored.

**De-cumulation.** Cash-flow statements in 10-Qs are year to date; discrete quarters
are derived as Q2 = H1 - Q1, Q3 = 9M - H1, Q4 = FY - 9M (``kind="derived"``, a ``quote``
spells out the subtraction), recomputed at each filing date that changes an input. A
quarter reported as a discrete three-month value is used as reported (``actual``), unless
year-to-date figures filed later give a different difference (then the derived versions
win, see *Precedence*). EPS
is not additive, so it is never derived. **A derived value below zero for a metric that
cannot be negative** (capex, revenue, R&D: the year-to-date total fell, e.g. a 10-K year
below its 9-month figure) is not stored, and a warning names the ticker, concept, period
and subtraction: a negative quarter of capex is an inconsistency between filings, not a
figure; the reported totals themselves are still stored.

**Precedence (restatements across concepts).** For each period (start, end) the values
of *all* the metric's concepts are pooled and ordered by filing date: every filed version
is kept with ``as_of = filed`` (a version repeating the previous value is dropped) and
readers take the newest, so **the latest filing for the same period wins**, whatever
concept it is tagged under (a restatement filed under a newer concept replaces the older
concept's figure). Within one filing that tags the same period under two concepts (which
then measure different things, e.g. total revenue and contract revenue), the concept
listed first above wins and the other is ignored for that filing.

**Currency.** Values are read in the payload's reporting currency
(:func:`~.sec_facts.reporting_currency`) and stored as reported (unit and currency
``CNY`` for Baidu); a 20-F's USD convenience translation is never stored. A metric found
only in another currency is reported missing with a warning saying so.

**Gaps.** ``frame.attrs["missing_metrics"]`` lists metrics with no facts, and
``frame.attrs["warnings"]`` names the fiscal years without an annual figure (hence
without FY and Q4) and the quarters missing inside the span a metric covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from aithesis.data.providers.sec_facts import (
    Fact,
    FiscalCalendar,
    entity_slug,
    fiscal_calendar,
    gap_warnings,
    months,
    read_facts,
    reporting_currency,
    taxonomy,
    units_of,
)
from aithesis.data.schema import FUNDAMENTAL_COLUMNS
from aithesis.errors import ProviderError

__all__ = [
    "METRICS",
    "SOURCE",
    "MetricSpec",
    "companyfacts_to_frame",
    "shares_outstanding_frame",
]

SOURCE = "sec:companyfacts"
_Q = {1: "Q1", 2: "H1", 3: "9M", 4: "FY"}


@dataclass(frozen=True)
class MetricSpec:
    """How one metric is read from companyfacts.

    Attributes:
        taxonomy: ``us-gaap`` or ``dei``.
        concepts: XBRL concepts in priority order.
        measure: ``money`` (reporting currency), ``money/shares`` or ``shares``.
        additive: flows that may be de-cumulated (False for EPS).
        instant: point-in-time values (only ``end``), e.g. shares outstanding.
        nonnegative: a derived value below zero is refused with a warning.
    """

    taxonomy: str
    concepts: tuple[str, ...]
    measure: str = "money"
    additive: bool = True
    instant: bool = False
    nonnegative: bool = True

    def unit_key(self, currency: str) -> str:
        """Key under ``units`` in the payload."""
        return {"money": currency, "money/shares": f"{currency}/shares"}.get(self.measure, "shares")

    def unit(self, currency: str) -> str:
        """Our unit name (``USD``, ``CNY_per_share``, ``shares``)."""
        return {"money": currency, "money/shares": f"{currency}_per_share"}.get(
            self.measure, "shares"
        )


METRICS: dict[str, MetricSpec] = {
    "capex": MetricSpec(
        "us-gaap",
        (
            "PaymentsToAcquirePropertyPlantAndEquipment",
            "PaymentsToAcquireProductiveAssets",
            "PaymentsForCapitalImprovements",
        ),
    ),
    "revenue": MetricSpec(
        "us-gaap",
        (
            "RevenueFromContractWithCustomerExcludingAssessedTax",
            "Revenues",
            "SalesRevenueNet",
            "RevenueFromContractWithCustomerIncludingAssessedTax",
        ),
    ),
    "net_income": MetricSpec("us-gaap", ("NetIncomeLoss",), nonnegative=False),
    "eps_diluted": MetricSpec(
        "us-gaap",
        ("EarningsPerShareDiluted",),
        "money/shares",
        additive=False,
        nonnegative=False,
    ),
    "rnd": MetricSpec(
        "us-gaap",
        (
            "ResearchAndDevelopmentExpense",
            "ResearchAndDevelopmentExpenseExcludingAcquiredInProcessCost",
        ),
    ),
    "shares_outstanding": MetricSpec(
        "dei", ("EntityCommonStockSharesOutstanding",), "shares", instant=True
    ),
}


def _merged(facts: dict, spec: MetricSpec, currency: str, where: str) -> list[Fact]:
    """Every version of every period, pooled across concepts (see *Precedence*)."""
    best: dict[tuple, Fact] = {}
    for rank, concept in enumerate(spec.concepts):
        for f in read_facts(
            facts, spec.taxonomy, concept, spec.unit_key(currency), where, rank=rank
        ):
            key = (f.start, f.end, f.accn, f.filed)
            if key not in best or best[key].rank > f.rank:
                best[key] = f
    return list(best.values())


def _versions(facts: Iterable[Fact]) -> list[Fact]:
    """Filed versions in date order, dropping ones that repeat the previous value."""
    out: list[Fact] = []
    for f in sorted(facts, key=lambda f: (f.filed, f.accn, f.rank)):
        if out and out[-1].value == f.value:
            continue
        out.append(f)
    return out


def _describe(f: Fact) -> str:
    return f"{f.concept} {f.form} {f.accn} filed {f.filed}: {f.start}..{f.end} = {f.value:,.0f}"


@dataclass
class _Series:
    """Who the rows are for, how to label them, and what went wrong."""

    entity: str
    ticker: str
    metric: str
    spec: MetricSpec
    cal: FiscalCalendar
    currency: str
    warnings: list[str] = field(default_factory=list)

    def row(self, label: str, start, end, value: float, kind: str, as_of, quote: str) -> dict:
        unit = self.spec.unit(self.currency)
        return {
            "entity": self.entity,
            "ticker": self.ticker,
            "metric": self.metric,
            "fiscal_period": label,
            "period_start": start,
            "period_end": end,
            "value": float(value),
            "unit": unit,
            "currency": None if unit == "shares" else self.currency,
            "kind": kind,
            "source": SOURCE,
            "quote": quote,
            "as_of": as_of,
        }

    def reported(self, label: str, facts: Iterable[Fact], *, start: bool = True) -> list[dict]:
        """One ``actual`` row per distinct filed version."""
        return [
            self.row(
                label, f.start if start else None, f.end, f.value, "actual", f.filed, _describe(f)
            )
            for f in _versions(facts)
        ]


def _duration_rows(ser: _Series, data: list[Fact]) -> list[dict]:
    cal = ser.cal
    cum: dict[tuple[int, int], list[Fact]] = {}
    discrete: dict[tuple[int, int], list[Fact]] = {}
    for f in data:
        n = months(f.start, f.end) if f.start is not None else None
        if n is None:
            continue
        year = cal.year(f.start)
        if year is not None:
            cum.setdefault((year, n // 3), []).append(f)
        elif n == 3:
            anchor = cal.anchor(f.start)
            if anchor is None:
                continue
            q = round(((f.end - anchor).days + 1) / 91.31)
            if 2 <= q <= 4:
                discrete.setdefault((cal.names[anchor], q), []).append(f)
        # anything else (a 10-Q's trailing twelve months, an H2 column) is not a period
    rows: list[dict] = []
    for (year, n), versions in sorted(cum.items()):
        if n == 4:
            rows.extend(ser.reported(f"FY{year}", versions))
        if n == 1:
            rows.extend(ser.reported(cal.quarter(year, 1), versions))
    for year, n in sorted({k for k in [*cum, *discrete] if k[1] in (2, 3, 4)}):
        label = cal.quarter(year, n)
        derivable = ser.spec.additive and (year, n) in cum and (year, n - 1) in cum
        derived = _derived(ser, label, n, cum[(year, n)], cum[(year, n - 1)]) if derivable else []
        if (year, n) in discrete:
            reported = ser.reported(label, discrete[(year, n)])
            rows.extend(_newest_wins(reported, derived))
        else:
            rows.extend(derived)
    return rows


def _newest_wins(reported: list[dict], derived: list[dict]) -> list[dict]:
    """A filed 3-month value, unless year-to-date figures filed later say otherwise.

    One kind per period, so readers taking the newest ``as_of`` get the latest filing:
    when the newest derived version is filed after the newest reported one and differs
    from it (a restated YTD the later filing did not split into quarters), the derived
    versions replace the reported ones, whose last value the quote names.
    """
    if not derived or derived[-1]["as_of"] <= reported[-1]["as_of"]:
        return reported
    if derived[-1]["value"] == reported[-1]["value"]:
        return reported
    last = reported[-1]
    note = f"; supersedes the reported 3-month value {last['value']:,.0f} filed {last['as_of']}"
    return [*derived[:-1], {**derived[-1], "quote": derived[-1]["quote"] + note}]


def _derived(ser: _Series, label: str, n: int, upper: list[Fact], lower: list[Fact]) -> list[dict]:
    """Quarter n = YTD(n) - YTD(n-1), recomputed at every filing date that changes an input."""
    ups, lows = _versions(upper), _versions(lower)
    rows: list[dict] = []
    last_value: float | None = None
    for day in sorted({f.filed for f in ups} | {f.filed for f in lows}):
        u = [f for f in ups if f.filed <= day]
        lo = [f for f in lows if f.filed <= day]
        if not u or not lo:
            continue
        a, b = u[-1], lo[-1]
        value = a.value - b.value
        if last_value is not None and value == last_value:
            continue
        last_value = value
        sums = f"{_Q[n]} - {_Q[n - 1]} = {a.value:,.0f} - {b.value:,.0f}"
        if value < 0 and ser.spec.nonnegative:
            ser.warnings.append(
                f"{ser.ticker} {a.concept} {label}: derived Q{n} = {sums} = {value:,.0f} is "
                f"negative ({a.form} {a.accn} filed {a.filed}); not stored"
            )
            continue
        quote = (
            f"derived: Q{n} = {sums} "
            f"({a.form} {a.accn} filed {a.filed}; {b.form} {b.accn} filed {b.filed})"
        )
        start = b.end + dt.timedelta(days=1)
        rows.append(ser.row(label, start, a.end, value, "derived", day, quote))
    return rows


def _instant_rows(ser: _Series, data: list[Fact]) -> list[dict]:
    """Cover-page instants, labelled by the filing's own fiscal year and period."""
    by_label: dict[str, list[Fact]] = {}
    for f in data:
        if f.fy is None or f.fp not in ("Q1", "Q2", "Q3", "FY"):
            continue
        label = f"FY{f.fy}" if f.fp == "FY" else ser.cal.quarter(f.fy, int(f.fp[1]))
        by_label.setdefault(label, []).append(f)
    return [r for label, facts in by_label.items() for r in ser.reported(label, facts, start=False)]


def _where(ticker: str, where: str | None) -> str:
    return where or f"sec:{ticker}"


def companyfacts_to_frame(
    payload: dict,
    *,
    ticker: str,
    entity: str | None = None,
    metrics: Sequence[str] | None = None,
    where: str | None = None,
) -> pd.DataFrame:
    """Turn a companyfacts JSON payload into fundamentals rows (see the module docs).

    Args:
        payload: the parsed JSON (``{"cik", "entityName", "facts": {...}}``).
        ticker: the ticker the rows are filed under.
        entity: entity slug (default: the built-in slug, else the lower-cased ticker).
        metrics: subset of :data:`METRICS` (default all; metrics the company does not
            report are skipped and listed in ``frame.attrs["missing_metrics"]``).
        where: name of the payload in errors (default ``sec:TICKER``).

    Returns:
        DataFrame with the store's fundamentals columns; values in the reporting
        currency, currency per share or shares (unit column), ``as_of`` = filing date.
        ``attrs``: ``missing_metrics`` (list) and ``warnings`` (one line each).

    Raises:
        ProviderError: payload without ``facts`` or of the wrong shape, a bad field in a
            fact read (naming it); an explicitly requested metric whose concepts are all
            absent; no requested metric found at all; unknown metric.
    """
    ticker = ticker.upper()
    entity = entity or entity_slug(ticker)
    src = _where(ticker, where)
    facts = payload.get("facts") if isinstance(payload, dict) else None
    if not isinstance(facts, dict):
        raise ProviderError("companyfacts payload has no 'facts'", file=src, field="facts")
    wanted = list(metrics) if metrics is not None else list(METRICS)
    for name in wanted:
        if name not in METRICS:
            raise ProviderError(
                f"unknown SEC metric {name!r}", field="metric", hint="one of " + ", ".join(METRICS)
            )
    cal = fiscal_calendar(facts, src)
    currency = reporting_currency(facts, src)
    rows: list[dict] = []
    missing: list[str] = []
    warnings: list[str] = []
    for name in wanted:
        spec = METRICS[name]
        data = _merged(facts, spec, currency, src)
        if not data:
            other = sorted(
                {
                    u
                    for c in spec.concepts
                    for u in units_of(facts, spec.taxonomy, c, src)
                    if u != spec.unit_key(currency)
                }
            )
            tried = f"{spec.taxonomy}:" + ", ".join(spec.concepts)
            note = (
                f" in {currency} (only {', '.join(other)}: not the reporting currency, "
                "e.g. a convenience translation; not stored as an actual)"
                if other
                else ""
            )
            if metrics is not None:
                raise ProviderError(
                    f"{ticker}: companyfacts has none of {tried} for {name}{note}",
                    file=src,
                    field=name,
                    hint="the company may tag this line differently; check its filings",
                )
            missing.append(name)
            warnings.append(f"{ticker}: no {name} facts ({tried}){note}")
            continue
        ser = _Series(entity, ticker, name, spec, cal, currency)
        made = (_instant_rows if spec.instant else _duration_rows)(ser, data)
        rows.extend(made)
        warnings.extend(ser.warnings)
        if not spec.instant:
            labels = {r["fiscal_period"] for r in made}
            warnings.extend(gap_warnings(ticker, name, cal, labels, additive=spec.additive))
    if not rows:
        raise ProviderError(f"{ticker}: no usable facts for " + ", ".join(wanted), file=src)
    frame = pd.DataFrame(rows, columns=list(FUNDAMENTAL_COLUMNS))
    frame = frame.sort_values(["metric", "period_end", "fiscal_period", "as_of"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["missing_metrics"] = missing
    frame.attrs["warnings"] = warnings
    return frame


def shares_outstanding_frame(
    payload: dict, *, ticker: str, where: str | None = None
) -> pd.DataFrame:
    """``dei:EntityCommonStockSharesOutstanding`` per cover date, latest filing winning.

    Returns:
        DataFrame ``ticker, date, shares, filed, form, accn`` (``date`` = the cover
        date the count is stated at, shares as a float), sorted by date; empty when the
        company tags no count (Alphabet, whose classes are tagged by dimension).

    Raises:
        ProviderError: payload of the wrong shape or a bad field (naming it).
    """
    ticker = ticker.upper()
    src = _where(ticker, where)
    facts = payload.get("facts") if isinstance(payload, dict) else None
    if not isinstance(facts, dict):
        raise ProviderError("companyfacts payload has no 'facts'", file=src, field="facts")
    taxonomy(facts, "dei", src)
    items = read_facts(facts, "dei", "EntityCommonStockSharesOutstanding", "shares", src)
    latest: dict[dt.date, Fact] = {}
    for f in sorted(items, key=lambda f: (f.filed, f.accn)):
        latest[f.end] = f
    columns = ["ticker", "date", "shares", "filed", "form", "accn"]
    frame = pd.DataFrame(
        [(ticker, f.end, f.value, f.filed, f.form, f.accn) for f in latest.values()],
        columns=columns,
    )
    return frame.sort_values("date", kind="stable").reset_index(drop=True)
