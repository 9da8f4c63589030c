"""Thesis projects: a folder with ``aithesis.yaml``, its indexes, models and KPI facts,
built into :class:`ProjectResults` (cached by a hash of the inputs)."""

from aithesis.project.build import build_project
from aithesis.project.config import ProjectConfig, load_project
from aithesis.project.init import TEMPLATES, init_project
from aithesis.project.results import IndexSection, KpiSection, ModelSection, ProjectResults
from aithesis.project.summary import (
    BenchmarkSummary,
    BuildSummary,
    ClaimFlag,
    IndexSummary,
    KpiLatest,
    TargetSummary,
)

__all__ = [
    "TEMPLATES",
    "BenchmarkSummary",
    "BuildSummary",
    "ClaimFlag",
    "IndexSection",
    "IndexSummary",
    "KpiLatest",
    "KpiSection",
    "ModelSection",
    "ProjectConfig",
    "ProjectResults",
    "TargetSummary",
    "build_project",
    "init_project",
    "load_project",
]
