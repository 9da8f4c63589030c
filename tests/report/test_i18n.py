"""The message catalogue and the per-language formatting of the report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from aithesis.analytics.catalogue import CATALOGUE
from aithesis.errors import AithesisError, SpecError
from aithesis.report import context, i18n
from aithesis.report.context import SECTIONS
from aithesis.report.i18n import CATALOGUE_FILE, Translator, load_catalogue
from aithesis.report.render import TEMPLATE_DIR
from aithesis.universe import load_universe

CJK = re.compile(r"[\u4e00-\u9fff]")
REPORT_DIR = Path(i18n.__file__).parent
TEMPLATES = sorted(TEMPLATE_DIR.glob("*.j2"))


# ---- the catalogue -------------------------------------------------------------------------
def test_every_catalogue_key_has_english_and_chinese_text() -> None:
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    assert len(raw) > 200
    for key, entry in raw.items():
        assert set(entry) == {"en", "zh"}, key
        assert isinstance(entry["en"], str) and entry["en"].strip(), key
        assert isinstance(entry["zh"], str) and entry["zh"].strip(), key
    for key in (k for k in raw if k.startswith(("section.", "nav.", "lede.", "summary."))):
        assert CJK.search(raw[key]["zh"]) or raw[key]["zh"].startswith("P("), key


def test_a_key_without_chinese_text_is_a_spec_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "messages.yaml"
    bad.write_text("ok.key: {en: Fine, zh: 好}\nsection.broken: {en: Broken}\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_catalogue(bad)
    assert info.value.field == "section.broken"
    assert info.value.file == str(bad)
    assert "'zh'" in str(info.value)


def _template_keys(text: str) -> tuple[set[str], set[str]]:
    """Literal keys of t('...') calls, and the prefixes of t('prefix.' ~ name) calls."""
    literal = set(re.findall(r"\bt\(\s*'([^']+)'\s*[,)]", text))
    prefixes = set(re.findall(r"\bt\(\s*'([^']+\.)'\s*~", text))
    return literal, prefixes


def test_templates_use_only_catalogue_keys() -> None:
    catalogue = load_catalogue()
    found = 0
    for path in TEMPLATES:
        literal, prefixes = _template_keys(path.read_text(encoding="utf-8"))
        found += len(literal)
        assert literal <= set(catalogue), (path.name, literal - set(catalogue))
        for prefix in prefixes:  # the only computed keys are per section id
            assert prefix in ("section.", "nav.", "lede.")
            assert {prefix + s for s in SECTIONS} <= set(catalogue)
    assert found > 80


def test_modules_use_only_catalogue_keys() -> None:
    catalogue = load_catalogue()
    for name in ("charts.py", "context.py", "context_models.py", "fragments.py", "i18n.py"):
        text = (REPORT_DIR / name).read_text(encoding="utf-8")
        keys = set(re.findall(r"\bt\(\s*\"([a-z_]+\.[^\"{}]+)\"", text))
        assert keys <= set(catalogue), (name, keys - set(catalogue))
    # keys built from names: the percentiles and metrics shown
    assert {f"label.p{q}" for q in (5, 10, 25, 50, 75, 90, 95)} <= set(catalogue)
    assert {m.label_key for m in CATALOGUE} <= set(catalogue)
    assert [m.name for m in context.report_metrics()][:3] == ["start", "end", "total_return"]


def test_templates_hold_no_hard_coded_words() -> None:
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
        words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
        assert words == [], (path.name, words[:10])


# ---- formatting ----------------------------------------------------------------------------
def test_percentages_have_one_decimal_and_an_optional_sign() -> None:
    for lang in ("en", "zh"):
        t = Translator(lang)
        assert t.pct(0.1234) == "12.3%"
        assert t.pct(1.2067605128664933, signed=True) == "+120.7%"
        assert t.pct(-0.22542879622344614, signed=True) == "-22.5%"
        assert t.pct(0.63197) == "63.2%"
        assert t.pct(None) == "—" and t.pct(float("nan")) == "—"


def test_large_numbers_use_each_language_units() -> None:
    en, zh = Translator("en"), Translator("zh")
    # English writes the words of its money units (mn, bn, tn), 4 significant digits
    assert en.num(19_200_000) == "19.2mn" and zh.num(19_200_000) == "1,920万"
    assert en.num(219_770_020.5) == "219.8mn" and zh.num(219_770_020.5) == "2.2亿"
    assert en.num(1_240_000_000) == "1.24bn" and zh.num(1_240_000_000) == "12.4亿"
    assert en.num(3.5e12) == "3.5tn" and en.num(26e6, "kWh") == "26mn kWh"
    assert en.value((2e10, 4e10), "parameter") == "20bn – 40bn parameters"
    # one reconciling value comes as a 1-tuple: the value, never the missing mark
    assert en.value((12.5,), "USD_mn") == "$12.5mn" and zh.value((11.45,), "") == "11.45"
    assert en.value((8.0,), "year", name="hw_life") == "8 years"
    assert en.num(100_000) == "100,000" and zh.num(100_000) == "10万"
    assert en.num(5391.964285714285) == "5,392" == zh.num(5391.964285714285)
    assert en.num(246.12) == "246.12" and en.num(0.075) == "0.075" and en.num(7.0) == "7"
    assert en.num(-3.2) == "-3.2"


def test_units_ranges_and_dates() -> None:
    en, zh = Translator("en"), Translator("zh")
    assert en.num(5000, "USD_bn") == "$5,000bn"
    # Chinese writes dollars in 亿 and 万亿, as the articles do ("5 万亿", "1000 亿美元")
    assert zh.num(5000, "USD_bn") == "5 万亿美元" and zh.num(750, "USD_bn") == "7,500 亿美元"
    assert zh.shown(750, "USD_bn") == ("7,500", "亿美元") and zh.factor("USD_bn") == 10
    # a table's unit column is unit(): its figures stay in that label, never 万亿
    assert zh.shown(5000, "USD_bn") == ("50,000", zh.unit("USD_bn")) == ("50,000", "亿美元")
    assert zh.num(250, "USD_bn/year") == "2,500 亿美元/年"
    assert zh.num(4.2, "USD_tn") == "4.2 万亿美元"
    assert zh.value((1000, 2000), "USD_bn") == "1 – 2 万亿美元"
    assert zh.num(1000, "USD_bn") == "1 万亿美元"  # "1" does not make the label singular
    # English writes 亿元 as RMB bn (x 0.1); Chinese keeps the article's 亿元
    assert en.num(246.12, "RMB_100M") == "RMB 24.61bn" and en.unit("RMB_100M") == "RMB bn"
    assert en.shown(246.12, "RMB_100M") == ("24.61", "RMB bn")
    assert zh.num(246.12, "RMB_100M") == "246.12 亿元"
    # a P/E in years is a multiple; one year is singular; a per-year rate joins its number
    assert en.num(33.0, "year", name="pe") == "33x" and zh.num(33.0, "year", name="pe") == "33倍"
    assert en.num(1.0, "year") == "1 year" and en.num(8.0, "year") == "8 years"
    assert en.num(135.4, "day") == "135.4 days" and en.num(0.057, "1/year") == "0.057/year"
    assert en.num(750.0, "kWh_100M/year") == "75 TWh/year"
    assert zh.num(750.0, "kWh_100M/year") == "750 亿千瓦时/年"
    assert zh.unit("USD_mn/year") == "百万美元/年"
    assert en.value((6.0, 3.0), "GPU") == "3 – 6 GPUs"  # low to high
    assert en.unit("made_up_unit") == "made up unit" == zh.unit("made_up_unit")
    assert en.value((1.0, 2.0), "month") == "1 – 2 months"
    assert en.value((600.0, 600.0)) == "600"
    assert en.date(np.datetime64("2025-03-31")) == "2025-03-31" == zh.date(dt.date(2025, 3, 31))
    assert en.date(dt.datetime(2026, 5, 29, 16, 0)) == "2026-05-29"
    assert en.date(None) == "—"


def test_company_names_come_from_the_universe_in_the_reader_language() -> None:
    universe = load_universe()
    en, zh = Translator("en"), Translator("zh")
    for ticker in ("NVDA", "0700.HK", "9988.HK", "VST"):
        company = universe.get(ticker)
        assert en.company(ticker) == company.name
        assert zh.company(ticker) == company.name_zh
    assert zh.company("NVDA") == "英伟达"
    assert zh.company_ticker("NVDA") == "英伟达 (NVDA)"
    assert en.company("QQQ") == "Nasdaq-100 ETF"  # instruments outside the universe
    assert en.company("ZZZZ") == "ZZZZ"


def test_model_titles_and_fallback_labels() -> None:
    en, zh = Translator("en"), Translator("zh")
    assert (
        zh.model_title("Why NVIDIA can reach $5T", "英伟达为何能到5万亿美元")
        == "英伟达为何能到5万亿美元"
    )
    assert (
        en.model_title("Why NVIDIA can reach $5T", "英伟达为何能到5万亿美元")
        == "Why NVIDIA can reach $5T"
    )
    assert zh.model_title("Only English", None) == "Only English"
    assert zh.theme("compute") == "算力" and en.theme(None) == "Unassigned"
    # a name the catalogue does not know is shown as it is (underscores as spaces)
    assert en.label("scenario", "made_up_case") == "made up case"
    assert zh.label("scenario", "stated_rate") == "文中比率"


def test_unknown_language_is_an_error_naming_the_option() -> None:
    with pytest.raises(AithesisError) as info:
        Translator("fr")
    assert info.value.field == "lang"
    assert "en, zh" in str(info.value)


def _parse_en(text: str) -> float:
    for word, factor in (("tn", 1e12), ("bn", 1e9), ("mn", 1e6)):
        if text.endswith(word):
            return float(text[: -len(word)].replace(",", "")) * factor
    return float(text.replace(",", ""))


def _parse_zh(text: str) -> float:
    factor = {"亿": 1e8, "万": 1e4}.get(text[-1], 1.0)
    return float(text.rstrip("亿万").replace(",", "")) * factor


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False))
def test_shown_numbers_read_back_close_to_the_value(x: float) -> None:
    for lang, parse in (("en", _parse_en), ("zh", _parse_zh)):
        shown = parse(Translator(lang).num(x))
        assert abs(shown - x) <= max(5e-3 * abs(x), 5e-5)


@given(st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_shown_percentages_read_back_within_half_a_tenth(x: float) -> None:
    shown = Translator("zh").pct(x, signed=True)
    assert shown[0] in "+-" and shown.endswith("%")
    assert abs(float(shown[:-1].replace(",", "")) / 100 - x) <= 0.0005 + 1e-12
