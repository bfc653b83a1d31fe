"""The ``speedlab primes`` subcommand: print primes from the fast stream, or check numbers.

It only checks the arguments and writes what :mod:`speedlab.primes` produces.  Output is
streamed in blocks, so ``--count 100000000`` needs no more memory than ``--count 10``, and a
reader that stops early (``| head -3``) ends the command quietly instead of with a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Annotated, TextIO

import typer

from speedlab._exceptions import UsageError
from speedlab.primes import Primality, first_primes, primality, primes_below

__all__ = ["MAX_BELOW", "MAX_CHECK", "MAX_COUNT", "MAX_START", "register"]

# Upper bounds of the options: beyond them a run would take hours or exhaust memory, so an
# absurd number is refused at once instead.
MAX_COUNT = 10**8  # --count: the 10**8-th prime is 2,038,074,743; a few minutes of output
MAX_BELOW = 2 * 10**9  # --below: about 9.8e7 primes, the same order as MAX_COUNT
MAX_START = 10**14  # --start: the sieve then holds the ~664,000 primes below 10**7
MAX_CHECK = 10**15  # --check: trial division tries up to ~1.6e7 odd divisors (seconds)

_BLOCK = 4096  # primes formatted and written per write() call

_HELP = f"""Print primes from the fast segmented-sieve stream, or check numbers.

Choose exactly one mode:

`speedlab primes --count 10` prints the first 10 primes (2 to 29), one per line.

`speedlab primes --below 30` prints the primes below 30.

`speedlab primes --check 7 8 1` prints "7 is prime", "8 is composite" and "1 is neither prime nor composite" (0 and 1 are neither).

--start N (with --count or --below) begins at the first prime >= N. --json prints a JSON list instead; with --check, a list of {{"number": N, "primality": "..."}} objects.

Limits: numbers must be >= 0; --count <= {MAX_COUNT:,}; --below <= {MAX_BELOW:,}; --start <= {MAX_START:,}; checked numbers <= {MAX_CHECK:,}.
"""  # noqa: E501


def _checked(value: int, option: str, maximum: int) -> int:
    if value < 0:
        raise UsageError(f"{option} must be >= 0, got {value}")
    if value > maximum:
        raise UsageError(f"{option} must be <= {maximum:,}, got {value:,}")
    return value


def _lines(values: Iterable[object]) -> Iterator[str]:
    """Format ``values`` one per line, a block of lines per string."""
    iterator = iter(values)
    while block := list(islice(iterator, _BLOCK)):
        yield "".join(f"{value}\n" for value in block)


def _json_list(values: Iterable[object]) -> Iterator[str]:
    """Format ``values`` (already JSON text) as one JSON list, a block of items per string."""
    iterator = iter(values)
    separator = "["
    while block := list(islice(iterator, _BLOCK)):
        yield separator + ", ".join(map(str, block))
        separator = ", "
    yield "[]\n" if separator == "[" else "]\n"


def _write(chunks: Iterable[str], out: TextIO) -> None:
    """Write ``chunks`` to ``out``; if the reader has gone away, stop quietly (exit code 1).

    This is the recipe of Python's documentation for SIGPIPE: point stdout at devnull so that
    the interpreter's final flush does not raise again, then exit with 1.
    """
    try:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        except (OSError, ValueError):  # not a real file (captured in tests): nothing to redirect
            pass
        raise typer.Exit(1) from None


def primes_command(
    count: Annotated[
        int | None,
        typer.Option("--count", "-n", help="Print the first N primes (>= --start).", metavar="N"),
    ] = None,
    below: Annotated[
        int | None,
        typer.Option("--below", help="Print the primes below N (and >= --start).", metavar="N"),
    ] = None,
    start: Annotated[
        int | None,
        typer.Option("--start", help="Begin at the first prime >= N (default 2).", metavar="N"),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Tell whether each NUMBER is prime, composite or neither."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list instead of lines.")
    ] = False,
    numbers: Annotated[
        list[int] | None,
        typer.Argument(
            help="The numbers to check (only with --check).",
            metavar="NUMBER",
            show_default=False,
        ),
    ] = None,
) -> None:
    modes = [name for name, given in (("--count", count), ("--below", below)) if given is not None]
    if check:
        modes.append("--check")
    if len(modes) > 1:
        raise UsageError(f"{' and '.join(modes)} cannot be used together; choose one")
    if not modes:
        hint = " (to check numbers, put --check before them)" if numbers else ""
        raise UsageError(f"choose one of --count N, --below N or --check NUMBER...{hint}")
    if numbers and not check:
        raise UsageError("numbers can only be given with --check")
    if check and start is not None:
        raise UsageError("--start cannot be used with --check")
    first = 2 if start is None else _checked(start, "--start", MAX_START)

    out = sys.stdout
    if check:
        if not numbers:
            raise UsageError("--check needs at least one number, e.g. --check 7 8 9")
        checked = [_checked(n, "a checked number", MAX_CHECK) for n in numbers]
        results = ((n, primality(n)) for n in checked)
        if as_json:
            _write(_json_list(_json_check(n, kind) for n, kind in results), out)
        else:
            _write(_lines(f"{n} is {kind.value}" for n, kind in results), out)
        return
    if count is not None:
        primes = first_primes(_checked(count, "--count", MAX_COUNT), start=first)
    else:
        assert below is not None  # exactly one mode was chosen above
        primes = primes_below(_checked(below, "--below", MAX_BELOW), start=first)
    _write(_json_list(primes) if as_json else _lines(primes), out)


def _json_check(n: int, kind: Primality) -> str:
    return f'{{"number": {n}, "primality": "{kind.value}"}}'


def register(app: typer.Typer) -> None:
    """Add ``speedlab primes`` to ``app``.

    Example:
        speedlab primes --count 10 | tail -1     # 29
    """
    app.command("primes", help=_HELP, no_args_is_help=False)(primes_command)
