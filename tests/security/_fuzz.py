"""Grammar-based fuzzing of spec files (model YAML, methodology YAML) through the CLI.

Not a test module: ``test_fuzz_specs.py`` loads it. Cases are generated from a fixed seed
(reproducible: a failing case is named by its id and its YAML is printed) by mutating a
valid base spec: leaves replaced by hostile YAML fragments (NaN, inf, 1e308, 10**400,
Rich markup, ``9**9**9``, deep nesting, tags, aliases, bad dates), keys dropped or
added, formulas drawn from a small expression grammar (known and unknown names and
functions, attribute access, huge powers), and text-level damage (truncation, a stray
character, a duplicated or re-indented line).

Run as a script, it is the child process: ``python _fuzz.py CASES.json RESULTS.jsonl
[AS|DATA]`` limits its memory to 1 GB, runs each case's command through the real Typer app
(``aithesis.cli.main.app``, so exit codes and error printing are the CLI's own), stops a
case after 10 s of CPU time, and writes one JSON line per case as it goes (so a hang
names its case).
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

MEMORY_LIMIT = 1 << 30  # bytes of address space in the child
CASE_SECONDS = 10

NUMBERS = [
    "0", "-1", "1", "1e-320", "5e-324", "1e308", "-1e308", "1.8e308", "-1.8e308", ".nan",
    ".inf", "-.inf", "1" + "0" * 400, "-" + "9" * 400, "0x1F", "1_000", "0o17", "+12",
    "'١٢٣'", "'１２３'", "1e23", "10000001", "-0.0", "0.5", "2", "3",
]  # fmt: skip
STRINGS = [
    '""', '" "', '"[/x]"', '"[bold]x"', '"[link=file:///etc]x[/link]"', '"9**9**9"',
    '"USD_bn**99999999"', '"USD_bn^12^12"', '"(((((USD)))))"', '"1 9**9**9"', '"furlong"',
    '"USD_bn/year"', '"percent"', '"GPU*hour"', '"%"', '"m**-3"', '"中文 ± µ"',
    '"\\0"', '"\\ud800"', '"\\x1b[31mred"', '"' + "x" * 3000 + '"', '"../../etc/passwd"',
    "'${HOME}'", '"{0.__class__}"', '"%s%s%s"', '"nan"', '"inf"',
]  # fmt: skip
STRUCTURES = [
    "[]", "{}", "[1, 2]", "[5, 1]", "[1, 2, 3]", "[.nan, 1]", "[1, .inf]", "{a: 1}",
    "null", "~", "true", "no", "2022-02-30", "2023-01-03", "2023-01-03T20:00Z",
    "!!binary aGVsbG8=", "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system", "!!set {a, b}", "!!omap [a: 1]", "&anchor [1]",
    "*undefined", "[" * 80 + "]" * 80, "{a: {b: {c: {d: {e: [1]}}}}}",
]  # fmt: skip
FRAGMENTS = NUMBERS + STRINGS + STRUCTURES
DAMAGE = ":-[]{}&*!|>'\"%@`#\t,?\\"
KEYS = ["__class__", "log", "a b", "", "x" * 300, "中文", "[/x]", "1abc", "drivers", "yes"]

OPTION_VALUES = [
    "1", "0", "-1", "2.5", "1e23", "1e400", "nan", "-inf", "1_000", "abc", "", "[/x]",
    "1 9**9**9", "1 USD_mn", "1 [/x]", "1 furlong", "1 kWh", "5 USD_tn",
]  # fmt: skip

FUNCTIONS = ["min", "max", "log", "exp", "sqrt", "abs", "where", "clip", "eval", "__import__"]


class Raw(str):
    """A YAML fragment inserted as written."""


def render(value: Any) -> str:
    """Flow-style YAML of ``value``; :class:`Raw` leaves are inserted verbatim."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render(k)}: {render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def document(spec: dict[str, Any]) -> str:
    """Block-style top level, flow-style below (one line per top-level key or item)."""
    lines = []
    for key, value in spec.items():
        if isinstance(value, dict) and value and not isinstance(value, Raw):
            lines.append(f"{render(key)}:")
            lines.extend(f"  {render(k)}: {render(v)}" for k, v in value.items())
        elif isinstance(value, list) and value:
            lines.append(f"{render(key)}:")
            lines.extend(f"  - {render(v)}" for v in value)
        else:
            lines.append(f"{render(key)}: {render(value)}")
    return "\n".join(lines) + "\n"


def expression(rng: random.Random, names: list[str], depth: int = 0) -> str:
    """A formula from a small grammar: mostly valid, sometimes hostile."""
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(
            [*names, *names, "zz", "1", "0", "2.5", "1e308", "9" * 30, "True", "'s'", "_x"]
        )
    if roll < 0.6:
        op = rng.choice(["+", "-", "*", "/", "**", "<", ">=", "==", "and", "%", "//", "@"])
        return f"({expression(rng, names, depth + 1)} {op} {expression(rng, names, depth + 1)})"
    if roll < 0.85:
        fn = rng.choice(FUNCTIONS)
        args = ", ".join(expression(rng, names, depth + 1) for _ in range(rng.randint(0, 3)))
        return f"{fn}({args})"
    return rng.choice(
        [
            "a.real",
            "a[0]",
            "(lambda: 1)()",
            "9**9**9",
            "a**a**a**a",
            "(" * 300 + "a" + ")" * 300,
            "+".join(["a"] * 3000),
            "[x for x in a]",
            "f'{a}'",
            "a if b else c",
            "-" * 500 + "a",
        ]
    )


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict) and not isinstance(value, Raw):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _parent(spec: Any, path: tuple) -> Any:
    for part in path[:-1]:
        spec = spec[part]
    return spec


def mutate(spec: dict[str, Any], rng: random.Random, names: list[str]) -> dict[str, Any]:
    """One to three mutations of a deep copy of ``spec``.

    Mixes hostile fragments anywhere with milder changes that keep many files valid (a
    number for a number, a formula from the grammar), so both the refusals and the
    code that runs on odd but valid values are reached.
    """
    spec = json.loads(json.dumps(spec))
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        paths = _paths(spec)
        numeric = [p for p in paths if _is_number(_parent(spec, p)[p[-1]])]
        texts = [p for p in paths if isinstance(_parent(spec, p)[p[-1]], str)]
        roll = rng.random()
        if roll < 0.3 and numeric:
            path = rng.choice(numeric)
            value = rng.choice(NUMBERS[:12]) if rng.random() < 0.5 else repr(rng.uniform(-9, 9))
            _parent(spec, path)[path[-1]] = Raw(value)
            continue
        if roll < 0.55 and texts:
            path = rng.choice(texts)
            hostile = Raw(rng.choice(STRINGS)) if rng.random() < 0.5 else None
            _parent(spec, path)[path[-1]] = hostile or expression(rng, names)
            continue
        path = rng.choice(paths)
        parent, last = _parent(spec, path), path[-1]
        if roll < 0.8:
            parent[last] = Raw(rng.choice(FRAGMENTS))
        elif roll < 0.88 and isinstance(parent, dict):
            del parent[last]
        elif roll < 0.96 and isinstance(parent, dict):
            parent[rng.choice(KEYS)] = Raw(rng.choice(FRAGMENTS))
        elif isinstance(parent, list):
            parent.append(parent[last])
    return spec


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def damage(text: str, rng: random.Random) -> str:
    """Text-level damage to a rendered document."""
    lines = text.splitlines(keepends=True)
    roll = rng.random()
    if roll < 0.25:
        return text[: rng.randrange(len(text))]
    if roll < 0.5:
        i = rng.randrange(len(text))
        return text[:i] + rng.choice(DAMAGE) + text[i:]
    if roll < 0.7:
        i = rng.randrange(len(lines))
        return "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
    if roll < 0.85:
        i = rng.randrange(len(lines))
        lines[i] = "   " + lines[i]
        return "".join(lines)
    return text.replace("\n", "\r\n") if roll < 0.92 else "\ufeff" + text


def cases(base: dict[str, Any], names: list[str], count: int, seed: int) -> list[tuple[int, str]]:
    """``count`` reproducible ``(id, yaml_text)`` cases around ``base``."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        text = document(mutate(base, rng, names))
        if rng.random() < 0.3:
            text = damage(text, rng)
        out.append((i, text))
    return out


def _child(cases_path: str, results_path: str, limit: str = "AS") -> None:
    """Run a batch; ``limit`` is ``AS`` (address space) or ``DATA`` (allocated memory).

    DuckDB reserves about 2 GB of address space it never touches, so a 1 GB RLIMIT_AS
    makes it fail at random; commands that open the store run under RLIMIT_DATA (writable
    private memory: the heap and NumPy's arrays), which bounds what is really allocated.
    """
    import resource
    import signal
    import time

    which = resource.RLIMIT_AS if limit == "AS" else resource.RLIMIT_DATA
    resource.setrlimit(which, (MEMORY_LIMIT, MEMORY_LIMIT))

    class CaseTimeout(BaseException):  # not an Exception: the CLI must not catch it
        pass

    def alarm(signum: int, frame: Any) -> None:
        raise CaseTimeout

    # CPU time, not wall time: the machine may be shared, and a hang burns CPU too; a
    # wall-clock alarm six times longer catches a case that waits without computing
    signal.signal(signal.SIGPROF, alarm)
    signal.signal(signal.SIGALRM, alarm)
    from typer.testing import CliRunner

    from aithesis.cli.main import app

    runner = CliRunner()
    with open(cases_path, encoding="utf-8") as f:
        batch = json.load(f)
    with open(results_path, "w", encoding="utf-8") as out:
        for case in batch:
            start, cpu = time.perf_counter(), time.process_time()
            signal.setitimer(signal.ITIMER_PROF, CASE_SECONDS)
            signal.alarm(6 * CASE_SECONDS)
            try:
                res = runner.invoke(app, case["args"])
                code, output = res.exit_code, res.output
                exc = res.exception
                if exc is not None and not isinstance(exc, SystemExit):
                    output += f"\nTraceback: uncaught {type(exc).__name__}: {exc}"
            except CaseTimeout:
                code, output = -1, f"stopped after {CASE_SECONDS} s of CPU"
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.alarm(0)
            record = {
                "id": case["id"],
                "exit": code,
                "seconds": time.perf_counter() - start,
                "cpu": time.process_time() - cpu,
                "output": output if len(output) < 4000 else output[:2000] + output[-2000:],
            }
            out.write(json.dumps(record) + "\n")
            out.flush()


if __name__ == "__main__":
    _child(*sys.argv[1:4])
