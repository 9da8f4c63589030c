"""Small hand-made data: folders, price rows on five June 2024 days, a store snapshot."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aithesis.data.api import import_dir
from aithesis.data.store import Store

GOOD_PRICES = """date,open,high,low,close,adj_close,volume
2024-01-02,10,11,9.5,10.5,,1000
2024-01-03,10.5,11.5,10,11,,1200
2024-01-04,11,12.5,10.8,12,,900
2024-01-05,12,12.2,11.1,11.5,,1100
"""


DAYS: tuple[str, ...] = ("2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06", "2024-06-07")


def price_rows(
    ticker: str,
    dates: list[str],
    closes: list[float],
    *,
    basis: str = "raw",
    adj: list[float] | None = None,
) -> pd.DataFrame:
    """Standard-schema price rows: open = high = low = close, volume 1, USD; adj_close
    NaN unless given."""
    close = np.array(closes, dtype=float)
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": pd.to_datetime(dates),
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "adj_close": np.nan if adj is None else np.array(adj, dtype=float),
            "volume": 1.0,
            "currency": "USD",
            "basis": basis,
            "source": "hand-made test rows",
        }
    )


@pytest.fixture()
def days() -> list[str]:
    """Five consecutive trading days (Mon 2024-06-03 .. Fri 2024-06-07), ISO."""
    return list(DAYS)


@pytest.fixture()
def rows() -> Callable[..., pd.DataFrame]:
    """``price_rows(ticker, dates, closes, *, basis="raw", adj=None)`` as a fixture."""
    return price_rows


def write_dir(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create ``root`` with the given relative files."""
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return root


def snapshot(store: Store) -> tuple:
    """Everything a write could change, in comparable form."""
    prices = store.prices()
    digest = hashlib.sha256(prices.to_csv(index=False).encode()).hexdigest()
    info = store.series_info().drop(columns=["imported_at"])
    return (store.counts(), digest, info.to_csv(index=False), store.fx_pairs())


@pytest.fixture()
def take_snapshot() -> Callable[[Store], tuple]:
    """``snapshot`` as a fixture (test modules cannot import conftest)."""
    return snapshot


@pytest.fixture()
def good_prices() -> str:
    return GOOD_PRICES


@pytest.fixture()
def loaded_store(tmp_path: Path) -> Store:
    """A store holding one good ticker (GOOD) and one dividend."""
    src = write_dir(
        tmp_path / "good",
        {
            "prices/GOOD.csv": GOOD_PRICES,
            "dividends/GOOD.csv": "date,dividend\n2024-01-04,0.25\n",
            "fx/USDHKD.csv": "date,rate\n2024-01-02,7.81\n2024-01-03,7.82\n",
        },
    )
    store = Store(tmp_path / "store.duckdb")
    import_dir(store, src)
    return store


@pytest.fixture()
def make_dir(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    counter = {"n": 0}

    def make(files: dict[str, str | bytes]) -> Path:
        counter["n"] += 1
        return write_dir(tmp_path / f"in{counter['n']}", files)

    return make
