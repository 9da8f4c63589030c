"""Thesis models as code: driver trees with units, scenarios, sensitivity, Monte Carlo,
reverse valuation, claim checking and the Davis double-click.

Example:
    >>> from aithesis.thesis import load_model
    >>> m = load_model("nvda-5t")
    >>> m.evaluate(scenario="bear").value  # doctest: +SKIP
    >>> m.monte_carlo(100_000, seed=1, target="market_cap>=5000").probability  # doctest: +SKIP
    >>> m.solve("market_cap", 4500, "nvda_share").value  # doctest: +SKIP

Claims against the record (``kind: record``; judged as of the article date and since):

    >>> from aithesis.thesis import check_records
    >>> report = check_records(["nvda-5t"], store=store)  # doctest: +SKIP
    >>> report.get("nvda_5t_first_date").status_since  # doctest: +SKIP
    'came_true'
"""

from aithesis.thesis.api import (
    BUILTIN_DIR,
    ModelInfo,
    check_all,
    list_models,
    load_model,
    model_path,
)
from aithesis.thesis.articles_meta import ArticleMeta, article_catalogue
from aithesis.thesis.davis import DavisResult, davis_decomposition, davis_from_frames
from aithesis.thesis.expr import evaluate as evaluate_formula
from aithesis.thesis.model import ThesisModel
from aithesis.thesis.record_api import check_records
from aithesis.thesis.results import (
    ClaimReport,
    ClaimResult,
    Evaluation,
    GridResult,
    MonteCarloResult,
    SolveResult,
    TornadoResult,
)
from aithesis.thesis.spec import ModelSpec

__all__ = [
    "BUILTIN_DIR",
    "ArticleMeta",
    "ClaimReport",
    "ClaimResult",
    "DavisResult",
    "Evaluation",
    "GridResult",
    "ModelInfo",
    "ModelSpec",
    "MonteCarloResult",
    "SolveResult",
    "ThesisModel",
    "TornadoResult",
    "article_catalogue",
    "check_all",
    "check_records",
    "davis_decomposition",
    "davis_from_frames",
    "evaluate_formula",
    "list_models",
    "load_model",
    "model_path",
]
