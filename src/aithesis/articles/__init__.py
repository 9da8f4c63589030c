"""Read an article: every quantitative statement of a text, and what the models use.

Chinese, English or mixed plain text or Markdown. A *statement* is a number with what
makes it a quantity: a unit (美元, 元, 度, GW, GB, TB/s...), a classifier (张卡, 家公司,
亿人, 个月), a multiplier (万, 亿, 万亿, billion), ``%``/成/个百分点, 倍/x or a multiple word
(翻倍 = 2). Each has its sentence (``quote``), line, matched ``span``, value in a pint unit
of the project's registry (``value``, or ``low``/``high`` for a range), ``unit``, ``op``
(``=``, ``~`` for 约/近/左右/about, ``>=`` for 至少/不低于/at least, ``>`` for 超/超过/逾/
多/more than, ``<=`` for 不超过/up to, ``<`` for 不足/不到/低于/less than) and ``period``.

Conventions:

* years, quarters and dates (2025年, 25Q1, FY2026, 4月15日) are the statement's
  ``period``, never a value; list numbers, ordinals (第三), model and index names
  (H100, B40, GPT-4, DeepSeek-R1, Grok-3, S&P 500, Mag 7) are not quantities;
* vague amounts (几亿, 数十, 双位数, 高单位数) are not quantities; 十几 and 十数 are "> 10";
  一 with a count classifier (一个问题, 一家) is the article "a" and not a quantity, but 一
  with a time unit is (一年, 一天);
* 张 and 卡 count GPUs; 度 is a kWh when the line speaks of electricity; a bare 亿/万
  amount takes the currency stated in its sentence, else the one stated just before;
* values are in the unit written: ``246.12亿元`` is 2.4612e10 CNY, ``三成`` 30 percent,
  ``3-4 个点`` 3..4 percentage_point, a multiple or a plain count has unit ``""``.

Public API::

    from aithesis import articles
    result = articles.extract("article.md")        # Extraction: .statements, .to_frame()
    articles.extract_text("超 40GW")[0].op          # '>'
    cov = articles.coverage(["article.md"])         # CoverageResult vs built-in models
    cov.summary(), cov.uncovered
"""

from __future__ import annotations

from aithesis.articles.api import coverage, extract, load_reasons, load_uses, reasons_path
from aithesis.articles.coverage import Reason, Use, explain, match_uses
from aithesis.articles.draft import draft_claims
from aithesis.articles.extract import extract_text
from aithesis.articles.reader import read_article
from aithesis.articles.results import (
    JSON_KEYS,
    CoverageResult,
    Extraction,
    Statement,
    StatementCoverage,
)

__all__ = [
    "JSON_KEYS",
    "CoverageResult",
    "Extraction",
    "Reason",
    "Statement",
    "StatementCoverage",
    "Use",
    "coverage",
    "draft_claims",
    "explain",
    "extract",
    "extract_text",
    "load_reasons",
    "load_uses",
    "match_uses",
    "read_article",
    "reasons_path",
]
