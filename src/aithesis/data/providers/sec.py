"""SEC EDGAR XBRL ``companyfacts`` provider: capex, revenue, earnings, R&D, shares.

Source: ``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json`` (ticker -> CIK
via a built-in map for the universe's large US names, else
``https://www.sec.gov/files/company_tickers.json``). The SEC requires a User-Agent that
names the user (``"Jane Doe jane@example.com"``): pass ``user_agent=`` or set
``AITHESIS_SEC_USER_AGENT``. Requests are rate-limited (<= 10 a second, the SEC's fair
access limit), retried with exponential backoff on HTTP 429/5xx, timeouts and transport
errors, and cached on disk under ``$AITHESIS_HOME/cache/sec``.

Metrics and their XBRL concepts (first concept that has a value for a period wins, so a
company that moved from ``SalesRevenueNet`` to ``RevenueFromContract...`` keeps one
history):

============== ==================================================================
capex          PaymentsToAcquirePropertyPlantAndEquipment, fallback
               PaymentsToAcquireProductiveAssets (e.g. Amazon's "purchases of property
               and equipment"), PaymentsForCapitalImprovements
revenue        RevenueFromContractWithCustomerExcludingAssessedTax, Revenues,
               SalesRevenueNet, RevenueFromContractWithCustomerIncludingAssessedTax
net_income     NetIncomeLoss
eps_diluted    EarningsPerShareDiluted (USD per share; never de-cumulated)
rnd            ResearchAndDevelopmentExpense,
               ResearchAndDevelopmentExpenseExcludingAcquiredInProcessCost
shares_outstanding  dei:EntityCommonStockSharesOutstanding (cover-page instant)
============== ==================================================================

**Periods come from each value's start/end dates, not from calendar quarters or the
``fy``/``fp`` fields** (which describe the *filing*, so a 10-K's prior-year comparatives
carry the new year's ``fy``). A fiscal year is anchored on the start date shared by the
year-to-date values; it is named for the calendar year it ends in (Microsoft's year to
2024-06-30 is ``FY2024``). Quarters are labelled ``FY2024Q3`` when the fiscal year does
not end in December and ``2024Q3`` when it does.

**De-cumulation.** Cash-flow statements in 10-Qs are year-to-date: Q1 is three months,
then six (H1) and nine (9M); the 10-K gives the full year. Discrete quarters are
derived as Q2 = H1 - Q1, Q3 = 9M - H1, Q4 = FY - 9M, and such rows carry
``kind="derived"`` and a ``quote`` that spells out the subtraction. A quarter reported
as a discrete three-month value (income statements in 10-Qs) is used as reported
(``kind="actual"``). EPS is not additive, so it is never derived.

**Restatements.** Every filed version of a value is kept with ``as_of = filed`` (a
version repeating the previous value unchanged is dropped); derived quarters are
recomputed at each filing date that changes an input. Readers take the newest ``as_of``
(``Store.fundamentals(latest_only=True)``).

Register as provider name ``"sec"`` (:class:`SecProvider`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from aithesis.config import aithesis_home
from aithesis.data.schema import FUNDAMENTAL_COLUMNS
from aithesis.errors import ProviderError, UnknownTickerError

__all__ = [
    "BUILTIN_CIKS",
    "COMPANYFACTS_URL",
    "ENV_USER_AGENT",
    "METRICS",
    "TICKERS_URL",
    "MetricSpec",
    "SecClient",
    "SecProvider",
    "companyfacts_to_frame",
]

COMPANYFACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
TICKERS_URL = "https://www.sec.gov/files/company_tickers.json"
ENV_USER_AGENT = "AITHESIS_SEC_USER_AGENT"
SOURCE = "sec:companyfacts"
_RETRY_STATUS = {429, 500, 502, 503, 504}

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


@dataclass(frozen=True)
class MetricSpec:
    """How one metric is read from companyfacts.

    Attributes:
        taxonomy: ``us-gaap`` or ``dei``.
        concepts: XBRL concepts in priority order.
        unit_key: key under ``units`` (``USD``, ``USD/shares``, ``shares``).
        unit: our unit name for the values.
        additive: flows that may be de-cumulated (False for EPS).
        instant: point-in-time values (only ``end``), e.g. shares outstanding.
    """

    taxonomy: str
    concepts: tuple[str, ...]
    unit_key: str
    unit: str
    additive: bool = True
    instant: bool = False


METRICS: dict[str, MetricSpec] = {
    "capex": MetricSpec(
        "us-gaap",
        (
            "PaymentsToAcquirePropertyPlantAndEquipment",
            "PaymentsToAcquireProductiveAssets",
            "PaymentsForCapitalImprovements",
        ),
        "USD",
        "USD",
    ),
    "revenue": MetricSpec(
        "us-gaap",
        (
            "RevenueFromContractWithCustomerExcludingAssessedTax",
            "Revenues",
            "SalesRevenueNet",
            "RevenueFromContractWithCustomerIncludingAssessedTax",
        ),
        "USD",
        "USD",
    ),
    "net_income": MetricSpec("us-gaap", ("NetIncomeLoss",), "USD", "USD"),
    "eps_diluted": MetricSpec(
        "us-gaap", ("EarningsPerShareDiluted",), "USD/shares", "USD_per_share", additive=False
    ),
    "rnd": MetricSpec(
        "us-gaap",
        (
            "ResearchAndDevelopmentExpense",
            "ResearchAndDevelopmentExpenseExcludingAcquiredInProcessCost",
        ),
        "USD",
        "USD",
    ),
    "shares_outstanding": MetricSpec(
        "dei", ("EntityCommonStockSharesOutstanding",), "shares", "shares", instant=True
    ),
}


# ----------------------------------------------------------------------------- HTTP
class SecClient:
    """Polite HTTP access to the SEC: User-Agent, rate limit, retries, disk cache.

    Args:
        user_agent: "Name email" of the user; default ``$AITHESIS_SEC_USER_AGENT``.
        client: an ``httpx.Client`` (inject one with ``httpx.MockTransport`` in tests).
        cache_dir: default ``$AITHESIS_HOME/cache/sec``.
        max_age: cached responses younger than this are reused (default one day).
        max_per_second: request rate ceiling (SEC allows 10).
        retries: further attempts after a retryable failure.
        backoff: first wait in seconds; doubles each retry (``Retry-After`` wins).
        sleep, clock: injectable for tests.

    Raises:
        ProviderError: no User-Agent configured.
    """

    def __init__(
        self,
        user_agent: str | None = None,
        *,
        client: httpx.Client | None = None,
        cache_dir: str | Path | None = None,
        max_age: dt.timedelta = dt.timedelta(days=1),
        max_per_second: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        agent = (user_agent or os.environ.get(ENV_USER_AGENT, "")).strip()
        if not agent:
            raise ProviderError(
                "the SEC requires a User-Agent naming you",
                field="user_agent",
                hint=f'set {ENV_USER_AGENT}="Your Name you@example.com"',
            )
        if "@" not in agent:
            raise ProviderError(
                f"User-Agent {agent!r} has no contact e-mail",
                field="user_agent",
                hint=f'set {ENV_USER_AGENT}="Your Name you@example.com"',
            )
        self.user_agent = agent
        self._client = client or httpx.Client(timeout=timeout)
        self._headers = {"User-Agent": agent, "Accept-Encoding": "gzip, deflate"}
        self.cache_dir = Path(cache_dir) if cache_dir else aithesis_home() / "cache" / "sec"
        self.max_age = max_age
        self.min_interval = 1.0 / max_per_second
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._last: float | None = None
        self.requests_made = 0

    def _throttle(self) -> None:
        now = self._clock()
        if self._last is not None:
            wait = self.min_interval - (now - self._last)
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()

    def _cached(self, name: str) -> Any | None:
        path = self.cache_dir / name
        if not path.is_file():
            return None
        age = dt.datetime.now().timestamp() - path.stat().st_mtime
        if age > self.max_age.total_seconds():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def _store(self, name: str, payload: Any) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_dir / f".{name}.tmp"
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, self.cache_dir / name)

    def get_json(self, url: str, cache_name: str, *, what: str, refresh: bool = False) -> Any:
        """GET ``url`` as JSON, from the cache when fresh.

        Raises:
            ProviderError: HTTP 404 (no retry), other 4xx, or a retryable failure that
                persisted through every retry; names ``what`` and the URL.
        """
        if not refresh:
            hit = self._cached(cache_name)
            if hit is not None:
                return hit
        last_problem = ""
        for attempt in range(self.retries + 1):
            self._throttle()
            self.requests_made += 1
            wait = self.backoff * (2**attempt)
            try:
                response = self._client.get(url, headers=self._headers)
            except httpx.TimeoutException:
                last_problem = "timed out"
            except httpx.TransportError as exc:
                last_problem = f"network error ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        payload = response.json()
                    except ValueError:
                        raise ProviderError(
                            f"SEC returned something that is not JSON for {what}", file=url
                        ) from None
                    self._store(cache_name, payload)
                    return payload
                if status == 404:
                    raise ProviderError(
                        f"SEC has no data for {what} (HTTP 404)",
                        file=url,
                        hint="check the ticker; foreign filers (20-F) may have no companyfacts",
                    )
                if status not in _RETRY_STATUS:
                    raise ProviderError(
                        f"SEC refused the request for {what} (HTTP {status})",
                        file=url,
                        hint=f"check {ENV_USER_AGENT} names you with an e-mail",
                    )
                last_problem = f"HTTP {status}"
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    wait = max(wait, float(retry_after))
            if attempt < self.retries:
                self._sleep(wait)
        raise ProviderError(
            f"SEC request for {what} failed after {self.retries + 1} attempts ({last_problem})",
            file=url,
            hint="check the network connection, then try again later (the SEC also "
            "limits clients to 10 requests a second)",
        )


# ------------------------------------------------------------------------ transform
@dataclass(frozen=True)
class _Fact:
    start: dt.date | None
    end: dt.date
    value: float
    filed: dt.date
    form: str
    accn: str
    fy: int | None
    fp: str | None
    concept: str


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _read_concept(facts: dict, spec: MetricSpec, concept: str) -> list[_Fact]:
    node = facts.get(spec.taxonomy, {}).get(concept)
    if not node:
        return []
    out = []
    for item in node.get("units", {}).get(spec.unit_key, []):
        try:
            end = _d(item["end"])
            filed = _d(item["filed"])
            value = float(item["val"])
        except (KeyError, TypeError, ValueError):
            continue
        if end is None or filed is None:
            continue
        fy = item.get("fy")
        out.append(
            _Fact(
                _d(item.get("start")),
                end,
                value,
                filed,
                str(item.get("form", "")),
                str(item.get("accn", "")),
                int(fy) if isinstance(fy, int | str) and str(fy).isdigit() else None,
                item.get("fp"),
                concept,
            )
        )
    return out


def _merged(facts: dict, spec: MetricSpec) -> list[_Fact]:
    """All versions of each period from the highest-priority concept that has it."""
    chosen: dict[tuple, list[_Fact]] = {}
    for concept in spec.concepts:
        by_period: dict[tuple, list[_Fact]] = {}
        for f in _read_concept(facts, spec, concept):
            by_period.setdefault((f.start, f.end), []).append(f)
        for key, versions in by_period.items():
            chosen.setdefault(key, versions)
    return [f for versions in chosen.values() for f in versions]


def _versions(facts: Iterable[_Fact]) -> list[_Fact]:
    """Filed versions in date order, dropping ones that repeat the previous value."""
    out: list[_Fact] = []
    for f in sorted(facts, key=lambda f: (f.filed, f.accn)):
        if out and out[-1].value == f.value:
            continue
        out.append(f)
    return out


def _months(start: dt.date, end: dt.date) -> int | None:
    days = (end - start).days + 1
    for months, (lo, hi) in {3: (80, 100), 6: (170, 192), 9: (260, 285), 12: (350, 380)}.items():
        if lo <= days <= hi:
            return months
    return None


def _fy_end_month(durations: list[_Fact]) -> int | None:
    ends = [f.end for f in durations if f.start and _months(f.start, f.end) == 12]
    if not ends:
        return None
    latest = max(ends)
    return 12 if (latest.month == 12 or (latest.month == 1 and latest.day <= 7)) else latest.month


@dataclass(frozen=True)
class _Series:
    """Who the rows are for and how to label them."""

    entity: str
    ticker: str
    metric: str
    spec: MetricSpec
    december: bool

    def quarter(self, year: int, n: int) -> str:
        return f"{year}Q{n}" if self.december else f"FY{year}Q{n}"

    def row(
        self,
        label: str,
        start: dt.date | None,
        end: dt.date,
        value: float,
        kind: str,
        as_of: dt.date,
        quote: str,
    ) -> dict:
        return {
            "entity": self.entity,
            "ticker": self.ticker,
            "metric": self.metric,
            "fiscal_period": label,
            "period_start": start,
            "period_end": end,
            "value": float(value),
            "unit": self.spec.unit,
            "currency": "USD" if self.spec.unit.startswith("USD") else None,
            "kind": kind,
            "source": SOURCE,
            "quote": quote,
            "as_of": as_of,
        }

    def reported(self, label: str, facts: Iterable[_Fact], *, start: bool = True) -> list[dict]:
        """One ``actual`` row per distinct filed version."""
        return [
            self.row(
                label, f.start if start else None, f.end, f.value, "actual", f.filed, _describe(f)
            )
            for f in _versions(facts)
        ]


def _describe(f: _Fact) -> str:
    return f"{f.concept} {f.form} {f.accn} filed {f.filed}: {f.start}..{f.end} = {f.value:,.0f}"


def _duration_rows(ser: _Series, data: list[_Fact]) -> list[dict]:
    durations = [f for f in data if f.start is not None and _months(f.start, f.end)]
    long_starts = {f.start for f in durations if _months(f.start, f.end) in (6, 9, 12)}
    year_ends = {f.start: f.end for f in durations if _months(f.start, f.end) == 12}
    fy_starts = sorted(long_starts | {end + dt.timedelta(days=1) for end in year_ends.values()})

    def fy_year(start: dt.date) -> int:
        return year_ends.get(start, start + dt.timedelta(days=364)).year

    cum: dict[tuple[int, int], list[_Fact]] = {}
    discrete: dict[tuple[int, int], list[_Fact]] = {}
    for f in durations:
        months = _months(f.start, f.end)
        if f.start in fy_starts:
            cum.setdefault((fy_year(f.start), months // 3), []).append(f)
        elif months == 3:
            anchor = [s for s in fy_starts if s <= f.start and (f.start - s).days < 366]
            if not anchor:
                continue
            n = round(((f.end - anchor[-1]).days + 1) / 91.31)
            if 2 <= n <= 4:
                discrete.setdefault((fy_year(anchor[-1]), n), []).append(f)
    rows: list[dict] = []
    for (year, n), versions in sorted(cum.items()):
        if n == 4:
            rows.extend(ser.reported(f"FY{year}", versions))
        if n == 1:
            rows.extend(ser.reported(ser.quarter(year, 1), versions))
    for year, n in sorted({k for k in [*cum, *discrete] if k[1] in (2, 3, 4)}):
        label = ser.quarter(year, n)
        if (year, n) in discrete:
            rows.extend(ser.reported(label, discrete[(year, n)]))
        elif ser.spec.additive and (year, n) in cum and (year, n - 1) in cum:
            rows.extend(_derived(ser, label, n, cum[(year, n)], cum[(year, n - 1)]))
    return rows


def _derived(
    ser: _Series, label: str, n: int, upper: list[_Fact], lower: list[_Fact]
) -> list[dict]:
    """Quarter n = YTD(n) - YTD(n-1), recomputed at every filing date that changes an input."""
    ups, lows = _versions(upper), _versions(lower)
    names = {1: "Q1", 2: "H1", 3: "9M", 4: "FY"}
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
        quote = (
            f"derived: Q{n} = {names[n]} - {names[n - 1]} = {a.value:,.0f} - {b.value:,.0f} "
            f"({a.form} {a.accn} filed {a.filed}; {b.form} {b.accn} filed {b.filed})"
        )
        start = b.end + dt.timedelta(days=1)
        rows.append(ser.row(label, start, a.end, value, "derived", day, quote))
    return rows


def _instant_rows(ser: _Series, data: list[_Fact]) -> list[dict]:
    """Cover-page instants, labelled by the filing's own fiscal year and period."""
    by_label: dict[str, list[_Fact]] = {}
    for f in data:
        if f.fy is None or f.fp not in ("Q1", "Q2", "Q3", "FY"):
            continue
        label = f"FY{f.fy}" if f.fp == "FY" else ser.quarter(f.fy, int(f.fp[1]))
        by_label.setdefault(label, []).append(f)
    return [r for label, facts in by_label.items() for r in ser.reported(label, facts, start=False)]


def companyfacts_to_frame(
    payload: dict,
    *,
    ticker: str,
    entity: str | None = None,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Turn a companyfacts JSON payload into fundamentals rows (see the module docs).

    Args:
        payload: the parsed JSON (``{"cik", "entityName", "facts": {...}}``).
        ticker: the ticker the rows are filed under.
        entity: entity slug (default: the built-in slug, else the lower-cased ticker).
        metrics: subset of :data:`METRICS` (default all; metrics the company does not
            report are skipped and listed in ``frame.attrs["missing_metrics"]``).

    Returns:
        DataFrame with the store's fundamentals columns; values in USD, USD per share
        or shares (unit column), ``as_of`` = filing date.

    Raises:
        ProviderError: payload without ``facts``; an explicitly requested metric whose
            concepts are all absent; no requested metric found at all; unknown metric.
    """
    ticker = ticker.upper()
    entity = entity or BUILTIN_CIKS.get(ticker, (0, ticker.lower()))[1]
    facts = payload.get("facts") if isinstance(payload, dict) else None
    if not isinstance(facts, dict):
        raise ProviderError(
            "companyfacts payload has no 'facts'", file=f"sec:{ticker}", field="facts"
        )
    wanted = list(metrics) if metrics is not None else list(METRICS)
    for name in wanted:
        if name not in METRICS:
            raise ProviderError(
                f"unknown SEC metric {name!r}", field="metric", hint="one of " + ", ".join(METRICS)
            )
    all_durations = [
        f for name in METRICS if not METRICS[name].instant for f in _merged(facts, METRICS[name])
    ]
    december = _fy_end_month(all_durations) in (12, None)
    rows: list[dict] = []
    missing: list[str] = []
    for name in wanted:
        spec = METRICS[name]
        data = _merged(facts, spec)
        if not data:
            if metrics is not None:
                raise ProviderError(
                    f"{ticker}: companyfacts has none of {spec.taxonomy}:"
                    + ", ".join(spec.concepts)
                    + f" for {name}",
                    file=f"sec:{ticker}",
                    field=name,
                    hint="the company may tag this line differently; check its filings",
                )
            missing.append(name)
            continue
        maker = _instant_rows if spec.instant else _duration_rows
        rows.extend(maker(_Series(entity, ticker, name, spec, december), data))
    if not rows:
        raise ProviderError(
            f"{ticker}: no usable facts for " + ", ".join(wanted), file=f"sec:{ticker}"
        )
    frame = pd.DataFrame(rows, columns=list(FUNDAMENTAL_COLUMNS))
    frame = frame.sort_values(["metric", "period_end", "fiscal_period", "as_of"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["missing_metrics"] = missing
    return frame


# ------------------------------------------------------------------------ provider
class SecProvider:
    """Fundamentals from SEC EDGAR companyfacts (provider name ``"sec"``).

    Args:
        client: a configured :class:`SecClient` (default: one from the environment,
            created on first use so that constructing the provider never fails).
    """

    name = "sec"

    def __init__(self, client: SecClient | None = None) -> None:
        self._client = client
        self._tickers: dict[str, int] | None = None

    @property
    def client(self) -> SecClient:
        """The HTTP client (created from the environment on first use)."""
        if self._client is None:
            self._client = SecClient()
        return self._client

    def cik(self, ticker: str) -> int:
        """CIK of ``ticker`` (built-in map, else SEC's company_tickers.json).

        Raises:
            UnknownTickerError: the SEC does not list the ticker.
        """
        symbol = ticker.upper()
        if symbol in BUILTIN_CIKS:
            return BUILTIN_CIKS[symbol][0]
        if self._tickers is None:
            raw = self.client.get_json(TICKERS_URL, "company_tickers.json", what="the ticker list")
            rows = raw.values() if isinstance(raw, dict) else raw
            self._tickers = {
                str(r["ticker"]).upper(): int(r["cik_str"])
                for r in rows
                if "ticker" in r and "cik_str" in r
            }
        if symbol not in self._tickers:
            raise UnknownTickerError(
                f"the SEC lists no ticker {symbol}",
                field="ticker",
                hint="SEC data covers US filers; use the akshare provider for HK/A-shares",
            )
        return self._tickers[symbol]

    def companyfacts(self, ticker: str, *, refresh: bool = False) -> dict:
        """The raw companyfacts payload of ``ticker`` (cached)."""
        cik = self.cik(ticker)
        return self.client.get_json(
            COMPANYFACTS_URL.format(cik=cik),
            f"CIK{cik:010d}.json",
            what=f"{ticker.upper()} (CIK {cik})",
            refresh=refresh,
        )

    def fundamentals(
        self, ticker: str, *, metrics: Sequence[str] | None = None, refresh: bool = False
    ) -> pd.DataFrame:
        """Fundamentals rows for ``ticker`` (see :func:`companyfacts_to_frame`)."""
        payload = self.companyfacts(ticker, refresh=refresh)
        return companyfacts_to_frame(payload, ticker=ticker, metrics=metrics)
