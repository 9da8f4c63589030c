"""A project folder someone sends you runs no code and writes nothing outside itself.

Reproductions of issue 18: ``aithesis build`` unpickled ``.aithesis/cache/<digest>.pkl``
from the project (and followed ``latest`` to any absolute path), and ``store:`` in
``aithesis.yaml`` could be absolute, ``~`` or ``../..``. Each test asserts that no file
appears where it must not.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from aithesis.errors import SpecError
from aithesis.project import build_project, init_project
from aithesis.project.build import load_cached
from aithesis.project.cache import cache_dir, read_latest
from aithesis.project.config import load_project


class _Bomb:
    """Unpickling this creates ``marker`` (harmless stand-in for running code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _plant(path: Path, marker: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(_Bomb(marker)))


@pytest.fixture(scope="module")
def received(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder as someone might send it: built, with their cache files in it."""
    root = init_project(tmp_path_factory.mktemp("received") / "thesis")
    return root


def test_pickles_in_a_received_project_are_never_loaded(received: Path, tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    outside = tmp_path / "elsewhere" / "evil.pkl"
    _plant(outside, marker)
    old_cache = received / ".aithesis" / "cache"
    for name in ("0" * 32 + ".pkl", "latest.pkl"):
        _plant(old_cache / name, marker)
    (old_cache / "latest").write_text(str(outside))
    assert load_cached(received) is None and not marker.exists()
    outcome = build_project(received)
    assert not outcome.cached and not marker.exists()
    # the cache that counts is outside the project; a planted file there without this
    # user's signature is ignored too, and so is a 'latest' that names a path
    folder = cache_dir(received)
    digest = outcome.results.input_hash
    assert (folder / f"{digest}.pkl").is_file() and not (old_cache / f"{digest}.pkl").exists()
    _plant(folder / f"{digest}.pkl", marker)
    assert read_latest(received) is None and load_cached(received) is None
    (folder / "latest").write_text(str(outside))
    assert read_latest(received) is None
    again = build_project(received)
    assert not again.cached and not marker.exists()
    assert build_project(received).cached  # signed by this user: read back
    assert not marker.exists()


STORE_CASES = [
    ("absolute", "{outside}/s.duckdb", "is not a path inside the project"),
    ("home", "~/aithesis-test-should-not-exist.duckdb", "is not a path inside the project"),
    ("climbing", "../../{name}/s.duckdb", "points outside the project folder"),
]


@pytest.mark.parametrize(
    ("value", "message"), [c[1:] for c in STORE_CASES], ids=[c[0] for c in STORE_CASES]
)
def test_store_outside_the_project_is_refused(tmp_path: Path, value: str, message: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = init_project(tmp_path / "a" / "b" / "thesis")
    config = root / "aithesis.yaml"
    text = config.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("store:"))
    bad = value.format(outside=outside, name=outside.name)
    config.write_text(
        text.replace("store: .aithesis/store.duckdb", f"store: {bad}"), encoding="utf-8"
    )
    before = {p for p in tmp_path.rglob("*")}
    with pytest.raises(SpecError) as info:
        build_project(root)
    assert info.value.field == "store" and info.value.row == line
    assert message in str(info.value) and "aithesis.yaml" in str(info.value)
    assert {p for p in tmp_path.rglob("*")} == before
    assert not Path("~/aithesis-test-should-not-exist.duckdb").expanduser().exists()


def test_a_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = init_project(tmp_path / "thesis")
    (root / "data").symlink_to(outside)
    config = root / "aithesis.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "store: .aithesis/store.duckdb", "store: data/s.duckdb"
    )
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match="points outside the project folder"):
        load_project(root)
    assert not list(outside.iterdir())


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("  - indexes/agix.yaml", "  - ../../etc/agix.yaml", "indexes[0]"),
        ("{file: models/nvda-5t.yaml,", "{file: /etc/passwd,", "models[0].file"),
        ("facts: [kpi/article_facts.csv]", "facts: [~/facts.csv]", "kpi.facts[0]"),
        ("sample_data: null", "sample_data: /", "sample_data"),
    ],
)
def test_other_project_paths_stay_inside_too(tmp_path: Path, old: str, new: str, field: str):
    root = init_project(tmp_path / "thesis")
    config = root / "aithesis.yaml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        build_project(root)
    assert info.value.field == field, info.value


def test_paths_on_the_command_line_may_lie_anywhere(tmp_path: Path, sample_dir: Path) -> None:
    root = init_project(tmp_path / "thesis")
    store = tmp_path / "mine" / "store.duckdb"
    store.parent.mkdir()
    outcome = build_project(root, store=store, sample_data=sample_dir)
    assert store.is_file() and not (root / ".aithesis" / "store.duckdb").exists()
    assert outcome.project.store_path == store.resolve()
