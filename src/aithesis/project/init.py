"""``aithesis init``: write a new project folder from a template."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from aithesis.errors import SpecError
from aithesis.project.config import CONFIG_NAME

__all__ = ["TEMPLATES", "init_project"]

TEMPLATES = ("agix",)


def _copy_resource(package: str, name: str, target: Path) -> None:
    source = resources.files(package).joinpath(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())


def init_project(folder: str | Path, template: str = "agix", *, force: bool = False) -> Path:
    """Create a project folder from a template.

    The ``agix`` template holds: ``aithesis.yaml``; ``indexes/agix.yaml`` and
    ``indexes/ai-infra.yaml`` (the built-in methodologies); every built-in thesis model
    in ``models/``; the article facts in ``kpi/article_facts.csv``; a README.

    Args:
        folder: where to write (created if missing).
        template: template name (see :data:`TEMPLATES`).
        force: overwrite an existing project's files.

    Returns:
        The project folder.

    Raises:
        SpecError: unknown template, or the folder already holds a project (without
            ``force``), or cannot be written.
    """
    if template not in TEMPLATES:
        raise SpecError(
            f"unknown template '{template}'",
            field="--template",
            hint="choose one of " + ", ".join(TEMPLATES),
        )
    root = Path(folder).expanduser()
    if (root / CONFIG_NAME).exists() and not force:
        raise SpecError(
            f"{CONFIG_NAME} already exists",
            file=root / CONFIG_NAME,
            hint="choose a new folder, or pass --force to overwrite",
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        base = "aithesis.project.templates." + template
        _copy_resource(base, CONFIG_NAME, root / CONFIG_NAME)
        readme = resources.files(base).joinpath("README.md").read_text(encoding="utf-8")
        (root / "README.md").write_text(
            readme.replace("{name}", root.resolve().name), encoding="utf-8"
        )
        for name in ("agix.yaml", "ai-infra.yaml"):
            _copy_resource("aithesis.index.builtins", name, root / "indexes" / name)
        models = resources.files("aithesis.thesis").joinpath("data")
        for entry in sorted(models.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yaml"):
                (root / "models").mkdir(exist_ok=True)
                (root / "models" / entry.name).write_bytes(entry.read_bytes())
        _copy_resource("aithesis.kpi", "data/article_facts.csv", root / "kpi" / "article_facts.csv")
        (root / "out").mkdir(exist_ok=True)
    except OSError as exc:
        raise SpecError(
            f"cannot write the project ({exc.strerror})", file=root, hint="choose a writable folder"
        ) from exc
    return root


def remove_project(folder: str | Path) -> None:
    """Delete a project folder (used by the demo for its temporary project)."""
    shutil.rmtree(folder, ignore_errors=True)
