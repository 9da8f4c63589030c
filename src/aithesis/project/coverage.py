"""Coverage of a thesis project: its models' and facts' figures over its articles.

Lives in :mod:`aithesis.project` because it reads ``aithesis.yaml``; the matching is
:func:`aithesis.articles.coverage`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aithesis.articles.api import coverage, find_article, load_uses, seeds_dir, sources_of
from aithesis.articles.coverage import Use
from aithesis.articles.results import CoverageResult
from aithesis.errors import DataError
from aithesis.project.config import Project, load_project

__all__ = ["article_files", "coverage_of", "project_coverage"]


def project_coverage(
    folder: str | Path | None = None, articles: Iterable[str | Path] | None = None
) -> CoverageResult:
    """Which statements of the project's articles its models and KPI facts use.

    Args:
        folder: the project folder (default: the current folder).
        articles: article files (default: the files its models and facts cite, looked up
            in the project's ``articles/`` folder, the project folder, then
            ``$AITHESIS_SEEDS`` or ``../shared/seeds``).

    Raises:
        SpecError: no or a bad ``aithesis.yaml``, or a model or facts file it names is
            missing. DataError: a cited article that is nowhere to be found.
    """
    return coverage_of(load_project(folder), articles)


def _uses(project: Project) -> list[Use]:
    models = [
        project.require(m.file, f"models[{i}].file") for i, m in enumerate(project.config.models)
    ]
    facts = [project.require(f, f"kpi.facts[{i}]") for i, f in enumerate(project.config.kpi.facts)]
    return load_uses(models, facts)


def _folders(project: Project) -> list[Path]:
    return [project.root / "articles", project.root, seeds_dir()]


def article_files(project: Project) -> list[Path]:
    """The article files the project's models and facts cite that can be found (in the
    project's ``articles/`` folder, the project folder, then the seeds folder), sorted by
    name; cited articles found nowhere are left out (the coverage step reports them)."""
    found = []
    for name in sources_of(_uses(project)):
        try:
            found.append(find_article(name, _folders(project)))
        except DataError:
            continue
    return found


def coverage_of(project: Project, articles: Iterable[str | Path] | None = None) -> CoverageResult:
    """:func:`project_coverage` of an already loaded project (the build calls this)."""
    uses = _uses(project)
    if articles is None:
        articles = [find_article(name, _folders(project)) for name in sources_of(uses)]
    return coverage(articles, uses=uses)
