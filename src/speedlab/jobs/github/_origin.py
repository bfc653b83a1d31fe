"""Tell whether a URL is on the API's origin: only there may the token go.

A ``Link`` or ``Location`` header names URLs the server chose; the token (``Authorization``)
must never follow one to another host. Origins are compared as (scheme, host, port) with the
default port filled in, and URLs that parsers read differently (a backslash, white space, a
user-info part) are never the API's.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

__all__ = ["origin_of", "same_origin"]


def origin_of(url: str) -> tuple[str, str, int | None]:
    """Return ``(scheme, host, port)`` with the default port filled in, to compare origins."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


_SPACE = re.compile(r"\s")


def same_origin(url: str, api: str) -> bool:
    """Tell whether ``url`` is on the API's origin, refusing URLs that parsers read differently.

    ``http://evil\\@api.github.com/`` is api.github.com to ``urlsplit`` but evil to urllib3
    (and to browsers, which read a backslash as a slash); a user-info part or white space is
    never part of a link GitHub sends. Such a URL is never given the token.
    """
    if "\\" in url or _SPACE.search(url):
        return False
    prefix = _origin_prefix(api)
    if prefix is not None and url.startswith(prefix):
        # The API's own scheme://host:port/ as written: the same origin, and no user-info.
        return True
    try:
        if "@" in urlsplit(url).netloc:
            return False
        return origin_of(url) == origin_of(api)
    except ValueError:  # a bad port or an unclosed IPv6 bracket
        return False


@functools.lru_cache(maxsize=16)
def _origin_prefix(api: str) -> str | None:
    """``scheme://netloc/`` of the API URL as written (None if it has a user-info part or no
    readable origin): a URL starting with it is on the API's origin without parsing it."""
    try:
        parts = urlsplit(api)
        origin_of(api)  # a bad port or bracket: no shortcut
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/"
