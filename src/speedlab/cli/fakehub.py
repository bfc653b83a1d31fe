"""The ``speedlab fakehub`` subcommand: run the GitHub search simulator in the foreground.

It only turns options into a :class:`~speedlab.fakehub.FakeHubConfig` and calls
:func:`speedlab.fakehub.serve`; every check (probabilities, ``N/SECONDS``, loopback only) lives in
the library so that scripts get the same errors as the command line.

Stopping: Ctrl-C (SIGINT) or SIGTERM stops the server cleanly, prints the final statistics and
exits with code 0 -- stopping is the normal way for a server to end, not a failure.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from speedlab._exceptions import UsageError
from speedlab.cli._options import integer, probability, seconds
from speedlab.fakehub import (
    DEFAULT_HOST,
    DEFAULT_NULL_OWNER_RATE,
    DEFAULT_SECONDARY_RETRY_AFTER,
    DEFAULT_WINDOW,
    REALISTIC_AUTHENTICATED_LIMIT,
    REALISTIC_UNAUTHENTICATED_LIMIT,
)

__all__ = ["fakehub", "register"]

_FAULTS = "Faults (probabilities are exclusive; their sum must be <= 1)"
_LIMITS = "Rate limits"
_SERVING = "Serving (TLS, public URL)"
_MAX_PORT = 65535
_LIMIT_STATUSES = (403, 429)


def fakehub(
    host: Annotated[
        str, typer.Option(help="Loopback address to bind (127.0.0.1, ::1 or localhost).")
    ] = DEFAULT_HOST,
    port: Annotated[
        int,
        typer.Option(
            help="TCP port; 0 picks a free one.", metavar="PORT", parser=integer(0, _MAX_PORT)
        ),
    ] = 0,
    latency: Annotated[
        float,
        typer.Option(
            help="Seconds added to every search response.", metavar="SECONDS", parser=seconds()
        ),
    ] = 0.0,
    jitter: Annotated[
        float,
        typer.Option(
            help="Extra uniform random delay of 0 to SECONDS.",
            metavar="SECONDS",
            parser=seconds(),
        ),
    ] = 0.0,
    rate_limit: Annotated[
        str | None,
        typer.Option(
            help="Requests per fixed window for every identity, e.g. 30/60. Default: unlimited.",
            metavar="N/SECONDS",
            rich_help_panel=_LIMITS,
        ),
    ] = None,
    realistic: Annotated[
        bool,
        typer.Option(
            "--realistic",
            help="GitHub's real limits: 30/60 s with a token, 10/60 s without.",
            rich_help_panel=_LIMITS,
        ),
    ] = False,
    unauthenticated_limit: Annotated[
        int | None,
        typer.Option(
            help="Limit per window without a token (default: same as --rate-limit).",
            metavar="N",
            parser=integer(1),
            rich_help_panel=_LIMITS,
        ),
    ] = None,
    limit_status: Annotated[
        int,
        typer.Option(
            help="Status of rate-limited responses: 403 or 429.",
            metavar="STATUS",
            parser=integer(choices=_LIMIT_STATUSES),
            rich_help_panel=_LIMITS,
        ),
    ] = 403,
    secondary_inflight: Annotated[
        int | None,
        typer.Option(
            help="Refuse requests beyond N in flight per identity (secondary limit).",
            metavar="N",
            parser=integer(1),
            rich_help_panel=_LIMITS,
        ),
    ] = None,
    retry_after: Annotated[
        int,
        typer.Option(
            help="Retry-After seconds on secondary-limit responses.",
            metavar="SECONDS",
            parser=integer(0),
            rich_help_panel=_LIMITS,
        ),
    ] = DEFAULT_SECONDARY_RETRY_AFTER,
    no_retry_after_rate: Annotated[
        float,
        typer.Option(
            help="Probability that a secondary-limit response has no Retry-After.",
            metavar="P",
            parser=probability(),
            rich_help_panel=_LIMITS,
        ),
    ] = 0.0,
    error_rate: Annotated[
        float,
        typer.Option(
            help="Probability of a 502/503 response.",
            metavar="P",
            parser=probability(),
            rich_help_panel=_FAULTS,
        ),
    ] = 0.0,
    error_delay: Annotated[
        float,
        typer.Option(
            help="Extra seconds before a 5xx response.",
            metavar="SECONDS",
            parser=seconds(),
            rich_help_panel=_FAULTS,
        ),
    ] = 0.0,
    drop_rate: Annotated[
        float,
        typer.Option(
            help="Probability of closing the connection without a response.",
            metavar="P",
            parser=probability(),
            rich_help_panel=_FAULTS,
        ),
    ] = 0.0,
    malformed_rate: Annotated[
        float,
        typer.Option(
            help="Probability of a 200 with a truncated JSON body.",
            metavar="P",
            parser=probability(),
            rich_help_panel=_FAULTS,
        ),
    ] = 0.0,
    incomplete_rate: Annotated[
        float,
        typer.Option(
            help="Probability of a 200 with incomplete_results true and fewer items.",
            metavar="P",
            parser=probability(),
            rich_help_panel=_FAULTS,
        ),
    ] = 0.0,
    null_owner_rate: Annotated[
        float,
        typer.Option(
            help="Fraction of items whose owner is null, as the schema allows (default 0: none, "
            "as in real search results).",
            metavar="P",
            parser=probability(),
        ),
    ] = DEFAULT_NULL_OWNER_RATE,
    token: Annotated[
        list[str] | None,
        typer.Option(
            help="Accept only this token (repeatable); others get 401. Default: any token.",
            metavar="TOKEN",
        ),
    ] = None,
    seed: Annotated[
        int,
        typer.Option(
            help="Seed of the fault and latency random source.", metavar="N", parser=integer()
        ),
    ] = 0,
    duration: Annotated[
        float | None,
        typer.Option(
            help="Stop by itself after SECONDS (default: run until Ctrl-C).",
            metavar="SECONDS",
            parser=seconds(),
        ),
    ] = None,
    tls_cert: Annotated[
        str | None,
        typer.Option(
            help="Serve HTTPS with this PEM certificate (chain) file; needs --tls-key.",
            metavar="FILE",
            rich_help_panel=_SERVING,
        ),
    ] = None,
    tls_key: Annotated[
        str | None,
        typer.Option(
            help="The PEM private key file of --tls-cert (unencrypted).",
            metavar="FILE",
            rich_help_panel=_SERVING,
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            help="http(s)://HOST[:PORT] to put in Link headers, e.g. behind a proxy "
            "(default: the address served).",
            metavar="URL",
            rich_help_panel=_SERVING,
        ),
    ] = None,
) -> int:
    """Serve a local simulator of GitHub's GET /search/repositories until Ctrl-C.

    Also serves GET /rate_limit. With --tls-cert and --tls-key it serves HTTPS.
    """
    from speedlab.fakehub import (
        FakeHubConfig,
        check_loopback,
        load_tls_context,
        parse_rate_limit,
        serve,
    )

    check_loopback(host)
    if (tls_cert is None) != (tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together: give both or neither")
    settings: dict[str, Any] = {}
    if realistic:
        settings.update(
            rate_limit=(REALISTIC_AUTHENTICATED_LIMIT, DEFAULT_WINDOW),
            unauthenticated_limit=REALISTIC_UNAUTHENTICATED_LIMIT,
        )
    if rate_limit is not None:
        settings["rate_limit"] = parse_rate_limit(rate_limit)
    if unauthenticated_limit is not None:
        settings["unauthenticated_limit"] = unauthenticated_limit
    settings.update(
        latency=latency,
        jitter=jitter,
        limit_status=limit_status,
        secondary_inflight=secondary_inflight,
        secondary_retry_after=retry_after,
        no_retry_after_rate=no_retry_after_rate,
        error_rate=error_rate,
        error_delay=error_delay,
        drop_rate=drop_rate,
        malformed_rate=malformed_rate,
        incomplete_rate=incomplete_rate,
        null_owner_rate=null_owner_rate,
        tokens=frozenset(token) if token else None,
        seed=seed,
        public_url=public_url,
    )
    config = FakeHubConfig(**settings)
    ssl_context = (
        None if tls_cert is None or tls_key is None else load_tls_context(tls_cert, tls_key)
    )

    def ready(url: str) -> None:
        print(f"fakehub serving on {url}  (Ctrl-C to stop)", flush=True)
        print(f"fakehub: {config.describe()}", flush=True)

    statistics = serve(config, host, port, ready=ready, duration=duration, ssl_context=ssl_context)
    print(f"fakehub stopped: {statistics.summary()}", flush=True)
    return 0


def register(app: typer.Typer) -> None:
    """Add the ``fakehub`` command to ``app``."""
    app.command("fakehub")(fakehub)
