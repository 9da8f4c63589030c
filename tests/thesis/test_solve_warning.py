"""Reverse valuation that needs an implausible driver value says so."""

from __future__ import annotations

import pytest

from aithesis.thesis import load_model


def test_a_target_needing_a_share_above_one_is_flagged() -> None:
    model = load_model("nvda-5t")
    res = model.solve("market_cap", 50_000, "nvda_share")
    assert res.value > 1
    assert "outside its stated range [0.6, 0.85]" in res.warning
    assert "outside 0..1" in res.warning
    assert model.evaluate(overrides={"nvda_share": res.value}).value == pytest.approx(50_000)


def test_a_plausible_target_has_no_warning() -> None:
    res = load_model("nvda-5t").solve("market_cap", 4500, "nvda_share")
    assert 0.6 <= res.value <= 0.85 and res.warning == ""
