"""Write a folder of output files all or nothing (used by :meth:`IndexResult.save`).

Every file's bytes are prepared in memory first, then written into a temporary folder
beside the target (a hidden ``.<name>.tmp-*`` sibling for a new folder, a hidden
``.aithesis-tmp-*`` inside an existing one) and moved into place with renames: a new
folder appears in one ``rename``; in an existing folder each file is replaced with
``os.replace`` and, if any replacement fails, the files replaced so far are put back.
On any failure nothing new is left: no temporary folder, no half-written file, no
parent folder this call created. Other files in an existing folder are left alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

from aithesis.errors import AithesisError

__all__ = ["write_folder"]

_HINT = "give a folder path you can write to (it is created if missing)"


def _refuse(message: str, path: Path) -> AithesisError:
    return AithesisError(message, file=path, hint=_HINT)


def _remove(created: list[Path]) -> None:
    """Remove the (empty) parent folders this call made, innermost first."""
    for parent in reversed(created):
        with contextlib.suppress(OSError):
            parent.rmdir()


def _check_target(target: Path) -> list[Path]:
    """Raise when ``target`` cannot be a folder; return the missing parents, outermost
    first (they are created, and removed again on failure)."""
    if target.exists() and not target.is_dir():
        raise _refuse("the output path is a file, not a folder", target)
    missing: list[Path] = []
    parent = target.parent
    while not parent.exists():
        if parent.is_symlink():  # dangling link
            raise _refuse("a parent of the output folder is a broken link", parent)
        missing.append(parent)
        parent = parent.parent
    if not parent.is_dir():
        raise _refuse(f"{parent} is a file, so no folder can be made under it", target)
    return missing[::-1]


def _write_all(folder: Path, files: Mapping[str, bytes]) -> None:
    for name, payload in files.items():
        with open(folder / name, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())


def _new_folder(target: Path, files: Mapping[str, bytes]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        _write_all(staging, files)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _into_existing(target: Path, files: Mapping[str, bytes]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=".aithesis-tmp-", dir=target))
    moved: list[tuple[str, bool]] = []  # (name, had an old file)
    try:
        _write_all(staging, files)
        for name in files:
            old = target / name
            had = old.exists() or old.is_symlink()
            if had:
                os.replace(old, staging / f"old.{name}")
            moved.append((name, had))
            os.replace(staging / name, old)
    except BaseException:
        for name, had in reversed(moved):  # put the previous files back
            try:
                if had:
                    os.replace(staging / f"old.{name}", target / name)
                elif (target / name).exists():
                    (target / name).unlink()
            except OSError:
                pass
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_folder(folder: str | PathLike[str], files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (name -> bytes) into ``folder``, all or nothing.

    Args:
        folder: the output folder; created with its missing parents, or an existing
            folder whose files of the same names are replaced.
        files: plain file names (no separators) and their full contents.

    Returns:
        The folder.

    Raises:
        AithesisError: naming the folder: the path is a file or lies under one, or the
            folder cannot be written (read-only, full disk, ...); nothing is left behind.
    """
    target = Path(folder).expanduser()
    bad = [n for n in files if not n or Path(n).name != n or n in (".", "..")]
    if bad:
        raise ValueError(f"output file names must be plain names, got {bad}")
    missing = _check_target(target)
    created: list[Path] = []
    try:
        for parent in missing:
            parent.mkdir()
            created.append(parent)
        if target.is_dir():
            _into_existing(target, files)
        else:
            _new_folder(target, files)
    except OSError as exc:
        _remove(created)
        reason = exc.strerror or exc.__class__.__name__
        raise _refuse(f"cannot write the output folder ({reason})", target) from None
    except BaseException:
        _remove(created)
        raise
    return target
