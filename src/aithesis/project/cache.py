"""The build cache: results kept outside the project folder, signed, verified before use.

A project folder is something people send each other, so nothing in it is ever
unpickled. Cached results live under ``$AITHESIS_HOME/cache/projects/<key>/`` where
``<key>`` is a hash of the project's resolved path, one file ``<digest>.pkl`` per input
hash plus ``latest`` (which holds a digest name, never a path). Each file starts with an
HMAC-SHA256 of its payload under a per-user secret (``$AITHESIS_HOME/cache/secret``,
32 random bytes, mode 0600, created on first use); a file whose signature does not
verify (written by someone else, truncated, tampered with) is ignored and the project
is rebuilt. Writes are atomic (temporary file + rename).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from aithesis.config import aithesis_home

__all__ = ["cache_dir", "read_cached", "read_latest", "write_cached"]

_MAGIC = b"aithesis-cache-1\n"
_NAME = re.compile(r"^[0-9a-f]{32}$")
_LATEST = "latest"


def cache_dir(project_root: Path) -> Path:
    """The folder holding ``project_root``'s cached builds (outside the project)."""
    key = hashlib.sha256(str(Path(project_root).resolve()).encode()).hexdigest()[:24]
    return aithesis_home() / "cache" / "projects" / key


def _secret() -> bytes:
    path = aithesis_home() / "cache" / "secret"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret.")
    try:
        os.chmod(tmp, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path.read_bytes()


def _write_atomic(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_cached(project_root: Path, digest: str, results: Any) -> Path:
    """Sign and store ``results`` under ``digest``; mark it latest; drop older builds.

    Raises:
        OSError: the cache folder cannot be written.
        ValueError: ``digest`` is not 32 hex digits.
    """
    if not _NAME.match(digest):
        raise ValueError(f"cache digest must be 32 hex digits, not {digest!r}")
    folder = cache_dir(project_root)
    payload = pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
    mac = hmac.new(_secret(), payload, hashlib.sha256).digest()
    target = folder / f"{digest}.pkl"
    _write_atomic(target, _MAGIC + mac + payload)
    _write_atomic(folder / _LATEST, digest.encode())
    for old in folder.glob("*.pkl"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def read_cached(project_root: Path, digest: str) -> Any | None:
    """The results stored under ``digest``, or None when missing, unsigned or broken."""
    if not _NAME.match(digest):
        return None
    path = cache_dir(project_root) / f"{digest}.pkl"
    try:
        if path.is_symlink() or not path.is_file():
            return None
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if len(blob) < head or not blob.startswith(_MAGIC):
        return None
    mac, payload = blob[len(_MAGIC) : head], blob[head:]
    if not hmac.compare_digest(mac, hmac.new(_secret(), payload, hashlib.sha256).digest()):
        return None
    try:  # signed by this user's secret: written by aithesis on this account
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None


def read_latest(project_root: Path) -> Any | None:
    """The latest cached results of a project, or None."""
    try:
        name = (cache_dir(project_root) / _LATEST).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return read_cached(project_root, name)
