"""Entry points of article reading: extract from a file, load uses, compute coverage.

Reads files (articles through :mod:`.reader`, models through the thesis spec loader, KPI
facts through :func:`aithesis.kpi.facts.read_facts_csv`); the work is in the pure modules.

Example::

    from aithesis import articles
    ex = articles.extract("../shared/seeds/003_06e7966941b6a8a5.txt")
    cov = articles.coverage([...five seed files...])   # built-in models and facts
    cov.summary()                                      # statements, covered, coverage
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from aithesis.articles.coverage import Reason, Use, explain, match_uses
from aithesis.articles.extract import extract_text
from aithesis.articles.reader import read_article
from aithesis.articles.results import CoverageResult, Extraction, StatementCoverage
from aithesis.errors import DataError

__all__ = [
    "coverage",
    "extract",
    "find_article",
    "load_reasons",
    "load_uses",
    "reasons_path",
    "seeds_dir",
    "sources_of",
]

Progress = Callable[[int, int], None]


def extract(path: str | Path, *, progress: Progress | None = None) -> Extraction:
    """Every quantitative statement of an article file (UTF-8 or GBK text or Markdown).

    Raises:
        DataError: missing file, binary file, or an encoding other than UTF-8/GBK.
    """
    text, encoding = read_article(path)
    return extract_text(text, file=str(path), encoding=encoding, progress=progress)


def _model_uses(path: Path) -> list[Use]:
    from aithesis.thesis.spec import load_spec

    spec, _ = load_spec(path)
    uses: list[Use] = []
    for name, d in spec.drivers.items():
        if d.quote:
            numbers = tuple(x for x in (d.value, d.low, d.high) if x is not None)
            source = d.source if d.source and d.source.endswith((".txt", ".md")) else spec.source
            uses.append(Use(f"model:{spec.name}:driver:{name}", source, d.quote, numbers, d.unit))
    for c in spec.claims:
        if c.quote:
            if c.claimed is None:
                claimed: tuple = ()
            else:
                claimed = c.claimed if isinstance(c.claimed, tuple) else (c.claimed,)
            source = c.source or spec.source
            name = f"model:{spec.name}:claim:{c.id}"
            uses.append(Use(name, source, c.quote, tuple(claimed), c.unit))
            if getattr(c, "kind", "model") == "record":
                uses.extend(
                    Use(name, source, c.quote, (number,), unit)
                    for number, unit in _record_figures(c.expr)
                )
    return uses


_OFFSET = re.compile(r"^(?:article_date|latest)\s*[+-]\s*(\d{1,3})\s*([DMY])$")
_OFFSET_UNITS = {"D": "day", "M": "month", "Y": "year"}


def _record_figures(expr: str) -> list[tuple[float, str]]:
    """The article's figures a record claim's ``expr`` holds besides ``claimed``.

    The window of a relative date (``"article_date - 2M"`` takes "过去两个月": 2 month)
    and the threshold of a ``first_date`` condition (``market_cap(NVDA, t) >= 5e12``
    takes "5 万亿美元": 5e12 USD; the price functions give USD).
    """
    import ast

    from aithesis.errors import FormulaError
    from aithesis.thesis import expr as fx

    try:
        tree = fx.parse(expr)
    except FormulaError:
        return []
    out: list[tuple[float, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            m = _OFFSET.match(node.value.strip())
            if m:
                out.append((float(m.group(1)), _OFFSET_UNITS[m.group(2)]))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "first_date"
            and node.args
            and isinstance(node.args[0], ast.Compare)
        ):
            limit = node.args[0].comparators[0]
            if isinstance(limit, ast.Constant) and isinstance(limit.value, int | float):
                out.append((float(limit.value), "USD"))
    return out


_KPI_DIMENSIONS = {
    "percent": "percent",
    "pp": "percentage_point",
    "count": "",
    "shares": "",
    "ratio": "",
    "time": "day",
    "power": "W",
}


def _fact_uses(path: Path) -> list[Use]:
    from aithesis.kpi.facts import read_facts_csv
    from aithesis.kpi.units import unit_info

    frame = read_facts_csv(path)
    uses = []
    for row in frame.itertuples(index=False):
        if not row.quote:
            continue
        info = unit_info(row.unit)
        unit = info.currency if info.currency else _KPI_DIMENSIONS.get(info.dimension, "")
        name = f"facts:{path.name}:{row.entity}/{row.metric}/{row.fiscal_period}"
        uses.append(Use(name, row.source, row.quote, (float(row.value) * info.factor,), unit))
    return uses


def load_uses(
    models: Iterable[str | Path] | None = None, facts: Iterable[str | Path] | None = None
) -> list[Use]:
    """The figures models and facts files take from articles.

    Args:
        models: built-in model names or YAML paths (None: every built-in model).
        facts: KPI facts CSV files (None: the built-in ``article_facts.csv``).

    Raises:
        SpecError / DataError: a model or facts file that does not load.
    """
    from aithesis.kpi.facts import article_facts_path
    from aithesis.thesis.api import BUILTIN_DIR, model_path

    if models is None:
        paths = sorted(BUILTIN_DIR.glob("*.yaml"))
    else:
        paths = [model_path(name) for name in models]
    files = [article_facts_path()] if facts is None else [Path(f) for f in facts]
    uses: list[Use] = []
    for path in paths:
        uses.extend(_model_uses(path))
    for file in files:
        uses.extend(_fact_uses(file))
    return uses


def sources_of(uses: Iterable[Use]) -> list[str]:
    """The article file names the uses cite, sorted."""
    return sorted({u.source for u in uses if u.source})


def seeds_dir() -> Path:
    """Where the source articles are: ``$AITHESIS_SEEDS``, else ``../shared/seeds``."""
    env = os.environ.get("AITHESIS_SEEDS")
    if env:
        return Path(env).expanduser()
    from aithesis.config import repo_root

    root = repo_root()
    candidates = [root.parent / "shared" / "seeds"] if root is not None else []
    candidates += [Path.cwd().parent / "shared" / "seeds", Path.cwd() / "shared" / "seeds"]
    for folder in candidates:
        if folder.is_dir():
            return folder
    return candidates[0]


def find_article(name: str, folders: Sequence[Path]) -> Path:
    """The file called ``name`` in the first folder that has it.

    Raises:
        DataError: no folder holds it (names the folders and what to do).
    """
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    raise DataError(
        "article not found",
        file=name,
        hint="looked in " + ", ".join(str(f) for f in folders) + "; pass --article FILE or "
        "set AITHESIS_SEEDS",
    )


def reasons_path() -> Path:
    """Path of the built-in ``uncovered.yaml``: why each statement of the five source
    articles that no built-in claim, driver or fact uses stays uncovered (package data)."""
    from importlib import resources

    return Path(str(resources.files("aithesis.articles") / "data" / "uncovered.yaml"))


def load_reasons(path: str | Path | None = None) -> list[Reason]:
    """Read a reasons file (default: :func:`reasons_path`).

    The file maps each article's file name to a list of ``{line, quote, span, reason}``
    (``quote``: the start of the statement's sentence; ``span`` optional).

    Raises:
        DataError: a missing or malformed file (names the file, entry and field).
    """
    import yaml

    file = Path(path) if path is not None else reasons_path()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise DataError("reasons file not found", file=file, hint="give a YAML file") from None
    except yaml.YAMLError as exc:
        raise DataError(f"not valid YAML ({exc.__class__.__name__})", file=file) from None
    if not isinstance(data, dict):
        raise DataError("expected article file names as keys", file=file)
    out: list[Reason] = []
    for article, entries in data.items():
        for k, e in enumerate(entries or []):
            where = f"{article}[{k}]"
            if not isinstance(e, dict) or not {"line", "quote", "reason"} <= set(e):
                raise DataError("an entry needs line, quote and reason", file=file, field=where)
            if not isinstance(e["line"], int) or not str(e["reason"]).strip():
                raise DataError(
                    "line must be a number and reason not empty", file=file, field=where
                )
            span = e.get("span")
            out.append(
                Reason(
                    str(article),
                    e["line"],
                    str(e["quote"]),
                    None if span is None else str(span),
                    str(e["reason"]).strip(),
                )
            )
    return out


def coverage(
    articles: Iterable[str | Path] | None = None,
    *,
    models: Iterable[str | Path] | None = None,
    facts: Iterable[str | Path] | None = None,
    uses: Sequence[Use] | None = None,
    reasons: Sequence[Reason] | None = None,
) -> CoverageResult:
    """Match every statement of each article to the claims, drivers and facts using it.

    Args:
        articles: article files (None: every article the uses cite, from :func:`seeds_dir`).
        models, facts: as in :func:`load_uses` (ignored when ``uses`` is given).
        uses: the figures to match (default: ``load_uses(models, facts)``).
        reasons: why uncovered statements stay so (default: :func:`load_reasons`, the
            built-in file for the five source articles); each uncovered statement it names
            carries its ``reason``.

    Returns:
        A :class:`~aithesis.articles.results.CoverageResult` (``summary()``, ``uncovered``,
        ``to_frame()``).
    """
    uses = list(uses) if uses is not None else load_uses(models, facts)
    if articles is None:
        folder = seeds_dir()
        paths = [find_article(name, [folder]) for name in sources_of(uses)]
    else:
        paths = [Path(a) for a in articles]
    items: list[StatementCoverage] = []
    problems: dict[str, str] = {}
    names = []
    for path in paths:
        text, encoding = read_article(path)
        extraction = extract_text(text, file=str(path), encoding=encoding)
        found, missed = match_uses(path.name, text, extraction, uses)
        items.extend(found)
        problems.update(missed)
        names.append(path.name)
    cited = set(names)
    unmatched = tuple(
        f"{name}: {why}"
        for name, why in sorted(problems.items())
        if not any(name in i.used_by for i in items)
    )
    relevant = sum(1 for u in uses if u.source is None or u.source in cited)
    explained = explain(items, load_reasons() if reasons is None else reasons)
    return CoverageResult(tuple(explained), tuple(names), relevant, unmatched)
