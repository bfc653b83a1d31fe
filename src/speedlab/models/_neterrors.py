"""Say in a few words why a request got no response: the same words under every transport.

``requests`` reports a refused connection as ``HTTPConnectionPool(host='127.0.0.1', port=9):
Max retries exceeded with url: /search/repositories?q=... (Caused by NewConnectionError(
'<urllib3.connection.HTTPConnection object at 0x7f...>: Failed to establish a new connection:
[Errno 111] Connection refused'))``, and aiohttp in yet other words. What the user needs is
"connection refused by 127.0.0.1:9". Both transports hand their exception to
:func:`describe_failure`, which finds the operating system's error at the root of the chain
(``__cause__``, urllib3's ``reason``, aiohttp's ``os_error``) and names it with the request's
host and port.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
from urllib.parse import urlsplit

__all__ = ["describe_failure", "root_cause", "where"]

# Longest description (a library's own message can be long).
_LIMIT = 200
# The most links of an exception chain followed (chains are short; a cycle must not hang us).
_MAX_DEPTH = 16


def where(url: str) -> str:
    """Return ``host:port`` of ``url`` (the default port filled in), for messages."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return "the server"
    host = parts.hostname or "the server"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def _links(exc: BaseException) -> list[BaseException]:
    found = [getattr(exc, name, None) for name in ("reason", "os_error")]
    found += [exc.__cause__, exc.__context__]
    return [e for e in found if isinstance(e, BaseException)]


def root_cause(exc: BaseException) -> BaseException:
    """Return the most specific error of ``exc``'s chain: an ``OSError`` if there is one.

    Follows ``reason`` (urllib3), ``os_error`` (aiohttp), ``__cause__`` and ``__context__``.
    """
    seen: set[int] = set()
    queue = [exc]
    fallback = exc
    for _ in range(_MAX_DEPTH):
        if not queue:
            break
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError | http.client.HTTPException) and not _links(current):
            return current
        if isinstance(current, OSError | http.client.HTTPException):
            fallback = current
        queue.extend(_links(current))
    return fallback


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"


def describe_failure(exc: BaseException, url: str) -> str:
    """Return a short reason for a request to ``url`` that failed with ``exc``.

    >>> describe_failure(ConnectionRefusedError(111, "Connection refused"), "http://127.0.0.1:9/x")
    'connection refused by 127.0.0.1:9'
    """
    at = where(url)
    cause = root_cause(exc)
    if isinstance(cause, ConnectionRefusedError):
        return f"connection refused by {at}"
    if isinstance(cause, ConnectionResetError):
        return f"connection reset by {at}"
    if isinstance(cause, http.client.RemoteDisconnected):
        return f"{at} closed the connection without answering"
    if isinstance(cause, ConnectionAbortedError | BrokenPipeError):
        return f"{at} closed the connection"
    if isinstance(cause, http.client.IncompleteRead):
        return f"{at} closed the connection before the end of the response"
    if isinstance(cause, socket.gaierror):
        return f"cannot find the address of {at} ({_shorten(cause.strerror or str(cause))})"
    if isinstance(cause, ssl.SSLCertVerificationError):
        reason = cause.verify_message or cause.reason or str(cause)
        return f"the TLS certificate of {at} is not valid ({_shorten(str(reason))})"
    if isinstance(cause, ssl.SSLError):
        return f"TLS error with {at} ({_shorten(str(cause.reason or cause))})"
    if isinstance(cause, TimeoutError):
        return f"no answer from {at} in time"
    if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return f"{at} is unreachable ({cause.strerror})"
    if isinstance(cause, OSError) and cause.strerror:
        return f"{_shorten(cause.strerror)} ({at})"
    text = str(cause) or type(cause).__name__
    return _shorten(f"{type(cause).__name__}: {text} ({at})")
