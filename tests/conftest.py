"""Shared fixtures: the real sample data, a store loaded with it, fresh stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aithesis.config import sample_data_dir
from aithesis.data.api import import_dir
from aithesis.data.store import Store


@pytest.fixture(scope="session", autouse=True)
def _own_aithesis_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point $AITHESIS_HOME (build caches, default store) at a session folder, so tests
    never read or write the user's ~/.aithesis. Subprocesses inherit it."""
    os.environ["AITHESIS_HOME"] = str(tmp_path_factory.mktemp("aithesis-home"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The real sample data (../shared/data or $AITHESIS_SAMPLE_DATA)."""
    return sample_data_dir()


@pytest.fixture(scope="session")
def seeds_dir(sample_dir: Path) -> Path:
    """The source articles (../shared/seeds)."""
    return sample_dir.parent / "seeds"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Store:
    """A store holding all of the real sample data. Read it; never write to it."""
    store = Store(tmp_path_factory.mktemp("sample-store") / "store.duckdb")
    import_dir(store, sample_dir)
    return store


@pytest.fixture()
def tmp_store(tmp_path: Path) -> Store:
    """A fresh, empty store."""
    return Store(tmp_path / "store.duckdb")
