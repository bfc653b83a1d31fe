"""``GET /rate_limit``: every limit GitHub reports, with fakehub's own search window in it.

Clients and tools call ``GET /rate_limit`` before a batch of searches (PyGithub's
``get_rate_limit()``, octokit's ``rateLimit.get()``), so fakehub answers it in GitHub's shape
(S-rlep): ``resources`` with one ``{limit, used, remaining, reset, resource}`` object per limit,
and the deprecated top-level ``rate``, a copy of ``core``.

* ``search`` is the *same* window the search route counts in (the server's
  :class:`~._limits.PrimaryLimiter`, peeked, never counted): what ``/rate_limit`` says is what the
  next search gets.
* Every other resource is GitHub's limit for the identity, never used: fakehub serves none of those
  endpoints. An unused bucket's ``reset`` is "now + its window", as GitHub reports it.
* Calling ``/rate_limit`` counts against no limit, as on GitHub ("Accessing this endpoint does not
  count against your REST API rate limit").

Limits per resource are GitHub's for a personal token and, without one, ``core`` 60/h and
``graphql`` 0 (GraphQL needs a token); the rest are the same either way [inf].
"""

from __future__ import annotations

import math
from typing import Any

from speedlab.fakehub._limits import RateDecision

__all__ = ["OTHER_RESOURCES", "RATE_LIMIT_PATH", "core_decision", "rate_limit_body"]

#: The route of the rate-limit status.
RATE_LIMIT_PATH = "/rate_limit"

_HOUR = 3600
_MINUTE = 60

#: ``(name, limit with a token, limit without one, window seconds)`` of every resource but search,
#: in the order GitHub lists them.
OTHER_RESOURCES: tuple[tuple[str, int, int, int], ...] = (
    ("core", 5000, 60, _HOUR),
    ("graphql", 5000, 0, _HOUR),
    ("integration_manifest", 5000, 5000, _HOUR),
    ("source_import", 100, 100, _MINUTE),
    ("code_scanning_upload", 5000, 60, _HOUR),
    ("actions_runner_registration", 10000, 10000, _HOUR),
    ("scim", 15000, 15000, _HOUR),
    ("dependency_snapshots", 100, 100, _MINUTE),
    ("dependency_sbom", 100, 100, _MINUTE),
    ("audit_log", 1750, 1750, _HOUR),
    ("audit_log_streaming", 15, 15, _HOUR),
    ("code_search", 10, 10, _MINUTE),
    ("code_scanning_autofix", 10, 10, _MINUTE),
)


def _unused(limit: int, window: int, now: float) -> RateDecision:
    return RateDecision(True, limit, limit, 0, math.floor(now) + window)


def core_decision(*, authenticated: bool, now: float) -> RateDecision:
    """Return the state of ``core`` (sent in the ``x-ratelimit-*`` headers of ``/rate_limit``).

    >>> core_decision(authenticated=False, now=100.5).headers("core")["x-ratelimit-reset"]
    '3700'
    """
    _, with_token, without, window = OTHER_RESOURCES[0]
    return _unused(with_token if authenticated else without, window, now)


def rate_limit_body(search: RateDecision, *, authenticated: bool, now: float) -> dict[str, Any]:
    """Return GitHub's ``GET /rate_limit`` body.

    Args:
        search: the identity's search window, as the search route counts it (peeked).
        authenticated: whether the request had a token (the limits differ).
        now: epoch seconds now (the reset of unused resources).

    Returns:
        ``{"resources": {...}, "rate": {...}}``, ``rate`` being a copy of ``core``.

    Example:
        >>> search = RateDecision(True, 30, 12, 18, 1_700_000_060)
        >>> body = rate_limit_body(search, authenticated=True, now=1_700_000_000)
        >>> body["resources"]["search"]["remaining"], body["rate"] == body["resources"]["core"]
        (12, True)
    """
    resources: dict[str, dict[str, int | str]] = {}
    for name, with_token, without, window in OTHER_RESOURCES:
        limit = with_token if authenticated else without
        resources[name] = _unused(limit, window, now).resource(name)
        if name == "core":
            resources["search"] = search.resource("search")
    return {"resources": resources, "rate": dict(resources["core"])}
