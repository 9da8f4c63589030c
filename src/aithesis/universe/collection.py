"""The :class:`Universe`: an immutable, ordered set of companies keyed by ticker.

Built by :mod:`aithesis.universe.loader` from entries parsed by
:mod:`aithesis.universe.parse` (which validates YAML; ``alias_of`` links are checked here);
:meth:`Universe.filter` returns sub-universes, :meth:`Universe.to_frame` a tidy frame.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from os import PathLike

import pandas as pd

from aithesis.errors import SpecError, UnknownTickerError
from aithesis.universe.model import COMPANY_FIELDS, MARKET_CODES, ROLES, THEMES, Company
from aithesis.universe.parse import ALIAS_HINT, Entry, Origin, read_entries

__all__ = ["Entry", "Origin", "Universe"]


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value) or None


class Universe:
    """An immutable, ordered set of :class:`Company` records keyed by ticker.

    Build one with :func:`aithesis.universe.load_universe`; :meth:`filter` returns a new
    ``Universe``. Order is file order (built-in entries first, user additions after).
    The loaders check that every ``alias_of`` names a canonical entry; a filtered
    universe may hold an alias without its canonical entry.

    Example:
        >>> from aithesis.universe import load_universe
        >>> u = load_universe()
        >>> u.get("nvda").name_zh
        '英伟达'
        >>> u.filter(themes="power_infra", markets="US").tickers[:2]  # doctest: +SKIP
    """

    def __init__(
        self,
        companies: Iterable[Company],
        *,
        sources: Sequence[str] = (),
        origins: Mapping[str, Origin] | None = None,
    ) -> None:
        self._companies: tuple[Company, ...] = tuple(companies)
        self._sources: tuple[str, ...] = tuple(sources)
        self._origins: dict[str, Origin] = dict(origins or {})
        self._by_ticker: dict[str, Company] = {}
        where = " + ".join(self._sources) or None
        for company in self._companies:
            if company.ticker in self._by_ticker:
                origin = self._origins.get(company.ticker)
                raise SpecError(
                    f"duplicate ticker {company.ticker!r}",
                    file=origin.file if origin else where,
                    row=origin.row if origin else None,
                    field="ticker",
                    hint="keep one entry per ticker",
                )
            self._by_ticker[company.ticker] = company

    # -- construction --------------------------------------------------------
    @classmethod
    def _from_entries(cls, entries: Sequence[Entry], *, sources: Sequence[str]) -> Universe:
        companies = [e.company for e in entries]
        by_ticker = {c.ticker: c for c in companies}
        for entry in entries:
            problem = _alias_problem(entry.company, by_ticker)
            if problem:
                raise SpecError(
                    f"entry {entry.company.ticker!r}: {problem}",
                    file=entry.origin.file,
                    row=entry.key_rows.get("alias_of", entry.origin.row),
                    field="alias_of",
                    hint=ALIAS_HINT,
                )
        origins = {e.company.ticker: e.origin for e in entries}
        return cls(companies, sources=sources, origins=origins)

    def extended(self, path: str | PathLike[str]) -> Universe:
        """A new universe with one user YAML file applied on top of this one.

        New tickers are appended; known tickers are overridden in place (field-wise merge).

        Raises:
            SpecError: as :func:`aithesis.universe.loader.read_universe_file`, or an
                ``alias_of`` naming no canonical entry.
        """
        prior = [Entry(c, self.origin(c.ticker) or Origin("?", None), {}) for c in self]
        added = read_entries(path, {c.ticker: c for c in self})
        positions = {e.company.ticker: i for i, e in enumerate(prior)}
        for entry in added:
            if entry.company.ticker in positions:
                prior[positions[entry.company.ticker]] = entry
            else:
                positions[entry.company.ticker] = len(prior)
                prior.append(entry)
        return Universe._from_entries(prior, sources=(*self.sources, str(path)))

    # -- access --------------------------------------------------------------
    @property
    def companies(self) -> tuple[Company, ...]:
        """All companies, in order."""
        return self._companies

    @property
    def tickers(self) -> list[str]:
        """Tickers, in order."""
        return [c.ticker for c in self._companies]

    @property
    def sources(self) -> tuple[str, ...]:
        """The files this universe was read from (built-in first)."""
        return self._sources

    def origin(self, ticker: str) -> Origin | None:
        """Where the entry for ``ticker`` was (last) defined, or None if unknown."""
        return self._origins.get(ticker.strip().upper())

    def get(self, ticker: str) -> Company:
        """The company with this ticker (case-insensitive).

        Raises:
            UnknownTickerError: naming the universe files and suggesting close matches
                (by ticker, English or Chinese name).
        """
        key = str(ticker).strip().upper()
        company = self._by_ticker.get(key)
        if company is not None:
            return company
        raise UnknownTickerError(
            f"ticker {str(ticker).strip()!r} is not in the universe",
            file=" + ".join(self._sources) or "universe",
            field="ticker",
            hint=self._suggestion(str(ticker)),
        )

    def _suggestion(self, query: str) -> str:
        text = query.strip()
        folded = text.casefold()
        picks: list[Company] = [
            c
            for c in self._companies
            if folded and (folded in c.name.casefold() or text in c.name_zh)
        ]
        if not picks:
            close = difflib.get_close_matches(text.upper(), self.tickers, n=3, cutoff=0.6)
            picks = [self._by_ticker[t] for t in close]
        if not picks:
            return "see `aithesis universe list` for the tickers it holds"
        shown = ", ".join(f"{c.ticker} ({c.name}, {c.name_zh})" for c in picks[:3])
        return f"did you mean {shown}?"

    def filter(
        self,
        themes: str | Iterable[str] | None = None,
        markets: str | Iterable[str] | None = None,
        min_exposure: float | None = None,
        listed_only: bool = True,
        top_n: int | None = None,
        *,
        roles: str | Iterable[str] | None = None,
        tags: str | Iterable[str] | None = None,
        include_aliases: bool = True,
    ) -> Universe:
        """A sub-universe of the companies matching every given criterion.

        Args:
            themes: keep companies having at least one of these themes.
            markets: keep companies in these markets (``US``, ``HK``, ``CN``...;
                case-insensitive).
            min_exposure: keep companies with ``ai_exposure >= min_exposure`` (a fraction
                in [0, 1]).
            listed_only: drop unlisted companies (ByteDance, OpenAI...); default True.
            top_n: after the other filters, keep the ``top_n`` highest ``ai_exposure``
                (ties broken by ticker), ordered by exposure, highest first.
            roles: keep companies whose role is one of these.
            tags: keep companies carrying at least one of these tags.
            include_aliases: False drops second listings and share classes (entries
                with ``alias_of``), so each company appears once.

        Returns:
            A new ``Universe`` (file order unless ``top_n`` is given).

        Raises:
            SpecError: an unknown theme, market or role, ``min_exposure`` outside [0, 1]
                or a negative ``top_n`` (names the argument and the allowed values).
        """
        theme_set = _as_set(themes)
        market_set = {m.strip().upper() for m in _as_set(markets) or ()} or None
        role_set = _as_set(roles)
        tag_set = _as_set(tags)
        _check_choice(theme_set, THEMES, "themes", "theme")
        _check_choice(market_set, MARKET_CODES, "markets", "market")
        _check_choice(role_set, ROLES, "roles", "role")
        if min_exposure is not None and not (0.0 <= float(min_exposure) <= 1.0):
            raise SpecError(
                f"min_exposure {min_exposure!r} is outside [0, 1]",
                field="min_exposure",
                hint="ai_exposure is a fraction, e.g. 0.5 for half",
            )
        if top_n is not None and top_n < 0:
            raise SpecError(f"top_n {top_n!r} is negative", field="top_n", hint="give 0 or more")

        kept = [
            c
            for c in self._companies
            if (theme_set is None or theme_set.intersection(c.themes))
            and (market_set is None or c.market in market_set)
            and (role_set is None or c.role in role_set)
            and (tag_set is None or tag_set.intersection(c.tags))
            and (min_exposure is None or c.ai_exposure >= float(min_exposure))
            and (c.listed or not listed_only)
            and (include_aliases or c.alias_of is None)
        ]
        if top_n is not None:
            kept = sorted(kept, key=lambda c: (-c.ai_exposure, c.ticker))[:top_n]
        origins = {c.ticker: self._origins[c.ticker] for c in kept if c.ticker in self._origins}
        return Universe(kept, sources=self._sources, origins=origins)

    def to_frame(self) -> pd.DataFrame:
        """One row per company, columns in field order (themes and tags as lists)."""
        rows = []
        for company in self._companies:
            row = company.model_dump()
            row["themes"] = list(company.themes)
            row["tags"] = list(company.tags)
            rows.append(row)
        return pd.DataFrame(rows, columns=list(COMPANY_FIELDS))

    # -- dunder --------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._companies)

    def __iter__(self) -> Iterator[Company]:
        return iter(self._companies)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Company):
            return self._by_ticker.get(item.ticker) == item
        if isinstance(item, str):
            return item.strip().upper() in self._by_ticker
        return False

    def __repr__(self) -> str:
        listed = sum(c.listed for c in self._companies)
        return f"Universe({len(self)} companies, {listed} listed, sources={list(self._sources)!r})"

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)


def _alias_problem(company: Company, by_ticker: Mapping[str, Company]) -> str | None:
    target = company.alias_of
    if target is None:
        return None
    if target not in by_ticker:
        return f"alias_of names {target!r}, which is not in the universe"
    if by_ticker[target].alias_of is not None:
        return (
            f"alias_of names {target!r}, itself an alias of {by_ticker[target].alias_of!r}; "
            "point to the canonical entry"
        )
    return None


def _check_choice(given: set[str] | None, allowed: Sequence[str], field: str, what: str) -> None:
    if not given:
        return
    unknown = sorted(given.difference(allowed))
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(allowed), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise SpecError(
            f"unknown {what} {unknown[0]!r}",
            field=field,
            hint=f"{hint}{field} are: {', '.join(allowed)}",
        )
