"""``aithesis build``: load data, build indexes, run models and KPIs; cache by input hash.

The pipeline, in steps (each reports progress through ``progress(step, done, total)``):

``data``      import the sample data, the project's KPI facts and its recorded SEC payloads
              (``kpi.sec``) into the project's store when they changed since the last
              build (fingerprint of files, sizes, times)
``indexes``   every methodology, plus the benchmarks, from the common start date
``exposure``  article 002's exposure-bucket test
``models``    every thesis model: base, scenarios, tornado, Monte Carlo, claim checks
``records``   every claim against the record (``kind: record``) judged then and since
              against the project's store and SEC payloads, with the series deciding it;
              and the coverage of the project's articles by its models and facts
``kpi``       growth tables, group aggregates, expectation gaps, events

Results are cached by :mod:`aithesis.project.cache` outside the project folder
(``$AITHESIS_HOME/cache``, signed and verified; nothing in a project folder is ever
unpickled) under a hash of the code of this package, ``aithesis.yaml``, every file it
names and the store's last write: an unchanged rebuild only reads the cache back. A
failed build raises before anything is written, so the previous results (and reports)
stay in place.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aithesis
from aithesis.articles.results import CoverageResult
from aithesis.config import sample_data_dir
from aithesis.data.api import import_dir
from aithesis.data.store import Store
from aithesis.errors import AithesisError, DataError, SpecError, StoreError
from aithesis.project.cache import cache_dir, read_cached, read_latest, write_cached
from aithesis.project.config import Project, load_project
from aithesis.project.coverage import article_files, coverage_of
from aithesis.project.records import RecordClaim, build_records
from aithesis.project.results import ProjectResults
from aithesis.project.steps import (
    build_indexes,
    build_kpi,
    build_models,
    run_exposure,
    summary_numbers,
)
from aithesis.project.summary import BuildSummary

__all__ = ["BuildOutcome", "ProgressFn", "build_project", "load_cached"]

ProgressFn = Callable[[str, int, int], None]
STEPS = ("data", "indexes", "exposure", "models", "records", "kpi")
_CACHE_VERSION = "1"


@dataclass(frozen=True)
class BuildOutcome:
    """A build's results and how they were obtained."""

    results: ProjectResults
    cached: bool
    seconds: float
    data_loaded: bool
    project: Project


def _hash_files(paths: list[Path], digest: Any) -> None:
    for path in paths:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())


# presentation layers: changing them never changes a computed number
_NOT_HASHED = ("report", "app", "cli")


def _code_hash() -> str:
    """Hash of the package's computing code and data (not the shells)."""
    root = Path(aithesis.__file__).parent
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".yaml", ".csv", ".json")
        and p.relative_to(root).parts[0] not in _NOT_HASHED
    )
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _library_versions() -> str:
    """Versions of the libraries whose arithmetic the results depend on."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("numpy", "pandas", "scipy", "pint", "duckdb"):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=?")
    return ",".join(out)


def _data_fingerprint(project: Project) -> dict[str, Any]:
    sample = _sample_dir(project)
    files = sorted(p for p in sample.rglob("*") if p.is_file() and p.suffix in (".csv", ".parquet"))
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path.relative_to(sample)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    facts = [project.require(f, f"kpi.facts[{i}]") for i, f in enumerate(project.config.kpi.facts)]
    _hash_files(facts, digest)
    for i, (_key, path) in enumerate(_sec_paths(project, sample)):
        parts = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for part in parts:
            stat = part.stat()
            digest.update(f"sec[{i}]:{part.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return {"sample": str(sample), "hash": digest.hexdigest()}


SEC_SAMPLE = "sample"  # in kpi.sec: the sample data's sec/ folder


def _sec_paths(project: Project, sample: Path) -> list[tuple[str, Path]]:
    """``(key, path)`` of the ``kpi.sec`` folders/archives to import (``sample``: the
    sample data's ``sec/`` when present).

    Raises:
        SpecError: a project path that is neither a folder nor a file, naming the key.
    """
    out = []
    for i, entry in enumerate(project.config.kpi.sec):
        key = f"kpi.sec[{i}]"
        if entry == SEC_SAMPLE:
            if (sample / "sec").is_dir():
                out.append((key, sample / "sec"))
            continue
        path = project.path(entry, key)
        if not path.exists():
            raise SpecError(
                f"SEC payloads not found: {entry}",
                file=project.config_file,
                row=project.line.get(key),
                field=key,
                hint="give a folder of CIK##########.json files or companyfacts.zip, "
                "or 'sample' for the sample data's sec/ folder",
            )
        out.append((key, path))
    return out


def _sample_dir(project: Project) -> Path:
    if project.sample_data_override is not None:
        return sample_data_dir(project.sample_data_override)
    configured = project.config.sample_data
    if configured is None:
        return sample_data_dir()
    path = project.path(configured, "sample_data")
    if not path.is_dir():
        raise SpecError(
            f"sample data folder not found: {configured}",
            file=project.config_file,
            row=project.line.get("sample_data"),
            field="sample_data",
            hint="fix the path or set it to null",
        )
    return path


_DATA_KEY = "project_data_fingerprint"


def _ensure_data(
    project: Project, store: Store, progress: ProgressFn, *, force: bool = False
) -> bool:
    """Load sample data and KPI facts into the store unless the store already holds
    exactly them (their fingerprint is kept in the store's own ``meta`` table, so a
    deleted, moved or replaced store is loaded again); True if loaded."""
    from aithesis.kpi.api import import_facts, import_sec

    fingerprint = _data_fingerprint(project)
    if not force and store.meta(_DATA_KEY) == fingerprint["hash"]:
        progress("data", 1, 1)
        return False
    facts = project.config.kpi.facts
    sec = _sec_paths(project, Path(fingerprint["sample"]))
    total = 1 + len(facts) + len(sec)
    progress("data", 0, total)
    import_dir(store, Path(fingerprint["sample"]))
    progress("data", 1, total)
    for i, name in enumerate(facts):
        import_facts(store, project.require(name, f"kpi.facts[{i}]"), replace_sources=True)
        progress("data", 2 + i, total)
    for i, (key, path) in enumerate(sec):
        try:
            import_sec(store, path)
        except AithesisError as exc:
            raise type(exc)(
                str(exc), file=project.config_file, row=project.line.get(key), field=key
            ) from None
        progress("data", 2 + len(facts) + i, total)
    store.set_meta(_DATA_KEY, fingerprint["hash"])
    return True


def _record_sec_dir(project: Project) -> Path | None:
    """The SEC payloads record claims read shares outstanding and KPI facts from: the
    first ``kpi.sec`` entry, else the sample data's ``sec/`` folder (None if neither)."""
    sample = _sample_dir(project)
    paths = _sec_paths(project, sample)
    if paths:
        return paths[0][1]
    return sample / "sec" if (sample / "sec").is_dir() else None


def _records(
    project: Project, store: Store, progress: ProgressFn, notes: list[str]
) -> tuple[RecordClaim, ...]:
    """The record claims of the project's models, judged against its store (a model whose
    claims the store's data cannot reach gets a warning in ``notes``, not a failed build)."""
    paths = [
        project.require(m.file, f"models[{i}].file") for i, m in enumerate(project.config.models)
    ]

    def where(exc: AithesisError, i: int) -> AithesisError:
        field = f"models[{i}].file"
        return type(exc)(
            str(exc), file=project.config_file, row=project.line.get(field), field=field
        )

    return build_records(paths, store, _record_sec_dir(project), progress, where, notes.append)


def _coverage(project: Project) -> tuple[CoverageResult | None, str]:
    """The project's article coverage, or None and a warning naming what is missing."""
    try:
        return coverage_of(project), ""
    except DataError as exc:
        return None, f"article coverage not computed: {exc.message}"


def _input_hash(project: Project, store: Store) -> str:
    digest = hashlib.sha256()
    digest.update(f"cache-{_CACHE_VERSION}-{aithesis.__version__}-{_code_hash()}".encode())
    digest.update(_library_versions().encode())
    digest.update(project.config_file.read_bytes())
    cfg = project.config
    named = [project.require(p, f"indexes[{i}]") for i, p in enumerate(cfg.indexes)]
    named += [project.require(m.file, f"models[{i}].file") for i, m in enumerate(cfg.models)]
    if cfg.kpi.groups_file:
        named.append(project.require(cfg.kpi.groups_file, "kpi.groups_file"))
    _hash_files(named, digest)
    # the cited articles: editing one changes the coverage (and its quotes) in the report
    digest.update(b"articles")
    _hash_files(article_files(project), digest)
    digest.update(str(store.last_write()).encode())
    return digest.hexdigest()[:32]


def load_cached(folder: str | Path | None = None) -> ProjectResults | None:
    """The latest cached results of a project, or None (no build yet)."""
    project = load_project(folder)
    results = read_latest(project.root)
    if not isinstance(results, ProjectResults) or not isinstance(results.summary, BuildSummary):
        return None  # nothing built, or a cache written by an older aithesis
    return results


def build_project(
    folder: str | Path | None = None,
    *,
    progress: ProgressFn | None = None,
    force: bool = False,
    store: str | Path | None = None,
    sample_data: str | Path | None = None,
) -> BuildOutcome:
    """Build a project: data, indexes, exposure test, models, KPIs (cached).

    Args:
        folder: the project folder (default: current folder).
        store, sample_data: the user's own paths (command line), used instead of the
            config's ``store:`` / ``sample_data:``, which must lie inside the project.
        progress: called as ``progress(step, done, total)`` while building.
        force: ignore the cache and load the data into the store again.

    Returns:
        :class:`BuildOutcome` with the :class:`ProjectResults`.

    Raises:
        SpecError, DataError, StoreError: naming the project file and key at fault.
    """
    started = time.perf_counter()
    report = progress or (lambda step, done, total: None)
    project = load_project(folder, store=store, sample_data=sample_data)
    cfg = project.config
    try:
        store = Store(project.store_path)
    except StoreError as exc:
        raise SpecError(
            f"cannot open the project's store: {exc.message}",
            file=project.config_file,
            row=project.line.get("store"),
            field="store",
            hint=exc.hint,
        ) from None
    loaded = _ensure_data(project, store, report, force=force)
    digest = _input_hash(project, store)
    results = None if force else read_cached(project.root, digest)
    if not isinstance(results, ProjectResults):
        results = None
    if results is not None:  # a missing, stale or broken cache means: rebuild
        for step in STEPS[1:]:
            report(step, 1, 1)
        return BuildOutcome(results, True, time.perf_counter() - started, loaded, project)

    indexes, benchmarks, comparison, notes = build_indexes(project, store, report)
    exposure = run_exposure(project, store, report)
    models, claims = build_models(project, report)
    records = _records(project, store, report, notes)
    article_coverage, coverage_note = _coverage(project)
    if coverage_note:
        notes.append(coverage_note)
    kpi = build_kpi(project, store, report)
    results = ProjectResults(
        name=cfg.name,
        title_zh=cfg.title_zh,
        languages=list(cfg.languages),
        start=str(cfg.start),
        indexes=indexes,
        benchmarks=benchmarks,
        comparison=comparison,
        exposure=exposure,
        models=models,
        claims=claims,
        kpi=kpi,
        provenance=store.series_info(),
        summary=summary_numbers(cfg, indexes, benchmarks, models, claims, kpi, records),
        input_hash=digest,
        built_at=datetime.now(UTC),
        seconds=time.perf_counter() - started,
        warnings=notes,
        risk_free=cfg.risk_free,
        records=records,
        coverage=article_coverage,
    )
    try:
        write_cached(project.root, digest, results)
    except OSError as exc:
        raise AithesisError(
            f"cannot write the build cache ({exc.strerror})",
            file=cache_dir(project.root),
            hint="check that $AITHESIS_HOME (default ~/.aithesis) is writable",
        ) from None
    return BuildOutcome(results, False, time.perf_counter() - started, loaded, project)
