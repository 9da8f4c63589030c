"""The article catalogue: title, outlet, date and language of each source article.

Built-in entries are package data (``thesis/data/articles/catalogue.yaml``, sources named
there); a user's project adds its own with a YAML file of the same shape
(``articles: {file: {title, author, outlet, language, date, date_basis, evidence}}``).
``date`` is ISO; ``date_basis`` is ``stated`` (the article prints it) or ``estimated``
(from dated evidence inside the article, quoted in ``evidence``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from aithesis.errors import SpecError

__all__ = ["CATALOGUE", "ArticleMeta", "article_catalogue", "article_date"]

CATALOGUE = Path(__file__).resolve().parent / "data" / "articles" / "catalogue.yaml"


@dataclass(frozen=True)
class ArticleMeta:
    """One source article."""

    file: str
    title: str
    author: str
    outlet: str
    language: str
    date: dt.date
    date_basis: str
    evidence: str


def _load(path: Path) -> dict[str, ArticleMeta]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"cannot read the article catalogue: {exc}", file=path) from None
    out = {}
    for name, entry in (data.get("articles") or {}).items():
        try:
            day = dt.date.fromisoformat(str(entry["date"]))
        except (KeyError, TypeError, ValueError):
            raise SpecError(
                "needs an ISO date (YYYY-MM-DD)", file=path, field=f"articles.{name}.date"
            ) from None
        out[str(name)] = ArticleMeta(
            file=str(name),
            title=str(entry.get("title", "")),
            author=str(entry.get("author", "")),
            outlet=str(entry.get("outlet", "")),
            language=str(entry.get("language", "")),
            date=day,
            date_basis=str(entry.get("date_basis", "stated")),
            evidence=str(entry.get("evidence", "")).strip(),
        )
    return out


def article_catalogue(extra: str | Path | None = None) -> dict[str, ArticleMeta]:
    """The built-in catalogue, with a project's own file (if given) added over it."""
    out = _load(CATALOGUE)
    if extra is not None:
        out.update(_load(Path(extra)))
    return out


def article_date(file: str | None, extra: str | Path | None = None) -> dt.date | None:
    """The catalogue date of an article file (None when it is not catalogued)."""
    if not file:
        return None
    meta = article_catalogue(extra).get(Path(file).name)
    return None if meta is None else meta.date
