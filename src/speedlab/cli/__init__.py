"""The ``speedlab`` command: parses arguments and calls library functions, nothing more.

Each subcommand lives in its own module with a ``register(app)`` function; ``main(argv)``
turns every failure into a one-line message and an exit code, never a traceback. It is also
the one place where signals are handled: SIGTERM becomes a ``KeyboardInterrupt`` (see
:mod:`speedlab.cli._signals`), so Ctrl-C and ``kill`` stop a command the same way (exit codes
130 and 143), and running out of memory anywhere ends with one line and exit code 1.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from speedlab import __version__
from speedlab._exceptions import SpeedlabError
from speedlab.cli import bench, demo, fakehub, github, lesson, primes, spin
from speedlab.cli._help import Group, tidy_help
from speedlab.cli._options import usage_message
from speedlab.cli._signals import CommandInterrupted, interrupt_exit_code, terminate_as_interrupt

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="speedlab",
    help="Speed up Python programs with concurrency, and measure why one way wins.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)


def _show_version(value: bool) -> None:
    if value:
        print(f"speedlab {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_show_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Speed up Python programs with concurrency, and measure why one way wins."""


for _module in (lesson, primes, github, fakehub, demo, spin, bench):
    _module.register(app)
tidy_help(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:  # bare `speedlab`: the help, on standard error as for any usage error
        with contextlib.redirect_stdout(sys.stderr):
            main(["--help"])
        return 2
    try:
        with terminate_as_interrupt():
            result = app(args=args, prog_name="speedlab", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except CommandInterrupted as exc:  # Ctrl-C or SIGTERM a command did not handle itself
        print("\nspeedlab: interrupted", file=sys.stderr)
        return interrupt_exit_code(exc)
    except typer.Abort as exc:  # click's name for a KeyboardInterrupt that left a command
        print("speedlab: interrupted", file=sys.stderr)
        return interrupt_exit_code(exc)
    except KeyboardInterrupt as exc:
        print("\nspeedlab: interrupted", file=sys.stderr)
        return interrupt_exit_code(exc)
    except MemoryError:
        print("speedlab: error: out of memory", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        # What CPython raises when there is no memory left for another thread's stack.
        if "can't start new thread" not in str(exc):
            raise
        print("speedlab: error: out of memory (cannot start a thread)", file=sys.stderr)
        return 1
    except SpeedlabError as exc:
        print(f"speedlab: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except typer.exceptions.TyperException as exc:  # click's usage errors, re-exported by typer
        message = usage_message(exc)
        if not message:  # a command's no_args_is_help: typer already printed the help
            return exc.exit_code
        print(f"speedlab: error: {message}", file=sys.stderr)
        return exc.exit_code
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
