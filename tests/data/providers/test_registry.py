"""One registry and one protocol for prices and fundamentals."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from aithesis.data import providers
from aithesis.data.providers import FundamentalsQuery, Provider, get_provider, provider_names
from aithesis.data.providers.akshare_provider import AkshareProvider
from aithesis.data.providers.sec import SecClient, SecProvider
from aithesis.errors import ProviderError


def test_names_per_kind() -> None:
    assert provider_names() == ["akshare", "csvdir", "yahoo"]  # prices, as before
    assert provider_names("fundamentals") == ["akshare", "sec"]
    assert isinstance(get_provider("sec", kind="fundamentals"), SecProvider)
    assert isinstance(get_provider("akshare", kind="fundamentals"), AkshareProvider)


def test_asking_a_source_for_a_kind_it_lacks_is_a_clear_error() -> None:
    with pytest.raises(ProviderError, match="unknown provider 'sec'; choose one of akshare, csv"):
        get_provider("sec")
    with pytest.raises(ProviderError, match="unknown fundamentals provider 'csvdir'"):
        get_provider("csvdir", kind="fundamentals")
    with pytest.raises(ProviderError, match="gives no prices"):
        SecProvider().fetch()


def test_every_registered_source_is_a_provider_giving_its_kinds(tmp_path: Path) -> None:
    for name, entry in providers.REGISTRY.items():
        source = entry.factory(root=tmp_path) if name == "csvdir" else entry.factory()
        assert isinstance(source, Provider) and source.name == name
        assert tuple(source.kinds) == entry.kinds


def test_sec_steps_and_shares_outstanding_through_the_client(tmp_path: Path) -> None:
    body = {
        "cik": 320193,
        "entityName": "Apple Inc.",
        "facts": {
            "us-gaap": {  # one annual figure: the year ends in September
                "PaymentsToAcquirePropertyPlantAndEquipment": {
                    "units": {
                        "USD": [
                            {
                                "start": "2023-10-01",
                                "end": "2024-09-28",
                                "val": 9_447_000_000,
                                "accn": "a",
                                "form": "10-K",
                                "filed": "2024-11-01",
                            }
                        ]
                    }
                }
            },
            "dei": {
                "EntityCommonStockSharesOutstanding": {
                    "units": {
                        "shares": [
                            {
                                "end": "2024-10-18",
                                "val": 15_115_823_000,
                                "accn": "a",
                                "fy": 2024,
                                "fp": "FY",
                                "form": "10-K",
                                "filed": "2024-11-01",
                            },
                            {
                                "end": "2025-01-17",
                                "val": 15_037_874_000,
                                "accn": "b",
                                "fy": 2025,
                                "fp": "Q1",
                                "form": "10-Q",
                                "filed": "2025-01-31",
                            },
                        ]
                    }
                }
            },
        },
    }
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return httpx.Response(200, content=json.dumps(body).encode())

    client = SecClient(
        "T t@example.com",
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        cache_dir=tmp_path,
    )
    provider = SecProvider(client)
    shares = provider.shares_outstanding("AAPL")
    assert shares["shares"].tolist() == [15_115_823_000.0, 15_037_874_000.0]
    assert [d.isoformat() for d in shares["date"]] == ["2024-10-18", "2025-01-17"]
    batch = provider.fetch_fundamentals(FundamentalsQuery("AAPL", ("shares_outstanding",)))
    assert batch.facts["entity"].unique().tolist() == ["apple"]
    assert sorted(batch.facts["fiscal_period"]) == ["FY2024", "FY2025Q1"]
    assert len(requests) == 1  # the second call was served from the cache
