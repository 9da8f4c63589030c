"""Thematic index engine: methodology (YAML) -> rebalance schedule -> weights -> levels.

>>> from aithesis.index import build_index, list_builtin_indexes
>>> list_builtin_indexes()
['agix', 'ai-infra']
"""

from __future__ import annotations

from aithesis.index.api import (
    CHATGPT_RELEASE,
    ExposureStudy,
    build_benchmark,
    build_index,
    compare,
    exposure_test,
    list_builtin_indexes,
    load_methodology,
)
from aithesis.index.engine import EngineResult, eligible_mask, listing_window, run_index
from aithesis.index.methodology import (
    Methodology,
    UniverseSpec,
    WeightingSpec,
    methodology_from_dict,
    methodology_from_yaml,
)
from aithesis.index.result import IndexResult
from aithesis.index.schedule import rebalance_indices
from aithesis.index.schemes import SCHEMES, Scheme, SchemeInputs, get_scheme, scheme_names

__all__ = [
    "CHATGPT_RELEASE",
    "SCHEMES",
    "EngineResult",
    "ExposureStudy",
    "IndexResult",
    "Methodology",
    "Scheme",
    "SchemeInputs",
    "UniverseSpec",
    "WeightingSpec",
    "build_benchmark",
    "build_index",
    "compare",
    "eligible_mask",
    "exposure_test",
    "get_scheme",
    "list_builtin_indexes",
    "listing_window",
    "load_methodology",
    "methodology_from_dict",
    "methodology_from_yaml",
    "rebalance_indices",
    "run_index",
    "scheme_names",
]
