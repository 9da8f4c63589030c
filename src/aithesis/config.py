"""Paths and settings: where the store and the sample data live.

Environment variables:

``AITHESIS_HOME``
    Folder for aithesis' own files; default ``~/.aithesis``.
``AITHESIS_STORE``
    Path of the DuckDB store; default ``$AITHESIS_HOME/store.duckdb``.
``AITHESIS_SAMPLE_DATA``
    Folder of the real sample data (``prices/``, ``dividends/``, ``fx/``,
    ``prices_manifest.csv``); default ``../shared/data`` beside the repository (or
    beside the working directory), else the compact sample shipped in the package
    (``aithesis/sample``: the demo's tickers from 2018 on, built by
    ``scripts/build_sample.py``; see its ``SOURCES.md``).
"""

from __future__ import annotations

import os
from pathlib import Path

from aithesis.errors import DataError

__all__ = [
    "ENV_HOME",
    "ENV_SAMPLE_DATA",
    "ENV_STORE",
    "aithesis_home",
    "default_store_path",
    "is_package_sample",
    "package_sample_dir",
    "repo_root",
    "sample_data_dir",
    "shared_data_dir",
]

ENV_HOME = "AITHESIS_HOME"
ENV_STORE = "AITHESIS_STORE"
ENV_SAMPLE_DATA = "AITHESIS_SAMPLE_DATA"


def aithesis_home() -> Path:
    """Folder for aithesis' own files (``$AITHESIS_HOME``, default ``~/.aithesis``)."""
    value = os.environ.get(ENV_HOME)
    return Path(value).expanduser() if value else Path.home() / ".aithesis"


def default_store_path() -> Path:
    """The store used when no ``--store`` is given (``$AITHESIS_STORE`` or the home's)."""
    value = os.environ.get(ENV_STORE)
    return Path(value).expanduser() if value else aithesis_home() / "store.duckdb"


def repo_root() -> Path | None:
    """The source checkout this package runs from (editable install), else None."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "aithesis").is_dir():
            return parent
    return None


def _sample_candidates() -> list[Path]:
    candidates: list[Path] = []
    root = repo_root()
    if root is not None:
        candidates.append(root.parent / "shared" / "data")
    cwd = Path.cwd()
    candidates += [cwd.parent / "shared" / "data", cwd / "shared" / "data"]
    return candidates


def package_sample_dir() -> Path:
    """The compact real sample shipped inside the package (``aithesis/sample``).

    It holds the tickers the built-in indexes, the demo's benchmarks and its exposure
    test use, from 2018 on, in the sample-data layout (``prices/<TICKER>.parquet``,
    ``dividends/``, ``fx/``, ``prices_manifest.csv``, ``sec/``); its ``SOURCES.md``
    names the origin files. The folder may be absent in a source checkout that has not
    run ``scripts/build_sample.py``.
    """
    return Path(__file__).resolve().parent / "sample"


def is_package_sample(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is the package's compact sample (not the full data)."""
    try:
        return Path(path).resolve() == package_sample_dir().resolve()
    except OSError:
        return False


def shared_data_dir() -> Path | None:
    """The full sample data, when present: ``$AITHESIS_SAMPLE_DATA`` or ``../shared/data``.

    Unlike :func:`sample_data_dir` this never falls back to the package's compact
    sample: None when neither exists (the tests that need all 75 tickers skip then).
    """
    value = os.environ.get(ENV_SAMPLE_DATA)
    if value:
        path = Path(value).expanduser()
        return path if path.is_dir() and not is_package_sample(path) else None
    for path in _sample_candidates():
        if (path / "prices").is_dir():
            return path.resolve()
    return None


def sample_data_dir(
    explicit: str | os.PathLike[str] | None = None, *, fallback: bool = True
) -> Path:
    """The folder of real sample data, checked to exist.

    Order: ``explicit``; ``$AITHESIS_SAMPLE_DATA``; ``../shared/data`` beside the
    repository, then beside or under the working directory; then (``fallback``) the
    package's compact sample (:func:`package_sample_dir`; :func:`is_package_sample`
    tells a caller which one it got).

    Args:
        explicit: a path given by the user (CLI option); wins over the environment.
        fallback: use the package's sample when no other folder is found.

    Raises:
        DataError: when the folder does not exist, naming where it looked.
    """
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise DataError(
                "sample data folder not found",
                file=path,
                hint="pass the folder holding prices/ and prices_manifest.csv",
            )
        return path
    value = os.environ.get(ENV_SAMPLE_DATA)
    if value:
        path = Path(value).expanduser()
        if not path.is_dir():
            raise DataError(
                f"{ENV_SAMPLE_DATA} points to a folder that does not exist",
                file=path,
                hint=f"set {ENV_SAMPLE_DATA} to the folder holding prices/ and prices_manifest.csv",
            )
        return path
    tried = _sample_candidates()
    for path in tried:
        if (path / "prices").is_dir():
            return path.resolve()
    packaged = package_sample_dir()
    if fallback and (packaged / "prices").is_dir():
        return packaged
    tried.append(packaged)
    raise DataError(
        "sample data not found (looked in " + ", ".join(str(p) for p in tried) + ")",
        hint=f"set {ENV_SAMPLE_DATA} to the folder holding prices/ and prices_manifest.csv",
    )
