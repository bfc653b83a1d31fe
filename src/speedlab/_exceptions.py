"""The errors speedlab raises, one hierarchy so callers can catch them all.

    SpeedlabError
     ├── UsageError          bad input from the user (the CLI exits with code 2)
     │    └── UnusableOutput     the output directory cannot be created or written
     ├── TimeoutExpired      a blocking call ran past its ``timeout`` (also a TimeoutError)
     │    └── HttpTimeout        no whole response within the deadline (also an HttpError)
     ├── CannotShare         a job needs shared state that the chosen model cannot provide
     ├── ClusterError        the dask cluster could not be reached or started
     ├── OutputError         a result file could not be saved where it belongs
     │    └── UnsafeOutputPath   a result file name that is not a plain name
     ├── GitHubError         the GitHub search job could not do what was asked
     ├── LoopError           the hand-made loop was misused or cannot go on (deadlock)
     └── HttpError           the hand-made HTTP client got no usable response
          ├── HttpTimeout        (see above)
          ├── HttpConnectError   could not connect, or the connection broke
          │    ├── HttpCannotConnect no connection at all (no address, refused): nothing sent
          │    └── HttpTlsError      the TLS handshake failed (untrusted certificate, wrong name)
          ├── HttpProtocolError  the server broke HTTP/1.1 (malformed, truncated, bad encoding)
          └── HttpTooLarge       the body passed the size cap (compressed or decompressed)

(``speedlab.models`` adds ``RunOutOfMemory``, a ``SpeedlabError`` that carries a run's result.)

Apart from the tree: ``Terminated``, a ``KeyboardInterrupt`` raised when SIGTERM arrives, so
that it stops a command exactly as Ctrl-C does (the command then exits with 143).

Later modules add their own subclasses here, so the tree above stays the one place to look.
A failed search is *not* an exception: it ends as a failed unit with a reason, so one bad
keyword never stops the others. ``GitHubError`` is for what cannot be a unit outcome.
Cancellation is not an error: the hand-made loop raises asyncio's own ``CancelledError``.
"""

from __future__ import annotations

__all__ = [
    "CannotShare",
    "ClusterError",
    "GitHubError",
    "HttpCannotConnect",
    "HttpConnectError",
    "HttpError",
    "HttpProtocolError",
    "HttpTimeout",
    "HttpTlsError",
    "HttpTooLarge",
    "LoopError",
    "OutputError",
    "SpeedlabError",
    "Terminated",
    "TimeoutExpired",
    "UnsafeOutputPath",
    "UnusableOutput",
    "UsageError",
]


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop like Ctrl-C (the command then exits with 143, 128 + SIGTERM)."""


class SpeedlabError(Exception):
    """Base class of every error speedlab raises on purpose."""

    #: The exit code the CLI uses when this error ends a command.
    exit_code: int = 1


class UsageError(SpeedlabError):
    """The user asked for something that cannot be done (a bad number, an unknown name)."""

    exit_code = 2


class TimeoutExpired(SpeedlabError, TimeoutError):
    """A call that can block did not finish within its ``timeout``."""


class CannotShare(SpeedlabError):
    """A job needs state shared by all its workers, and the model's workers cannot share it.

    The dask model raises it for the GitHub job: its rate gate is a lock and a few numbers
    that every request must consult, which workers on other machines cannot reach.
    """

    exit_code = 2


class ClusterError(SpeedlabError):
    """The dask model could not reach its scheduler (``--scheduler``) or start a local cluster."""


class GitHubError(SpeedlabError):
    """The GitHub search job failed in a way that is not one keyword's outcome."""


class UnusableOutput(UsageError):
    """The output directory cannot be used: not a directory, not creatable, not writable.

    Found before the first unit runs, so a run never does work it cannot save.
    """


class OutputError(SpeedlabError):
    """A result file could not be saved where it belongs (e.g. a directory has its name)."""


class UnsafeOutputPath(OutputError):
    """Refused a result file name that is not a plain name inside the output directory."""


class LoopError(SpeedlabError):
    """The hand-made loop was used wrongly (nested run, a task joining itself) or deadlocked."""


class HttpError(SpeedlabError):
    """The hand-made HTTP client could not get a usable response."""


class HttpTimeout(HttpError, TimeoutExpired):
    """The whole response (connect, TLS, headers and body) did not arrive before the deadline."""


class HttpConnectError(HttpError):
    """The connection could not be made (refused, unreachable, no address) or broke."""


class HttpCannotConnect(HttpConnectError):
    """No connection could be made (no address, refused, unreachable): nothing was sent."""


class HttpTlsError(HttpConnectError):
    """The TLS handshake failed: an untrusted certificate, a wrong host name, a bad protocol."""


class HttpProtocolError(HttpError):
    """The server's bytes were not valid HTTP/1.1 (or its body encoding was broken)."""


class HttpTooLarge(HttpError):
    """The response body passed the size cap, counted on the wire or after decompression."""
