"""The checks a request passes before it is counted: User-Agent, credentials, API version.

Each gate reads one header and gives GitHub's answer for it (reference §1.3, §4.3). They are the
part of the server that reads what a client wrote into headers, so each one accepts *any* text --
aiohttp hands over undecodable bytes as lone surrogates -- and answers with a 4xx, never an
exception:

* ``User-Agent`` missing or blank -> 403 ``text/html``;
* ``Authorization`` that is not ``Bearer``/``token`` followed by a token of visible ASCII
  characters (:data:`~._config.TOKEN_RE`), or a token the server does not accept -> 401
  "Bad credentials" (non-ASCII bytes included: no real token has them);
* ``X-GitHub-Api-Version`` that GitHub does not serve -> 400, its value echoed only escaped and
  cut short.

The identity decides the rate-limit bucket: a token is a user (one bucket per user id, the
authenticated limit), no token is a client address (the unauthenticated limit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from speedlab.fakehub._config import SUPPORTED_API_VERSIONS, TOKEN_RE

__all__ = [
    "BAD_CREDENTIALS_BODY",
    "DEFAULT_API_VERSION",
    "USER_AGENT_MESSAGE",
    "Identity",
    "has_user_agent",
    "identify",
    "printable",
    "select_version",
    "unsupported_version_body",
    "user_id_for_token",
]

#: The version served when a request names none.
DEFAULT_API_VERSION = SUPPORTED_API_VERSIONS[0]

#: GitHub's body for a request without a User-Agent (an HTML page, not JSON).
USER_AGENT_MESSAGE = (
    b"Request forbidden by administrative rules. "
    b"Please make sure your request has a User-Agent header.\n"
)

_DOCS = "https://docs.github.com/rest"

#: GitHub's 401 body.
BAD_CREDENTIALS_BODY = {"message": "Bad credentials", "documentation_url": _DOCS, "status": "401"}

# Characters of a client's header value echoed back in an error message.
_ECHO_LIMIT = 64
_SCHEMES = ("bearer", "token")


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is asking, as far as the rate limits are concerned."""

    #: The rate-limit bucket: ``user:<id>`` with a token, ``ip:<address>`` without.
    bucket: str
    #: Requests allowed per window for this identity.
    limit: int
    #: The token's user id, or ``None`` without a token.
    user_id: int | None
    #: The client's address (named in the unauthenticated limit message).
    ip: str


def user_id_for_token(token: str) -> int:
    """Return the stable GitHub user id the simulator assigns to ``token``.

    >>> user_id_for_token("abc") == user_id_for_token("abc")
    True
    """
    digest = hashlib.blake2b(token.encode(errors="surrogateescape"), digest_size=8).digest()
    return 1_000_000 + int.from_bytes(digest, "big") % 90_000_000


def has_user_agent(value: str | None) -> bool:
    """Whether a ``User-Agent`` header value counts as present (GitHub refuses a blank one)."""
    return bool(value and value.strip())


def identify(
    authorization: str | None,
    remote: str | None,
    *,
    tokens: Collection[str] | None,
    authenticated_limit: int,
    unauthenticated_limit: int,
) -> Identity | None:
    """Return the identity of a request, or ``None`` for "Bad credentials" (a 401).

    Args:
        authorization: the ``Authorization`` header, or ``None`` when absent.
        remote: the client's address (``None`` if unknown, e.g. a Unix socket).
        tokens: the accepted tokens, or ``None`` to accept any well-formed token.
        authenticated_limit: the limit of a request with a token.
        unauthenticated_limit: the limit of a request without one.

    Returns:
        The identity, or ``None`` if the header is malformed or names an unknown token.

    >>> identify("token abc", "::1", tokens=None, authenticated_limit=30,
    ...          unauthenticated_limit=10).limit
    30
    >>> identify("Bearer caf\\u00e9", "::1", tokens=None, authenticated_limit=30,
    ...          unauthenticated_limit=10) is None
    True
    """
    ip = remote or "unknown"
    if authorization is None:
        return Identity(f"ip:{ip}", unauthenticated_limit, None, ip)
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if (
        scheme.lower() not in _SCHEMES
        or TOKEN_RE.fullmatch(token) is None
        or (tokens is not None and token not in tokens)
    ):
        return None
    user_id = user_id_for_token(token)
    return Identity(f"user:{user_id}", authenticated_limit, user_id, ip)


def select_version(value: str | None) -> str | None:
    """Return the API version a request selects, or ``None`` if GitHub does not serve it.

    >>> select_version(None), select_version(" 2026-03-10 "), select_version("2021-01-01")
    ('2022-11-28', '2026-03-10', None)
    """
    if value is None:
        return DEFAULT_API_VERSION
    version = value.strip()
    return version if version in SUPPORTED_API_VERSIONS else None


def _escape(char: str) -> str:
    if char.isascii() and char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(value: str, limit: int = _ECHO_LIMIT) -> str:
    """Return ``value`` cut to ``limit`` characters, every non-printable or non-ASCII one escaped.

    What a client sent is only ever echoed through this, so a response never carries control
    characters or undecodable bytes (lone surrogates, which would not even encode to UTF-8).

    >>> print(printable("ok\\x1b[2J\\udcff" + "x" * 100, 10))
    ok\\x1b[2J\\udcffxxx...
    """
    escaped = "".join(map(_escape, value[:limit]))
    return escaped + ("..." if len(value) > limit else "")


def unsupported_version_body(value: str) -> dict[str, str]:
    """Return GitHub's 400 body for an ``X-GitHub-Api-Version`` it does not serve."""
    return {
        "message": f"Unsupported 'X-GitHub-Api-Version' header value: '{printable(value)}'.",
        "documentation_url": f"{_DOCS}/about-the-rest-api/api-versions",
        "status": "400",
    }
