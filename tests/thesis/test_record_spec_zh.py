"""Every kind of claim carries a Chinese text (the zh report and the build read it)."""

from __future__ import annotations

from aithesis.thesis.api import load_model
from aithesis.thesis.spec import RecordClaimSpec


def test_record_claims_take_a_chinese_text() -> None:
    spec = RecordClaimSpec(
        kind="record", id="x", expr="close(NVDA, 2024)", claimed=1.0, text="t", text_zh="文"
    )
    assert spec.text_zh == "文"


def test_every_builtin_claim_answers_text_zh() -> None:
    spec = load_model("nvda-5t").spec
    kinds = {type(c).__name__ for c in spec.claims}
    assert "RecordClaimSpec" in kinds  # the built-in carries record claims
    assert all(hasattr(c, "text_zh") for c in spec.claims)
