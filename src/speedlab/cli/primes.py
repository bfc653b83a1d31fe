"""The ``speedlab primes`` subcommand: print primes from the fast stream, or check numbers.

It only checks the arguments and writes what :mod:`speedlab.primes` produces.  Output is
streamed in blocks, so ``--count 100000000`` needs no more memory than ``--count 10``, and a
reader that stops early (``| head -3``) ends the command quietly instead of with a traceback.

``--check --model M`` runs the check as the CPU-bound job (:class:`~speedlab.jobs.primes.PrimeJob`)
under a concurrency model, and ``--compare`` runs it under every CPU model side by side
(:mod:`speedlab.cpu`); both import their machinery (and dask) only when they run.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from speedlab._exceptions import UsageError
from speedlab.cli._options import integer
from speedlab.cli._signals import interrupt_exit_code
from speedlab.jobs.primes import DEFAULT_NUMBERS
from speedlab.models import models_for
from speedlab.primes import Primality, first_primes, primality, primes_below

if TYPE_CHECKING:
    from speedlab.cpu import CpuComparison, CpuRow

__all__ = ["MAX_BELOW", "MAX_CHECK", "MAX_COUNT", "MAX_START", "register"]

# Upper bounds of the options: beyond them a run would take hours or exhaust memory, so an
# absurd number is refused at once instead.
MAX_COUNT = 10**8  # --count: the 10**8-th prime is 2,038,074,743; a few minutes of output
MAX_BELOW = 2 * 10**9  # --below: about 9.8e7 primes, the same order as MAX_COUNT
MAX_START = 10**14  # --start: the sieve then holds the ~664,000 primes below 10**7
MAX_CHECK = 10**15  # --check: trial division tries up to ~1.6e7 odd divisors (seconds)

_BLOCK = 4096  # primes formatted and written per write() call

_CPU_MODELS = models_for("cpu")

_HELP = f"""Print primes from the fast segmented-sieve stream, or check numbers.

Choose exactly one mode:

`speedlab primes --count 10` prints the first 10 primes (2 to 29), one per line; `--count 0` prints none, like range(0).

`speedlab primes --below 30` prints the primes below 30.

`speedlab primes --check 7 8 1` prints "7 is prime", "8 is composite" and "1 is neither prime nor composite" (0 and 1 are neither).

--start N (with --count or --below) begins at the first prime >= N. --json prints a JSON list instead; with --check, a list of {{"number": N, "primality": "..."}} objects.

The CPU-bound job: `speedlab primes --check 97 91 --model processes` checks the numbers by trial division as one job of units run by a concurrency model (the same lines, then a timing line on standard error). Without NUMBER it checks the job's {len(DEFAULT_NUMBERS)} default numbers, large primes and composites of about a second each.

`speedlab primes --compare` runs that job under every CPU model ({", ".join(_CPU_MODELS)}) and prints each one's time, speed-up against sequential, cores kept busy and why, and whether this Python is free-threaded. --concurrency N sets every model's workers (default: one per core); --scheduler tcp://HOST:8786 sends the dask model to a running cluster instead of a local one.

Numbers are integers in digits (1000, not 1e3), from 0 to a limit: --count {MAX_COUNT:,}; --below {MAX_BELOW:,}; --start {MAX_START:,}; checked numbers {MAX_CHECK:,}.
"""  # noqa: E501


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
        typer.Option(
            "--count",
            "-n",
            help="Print the first N primes (>= --start); 0 prints none.",
            metavar="N",
            parser=integer(0, MAX_COUNT),
        ),
    ] = None,
    below: Annotated[
        int | None,
        typer.Option(
            "--below",
            help="Print the primes below N (and >= --start).",
            metavar="N",
            parser=integer(0, MAX_BELOW),
        ),
    ] = None,
    start: Annotated[
        int | None,
        typer.Option(
            "--start",
            help="Begin at the first prime >= N (default 2).",
            metavar="N",
            parser=integer(0, MAX_START),
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Tell whether each NUMBER is prime, composite or neither."),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print a JSON list instead of lines (with --compare, one JSON object)."
        ),
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            metavar="MODEL",
            help="With --check: run the check as the CPU-bound job under this model: "
            f"{', '.join(_CPU_MODELS)} (--compare shows where each one computes, and how fast).",
            show_default=False,
        ),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="Run the CPU-bound job under every CPU model, side by side."
        ),
    ] = False,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-c",
            metavar="N",
            parser=integer(1),
            help="Workers of --model (default: the model's own) or of every model of --compare "
            "(default: one per core).",
            show_default=False,
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="A running dask scheduler (tcp://HOST:8786) for the dask model, instead of a "
            "local cluster started for the run.",
            show_default=False,
        ),
    ] = None,
    numbers: Annotated[
        list[int] | None,
        typer.Argument(
            help="The numbers to check (only with --check or --compare; with --model or "
            f"--compare the default is the CPU-bound job's {len(DEFAULT_NUMBERS)} numbers).",
            metavar="NUMBER",
            parser=integer(0, MAX_CHECK),
            show_default=False,
        ),
    ] = None,
) -> None:
    modes = [name for name, given in (("--count", count), ("--below", below)) if given is not None]
    modes += [name for name, given in (("--check", check), ("--compare", compare)) if given]
    if len(modes) > 1:
        raise UsageError(f"{' and '.join(modes)} cannot be used together; choose one")
    if not modes:
        hint = " (to check numbers, put --check before them)" if numbers else ""
        raise UsageError(f"choose one of --count N, --below N or --check NUMBER...{hint}")
    _check_job_options(modes[0], model, concurrency, scheduler)
    if numbers and not (check or compare):
        raise UsageError("numbers can only be given with --check or --compare")
    if (check or compare) and start is not None:
        raise UsageError(f"--start cannot be used with {modes[0]}")
    first = 2 if start is None else start

    out = sys.stdout
    if compare or model is not None:
        given = list(numbers or DEFAULT_NUMBERS)
        if compare:
            _compare(given, concurrency, scheduler, as_json=as_json, out=out)
        else:
            assert model is not None
            _check_with_model(given, model, concurrency, scheduler, as_json=as_json, out=out)
        return
    if check:
        if not numbers:
            raise UsageError("--check needs at least one number, e.g. --check 7 8 9")
        results = ((n, primality(n)) for n in numbers)
        if as_json:
            _write(_json_list(_json_check(n, kind) for n, kind in results), out)
        else:
            _write(_lines(f"{n} is {kind.value}" for n, kind in results), out)
        return
    if count is not None:
        primes = first_primes(count, start=first)
    else:
        assert below is not None  # exactly one mode was chosen above
        primes = primes_below(below, start=first)
    _write(_json_list(primes) if as_json else _lines(primes), out)


def _json_check(n: int, kind: Primality) -> str:
    return f'{{"number": {n}, "primality": "{kind.value}"}}'


def _check_job_options(
    mode: str, model: str | None, concurrency: int | None, scheduler: str | None
) -> None:
    """Refuse the CPU job's options where they mean nothing."""
    if model is not None:
        if mode != "--check":
            raise UsageError(f"--model only applies to --check, not {mode}")
        if model not in _CPU_MODELS:
            raise UsageError(f"--model {model!r} is not one of {', '.join(_CPU_MODELS)}")
    runs_a_job = mode == "--compare" or model is not None
    for option, value in (("--concurrency", concurrency), ("--scheduler", scheduler)):
        if value is not None and not runs_a_job:
            raise UsageError(f"{option} only applies to --check with --model, or --compare")
    if scheduler is not None:
        if not scheduler.strip():
            raise UsageError("--scheduler needs an address, e.g. tcp://127.0.0.1:8786")
        if model is not None and model != "dask":
            raise UsageError(f"--scheduler only applies to --model dask, not {model}")


def _kind(n: int, prime: bool) -> Primality:
    if n < 2:
        return Primality.NEITHER
    return Primality.PRIME if prime else Primality.COMPOSITE


def _check_with_model(
    numbers: list[int],
    model: str,
    concurrency: int | None,
    scheduler: str | None,
    *,
    as_json: bool,
    out: TextIO,
) -> None:
    """Check ``numbers`` as the CPU-bound job under ``model``; the same lines as --check."""
    from speedlab.cpu import run_cpu_model
    from speedlab.jobs.primes import PrimeJob
    from speedlab.models import RunInterrupted

    interrupted, code = False, 130
    try:
        result = run_cpu_model(
            model, PrimeJob(numbers=numbers), concurrency=concurrency, scheduler=scheduler
        )
    except RunInterrupted as stopped:
        result, interrupted, code = stopped.result, True, interrupt_exit_code(stopped)
    except KeyboardInterrupt as exc:  # before the run began (a cluster starting): nothing shown
        print("speedlab: interrupted before any number was checked", file=sys.stderr)
        raise typer.Exit(interrupt_exit_code(exc)) from None
    answers = {
        int(str(r.data["number"])): bool(r.data["prime"])
        for r in result.records
        if r.status == "done"
    }
    results = [(n, _kind(n, answers[n])) for n in numbers if n in answers]
    if as_json:
        _write(_json_list(_json_check(n, kind) for n, kind in results), out)
    else:
        _write(_lines(f"{n} is {kind.value}" for n, kind in results), out)
    workers = f"{result.concurrency} worker{'s' if result.concurrency != 1 else ''}"
    if interrupted:
        print(
            f"speedlab: interrupted; {len(results)} of {len(numbers)} numbers checked",
            file=sys.stderr,
        )
        raise typer.Exit(code)
    print(
        f"speedlab: checked {len(numbers)} numbers in {result.wall_seconds:.2f} s "
        f"under {model} ({workers})",
        file=sys.stderr,
    )
    for record in result.failed_records:
        print(f"speedlab: error: {record.key}: {record.detail}", file=sys.stderr)
    if result.failures:
        raise typer.Exit(1)


def _row_line(row: CpuRow) -> str:
    result = row.result
    if result is None:
        return f"{row.model:<18} {'-':>7} {'-':>8} {'-':>8} {'-':>6}  not run: {row.error}"
    speedup = "-" if row.speedup is None else f"{row.speedup:.2f}x"
    busy = "-" if row.cores_busy is None else f"{row.cores_busy:.2f}"
    return (
        f"{row.model:<18} {result.concurrency:>7} {result.wall_seconds:>8.2f} {speedup:>8} "
        f"{busy:>6}  {row.reason}"
    )


def _compare(
    numbers: list[int],
    concurrency: int | None,
    scheduler: str | None,
    *,
    as_json: bool,
    out: TextIO,
) -> None:
    """Run the CPU-bound job under every CPU model; print a row as each one ends."""
    from speedlab.cpu import compare, interpreter

    def show(row: CpuRow) -> None:
        if not as_json:
            _write([_row_line(row) + "\n"], out)

    if not as_json:
        _write(
            [
                f"The CPU-bound job: is_prime of {len(set(numbers))} numbers by trial division, "
                f"under {len(_CPU_MODELS)} models.\n",
                f"Python: {interpreter().describe()}\n",
                f"{'model':<18} {'workers':>7} {'seconds':>8} {'speedup':>8} {'cores':>6}  "
                "where the work runs\n",
            ],
            out,
        )
    try:
        report = compare(numbers, concurrency=concurrency, scheduler=scheduler, on_row=show)
    except KeyboardInterrupt as exc:  # RunInterrupted too: the rows so far are printed
        print("speedlab: interrupted", file=sys.stderr)
        raise typer.Exit(interrupt_exit_code(exc)) from None
    if as_json:
        _write([json.dumps(report.to_dict(), indent=2) + "\n"], out)
    else:
        _write([_verdict(report) + "\n"], out)
    if not report.agree:
        raise typer.Exit(1)


def _verdict(report: CpuComparison) -> str:
    if not report.agree:
        return "the models DISAGREE: some gave other answers, or fewer (a bug)"
    ran = [row for row in report.rows if row.result is not None]
    primes = sum(prime for _, prime in ran[0].answers) if ran else 0
    return (
        f"every model that ran gave the same answers ({primes} prime, "
        f"{len(report.numbers) - primes} not)"
    )


def register(app: typer.Typer) -> None:
    """Add ``speedlab primes`` to ``app``.

    Example:
        speedlab primes --count 10 | tail -1     # 29
    """
    app.command("primes", help=_HELP, no_args_is_help=False)(primes_command)
