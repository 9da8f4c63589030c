"""Recall and precision of the extractor on a hand-labelled set (articles 000 and 002).

The labels (``data/labels_000_002.yaml``) were written by reading the articles, before the
extractor existed; every line of both files is labelled (a line without items holds no
quantity). An extracted statement *matches* a label on the same line when its numbers
(value, or low and high) and unit are the label's and its op is the label's.

* recall: matched labels / labels;
* precision: matched statements / statements extracted from the two files.

Every miss is printed with its reason (``pytest -s`` or the failure output shows them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from aithesis.articles import extract
from aithesis.articles.results import Statement
from aithesis.thesis.units import registry

LABELS = Path(__file__).parent / "data" / "labels_000_002.yaml"
MIN_RECALL = 0.95
MIN_PRECISION = 0.90


@dataclass
class Label:
    file: str
    line: int
    text: str
    numbers: tuple[float, ...]
    unit: str
    op: str
    period: str | None


def _labels() -> list[Label]:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    out = []
    for file, items in data["files"].items():
        for item in items:
            numbers = (item["value"],) if "value" in item else (item["low"], item["high"])
            out.append(
                Label(
                    file,
                    item["line"],
                    item["text"],
                    tuple(float(n) for n in numbers),
                    item["unit"],
                    item["op"],
                    item.get("period"),
                )
            )
    return out


def _in_label_unit(statement: Statement, unit: str) -> tuple[float, ...] | None:
    ureg = registry()
    src = ureg.parse_units(statement.unit) if statement.unit else ureg.dimensionless
    dst = ureg.parse_units(unit) if unit else ureg.dimensionless
    if src.dimensionality != dst.dimensionality or (src.dimensionless != dst.dimensionless):
        return None
    if (statement.unit == "") != (unit == ""):
        return None  # a plain count is not a percent, even though both are dimensionless
    factor = float((1.0 * src).to(dst).magnitude)
    return tuple(n * factor for n in statement.numbers)


def _same_numbers(a: tuple[float, ...] | None, b: tuple[float, ...]) -> bool:
    return (
        a is not None
        and len(a) == len(b)
        and all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(a, b, strict=True))
    )


def _matches(statement: Statement, label: Label) -> bool:
    return (
        _same_numbers(_in_label_unit(statement, label.unit), label.numbers)
        and statement.op == label.op
    )


def _describe(s: Statement) -> str:
    numbers = "..".join(f"{n:g}" for n in s.numbers)
    return f"{s.span!r} -> {numbers} {s.unit or '(no unit)'} op {s.op}"


def _reason(label: Label, line_text: str, candidates: list[Statement]) -> str:
    at = line_text.find(label.text)
    near = [s for s in candidates if at >= 0 and s.start < at + len(label.text) and s.end > at]
    if not near:
        return "not found"
    s = near[0]
    parts = []
    if not _same_numbers(_in_label_unit(s, label.unit), label.numbers):
        parts.append("wrong value or unit")
    if s.op != label.op:
        parts.append(f"op {s.op} instead of {label.op}")
    return ", ".join(parts) + f": got {_describe(s)}"


@dataclass
class Score:
    labels: int
    found: int
    matched_labels: int
    matched_found: int
    misses: list[str]
    spurious: list[str]
    periods_right: int
    periods_labelled: int

    @property
    def recall(self) -> float:
        return self.matched_labels / self.labels

    @property
    def precision(self) -> float:
        return self.matched_found / self.found


@pytest.fixture(scope="module")
def score(seeds_dir: Path) -> Score:
    labels = _labels()
    files = sorted({label.file for label in labels})
    misses, spurious = [], []
    matched_labels = matched_found = found_total = 0
    periods_right = periods_labelled = 0
    for file in files:
        lines = (seeds_dir / file).read_text(encoding="utf-8").split("\n")
        statements = list(extract(seeds_dir / file).statements)
        found_total += len(statements)
        used = [False] * len(statements)
        for label in (lab for lab in labels if lab.file == file):
            on_line = [k for k, s in enumerate(statements) if s.line == label.line]
            hit = next((k for k in on_line if not used[k] and _matches(statements[k], label)), None)
            if hit is None:
                reason = _reason(label, lines[label.line - 1], [statements[k] for k in on_line])
                misses.append(f"{file[:3]}:{label.line} {label.text!r}: {reason}")
                continue
            used[hit] = True
            matched_labels += 1
            if label.period is not None:
                periods_labelled += 1
                if statements[hit].period == label.period:
                    periods_right += 1
                else:
                    misses.append(
                        f"{file[:3]}:{label.line} {label.text!r}: period "
                        f"{statements[hit].period!r} instead of {label.period!r} (not counted)"
                    )
        for k, s in enumerate(statements):
            if used[k]:
                matched_found += 1
            else:
                spurious.append(f"{file[:3]}:{s.line} {_describe(s)}")
    result = Score(
        len(labels),
        found_total,
        matched_labels,
        matched_found,
        misses,
        spurious,
        periods_right,
        periods_labelled,
    )
    print(
        f"\nlabelled set: {result.labels} quantities; extracted {result.found}; "
        f"recall {result.recall:.1%} ({result.matched_labels}/{result.labels}), "
        f"precision {result.precision:.1%} ({result.matched_found}/{result.found}); "
        f"periods {periods_right}/{periods_labelled}"
    )
    for line in misses:
        print("  miss:", line)
    for line in spurious:
        print("  not a labelled quantity:", line)
    return result


def test_labels_quote_their_lines(seeds_dir: Path) -> None:
    for label in _labels():
        lines = (seeds_dir / label.file).read_text(encoding="utf-8").split("\n")
        assert label.text in lines[label.line - 1], (label.file, label.line, label.text)
        assert label.op in ("=", "~", ">", ">=", "<", "<="), label


def test_labelled_set_has_at_least_60_sentences() -> None:
    labels = _labels()
    assert len({(label.file, label.line) for label in labels}) >= 60


def test_recall_at_least_95_percent(score: Score) -> None:
    assert score.recall >= MIN_RECALL, "\n".join(score.misses)


def test_precision_at_least_90_percent(score: Score) -> None:
    assert score.precision >= MIN_PRECISION, "\n".join(score.spurious)


def test_periods_of_labelled_figures(score: Score) -> None:
    assert score.periods_right >= 0.8 * score.periods_labelled, "\n".join(score.misses)
