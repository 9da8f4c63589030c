"""Fuzz: any JSON value placed anywhere in a companyfacts payload gives rows or one
ProviderError line, never another exception (which the CLI would report as exit 2)."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aithesis.data.providers.sec import companyfacts_to_frame
from aithesis.errors import ProviderError

PPE = "PaymentsToAcquirePropertyPlantAndEquipment"


def _item(start, end, val, filed, form):
    return {
        "start": start,
        "end": end,
        "val": val,
        "accn": filed,
        "fy": 2024,
        "fp": "FY",
        "form": form,
        "filed": filed,
    }


BASE = {
    "cik": 1,
    "entityName": "X",
    "facts": {
        "dei": {
            "EntityCommonStockSharesOutstanding": {
                "units": {
                    "shares": [
                        {
                            "end": "2024-10-18",
                            "val": 10,
                            "accn": "a",
                            "fy": 2024,
                            "fp": "FY",
                            "form": "10-K",
                            "filed": "2024-11-01",
                        }
                    ]
                }
            }
        },
        "us-gaap": {
            PPE: {
                "units": {
                    "USD": [
                        _item("2023-10-01", "2023-12-30", 2.0e9, "2024-02-02", "10-Q"),
                        _item("2023-10-01", "2024-03-30", 4.0e9, "2024-05-03", "10-Q"),
                        _item("2023-10-01", "2024-09-28", 9.0e9, "2024-11-01", "10-K"),
                    ]
                }
            }
        },
    },
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["2024-02-30", "9999-12-31", "0001-01-01", "2024-1-1", "", "FY", "Q9"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)

PATHS = [
    ("facts",),
    ("facts", "us-gaap"),
    ("facts", "dei"),
    ("facts", "us-gaap", PPE),
    ("facts", "us-gaap", PPE, "units"),
    ("facts", "us-gaap", PPE, "units", "USD"),
    ("facts", "dei", "EntityCommonStockSharesOutstanding", "units", "shares"),
    *[
        ("facts", "us-gaap", PPE, "units", "USD", i, k)
        for i in range(3)
        for k in ("start", "end", "val", "filed", "form", "fy", "fp", "accn")
    ],
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_value_anywhere_gives_rows_or_one_provider_error(path: tuple, value: object) -> None:
    body = copy.deepcopy(BASE)
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    try:
        body = json.loads(json.dumps(body))  # as it would arrive over HTTP
    except ValueError:
        return  # not representable as JSON (NaN is, in Python's dialect)
    try:
        frame = companyfacts_to_frame(body, ticker="X")
    except ProviderError as exc:
        assert "\n" not in str(exc)
        return
    assert frame["value"].map(lambda v: abs(v) < 1e18).all()
