"""aithesis: turn an investment thesis about the AI value chain into numbers you can test.

The public API, importable from here (loaded lazily, so ``import aithesis`` stays fast)::

    import aithesis
    store = aithesis.Store("my.duckdb")
    aithesis.import_dir(store, "../shared/data")
    agix = aithesis.build_index("agix", store)          # IndexResult
    nvda = aithesis.load_model("nvda-5t")               # ThesisModel
    nvda.monte_carlo(100_000, seed=1, target="market_cap>=5000").probability
    aithesis.kpi.growth(store, entity="alibaba", metric="capex")
    aithesis.build_project("my-thesis")                 # the whole project, cached
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, tuple[str, str]] = {
    "AithesisError": ("aithesis.errors", "AithesisError"),
    "Store": ("aithesis.data.store", "Store"),
    "PriceMatrix": ("aithesis.data.matrix", "PriceMatrix"),
    "import_dir": ("aithesis.data.api", "import_dir"),
    "pull": ("aithesis.data.api", "pull"),
    "export_parquet": ("aithesis.data.api", "export_parquet"),
    "price_summary": ("aithesis.overview", "price_summary"),
    "load_universe": ("aithesis.universe", "load_universe"),
    "build_index": ("aithesis.index.api", "build_index"),
    "build_benchmark": ("aithesis.index.api", "build_benchmark"),
    "compare": ("aithesis.index.api", "compare"),
    "exposure_test": ("aithesis.index.api", "exposure_test"),
    "load_methodology": ("aithesis.index.api", "load_methodology"),
    "IndexResult": ("aithesis.index.result", "IndexResult"),
    "load_model": ("aithesis.thesis.api", "load_model"),
    "list_models": ("aithesis.thesis.api", "list_models"),
    "check_all": ("aithesis.thesis.api", "check_all"),
    "sweep_index": ("aithesis.sweep.api", "sweep_index"),
    "sweep_model": ("aithesis.sweep.api", "sweep_model"),
    "init_project": ("aithesis.project", "init_project"),
    "build_project": ("aithesis.project", "build_project"),
    "load_project": ("aithesis.project", "load_project"),
}
_MODULES = ("kpi", "analytics", "errors", "articles")

__all__ = ["__version__", *sorted(_API), *_MODULES]


def __getattr__(name: str) -> Any:
    if name in _API:
        module, attribute = _API[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    if name in _MODULES:
        module = importlib.import_module(f"aithesis.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'aithesis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
