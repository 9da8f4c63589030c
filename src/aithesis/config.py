"""Paths and settings: where the store and the sample data live.

Environment variables:

``AITHESIS_HOME``
    Folder for aithesis' own files; default ``~/.aithesis``.
``AITHESIS_STORE``
    Path of the DuckDB store; default ``$AITHESIS_HOME/store.duckdb``.
``AITHESIS_SAMPLE_DATA``
    Folder of the real sample data (``prices/``, ``dividends/``, ``fx/``,
    ``prices_manifest.csv``); default ``../shared/data`` beside the repository.
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
    "repo_root",
    "sample_data_dir",
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


def sample_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder of real sample data, checked to exist.

    Args:
        explicit: a path given by the user (CLI option); wins over the environment.

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
    raise DataError(
        "sample data not found (looked in " + ", ".join(str(p) for p in tried) + ")",
        hint=f"set {ENV_SAMPLE_DATA} to the folder holding prices/ and prices_manifest.csv",
    )
