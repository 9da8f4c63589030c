"""Claim checking: the built-in models find the articles' arithmetic gaps by themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aithesis.thesis import BUILTIN_DIR, check_all, load_model

JSON_KEYS = [
    "model",
    "claim_id",
    "text",
    "source",
    "claimed",
    "computed",
    "unit",
    "rel_error",
    "status",
]


@pytest.fixture(scope="module")
def report():
    return check_all()


def _result(report, model: str, claim_id: str):
    return report.get(claim_id, model=model)


def _quoted(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, d in data["drivers"].items():
        if isinstance(d, dict) and d.get("quote"):
            yield f"drivers.{key}", d["quote"], d.get("source") or data["source"]
    for c in data.get("claims", []):
        yield f"claims.{c['id']}", c.get("quote"), c.get("source") or data["source"]


def test_every_builtin_quote_occurs_verbatim_in_its_cited_article(seeds_dir: Path) -> None:
    assert seeds_dir.is_dir(), seeds_dir
    files = sorted(BUILTIN_DIR.glob("*.yaml"))
    assert len(files) >= 10
    checked = 0
    for path in files:
        for key, quote, source in _quoted(path):
            assert quote, f"{path.name}: {key} has no quote"
            assert source.endswith(".txt"), f"{path.name}: {key} cites {source!r}"
            text = (seeds_dir / source).read_text(encoding="utf-8")
            assert quote in text, f"{path.name}: {key} quote not verbatim in {source}"
            checked += 1
    assert checked >= 60


def test_every_claim_cites_an_article(report, seeds_dir: Path) -> None:
    for r in report:
        for src in r.source.split("; "):
            assert (seeds_dir / src).is_file(), (r.model, r.claim_id, r.source)


# FRAMEWORKS.md section 5 marks these **check**
@pytest.mark.parametrize(
    ("model", "claim_id"),
    [
        ("compute-energy", "gpt4_energy"),
        ("compute-energy", "gpt4_three_gorges"),
        ("compute-energy", "gpt4_shanghai"),
        ("compute-energy", "cluster_energy"),
        ("inference-memory", "memory_quantised"),
    ],
)
def test_claims_marked_check_in_frameworks_are_flagged(report, model, claim_id) -> None:
    assert _result(report, model, claim_id).status == "flagged"


def test_flagged_energy_figures_match_frameworks_arithmetic(report) -> None:
    gpt4 = _result(report, "compute-energy", "gpt4_energy")
    assert gpt4.computed == pytest.approx(8000 * 1.0 * 100 * 24)  # 19.2M kWh at 1 kW
    assert "pue = 1.354" in gpt4.note  # 26 / 19.2
    cluster = _result(report, "compute-energy", "cluster_energy")
    assert cluster.computed == pytest.approx(0.876e9, rel=1e-3)  # 100k x 1 kW x 8,766 h
    assert "pue = 1.415" in cluster.note  # FRAMEWORKS: ~1.4
    tg = _result(report, "compute-energy", "gpt4_three_gorges")
    assert tg.computed < 0.15  # Three Gorges makes about ten times more in a day
    mem = _result(report, "inference-memory", "memory_quantised")
    assert mem.computed == pytest.approx((35.0, 70.0))  # 70e9 x 4..8 bits / 8
    assert "quant_bits = 1.143..2.286" in mem.note  # FRAMEWORKS: ~1.1-2.3 bits


def test_cross_claims_flag_the_three_gorges_comparison(report) -> None:
    tg = _result(report, "compute-energy", "gpt4_energy~gpt4_three_gorges")
    assert tg.kind == "cross" and tg.status == "flagged"
    assert tg.computed == pytest.approx(802.71e8 / 365.25)  # one day of 2023 output, kWh
    shanghai = _result(report, "compute-energy", "gpt4_energy~gpt4_shanghai")
    assert shanghai.status == "ok"  # 5% of Shanghai's day (~25.3M kWh) is close to 26M
    assert shanghai.computed == pytest.approx(0.05 * 1849e8 / 365.25)


@pytest.mark.parametrize(
    ("model", "claim_id"),
    [
        ("nvda-5t", "replacement"),
        ("nvda-5t", "revenue"),
        ("nvda-5t", "dc_profit"),
        ("nvda-5t", "market_cap"),
        ("inference-memory", "memory_fp16"),
        ("us-power", "dc_share_now"),
        ("us-power", "dc_share_2028"),
        ("us-power", "ms_power_gap"),
        ("china-compute", "even_split_2025"),
        ("hyperscaler-capex", "alibaba_doubled"),
        ("hyperscaler-capex", "tencent_nearly_doubled"),
        ("compute-demand", "demand_multiple"),
        ("ai-gdp", "defence_ai"),
        ("ai-gdp", "ai_worker_revenue"),
        ("training-compute", "hardware_cost"),
        ("training-compute", "rent_cost"),
    ],
)
def test_consistent_claims_pass(report, model, claim_id) -> None:
    assert _result(report, model, claim_id).status == "ok"


def test_additional_flags_rest_on_hand_arithmetic(report) -> None:
    # 15% replacement + 7-8% growth is 22-23%, not "nearly 20%"; 1/7 + 7.5% = 21.8%
    assert _result(report, "nvda-5t", "spend_rate").computed == pytest.approx(100 * (1 / 7 + 0.075))
    assert _result(report, "nvda-5t", "capex").computed == pytest.approx(2000 * (1 / 7 + 0.075))
    # 1/3 year payback is 33%/yr, not 30%
    assert _result(report, "gpu-returns", "msft_cash_return").computed == pytest.approx(100 / 3)
    # $10 -> $230-240 is 23-24x, not 15-16x
    assert _result(report, "apple-services", "price_multiple").computed == pytest.approx((23, 24))
    # 670 / 200 = 3.35x
    assert _result(report, "us-power", "dc_multiple").computed == pytest.approx(3.35)
    for model, claim in [
        ("nvda-5t", "spend_rate"),
        ("nvda-5t", "capex"),
        ("gpu-returns", "msft_cash_return"),
        ("apple-services", "price_multiple"),
        ("us-power", "dc_multiple"),
        ("nvda-5t", "tam_5y"),
        ("training-compute", "gpt5_on_b100"),
        ("compute-energy", "cluster_shanghai"),
    ]:
        assert _result(report, model, claim).status == "flagged", (model, claim)


def test_json_records_have_exactly_the_documented_keys(report) -> None:
    for record in report.to_records():
        assert list(record) == JSON_KEYS
        assert record["status"] in ("ok", "flagged")


SYNTH = """\
name: synthetic-claims
title: claim rules
drivers:
  a: {value: 10, unit: USD_mn, low: 8, high: 12, dist: uniform}
  b: {value: 2, low: 1, high: 3}
formulas:
  c: a * b
claims:
  - {id: exact, expr: c, claimed: 20, unit: USD_mn}
  - {id: converted, expr: c, claimed: 0.0209, unit: USD_bn}
  - {id: wrong, expr: c, claimed: 25, unit: USD_mn}
  - {id: loose, expr: c, claimed: 25, unit: USD_mn, tol: 0.25}
  - {id: at_least, expr: c, op: ">=", claimed: 19, unit: USD_mn}
  - {id: at_least_bad, expr: c, op: ">=", claimed: 30, unit: USD_mn}
  - {id: range_ends, expr: c, claimed: [8, 36], unit: USD_mn}
  - {id: range_only_b, expr: c, claimed: [10, 30], unit: USD_mn, range_over: [b]}
  - {id: inside, expr: c, op: in, claimed: [5, 40], unit: USD_mn}
  - {id: not_inside, expr: c, op: in, claimed: [10, 30], unit: USD_mn}
  - {id: plausible, expr: c, op: plausible, claimed: 30, unit: USD_mn}
  - {id: implausible, expr: c, op: plausible, claimed: 50, unit: USD_mn}
  - {id: step, expr: c, given: {a: 15}, claimed: 30, unit: USD_mn}
  - {id: q1, expr: c, claimed: 20, unit: USD_mn, quantity: c}
  - {id: q2, expr: c / b, claimed: 10, unit: USD_mn, quantity: c}
  - {id: q3, expr: c / a, claimed: 3, quantity: c}
"""


def test_claim_rules_on_a_synthetic_model(write_model) -> None:
    rep = load_model(write_model(SYNTH)).check_claims()
    status = {r.claim_id: r.status for r in rep}
    assert status["exact"] == "ok"
    assert status["converted"] == "ok"  # 20 USD_mn vs 20.9 USD_mn: 4.3%
    assert rep.get("converted").computed == pytest.approx(0.020)
    assert status["wrong"] == "flagged" and rep.get("wrong").rel_error == pytest.approx(0.2)
    assert status["loose"] == "ok"
    assert status["at_least"] == "ok" and status["at_least_bad"] == "flagged"
    # corners: a in 8..12, b in 1..3 -> c in 8..36, checked at both ends
    assert rep.get("range_ends").computed == pytest.approx((8, 36))
    assert status["range_ends"] == "ok"
    assert rep.get("range_only_b").computed == pytest.approx((10, 30))
    assert status["range_only_b"] == "ok"
    assert status["inside"] == "ok" and status["not_inside"] == "flagged"
    assert status["plausible"] == "ok" and status["implausible"] == "flagged"
    assert status["step"] == "ok"
    # q1 says c = 20; q2 says c = 10 * b = 20; q3 says c = 3 * a = 30
    assert status["q1~q2"] == "ok"
    assert status["q1~q3"] == "flagged" and rep.get("q1~q3").computed == pytest.approx(30)
    assert "would hold with" in rep.get("wrong").note


def test_reconciling_drivers_are_data_and_the_note_writes_them_as_analysts_do(
    write_model,
) -> None:
    """c = a * b = 20 against a claimed 25: a = 12.5 ($mn) or b = 2.5 would reconcile."""
    rep = load_model(write_model(SYNTH)).check_claims()
    wrong = rep.get("wrong")
    assert [(p.driver, p.values, p.base, p.unit) for p in wrong.reconciling] == [
        ("a", pytest.approx((12.5,)), 10.0, "USD_mn"),
        ("b", pytest.approx((2.5,)), 2.0, ""),
    ]
    assert wrong.note == "would hold with a = $12.5mn (model: $10mn) or b = 2.5 (model: 2)"
    # a claimed range [10, 30] solved per end, written low to high
    both = rep.get("not_inside").reconciling[0]
    assert both.values == tuple(sorted(both.values)) and len(both.values) == 2
    assert rep.get("exact").reconciling == ()  # nothing to reconcile when a claim holds


def test_cross_claim_text_writes_the_figures_as_analysts_do(write_model) -> None:
    """q1 says c = 20 ($mn) and q3 says c = 3 * a = 30: the row reads `$20mn vs $30mn`
    in English and 2,000万美元-style figures in Chinese, worded from the row's data."""
    from aithesis.report.generated import cross_claim_text
    from aithesis.report.i18n import Translator

    row = load_model(write_model(SYNTH)).check_claims().get("q1~q3")
    assert row.text == "'q1' and 'q3' imply c = $20mn vs $30mn"
    assert cross_claim_text(row, Translator("en")) == row.text
    zh = Translator("zh")
    text = str(cross_claim_text(row, zh))
    assert text.startswith("「<code>q1</code>」与「<code>q3</code>」推出的 <code>c</code>")
    for figure in (20.0, 30.0):
        assert zh.value(figure, "USD_mn", name="c") in text
    assert "USD" not in text and "$" not in text and " vs " not in text
