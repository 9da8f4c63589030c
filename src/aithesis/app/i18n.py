"""The dashboard's strings (English and Chinese): its own catalogue plus the report's.

Dashboard-specific strings live in ``app/messages.yaml`` as ``key: {en: ..., zh: ...}``.
Labels the report already translates (metric names, themes, claim and KPI column
headers, event and group names, company names) are looked up in the report's catalogue
(:mod:`aithesis.report.i18n`) rather than duplicated. Placeholders in braces are filled
with :meth:`str.format`. Presentation only: no numbers are computed here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from aithesis.errors import SpecError
from aithesis.report.i18n import Translator as ReportTranslator
from aithesis.report.i18n import load_catalogue as report_catalogue

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "Messages", "catalogue", "text", "translator"]

LANGUAGES: tuple[str, ...] = ("en", "zh")
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}
_FILE = "messages.yaml"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """The dashboard's own messages, ``{key: {language: text}}``, every language present.

    Raises:
        SpecError: the catalogue is not a mapping, or an entry lacks a language
            (names the file and the key).
    """
    source = resources.files("aithesis.app").joinpath(_FILE)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SpecError("the message catalogue must be a mapping", file=str(source))
    out: dict[str, dict[str, str]] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict) or any(
            not isinstance(entry.get(lang), str) or not entry[lang].strip() for lang in LANGUAGES
        ):
            raise SpecError(
                "message needs a non-empty text for every language",
                file=str(source),
                field=str(key),
                hint="write it as {en: ..., zh: ...}",
            )
        out[str(key)] = {lang: entry[lang] for lang in LANGUAGES}
    return out


def text(key: str, lang: str = "en", /, **values: Any) -> str:
    """The message ``key`` in ``lang``: the dashboard's catalogue, else the report's.

    Raises:
        KeyError: no such message in either (a bug in the dashboard, not a user mistake).
    """
    own = catalogue()
    entry = own[key] if key in own else report_catalogue()[key]
    template = entry.get(lang, entry["en"])
    return template.format(**values) if values else template


class Messages:
    """Lookups bound to one language: ``t("page_index")``, ``t.metric("sharpe")``.

    Names (companies, themes, groups, events) are translated by the report's
    :class:`~aithesis.report.i18n.Translator`, so the report and the dashboard agree.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.shared = ReportTranslator(self.lang)

    def __call__(self, key: str, /, **values: Any) -> str:
        return text(key, self.lang, **values)

    def has(self, key: str) -> bool:
        """True when either catalogue holds ``key``."""
        return key in catalogue() or key in report_catalogue()

    def metric(self, key: str) -> str:
        """Label of an :meth:`IndexResult.metrics` key (``metric.*``, from the metric
        catalogue via the report's catalogue; else ours, else the key itself)."""
        for candidate in (f"metric.{key}", f"m_{key}"):
            if self.has(candidate):
                return self(candidate)
        return key.replace("_", " ")

    def theme(self, name: str | None) -> str:
        """An investment theme's label (``compute`` -> ``Compute`` / ``算力``)."""
        return self.shared.theme(name)

    def company(self, ticker: str) -> str:
        """``Name (TICKER)`` in this language (the ticker alone when unknown)."""
        return self.shared.company_ticker(ticker)

    def unit(self, unit: str | None, name: str | None = None) -> str:
        """A unit's label in this language (``USD_bn`` -> ``$bn`` / ``亿美元``) for figures
        shown with :meth:`value` / :meth:`shown` (English ``RMB_100M`` reads ``RMB bn``)."""
        return self.shared.unit(unit, name=name)

    def input_unit(self, unit: str | None, name: str | None = None) -> str:
        """The label of a figure typed or slid in the model's own unit (not rescaled):
        ``RMB 100M`` in English where :meth:`unit` would say ``RMB bn``, ``十亿美元`` in
        Chinese where it would say ``亿美元`` (the catalogue's label of the code)."""
        if unit and self.shared.factor(unit) != 1.0:
            key = f"unit.{unit}"
            if self.lang != "en" and key in self.shared.catalogue:
                return self.shared(key)
            return unit.replace("_", " ")
        return self.shared.unit(unit, name=name)

    def value(self, x: Any, unit: str | None = None, name: str | None = None) -> str:
        """A number or ``(low, high)`` range with its unit, as the report writes it."""
        return self.shared.value(x, unit, name=name)

    def shown(self, x: Any, unit: str | None = None, name: str | None = None) -> tuple[str, str]:
        """``(number, unit label)`` for a table with a unit column (number rescaled)."""
        return self.shared.shown(x, unit, name=name)

    def name(self, prefix: str, key: str | None) -> str:
        """A named thing's label from the report catalogue (``group``, ``entity``,
        ``event``, ``metric``, ``scenario``), else the name itself."""
        return self.shared.label(prefix, key)


@lru_cache(maxsize=len(LANGUAGES))
def translator(lang: str) -> Messages:
    """The (shared) :class:`Messages` of a language."""
    return Messages(lang)
