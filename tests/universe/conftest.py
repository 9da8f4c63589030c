"""Fixtures for the universe tests: the raw built-in YAML and a synthetic YAML writer.

The raw entries are read with plain ``yaml.safe_load`` (not our loader), so tests can
compare the loader and the filters against an independent reading of the same file.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

BUILTIN_YAML = (
    Path(__file__).resolve().parents[2] / "src" / "aithesis" / "universe" / "data" / "universe.yaml"
)

# A synthetic universe (invented tickers) with known values for hand-computed filters.
SYNTHETIC = """\
companies:
  - ticker: AAAA
    name: Synthetic Alpha
    name_zh: 合成甲
    themes: [compute]
    layer: IaaS
    role: chips
    ai_exposure: 0.9
    exposure_rationale: synthetic
    source: analyst judgement
  - ticker: 1111.HK
    name: Synthetic Beta
    name_zh: 合成乙
    themes: [cloud, software]
    layer: IaaS
    role: cloud
    ai_exposure: 0.5
    exposure_rationale: synthetic
    source: analyst judgement
  - ticker: 600001.SS
    name: Synthetic Gamma
    name_zh: 合成丙
    themes: [power_infra]
    layer: null
    role: grid
    ai_exposure: 0.2
    exposure_rationale: synthetic
    source: analyst judgement
  - ticker: BBBB
    name: Synthetic Delta
    name_zh: 合成丁
    themes: [software]
    layer: solutions
    role: software
    ai_exposure: 0.5
    exposure_rationale: synthetic
    source: analyst judgement
    tags: [saas]
  - ticker: PRIVATECO
    name: Synthetic Private
    name_zh: 合成私营
    listed: false
    market: CN
    currency: CNY
    themes: [software]
    layer: MaaS
    role: models
    ai_exposure: 1.0
    exposure_rationale: synthetic
    source: analyst judgement
  - ticker: AAAA.HK
    name: Synthetic Alpha (HK line)
    name_zh: 合成甲
    themes: [compute]
    layer: IaaS
    role: chips
    ai_exposure: 0.9
    exposure_rationale: synthetic
    source: analyst judgement
    alias_of: AAAA
"""


@pytest.fixture(scope="session")
def raw_entries() -> list[dict[str, Any]]:
    """The built-in universe entries as plain dicts, read by PyYAML alone."""
    data = yaml.safe_load(BUILTIN_YAML.read_text(encoding="utf-8"))
    return data["companies"]


@pytest.fixture()
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented YAML text to ``tmp_path/name`` and return the path."""

    def write(text: str, name: str = "user.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture()
def synthetic_path(write_yaml: Callable[[str, str], Path]) -> Path:
    """The synthetic universe as a file."""
    return write_yaml(SYNTHETIC, "synthetic.yaml")
