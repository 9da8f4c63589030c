"""Read a folder or ``companyfacts.zip`` of recorded SEC payloads into fundamentals rows.

The reading half of :func:`aithesis.kpi.api.import_sec` (which writes the result in one
transaction). Each ``CIK##########.json`` maps to a ticker through the SEC provider's
built-in map, then SEC's ticker map ``company_tickers.json`` when the folder or archive
holds one; each payload then goes through the provider's own steps
(:meth:`~aithesis.data.providers.sec.SecProvider.transform_fundamentals`: validation,
fiscal calendar, de-cumulation, warnings), exactly as ``aithesis kpi pull`` would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from aithesis.data.providers import FundamentalsQuery
from aithesis.data.providers.sec import SecProvider
from aithesis.data.providers.sec_facts import BUILTIN_CIKS
from aithesis.data.providers.sec_files import SecFiles
from aithesis.errors import AithesisError, ProviderError

__all__ = ["SecRead", "read_sec_files", "sec_tickers"]


@dataclass
class SecRead:
    """What :func:`read_sec_files` read: all rows, rows per ticker, warnings per ticker,
    and the file each ticker came from."""

    facts: pd.DataFrame
    rows: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def sec_tickers(provider: SecProvider, files: SecFiles) -> dict[int, str]:
    """CIK -> the ticker its facts are filed under.

    The first ticker of the built-in map, then of ``company_tickers.json``, that the
    provider resolves back to the CIK (``GOOGL`` before ``GOOG`` for Alphabet), so an
    import files facts under the same ticker and entity as ``kpi pull`` of that ticker.
    """
    candidates = [*BUILTIN_CIKS, *(files.ticker_map() or {})]
    out: dict[int, str] = {}
    for ticker in candidates:
        try:
            cik = provider.cik(ticker)
        except AithesisError:
            continue
        out.setdefault(cik, ticker.upper())
    return out


def read_sec_files(
    path: str | Path,
    *,
    metrics: Sequence[str] | None = None,
    on_file: Callable[[str, str, int, int], None] | None = None,
) -> SecRead:
    """Every payload of a folder or ``companyfacts.zip`` as fundamentals rows (no store).

    Args:
        path: a folder of ``CIK##########.json`` files or a ``.zip`` of them.
        metrics: subset of the SEC provider's metrics (default all it knows).
        on_file: called after each payload as ``(file, ticker, done, total)``.

    Returns:
        :class:`SecRead`; ``facts`` has the store's fundamentals columns (values in the
        reporting currency, ``as_of`` = filing date).

    Raises:
        ProviderError: the path is missing, not a readable zip or holds no payload; a
            payload is not JSON or not companyfacts; a CIK is in no ticker map. Each
            names the file (``archive.zip:member`` inside an archive).
    """
    files = SecFiles(path)
    ciks = files.ciks()
    if not ciks:
        raise ProviderError(
            "no CIK##########.json payload found",
            file=files.path,
            hint="pass a folder of SEC companyfacts files or companyfacts.zip",
        )
    provider = SecProvider(files=files)
    tickers = sec_tickers(provider, files)
    wanted = tuple(metrics) if metrics is not None else None
    frames: list[pd.DataFrame] = []
    read = SecRead(pd.DataFrame())
    for done, cik in enumerate(ciks, start=1):
        where = files.where(cik)
        ticker = tickers.get(cik)
        if ticker is None:
            raise ProviderError(
                f"CIK {cik:010d} is in no ticker map",
                file=where,
                hint="add SEC's company_tickers.json (listing this CIK) beside the files, "
                "or remove the file",
            )
        batch = provider.transform_fundamentals(
            files.payload(cik), FundamentalsQuery(ticker, wanted)
        )
        frames.append(batch.facts)
        read.rows[ticker] = len(batch.facts)
        read.files[ticker] = where
        if batch.warnings:
            read.warnings[ticker] = list(batch.warnings)
        if on_file is not None:
            on_file(where, ticker, done, len(ciks))
    read.facts = pd.concat(frames, ignore_index=True)
    return read
