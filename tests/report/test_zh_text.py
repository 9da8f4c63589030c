"""The Chinese report is Chinese: its visible text has no English words.

The scan reads the rendered ``zh`` page's visible text (not scripts, styles, code or the
model files shown verbatim) and lists every Latin word that is not a ticker, a unit or
code-like (digits, underscores, dots, slashes: file names, model names, data sources).
What remains must be a proper name: a company's own name where it has no Chinese one,
a product name, or a word of an article's verbatim Chinese quote.
"""

from __future__ import annotations

import html as htmlmod
import re

import yaml

from aithesis.thesis.spec import load_spec
from aithesis.universe import load_universe

PROPER = {
    "aithesis",
    "OpenAI",
    "ChatGPT",
    "DeepSeek",
    "DeepSeek-R",
    "iPhone",
    "Azure",
    "Meta",
    "Apple",
    "Salesforce",
    "Alphabet",
    "Nebius",
}
_HIDDEN = re.compile(r"<(script|style|pre|code)\b.*?</\1>", re.S)
_SPLIT = re.compile(r"[\s，。、；：（）“”「」《》【】()|,;\[\]=≥≤∈≈·×+]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def visible_text(page: str) -> str:
    """The text a reader sees, without scripts, styles and code blocks."""
    page = re.sub(
        r"<wbr\s*/?>", "", page
    )  # a line-break chance, not a break (sec:<wbr>companyfacts)
    return htmlmod.unescape(re.sub(r"<[^>]+>", "\n", _HIDDEN.sub(" ", page)))


def english_words(text: str, allowed: set[str]) -> dict[str, str]:
    """Latin words of ``text`` that are not tickers, units, code or allowed names.

    Returns ``{word: the line it was seen on}``.
    """
    found: dict[str, str] = {}
    for line in text.splitlines():
        for token in _SPLIT.split(line):
            if not token or re.search(r"[\d_.@:%$]", token):
                continue  # numbers, identifiers, files, sources, amounts (a bare "mn/year"
                # has none of these: an untranslated unit is still found)
            for word in _WORD.findall(token):
                if len(word) < 2 or word.isupper() or word in allowed:
                    continue  # tickers and units (GPU, USD, PUE, KRW)
                found.setdefault(word, line.strip()[:120])
    return found


def _quote_words(built) -> set[str]:
    """Latin words inside the articles' verbatim quotes (kept as the article wrote them)."""
    quotes: list[str] = []
    for m in built.results.models:
        spec, _ = load_spec(m.file)
        quotes += [d.quote or "" for d in spec.drivers.values()]
        quotes += [c.quote or "" for c in spec.claims]
    coverage = getattr(built.results, "coverage", None)  # the appendix lists them verbatim
    quotes += [i.statement.quote for i in coverage.items] if coverage is not None else []
    k = built.results.kpi
    quotes += [str(q) for q in k.facts["quote"].dropna()]
    quotes += [str(q) for q in k.events["quote"].dropna()]
    return {w for q in quotes for w in _WORD.findall(q)}


def _company_words() -> set[str]:
    """Words of the companies' own names that the universe gives no Chinese name for."""
    words: set[str] = set()
    for company in load_universe().companies:
        shown = company.name_zh or company.name or ""
        words |= set(_WORD.findall(shown))
    return words


def test_the_scan_finds_english_and_passes_names_units_and_code() -> None:
    text = (
        "若 <hw_life> = 8 年\n英伟达 (NVDA) 10 GW\nGE Vernova\nwould hold with 8\nprices/AAPL.csv"
        "\n3 USD mn/year"
    )
    found = set(english_words(text, {"GE", "Vernova"}))
    assert found == {"would", "hold", "with", "mn", "year"}


def test_zh_report_has_no_english_outside_the_allow_list(built, html) -> None:
    allowed = PROPER | _quote_words(built) | _company_words()
    found = english_words(visible_text(html["zh"]), allowed)
    assert not found, "\n".join(f"{w!r} in: {line}" for w, line in sorted(found.items()))


def test_english_report_is_scanned_the_same_way_and_is_english(html) -> None:
    # the scan is not vacuous: the English page is full of words it reports
    found = english_words(visible_text(html["en"]), PROPER)
    assert {"Summary", "would", "hold"} <= set(found)


def test_zh_catalogue_texts_have_no_english_words() -> None:
    from aithesis.report.i18n import CATALOGUE_FILE

    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    allowed = PROPER | _company_words() | {"Stargate", "Bear", "Bull"}
    bad = {
        k: v["zh"]
        for k, v in data.items()
        if english_words(re.sub(r"\{\w+\}|<br>", " ", v["zh"]), allowed)
    }
    assert not bad, bad
