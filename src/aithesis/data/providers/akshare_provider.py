"""akshare provider (optional extra ``cn``): Hong Kong and A-share prices and financials.

akshare is imported lazily; without it every call raises
:class:`~aithesis.errors.ProviderError` with the hint ``pip install 'aithesis[cn]'``.
Tests pass a stand-in module holding the same functions (``module=``).

Prices (standard frame, basis ``raw``: unadjusted, ``adjust=""``; ``adj_close`` left NaN
for the store to derive):

* A-shares ``600519.SS`` / ``300750.SZ``: ``ak.stock_zh_a_hist(symbol="600519",
  period="daily", start_date="YYYYMMDD", end_date="YYYYMMDD", adjust="")`` with columns
  ``日期 股票代码 开盘 收盘 最高 最低 成交量 成交额 振幅 涨跌幅 涨跌额 换手率``;
  成交量 is in lots (手) of 100 shares and is converted to shares.
* Hong Kong ``0700.HK``: ``ak.stock_hk_hist(symbol="00700", ...)`` with columns
  ``日期 开盘 收盘 最高 最低 成交量 成交额 振幅 涨跌幅 涨跌额 换手率`` (成交量 in shares).

Financials (fundamentals frame, kind ``actual`` or ``derived``):

* A-shares: Eastmoney statements ``ak.stock_cash_flow_sheet_by_report_em(symbol="SH600519")``
  (``CONSTRUCT_LONG_ASSET`` = 购建固定资产、无形资产和其他长期资产支付的现金 -> capex) and
  ``ak.stock_profit_sheet_by_report_em`` (``TOTAL_OPERATE_INCOME`` -> revenue,
  ``PARENT_NETPROFIT`` -> net_income); one row a report date (``REPORT_DATE``, published
  ``NOTICE_DATE``), values in CNY, **year-to-date** (Q1, H1, 9M, FY).
* Hong Kong: ``ak.stock_financial_hk_report_em(stock="00700", symbol="现金流量表" |
  "利润表", indicator="报告期")``, long format ``SECUCODE SECURITY_CODE SECURITY_NAME_ABBR
  ORG_CODE REPORT_DATE DATE_TYPE_CODE FISCAL_YEAR STD_ITEM_CODE STD_ITEM_NAME AMOUNT
  STD_REPORT_DATE``; items are picked by ``STD_ITEM_NAME`` (:data:`HK_ITEMS`, override
  with ``hk_items=``); amounts in the reporting currency (given as ``currency=``,
  default CNY for the China majors), treated as year-to-date within the fiscal year
  ``FISCAL_YEAR`` ending at its annual report date.

Year-to-date values are de-cumulated like the SEC provider: Q1 as reported, Q2 = H1 -
Q1, Q3 = 9M - H1, Q4 = FY - 9M with ``kind="derived"``. Capex is stored as a positive
outflow (absolute value). Register as provider name ``"akshare"``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from aithesis.data.providers.base import (
    FundamentalsBatch,
    FundamentalsQuery,
    PriceQuery,
    Provider,
    ProviderBatch,
    empty_frame,
)
from aithesis.data.schema import FUNDAMENTAL_COLUMNS, PRICE_COLUMNS
from aithesis.errors import ProviderError

__all__ = ["A_SHARE_FIELDS", "HK_ITEMS", "INSTALL_HINT", "AkshareProvider", "split_symbol"]

INSTALL_HINT = "pip install 'aithesis[cn]'"
SOURCE = "akshare"
A_SHARE_FIELDS: dict[str, tuple[str, str]] = {
    # metric -> (statement function, column)
    "capex": ("stock_cash_flow_sheet_by_report_em", "CONSTRUCT_LONG_ASSET"),
    "revenue": ("stock_profit_sheet_by_report_em", "TOTAL_OPERATE_INCOME"),
    "net_income": ("stock_profit_sheet_by_report_em", "PARENT_NETPROFIT"),
}
HK_ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    # metric -> (statement, STD_ITEM_NAME candidates in priority order)
    "capex": ("现金流量表", ("购建固定资产", "购建无形资产及其他资产", "购买物业、厂房及设备")),
    "revenue": ("利润表", ("营业额", "营运收入", "经营收入总额")),
    "net_income": ("利润表", ("股东应占溢利", "持续经营业务税后利润")),
}
_PRICE_MAP = {
    "日期": "date",
    "开盘": "open",
    "最高": "high",
    "最低": "low",
    "收盘": "close",
    "成交量": "volume",
}


def split_symbol(ticker: str) -> tuple[str, str]:
    """(market, akshare code) of a Yahoo-style symbol: ``0700.HK`` -> ("HK", "00700").

    Raises:
        ProviderError: not an HK, Shanghai (.SS/.SH), Shenzhen (.SZ) or Beijing (.BJ) symbol.
    """
    symbol = ticker.strip().upper()
    code, _, suffix = symbol.rpartition(".")
    if suffix == "HK" and code.isdigit():
        return "HK", code.zfill(5)
    if suffix in ("SS", "SH", "SZ", "BJ") and code.isdigit() and len(code) == 6:
        return "CN", code
    raise ProviderError(
        f"akshare provider handles HK and A-share symbols, not {ticker}",
        field="ticker",
        hint="write 0700.HK, 600519.SS or 300750.SZ",
    )


def _exchange_prefix(ticker: str) -> str:
    suffix = ticker.upper().rpartition(".")[2]
    return {"SS": "SH", "SH": "SH", "SZ": "SZ", "BJ": "BJ"}[suffix]


class AkshareProvider(Provider):
    """HK and A-share data through akshare (see the module docs).

    Args:
        module: the akshare module or a stand-in with the same functions (tests);
            default: ``import akshare`` on first use.
        currency: reporting currency of HK statements (default CNY, true of Tencent,
            Alibaba and Baidu); prices use the market's currency.
    """

    name = "akshare"
    kinds = ("prices", "fundamentals")

    def __init__(self, module: Any | None = None, *, currency: str = "CNY") -> None:
        self._module = module
        self.currency = currency

    @property
    def ak(self) -> Any:
        """The akshare module (imported on first use)."""
        if self._module is None:
            try:
                self._module = importlib.import_module("akshare")
            except ImportError:
                raise ProviderError(
                    "akshare is not installed", field="provider", hint=INSTALL_HINT
                ) from None
        return self._module

    # ----------------------------------------------------------------- prices
    def transform_query(self, query: PriceQuery) -> list[tuple[str, str, str, str, str]]:
        """(ticker, market, code, start, end) per ticker; dates as YYYYMMDD."""
        if not query.tickers:
            raise ProviderError("akshare needs explicit tickers", field="tickers")
        start = (query.start or dt.date(1990, 1, 1)).strftime("%Y%m%d")
        end = (query.end or dt.date.today()).strftime("%Y%m%d")
        return [(t.upper(), *split_symbol(t), start, end) for t in query.tickers]

    def extract(self, params: list[tuple[str, str, str, str, str]]) -> dict[str, Any]:
        """Call akshare per ticker; a failure is kept as its message."""
        ak = self.ak
        raw: dict[str, Any] = {}
        for ticker, market, code, start, end in params:
            fn = ak.stock_hk_hist if market == "HK" else ak.stock_zh_a_hist
            try:
                raw[ticker] = fn(
                    symbol=code, period="daily", start_date=start, end_date=end, adjust=""
                )
            except Exception as exc:  # akshare raises bare exceptions from its HTTP layer
                raw[ticker] = f"{type(exc).__name__}: {exc}"
        return raw

    def transform_data(self, raw: Mapping[str, Any], query: PriceQuery) -> ProviderBatch:
        """Map akshare's Chinese columns onto :data:`PRICE_COLUMNS`."""
        batch = ProviderBatch()
        frames = []
        for ticker, table in raw.items():
            if isinstance(table, str):
                batch.failures[ticker] = table
                continue
            try:
                frames.append(self._price_frame(ticker, table))
            except ProviderError as exc:
                batch.failures[ticker] = str(exc)
        if frames:
            batch.prices = pd.concat(frames, ignore_index=True)
        else:
            batch.prices = empty_frame(PRICE_COLUMNS)
        return batch

    def _price_frame(self, ticker: str, table: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in _PRICE_MAP if c not in table.columns]
        if missing:
            raise ProviderError(
                f"akshare price table lacks column '{missing[0]}'",
                file=f"akshare:{ticker}",
                field=missing[0],
            )
        market, _ = split_symbol(ticker)
        out = table.loc[:, list(_PRICE_MAP)].rename(columns=_PRICE_MAP)
        out["date"] = pd.to_datetime(out["date"]).dt.date
        for col in ("open", "high", "low", "close", "volume"):
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
        if market == "CN":
            out["volume"] = out["volume"] * 100.0  # lots of 100 shares -> shares
        out["ticker"] = ticker
        out["adj_close"] = np.nan
        out["currency"] = "HKD" if market == "HK" else "CNY"
        out["basis"] = "raw"
        out["source"] = SOURCE
        return out.loc[:, list(PRICE_COLUMNS)].sort_values("date").reset_index(drop=True)

    # ----------------------------------------------------------------- financials
    def transform_fundamentals_query(
        self, query: FundamentalsQuery
    ) -> tuple[FundamentalsQuery, str, str]:
        """(query, market, akshare code); an unsupported symbol fails here."""
        return (query, *split_symbol(query.ticker))

    def extract_fundamentals(
        self, params: tuple[FundamentalsQuery, str, str]
    ) -> dict[str, tuple[pd.DataFrame, str]]:
        """Per metric, the year-to-date rows read from akshare and their currency."""
        query, market, code = params
        wanted = list(query.metrics) if query.metrics is not None else list(A_SHARE_FIELDS)
        hk_items = query.options.get("hk_items") or HK_ITEMS
        raw: dict[str, tuple[pd.DataFrame, str]] = {}
        for metric in wanted:
            if market == "CN":
                raw[metric] = (self._a_share_ytd(query.ticker, code, metric), "CNY")
            else:
                raw[metric] = (self._hk_ytd(query.ticker, code, metric, hk_items), self.currency)
        return raw

    def transform_fundamentals(
        self, raw: Mapping[str, tuple[pd.DataFrame, str]], query: FundamentalsQuery
    ) -> FundamentalsBatch:
        """De-cumulate the year-to-date rows into quarters (pure)."""
        entity = query.entity or query.ticker.lower()
        rows: list[dict] = []
        for metric, (ytd, currency) in raw.items():
            rows.extend(
                _decumulate(
                    ytd,
                    entity=entity,
                    ticker=query.ticker.upper(),
                    metric=metric,
                    currency=currency,
                )
            )
        return FundamentalsBatch(pd.DataFrame(rows, columns=list(FUNDAMENTAL_COLUMNS)))

    def fundamentals(
        self,
        ticker: str,
        *,
        metrics: Sequence[str] | None = None,
        entity: str | None = None,
        refresh: bool = False,
        hk_items: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        """Quarterly and annual financials of an HK or A-share company.

        Returns:
            Fundamentals frame (store columns); values in the reporting currency's unit
            (``CNY``/``HKD``), ``as_of`` = publication date when akshare gives one, else
            the report date.

        Raises:
            ProviderError: akshare missing, an unsupported symbol, a table without the
                needed columns or items, or an akshare call that failed.
        """
        if hk_items is not None:
            options["hk_items"] = hk_items
        return super().fundamentals(
            ticker, metrics=metrics, entity=entity, refresh=refresh, **options
        )

    def _call(self, ticker: str, fn_name: str, **kwargs: Any) -> pd.DataFrame:
        try:
            return getattr(self.ak, fn_name)(**kwargs)
        except ProviderError:
            raise
        except Exception as exc:
            raise ProviderError(
                f"akshare {fn_name} failed: {type(exc).__name__}: {exc}", file=f"akshare:{ticker}"
            ) from None

    def _a_share_ytd(self, ticker: str, code: str, metric: str) -> pd.DataFrame:
        if metric not in A_SHARE_FIELDS:
            raise ProviderError(
                f"unknown akshare metric {metric!r}",
                field="metric",
                hint="one of " + ", ".join(A_SHARE_FIELDS),
            )
        fn_name, column = A_SHARE_FIELDS[metric]
        table = self._call(ticker, fn_name, symbol=_exchange_prefix(ticker) + code)
        for needed in ("REPORT_DATE", column):
            if needed not in table.columns:
                raise ProviderError(
                    f"{fn_name} table lacks column '{needed}'",
                    file=f"akshare:{ticker}",
                    field=needed,
                )
        end = pd.to_datetime(table["REPORT_DATE"]).dt.date
        published = pd.to_datetime(table["NOTICE_DATE"]).dt.date if "NOTICE_DATE" in table else end
        return pd.DataFrame(
            {
                "fy_start": [dt.date(d.year, 1, 1) for d in end],
                "end": end,
                "value": pd.to_numeric(table[column], errors="coerce"),
                "as_of": published,
                "what": f"{fn_name}.{column}",
            }
        ).dropna(subset=["value"])

    def _hk_ytd(
        self, ticker: str, code: str, metric: str, items: Mapping[str, tuple[str, tuple[str, ...]]]
    ) -> pd.DataFrame:
        if metric not in items:
            raise ProviderError(
                f"unknown akshare metric {metric!r}",
                field="metric",
                hint="one of " + ", ".join(items),
            )
        statement, names = items[metric]
        table = self._call(
            ticker, "stock_financial_hk_report_em", stock=code, symbol=statement, indicator="报告期"
        )
        for needed in ("REPORT_DATE", "STD_ITEM_NAME", "AMOUNT", "FISCAL_YEAR"):
            if needed not in table.columns:
                raise ProviderError(
                    f"{statement} table lacks column '{needed}'",
                    file=f"akshare:{ticker}",
                    field=needed,
                )
        name = next((n for n in names if (table["STD_ITEM_NAME"] == n).any()), None)
        if name is None:
            raise ProviderError(
                f"{statement} of {ticker} has no item " + " / ".join(names) + f" for {metric}",
                file=f"akshare:{ticker}",
                field=metric,
                hint="pass hk_items= with the STD_ITEM_NAME this company uses",
            )
        part = table[table["STD_ITEM_NAME"] == name].copy()
        part["end"] = pd.to_datetime(part["REPORT_DATE"]).dt.date
        # fiscal year end: the latest report date within each FISCAL_YEAR of an annual report
        fy_end = part.groupby("FISCAL_YEAR")["end"].transform("max")
        fy_start = [
            (pd.Timestamp(e) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date() for e in fy_end
        ]
        return pd.DataFrame(
            {
                "fy_start": fy_start,
                "end": part["end"].to_numpy(),
                "value": pd.to_numeric(part["AMOUNT"], errors="coerce").to_numpy(),
                "as_of": part["end"].to_numpy(),
                "what": f"stock_financial_hk_report_em.{name}",
            }
        ).dropna(subset=["value"])


def _decumulate(
    ytd: pd.DataFrame, *, entity: str, ticker: str, metric: str, currency: str
) -> list[dict]:
    """Quarter rows from year-to-date rows (Q1 as is; Qn = YTD(n) - YTD(n-1), derived)."""
    sign = -1.0 if metric == "capex" else 1.0
    cells: dict[tuple[dt.date, int], dict] = {}
    for _, r in ytd.iterrows():
        months = round(((r["end"] - r["fy_start"]).days + 1) / 30.44)
        if months in (3, 6, 9, 12):
            value = abs(float(r["value"])) if sign < 0 else float(r["value"])
            cells[(r["fy_start"], months // 3)] = {**r.to_dict(), "value": value}
    rows = []

    def label(fy_start: dt.date, n: int) -> tuple[str, int]:
        fy_end = (pd.Timestamp(fy_start) + pd.DateOffset(years=1) - pd.Timedelta(days=1)).date()
        return ("" if fy_end.month == 12 else "FY"), fy_end.year

    for (fy_start, n), cell in sorted(cells.items()):
        prefix, year = label(fy_start, n)
        base = {
            "entity": entity,
            "ticker": ticker,
            "metric": metric,
            "unit": currency,
            "currency": currency,
            "source": SOURCE,
        }
        if n == 4:
            rows.append(
                {
                    **base,
                    "fiscal_period": f"FY{year}",
                    "period_start": fy_start,
                    "period_end": cell["end"],
                    "value": cell["value"],
                    "kind": "actual",
                    "quote": f"{cell['what']} {cell['end']}",
                    "as_of": cell["as_of"],
                }
            )
        q = f"{prefix}{year}Q{n}"
        if n == 1:
            rows.append(
                {
                    **base,
                    "fiscal_period": q,
                    "period_start": fy_start,
                    "period_end": cell["end"],
                    "value": cell["value"],
                    "kind": "actual",
                    "quote": f"{cell['what']} {cell['end']}",
                    "as_of": cell["as_of"],
                }
            )
        elif (fy_start, n - 1) in cells:
            prev = cells[(fy_start, n - 1)]
            rows.append(
                {
                    **base,
                    "fiscal_period": q,
                    "period_start": prev["end"] + dt.timedelta(days=1),
                    "period_end": cell["end"],
                    "value": cell["value"] - prev["value"],
                    "kind": "derived",
                    "quote": f"derived: YTD {cell['end']} - YTD {prev['end']} ({cell['what']})",
                    "as_of": max(cell["as_of"], prev["as_of"]),
                }
            )
    return rows
