"""The ``speedlab github`` subcommand: the lecture's downloader, under any concurrency model.

It only turns options into a :class:`~speedlab.jobs.github.GitHubJob`, runs it with
:func:`~speedlab.models.run_model`, shows it with :class:`~speedlab.progress.RunProgress`, and
turns the result into lines and an exit code (0 all done, 1 a keyword failed or memory ran
out, 2 bad input or an unusable --out, 130 Ctrl-C, 143 SIGTERM). The token is read from the
environment only and never printed: everything shown (progress, summary, ``--json``) goes
through one :class:`~speedlab._text.Redactor` holding it.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from speedlab._constants import DEFAULT_MAX_RESPONSE_BYTES
from speedlab._exceptions import UsageError
from speedlab._text import NO_SECRETS, Redactor, plural
from speedlab._trust import CA_FILE_ENV, ca_file_from_env
from speedlab.cli._options import integer, seconds
from speedlab.cli._signals import interrupt_exit_code
from speedlab.jobs.github._origin import same_origin
from speedlab.jobs.github._query import (
    DEFAULT_API_URL,
    DEFAULT_KEYWORDS,
    DEFAULT_OUT_DIR,
    MAX_PER_PAGE,
    MAX_RESPONSE_LIMIT,
    MAX_TIMEOUT,
    MAX_WAIT,
    SearchConfig,
    Secret,
    token_from_env,
)
from speedlab.models import DEFAULT_LOOP, MODELS, RunInterrupted, RunResult, models_for

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_TOKEN_ENV",
    "MODEL_METAVAR",
    "OutputFormatName",
    "check_model",
    "model_help",
    "register",
]

#: The model used without ``--model``: threads overlap the network waits with plain requests.
DEFAULT_MODEL = "threads"
#: The variable the token is read from without ``--token-env``.
DEFAULT_TOKEN_ENV = "GITHUB_TOKEN"

_DEFAULTS = SearchConfig()
_NOUN = "search"


#: The models this command offers: the registry's for I/O-bound jobs. Any other is accepted
#: too; dask then refuses the job in one line (its rate gate cannot be shared across machines).
_OFFERED = models_for("io")


def model_help(what: str) -> str:
    """Return an option's help listing the offered models with their one-line summaries."""
    models = "; ".join(f"{name}: {MODELS[name].summary}" for name in _OFFERED)
    return f"{what} ({models})."


#: The placeholder shown in ``--help``: the choices are listed in the option's help, since a
#: list of every model is too wide for the placeholder column of an 80-column terminal.
MODEL_METAVAR = "MODEL"


def check_model(name: str) -> str:
    """Accept only a model of the registry (an option callback).

    Raises:
        typer.BadParameter: not a model of the registry (the offered ones are named).
    """
    if name not in MODELS:
        raise typer.BadParameter(f"{name!r} is not one of {', '.join(_OFFERED)}")
    return name


class OutputFormatName(StrEnum):
    """The output file formats."""

    list = "list"
    json = "json"


_DEFAULT_FORMAT = OutputFormatName(_DEFAULTS.format)


def _token(var: str | None, api: str) -> Secret | None:
    """Read the token: optional from $GITHUB_TOKEN, required from an explicit ``--token-env``.

    The implicit $GITHUB_TOKEN goes to api.github.com only: a token exported for GitHub must
    not reach whatever server ``--api`` names unless the user says so with ``--token-env``.
    """
    if var is None:
        token = token_from_env(DEFAULT_TOKEN_ENV)
        if token is not None and not same_origin(api, DEFAULT_API_URL):
            print(
                f"speedlab: note: ${DEFAULT_TOKEN_ENV} is only sent to {DEFAULT_API_URL}; "
                f"to send it to {api}, add --token-env {DEFAULT_TOKEN_ENV}",
                file=sys.stderr,
            )
            return None
        return token
    if not var.strip():
        raise UsageError("--token-env needs the name of an environment variable")
    token = token_from_env(var)
    if token is None:
        # Name the variable, never a value.
        raise UsageError(f"--token-env {var}: the environment variable {var} is not set or empty")
    return token


def github(
    keywords: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KEYWORD",
            help="What to search for, each with language:python. "
            f"Default: the lecture's eight ({' '.join(DEFAULT_KEYWORDS)}).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            metavar=MODEL_METAVAR,
            callback=check_model,
            help=model_help("Concurrency model that runs the searches"),
        ),
    ] = DEFAULT_MODEL,
    loop: Annotated[
        str,
        typer.Option(
            "--loop",
            metavar="LOOP",
            help="Event loop of the asyncio model: asyncio's own, or uvloop (libuv's, from the "
            "uvloop extra of speedlab; not on Windows). Other models take only the default.",
        ),
    ] = DEFAULT_LOOP,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-c",
            metavar="N",
            parser=integer(1),
            help="Searches at once (default: the model's own: "
            + ", ".join(f"{name} {MODELS[name].default_concurrency}" for name in _OFFERED)
            + "). The rate limit, not this, bounds the speed against the real API.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Directory of the result files, one per keyword."),
    ] = DEFAULT_OUT_DIR,
    api: Annotated[
        str,
        typer.Option(
            "--api",
            help=f"Base URL of the API: the real GitHub ({DEFAULT_API_URL}) by default; "
            "point it at fakehub (e.g. http://127.0.0.1:8000) to run offline.",
            show_default=False,
        ),
    ] = DEFAULT_API_URL,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            "--ca-file",
            metavar="PATH",
            help="A PEM file of CA certificates to trust for HTTPS instead of the default "
            f"store (a company proxy's CA, a test CA); default: ${CA_FILE_ENV} if set. "
            "Certificates and host names are always verified, under every model.",
            show_default=False,
        ),
    ] = None,
    token_env: Annotated[
        str | None,
        typer.Option(
            "--token-env",
            metavar="VAR",
            help=f"Read the token from environment variable VAR (default: {DEFAULT_TOKEN_ENV}, "
            f"if set, and only for {DEFAULT_API_URL}; without a token GitHub allows 10 "
            "searches a minute, with one 30). The token is never passed on the command line "
            "and never printed.",
            show_default=False,
        ),
    ] = None,
    per_page: Annotated[
        int,
        typer.Option(
            "--per-page",
            metavar="N",
            parser=integer(1, MAX_PER_PAGE),
            help=f"Results per page (1 to {MAX_PER_PAGE}).",
        ),
    ] = _DEFAULTS.per_page,
    pages: Annotated[
        int,
        typer.Option(
            "--pages",
            metavar="N",
            parser=integer(1),
            help="Pages per keyword, following Link rel=next.",
        ),
    ] = _DEFAULTS.pages,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            parser=seconds(MAX_TIMEOUT, above=0),
            help="Seconds to wait for one response.",
        ),
    ] = _DEFAULTS.timeout,
    retries: Annotated[
        int,
        typer.Option(
            "--retries",
            metavar="N",
            parser=integer(0),
            help="Retries of a request after a timeout, a dropped connection or a 5xx.",
        ),
    ] = _DEFAULTS.retries,
    max_wait: Annotated[
        float,
        typer.Option(
            "--max-wait",
            metavar="SECONDS",
            parser=seconds(MAX_WAIT),
            help="Seconds one keyword may spend waiting (rate limits, backoff) before it fails.",
        ),
    ] = _DEFAULTS.max_wait,
    reset_margin: Annotated[
        float,
        typer.Option(
            "--reset-margin",
            metavar="SECONDS",
            parser=seconds(),
            help="Seconds to wait past x-ratelimit-reset before trying again.",
        ),
    ] = _DEFAULTS.reset_margin,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            metavar="N",
            parser=integer(),
            help="Seed of the retry jitter, so a run can be replayed.",
        ),
    ] = _DEFAULTS.seed,
    max_response_bytes: Annotated[
        int,
        typer.Option(
            "--max-bytes",
            metavar="BYTES",
            parser=integer(1, MAX_RESPONSE_LIMIT),
            help="The most one response may weigh, as received and once decompressed "
            f"(default {DEFAULT_MAX_RESPONSE_BYTES // 2**20} MiB; a 100-item page is about "
            "0.5 MB). A larger response fails its keyword at once, without a retry.",
            show_default=False,
        ),
    ] = _DEFAULTS.max_response_bytes,
    output_format: Annotated[
        OutputFormatName,
        typer.Option(
            "--format",
            help="File format: 'list' is the lecture's str(list) of owner ids; 'json' adds the "
            "keyword, total_count, incomplete_results and fetched_at.",
        ),
    ] = _DEFAULT_FORMAT,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--no-resume",
            help="Skip keywords whose file an earlier run already saved.",
        ),
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Search every keyword again, even if saved.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Show no progress.")] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the run's full record (every keyword's timing, worker, attempts) as "
            "JSON on standard output; progress, if any, goes to standard error.",
        ),
    ] = False,
) -> None:
    """Search GitHub for Python repositories per keyword and save the owners' ids.

    One file per keyword in --out, written atomically. A keyword saved by an
    earlier run is skipped (--force searches it again). The run ends with
    "N searches done in X.XXs"; the exit code is 1 if any keyword failed.
    --out is checked before the first request. Each response is bounded by
    --timeout (the whole response) and --max-bytes. Ctrl-C or SIGTERM
    stop every worker and keep what was saved (exit 130 or 143).

    Real API (a token raises the limit from 10 to 30 searches a minute):

      export GITHUB_TOKEN=...     # or --token-env SOME_OTHER_VARIABLE
      speedlab github torch ML --model asyncio --loop uvloop

    Offline, against the simulator:

      speedlab fakehub --port 8000 &
      speedlab github --api http://127.0.0.1:8000 --concurrency 8

    Over HTTPS with a CA of your own:

      speedlab github --api https://127.0.0.1:8443 --ca-file ca.pem
    """
    # Imported here, not at the top: `speedlab --help` must not pay for the job and rich.
    from speedlab.jobs.github._job import GitHubJob
    from speedlab.models import run_model
    from speedlab.progress import RunProgress, choose_mode

    MODELS[model].check_loop(loop)  # an unknown loop, or uvloop with threads: one line
    config = SearchConfig(
        api=api,
        token=_token(token_env, api),
        per_page=per_page,
        pages=pages,
        timeout=timeout,
        retries=retries,
        max_wait=max_wait,
        reset_margin=reset_margin,
        format=output_format.value,
        out_dir=out,
        seed=seed,
        max_response_bytes=max_response_bytes,
        ca_file=str(ca_file) if ca_file is not None else ca_file_from_env(),
    )
    redactor = Redactor(config.token.reveal()) if config.token is not None else NO_SECRETS
    job = GitHubJob(
        keywords=keywords or DEFAULT_KEYWORDS, config=config, resume=resume, force=force
    )
    progress_stream = sys.stderr if as_json else sys.stdout
    mode = choose_mode(progress_stream, quiet=quiet)
    interrupted: int | None = None  # the exit code of an interruption
    with RunProgress(mode, stream=progress_stream, noun=_NOUN, redactor=redactor) as progress:
        try:
            result = run_model(model, job, concurrency=concurrency, on_event=progress, loop=loop)
        except RunInterrupted as stopped:
            result = stopped.result
            interrupted = interrupt_exit_code(stopped)
        except KeyboardInterrupt as exc:
            # A Ctrl-C that landed while the model was already cleaning up after another
            # one: the model joined what it could; files on disk are whole (atomic writes).
            print(
                "speedlab: interrupted while stopping; files already saved are complete "
                "(run again to resume)",
                file=sys.stderr,
            )
            raise typer.Exit(interrupt_exit_code(exc)) from None
    _report(result, as_json=as_json, redactor=redactor)
    if interrupted is not None:
        print(
            f"speedlab: interrupted; {plural(result.done, _NOUN)} saved, the others were not "
            "(run again to resume)",
            file=sys.stderr,
        )
        raise typer.Exit(interrupted)
    if result.failures:
        raise typer.Exit(1)


def _report(result: RunResult, *, as_json: bool, redactor: Redactor) -> None:
    import json

    from speedlab.progress import failure_summary, final_line

    if as_json:
        # Cleaned value by value (the keys of a record too): json.dumps alone would let C1
        # control characters through, and a token split by an escape would slip past.
        print(json.dumps(redactor.clean_data(result.to_dict()), indent=2, ensure_ascii=False))
        return
    print(final_line(result, noun=_NOUN))
    summary = failure_summary(result, noun=_NOUN)
    if summary is not None:
        print(f"speedlab: {redactor.clean(summary)}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    """Add ``github`` to ``app``."""
    app.command("github")(github)
