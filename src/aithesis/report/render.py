"""Render a built project into self-contained HTML reports, one per language.

A report is one file that opens offline: Plotly's JavaScript is inlined once in the
page head, every figure is a ``<div>`` plus a small script that draws it, the CSS is
inline, and nothing is fetched from the network. Strings come from the message catalogue
(``messages.yaml``) through :class:`~aithesis.report.i18n.Translator`.

Writing is atomic: every language is rendered in memory first, then each page is written
to a temporary file in the output folder, and only when all are complete is each moved
over ``report.<lang>.html`` with ``os.replace``. A failure while rendering or writing
leaves any previous report as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from aithesis.errors import AithesisError
from aithesis.project.results import ProjectResults
from aithesis.report.context import build_context
from aithesis.report.i18n import Translator, check_language

__all__ = ["TEMPLATE_DIR", "plotly_js", "render_report", "report_name", "write_reports"]

TEMPLATE_DIR = Path(__file__).with_name("templates")
_HTML_LANG = {"en": "en", "zh": "zh-CN"}


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's bundled JavaScript (inlined once per report)."""
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    if "</script" in js.lower():  # would end the inline <script> early
        raise RuntimeError("the Plotly bundle contains '</script'; cannot inline it")
    return js


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_name(lang: str) -> str:
    """The file name of a report: ``report.<lang>.html``."""
    return f"report.{check_language(lang)}.html"


def render_report(results: ProjectResults, lang: str) -> str:
    """The full HTML page of a project's report in one language.

    Args:
        results: a built project (:func:`aithesis.project.build_project`).
        lang: ``en`` or ``zh``.

    Returns:
        The HTML text (UTF-8 when written).

    Raises:
        AithesisError: unknown language.
    """
    t = Translator(lang)
    context = build_context(results, t)
    template = _environment().get_template("report.html.j2")
    return template.render(
        t=t, html_lang=_HTML_LANG[t.lang], plotly_js=Markup(plotly_js()), **context
    )


def _stage(path: Path, text: str) -> Path:
    """Write ``text`` to a new temporary file beside ``path``; return the temporary path."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_reports(
    results: ProjectResults,
    out_dir: str | Path,
    languages: Iterable[str] = ("en", "zh"),
) -> list[Path]:
    """Render the report in each language and write ``out_dir/report.<lang>.html``.

    Every language is rendered before anything is written, and each file replaces the
    previous one atomically, so a failure never leaves a half-written or mixed report.

    Args:
        results: a built project.
        out_dir: the folder to write to (created if missing).
        languages: language codes (``en``, ``zh``); duplicates are ignored.

    Returns:
        The paths written, in the order of ``languages``.

    Raises:
        AithesisError: an unknown language, or the folder cannot be created or written
            (naming the folder).
    """
    codes = list(dict.fromkeys(check_language(lang) for lang in languages))
    if not codes:
        raise AithesisError("no report language given", field="lang", hint="use en, zh or both")
    pages = {code: render_report(results, code) for code in codes}
    folder = Path(out_dir)
    staged: dict[Path, Path] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for code, page in pages.items():
            path = folder / report_name(code)
            staged[path] = _stage(path, page)
        for path, tmp in staged.items():  # every file is complete before any is replaced
            os.replace(tmp, path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise AithesisError(
            f"cannot write the report into this folder ({reason})",
            file=folder,
            hint="check that the folder (and every folder above it) is a writable directory",
        ) from None
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)  # no-op for files already moved into place
    return list(staged)
