"""Group aggregates on calendar periods, member shares, user groups, unknown groups."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from aithesis.errors import DataError, SpecError
from aithesis.kpi.groups import aggregate_group, group_shares, load_groups, resolve_group


def _fact(entity, ticker, period, end, value, unit="USD_bn", kind="actual", start=None):
    return {
        "entity": entity,
        "ticker": ticker,
        "metric": "capex",
        "fiscal_period": period,
        "period_start": pd.Timestamp(start) if start else pd.NaT,
        "period_end": pd.Timestamp(end) if end else pd.NaT,
        "value": value,
        "unit": unit,
        "currency": "USD",
        "kind": kind,
        "source": "t",
        "quote": None,
        "as_of": pd.Timestamp("2025-06-01"),
    }


@pytest.fixture()
def hyperscalers() -> pd.DataFrame:
    rows = [
        # Microsoft's fiscal Q3 (Jan-Mar) lands in calendar 2025Q1
        _fact("microsoft", "MSFT", "FY2025Q3", "2025-03-31", 16.75, start="2025-01-01"),
        _fact("amazon", "AMZN", "2025Q1", "2025-03-31", 25_000.0, unit="USD_M"),
        _fact("alphabet", "GOOGL", "2025Q1", "2025-03-31", 17.2),
        _fact("meta", "META", "2025Q1", "2025-03-31", 13.7),
        _fact("meta", "META", "2025Q1", "2025-03-31", 99.0, kind="estimate"),  # ignored
        _fact("microsoft", "MSFT", "FY2024Q4", "2024-06-30", 19.0),
        _fact("nvidia", "NVDA", "2025Q1", "2025-03-31", 1.0),  # not a member
    ]
    return pd.DataFrame(rows)


def test_builtin_groups() -> None:
    groups = load_groups()
    assert groups["us_hyperscalers"].tickers == ("MSFT", "AMZN", "GOOGL", "META")
    assert set(groups["china_cloud"].members) == {"alibaba", "tencent", "baidu"}


def test_aggregate_sums_members_on_calendar_quarters(hyperscalers: pd.DataFrame) -> None:
    grp = resolve_group("us_hyperscalers", load_groups())
    out = aggregate_group(hyperscalers, grp, metric="capex").set_index("period")
    q1 = out.loc["2025Q1"]
    assert q1["value"] == pytest.approx(16.75 + 25.0 + 17.2 + 13.7)  # 25,000 USD_M = 25 USD_bn
    assert q1["unit"] == "USD_bn" and bool(q1["complete"]) and q1["n_members"] == 4
    # 2024Q2 has Microsoft only: incomplete -> NaN unless partial sums are allowed
    assert math.isnan(out.loc["2024Q2", "value"])
    assert out.loc["2024Q2", "members_missing"] == "amazon,alphabet,meta"
    partial = aggregate_group(hyperscalers, grp, metric="capex", allow_partial=True).set_index(
        "period"
    )
    assert partial.loc["2024Q2", "value"] == pytest.approx(19.0)


def test_shares_sum_to_one_and_match_hand_division(hyperscalers: pd.DataFrame) -> None:
    grp = load_groups()["us_hyperscalers"]
    sh = group_shares(hyperscalers, grp, metric="capex")
    assert sh["share"].sum() == pytest.approx(1.0)
    total = 16.75 + 25.0 + 17.2 + 13.7
    assert sh.set_index("member").loc["amazon", "share"] == pytest.approx(25.0 / total)


def test_mixed_currencies_need_fx() -> None:
    rows = pd.DataFrame(
        [
            _fact("alibaba", "9988.HK", "2025Q1", "2025-03-31", 246.12, unit="RMB_100M"),
            _fact("tencent", "0700.HK", "2025Q1", "2025-03-31", 274.76, unit="RMB_100M"),
            _fact("baidu", "9888.HK", "2025Q1", "2025-03-31", 1.0, unit="USD_bn"),
        ]
    )
    grp = load_groups()["china_cloud"]
    with pytest.raises(DataError, match=r"CNY and USD|USD and CNY"):
        aggregate_group(rows, grp, metric="capex", unit="RMB_100M")
    out = aggregate_group(rows, grp, metric="capex", unit="RMB_100M", fx={"USD": 7.2})
    assert out["value"].iloc[0] == pytest.approx(
        246.12 + 274.76 + 72.0
    )  # 1 USD_bn = 72 RMB_100M at 7.2


def test_unknown_group_is_a_clear_error() -> None:
    with pytest.raises(DataError) as info:
        resolve_group("us_hyperscaler", load_groups())
    assert info.value.field == "group"
    assert "unknown group 'us_hyperscaler'" in str(info.value) and "us_hyperscalers" in str(
        info.value
    )


def test_user_groups_extend_and_override(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("groups:\n  chips:\n    members: [nvidia, AMD]\n", encoding="utf-8")
    groups = load_groups(path)
    assert groups["chips"].member_of("nvidia", "NVDA") == "nvidia"
    assert groups["chips"].member_of("amd", None) == "AMD"
    assert "us_hyperscalers" in groups


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("groups:\n  chips:\n    membres: [nvidia]\n", "groups.chips.members"),
        ("groups:\n  chips:\n    members: []\n", "groups.chips.members"),
        ("groups:\n  chips:\n    members: [a, b]\n    tickers: [A]\n", "groups.chips.tickers"),
    ],
)
def test_bad_groups_file_names_the_key(tmp_path: Path, body: str, field: str) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_groups(path)
    assert info.value.file == str(path) and info.value.field == field


def test_groups_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("groups: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_groups(path)
