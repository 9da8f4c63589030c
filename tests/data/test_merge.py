"""The price-merge policy on plain frames: no DuckDB, no store, no files."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from aithesis.data.merge import (
    NOTE,
    PriorSeries,
    check_basis,
    check_joins,
    dividend_spans,
    merge_prices,
)
from aithesis.errors import DataError

NO_DIVIDENDS = pd.DataFrame({"ticker": [], "ex_date": [], "amount": []})


def test_the_merge_module_does_not_import_duckdb() -> None:
    code = "import sys, aithesis.data.merge; print('duckdb' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_new_rows_win_on_shared_dates_and_history_is_kept(rows, days) -> None:
    old = rows("CC", days, [10.0, 10.5, 11.0, 11.5, 12.0])
    new = rows("CC", days[2:3], [11.2])
    out = merge_prices(old, new, NO_DIVIDENDS, {}, ["CC"], {})
    assert out.frame["close"].tolist() == [10.0, 10.5, 11.2, 11.5, 12.0]
    assert out.frame["adj_close"].tolist() == [10.0, 10.5, 11.2, 11.5, 12.0]
    assert out.sources == {"CC": "close (no dividends)"}
    assert out.warnings == {"CC": []}


@pytest.mark.parametrize(
    ("old_closes", "new_closes", "what"),
    [
        ([1224.0, 1209.0, 1208.0], [120.8, 121.5, 120.9], "a 10:1 split on one shared date"),
        ([50.0, 51.0, 52.0, 53.0], [50.25, 51.235, 52.22, 60.0], "x0.985 on three dates"),
        ([300.0, 303.0, 306.0], [204.0, 205.0, 206.0], "3:2 re-base, ONE shared date"),
        ([100.0, 101.0, 102.0], [97.92, 98.5, 99.0], "x0.96, ONE shared date"),
    ],
)
def test_rebased_histories_are_refused(rows, days, old_closes, new_closes, what) -> None:
    old = rows("RB", days[: len(old_closes)], old_closes)
    start = len(old_closes) - (3 if len(old_closes) == 4 else 1)
    new = rows("RB", days[start : start + len(new_closes)], new_closes)
    with pytest.raises(DataError, match="re-based") as info:
        merge_prices(old, new, NO_DIVIDENDS, {}, ["RB"], {})
    assert "aithesis data delete RB" in str(info.value), what


def test_one_shared_date_with_a_3_for_2_rebase_would_have_faked_a_minus_34pct_day(
    rows, days
) -> None:
    old = rows("TT", days[:3], [300.0, 303.0, 306.0])
    new = rows("TT", days[2:], [204.0, 205.0, 206.0])  # every price x2/3
    with pytest.raises(DataError) as info:
        check_joins(old, new)
    text = str(info.value)
    assert "2024-06-05: 204 vs stored 306" in text
    assert "x0.6667" in text and "-33.3% day" in text


def test_one_shared_date_off_by_a_little_is_stored_with_a_warning(rows, days) -> None:
    old = rows("SW", days[:3], [100.0, 101.0, 102.0])
    new = rows("SW", days[2:], [102.51, 103.0, 104.0])  # +0.5 % on the joining date
    out = merge_prices(old, new, NO_DIVIDENDS, {}, ["SW"], {})
    assert out.frame["close"].tolist() == [100.0, 101.0, 102.51, 103.0, 104.0]
    (warning,) = out.warnings["SW"]
    assert "2024-06-05" in warning and "x1.0050" in warning


def test_one_corrected_close_inside_the_stored_span_is_not_a_join(rows, days) -> None:
    old = rows("IN", days, [100.0, 101.0, 102.0, 103.0, 104.0])
    new = rows("IN", days[2:3], [104.0])  # +2 % but nothing outside the stored span
    assert check_joins(old, new) == {}


def test_a_split_like_jump_at_an_append_without_overlap_is_warned(rows, days) -> None:
    old = rows("JJ", days[:2], [1000.0, 1010.0])
    new = rows("JJ", days[2:], [101.0, 102.0, 103.0])
    (warning,) = check_joins(old, new)["JJ"]
    assert "x0.100" in warning and "2024-06-04" in warning and "2024-06-05" in warning


def test_a_basis_change_is_refused(rows, days) -> None:
    old = rows("BB", days[:2], [1.0, 1.1])
    with pytest.raises(DataError, match="basis 'raw' but the new rows are 'auto_adjusted'"):
        check_basis(old, rows("BB", days[2:3], [1.2], basis="auto_adjusted"))


def test_raw_adj_close_is_derived_from_dividends_by_hand(rows, days) -> None:
    new = rows("DV", days[:4], [10.0, 10.0, 9.6, 9.8])
    divs = pd.DataFrame({"ticker": ["DV"], "ex_date": pd.to_datetime([days[2]]), "amount": [0.5]})
    out = merge_prices(new.iloc[0:0], new, divs, {}, ["DV"], {})
    factor = 1 - 0.5 / 10.0  # Yahoo: prices before the ex-date times 1 - d / close_{t-1}
    expected = [10.0 * factor, 10.0 * factor, 9.6, 9.8]
    assert out.frame["adj_close"].tolist() == pytest.approx(expected, rel=1e-15)
    assert out.sources == {"DV": "dividends"}
    # the ex-date total return is close_t / (close_{t-1} - d) - 1
    adj = out.frame["adj_close"].to_numpy()
    assert adj[2] / adj[1] - 1 == pytest.approx(9.6 / (10.0 - 0.5) - 1, rel=1e-12)


def test_auto_adjusted_and_index_series_take_close_as_adj_close(rows, days) -> None:
    new = pd.concat(
        [
            rows("AU", days[:2], [5.0, 5.5], basis="auto_adjusted", adj=[1.0, 1.0]),
            rows("IX", days[:2], [4000.0, 4010.0], basis="index"),
        ],
        ignore_index=True,
    )
    out = merge_prices(new.iloc[0:0], new, NO_DIVIDENDS, {}, ["AU", "IX"], {})
    assert out.frame["adj_close"].tolist() == [5.0, 5.5, 4000.0, 4010.0]
    assert out.sources == {"AU": "close", "IX": "close"}


def test_source_adj_close_is_extended_with_price_returns(rows, days) -> None:
    old = rows("SA", days[:2], [10.0, 10.0], adj=[9.8, 10.0])
    new = rows("SA", days[2:3], [10.5])
    prior = {"SA": PriorSeries(adj_close_from="source")}
    out = merge_prices(old, new, NO_DIVIDENDS, prior, ["SA"], {})
    assert out.frame["adj_close"].tolist() == pytest.approx([9.8, 10.0, 10.5], rel=1e-15)
    assert out.sources == {"SA": "source"}
    assert out.warnings["SA"][0].startswith(NOTE) and "extended" in out.warnings["SA"][0]


def test_old_validation_warnings_survive_but_derivation_notes_are_recomputed(rows, days) -> None:
    old = rows("WV", days[:2], [10.0, 10.0])
    prior = {"WV": PriorSeries("close (no dividends)", ("gap of 9 days", NOTE + "stale note"))}
    only_dividends = merge_prices(old, None, NO_DIVIDENDS, prior, ["WV"], {})
    assert only_dividends.warnings["WV"] == ["gap of 9 days"]
    fresh = merge_prices(
        old, rows("WV", days[2:3], [10.0]), NO_DIVIDENDS, prior, ["WV"], {"WV": []}
    )
    assert fresh.warnings["WV"] == []  # this write validated the rows afresh


def test_dividend_spans_cover_the_new_rows_of_the_listed_tickers_only(rows, days) -> None:
    prices = pd.concat([rows("A", days[1:4], [1, 1, 1]), rows("B", days, [1] * 5)])
    spans = dividend_spans(prices, {"A"})
    assert spans.to_dict("records") == [
        {"ticker": "A", "min": pd.Timestamp(days[1]).date(), "max": pd.Timestamp(days[3]).date()}
    ]
