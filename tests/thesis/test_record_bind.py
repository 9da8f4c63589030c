"""Drivers bound to data (``from:``) and ``model run --as-of``.

Expected values are computed here with pandas straight from ``../shared/data`` (prices
CSV, SEC payload JSON) by the helpers of ``test_record.py``, never through the store.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from tests.thesis.test_record import _at, _close, market_cap, total_return
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.errors import AithesisError
from aithesis.thesis import load_model
from aithesis.thesis.record_bind import load_model_as_of, run_as_of

runner = CliRunner()

TREE = """\
name: bound-test
title: bound test
source: 002_96ddb6391e376a23.txt
drivers:
  a: {value: 2, low: 1, high: 3}
  cap:
    value: 3
    unit: USD_tn
    from: market_cap(NVDA, latest)
  price: {value: 100, unit: USD, from: "close(NVDA, latest)"}
formulas:
  x: cap * a
  y: a * 3
  z: x * y
  per_share: price / 2
"""


def _last_close_day(sample_dir) -> str:
    return str(_close(sample_dir, "NVDA").index[-1].date())


def test_nvda_5t_as_of_two_dates_differs_exactly_by_the_bound_drivers(sample_store, sample_dir):
    run = run_as_of("nvda-5t", ["2024-06-14", "latest"], store=sample_store)
    latest = _last_close_day(sample_dir)
    assert run.labels == ("2024-06-14", f"latest ({latest})")
    assert set(run.bound) == {"current_market_cap", "current_price"}
    assert run.differing() == ["current_market_cap", "current_price"]
    then, now = (e.values for e in run.evaluations)
    assert then["current_market_cap"] == pytest.approx(
        market_cap(sample_dir, "NVDA", "2024-06-14") / 1e9, rel=1e-9
    )
    assert then["current_market_cap"] / 1e3 == pytest.approx(3.2, abs=0.1)  # $3.2T, not $0.32T
    assert now["current_market_cap"] == pytest.approx(
        market_cap(sample_dir, "NVDA", latest) / 1e9, rel=1e-9
    )
    close = _close(sample_dir, "NVDA")
    assert then["current_price"] == pytest.approx(close[_at(close, "2024-06-14")], rel=1e-12)
    assert now["current_price"] == pytest.approx(close.iloc[-1], rel=1e-12)
    frame = run.to_frame()
    moved = set(frame.loc[frame["moved"] == "yes", "name"])
    assert moved == set(run.bound)
    assert (frame.loc[frame["name"] == "current_price", "from"] == "close(NVDA, latest)").all()


def test_only_bound_drivers_and_their_descendants_differ(write_model, sample_store):
    path = write_model(TREE, name="bound-test")
    run = run_as_of(path, ["2023-01-03", "2025-06-30", "latest"], store=sample_store)
    model = load_model(path)
    # descendants by hand: formulas whose inputs reach cap or price
    assert set(run.differing()) == {"cap", "price", "x", "z", "per_share"}
    assert set(run.differing()) == set(run.bound) | {
        n for n in model.formulas if model.graph.drivers_of([n]) & set(run.bound)
    }
    for e in run.evaluations:  # the arithmetic still holds in every column
        v = e.values
        assert v["x"] == pytest.approx(v["cap"] * 2) and v["z"] == pytest.approx(v["x"] * 6)
    assert [b["cap"].as_of for b in run.bindings][:2] == ["2023-01-03", "2025-06-30"]


def test_overrides_win_over_the_data(write_model, sample_store):
    path = write_model(TREE, name="bound-test")
    run = run_as_of(path, ["2024-06-14", "latest"], store=sample_store, overrides={"cap": 9})
    assert all(e.values["cap"] == 9 for e in run.evaluations)
    assert set(run.differing()) == {"price", "per_share"}


def test_without_a_store_the_literal_value_is_used_and_said(write_model):
    path = write_model(TREE, name="bound-test")
    model = load_model(path)
    assert model.evaluate()["cap"] == 3.0
    assert {b.source for b in model.bindings.values()} == {"literal"}
    res = runner.invoke(app, ["model", "run", str(path), "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.output)}
    assert rows["cap"]["source"] == "literal (no store)" and rows["cap"]["value"] == 3.0
    assert rows["cap"]["from"] == "market_cap(NVDA, latest)" and rows["a"]["source"] == ""
    res = runner.invoke(app, ["model", "run", str(path)], terminal_width=200)
    assert "literal here (no store" in res.output


def test_with_a_store_and_no_as_of_the_latest_data_is_used(write_model, sample_store, sample_dir):
    path = write_model(TREE, name="bound-test")
    model = load_model_as_of(path, store=sample_store)
    latest = _last_close_day(sample_dir)
    assert model.bindings["cap"].source == "data" and model.bindings["cap"].as_of == latest
    assert model.evaluate()["cap"] == pytest.approx(
        market_cap(sample_dir, "NVDA", latest) / 1e12, rel=1e-9
    )


def test_cli_as_of_twice_shows_two_columns(sample_store):
    args = ["model", "run", "nvda-5t", "--store", str(sample_store.path)]
    res = runner.invoke(app, [*args, "--as-of", "2024-06-14", "--as-of", "latest", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    cols = [k for k in rows[0] if k.startswith("as of ")]
    assert cols == ["as of 2024-06-14", "as of latest (2026-05-29)"]
    moved = {r["name"] for r in rows if r["moved"] == "yes"}
    assert (
        moved
        == {r["name"] for r in rows if r["from"]}
        == {
            "current_market_cap",
            "current_price",
        }
    )
    for r in rows:
        assert (r[cols[0]] != r[cols[1]]) == (r["name"] in moved)
    res = runner.invoke(
        app, [*args, "--as-of", "2024-06-14", "--as-of", "latest"], terminal_width=200
    )
    assert res.exit_code == 0, res.output
    assert "as of 2024-06-14" in res.output and "moved" in res.output
    assert "bound to data: current_market_cap, current_price" in res.output


def test_kpi_driver_reads_the_fact_filed_by_the_as_of_date(write_model, sample_store, sample_dir):
    payload = json.loads((sample_dir / "sec" / "CIK0000789019.partial.json").read_text())
    facts = payload["facts"]["us-gaap"]["PaymentsToAcquirePropertyPlantAndEquipment"]
    rows = pd.DataFrame(facts["units"]["USD"])
    year = rows[(rows.start == "2024-07-01") & (rows.end == "2025-06-30")].sort_values("filed")
    expected = float(year.iloc[-1]["val"]) / 1e9  # USD -> USD_bn/year (a fiscal year's flow)
    first_filed = str(year.iloc[0]["filed"])
    path = write_model(
        """\
        name: kpi-bound
        title: kpi bound
        drivers:
          capex: {from: "kpi(MSFT, capex, 2025)", unit: USD_bn/year}
          years: {value: 2, unit: year}
        formulas:
          spent: capex * years
        """,
        name="kpi-bound",
    )
    model = load_model_as_of(path, store=sample_store)
    assert model.evaluate()["capex"] == pytest.approx(expected, rel=1e-12)
    assert model.evaluate()["spent"] == pytest.approx(2 * expected, rel=1e-12)
    before = (pd.Timestamp(first_filed) - pd.Timedelta(days=1)).date().isoformat()
    with pytest.raises(AithesisError, match="no capex fact for MSFT FY2025") as info:
        load_model_as_of(path, store=sample_store, as_of=before)
    assert f"{path}:4" in str(info.value) and "drivers.capex.from" in str(info.value)


def _project_index(tmp_path):
    path = tmp_path / "pair.yaml"
    path.write_text(
        "name: NVDA and AMD, equal weight, held\n"
        "base_date: 2023-01-03\nbase_value: 100\ncurrency: USD\nreturn_type: price\n"
        "universe:\n  tickers: [NVDA, AMD]\nweighting:\n  scheme: equal\n"
        "rebalance: none\ncosts_bps: 0\n",
        encoding="utf-8",
    )
    return path


def _pair_level(sample_dir, day: str) -> float:
    """Buy-and-hold 50/50 from the base close, price basis, by hand."""
    out = 0.0
    for t in ("NVDA", "AMD"):
        close = _close(sample_dir, t)
        out += 0.5 * close[_at(close, day)] / close[pd.Timestamp("2023-01-03")]
    return 100 * out


def test_index_level_of_a_project_index_against_a_hand_computation(
    write_model, tmp_path, sample_store, sample_dir
):
    index = _project_index(tmp_path)
    path = write_model(
        """\
        name: idx-bound
        title: index bound
        drivers:
          level: {value: 100, from: 'index_level(pair, "2024-06-15")'}
          level_now: {value: 100, from: "index_level(pair, latest)"}
        """,
        name="idx-bound",
    )
    model = load_model_as_of(path, store=sample_store, indexes={"pair": index})
    ev = model.evaluate()
    # 2024-06-15 is a Saturday: the last close at or before it is Friday 2024-06-14
    assert ev["level"] == pytest.approx(_pair_level(sample_dir, "2024-06-14"), rel=1e-9)
    day = model.bindings["level_now"].as_of
    assert ev["level_now"] == pytest.approx(_pair_level(sample_dir, day), rel=1e-9)


def test_index_level_in_a_record_claim_and_a_builtin_index(write_model, tmp_path, sample_store):
    from aithesis.index import build_index
    from aithesis.thesis.record_api import check_records

    agix = build_index("agix", sample_store).levels
    expected = float(agix[agix.index <= pd.Timestamp("2025-06-30")].iloc[-1])
    path = write_model(
        f"""\
        name: idx-claim
        title: index claim
        drivers:
          x: 1
        claims:
          - id: agix_mid_2025
            kind: record
            expr: index_level(agix, "2025-06-30")
            claimed: {expected:.6f}
            tol: 0.0001
            article_date: "2025-07-01"
        """,
        name="idx-claim",
    )
    r = check_records([path], store=sample_store).get("agix_mid_2025")
    assert r.computed_then == pytest.approx(expected, rel=1e-12)
    assert (r.status_then, r.status_since) == ("ok", "ok")
    assert np.isfinite(r.computed_since)


def test_a_model_without_literal_values_is_judged_with_a_store(write_model, sample_store):
    from aithesis.thesis.record_api import check_records

    path = write_model(
        """\
        name: no-literal
        title: no literal
        source: 002_96ddb6391e376a23.txt
        drivers:
          cap: {from: "market_cap(NVDA, latest)", unit: USD_tn}
        claims:
          - id: c
            kind: record
            expr: close(NVDA, article_date)
            op: ">="
            claimed: 1
        """,
        name="no-literal",
    )
    assert check_records([path], store=sample_store).get("c").status_then == "ok"


def test_from_dates_take_years_article_date_and_iso(write_model, sample_store, sample_dir):
    path = write_model(
        """\
        name: dates-bound
        title: dates bound
        source: 002_96ddb6391e376a23.txt
        drivers:
          cap_2023: {value: 1, unit: USD_bn, from: "market_cap(NVDA, 2023)"}
          at_article: {value: 1, unit: USD, from: "close(NVDA, article_date)"}
          iso: {value: 1, unit: USD, from: "close(NVDA, '2024-06-15')"}
          tr: {value: 0, from: "total_return(NVDA, 2023)"}
        """,
        name="dates-bound",
    )
    ev = load_model_as_of(path, store=sample_store).evaluate()
    close = _close(sample_dir, "NVDA")
    assert ev["cap_2023"] == pytest.approx(market_cap(sample_dir, "NVDA", "2023-12-31") / 1e9)
    assert ev["at_article"] == pytest.approx(close[pd.Timestamp("2024-07-22")], rel=1e-12)
    assert ev["iso"] == pytest.approx(close[pd.Timestamp("2024-06-14")], rel=1e-12)  # Saturday
    expected = total_return(sample_dir, "NVDA", "2022-12-31", "2023-12-31")
    assert ev["tr"] == pytest.approx(expected, rel=1e-6)


def test_cli_check_record_with_a_project_index(write_model, tmp_path, sample_store, sample_dir):
    index = _project_index(tmp_path)
    expected = _pair_level(sample_dir, "2024-06-14")
    path = write_model(
        f"""\
        name: idx-cli
        title: index cli
        drivers:
          x: 1
        claims:
          - id: pair_level
            kind: record
            expr: index_level(pair, "2024-06-14")
            claimed: {expected:.6f}
            tol: 0.0001
            article_date: "2024-06-14"
        """,
        name="idx-cli",
    )
    args = ["model", "check", str(path), "--store", str(sample_store.path), "-f", "json"]
    res = runner.invoke(app, [*args, "--index", str(index)])
    assert res.exit_code == 0, res.output
    row = next(r for r in json.loads(res.output) if r["claim_id"] == "pair_level")
    assert row["computed_then"] == pytest.approx(expected, rel=1e-9)
    assert row["status_then"] == row["status_since"] == "ok"
    res = runner.invoke(app, args)  # without --index: the index is unknown, one line
    assert res.exit_code == 1 and "unknown index 'pair'" in res.output
    assert f"{path}:" in res.output and "claims.pair_level" in res.output


def test_cli_bad_as_of_is_one_line(sample_store):
    args = ["model", "run", "nvda-5t", "--store", str(sample_store.path)]
    res = runner.invoke(app, [*args, "--as-of", "June 2024"])
    assert res.exit_code == 1 and res.output.count("\n") == 1
    assert "'--as-of'" in res.output and "not an ISO date" in res.output
    res = runner.invoke(app, [*args, "--as-of", "1990-01-02"])
    assert res.exit_code == 1 and res.output.count("\n") == 1
    assert "before the data of NVDA" in res.output and "drivers.current_market_cap" in res.output


def test_nvda_literals_are_the_figures_of_the_article_date(sample_dir) -> None:
    """Without a store the model uses its literals: the split-adjusted close of the
    catalogued article date (and the article's own $3T), not some other day's."""
    from aithesis.thesis.articles_meta import article_date

    model = load_model("nvda-5t")
    day = article_date(model.spec.source)
    close = _close(sample_dir, "NVDA")
    literal = model.spec.drivers["current_price"].value
    assert literal == pytest.approx(close[_at(close, str(day))], abs=0.005)
    assert model.spec.drivers["current_market_cap"].value == 3000  # "已经达到了 3 万亿美元"
