"""Recorded SEC companyfacts payloads read offline: a folder or ``companyfacts.zip``.

A folder holds ``CIK##########.json`` files (any suffix before ``.json`` is allowed, e.g.
``CIK0000789019.partial.json``); SEC's nightly bulk archive ``companyfacts.zip`` holds
the same JSON per company. SEC's ticker map ``company_tickers.json``, when present in
the folder or archive, maps tickers to CIKs. Every file is parsed with the same checks
as a pulled payload (:func:`~.sec_facts.parse_json`); a damaged archive, a file that is
not JSON or a CIK without a file is one :class:`~aithesis.errors.ProviderError` naming it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from aithesis.data.providers.sec_facts import parse_json
from aithesis.errors import ProviderError

__all__ = ["SecFiles"]

_NAME = re.compile(r"(?:^|/)CIK(\d{10})(?:\.[\w-]+)?\.json$")
_TICKERS = "company_tickers.json"


class SecFiles:
    """Offline companyfacts payloads by CIK.

    Args:
        path: a folder of ``CIK##########.json`` files or a ``.zip`` of them.

    Raises:
        ProviderError: the path does not exist, or the archive is not a readable zip.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._zip: zipfile.ZipFile | None = None
        names: list[str]
        if self.path.is_dir():
            names = sorted(p.name for p in self.path.iterdir() if p.is_file())
        elif self.path.is_file():
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ProviderError(
                    f"not a readable zip archive ({type(exc).__name__})",
                    file=self.path,
                    hint="download companyfacts.zip again; it may be truncated",
                ) from None
            names = sorted(self._zip.namelist())
        else:
            raise ProviderError(
                "no such folder or archive",
                file=self.path,
                hint="pass a folder of CIK##########.json files or companyfacts.zip",
            )
        self.members: dict[int, str] = {}
        for name in names:
            match = _NAME.search(name)
            if match:
                self.members.setdefault(int(match.group(1)), name)
        self._ticker_member = next((n for n in names if n.rsplit("/", 1)[-1] == _TICKERS), None)

    def _where(self, member: str) -> str:
        return f"{self.path}:{member}" if self._zip is not None else str(self.path / member)

    def _read(self, member: str) -> Any:
        where = self._where(member)
        try:
            if self._zip is not None:
                body = self._zip.read(member)
            else:
                body = (self.path / member).read_bytes()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ProviderError(
                f"cannot read the file ({type(exc).__name__})",
                file=where,
                hint="the archive may be truncated; download it again",
            ) from None
        return parse_json(body, where=where)

    def ciks(self) -> list[int]:
        """CIKs with a payload, ascending."""
        return sorted(self.members)

    def where(self, cik: int) -> str:
        """The file (or ``archive:member``) holding ``cik``'s payload."""
        return self._where(self.members[cik]) if cik in self.members else str(self.path)

    def payload(self, cik: int) -> dict:
        """The parsed payload of ``cik``.

        Raises:
            ProviderError: no file for the CIK, or the file is not JSON.
        """
        if cik not in self.members:
            raise ProviderError(
                f"no companyfacts file for CIK {cik:010d}",
                file=self.path,
                hint=f"expected CIK{cik:010d}.json in the folder or archive",
            )
        return self._read(self.members[cik])

    def ticker_map(self) -> dict[str, int] | None:
        """SEC's ticker map from ``company_tickers.json`` when present, else None."""
        if self._ticker_member is None:
            return None
        raw = self._read(self._ticker_member)
        rows = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else []
        out: dict[str, int] = {}
        for r in rows:
            if isinstance(r, dict) and isinstance(r.get("ticker"), str):
                cik = r.get("cik_str")
                if isinstance(cik, int) and not isinstance(cik, bool):
                    out[r["ticker"].upper()] = cik
        return out
