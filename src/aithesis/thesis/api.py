"""Public entry points of thesis models: find, load and check models by name or path.

Built-in models live in ``aithesis/thesis/data/*.yaml`` (package data); each cites its
source article and quotes the sentences its figures come from. Anywhere a built-in name
is accepted, a path to the user's own YAML file works too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aithesis.errors import SpecError
from aithesis.thesis.model import ThesisModel
from aithesis.thesis.results import ClaimReport
from aithesis.thesis.spec import load_spec

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store
    from aithesis.thesis.davis import DavisResult

__all__ = [
    "BUILTIN_DIR",
    "ModelInfo",
    "builtin_paths",
    "check_all",
    "davis_from_store",
    "list_models",
    "load_model",
    "model_path",
]

BUILTIN_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ModelInfo:
    """One line of ``list_models``."""

    name: str
    title: str
    title_zh: str
    source: str
    path: str
    drivers: int
    formulas: int
    claims: int


def builtin_paths() -> dict[str, Path]:
    """The built-in models' YAML files by model name, sorted by name."""
    return {p.stem: p for p in sorted(BUILTIN_DIR.glob("*.yaml"))}


def model_path(name_or_path: str | Path) -> Path:
    """The YAML file of a built-in model name, or the given path if it is a file.

    Raises:
        SpecError: neither a built-in name nor an existing file.
    """
    text = str(name_or_path)
    builtin = builtin_paths()
    if text in builtin:
        return builtin[text]
    path = Path(text).expanduser()
    if path.is_file():
        return path
    raise SpecError(
        f"no built-in model {text!r} and no such file",
        field="model",
        hint=f"built-in models: {', '.join(builtin)}",
    )


def load_model(name_or_path: str | Path) -> ThesisModel:
    """Load and compile a model (a built-in name such as ``"nvda-5t"`` or a YAML path).

    Raises:
        SpecError / FormulaError: anything wrong in the file, naming file, line and key.

    Example:
        >>> m = load_model("nvda-5t")
        >>> round(m.evaluate().value)  # market cap, USD_bn
        5392
    """
    path = model_path(name_or_path)
    spec, root = load_spec(path)
    return ThesisModel(spec, str(path), root)


def list_models() -> list[ModelInfo]:
    """Every built-in model, by name."""
    out = []
    for name, path in builtin_paths().items():
        m = load_model(path)
        out.append(
            ModelInfo(
                name=name,
                title=m.title,
                title_zh=m.spec.title_zh or "",
                source=m.spec.source or "",
                path=str(path),
                drivers=len(m.drivers),
                formulas=len(m.formulas),
                claims=len(m.spec.claims),
            )
        )
    return out


def check_all(names: list[str | Path] | None = None, *, cross: bool = True) -> ClaimReport:
    """Check the claims of the given models (default: every built-in model)."""
    targets = names if names is not None else list(builtin_paths())
    rows = []
    for name in targets:
        rows.extend(load_model(name).check_claims(cross=cross).results)
    return ClaimReport(results=tuple(rows))


def davis_from_store(
    store: Store,
    ticker: str,
    start: Any,
    end: Any,
    *,
    metric: str = "eps_diluted",
    price_col: str = "close",
) -> DavisResult:
    """Davis decomposition of a stored ticker: price change = EPS growth x P/E change.

    Prices come from the store (``close``: price return; ``adj_close`` adds dividends
    back); EPS from its ``fundamentals`` facts of ``metric`` for the ticker. Full-year
    facts (fiscal periods ``FY...``) are used when there are any, so that quarterly
    seasonality does not pass for a change in multiple; on each date the latest fact
    published by then (``as_of``) counts.

    Raises:
        UnknownTickerError: no stored prices; DataError: no EPS facts for the ticker, no
            EPS known at ``start``, or EPS not positive.
    """
    from aithesis.errors import DataError
    from aithesis.thesis.davis import davis_from_frames

    prices = store.prices([ticker])
    eps = store.fundamentals(ticker=ticker.upper(), metric=metric, latest_only=False)
    if eps.empty:
        raise DataError(
            f"no {metric} facts for {ticker.upper()} in the store",
            file=store.path,
            field="metric",
            hint="pull them (aithesis kpi pull --provider sec TICKER) or import a facts CSV",
        )
    full_year = eps[eps["fiscal_period"].astype(str).str.startswith("FY")]
    return davis_from_frames(
        prices, full_year if len(full_year) else eps, start, end, price_col=price_col
    )
