"""Data providers, one module per source, all speaking :mod:`.base`'s protocol."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aithesis.data.providers.base import PriceQuery, Provider, ProviderBatch
from aithesis.errors import ProviderError

__all__ = ["PriceQuery", "Provider", "ProviderBatch", "get_provider", "provider_names"]


def _csvdir(**kwargs: Any) -> Provider:
    from aithesis.data.providers.csvdir import CsvDirProvider

    return CsvDirProvider(**kwargs)


def _yahoo(**kwargs: Any) -> Provider:
    from aithesis.data.providers.yahoo import YahooProvider

    return YahooProvider(**kwargs)


def _akshare(**kwargs: Any) -> Provider:
    from aithesis.data.providers.akshare_provider import AkshareProvider

    return AkshareProvider(**kwargs)


_REGISTRY: dict[str, Callable[..., Provider]] = {
    "akshare": _akshare,
    "csvdir": _csvdir,
    "yahoo": _yahoo,
}


def provider_names() -> list[str]:
    """Names accepted by :func:`get_provider`."""
    return sorted(_REGISTRY)


def get_provider(name: str, **kwargs: Any) -> Provider:
    """Build a price provider by name (``csvdir``, ``yahoo``, ``akshare``).

    Raises:
        ProviderError: the name is unknown.
    """
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ProviderError(
            f"unknown provider '{name}'",
            field="provider",
            hint="choose one of " + ", ".join(provider_names()),
        ) from None
    return factory(**kwargs)
