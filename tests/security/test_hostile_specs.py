"""Hostile YAML specs give one-line SpecErrors quickly: no hang, no memory blow-up.

Reproductions of issue 18: an alias bomb plus one invalid value hung the error-location
walk; duplicate keys were silently resolved to the last; 5,000 levels of nesting
crashed; a 50 MB spec took 31 s and 523 MB.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aithesis.errors import SpecError
from aithesis.specfile import MAX_DEPTH, MAX_SPEC_BYTES, parse_yaml

BOMB = textwrap.dedent(
    """\
    a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
    when: 2022-02-30
    """
)


def _run(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run in a child so that a hang or a memory blow-up fails the test, not the run."""
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
    return subprocess.run(
        [sys.executable, "-c", limit + code], capture_output=True, text=True, timeout=timeout
    )


def test_an_alias_bomb_with_a_bad_value_is_refused_at_once(tmp_path: Path) -> None:
    spec = tmp_path / "bomb.yaml"
    spec.write_text(BOMB, encoding="utf-8")
    done = _run(
        "from aithesis.specfile import parse_yaml\n"
        "from aithesis.errors import SpecError\n"
        f"text = open({str(spec)!r}, encoding='utf-8').read()\n"
        "try:\n    parse_yaml(text, 'bomb.yaml')\nexcept SpecError as e:\n    print(e)\n"
    )
    assert done.returncode == 0, done.stderr
    assert "bomb.yaml:" in done.stdout and "aliases" in done.stdout


def test_a_small_alias_is_still_fine() -> None:
    data, _ = parse_yaml("base: &b {x: 1}\nother: *b\nmerged: {<<: *b, y: 2}\n", "ok.yaml")
    assert data == {"base": {"x": 1}, "other": {"x": 1}, "merged": {"x": 1, "y": 2}}


def test_a_key_given_twice_names_both_lines() -> None:
    with pytest.raises(SpecError) as info:
        parse_yaml("name: a\nbase_value: 100\nname: b\n", "spec.yaml")
    assert str(info.value).startswith("spec.yaml:3: 'name': key 'name' is given twice")
    assert "first at line 1" in str(info.value)


def test_duplicate_keys_in_a_nested_mapping_are_refused() -> None:
    with pytest.raises(SpecError, match=r"spec.yaml:4: 'cap'"):
        parse_yaml("weighting:\n  cap: 0.1\n  scheme: equal\n  cap: 0.2\n", "spec.yaml")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    text = "a: " + "[" * depth + "]" * depth + "\n"
    done = _run(
        "from aithesis.specfile import parse_yaml\nfrom aithesis.errors import SpecError\n"
        f"try:\n    parse_yaml({text!r}, 'deep.yaml')\nexcept SpecError as e:\n    print(e)\n"
    )
    assert done.returncode == 0, done.stderr
    assert "deep.yaml" in done.stdout and "nested more than" in done.stdout


def test_a_huge_spec_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from aithesis.project.config import ProjectConfig
    from aithesis.specfile import load_yaml_model

    spec = tmp_path / "huge.yaml"
    with spec.open("w", encoding="utf-8") as out:
        out.write("name: x\nnotes:\n")
        line = "  - " + "y" * 96 + "\n"
        for _ in range(MAX_SPEC_BYTES // len(line) + 10):
            out.write(line)
    with pytest.raises(SpecError, match=r"huge.yaml: spec file is 2.0 MB; the limit is 2 MB"):
        load_yaml_model(ProjectConfig, spec)
