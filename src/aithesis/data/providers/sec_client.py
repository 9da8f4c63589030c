"""Polite HTTP access to SEC EDGAR: User-Agent, rate limit, retries, disk cache.

The SEC requires a User-Agent that names the user (``"Jane Doe jane@example.com"``): pass
``user_agent=`` or set ``AITHESIS_SEC_USER_AGENT``. Requests are rate-limited (<= 10 a
second, the SEC's fair access limit), retried with exponential backoff on HTTP 429/5xx,
timeouts and transport errors, and cached on disk under ``$AITHESIS_HOME/cache/sec``.
This module knows nothing about XBRL (see :mod:`.sec_xbrl`); JSON bodies are parsed with
:func:`~aithesis.data.providers.sec_facts.parse_json`, which turns hostile bodies (too
deep, not JSON) into a :class:`~aithesis.errors.ProviderError` naming the URL.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from aithesis.config import aithesis_home
from aithesis.data.providers.sec_facts import parse_json
from aithesis.errors import AithesisError, ProviderError

__all__ = ["COMPANYFACTS_URL", "ENV_USER_AGENT", "TICKERS_URL", "SecClient", "require_user_agent"]

COMPANYFACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
TICKERS_URL = "https://www.sec.gov/files/company_tickers.json"
ENV_USER_AGENT = "AITHESIS_SEC_USER_AGENT"
_RETRY_STATUS = {429, 500, 502, 503, 504}


def require_user_agent(user_agent: str | None = None) -> str:
    """The SEC User-Agent (``user_agent`` or ``$AITHESIS_SEC_USER_AGENT``), checked.

    Raises:
        ProviderError: none is set, or it has no contact e-mail.
    """
    agent = (user_agent or os.environ.get(ENV_USER_AGENT, "")).strip()
    if not agent:
        raise ProviderError(
            "the SEC requires a User-Agent naming you",
            field="user_agent",
            hint=f'set {ENV_USER_AGENT}="Your Name you@example.com"',
        )
    if "@" not in agent:
        raise ProviderError(
            f"User-Agent {agent!r} has no contact e-mail",
            field="user_agent",
            hint=f'set {ENV_USER_AGENT}="Your Name you@example.com"',
        )
    return agent


class SecClient:
    """Polite HTTP access to the SEC: User-Agent, rate limit, retries, disk cache.

    Args:
        user_agent: "Name email" of the user; default ``$AITHESIS_SEC_USER_AGENT``.
        client: an ``httpx.Client`` (inject one with ``httpx.MockTransport`` in tests).
        cache_dir: default ``$AITHESIS_HOME/cache/sec``.
        max_age: cached responses younger than this are reused (default one day).
        max_per_second: request rate ceiling (SEC allows 10).
        retries: further attempts after a retryable failure.
        backoff: first wait in seconds; doubles each retry (``Retry-After`` wins).
        sleep, clock: injectable for tests.

    Raises:
        ProviderError: no User-Agent configured.
    """

    def __init__(
        self,
        user_agent: str | None = None,
        *,
        client: httpx.Client | None = None,
        cache_dir: str | Path | None = None,
        max_age: dt.timedelta = dt.timedelta(days=1),
        max_per_second: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        agent = require_user_agent(user_agent)
        self.user_agent = agent
        # a dead network fails fast: connecting gets at most 5 s, and after a request
        # found no network at all the next ones give up at once (see get_json)
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout, connect=5.0))
        self._offline: str | None = None
        self._headers = {"User-Agent": agent, "Accept-Encoding": "gzip, deflate"}
        self.cache_dir = Path(cache_dir) if cache_dir else aithesis_home() / "cache" / "sec"
        self.max_age = max_age
        self.min_interval = 1.0 / max_per_second
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._last: float | None = None
        self.requests_made = 0

    def _throttle(self) -> None:
        now = self._clock()
        if self._last is not None:
            wait = self.min_interval - (now - self._last)
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()

    def _cached(self, name: str) -> Any | None:
        path = self.cache_dir / name
        if not path.is_file():
            return None
        age = dt.datetime.now().timestamp() - path.stat().st_mtime
        if age > self.max_age.total_seconds():
            return None
        try:
            return parse_json(path.read_bytes(), where=str(path))
        except (OSError, AithesisError):
            return None  # a damaged cache entry is fetched again

    def _store(self, name: str, body: bytes) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_dir / f".{name}.tmp"
        tmp.write_bytes(body)
        os.replace(tmp, self.cache_dir / name)

    def forget(self, name: str) -> None:
        """Drop a cached response (e.g. a payload that failed validation)."""
        (self.cache_dir / name).unlink(missing_ok=True)

    def get_json(self, url: str, cache_name: str, *, what: str, refresh: bool = False) -> Any:
        """GET ``url`` as JSON, from the cache when fresh.

        Raises:
            ProviderError: HTTP 404 (no retry), other 4xx, or a retryable failure that
                persisted through every retry; names ``what`` and the URL.
        """
        if not refresh:
            hit = self._cached(cache_name)
            if hit is not None:
                return hit
        if self._offline is not None:
            raise ProviderError(
                f"SEC request for {what} skipped: {self._offline}",
                file=url,
                hint="check the network connection, then try again",
            )
        last_problem = ""
        unreachable = 0
        for attempt in range(self.retries + 1):
            self._throttle()
            self.requests_made += 1
            wait = self.backoff * (2**attempt)
            try:
                response = self._client.get(url, headers=self._headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                last_problem = f"network unreachable ({type(exc).__name__})"
                unreachable += 1
                if unreachable >= 2:  # no network: retrying for longer will not help
                    self._offline = f"the network was unreachable ({type(exc).__name__})"
                    break
            except httpx.TimeoutException:
                last_problem = "timed out"
            except httpx.TransportError as exc:
                last_problem = f"network error ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    payload = parse_json(response.content, where=url, what=what)
                    self._store(cache_name, response.content)
                    return payload
                if status == 404:
                    raise ProviderError(
                        f"SEC has no data for {what} (HTTP 404)",
                        file=url,
                        hint="check the ticker; foreign filers (20-F) may have no companyfacts",
                    )
                if status not in _RETRY_STATUS:
                    raise ProviderError(
                        f"SEC refused the request for {what} (HTTP {status})",
                        file=url,
                        hint=f"check {ENV_USER_AGENT} names you with an e-mail",
                    )
                last_problem = f"HTTP {status}"
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    wait = max(wait, float(retry_after))
            if attempt < self.retries:
                self._sleep(wait)
        raise ProviderError(
            f"SEC request for {what} failed after {min(attempt + 1, self.retries + 1)} "
            f"attempts ({last_problem})",
            file=url,
            hint="check the network connection, then try again later (the SEC also "
            "limits clients to 10 requests a second)",
        )
