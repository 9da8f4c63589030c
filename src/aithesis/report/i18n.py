"""The report's message catalogue and per-language formatting of numbers, dates and names.

Every user-visible string of the report comes from ``messages.yaml`` (one catalogue,
flat dotted keys, each with an ``en`` and a ``zh`` text). :class:`Translator` looks keys
up for one language and formats values the same way everywhere:

* percentages with one decimal (``+12.3%``); the value passed in is a decimal (0.123);
* plain numbers with sensible precision and thousands separators; large numbers in
  millions/billions (``19.2M``) in English and in 万/亿 in Chinese;
* dates as ISO ``YYYY-MM-DD`` in both languages;
* company names in the reader's language (the universe's ``name`` / ``name_zh``).

Formatting never changes a value: the report shows these strings, while tests read the
full-precision numbers back from ``data-value`` attributes.

>>> t = Translator("zh")                                          # doctest: +SKIP
>>> t("section.summary"), t.pct(0.1234, signed=True)              # doctest: +SKIP
('摘要', '+12.3%')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from aithesis import numfmt
from aithesis.analytics.catalogue import label_entries
from aithesis.errors import AithesisError, SpecError, UnknownTickerError

__all__ = ["CATALOGUE_FILE", "LANGUAGES", "Translator", "check_language", "load_catalogue"]

LANGUAGES: tuple[str, ...] = ("en", "zh")
CATALOGUE_FILE = Path(__file__).with_name("messages.yaml")


@lru_cache(maxsize=4)
def load_catalogue(path: Path = CATALOGUE_FILE) -> Mapping[str, Mapping[str, str]]:
    """Read and check the message catalogue.

    Args:
        path: the YAML file (``key: {en: ..., zh: ...}``).

    Returns:
        ``{key: {language: text}}`` for every key, plus the index metrics' labels
        ``metric.<name>`` from :mod:`aithesis.analytics.catalogue`.

    Raises:
        SpecError: invalid YAML, a key without a non-empty text in every language
            (naming the key), or a key the metric catalogue already defines.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML: {exc}", file=path) from None
    if not isinstance(data, dict):
        raise SpecError("the catalogue must be a mapping of keys", file=path)
    out: dict[str, dict[str, str]] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict):
            raise SpecError("expected {en: ..., zh: ...}", file=path, field=str(key))
        for lang in LANGUAGES:
            text = entry.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise SpecError(f"no '{lang}' text", file=path, field=str(key))
        out[str(key)] = {lang: entry[lang] for lang in LANGUAGES}
    for key, labels in label_entries().items():
        if key in out:
            raise SpecError(
                "this label is defined in the metric catalogue",
                file=path,
                field=key,
                hint="edit aithesis/analytics/catalogue.py instead",
            )
        out[key] = labels
    return out


def check_language(lang: str) -> str:
    """The language code, normalised, or an error listing the supported ones.

    Raises:
        AithesisError: ``lang`` is not one of :data:`LANGUAGES`.
    """
    code = lang.strip().lower()
    if code not in LANGUAGES:
        raise AithesisError(
            f"unknown report language {lang!r}",
            field="lang",
            hint="use one or more of " + ", ".join(LANGUAGES),
        )
    return code


def _trim(text: str) -> str:
    """Drop trailing zeros of a fixed-point number string (``1.50`` -> ``1.5``)."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "+0") else text


def _plain(x: float) -> str:
    """A number with thousands separators and precision suited to its size."""
    size = abs(x)
    if size >= 1000:
        return f"{x:,.0f}"
    if size >= 1:
        return _trim(f"{x:,.2f}")
    if size == 0:
        return "0"
    if size >= 1e-3:
        return _trim(f"{x:.4f}")
    return f"{x:.3g}"


class Translator:
    """Catalogue lookups and value formatting for one language.

    Args:
        lang: ``en`` or ``zh``.
        catalogue: ``{key: {lang: text}}`` (default: ``messages.yaml``).

    Raises:
        AithesisError: unknown language.
    """

    def __init__(self, lang: str, catalogue: Mapping[str, Mapping[str, str]] | None = None):
        self.lang = check_language(lang)
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self._universe: Any = None

    # ---- messages -------------------------------------------------------------------
    def __call__(self, key: str, **values: Any) -> str:
        """The text of ``key`` in this language, with ``{name}`` fields filled in.

        Raises:
            KeyError: the key is not in the catalogue (a bug in a template or module).
        """
        text = self.catalogue[key][self.lang]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        """True when ``key`` is in the catalogue."""
        return key in self.catalogue

    def label(self, prefix: str, name: str | None) -> str:
        """The catalogue text of ``prefix.name`` if there is one, else ``name`` itself.

        For open-ended names (themes, metrics, groups, scenarios) that the catalogue may
        not know; the raw name (underscores as spaces) is shown rather than nothing.
        """
        if name is None:
            return ""
        key = f"{prefix}.{name}"
        return self(key) if key in self.catalogue else str(name).replace("_", " ")

    # ---- numbers --------------------------------------------------------------------
    def pct(self, x: float | None, digits: int = 1, *, signed: bool = False) -> str:
        """A decimal as a percentage (``0.123`` -> ``12.3%``); ``—`` for missing values."""
        return numfmt.percent(x, digits, signed=signed, grouping=True, missing=numfmt.EM_DASH)

    def num(self, x: float | None, unit: str | None = None, *, name: str | None = None) -> str:
        """A number (with its unit when given) in this language's style.

        Large magnitudes are shortened: ``19,200,000`` is ``19.2mn`` in English and
        ``1,920万`` in Chinese; ``2.2e8`` is ``220mn`` / ``2.2亿``. Units are written as
        analysts write them (:meth:`shown`): ``$5,000bn``, ``RMB 24.61bn`` (``246.1亿元``),
        a P/E as ``33x`` (``33倍``), ``1 year`` but ``8 years``.
        """
        return self.value(x, unit, name=name)

    def value(self, x: Any, unit: str | None = None, *, name: str | None = None) -> str:
        """A number or a ``(low, high)`` range (written low to high), with its unit."""
        text, label = self._shown(x, unit, name, wan=True)
        return self._join(text, label, unit)

    def shown(self, x: Any, unit: str | None = None, *, name: str | None = None) -> tuple[str, str]:
        """``(number, unit label)`` for a table with a separate unit column: the number is
        scaled to the label (``RMB_100M`` in English: x 0.1 and ``RMB bn``; unchanged as
        ``亿元`` in Chinese; ``USD_bn`` in Chinese: x 10 and ``亿美元``, always the label
        :meth:`unit` gives; inline, :meth:`value` writes ``5,000 USD_bn`` as ``5 万亿美元``);
        a range is written low to high; a missing value is ``—``."""
        return self._shown(x, unit, name, wan=False)

    def _shown(self, x: Any, unit: str | None, name: str | None, *, wan: bool) -> tuple[str, str]:
        """:meth:`shown`; ``wan``: Chinese 亿 figures from 10,000亿 on in 万亿 (inline text
        only: a table's unit column keeps the label :meth:`unit` gives)."""
        factor = self.factor(unit)
        label = self.unit(unit, name=name)
        if isinstance(x, tuple | list):  # a range, or one value as a 1-tuple
            ends = sorted(float(v) * factor for v in x if not numfmt.is_missing(v))
        elif x is None or numfmt.is_missing(x):
            ends = []
        else:
            ends = [float(x) * factor]
        if not ends:
            return "—", label
        if wan and self.lang == "zh" and label.startswith("亿") and max(map(abs, ends)) >= 1e4:
            ends, label = [v / 1e4 for v in ends], "万" + label  # 10,000亿美元 is 1万亿美元
        low, high = (self._number(v) for v in (ends[0], ends[-1]))
        text = low if low == high else f"{low} – {high}"
        if self.lang == "en" and text == "1":
            label = self.unit(unit, name=name, one=True)  # 1 year, 8 years
        return text, label

    def factor(self, unit: str | None) -> float:
        """What a value in ``unit`` is multiplied by to be read against :meth:`unit`'s
        label (0.1 for ``RMB_100M`` in English; charts scale their axes by it)."""
        return numfmt.unit_factor(unit, self.lang) if unit else 1.0

    def _number(self, x: float) -> str:
        """A finite number, large magnitudes shortened in this language's way."""
        size = abs(x)
        if self.lang == "zh" and size >= 1e8:
            return _trim(f"{x / 1e8:,.2f}") + "亿"
        if self.lang == "zh" and size >= 1e5:
            return _trim(f"{x / 1e4:,.1f}") + "万"
        if self.lang == "en" and size >= 1e6:
            return numfmt.short(x)  # 19.2mn, 1.24bn: the words of the money units
        return _plain(x)

    def _join(self, text: str, label: str, unit: str | None) -> str:
        """A shown number and its unit label: English money as ``$5,000bn`` /
        ``RMB 24.61bn``, ``33x``, ``20%``; Chinese ``246.1 亿元``, ``33倍``."""
        if not label or text == "—":
            return text
        money = numfmt.money_unit(unit, self.lang) if unit else None
        if self.lang == "en" and money is not None:
            prefix, suffix, _ = money
            return f"{prefix}{text}{suffix}"
        return numfmt.join(text, label)

    def ratio(self, x: float | None, digits: int = 2) -> str:
        """A ratio or coefficient (Sharpe, beta, Gini) with fixed decimals."""
        return numfmt.fixed(x, digits, grouping=True, missing=numfmt.EM_DASH)

    def unit(self, unit: str | None, *, name: str | None = None, one: bool = False) -> str:
        """The reader's label for a unit: English as analysts write it (``USD_bn`` ->
        ``$bn``, ``RMB_100M`` -> ``RMB bn``, a P/E's ``year`` -> ``x``, ``year`` ->
        ``years``, or ``year`` when ``one``) from :mod:`aithesis.numfmt`; Chinese money
        from numfmt too (``USD_bn`` -> ``亿美元``, figures x 10; ``RMB_100M`` -> ``亿元``),
        other Chinese labels from the catalogue (a P/E -> ``倍``)."""
        if not unit:
            return ""
        if numfmt.is_multiple(name, unit):
            return "x" if self.lang == "en" else "倍"
        if self.lang == "en" and numfmt.has_label(unit):
            return numfmt.unit_label(unit, name, one=one)
        money = numfmt.money_unit(unit, self.lang) if self.lang != "en" else None
        if money is not None:  # 亿美元 for USD_bn (the figure x 10), 亿元, 万亿美元
            return money[1]
        key = f"unit.{unit}"
        return self(key) if key in self.catalogue else unit.replace("_", " ")

    def date(self, value: Any) -> str:
        """An ISO date ``YYYY-MM-DD`` (``—`` when missing)."""
        if value is None:
            return "—"
        if isinstance(value, np.datetime64):
            return str(value.astype("datetime64[D]"))
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            import pandas as pd

            if pd.isna(value):
                return "—"
            return pd.Timestamp(value).date().isoformat()
        except (TypeError, ValueError):
            return str(value)

    # ---- names ----------------------------------------------------------------------
    def company(self, ticker: str | None) -> str:
        """The company's name in this language (``NVDA`` -> ``NVIDIA`` / ``英伟达``).

        Benchmarks and other instruments use the catalogue (``instrument.QQQ``); an
        unknown ticker is shown as it is.
        """
        if not ticker:
            return ""
        key = f"instrument.{ticker}"
        if key in self.catalogue:
            return self(key)
        if self._universe is None:
            from aithesis.universe import load_universe

            self._universe = load_universe()
        try:
            company = self._universe.get(ticker)
        except (UnknownTickerError, AithesisError, KeyError):
            return ticker
        name = company.name_zh if self.lang == "zh" and company.name_zh else company.name
        return name or ticker

    def company_ticker(self, ticker: str | None) -> str:
        """``name (TICKER)``, or just the ticker when no name is known."""
        name = self.company(ticker)
        return name if not ticker or name == ticker else f"{name} ({ticker})"

    def theme(self, name: str | None) -> str:
        """An investment theme's label (``interconnect_storage`` -> ``Interconnect & storage``)."""
        if name is None:
            return self("label.unassigned")
        return self.label("theme", name)

    def index_name(self, section: Any) -> str:
        """An index's name in this language (its ``name_zh`` in Chinese when given)."""
        name_zh = getattr(section, "name_zh", None)
        return name_zh if self.lang == "zh" and name_zh else section.name

    def model_title(self, title: str, title_zh: str | None) -> str:
        """A model's title in this language (``title_zh`` in Chinese when present)."""
        return title_zh if self.lang == "zh" and title_zh else title
