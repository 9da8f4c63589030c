"""``csvdir``: a folder of per-ticker CSV (or Parquet) files, the layout of the sample data.

Layout (every part optional but ``prices``)::

    DIR/prices/<TICKER>.csv        date,open,high,low,close[,adj_close][,volume]
    DIR/prices/<TICKER>.parquet    same columns
    DIR/prices/ticker=<T>/*.parquet  an ``aithesis data export`` (hive-partitioned)
    DIR/dividends/<TICKER>.csv     date,dividend   (ex-date, cash per share, split-adjusted)
    DIR/fx/<PAIR>.csv              date,rate       (e.g. USDHKD: HKD per 1 USD)
    DIR/prices_manifest.csv        ticker,close_basis[,source_repo,commit,...]

A folder of ``<TICKER>.csv`` files with no ``prices/`` sub-folder works too. The
manifest says what each ``close`` is (``raw``, ``auto_adjusted``, ``index``); without one
a ``basis`` column in the file is used, else ``raw``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pandas as pd

from aithesis.data.adjust import dividend_factors
from aithesis.data.providers.base import PriceQuery, Provider, ProviderBatch
from aithesis.data.providers.csvfiles import (
    check_ticker_column,
    file_problem,
    read_parquet_folder,
    read_text_table,
    read_typed_csv,
    require_file,
    require_listable,
    typed_prices,
)
from aithesis.data.schema import BASES, PRICE_COLUMNS
from aithesis.data.validate import (
    check_prices,
    parse_dividend_table,
    parse_fx_table,
    parse_price_table,
)
from aithesis.errors import AithesisError, DataError, UnknownTickerError
from aithesis.markets import currency_of, timezone_of

__all__ = ["CsvDirProvider", "read_parquet_folder", "read_text_table", "read_typed_csv"]

_PAIR = re.compile(r"^[A-Z]{6}$")


@dataclass(frozen=True)
class _Files:
    prices: dict[str, Path]
    hive: Path | None
    dividends: dict[str, Path]
    fx: dict[str, Path]
    manifest: pd.DataFrame | None
    skipped: dict[str, list[str]]  # price entries that are not regular files: why


class CsvDirProvider(Provider):
    """Read a folder in the sample-data layout.

    Args:
        root: the folder.
        strict: raise on the first bad file (an all-or-nothing import); when False,
            bad files go to :attr:`ProviderBatch.failures` and the rest is returned.
        default_basis: basis of files the manifest and their own ``basis`` column do
            not cover (default ``raw``, with a warning when no dividends come with it).
        anomalies: ``warn`` (default) keeps real vendor anomalies (a close outside
            [low, high], a close-only series, a repeated row) as warnings with the
            series; ``refuse`` makes the first one an error naming its file and row.
    """

    name = "csvdir"

    def __init__(
        self,
        root: str | Path,
        *,
        strict: bool = True,
        default_basis: str | None = None,
        anomalies: str = "warn",
    ) -> None:
        self.root = Path(root).expanduser()
        self.strict = strict
        if anomalies not in ("warn", "refuse"):
            raise DataError(
                f"unknown anomaly policy '{anomalies}'", field="anomalies", hint="warn or refuse"
            )
        self.anomalies = anomalies
        if default_basis is not None and default_basis not in BASES:
            raise DataError(
                f"unknown basis '{default_basis}'",
                field="--basis",
                hint="use raw, auto_adjusted or index",
            )
        self.default_basis = default_basis
        if not self.root.is_dir():
            raise DataError(
                "folder not found",
                file=self.root,
                hint="pass a folder holding prices/ or <TICKER>.csv files",
            )

    # -- step 1 ------------------------------------------------------------
    def transform_query(self, query: PriceQuery) -> _Files:
        price_dir = self.root / "prices" if (self.root / "prices").is_dir() else self.root
        try:
            entries = sorted(price_dir.iterdir())
        except OSError as exc:
            raise DataError(
                f"cannot list the folder ({exc.strerror})",
                file=price_dir,
                hint="check its permissions (it must be readable and searchable)",
            ) from exc
        hive = price_dir if any(p.name.startswith("ticker=") for p in entries) else None
        prices: dict[str, Path] = {}
        skipped: dict[str, list[str]] = {}
        for path in entries:
            if path.suffix.lower() not in (".csv", ".parquet"):
                continue
            problem = file_problem(path)
            if problem is None:
                prices[path.stem.upper().lstrip("^")] = path
            else:
                skipped[str(path)] = [f"{path}: {problem}; skipped"]
        if query.tickers is not None:
            wanted = [t.upper() for t in query.tickers]
            missing = [t for t in wanted if t not in prices]
            if missing and hive is None:
                raise UnknownTickerError(
                    f"no file for {', '.join(missing)}",
                    file=price_dir,
                    hint="files must be named <TICKER>.csv; see 'ls' of the folder",
                )
            prices = {t: prices[t] for t in wanted if t in prices}
        dividends = self._named_files(self.root / "dividends")
        fx = self._named_files(self.root / "fx")
        if hive is not None:  # an aithesis export: dividends/ and fx/ are Parquet too
            dividends.update(self._hive_files(self.root / "dividends", "ticker"))
            fx.update(self._hive_files(self.root / "fx", "pair"))
        if query.fx_pairs is not None:
            fx = {p: fx[p] for p in (x.upper() for x in query.fx_pairs) if p in fx}
        manifest_path = self.root / "prices_manifest.csv"
        manifest = None
        if manifest_path.is_file():
            manifest = read_text_table(manifest_path)
            for column in ("ticker", "close_basis"):
                if column not in manifest:
                    raise DataError(
                        f"manifest lacks column '{column}'", file=manifest_path, row=1, field=column
                    )
            bad = ~manifest["close_basis"].isin(BASES)
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError(
                    f"unknown basis '{manifest['close_basis'].iloc[i]}'",
                    file=manifest_path,
                    row=int(manifest["_line"].iloc[i]),
                    field="close_basis",
                    hint="use raw, auto_adjusted or index",
                )
            keys = manifest["ticker"].str.strip().str.upper().str.lstrip("^")
            dup = keys.duplicated().to_numpy()
            if dup.any():
                i = int(dup.nonzero()[0][0])
                raise DataError(
                    f"ticker {keys.iloc[i]} is listed twice",
                    file=manifest_path,
                    row=int(manifest["_line"].iloc[i]),
                    field="ticker",
                    hint="keep one row per ticker",
                )
            manifest = manifest.set_index(keys)
        if not prices and hive is None and not fx:
            raise DataError(
                "no price or FX files found",
                file=self.root,
                hint="expected prices/<TICKER>.csv, <TICKER>.csv or fx/<PAIR>.csv",
            )
        return _Files(prices, hive, dividends, fx, manifest, skipped)

    @staticmethod
    def _hive_files(folder: Path, key: str) -> dict[str, Path]:
        if not folder.is_dir():
            return {}
        require_listable(folder)
        # partition values are URL-encoded on disk (``ticker=A%20B``), as pyarrow writes them
        return {
            unquote(p.name.split("=", 1)[1]).upper(): p
            for p in sorted(folder.glob(f"{key}=*"))
            if p.is_dir()
        }

    @staticmethod
    def _named_files(folder: Path) -> dict[str, Path]:
        """``<NAME>.csv`` entries of ``folder`` (each checked to be a file when read)."""
        if not folder.is_dir():
            return {}
        require_listable(folder)
        return {p.stem.upper(): p for p in sorted(folder.glob("*.csv"))}

    # -- step 2 ------------------------------------------------------------
    def extract(self, params: _Files) -> _Files:
        """Files are read lazily in :meth:`transform_data` (one at a time, small memory)."""
        return params

    # -- step 3 ------------------------------------------------------------
    def transform_data(self, raw: _Files, query: PriceQuery) -> ProviderBatch:
        batch = ProviderBatch()
        batch.warnings.update(raw.skipped)
        price_parts: list[pd.DataFrame] = []
        for ticker, path in raw.prices.items():
            part = self._guard(batch, ticker, lambda t=ticker, p=path: self._price_file(t, p, raw))
            if part is not None:
                frame, warnings = part
                price_parts.append(self._window(frame, query))
                batch.warnings[ticker] = warnings  # empty too: clears stale warnings
        if raw.hive is not None:
            price_parts.append(self._window(self._hive(raw.hive, query), query))
        if price_parts:
            batch.prices = pd.concat(price_parts, ignore_index=True)
        by_ticker = (
            {str(t): rows for t, rows in batch.prices.groupby("ticker", sort=False)}
            if len(batch.prices)
            else {}
        )
        div_parts = []
        for ticker, path in raw.dividends.items():
            if ticker in by_ticker:
                part = self._guard(
                    batch,
                    f"dividends/{ticker}",
                    lambda t=ticker, p=path: self._checked_dividends(
                        t, p, by_ticker[t], batch.warnings.setdefault(t, [])
                    ),
                )
                if part is not None:
                    div_parts.append(part)
                    batch.dividends_for.add(ticker)
            if f"dividends/{ticker}" in batch.failures and len(batch.prices):
                # without its dividends the ticker's total return would be wrong: drop it
                batch.prices = batch.prices.loc[batch.prices["ticker"] != ticker]
        if div_parts:
            batch.dividends = pd.concat(div_parts, ignore_index=True)
        fx_parts = []
        for pair, path in raw.fx.items():
            part = self._guard(batch, pair, lambda n=pair, p=path: self._fx_file(n, p))
            if part is not None:
                fx_parts.append(self._window(part, query))
        if fx_parts:
            batch.fx = pd.concat(fx_parts, ignore_index=True)
        return batch

    def _guard(self, batch: ProviderBatch, name: str, work: Any) -> Any:
        try:
            return work()
        except AithesisError as exc:
            if self.strict:
                raise
            batch.failures[name] = str(exc)
            return None

    @staticmethod
    def _window(frame: pd.DataFrame, query: PriceQuery) -> pd.DataFrame:
        if query.start is not None:
            frame = frame.loc[frame["date"] >= pd.Timestamp(query.start)]
        if query.end is not None:
            frame = frame.loc[frame["date"] <= pd.Timestamp(query.end)]
        return frame

    def _basis(self, ticker: str, path: Path, frame: pd.DataFrame, raw: _Files) -> str:
        if raw.manifest is not None and ticker in raw.manifest.index:
            return str(raw.manifest.at[ticker, "close_basis"])
        if "basis" in frame:
            values = frame["basis"].astype(str).str.strip().unique()
            if len(values) != 1 or values[0] not in BASES:
                raise DataError(
                    f"basis column holds {list(values)[:3]}",
                    file=path,
                    field="basis",
                    hint="one of raw, auto_adjusted, index per file",
                )
            return str(values[0])
        return self.default_basis or "raw"

    def _source(self, ticker: str, path: Path, raw: _Files) -> str:
        manifest = raw.manifest
        if manifest is not None and ticker in manifest.index and "source_repo" in manifest:
            commit = str(manifest.at[ticker, "commit"])[:12] if "commit" in manifest else ""
            repo = manifest.at[ticker, "source_repo"]
            return f"{repo}@{commit}" if commit else str(repo)
        return f"csvdir:{path.name}"

    def _price_file(self, ticker: str, path: Path, raw: _Files) -> tuple[pd.DataFrame, list[str]]:
        strict = self.anomalies == "refuse"
        tz = timezone_of(ticker)
        if path.suffix.lower() == ".parquet":
            table = self._read_parquet(path)
            table["_line"] = np.arange(len(table)) + 1
            basis = self._basis(ticker, path, table, raw)
            markers: list[str] = []
            frame, warnings = check_prices(
                typed_prices(table, path, ticker, strict=strict, warnings=markers),
                file=str(path),
                strict=strict,
                volume_expected=basis != "index",
            )
            warnings = markers + warnings
            basis_source = table
        else:
            fast = read_typed_csv(
                path, ("open", "high", "low", "close", "adj_close", "volume"), tz=tz
            )
            if fast is not None and "close" in fast and fast["close"].notna().all():
                basis = self._basis(ticker, path, fast, raw)
                frame, warnings = check_prices(
                    fast, file=str(path), strict=strict, volume_expected=basis != "index"
                )
                basis_source = fast
            else:  # slow path: parse every cell as text to report exactly what is wrong
                table = read_text_table(path)
                basis = self._basis(ticker, path, table, raw)
                frame, warnings = parse_price_table(
                    table,
                    file=str(path),
                    strict=strict,
                    volume_expected=basis != "index",
                    tz=tz,
                )
                basis_source = table
        guessed = (
            (raw.manifest is None or ticker not in raw.manifest.index)
            and "basis" not in basis_source
            and self.default_basis is None
        )
        if (
            guessed
            and ticker not in raw.dividends
            and "adj_close" not in frame.dropna(axis=1, how="all")
        ):
            warnings = [
                *warnings,
                (
                    f"{path}: no manifest, basis column or dividends file: close is taken as "
                    "'raw' and adj_close = close, so 'total return' here is price return; pass "
                    "--basis auto_adjusted if these closes already include dividends, or add "
                    "dividends/"
                ),
            ]
        check_ticker_column(basis_source, ticker, path)
        out = frame.drop(columns=["_line", "ticker"], errors="ignore")
        out.insert(0, "ticker", ticker)
        out["currency"] = currency_of(ticker)
        out["basis"] = basis
        out["source"] = self._source(ticker, path, raw)
        if basis != "raw":
            out["adj_close"] = np.nan  # the store sets adj_close = close for these
        return out.loc[:, list(PRICE_COLUMNS)], warnings

    @staticmethod
    def _read_parquet(path: Path) -> pd.DataFrame:
        require_file(path)
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several unrelated types
            raise DataError(
                f"cannot read Parquet ({type(exc).__name__}: {exc})", file=path
            ) from exc

    def _hive(self, folder: Path, query: PriceQuery) -> pd.DataFrame:
        table = read_parquet_folder(folder, partition="ticker")
        if query.tickers is not None:
            wanted = {t.upper() for t in query.tickers}
            table = table.loc[table["ticker"].isin(wanted)]
        parts = []
        for ticker, rows in table.groupby("ticker"):
            rows = rows.reset_index(drop=True)
            rows["_line"] = np.arange(len(rows)) + 1
            frame, _ = check_prices(
                typed_prices(rows, folder / f"ticker={ticker}", str(ticker)),
                file=str(folder / f"ticker={ticker}"),
            )
            frame = frame.drop(columns="_line")
            frame.insert(0, "ticker", ticker)
            for column in ("currency", "basis", "source"):
                frame[column] = rows[column].iloc[0] if column in rows else None
            parts.append(frame.loc[:, list(PRICE_COLUMNS)])
        return pd.concat(parts, ignore_index=True) if parts else table.iloc[0:0]

    @staticmethod
    def _table(path: Path) -> pd.DataFrame:
        """A CSV as text, or a hive partition folder of Parquet files rendered as text."""
        if not (path.is_dir() and "=" in path.name):  # a hive partition of an export
            return read_text_table(path)
        frame = read_parquet_folder(path)
        frame = frame.drop(
            columns=[c for c in ("ticker", "pair", "currency", "source") if c in frame]
        )
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        frame = frame.astype(str)
        frame["_line"] = np.arange(len(frame)) + 1
        return frame

    def _checked_dividends(
        self, ticker: str, path: Path, prices: pd.DataFrame, warnings: list[str]
    ) -> pd.DataFrame:
        """The ticker's dividends, each checked against the close before it goes ex.

        A dividend not below the previous close cannot be a cash dividend on these
        prices (it would make the adjustment factor <= 0; real vendor files hold such
        rows, e.g. amounts not adjusted for a later reverse split): it is left out with a
        warning appended to ``warnings``, or refused when anomalies are refused.
        """
        frame = self._dividend_file(ticker, path)
        own = prices.loc[prices["ticker"] == ticker].sort_values("date")
        dates = own["date"].to_numpy().astype("datetime64[D]")
        close = own["close"].to_numpy(dtype=float)
        pos = np.searchsorted(dates, frame["ex_date"].to_numpy().astype("datetime64[D]"))
        inside = (pos > 0) & (pos < dates.size)
        prev = np.full(len(frame), np.inf)
        prev[inside] = close[pos[inside] - 1]
        bad = frame["amount"].to_numpy(dtype=float) >= prev
        for i in np.flatnonzero(bad):
            what = (
                f"dividend {frame['amount'].iloc[i]:g} on {frame['ex_date'].iloc[i]:%Y-%m-%d} is "
                f"not below the previous close {prev[i]:g}"
            )
            if self.anomalies == "refuse":
                raise DataError(
                    what,
                    file=path,
                    row=int(frame["_line"].iloc[i]),
                    field="dividend",
                    hint="check the dividend's units and split adjustment",
                )
            warnings.append(f"{path}:{int(frame['_line'].iloc[i])}: {what}; not applied")
        frame = frame.loc[~bad].reset_index(drop=True)
        dividend_factors(
            dates, close, frame["ex_date"].to_numpy(), frame["amount"].to_numpy(), ticker=str(path)
        )  # same-day sums
        return frame

    @classmethod
    def _dividend_file(cls, ticker: str, path: Path) -> pd.DataFrame:
        tz = timezone_of(ticker)
        fast = None if path.is_dir() else read_typed_csv(path, ("dividend",), tz=tz)
        if (
            fast is not None
            and "dividend" in fast
            and fast["dividend"].notna().all()
            and (fast["dividend"] >= 0).all()
            and not fast["date"].duplicated().any()
        ):
            frame = (
                fast.loc[fast["dividend"] > 0, ["date", "dividend", "_line"]]
                .rename(columns={"date": "ex_date", "dividend": "amount"})
                .sort_values("ex_date")
            )
        else:  # slow path: exact errors
            frame = parse_dividend_table(cls._table(path), file=str(path), tz=tz)
        frame.insert(0, "ticker", ticker)
        frame["currency"] = currency_of(ticker)
        frame["source"] = f"csvdir:{path.parent.name}/{path.name}"
        return frame

    @classmethod
    def _fx_file(cls, pair: str, path: Path) -> pd.DataFrame:
        if not _PAIR.match(pair):
            raise DataError(
                f"FX file name '{path.name}' is not a currency pair",
                file=path,
                hint="name FX files <BASE><QUOTE>.csv, e.g. USDHKD.csv",
            )
        frame = parse_fx_table(cls._table(path), file=str(path))
        frame.insert(0, "pair", pair)
        frame["source"] = f"csvdir:fx/{path.name}"
        return frame
