"""``aithesis.yaml``: what a thesis project contains and how to build it.

Example (what ``aithesis init --template agix`` writes)::

    name: AGIX thesis
    title_zh: AGIX 投资论点
    languages: [en, zh]
    store: .aithesis/store.duckdb       # relative to this file
    sample_data: null                   # null: $AITHESIS_SAMPLE_DATA or ../shared/data
    start: 2022-11-30                   # common base date of indexes and benchmarks
    benchmarks: [QQQ, SPY]              # relative metrics are against the first
    indexes: [indexes/agix.yaml, indexes/ai-infra.yaml]
    models:
      - {file: models/nvda-5t.yaml, target: "market_cap>=5000"}
    monte_carlo: {draws: 100000, seed: 20221130}
    kpi:
      facts: [kpi/article_facts.csv]
      sec: [sample]                     # SEC companyfacts payloads: the sample's sec/
      growth: [{entity: alibaba, metric: capex}]
      groups: [{group: us_hyperscalers, metric: capex}]

Paths are relative to the project folder and must stay inside it: an absolute path, a
``~`` path or one that climbs out (``../..``, or a symlink pointing outside) is refused, so
a project folder someone sends you cannot make a build read or write files elsewhere.
Paths given on the command line (``aithesis build --store PATH --sample-data PATH``) are
the user's own and are taken as they are. Errors name ``aithesis.yaml``, the line and the
key.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aithesis.errors import SpecError
from aithesis.specfile import line_of, load_yaml_model

__all__ = [
    "CONFIG_NAME",
    "ExposureSpec",
    "KpiGroupSpec",
    "KpiSeriesSpec",
    "KpiSpec",
    "ModelEntry",
    "MonteCarloSpec",
    "Project",
    "ProjectConfig",
    "load_project",
]

CONFIG_NAME = "aithesis.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelEntry(_Strict):
    """One thesis model: its YAML file and, optionally, a Monte Carlo target."""

    file: str
    target: str | None = None
    scenario_mc: bool = False


class MonteCarloSpec(_Strict):
    """Monte Carlo settings shared by every model."""

    draws: int = Field(100_000, ge=100, le=10_000_000)
    seed: int = 20221130


class KpiSeriesSpec(_Strict):
    """One entity's metric for a growth table; ``unit`` expresses it in another unit of
    the same currency (``USD_bn``), default the facts' own."""

    entity: str
    metric: str
    unit: str | None = None


class KpiGroupSpec(_Strict):
    group: str
    metric: str


class KpiSpec(_Strict):
    """KPI facts to load and the series and group aggregates to analyse.

    ``facts`` are facts CSVs; ``sec`` are recorded SEC companyfacts payloads (a folder of
    ``CIK##########.json`` files or ``companyfacts.zip``, imported as ``aithesis kpi
    import-sec`` does), where the word ``sample`` means the sample data's ``sec/`` folder
    (skipped when the sample data has none).
    """

    facts: list[str] = Field(default_factory=list)
    sec: list[str] = Field(default_factory=list)
    growth: list[KpiSeriesSpec] = Field(default_factory=list)
    groups: list[KpiGroupSpec] = Field(default_factory=list)
    groups_file: str | None = None


class ExposureSpec(_Strict):
    """Article 002's exposure-bucket test (null in the YAML skips it)."""

    edges: list[float] = Field(default_factory=lambda: [0.0, 0.4, 0.7, 1.0])
    markets: list[str] | None = None

    @field_validator("edges")
    @classmethod
    def _increasing(cls, value: list[float]) -> list[float]:
        if len(value) < 2 or any(b <= a for a, b in itertools.pairwise(value)):
            raise ValueError("edges must be at least two increasing numbers in [0, 1]")
        if value[0] < 0 or value[-1] > 1:
            raise ValueError("edges must lie in [0, 1] (AI-exposure scores)")
        return value


class ProjectConfig(_Strict):
    """The validated content of ``aithesis.yaml``."""

    name: str
    title_zh: str | None = None
    languages: list[Literal["en", "zh"]] = Field(default_factory=lambda: ["en", "zh"])
    store: str = ".aithesis/store.duckdb"
    sample_data: str | None = None
    start: date = date(2022, 11, 30)
    end: date | None = None
    benchmarks: list[str] = Field(default_factory=lambda: ["QQQ", "SPY"])
    risk_free: float = Field(0.0, ge=-0.05, le=0.5)
    indexes: list[str] = Field(default_factory=list)
    exposure_test: ExposureSpec | None = Field(default_factory=ExposureSpec)
    models: list[ModelEntry] = Field(default_factory=list)
    monte_carlo: MonteCarloSpec = Field(default_factory=MonteCarloSpec)
    kpi: KpiSpec = Field(default_factory=KpiSpec)

    @field_validator("languages")
    @classmethod
    def _some_language(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("give at least one language (en, zh)")
        return list(dict.fromkeys(value))

    @field_validator("benchmarks")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [v.upper() for v in value]


@dataclass(frozen=True)
class Project:
    """A loaded project: its folder, config and the resolved paths of its files.

    Attributes:
        store_override, sample_data_override: paths the user gave on the command line,
            used instead of ``store:`` / ``sample_data:`` (None: use the config's).
    """

    root: Path
    config: ProjectConfig
    config_file: Path
    line: dict[str, int | None]
    store_override: Path | None = None
    sample_data_override: Path | None = None

    def path(self, relative: str, field: str | None = None) -> Path:
        """A project-relative path made absolute; it must stay inside the project.

        Raises:
            SpecError: the path is absolute, starts with ``~`` or resolves (following
                symlinks) outside the project folder; names the key and its line.
        """
        text = str(relative)
        where = {"file": self.config_file, "row": self.line.get(field or ""), "field": field}
        hint = "use a path inside the project folder, or pass it on the command line"
        if text.startswith("~") or Path(text).is_absolute() or Path(text).drive:
            raise SpecError(f"'{text}' is not a path inside the project", hint=hint, **where)
        path = self.root / text
        try:
            inside = path.resolve().is_relative_to(self.root.resolve())
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise SpecError(f"cannot resolve '{text}' ({exc})", hint=hint, **where) from None
        if not inside:
            raise SpecError(f"'{text}' points outside the project folder", hint=hint, **where)
        return path

    @property
    def store_path(self) -> Path:
        if self.store_override is not None:
            return self.store_override
        return self.path(self.config.store, "store")

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    def require(self, relative: str, field: str) -> Path:
        """The path of a file the config names; SpecError naming the key if missing."""
        path = self.path(relative, field)
        if not path.is_file():
            raise SpecError(
                f"file not found: {relative}",
                file=self.config_file,
                row=self.line.get(field),
                field=field,
                hint="fix the path or remove the entry",
            )
        return path


def load_project(
    folder: str | Path | None = None,
    *,
    store: str | Path | None = None,
    sample_data: str | Path | None = None,
) -> Project:
    """Load ``aithesis.yaml`` from a project folder (default: the current folder).

    Args:
        store, sample_data: paths from the command line, used instead of the config's
            ``store:`` and ``sample_data:`` (they may lie anywhere).

    Raises:
        SpecError: no ``aithesis.yaml`` there, or it is invalid (file, line, key).
    """
    root = Path(folder or ".").expanduser().resolve()
    config_file = root / CONFIG_NAME
    if not config_file.is_file():
        raise SpecError(
            f"no {CONFIG_NAME} in this folder",
            file=root,
            hint="create a project with 'aithesis init DIR --template agix'",
        )
    config, node = load_yaml_model(ProjectConfig, config_file)
    lines: dict[str, int | None] = {}
    for i in range(len(config.indexes)):
        lines[f"indexes[{i}]"] = line_of(node, ("indexes", i))
    for i in range(len(config.models)):
        lines[f"models[{i}].file"] = line_of(node, ("models", i, "file"))
    for i in range(len(config.kpi.facts)):
        lines[f"kpi.facts[{i}]"] = line_of(node, ("kpi", "facts", i))
    for i in range(len(config.benchmarks)):
        lines[f"benchmarks[{i}]"] = line_of(node, ("benchmarks", i))
    for i in range(len(config.models)):
        lines[f"models[{i}].target"] = line_of(node, ("models", i, "target"))
    for i in range(len(config.kpi.sec)):
        lines[f"kpi.sec[{i}]"] = line_of(node, ("kpi", "sec", i))
    for i in range(len(config.kpi.growth)):
        lines[f"kpi.growth[{i}]"] = line_of(node, ("kpi", "growth", i))
    for i in range(len(config.kpi.groups)):
        lines[f"kpi.groups[{i}]"] = line_of(node, ("kpi", "groups", i))
    lines["exposure_test"] = line_of(node, ("exposure_test",))
    lines["kpi.groups_file"] = line_of(node, ("kpi", "groups_file"))
    lines["sample_data"] = line_of(node, ("sample_data",))
    lines["store"] = line_of(node, ("store",))
    project = Project(
        root=root,
        config=config,
        config_file=config_file,
        line=lines,
        store_override=Path(store).expanduser().resolve() if store is not None else None,
        sample_data_override=(
            Path(sample_data).expanduser().resolve() if sample_data is not None else None
        ),
    )
    project.store_path  # noqa: B018 -- refuse a store outside the project now, naming the key
    if config.sample_data is not None and project.sample_data_override is None:
        project.path(config.sample_data, "sample_data")
    return project
