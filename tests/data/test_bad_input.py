"""Bad input: each case raises the exact error class, names the place, and leaves the
store exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from aithesis.data.api import import_dir
from aithesis.data.store import Store
from aithesis.errors import (
    AithesisError,
    DataError,
    StoreError,
    StoreLockedError,
    UnknownTickerError,
)

HEADER = "date,open,high,low,close,adj_close,volume\n"
ROW2 = "2024-01-02,10,11,9.5,10.5,,1000\n"
ROW3 = "2024-01-03,10.5,11.5,10,11,,1200\n"
GOOD_PRICES = HEADER + ROW2 + ROW3

# (case id, files, expected class, fragments the message must contain)
CASES = [
    (
        "missing column",
        {"prices/BAD.csv": "date,open,high,low,volume\n2024-01-02,1,2,1,5\n"},
        DataError,
        ["BAD.csv:1", "'close'", "missing required column"],
    ),
    (
        "bad date",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-13-01,10,11,9,10,,5\n"},
        DataError,
        ["BAD.csv:3", "'date'", "2024-13-01"],
    ),
    (
        "empty date",
        {"prices/BAD.csv": HEADER + ROW2 + ",10,11,9,10,,5\n"},
        DataError,
        ["BAD.csv:3", "'date'", "empty"],
    ),
    (
        "duplicate date",
        {"prices/BAD.csv": HEADER + ROW2 + ROW3 + ROW2.replace("10.5,,", "10.6,,")},
        DataError,
        ["BAD.csv:4", "duplicate date 2024-01-02", "line 2"],
    ),
    (
        "negative price",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,11,9,-3.2,,5\n"},
        DataError,
        ["BAD.csv:3", "'close'", "-3.2", "> 0"],
    ),
    (
        "text in number column",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,11,9,10,,lots\n"},
        DataError,
        ["BAD.csv:3", "'volume'", "'lots' is not a number"],
    ),
    (
        "text in price column",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,11,9,1O.5,,5\n"},
        DataError,
        ["BAD.csv:3", "'close'", "'1O.5'"],
    ),
    (
        "negative volume",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,11,9,10,,-1\n"},
        DataError,
        ["BAD.csv:3", "'volume'", "negative"],
    ),
    (
        "empty close (NaN)",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,11,9,,,5\n"},
        DataError,
        ["BAD.csv:3", "'close'", "empty"],
    ),
    (
        "NaN text close",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,11,9,NaN,,5\n"},
        DataError,
        ["BAD.csv:3", "'close'"],
    ),
    (
        "infinite price",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,inf,9,10,,5\n"},
        DataError,
        ["BAD.csv:3", "'high'", "infinite"],
    ),
    ("empty file", {"prices/BAD.csv": ""}, DataError, ["BAD.csv", "file is empty"]),
    ("header only", {"prices/BAD.csv": HEADER}, DataError, ["BAD.csv:2", "no data rows"]),
    (
        "ragged row",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,11,9,10,,5,7,8\n"},
        DataError,
        ["BAD.csv:3", "malformed CSV"],
    ),
    (
        "not utf-8",
        {"prices/BAD.csv": HEADER.encode() + "2024-01-02,10,11,9,10,,5 \xe9\n".encode("latin-1")},
        DataError,
        ["BAD.csv", "not UTF-8"],
    ),
    (
        "negative dividend",
        {
            "prices/BAD.csv": HEADER + ROW2 + ROW3,
            "dividends/BAD.csv": "date,dividend\n2024-01-03,-0.2\n",
        },
        DataError,
        ["dividends/BAD.csv:2", "'dividend'", "negative"],
    ),
    (
        "zero fx rate",
        {"fx/USDCNY.csv": "date,rate\n2024-01-02,7.1\n2024-01-03,0\n"},
        DataError,
        ["USDCNY.csv:3", "'rate'", "> 0"],
    ),
    (
        "fx file not a pair",
        {"fx/HKD.csv": "date,rate\n2024-01-02,7.8\n"},
        DataError,
        ["HKD.csv", "not a currency pair"],
    ),
    (
        "unknown basis in manifest",
        {
            "prices/BAD.csv": HEADER + ROW2,
            "prices_manifest.csv": "ticker,close_basis\nBAD,adjusted\n",
        },
        DataError,
        ["prices_manifest.csv:2", "'close_basis'", "adjusted"],
    ),
    ("no data files", {"README.txt": "nothing here"}, DataError, ["no price or FX files"]),
]


# Real vendor files hold these (SOURCES.md of the sample data): kept as warnings with
# the series by default, refused (file:row named) with anomalies='refuse' (--strict).
ANOMALIES = [
    (
        "zero price",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,0,11,9,10,,5\n"},
        DataError,
        ["BAD.csv:3", "'open'", "> 0"],
    ),
    (
        "high below low",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,9,11,10,,5\n"},
        DataError,
        ["BAD.csv:3", "'high'", "below low"],
    ),
    (
        "high below close",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,10,10.5,9,11,,5\n"},
        DataError,
        ["BAD.csv:3", "'high'", "below open or close"],
    ),
    (
        "low above open",
        {"prices/BAD.csv": HEADER + ROW2 + "2024-01-03,9,11,9.5,10,,5\n"},
        DataError,
        ["BAD.csv:3", "'low'", "above open or close"],
    ),
    (
        "dividend above close",
        {
            "prices/BAD.csv": HEADER + ROW2 + ROW3,
            "dividends/BAD.csv": "date,dividend\n2024-01-03,20\n",
        },
        DataError,
        ["BAD", "'dividend'", "not below the previous close"],
    ),
    (
        "repeated identical row",
        {"prices/BAD.csv": HEADER + ROW2 + ROW3 + ROW2},
        DataError,
        ["BAD.csv:4", "duplicate date 2024-01-02", "line 2"],
    ),
    (
        "close-only series",
        {"prices/BAD.csv": HEADER + "2024-01-02,,,,10.5,,\n2024-01-03,,,,11,,\n"},
        DataError,
        ["BAD.csv:2", "'open'", "empty"],
    ),
]


@pytest.mark.parametrize(
    ("files", "error", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_folder_is_rejected_and_store_unchanged(
    loaded_store: Store, make_dir, take_snapshot, files, error, fragments
) -> None:
    snapshot = take_snapshot
    before = snapshot(loaded_store)
    # one good file beside the bad one: an all-or-nothing import must not keep it
    if any(name.startswith(("prices/", "fx/")) for name in files):
        files = {"prices/OTHER.csv": GOOD_PRICES, **files}
    folder = make_dir(files)
    with pytest.raises(error) as info:
        import_dir(loaded_store, folder)
    assert type(info.value) is error
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message
    assert snapshot(loaded_store) == before


@pytest.mark.parametrize(
    ("files", "error", "fragments"), [c[1:] for c in ANOMALIES], ids=[c[0] for c in ANOMALIES]
)
def test_vendor_anomaly_is_refused_when_strict_and_store_unchanged(
    loaded_store: Store, make_dir, take_snapshot, files, error, fragments
) -> None:
    before = take_snapshot(loaded_store)
    folder = make_dir({"prices/OTHER.csv": GOOD_PRICES, **files})
    with pytest.raises(error) as info:
        import_dir(loaded_store, folder, anomalies="refuse")
    assert type(info.value) is error
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message
    assert take_snapshot(loaded_store) == before


@pytest.mark.parametrize(
    ("files", "what"),
    [
        (ANOMALIES[0][1], ["BAD.csv:3", "open <= 0 (kept as missing) on 1 row (2024-01-03)"]),
        (ANOMALIES[1][1], ["BAD.csv:3", "high is below low on 1 row (2024-01-03)"]),
        (ANOMALIES[2][1], ["BAD.csv:3", "high is below open or close on 1 row (2024-01-03)"]),
        (ANOMALIES[3][1], ["BAD.csv:3", "low is above open or close on 1 row (2024-01-03)"]),
        (ANOMALIES[4][1], ["dividends/BAD.csv:2", "dividend 20 on 2024-01-03", "not applied"]),
        (ANOMALIES[5][1], ["BAD.csv:4", "the same row repeated on 1 row (2024-01-02)"]),
        (ANOMALIES[6][1], ["BAD.csv:2", "open is empty on 2 rows", "volume is empty on 2 rows"]),
    ],
    ids=[c[0] for c in ANOMALIES],
)
def test_vendor_anomaly_is_a_warning_kept_with_the_series(
    tmp_path: Path, make_dir, files, what
) -> None:
    store = Store(tmp_path / "s.duckdb")
    report = import_dir(store, make_dir(files))
    assert report.tickers == ["BAD"]
    joined = " | ".join(report.warnings["BAD"])
    for fragment in what:
        assert fragment in joined, joined
    stored = store.series_info().set_index("name").at["BAD", "warnings"]
    assert list(stored) == report.warnings["BAD"]
    prices = store.prices(["BAD"])
    assert len(prices) == 2  # a repeated row is kept once; nothing else is dropped
    if "dividend 20" in what[1]:
        assert store.dividends(["BAD"]).empty  # the impossible dividend is not applied
        assert prices["adj_close"].tolist() == prices["close"].tolist()


def test_unknown_ticker_in_import_is_named(loaded_store: Store, make_dir, take_snapshot) -> None:
    snapshot = take_snapshot
    before = snapshot(loaded_store)
    folder = make_dir({"prices/AAA.csv": GOOD_PRICES})
    with pytest.raises(UnknownTickerError, match="no file for ZZZ"):
        import_dir(loaded_store, folder, tickers=["AAA", "ZZZ"])
    assert snapshot(loaded_store) == before


def test_unknown_ticker_in_matrix_suggests_a_close_match(loaded_store: Store) -> None:
    with pytest.raises(UnknownTickerError) as info:
        loaded_store.price_matrix(["GOOD", "GODO"])
    assert "GODO" in str(info.value) and "did you mean GOOD" in str(info.value)


def test_mixing_bases_for_one_ticker_is_refused(
    loaded_store: Store, make_dir, take_snapshot
) -> None:
    snapshot = take_snapshot
    before = snapshot(loaded_store)
    folder = make_dir(
        {
            "prices/GOOD.csv": GOOD_PRICES,
            "prices_manifest.csv": "ticker,close_basis\nGOOD,auto_adjusted\n",
        }
    )
    with pytest.raises(DataError) as info:
        import_dir(loaded_store, folder)
    assert "GOOD" in str(info.value) and "'basis'" in str(info.value)
    assert snapshot(loaded_store) == before


def test_store_path_under_a_file_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError) as info:
        Store(blocker / "store.duckdb")
    assert "not-a-folder" in str(info.value) and "cannot create" in str(info.value)


def test_store_path_that_is_a_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_file_that_is_not_duckdb_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    body = b"date,close\n2024-01-02,10\n" * 10
    path.write_bytes(body)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "not a DuckDB store" in str(info.value) and "notes.duckdb" in str(info.value)
    assert path.read_bytes() == body


def test_short_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tiny.duckdb"
    path.write_bytes(b"hello")
    with pytest.raises(StoreError):
        Store(path).tickers()
    assert path.read_bytes() == b"hello"


def test_unreadable_store_file_is_a_store_error(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "store.duckdb"
    Store(path)
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(StoreError, match="Permission denied"):
        Store(path)


def test_second_writer_fails_clearly_when_lock_is_held(loaded_store: Store, take_snapshot) -> None:
    from filelock import FileLock

    snapshot = take_snapshot
    before = snapshot(loaded_store)
    other = Store(loaded_store.path, lock_timeout=0.3)
    with FileLock(str(loaded_store.path) + ".lock"), pytest.raises(StoreLockedError) as info:
        other.delete_ticker("GOOD")
    assert "store.duckdb" in str(info.value) and "another process" in str(info.value)
    assert snapshot(loaded_store) == before


def test_read_only_store_refuses_writes(loaded_store: Store, take_snapshot) -> None:
    snapshot = take_snapshot
    before = snapshot(loaded_store)
    with pytest.raises(StoreError, match="read-only"):
        Store(loaded_store.path, read_only=True).delete_ticker("GOOD")
    assert snapshot(loaded_store) == before


def test_every_error_is_an_aithesis_error() -> None:
    for cls in (DataError, StoreError, StoreLockedError, UnknownTickerError):
        assert issubclass(cls, AithesisError)
