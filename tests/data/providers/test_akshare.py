"""akshare provider on hand-recorded tables in akshare's real DataFrame shape (no network)."""

from __future__ import annotations

import datetime as dt
import sys
from types import SimpleNamespace

import pandas as pd
import pytest

from aithesis.data.providers.akshare_provider import INSTALL_HINT, AkshareProvider, split_symbol
from aithesis.data.providers.base import PriceQuery
from aithesis.data.schema import FUNDAMENTAL_COLUMNS, PRICE_COLUMNS
from aithesis.errors import ProviderError

# stock_zh_a_hist / stock_hk_hist column layout (values hand-written for the test)
A_HIST = pd.DataFrame(
    {
        "日期": ["2025-01-03", "2025-01-02"],
        "股票代码": ["600519", "600519"],
        "开盘": [1500.0, 1524.0],
        "收盘": [1480.5, 1488.0],
        "最高": [1505.0, 1524.5],
        "最低": [1475.0, 1480.0],
        "成交量": [30_000, 50_000],  # lots of 100 shares
        "成交额": [4.45e9, 7.45e9],
        "振幅": [2.0, 3.0],
        "涨跌幅": [-0.5, -2.4],
        "涨跌额": [-7.5, -36.0],
        "换手率": [0.24, 0.4],
    }
)
HK_HIST = pd.DataFrame(
    {
        "日期": ["2025-01-02"],
        "开盘": [418.0],
        "收盘": [410.2],
        "最高": [419.6],
        "最低": [408.8],
        "成交量": [17_000_000],
        "成交额": [7.0e9],
        "振幅": [2.6],
        "涨跌幅": [-1.1],
        "涨跌额": [-4.6],
        "换手率": [0.18],
    }
)
# stock_cash_flow_sheet_by_report_em: one row a report date, year-to-date CNY
A_CASH = pd.DataFrame(
    {
        "SECUCODE": ["600519.SH"] * 4,
        "REPORT_DATE": [
            "2024-12-31 00:00:00",
            "2024-09-30 00:00:00",
            "2024-06-30 00:00:00",
            "2024-03-31 00:00:00",
        ],
        "NOTICE_DATE": [
            "2025-04-03 00:00:00",
            "2024-10-26 00:00:00",
            "2024-08-09 00:00:00",
            "2024-04-27 00:00:00",
        ],
        "CONSTRUCT_LONG_ASSET": [4.6e9, 2.9e9, 1.8e9, 0.7e9],
    }
)
# stock_financial_hk_report_em: long format
HK_CASH = pd.DataFrame(
    {
        "SECUCODE": ["00700.HK"] * 3,
        "SECURITY_CODE": ["00700"] * 3,
        "SECURITY_NAME_ABBR": ["腾讯控股"] * 3,
        "ORG_CODE": ["10000001"] * 3,
        "REPORT_DATE": ["2024-12-31 00:00:00", "2024-03-31 00:00:00", "2024-06-30 00:00:00"],
        "DATE_TYPE_CODE": ["001", "003", "002"],
        "FISCAL_YEAR": ["12-31"] * 3,
        "STD_ITEM_CODE": ["004009001"] * 3,
        "STD_ITEM_NAME": ["购建固定资产"] * 3,
        "AMOUNT": [-76_760_000_000.0, -14_359_000_000.0, -23_099_000_000.0],
        "STD_REPORT_DATE": ["2024-12-31 00:00:00", "2024-03-31 00:00:00", "2024-06-30 00:00:00"],
    }
)


def fake_ak(**overrides) -> SimpleNamespace:
    calls: list[tuple[str, dict]] = []

    def rec(name, table):
        def fn(**kwargs):
            calls.append((name, kwargs))
            if isinstance(table, Exception):
                raise table
            return table.copy()

        return fn

    tables = {
        "stock_zh_a_hist": A_HIST,
        "stock_hk_hist": HK_HIST,
        "stock_cash_flow_sheet_by_report_em": A_CASH,
        "stock_profit_sheet_by_report_em": pd.DataFrame({"REPORT_DATE": []}),
        "stock_financial_hk_report_em": HK_CASH,
        **overrides,
    }
    ns = SimpleNamespace(**{k: rec(k, v) for k, v in tables.items()})
    ns.calls = calls
    return ns


def test_missing_akshare_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "akshare", None)  # makes `import akshare` fail
    with pytest.raises(ProviderError) as info:
        AkshareProvider().fetch(PriceQuery(tickers=("0700.HK",)))
    assert info.value.hint == INSTALL_HINT


def test_symbols_map_to_akshare_codes() -> None:
    assert split_symbol("0700.HK") == ("HK", "00700")
    assert split_symbol("600519.SS") == ("CN", "600519")
    with pytest.raises(ProviderError, match="not NVDA"):
        split_symbol("NVDA")


def test_prices_map_chinese_columns_to_the_standard_frame() -> None:
    ak = fake_ak()
    batch = AkshareProvider(ak).fetch(
        PriceQuery(
            tickers=("600519.SS", "0700.HK"), start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31)
        )
    )
    assert list(batch.prices.columns) == list(PRICE_COLUMNS)
    a = batch.prices[batch.prices.ticker == "600519.SS"]
    assert a["date"].tolist() == [dt.date(2025, 1, 2), dt.date(2025, 1, 3)]  # sorted
    assert a["close"].tolist() == [1488.0, 1480.5]
    assert a["volume"].tolist() == [5_000_000.0, 3_000_000.0]  # lots x 100
    assert set(a["currency"]) == {"CNY"} and set(a["basis"]) == {"raw"}
    hk = batch.prices[batch.prices.ticker == "0700.HK"]
    assert hk["volume"].tolist() == [17_000_000.0] and set(hk["currency"]) == {"HKD"}
    assert (
        "stock_hk_hist",
        {
            "symbol": "00700",
            "period": "daily",
            "start_date": "20250101",
            "end_date": "20250131",
            "adjust": "",
        },
    ) in ak.calls


def test_price_failures_are_per_ticker() -> None:
    ak = fake_ak(stock_hk_hist=RuntimeError("boom"))
    batch = AkshareProvider(ak).fetch(PriceQuery(tickers=("600519.SS", "0700.HK")))
    assert "boom" in batch.failures["0700.HK"] and len(batch.prices) == 2


def test_price_table_missing_a_column_is_reported() -> None:
    ak = fake_ak(stock_zh_a_hist=A_HIST.drop(columns=["收盘"]))
    batch = AkshareProvider(ak).fetch(PriceQuery(tickers=("600519.SS",)))
    assert "收盘" in batch.failures["600519.SS"]


def test_a_share_capex_is_decumulated_from_year_to_date() -> None:
    frame = AkshareProvider(fake_ak()).fundamentals("600519.SS", entity="moutai", metrics=["capex"])
    assert list(frame.columns) == list(FUNDAMENTAL_COLUMNS)
    by = frame.set_index("fiscal_period")
    assert (
        by.loc["2024Q1", "value"] == pytest.approx(0.7e9) and by.loc["2024Q1", "kind"] == "actual"
    )
    assert (
        by.loc["2024Q2", "value"] == pytest.approx(1.8e9 - 0.7e9)
        and by.loc["2024Q2", "kind"] == "derived"
    )
    assert by.loc["2024Q3", "value"] == pytest.approx(2.9e9 - 1.8e9)
    assert by.loc["2024Q4", "value"] == pytest.approx(4.6e9 - 2.9e9)
    assert by.loc["FY2024", "value"] == pytest.approx(4.6e9)
    assert by.loc["2024Q4", "as_of"] == dt.date(2025, 4, 3)  # published with the annual report
    assert set(frame["unit"]) == {"CNY"}


def test_hk_capex_uses_std_item_name_and_absolute_outflow() -> None:
    frame = AkshareProvider(fake_ak()).fundamentals("0700.HK", entity="tencent", metrics=["capex"])
    by = frame.set_index("fiscal_period")
    assert by.loc["2024Q1", "value"] == pytest.approx(14_359_000_000.0)
    assert by.loc["2024Q2", "value"] == pytest.approx(23_099_000_000.0 - 14_359_000_000.0)
    assert "2024Q3" not in by.index and "2024Q4" not in by.index  # no 9M report to subtract
    assert by.loc["FY2024", "value"] == pytest.approx(76_760_000_000.0)


def test_hk_statement_without_the_item_is_a_clear_error() -> None:
    ak = fake_ak(stock_financial_hk_report_em=HK_CASH.assign(STD_ITEM_NAME="其他"))
    with pytest.raises(ProviderError) as info:
        AkshareProvider(ak).fundamentals("0700.HK", metrics=["capex"])
    assert "购建固定资产" in str(info.value) and info.value.field == "capex"


def test_a_share_statement_without_the_column_is_a_clear_error() -> None:
    ak = fake_ak(stock_cash_flow_sheet_by_report_em=A_CASH.drop(columns=["CONSTRUCT_LONG_ASSET"]))
    with pytest.raises(ProviderError) as info:
        AkshareProvider(ak).fundamentals("600519.SS", metrics=["capex"])
    assert info.value.field == "CONSTRUCT_LONG_ASSET"
