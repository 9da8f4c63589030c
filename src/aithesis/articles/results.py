"""Result objects of article reading: statements, extractions, coverage.

Values are floats in the statement's ``unit`` (a unit of the project's pint registry, ``""``
for a plain count, multiple or ratio); :attr:`Statement.quantity` gives the pint quantity.
``op`` is ``=``, ``~`` (about), ``>``, ``>=``, ``<``, ``<=``. A range has ``low`` and
``high`` and no ``value``. ``line`` is 1-based; ``start``/``end`` are 0-based character
offsets of the matched ``span`` in that line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pint

__all__ = ["JSON_KEYS", "CoverageResult", "Extraction", "Statement", "StatementCoverage"]

JSON_KEYS = ("quote", "line", "span", "value", "low", "high", "unit", "op", "period")


@dataclass(frozen=True)
class Statement:
    """One quantitative statement of an article.

    Attributes:
        quote: the sentence it stands in (Markdown removed).
        line: 1-based line number.
        span: the words that state the quantity (``"246.12亿元"``).
        start, end: 0-based offsets of ``span`` in the line.
        value: the number, in ``unit`` (None for a range).
        low, high: the ends of a range, in ``unit`` (None for a single number).
        unit: pint unit text (``USD``, ``CNY``, ``kWh``, ``percent``...; ``""`` if none).
        op: qualifier: ``=``, ``~``, ``>``, ``>=``, ``<``, ``<=``.
        period: the time the figure belongs to (``2025Q1``, ``FY2026``, ``2028``...) or None.
        kind: ``money``, ``energy``, ``power``, ``data``, ``data_rate``, ``percent``,
            ``percentage_point``, ``multiple``, ``ratio``, ``duration`` or ``count``.
    """

    quote: str
    line: int
    span: str
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    unit: str
    op: str
    period: str | None
    kind: str

    @property
    def is_range(self) -> bool:
        return self.value is None

    @property
    def numbers(self) -> tuple[float, ...]:
        """The value, or the two ends of the range."""
        if self.value is not None:
            return (self.value,)
        return (self.low, self.high)  # type: ignore[return-value]

    @property
    def quantity(self) -> pint.Quantity:
        """The value as a pint quantity (for a range: a quantity of ``[low, high]``)."""
        from aithesis.thesis.units import registry

        magnitude: Any = self.value if self.value is not None else [self.low, self.high]
        return registry().Quantity(magnitude, self.unit or "dimensionless")

    def to_record(self) -> dict[str, Any]:
        """The JSON object: exactly the keys of :data:`JSON_KEYS`."""
        return {key: getattr(self, key) for key in JSON_KEYS}


def _frame(records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame.from_records(records, columns=columns)


@dataclass(frozen=True)
class Extraction:
    """Every quantitative statement of one article, in reading order."""

    statements: tuple[Statement, ...]
    file: str | None = None
    encoding: str | None = None
    lines: int = 0
    chars: int = 0

    def __len__(self) -> int:
        return len(self.statements)

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __getitem__(self, index: int) -> Statement:
        return self.statements[index]

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON object per statement (keys :data:`JSON_KEYS`)."""
        return [s.to_record() for s in self.statements]

    def to_frame(self) -> pd.DataFrame:
        """One row per statement: the JSON keys plus ``start``, ``end`` and ``kind``."""
        columns = [*JSON_KEYS, "start", "end", "kind"]
        return _frame([{c: getattr(s, c) for c in columns} for s in self.statements], columns)

    def _repr_html_(self) -> str:  # pragma: no cover - notebooks
        return self.to_frame()._repr_html_()  # type: ignore[operator]


@dataclass(frozen=True)
class StatementCoverage:
    """One statement of an article and the model claims, drivers and facts that use it.

    ``reason``: for an uncovered statement, why nothing uses it (from the reasons file,
    :func:`aithesis.articles.load_reasons`), else None.
    """

    article: str
    statement: Statement
    used_by: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def covered(self) -> bool:
        return bool(self.used_by)


@dataclass(frozen=True)
class CoverageResult:
    """Which statements of each article the models and KPI facts use.

    ``used_by`` names each use as ``model:<name>:claim:<id>``,
    ``model:<name>:driver:<name>`` or ``facts:<file>:<line>``.
    """

    items: tuple[StatementCoverage, ...]
    articles: tuple[str, ...]
    uses: int = 0
    unmatched_uses: tuple[str, ...] = field(default_factory=tuple)

    def per_article(self) -> list[dict[str, Any]]:
        """``article, statements, covered, coverage`` (coverage in decimal, 0 if empty)."""
        rows = []
        for article in self.articles:
            mine = [i for i in self.items if i.article == article]
            covered = sum(i.covered for i in mine)
            share = covered / len(mine) if mine else 0.0
            rows.append(
                {"article": article, "statements": len(mine), "covered": covered, "coverage": share}
            )
        return rows

    @property
    def uncovered(self) -> tuple[StatementCoverage, ...]:
        return tuple(i for i in self.items if not i.covered)

    @property
    def unexplained(self) -> tuple[StatementCoverage, ...]:
        """Uncovered statements without a reason (new ones, after an extraction change)."""
        return tuple(i for i in self.uncovered if not i.reason)

    def summary(self) -> pd.DataFrame:
        """One row per article (see :meth:`per_article`)."""
        return _frame(self.per_article(), ["article", "statements", "covered", "coverage"])

    def to_frame(self) -> pd.DataFrame:
        """One row per statement: article, the JSON keys, kind, covered, used_by, reason."""
        columns = ["article", *JSON_KEYS, "kind", "covered", "used_by", "reason"]
        records = [
            {
                "article": i.article,
                **i.statement.to_record(),
                "kind": i.statement.kind,
                "covered": i.covered,
                "used_by": "; ".join(i.used_by),
                "reason": i.reason,
            }
            for i in self.items
        ]
        return _frame(records, columns)

    def _repr_html_(self) -> str:  # pragma: no cover - notebooks
        return self.summary()._repr_html_()  # type: ignore[operator]
