"""Davis double-click: (1 + r) = (1 + g_eps)(1 + g_pe), in levels and logs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from aithesis.errors import DataError
from aithesis.thesis import davis_decomposition, davis_from_frames


def test_levels_split_price_return_into_eps_and_multiple() -> None:
    d = davis_decomposition(100, 150, 5, 6)  # P/E 20 -> 25
    assert d.price_return == pytest.approx(0.5)
    assert d.eps_growth == pytest.approx(0.2)
    assert d.pe_change == pytest.approx(25 / 20 - 1)
    assert (1 + d.eps_growth) * (1 + d.pe_change) == pytest.approx(1 + d.price_return)
    assert d.log_eps + d.log_pe == pytest.approx(math.log(1.5))
    assert d.eps_share + d.pe_share == pytest.approx(1.0)
    assert d.kind == "double-click"


def test_rates_form_and_double_kill() -> None:
    d = davis_decomposition(price_return=-0.4, eps_growth=-0.2)
    assert d.pe_change == pytest.approx(0.6 / 0.8 - 1)
    assert d.kind == "double-kill"
    frame = d.to_frame()
    assert frame.loc["pe", "level"] == pytest.approx(-0.25)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"price_start": 100, "price_end": 120, "eps_start": -1, "eps_end": 2},
        {"price_start": 0, "price_end": 120, "eps_start": 1, "eps_end": 2},
        {"price_return": 0.1},
    ],
)
def test_bad_inputs_name_the_argument(kwargs) -> None:
    with pytest.raises(DataError) as info:
        davis_decomposition(**kwargs)
    assert info.value.field in {"price_start", "eps_start", "eps_growth"}


def test_from_frames_uses_eps_known_at_each_date() -> None:
    prices = pd.DataFrame(
        {"date": ["2024-01-02", "2024-06-28", "2024-12-31"], "close": [50.0, 60.0, 90.0]}
    )
    eps = pd.DataFrame(
        {
            "period_end": ["2023-12-31", "2024-06-30", "2024-06-30"],
            "as_of": ["2024-01-01", "2024-08-01", "2024-11-01"],  # a restatement in November
            "value": [2.0, 2.4, 2.5],
        }
    )
    d = davis_from_frames(prices, eps, "2024-01-02", "2024-12-31")
    assert d.price_return == pytest.approx(90 / 50 - 1)
    assert d.eps_growth == pytest.approx(2.5 / 2.0 - 1)
    assert d.pe_change == pytest.approx((90 / 2.5) / (50 / 2.0) - 1)
    mid = davis_from_frames(prices, eps, "2024-01-02", "2024-07-15")
    assert mid.eps_growth == 0.0  # the June EPS is not published until August
    with pytest.raises(DataError):
        davis_from_frames(prices, eps, "2023-01-01", "2024-12-31")


def test_davis_from_store_uses_stored_prices_and_full_year_eps(tmp_path, sample_dir) -> None:
    """Stored NVDA closes and hand-entered EPS facts: the decomposition equals the one
    computed from the same four figures by hand."""
    import pandas as pd

    from aithesis.data.api import import_dir
    from aithesis.data.store import Store
    from aithesis.thesis.api import davis_from_store

    store = Store(tmp_path / "s.duckdb")
    import_dir(store, sample_dir, tickers=["NVDA"])
    base = {
        "entity": "nvidia",
        "ticker": "NVDA",
        "metric": "eps_diluted",
        "unit": "USD",
        "currency": "USD",
        "kind": "actual",
        "source": "hand-entered test facts",
    }
    store.write_fundamentals(
        pd.DataFrame(
            [
                {
                    **base,
                    "fiscal_period": "FY2023",
                    "period_end": "2023-01-29",
                    "value": 0.174,
                    "as_of": "2023-02-24",
                },
                {
                    **base,
                    "fiscal_period": "FY2024",
                    "period_end": "2024-01-28",
                    "value": 1.19,
                    "as_of": "2024-02-21",
                },
                {
                    **base,
                    "fiscal_period": "2024Q4",
                    "period_end": "2024-01-28",
                    "value": 0.49,
                    "as_of": "2024-02-21",
                },  # a quarter: must not be used when full years exist
            ]
        )
    )
    res = davis_from_store(store, "NVDA", "2023-03-01", "2024-03-01")
    raw = pd.read_csv(sample_dir / "prices" / "NVDA.csv", parse_dates=["date"]).set_index("date")
    p0 = raw.loc[:"2023-03-01", "close"].iloc[-1]
    p1 = raw.loc[:"2024-03-01", "close"].iloc[-1]
    assert res.price_return == pytest.approx(p1 / p0 - 1, rel=1e-12)
    assert res.eps_growth == pytest.approx(1.19 / 0.174 - 1, rel=1e-12)
    assert (1 + res.price_return) == pytest.approx((1 + res.eps_growth) * (1 + res.pe_change))


def test_davis_from_store_without_eps_facts_says_how_to_get_them(tmp_path, sample_dir) -> None:
    from aithesis.data.api import import_dir
    from aithesis.data.store import Store
    from aithesis.errors import DataError
    from aithesis.thesis.api import davis_from_store

    store = Store(tmp_path / "s.duckdb")
    import_dir(store, sample_dir, tickers=["NVDA"])
    with pytest.raises(DataError, match="no eps_diluted facts for NVDA"):
        davis_from_store(store, "NVDA", "2023-03-01", "2024-03-01")
