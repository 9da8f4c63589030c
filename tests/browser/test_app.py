"""The dashboard script without a browser (Streamlit's AppTest): start-up errors, edits
that the library rejects, and the message catalogues the pages read."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from aithesis.app import DASHBOARD
from aithesis.app.data import ENV_PROJECT, project_folder
from aithesis.app.i18n import LANGUAGES, catalogue, text
from aithesis.report.i18n import load_catalogue as report_catalogue

APP_DIR = Path(DASHBOARD).parent
# keys built at run time: f"s_{scheme}", f"f_{frequency}", f"kind_{kind}", f"m_{metric}"
DYNAMIC_PREFIXES = ("s_", "f_", "kind_", "m_", "status.", "record.")


def _app(monkeypatch: pytest.MonkeyPatch, folder: Path | None):
    from streamlit.testing.v1 import AppTest

    if folder is None:
        monkeypatch.delenv(ENV_PROJECT, raising=False)
    else:
        monkeypatch.setenv(ENV_PROJECT, str(folder))
    app = AppTest.from_file(str(DASHBOARD), default_timeout=300)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _literal_keys() -> tuple[set[str], set[str]]:
    """Message keys the app's code passes to ``t(...)`` as literals, and f-string prefixes."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in APP_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in ("t", "text"):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(str(first.values[0].value))
    return keys, prefixes


def test_every_message_the_app_uses_exists_in_both_languages() -> None:
    keys, prefixes = _literal_keys()
    assert len(keys) > 50  # the scan found the pages' strings
    shared = report_catalogue()
    missing = sorted(k for k in keys if k not in catalogue() and k not in shared)
    assert missing == []
    for key in keys:
        for lang in LANGUAGES:
            assert text(key, lang).strip(), (key, lang)
    assert set(prefixes) <= set(DYNAMIC_PREFIXES)


def test_dashboard_catalogue_holds_only_its_own_strings() -> None:
    keys, _ = _literal_keys()
    own = set(catalogue())
    unused = sorted(k for k in own - keys if not k.startswith(DYNAMIC_PREFIXES))
    assert unused == []
    # labels the report already translates are reused, not duplicated
    assert sorted(own & set(report_catalogue())) == []
    # Chinese entries really are Chinese
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in v["zh"]) for v in catalogue().values())


def test_project_folder_comes_from_the_command_line_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_PROJECT, str(tmp_path / "from-env"))
    assert project_folder(["--project", str(tmp_path / "cli")]) == tmp_path / "cli"
    assert project_folder(["--other", "x"]) == tmp_path / "from-env"
    monkeypatch.delenv(ENV_PROJECT)
    assert project_folder([]) is None
    assert project_folder(["--proj", "abbreviated"]) is None  # no prefix matching


def test_without_a_project_the_dashboard_says_how_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _app(monkeypatch, None)
    assert [e.value for e in app.error] == [text("no_project", "en")]
    assert "aithesis serve DIR" in app.markdown[0].value


def test_a_folder_without_a_project_shows_the_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = _app(monkeypatch, tmp_path)
    assert [e.value for e in app.error] == [text("project_error", "en")]
    shown = app.code[0].value
    assert str(tmp_path) in shown and "no aithesis.yaml" in shown
    assert "Traceback" not in shown


def test_theme_targets_that_do_not_sum_to_one_show_the_key_at_fault(
    monkeypatch: pytest.MonkeyPatch, project_dir: Path
) -> None:
    app = _app(monkeypatch, project_dir)
    app.number_input(key="ix.agix.target.compute").set_value(0.50).run()
    errors = [e.value for e in app.error]
    assert len(errors) == 1
    # 0.50 + 0.25 + 0.15 + 0.15 + 0.10 = 1.15
    assert "weighting.theme_targets" in errors[0] and "1.15" in errors[0]
    assert not app.metric  # nothing half-built is shown


def test_a_cap_below_one_over_n_is_refused_with_its_key(
    monkeypatch: pytest.MonkeyPatch, project_dir: Path
) -> None:
    app = _app(monkeypatch, project_dir)
    app.toggle(key="ix.agix.cap_on").set_value(True).run()
    app.slider(key="ix.agix.cap").set_value(0.05).run()  # 18 names: 1/18 = 0.0556 > 0.05
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and "weighting.cap" in errors[0]


def test_reload_reads_the_changed_project_files(
    monkeypatch: pytest.MonkeyPatch, project_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project_dir, copy)
    app = _app(monkeypatch, copy)
    assert any("AGIX thesis" in m.value for m in app.sidebar.markdown)
    config = copy / "aithesis.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("name: AGIX thesis", "name: Edited thesis"),
        encoding="utf-8",
    )
    app.run()
    assert any("AGIX thesis" in m.value for m in app.sidebar.markdown)  # cached until asked
    app.button(key="reload").click().run()
    assert not app.exception
    assert any("Edited thesis" in m.value for m in app.sidebar.markdown)


def test_typed_figures_are_labelled_in_the_models_own_unit_in_both_languages() -> None:
    """A slider or number input takes the model's unit unscaled: English RMB_100M is
    'RMB 100M' (shown figures read RMB bn), Chinese USD_bn is 十亿美元 (shown figures read
    亿美元, x 10), and a unit shown unscaled keeps its usual label."""
    from aithesis.app.i18n import Messages

    en, zh = Messages("en"), Messages("zh")
    assert en.input_unit("RMB_100M") == "RMB 100M" and en.unit("RMB_100M") == "RMB bn"
    assert zh.input_unit("USD_bn") == "十亿美元" and zh.unit("USD_bn") == "亿美元"
    assert zh.input_unit("USD_bn/year") == "十亿美元/年"
    assert zh.input_unit("RMB_100M") == "亿元" == zh.unit("RMB_100M")  # factor 1 in zh
    assert en.input_unit("USD_bn") == "$bn"
