"""The HTML report of a thesis project, in English and Chinese.

>>> from aithesis.project import build_project                   # doctest: +SKIP
>>> from aithesis.report import write_reports                     # doctest: +SKIP
>>> write_reports(build_project("my-thesis").results, "my-thesis/out")  # doctest: +SKIP
[PosixPath('my-thesis/out/report.en.html'), PosixPath('my-thesis/out/report.zh.html')]
"""

from aithesis.report.i18n import LANGUAGES, Translator, load_catalogue
from aithesis.report.render import render_report, report_name, write_reports

__all__ = [
    "LANGUAGES",
    "Translator",
    "load_catalogue",
    "render_report",
    "report_name",
    "write_reports",
]
