"""The AI value-chain universe: companies, themes, layers, roles and AI-exposure scores.

>>> from aithesis.universe import load_universe
>>> u = load_universe()
>>> u.get("NVDA").name_zh, u.get("0700.HK").currency
('英伟达', 'HKD')
"""

from __future__ import annotations

from aithesis.universe.api import load_universe
from aithesis.universe.collection import Origin, Universe
from aithesis.universe.loader import builtin_universe_file, read_universe_file
from aithesis.universe.model import (
    ANALYST_JUDGEMENT,
    LAYERS,
    MARKET_CODES,
    ROLES,
    THEMES,
    Company,
    Layer,
    Role,
    Theme,
)

__all__ = [
    "ANALYST_JUDGEMENT",
    "LAYERS",
    "MARKET_CODES",
    "ROLES",
    "THEMES",
    "Company",
    "Layer",
    "Origin",
    "Role",
    "Theme",
    "Universe",
    "builtin_universe_file",
    "load_universe",
    "read_universe_file",
]
