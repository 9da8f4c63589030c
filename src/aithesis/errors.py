"""The aithesis error hierarchy.

Every error a user can cause derives from :class:`AithesisError`. Each carries *where*
(file, row, field) and *what to do* (a hint), and renders as one line::

    prices/NVDA.csv:14: column 'close': value -3.2 is not positive; prices must be > 0

Shells print ``error: <str(exc)>`` and exit 1; ``--debug`` shows the traceback.
This module imports nothing of ours.
"""

from __future__ import annotations

from os import PathLike

__all__ = [
    "AithesisError",
    "ClusterError",
    "DataError",
    "FormulaError",
    "ProviderError",
    "SpecError",
    "StoreError",
    "StoreLockedError",
    "UnknownTickerError",
]


class AithesisError(Exception):
    """Base of every error a user can cause; one readable line, no traceback needed.

    Args:
        message: what is wrong, in plain words.
        file: the file (or other named source) the problem is in.
        row: 1-based line number in that file (the header is line 1 for CSV).
        field: the column, key or parameter at fault.
        hint: what the user can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | PathLike[str] | None = None,
        row: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.field = field
        self.hint = hint
        super().__init__(self.__str__())

    @property
    def where(self) -> str:
        """``file:row: column 'x'`` or whichever parts are known ('' if none)."""
        place = self.file or ""
        if self.row is not None:
            place = f"{place}:{self.row}" if place else f"row {self.row}"
        if self.field is not None:
            place = f"{place}: '{self.field}'" if place else f"'{self.field}'"
        return place

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text}; {self.hint}"
        return text

    def __reduce__(self):  # keep location and hint across pickling (Dask workers)
        return (
            _rebuild,
            (type(self), self.message, self.file, self.row, self.field, self.hint),
        )


def _rebuild(cls, message, file, row, field, hint):
    return cls(message, file=file, row=row, field=field, hint=hint)


class DataError(AithesisError):
    """Input data is malformed or fails a sanity check (names ticker/file, row, column)."""


class UnknownTickerError(DataError):
    """A ticker was asked for that the store or universe does not hold."""


class ProviderError(AithesisError):
    """A data source failed or returned something unusable (names the source and ticker)."""


class StoreError(AithesisError):
    """The DuckDB store cannot be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock for longer than we may wait."""


class SpecError(AithesisError):
    """A YAML spec (universe, methodology, model, project) is invalid (names file and key)."""


class ClusterError(AithesisError):
    """A Dask cluster failed a sweep: workers lost, not started in time, or unreachable
    mid-run (field ``cluster``; no partial result is ever returned)."""


class FormulaError(AithesisError):
    """A formula is not in the safe formula language or cannot be evaluated."""
