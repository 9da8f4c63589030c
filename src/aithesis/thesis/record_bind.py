"""Drivers bound to data, against a store: a model evaluated with its data as of a date.

The caller's half of :mod:`aithesis.thesis.record_from`: fetch what the drivers' ``from:``
expressions read (:func:`~aithesis.thesis.record_fetch.fetch_record`), compute each value
as of a date, and build the model with those values in place of the literal ones. The
formula evaluator reads nothing; every figure is fetched here first.

Without a store a bound driver keeps its literal ``value`` (and
:attr:`ThesisModel.bindings <aithesis.thesis.model.ThesisModel.bindings>` says so); with
no literal value that is a one-line error naming the model file, line and driver.

Example:
    >>> run = run_as_of("nvda-5t", ["2024-06-14", "latest"], store=store)  # doctest: +SKIP
    >>> run.differing()  # doctest: +SKIP
    ['current_market_cap']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aithesis.errors import DataError, SpecError
from aithesis.thesis.api import model_path
from aithesis.thesis.articles_meta import article_date
from aithesis.thesis.model import ThesisModel
from aithesis.thesis.record_fetch import fetch_record, record_requests
from aithesis.thesis.record_from import Binding, compile_from, from_value
from aithesis.thesis.results import Evaluation
from aithesis.thesis.spec import ModelSpec, load_spec

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store
    from aithesis.thesis.record_data import RecordData

__all__ = ["AsOfRun", "load_model_as_of", "run_as_of"]


def _default_sec(sec_dir: str | Path | None) -> Path | None:
    if sec_dir is not None:
        return Path(sec_dir)
    from aithesis.config import sample_data_dir
    from aithesis.errors import AithesisError

    try:
        return sample_data_dir() / "sec"
    except AithesisError:
        return None


def _day(as_of: str | dt.date, data: RecordData, file: str) -> tuple[dt.date, str]:
    """``(date, label)`` of an as-of argument: ``latest`` (the record's last date) or ISO."""
    if isinstance(as_of, dt.date):
        return as_of, as_of.isoformat()
    text = str(as_of).strip()
    if text == "latest":
        if data.latest is None:
            raise DataError(
                "the store holds none of the data the model's drivers read",
                file=file,
                field="--as-of",
                hint="import the sample data (aithesis data import) or pass --store",
            )
        return data.latest, f"latest ({data.latest})"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise SpecError(
            f"as-of date {text[:40]!r} is not an ISO date",
            field="--as-of",
            hint="YYYY-MM-DD or latest",
        ) from None
    return day, day.isoformat()


class _Bound:
    """A spec whose ``from:`` drivers can be evaluated at several as-of dates (one fetch)."""

    def __init__(
        self,
        name_or_path: str | Path,
        store: Store,
        sec_dir: str | Path | None,
        indexes: Mapping[str, Any] | None,
        catalogue: str | Path | None,
    ) -> None:
        path = model_path(name_or_path)
        self.file = str(path)
        self.spec, self.root = load_spec(path)
        self.froms = compile_from(self.spec, self.file, self.root)
        self.data = fetch_record(
            store,
            record_requests([f.tree for f in self.froms.values()]),
            _default_sec(sec_dir),
            indexes,
        )
        self.article = article_date(self.spec.source, catalogue)

    def model(self, as_of: str | dt.date) -> tuple[ThesisModel, str]:
        """The model with every bound driver's value as of ``as_of``, and the column label."""
        if not self.froms:
            return ThesisModel(self.spec, self.file, self.root), str(as_of)
        day, label = _day(as_of, self.data, self.file)
        values = {n: from_value(f, self.data, day, self.article) for n, f in self.froms.items()}
        drivers = {
            n: d.model_copy(update={"value": values[n]}) if n in values else d
            for n, d in self.spec.drivers.items()
        }
        spec: ModelSpec = self.spec.model_copy(update={"drivers": drivers})
        model = ThesisModel(spec, self.file, self.root)
        model.bindings = {
            n: Binding(n, f.text, values[n], "data", day.isoformat()) for n, f in self.froms.items()
        }
        return model, label


def load_model_as_of(
    name_or_path: str | Path,
    *,
    store: Store | None,
    as_of: str | dt.date = "latest",
    sec_dir: str | Path | None = None,
    indexes: Mapping[str, Any] | None = None,
    catalogue: str | Path | None = None,
) -> ThesisModel:
    """A model whose ``from:`` drivers take their values from the store as of ``as_of``.

    Args:
        store: the store; None keeps each bound driver's literal value (an error naming
            file, line and driver when it has none).
        as_of: ``"latest"`` (the last date of the data the drivers read) or an ISO date.
        sec_dir: SEC companyfacts payloads (default ``<sample data>/sec``).
        indexes: a project's indexes for ``index_level`` (see
            :func:`~aithesis.thesis.record_fetch.fetch_record`).
        catalogue: a project's article catalogue (for ``article_date`` in ``from:``).

    Raises:
        SpecError / FormulaError / DataError: one line naming the model file, line and
            driver (bad ``from:``, unknown ticker, a date outside the data, a missing fact).
    """
    if store is None:
        from aithesis.thesis.api import load_model

        return load_model(name_or_path)
    return _Bound(name_or_path, store, sec_dir, indexes, catalogue).model(as_of)[0]


@dataclass(frozen=True)
class AsOfRun:
    """A model evaluated at several as-of dates, side by side.

    Attributes:
        labels: one per column (``2024-06-14``, ``latest (2026-05-29)``).
        evaluations: the :class:`~aithesis.thesis.results.Evaluation` of each column.
        bound: data-bound driver -> its ``from:`` text.
        bindings: per column, driver -> :class:`~aithesis.thesis.record_from.Binding`.
    """

    model: str
    output: str
    labels: tuple[str, ...]
    evaluations: tuple[Evaluation, ...]
    bound: Mapping[str, str]
    bindings: tuple[Mapping[str, Binding], ...] = field(default=())
    scenario: str | None = None

    def differing(self) -> list[str]:
        """Names (drivers and formulas, in model order) whose value is not the same in
        every column (exact float comparison: equal inputs give equal outputs)."""
        first = self.evaluations[0].values
        return [
            n
            for n in first
            if any(not np.array_equal(e.values[n], first[n]) for e in self.evaluations[1:])
        ]

    def to_frame(self) -> pd.DataFrame:
        """One row per name: kind, ``from`` (the data expression of a bound driver, else
        ''), a value column per as-of label, unit and ``moved`` (differs across columns)."""
        ev = self.evaluations[0]
        moved = set(self.differing())
        frame = pd.DataFrame(
            {
                "name": list(ev.values),
                "kind": [ev.kinds[n] for n in ev.values],
                "from": [self.bound.get(n, "") for n in ev.values],
            }
        )
        for label, e in zip(self.labels, self.evaluations, strict=True):
            frame[f"as of {label}"] = [e.values[n] for n in ev.values]
        frame["unit"] = [ev.units[n] for n in ev.values]
        if len(self.evaluations) > 1:
            frame["moved"] = ["yes" if n in moved else "" for n in ev.values]
        return frame


def run_as_of(
    name_or_path: str | Path,
    as_of: Sequence[str | dt.date],
    *,
    store: Store,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    sec_dir: str | Path | None = None,
    indexes: Mapping[str, Any] | None = None,
    catalogue: str | Path | None = None,
) -> AsOfRun:
    """Evaluate a model with its data-bound drivers as of each date (one column each).

    Only the bound drivers change between columns, so only they and the formulas that
    depend on them can differ (:meth:`AsOfRun.differing`). Overrides win over data.

    Raises:
        as :func:`load_model_as_of`; SpecError: no as-of date given.
    """
    if not as_of:
        raise SpecError(
            "give at least one as-of date", field="--as-of", hint="latest or YYYY-MM-DD"
        )
    bound = _Bound(name_or_path, store, sec_dir, indexes, catalogue)
    models = [bound.model(day) for day in as_of]
    evaluations = tuple(m.evaluate(scenario=scenario, overrides=overrides) for m, _ in models)
    return AsOfRun(
        model=evaluations[0].model,
        output=evaluations[0].output,
        labels=tuple(label for _, label in models),
        evaluations=evaluations,
        bound={n: f.text for n, f in bound.froms.items()},
        bindings=tuple(m.bindings for m, _ in models),
        scenario=scenario,
    )
