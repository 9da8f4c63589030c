"""Data providers, one module per source, all speaking :mod:`.base`'s protocol.

One registry for every source and kind of data: :data:`REGISTRY` maps a name to a
:class:`ProviderEntry` (a factory and the kinds it gives, ``prices`` and/or
``fundamentals``). :func:`get_provider` builds one by name, checking the kind asked for.
Adding a source is one module plus one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aithesis.data.providers.base import (
    FundamentalsBatch,
    FundamentalsQuery,
    PriceQuery,
    Provider,
    ProviderBatch,
)
from aithesis.errors import ProviderError

__all__ = [
    "REGISTRY",
    "FundamentalsBatch",
    "FundamentalsQuery",
    "PriceQuery",
    "Provider",
    "ProviderBatch",
    "ProviderEntry",
    "get_provider",
    "provider_names",
]

KINDS = ("prices", "fundamentals")


@dataclass(frozen=True)
class ProviderEntry:
    """A registered source: how to build it and which kinds of data it gives."""

    factory: Callable[..., Provider]
    kinds: tuple[str, ...]


def _csvdir(**kwargs: Any) -> Provider:
    from aithesis.data.providers.csvdir import CsvDirProvider

    return CsvDirProvider(**kwargs)


def _yahoo(**kwargs: Any) -> Provider:
    from aithesis.data.providers.yahoo import YahooProvider

    return YahooProvider(**kwargs)


def _akshare(**kwargs: Any) -> Provider:
    from aithesis.data.providers.akshare_provider import AkshareProvider

    return AkshareProvider(**kwargs)


def _sec(**kwargs: Any) -> Provider:
    from aithesis.data.providers.sec import SecProvider

    return SecProvider(**kwargs)


REGISTRY: dict[str, ProviderEntry] = {
    "akshare": ProviderEntry(_akshare, ("prices", "fundamentals")),
    "csvdir": ProviderEntry(_csvdir, ("prices",)),
    "sec": ProviderEntry(_sec, ("fundamentals",)),
    "yahoo": ProviderEntry(_yahoo, ("prices",)),
}


def provider_names(kind: str = "prices") -> list[str]:
    """Names accepted by :func:`get_provider` for ``kind`` (``prices``/``fundamentals``)."""
    return sorted(name for name, entry in REGISTRY.items() if kind in entry.kinds)


def get_provider(name: str, *, kind: str = "prices", **kwargs: Any) -> Provider:
    """Build a provider by name for ``kind`` of data (prices: ``csvdir``, ``yahoo``,
    ``akshare``; fundamentals: ``sec``, ``akshare``).

    Raises:
        ProviderError: the name is unknown, or the source does not give ``kind``.
    """
    if kind not in KINDS:
        raise ProviderError(f"unknown kind of data {kind!r}", field="kind")
    entry = REGISTRY.get(name)
    if entry is None or kind not in entry.kinds:
        what = "provider" if kind == "prices" else f"{kind} provider"
        raise ProviderError(
            f"unknown {what} '{name}'",
            field="provider",
            hint="choose one of " + ", ".join(provider_names(kind)),
        )
    return entry.factory(**kwargs)
