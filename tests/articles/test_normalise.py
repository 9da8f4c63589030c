"""Unit normalisation: each case the issue names, checked against a hand computation."""

from __future__ import annotations

import math

import pytest

from aithesis.articles import extract_text
from aithesis.articles.lexicon import UNIT_WORDS, cn_numeral_value
from aithesis.thesis.units import registry


def only(text: str):
    statements = extract_text(text).statements
    assert len(statements) == 1, [s.span for s in statements]
    return statements[0]


def close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-12)


def test_yi_yuan_is_cny() -> None:
    s = only("阿里巴巴25Q1资本开支246.12亿元")
    assert close(s.value, 246.12 * 100_000_000) and s.unit == "CNY" and s.op == "="
    assert s.quantity.to("RMB_100M").magnitude == pytest.approx(246.12)
    assert s.period == "2025Q1" and s.span == "246.12亿元"


def test_yi_du_is_kwh_value() -> None:
    energy = [
        s for s in extract_text("集群一年的用电量大概是 12.4 亿度").statements if s.kind == "energy"
    ]
    assert len(energy) == 1
    assert close(energy[0].value, 1.24e9) and energy[0].unit == "kWh" and energy[0].op == "~"
    assert energy[0].quantity.to("kWh_100M").magnitude == pytest.approx(12.4)


def test_bare_yi_range_takes_the_dollar_nearby() -> None:
    text = "每年有大概 2000-3000 亿的增量，5 年后就会达到 2 万亿美元左右的规模。"
    s = extract_text(text).statements[0]
    assert close(s.low, 2e11) and close(s.high, 3e11) and s.value is None
    assert s.unit == "USD" and s.op == "~"


def test_chao_40_gw_is_more_than() -> None:
    s = only("摩根士丹利预计美国到2028年数据中心电力缺口超 40GW")
    assert close(s.value, 40) and s.unit == "GW" and s.op == ">" and s.period == "2028"


def test_jin_20_percent_is_about() -> None:
    s = only("那每年就会有近 20% 的替换")
    assert close(s.value, 20) and s.unit == "percent" and s.op == "~"
    assert s.quantity.to("dimensionless").magnitude == pytest.approx(0.2)


def test_fan_bei_is_a_multiple_of_two() -> None:
    s = only("相较24Q1却同比实现翻倍")
    assert close(s.value, 2) and s.unit == "" and s.kind == "multiple" and s.op == "="
    assert close(only("翻两番").value, 4) and close(only("收入翻番").value, 2)


def test_yi_wan_duo_yi_dollars_is_more_than_a_trillion() -> None:
    s = only("规模在 1 万多亿美元")
    assert close(s.value, 1e12) and s.unit == "USD" and s.op == ">"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("两千亿美元", 2e11, "USD"),
        ("千亿美金市值", 1e11, "USD"),
        ("万亿美金的公司", 1e12, "USD"),
        ("百万亿参数", 1e14, "parameter"),
        ("十万张卡", 1e5, "GPU"),
        ("两亿人", 2e8, "person"),
        ("三成的用户", 30, "percent"),
        ("百分之三十", 30, "percent"),
        ("１２．５％", 12.5, "percent"),
        ("120 亿港元", 1.2e10, "HKD"),
        ("HK$ 30", 30, "HKD"),
        ("US$5.5 billion", 5.5e9, "USD"),
        ("$30k", 3e4, "USD"),
        ("RMB 300", 300, "CNY"),
        ("300 人民币", 300, "CNY"),
        ("8000 万千瓦时", 8e7, "kWh"),
        ("5 TWh", 5, "TWh"),
        ("500 MW", 500, "MW"),
        ("带宽在1.7TB/s", 1.7, "TB/s"),
        ("1,700 家科技公司", 1700, "company"),
        ("3-4 个点的 EPS", None, "percentage_point"),
        ("35 倍", 35, ""),
        ("10x", 10, ""),
        ("6 个月", 6, "month"),
        ("一年半", 1.5, "year"),
        ("100 天", 100, "day"),
        ("过去三个季度", 3, "quarter_year"),
        ("70B模型", 7e10, "parameter"),
    ],
)
def test_values_and_units(text: str, value: float | None, unit: str) -> None:
    s = only(text)
    assert s.unit == unit
    if value is not None:
        assert close(s.value, value)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("7-8%", 7, 8, "percent"),
        ("6,500-8,000美元", 6500, 8000, "USD"),
        ("10-20GB", 10, 20, "GB"),
        ("30-50 亿人", 3e9, 5e9, "person"),
        ("230～240 美元", 230, 240, "USD"),
        ("5%-10%", 5, 10, "percent"),
        ("一到两代", 1, 2, ""),
    ],
)
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    s = only(text)
    assert s.value is None and close(s.low, low) and close(s.high, high) and s.unit == unit


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("约 30%", "~"),
        ("30% 左右", "~"),
        ("about 30%", "~"),
        ("至少 5 万亿美元", ">="),
        ("不低于 5%", ">="),
        ("at least 5%", ">="),
        ("40%+", ">="),
        ("超过 30%", ">"),
        ("逾15%", ">"),
        ("more than 40 GW", ">"),
        ("十几家公司", ">"),
        ("不足40%", "<"),
        ("不到 0.1%", "<"),
        ("低于 5%", "<"),
        ("less than 5%", "<"),
        ("up to $5 billion", "<="),
        ("不超过 5%", "<="),
        ("至少是 5 万亿美元左右", ">="),
        ("大概在 1 万多亿美元", ">"),
    ],
)
def test_qualifiers(text: str, op: str) -> None:
    assert only(text).op == op


@pytest.mark.parametrize(
    "text",
    [
        "2025年",
        "4月15日",
        "25Q1",
        "FY2026",
        "in 2025",
        "2027-2028 年",
        "H100",
        "B40",
        "GPT-4",
        "DeepSeek-R1",
        "Grok-3",
        "S&P 500 和 Nasdaq 100",
        "Mag 7",
        "第三财季，第七代 TPU",
        "4G、5G",
        "几亿的新劳动力",
        "一个问题",
        "三位一体",
        "上午 10 点",
        "16:09",
        "",
    ],
)
def test_not_quantities(text: str) -> None:
    assert extract_text(text).statements == ()


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("阿里巴巴25Q1资本开支246.12亿元", "2025Q1"),
        ("2024年Q4的317.75亿元", "2024Q4"),
        ("2025年一季度资本开支100亿元", "2025Q1"),
        ("公司2026财年第一季度业绩将包括55亿美元", "FY2026Q1"),
        ("联想在2025/26财年第三季度营收222亿美元", "FY2026Q3"),
        ("FY2026 revenue of $22.2 billion", "FY2026"),
        ("4月15日披露了55亿美元", "04-15"),
        ("截至25年12月底营收222亿美元", "2025-12"),
        ("从2024年约63%下降", "2024"),
        ("iPhone 在 2008 年上市，这一年 Apple 公司的股价从 8 美元涨到了 10 美元", "2008"),
    ],
)
def test_periods(text: str, period: str) -> None:
    money = [s for s in extract_text(text).statements if s.kind in ("money", "percent")]
    assert money and money[0].period == period


def test_every_unit_word_is_a_registry_unit() -> None:
    ureg = registry()
    for word in UNIT_WORDS:
        if word.unit:
            ureg.parse_units(word.unit)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百二十", 120),
        ("两千", 2000),
        ("三千零五", 3005),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_numeral_value(text) == value


def test_spans_are_offsets_in_the_original_line() -> None:
    line = "**今年**，[链接](http://x.com/1?2=3) 资本开支 246.12亿元，约 30%。"
    for s in extract_text(line).statements:
        assert line[s.start : s.end].strip() == s.span
    assert [s.span for s in extract_text(line).statements] == ["246.12亿元", "30%"]
