"""Shared fixtures: the real sample data, a store loaded with it, fresh stores.

Tests that need the full sample data (``../shared/data`` with its 75 tickers, or
``$AITHESIS_SAMPLE_DATA``) use the ``sample_dir``, ``sample_store`` or ``seeds_dir``
fixtures, or carry the ``shared_data`` marker. Without that folder they are skipped,
saying why; under ``CI=true`` a missing folder stops the run at once instead (CI must
test the real data). Everything else runs on the package's compact sample.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aithesis.config import ENV_SAMPLE_DATA, shared_data_dir
from aithesis.data.api import import_dir
from aithesis.data.store import Store

_FULL_DATA_FIXTURES = frozenset({"sample_dir", "sample_store", "seeds_dir"})
_NO_SHARED = (
    f"needs the full sample data: no ../shared/data beside the repository and no ${ENV_SAMPLE_DATA}"
)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def pytest_configure(config: pytest.Config) -> None:
    if _ci() and shared_data_dir() is None:
        raise pytest.UsageError(
            f"CI=true but the full sample data is missing (no ../shared/data beside the "
            f"repository, no ${ENV_SAMPLE_DATA}): CI must run every test on the real data"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests that need the full data when it is absent (never under CI)."""
    if shared_data_dir() is not None:
        return
    skip = pytest.mark.skip(reason=_NO_SHARED)
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _FULL_DATA_FIXTURES or item.get_closest_marker("shared_data"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _own_aithesis_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point $AITHESIS_HOME (build caches, default store) at a session folder, so tests
    never read or write the user's ~/.aithesis. Subprocesses inherit it."""
    os.environ["AITHESIS_HOME"] = str(tmp_path_factory.mktemp("aithesis-home"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The full real sample data (../shared/data or $AITHESIS_SAMPLE_DATA)."""
    path = shared_data_dir()
    if path is None:  # only reached by a test the collection hook did not mark
        pytest.skip(_NO_SHARED)
    return path


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
