"""One agix project built once per session; tests that change it work on a copy."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from aithesis.project import build_project, init_project
from aithesis.project.build import BuildOutcome
from aithesis.project.cache import cache_dir


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> BuildOutcome:
    """The agix template built on the real sample data (read only)."""
    root = init_project(tmp_path_factory.mktemp("proj") / "agix")
    return build_project(root)


@pytest.fixture()
def project_copy(built_project: BuildOutcome, tmp_path: Path) -> Callable[[], Path]:
    """A fresh copy of the built project (store, cache and all) to change.

    The build cache lives outside the project (keyed by its path), so it is copied to
    the copy's key as well: the copy is as if this user had built it there."""

    def make() -> Path:
        target = tmp_path / "copy"
        shutil.copytree(built_project.project.root, target)
        shutil.copytree(cache_dir(built_project.project.root), cache_dir(target))
        return target

    return make
