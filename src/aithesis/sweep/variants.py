"""Index methodology variants: which rules a sweep may vary and how a point changes them.

A sweep parameter is a dotted path into the methodology YAML. These are sweepable::

    weighting.scheme  weighting.cap  weighting.theme_targets.<theme>
    rebalance  costs_bps  base_value  base_date  currency  return_type
    universe.min_exposure  universe.top_n

``weighting.`` may be left out (``cap``, ``scheme``, ``theme_targets.compute``), as may
``universe.`` (``top_n``). ``none`` removes an optional rule (``weighting.cap=none``).
``weighting.scheme`` takes any name in the scheme registry
(:data:`aithesis.index.schemes.SCHEMES`; ``aithesis index schemes`` lists them).

Theme targets must sum to 1, so setting some themes' targets rescales the *other*
themes' targets pro rata to fill the rest: with ``compute 0.35, cloud 0.25, edge 0.15,
interconnect_storage 0.15, software 0.10``, ``theme_targets.compute=0.5`` leaves
``0.5`` for the four others in their 25:15:15:10 ratio.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from aithesis.errors import SpecError
from aithesis.index.methodology import (
    THEMES,
    Methodology,
    UniverseSpec,
    WeightingSpec,
    methodology_from_dict,
)

__all__ = ["SWEEPABLE", "apply_point", "describe_point", "resolve_path"]

SWEEPABLE: tuple[str, ...] = (
    "weighting.scheme",
    "weighting.cap",
    *(f"weighting.theme_targets.{t}" for t in THEMES),
    "rebalance",
    "costs_bps",
    "base_value",
    "base_date",
    "currency",
    "return_type",
    "universe.min_exposure",
    "universe.top_n",
)
_TOLERANCE = 1e-12


def _unknown(name: str) -> SpecError:
    shown = sorted({p.replace("weighting.theme_targets.", "theme_targets.") for p in SWEEPABLE})
    close = difflib.get_close_matches(name, [*SWEEPABLE, *shown], n=1, cutoff=0.6)
    return SpecError(
        f"{name!r} is not a methodology rule a sweep can vary",
        field=name,
        hint=(f"did you mean '{close[0]}'? " if close else "")
        + "sweepable: "
        + ", ".join(p for p in SWEEPABLE if ".theme_targets." not in p)
        + ", weighting.theme_targets.<theme> ("
        + ", ".join(THEMES)
        + ")",
    )


def resolve_path(name: str) -> tuple[str, ...]:
    """The full dotted path of a sweep parameter, as a tuple of keys.

    Args:
        name: ``"weighting.cap"``, ``"cap"``, ``"theme_targets.compute"``, ...

    Returns:
        e.g. ``("weighting", "cap")``.

    Raises:
        SpecError: not a sweepable rule (field: the name; the hint lists them).
    """
    parts = tuple(name.split("."))
    if parts[0] in WeightingSpec.model_fields:
        parts = ("weighting", *parts)
    elif parts[0] in UniverseSpec.model_fields:
        parts = ("universe", *parts)
    if ".".join(parts) not in SWEEPABLE:
        raise _unknown(name)
    return parts


def describe_point(point: Mapping[str, Any]) -> str:
    """``"cap=0.05, rebalance=monthly"``: a point as it is named in messages."""
    return ", ".join(f"{k}={v}" for k, v in point.items())


def _retarget(
    base: Mapping[str, float] | None, swept: Mapping[str, Any], where: str, file: str | None
) -> dict[str, float]:
    """Theme targets with the swept themes set and the others rescaled to fill 1."""
    if base is None:
        raise SpecError(
            f"variant {where}: the methodology has no theme_targets to vary",
            file=file,
            field="weighting.theme_targets",
            hint="sweep theme targets of a theme_targets index (e.g. agix)",
        )
    for theme, value in swept.items():
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise SpecError(
                f"variant {where}: theme target {value!r} must be a number in [0, 1]",
                file=file,
                field=f"weighting.theme_targets.{theme}",
            )
    rest = 1.0 - math.fsum(float(v) for v in swept.values())
    others = {t: w for t, w in base.items() if t not in swept}
    total = math.fsum(others.values())
    if rest < -_TOLERANCE:
        raise SpecError(
            f"variant {where}: the swept theme targets sum to {1.0 - rest:.6g}, more than 1",
            file=file,
            field="weighting.theme_targets",
            hint="use smaller values for themes swept together",
        )
    rest = max(rest, 0.0)
    if total <= 0.0 and rest > 1e-9:
        raise SpecError(
            f"variant {where}: no other theme has a target to take the remaining {rest:.6g}",
            file=file,
            field="weighting.theme_targets",
            hint="sweep fewer themes, or ones whose targets sum to 1",
        )
    scale = rest / total if total > 0 else 0.0
    out = {t: w * scale for t, w in others.items()}
    out.update({t: float(v) for t, v in swept.items()})
    return out


def apply_point(
    base: Methodology, point: Mapping[tuple[str, ...], Any], where: str = ""
) -> Methodology:
    """The methodology ``base`` with the point's rules set, validated.

    Args:
        base: the methodology swept.
        point: ``{path: value}`` with paths from :func:`resolve_path`.
        where: how the point is named in errors (:func:`describe_point`).

    Returns:
        A new :class:`Methodology` (``file`` kept for error messages).

    Raises:
        SpecError: the variant is not a valid methodology (names the variant and key),
            e.g. ``rebalance=weekly`` or theme targets summing to more than 1.
    """
    data = base.model_dump()
    themes: dict[str, Any] = {}
    for path, value in point.items():
        if path[:2] == ("weighting", "theme_targets"):
            themes[path[2]] = value
            continue
        node = data
        for key in path[:-1]:
            if node.get(key) is None:
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    if themes:
        data["weighting"]["theme_targets"] = _retarget(
            base.weighting.theme_targets, themes, where, base.file
        )
    try:
        return methodology_from_dict(data, file=base.file)
    except SpecError as exc:
        raise SpecError(
            f"variant {where}: {exc.message}", file=base.file, field=exc.field, hint=exc.hint
        ) from None
