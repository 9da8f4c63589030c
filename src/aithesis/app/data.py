"""Cached access to the project, its store, models and library results for the dashboard.

Everything here calls the aithesis library (``build_project``, ``build_index``,
``ThesisModel.evaluate`` / ``monte_carlo``); the dashboard adds no arithmetic. Streamlit
caches keep the store, the loaded models and the project results across reruns
(``st.cache_resource``) and memoise index builds and Monte Carlo runs by their inputs
(``st.cache_data``).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from aithesis.data.store import Store
from aithesis.index.api import build_index
from aithesis.index.methodology import Methodology, UniverseSpec, methodology_from_dict
from aithesis.index.result import IndexResult
from aithesis.project.build import build_project
from aithesis.project.config import Project, load_project
from aithesis.project.results import MonteCarloSummary, ProjectResults
from aithesis.thesis.api import load_model
from aithesis.thesis.model import ThesisModel

__all__ = [
    "ENV_PROJECT",
    "benchmark_index",
    "custom_index",
    "open_store",
    "project",
    "project_folder",
    "reload",
    "results",
    "run_monte_carlo",
    "thesis_model",
]

ENV_PROJECT = "AITHESIS_PROJECT"


def project_folder(argv: Sequence[str] | None = None) -> Path | None:
    """The project folder: ``--project DIR`` after ``--`` on the command line, else
    ``$AITHESIS_PROJECT``, else None."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--project", default=None)
    known, _ = parser.parse_known_args(list(argv) if argv is not None else None)
    value = known.project or os.environ.get(ENV_PROJECT)
    return Path(value).expanduser().resolve() if value else None


@st.cache_resource(show_spinner=False)
def project(folder: str) -> Project:
    """The loaded ``aithesis.yaml`` (SpecError naming the file and key if invalid)."""
    return load_project(folder)


@st.cache_resource(show_spinner=False)
def results(folder: str) -> ProjectResults:
    """The project's build results (read from the build cache when inputs are unchanged)."""
    return build_project(folder).results


@st.cache_resource(show_spinner=False)
def open_store(path: str) -> Store:
    """The project's DuckDB store, opened read-only (connections are per operation)."""
    return Store(path, read_only=True)


@st.cache_resource(show_spinner=False)
def thesis_model(file: str) -> ThesisModel:
    """A compiled thesis model from its YAML file."""
    return load_model(file)


@st.cache_data(max_entries=64, show_spinner=False)
def custom_index(
    store_path: str, methodology_json: str, file: str, start: str, end: str | None
) -> IndexResult:
    """Build an index from a methodology given as JSON (the dashboard's edited copy).

    Raises:
        SpecError: the edited settings are not a valid methodology (names the key).
    """
    methodology = methodology_from_dict(json.loads(methodology_json), file=file)
    return build_index(methodology, open_store(store_path), start=start, end=end)


@st.cache_data(max_entries=32, show_spinner=False)
def benchmark_index(
    store_path: str, ticker: str, start: str, end: str | None, base_value: float
) -> IndexResult:
    """A benchmark as a one-stock total-return index at an index's base date and value,
    so that it plots on the same scale."""
    methodology = Methodology(
        name=ticker,
        base_date=start,  # type: ignore[arg-type]  # pydantic parses ISO dates
        base_value=base_value,
        universe=UniverseSpec(tickers=[ticker]),
        rebalance="none",
    )
    return build_index(methodology, open_store(store_path), end=end)


@st.cache_data(max_entries=16, show_spinner=False)
def run_monte_carlo(file: str, draws: int, seed: int, target: str | None) -> MonteCarloSummary:
    """Monte Carlo of a model (``draws`` draws, ``seed``), summarised with P(target)."""
    return MonteCarloSummary.of(thesis_model(file).monte_carlo(draws, seed=seed, target=target))


def reload() -> None:
    """Forget every cached project, model and result (after the files changed)."""
    for cached in (project, results, open_store, thesis_model):
        cached.clear()
    for memo in (custom_index, benchmark_index, run_monte_carlo):
        memo.clear()
