"""Markets and currencies from Yahoo-style ticker symbols.

A symbol's suffix names its exchange (``0992.HK`` Hong Kong, ``600519.SS`` Shanghai,
``300750.SZ`` Shenzhen, ``2330.TW`` Taiwan, ``005930.KS`` Korea, ``ASML.AS`` Amsterdam);
no suffix means a US listing (ADRs such as TSM or BABA trade in USD). Index symbols
(``GSPC``, ``NDX``, ``^GSPC``) are quoted in USD points.
"""

from __future__ import annotations

__all__ = ["MARKETS", "TIMEZONES", "currency_of", "market_of", "timezone_of"]

# suffix -> (market code, currency)
MARKETS: dict[str, tuple[str, str]] = {
    "": ("US", "USD"),
    "HK": ("HK", "HKD"),
    "SS": ("CN", "CNY"),
    "SZ": ("CN", "CNY"),
    "BJ": ("CN", "CNY"),
    "TW": ("TW", "TWD"),
    "TWO": ("TW", "TWD"),
    "KS": ("KR", "KRW"),
    "KQ": ("KR", "KRW"),
    "T": ("JP", "JPY"),
    "AS": ("EU", "EUR"),
    "DE": ("EU", "EUR"),
    "PA": ("EU", "EUR"),
    "MI": ("EU", "EUR"),
    "L": ("UK", "GBP"),
    "SW": ("CH", "CHF"),
}

# market code -> the exchange's time zone (for turning timestamps into trading dates)
TIMEZONES: dict[str, str] = {
    "US": "America/New_York",
    "HK": "Asia/Hong_Kong",
    "CN": "Asia/Shanghai",
    "TW": "Asia/Taipei",
    "KR": "Asia/Seoul",
    "JP": "Asia/Tokyo",
    "EU": "Europe/Amsterdam",
    "UK": "Europe/London",
    "CH": "Europe/Zurich",
}


def _suffix(ticker: str) -> str:
    symbol = ticker.strip().upper().lstrip("^")
    if "." not in symbol:
        return ""
    suffix = symbol.rsplit(".", 1)[1]
    return suffix if suffix in MARKETS else ""


def market_of(ticker: str) -> str:
    """Market code of a Yahoo-style symbol: ``US``, ``HK``, ``CN``, ``TW``, ``KR``, ...

    >>> market_of("0992.HK"), market_of("600519.SS"), market_of("NVDA")
    ('HK', 'CN', 'US')
    """
    return MARKETS[_suffix(ticker)][0]


def currency_of(ticker: str) -> str:
    """Trading currency (ISO code) implied by a Yahoo-style symbol's suffix.

    >>> currency_of("0700.HK"), currency_of("TSM")
    ('HKD', 'USD')
    """
    return MARKETS[_suffix(ticker)][1]


def timezone_of(ticker: str) -> str:
    """IANA time zone of the exchange a Yahoo-style symbol trades on.

    >>> timezone_of("0700.HK"), timezone_of("NVDA")
    ('Asia/Hong_Kong', 'America/New_York')
    """
    return TIMEZONES[market_of(ticker)]
