"""The agix project built once per session on the real sample data, and its two reports.

Also a small HTML reader (Python's ``html.parser``) that checks the page is well formed
and collects what the report tests look at: sections and their titles, summary values,
scripts, stylesheets, claim rows and ``<pre>`` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aithesis.project import build_project, init_project
from aithesis.project.build import BuildOutcome
from aithesis.report import write_reports

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Page:
    """What :class:`PageReader` found in one HTML document."""

    errors: list[str] = field(default_factory=list)
    scripts: list[dict] = field(default_factory=list)  # {"attrs": {...}, "text": str}
    links: list[dict] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    style_attrs: list[str] = field(default_factory=list)
    srcs: list[str] = field(default_factory=list)  # every src= of any element
    sections: dict[str, str] = field(default_factory=dict)  # id -> h2 text
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, text)
    values: dict[str, str] = field(default_factory=dict)  # data-key -> data-value
    claim_rows: list[dict] = field(default_factory=list)  # {"flagged": bool, "text": str}
    pres: list[str] = field(default_factory=list)
    html_lang: str | None = None


class PageReader(HTMLParser):
    """Parse a report, recording structure errors and the parts the tests need."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self._section: str | None = None
        self._capture: list[list[str]] = []  # text buffers being filled
        self._heading: tuple[str, list[str]] | None = None
        self._script: dict | None = None
        self._style: list[str] | None = None
        self._row: dict | None = None
        self._pre: list[str] | None = None
        self._in_claims = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "html":
            self.page.html_lang = a.get("lang")
        if "style" in a:
            self.page.style_attrs.append(a["style"])
        if "src" in a:
            self.page.srcs.append(a["src"])
        if "data-key" in a:
            self.page.values[a["data-key"]] = a.get("data-value", "")
        if tag == "section":
            self._section = a.get("id")
        if tag == "table" and "claims" in a.get("class", "").split():
            self._in_claims = True
        classes = a.get("class", "").split()
        if tag == "tr" and self._in_claims and {"flagged", "ok"} & set(classes):
            self._row = {"flagged": "flagged" in classes, "text": []}
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])
        if tag == "script":
            self._script = {"attrs": a, "text": []}
        if tag == "link":
            self.page.links.append(a)
        if tag == "style":
            self._style = []
        if tag == "pre":
            self._pre = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.page.errors.append(f"line {self.getpos()[0]}: </{tag}> closes {self.stack[-1:]}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag in ("h1", "h2", "h3") and self._heading:
            text = "".join(self._heading[1]).strip()
            self.page.headings.append((tag, text))
            if tag == "h2" and self._section and self._section not in self.page.sections:
                # the section title follows the '#' anchor
                self.page.sections[self._section] = text.lstrip("#").strip()
            self._heading = None
        elif tag == "script" and self._script is not None:
            self.page.scripts.append({**self._script, "text": "".join(self._script["text"])})
            self._script = None
        elif tag == "style" and self._style is not None:
            self.page.styles.append("".join(self._style))
            self._style = None
        elif tag == "pre" and self._pre is not None:
            self.page.pres.append("".join(self._pre))
            self._pre = None
        elif tag == "tr" and self._row is not None:
            self.page.claim_rows.append({**self._row, "text": "".join(self._row["text"])})
            self._row = None
        elif tag == "table":
            self._in_claims = False
        elif tag == "section":
            self._section = None

    def handle_data(self, data: str) -> None:
        for buffer in (
            self._heading[1] if self._heading else None,
            self._script["text"] if self._script else None,
            self._style,
            self._pre,
            self._row["text"] if self._row else None,
        ):
            if buffer is not None:
                buffer.append(data)

    def close(self) -> None:
        super().close()
        if self.stack:
            self.page.errors.append(f"unclosed at end: {self.stack}")


def read_page(text: str) -> Page:
    """Parse an HTML document into a :class:`Page`."""
    reader = PageReader()
    reader.feed(text)
    reader.close()
    return reader.page


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildOutcome:
    """The agix template built on the real sample data (read only)."""
    root = init_project(tmp_path_factory.mktemp("report-proj") / "agix")
    return build_project(root)


@pytest.fixture(scope="session")
def reports(built: BuildOutcome) -> dict[str, Path]:
    """Both reports written into the project's out/ folder: {lang: path}."""
    paths = write_reports(built.results, built.project.out_dir, ("en", "zh"))
    return {p.name.split(".")[1]: p for p in paths}


@pytest.fixture(scope="session")
def html(reports: dict[str, Path]) -> dict[str, str]:
    """The text of each report."""
    return {lang: path.read_text(encoding="utf-8") for lang, path in reports.items()}


@pytest.fixture(scope="session")
def pages(html: dict[str, str]) -> dict[str, Page]:
    """Each report parsed."""
    return {lang: read_page(text) for lang, text in html.items()}
