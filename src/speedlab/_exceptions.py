"""The errors speedlab raises, one hierarchy so callers can catch them all.

    SpeedlabError
     ├── UsageError          bad input from the user (the CLI exits with code 2)
     ├── TimeoutExpired      a blocking call ran past its ``timeout`` (also a TimeoutError)
     ├── CannotShare         a job needs shared state that the chosen model cannot provide
     ├── ClusterError        the dask cluster could not be reached or started
     └── GitHubError         the GitHub search job could not do what was asked
          └── UnsafeOutputPath   a result file would land outside the output directory

Later modules add their own subclasses here, so the tree above stays the one place to look.
A failed search is *not* an exception: it ends as a failed unit with a reason, so one bad
keyword never stops the others. ``GitHubError`` is for what cannot be a unit outcome.
"""

from __future__ import annotations

__all__ = [
    "CannotShare",
    "ClusterError",
    "GitHubError",
    "SpeedlabError",
    "TimeoutExpired",
    "UnsafeOutputPath",
    "UsageError",
]


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


class UnsafeOutputPath(GitHubError):
    """Refused to write a result file that would not sit directly inside the output directory."""
