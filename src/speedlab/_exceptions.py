"""The errors speedlab raises, one hierarchy so callers can catch them all.

    SpeedlabError
     ├── UsageError          bad input from the user (the CLI exits with code 2)
     └── TimeoutExpired      a blocking call ran past its ``timeout`` (also a TimeoutError)

Later modules add their own subclasses here, so the tree above stays the one place to look.
"""

from __future__ import annotations

__all__ = ["SpeedlabError", "TimeoutExpired", "UsageError"]


class SpeedlabError(Exception):
    """Base class of every error speedlab raises on purpose."""

    #: The exit code the CLI uses when this error ends a command.
    exit_code: int = 1


class UsageError(SpeedlabError):
    """The user asked for something that cannot be done (a bad number, an unknown name)."""

    exit_code = 2


class TimeoutExpired(SpeedlabError, TimeoutError):
    """A call that can block did not finish within its ``timeout``."""
