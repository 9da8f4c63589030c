"""Root of the ``aithesis`` command: global options and the one place errors are printed.

User errors (:class:`~aithesis.errors.AithesisError`) print ``error: <message>`` on
stderr and exit 1; ``--debug`` re-raises them with the traceback. Anything else is a bug:
it prints one line asking for a ``--debug`` rerun and exits 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from aithesis.cli._common import ROOT_OPTIONS
from aithesis.errors import AithesisError


def _flags_without_type() -> None:
    """Help lists an on/off flag as ``--debug``, not ``--debug <bool>`` (Typer's rich help
    shows the type of every option, flags included)."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        if self.is_flag and not self.count:
            return None
        return shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_without_type()

__all__ = ["app", "main"]


def _debug_enabled() -> bool:
    return bool(ROOT_OPTIONS.get("debug"))


def one_line(text: str) -> str:
    """``text`` with every character that is not printable (line and record separators
    such as ``\\n``, ``\\x1e``, ``\\u2028``, other control characters) written as its escape,
    so an error quoting a hostile cell is still exactly one line."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


class _AithesisGroup(TyperGroup):
    """Click group that turns our exceptions into one-line messages."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AithesisError as exc:
            if _debug_enabled():
                raise
            typer.echo(f"error: {one_line(str(exc))}", err=True)
            raise typer.Exit(1) from None
        except MemoryError as exc:
            if _debug_enabled():
                raise
            typer.echo(
                f"error: not enough memory for this ({exc or 'MemoryError'}); use fewer draws, "
                "a smaller grid or a shorter window",
                err=True,
            )
            raise typer.Exit(1) from None
        except BrokenPipeError:
            raise  # the reader of our output went away: main() ends quietly
        except KeyboardInterrupt:
            typer.echo("error: interrupted; nothing half-written was kept", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except Exception as exc:
            if _debug_enabled():
                raise
            typer.echo(
                f"error: internal error ({type(exc).__name__}: {exc}); "
                "rerun with --debug for the traceback and please report it",
                err=True,
            )
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_AithesisGroup,
    name="aithesis",
    help="Turn an AI investment thesis into numbers you can test.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="DuckDB store file for every subcommand."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks for errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            is_eager=True,
            callback=lambda value: _print_version(value),
        ),
    ] = False,
) -> None:
    """aithesis: thematic AI indexes, thesis models, KPI tracking and reports."""
    ROOT_OPTIONS.clear()
    ROOT_OPTIONS.update(store=store, debug=debug)


def _print_version(value: bool) -> None:
    if value:
        from aithesis import __version__

        typer.echo(f"aithesis {__version__}")
        raise typer.Exit()


def _register() -> None:
    from aithesis.cli import claims as claims_cli
    from aithesis.cli import data as data_cli
    from aithesis.cli import demo as demo_cli
    from aithesis.cli import index as index_cli
    from aithesis.cli import kpi as kpi_cli
    from aithesis.cli import model as model_cli
    from aithesis.cli import project as project_cli
    from aithesis.cli import report as report_cli
    from aithesis.cli import serve as serve_cli
    from aithesis.cli import sweep as sweep_cli
    from aithesis.cli import universe as universe_cli

    app.add_typer(data_cli.app, name="data", help="Import, pull, list and export price data.")
    app.add_typer(universe_cli.app, name="universe", help="The AI value-chain universe.")
    app.add_typer(index_cli.app, name="index", help="Build thematic indexes and compare them.")
    app.add_typer(
        model_cli.app,
        name="model",
        help="Thesis models: driver trees, scenarios, Monte Carlo, claim checks.",
    )
    app.add_typer(kpi_cli.app, name="kpi", help="KPI tracker: capex and other leading indicators.")
    app.command("init")(project_cli.init)
    app.command("build")(project_cli.build)
    app.command("report")(report_cli.report)
    app.command("serve")(serve_cli.serve)
    app.add_typer(
        sweep_cli.app,
        name="sweep",
        help="Parameter sweeps over index rules or model drivers (serial or on Dask).",
    )
    app.command("demo")(demo_cli.demo)
    app.add_typer(claims_cli.app, name="claims", help="Read an article: figures and coverage.")


_register()


def main() -> None:
    """Console-script entry point.

    Output piped into a reader that stops early (``aithesis data list --format csv |
    head``) ends quietly with status 1, as Python's documentation recommends, instead
    of a BrokenPipeError traceback.
    """
    try:
        app()
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()


def _quiet_broken_pipe() -> None:
    # Python flushes stdout again at exit; point it at devnull so that fails silently.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


if __name__ == "__main__":  # python -m aithesis.cli.main
    main()
