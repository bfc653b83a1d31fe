"""The errors speedlab raises, one hierarchy so callers can catch them all.

    SpeedlabError
     ├── UsageError          bad input from the user (the CLI exits with code 2)
     │    └── UnusableOutput     the output directory cannot be created or written
     ├── TimeoutExpired      a blocking call ran past its ``timeout`` (also a TimeoutError)
     ├── CannotShare         a job needs shared state that the chosen model cannot provide
     ├── OutputError         a result file could not be saved where it belongs
     │    └── UnsafeOutputPath   a result file name that is not a plain name
     └── GitHubError         the GitHub search job could not do what was asked

(``speedlab.models`` adds ``RunOutOfMemory``, a ``SpeedlabError`` that carries a run's result.)

Later modules add their own subclasses here, so the tree above stays the one place to look.
A failed search is *not* an exception: it ends as a failed unit with a reason, so one bad
keyword never stops the others. ``GitHubError`` is for what cannot be a unit outcome.
"""

from __future__ import annotations

__all__ = [
    "CannotShare",
    "GitHubError",
    "OutputError",
    "SpeedlabError",
    "TimeoutExpired",
    "UnsafeOutputPath",
    "UnusableOutput",
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
