"""What every dashboard page receives: the project, its results and the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aithesis.app.i18n import Messages
from aithesis.project.config import Project
from aithesis.project.results import ProjectResults

__all__ = ["AppContext"]


@dataclass(frozen=True)
class AppContext:
    """One rerun's context.

    Attributes:
        folder: the project folder; project: its loaded ``aithesis.yaml``.
        results: the build results (indexes, models, KPI, claims).
        lang: ``en`` or ``zh``; t: message lookups bound to ``lang``.
    """

    folder: Path
    project: Project
    results: ProjectResults
    lang: str
    t: Messages

    @property
    def store_path(self) -> str:
        """The project's store file, as text (a cache key)."""
        return str(self.project.store_path)

    @property
    def start(self) -> str:
        """The project's common base date (ISO)."""
        return str(self.project.config.start)

    @property
    def end(self) -> str | None:
        """The project's last date (ISO), or None for the last stored price."""
        end = self.project.config.end
        return None if end is None else str(end)
