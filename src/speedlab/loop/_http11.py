"""HTTP/1.1 for the hand-made client, sans-I/O: no socket is touched in this module.

What is here turns a request into bytes and bytes into a response, and nothing else, so that
the loop's async client (:mod:`speedlab.loop._client`) and any blocking driver can share it:

- :func:`parse_url` / :func:`prepare_request`: an absolute URL into an origin and a request
  target (sent exactly as given: the caller's query encoding is kept), and the headers;
- :class:`Http11Connection`: one connection's HTTP state across keep-alive exchanges, framed
  by ``h11`` (no hand-written parser: Content-Length, chunked and close-delimited bodies,
  malformed status lines and truncation are h11's business);
- :class:`BodyDecoder`: ``gzip``/``deflate`` decoding with a size cap applied while reading,
  once on the wire and once after decompression, so a decompression bomb stops at the cap;
- :func:`redirect_target`: where a 3xx points, and which headers may follow it.

A driver's whole exchange is::

    data = connection.start(request, max_bytes=cap)   # bytes to send
    while not connection.receive(await stream.receive()):
        pass
    response = connection.response()
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import h11

from speedlab._body import BodyError, BodyReader, BodyTooLarge
from speedlab._exceptions import HttpConnectError, HttpProtocolError, HttpTooLarge

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_USER_AGENT",
    "MAX_REDIRECTS",
    "BodyDecoder",
    "Http11Connection",
    "Origin",
    "PreparedRequest",
    "Response",
    "parse_url",
    "prepare_request",
    "redirect_target",
]

#: The response size cap by default, in bytes, applied to the body as received and again
#: after decompression: a 100-item GitHub search page is well under 1 MB.
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

#: The most redirects one request follows (when asked to follow them at all).
MAX_REDIRECTS = 5

#: The ``User-Agent`` sent unless the caller gives one (GitHub rejects requests without).
DEFAULT_USER_AGENT = "speedlab-handmade/0.1"

# Statuses whose Location is followed; 303 (and 301/302 after a POST) turn into a GET.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# What may not appear in a request target as is: controls, space, DEL, anything not ASCII.
_UNSENDABLE = re.compile(r"[\x00-\x20\x7f-\U0010ffff]")


@dataclass(frozen=True)
class Origin:
    """Scheme, host and port: what a connection is for, and what credentials belong to."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def host_header(self) -> str:
        """The ``Host`` header: brackets around IPv6, the port only if not the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if _DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"


def parse_url(url: str) -> tuple[Origin, str]:
    """Split an absolute ``http``/``https`` URL into its origin and request target.

    The target (path and query) is kept byte for byte: the caller encoded it.

    Raises:
        ValueError: Not an absolute http(s) URL, user-info in it, a bad port, or a character
            that may not appear in a request line.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("credentials in the URL are not sent; use a header")
    port = parts.port or _DEFAULT_PORTS[scheme]  # .port raises ValueError if out of range
    host = parts.hostname
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if _UNSENDABLE.search(target):
        raise ValueError(f"the URL's path or query holds a character that must be encoded: {url!r}")
    return Origin(scheme, host, port), target


@dataclass(frozen=True)
class PreparedRequest:
    """A request ready for the wire: where it goes, its exact target, headers and body."""

    method: str
    url: str
    origin: Origin
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def __repr__(self) -> str:
        # Headers may hold a token: keep them out of logs.
        return f"PreparedRequest({self.method} {self.url})"


def prepare_request(
    method: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    *,
    user_agent: str = DEFAULT_USER_AGENT,
) -> PreparedRequest:
    """Build a request: ``Host``, then the caller's headers, then defaults the caller left out.

    Defaults: ``User-Agent``, ``Accept-Encoding: gzip, deflate`` (the encodings
    :class:`BodyDecoder` can undo) and ``Content-Length`` for a body.

    Raises:
        ValueError: A bad URL (see :func:`parse_url`).
    """
    origin, target = parse_url(url)
    given = dict(headers or {})
    names = {name.lower() for name in given}
    out: list[tuple[str, str]] = []
    if "host" not in names:
        out.append(("Host", origin.host_header))
    out.extend(given.items())
    if "user-agent" not in names:
        out.append(("User-Agent", user_agent))
    if "accept-encoding" not in names:
        out.append(("Accept-Encoding", "gzip, deflate"))
    if (body or method.upper() in ("POST", "PUT", "PATCH")) and "content-length" not in names:
        out.append(("Content-Length", str(len(body))))
    return PreparedRequest(method.upper(), url, origin, target, tuple(out), body)


@dataclass(frozen=True)
class Response:
    """A whole response: status, headers (lower-case names, repeats joined with ", "), body.

    ``body`` is decoded (gunzipped); ``url`` is the URL that answered (after any redirects).
    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    reason: str = ""
    http_version: str = "1.1"


class BodyDecoder:
    """Undo ``Content-Encoding`` while counting bytes against a cap, before and after.

    The one body reader every transport shares (:class:`speedlab._body.BodyReader`: gzip,
    multi-member gzip, zlib-wrapped or raw deflate, padding after the end ignored), with its
    errors in this package's types, so a response means the same under every model.

    Args:
        encoding: The response's ``Content-Encoding`` (``""``, ``identity``, ``gzip``,
            ``x-gzip`` or ``deflate``).
        max_bytes: The cap for the received body and, separately, for the decoded one.

    Raises:
        HttpProtocolError: An encoding it cannot undo.
    """

    def __init__(self, encoding: str, max_bytes: int) -> None:
        self.encoding = encoding.strip().lower()
        self.max_bytes = max_bytes
        try:
            self._reader = BodyReader(encoding, max_bytes)
        except BodyError as exc:
            raise HttpProtocolError(str(exc)) from None

    @property
    def received(self) -> int:
        """Bytes received so far."""
        return self._reader.received

    def feed(self, data: bytes | bytearray) -> None:
        """Take the next piece of the body as received.

        Raises:
            HttpTooLarge: Either count passed ``max_bytes``.
            HttpProtocolError: The compressed data is corrupt.
        """
        try:
            self._reader.feed(bytes(data))
        except BodyTooLarge as exc:
            raise HttpTooLarge(str(exc)) from None
        except BodyError as exc:
            raise HttpProtocolError(str(exc)) from None

    def finish(self) -> bytes:
        """Return the whole decoded body.

        Raises:
            HttpProtocolError: The compressed stream stopped before its end.
        """
        try:
            return self._reader.finish()
        except BodyError as exc:
            raise HttpProtocolError(str(exc)) from None


class Http11Connection:
    """The HTTP/1.1 state of one client connection, one exchange at a time (h11 inside).

    Args:
        origin: Where the connection goes (kept for the pool).
    """

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.exchanges = 0
        self._h11 = h11.Connection(h11.CLIENT)
        self._head: h11.Response | None = None
        self._headers: dict[str, str] = {}
        self._decoder: BodyDecoder | None = None
        self._body = b""
        self._url = ""
        self._max_bytes = DEFAULT_MAX_RESPONSE_BYTES
        self._eof = False

    @property
    def reusable(self) -> bool:
        """True when both sides finished the last exchange and kept the connection open.

        Bytes the server sent after its response make the connection unusable too.
        """
        h = self._h11
        return h.our_state is h11.DONE and h.their_state is h11.DONE and not h.trailing_data[0]

    def start(self, request: PreparedRequest, *, max_bytes: int) -> bytes:
        """Begin an exchange; return the bytes to send (head and body).

        Raises:
            ValueError: h11 refused the request (a bad method, header name or value).
        """
        if self.exchanges and self.reusable:
            self._h11.start_next_cycle()
        self.exchanges += 1
        self._head, self._decoder, self._body = None, None, b""
        self._url, self._max_bytes = request.url, max_bytes
        try:
            head = h11.Request(
                method=request.method, target=request.target, headers=list(request.headers)
            )
            data = self._h11.send(head)
            if request.body:
                data = (data or b"") + (self._h11.send(h11.Data(data=request.body)) or b"")
            return (data or b"") + (self._h11.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError as exc:
            raise ValueError(f"cannot send this request: {exc}") from None

    def receive(self, data: bytes) -> bool:
        """Feed bytes from the server (``b""`` at end of stream); True once the response is whole.

        Raises:
            HttpProtocolError: Malformed HTTP or body encoding.
            HttpConnectError: The server closed the connection before the response ended.
            HttpTooLarge: The body passed the cap.
        """
        if not data:
            self._eof = True
        self._h11.receive_data(data)
        while True:
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                if self._eof:
                    raise HttpConnectError(f"connection closed early: {exc}") from None
                raise HttpProtocolError(str(exc)) from None
            if event is h11.NEED_DATA:
                if self._eof:  # cannot happen with h11's own checks; never spin on it
                    raise HttpConnectError("connection closed before the response ended")
                return False
            if isinstance(event, h11.Response):
                self._on_head(event)
            elif isinstance(event, h11.Data):
                assert self._decoder is not None
                self._decoder.feed(event.data)
            elif isinstance(event, h11.EndOfMessage):
                assert self._decoder is not None
                self._body = self._decoder.finish()
                return True
            elif isinstance(event, h11.ConnectionClosed):
                raise HttpConnectError("connection closed before a response")
            # InformationalResponse (1xx) and PAUSED need nothing: read on.

    def _on_head(self, head: h11.Response) -> None:
        self._head = head
        self._headers = headers = _join_headers(head.headers)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self._max_bytes:
            raise HttpTooLarge(
                f"the server announced {length} bytes, more than the limit of {self._max_bytes}"
            )
        self._decoder = BodyDecoder(headers.get("content-encoding", ""), self._max_bytes)

    def response(self) -> Response:
        """Return the response just completed by :meth:`receive`."""
        head = self._head
        assert head is not None, "no response completed yet"
        return Response(
            status=head.status_code,
            headers=self._headers,
            body=self._body,
            url=self._url,
            reason=head.reason.decode("latin-1"),
            http_version=head.http_version.decode("ascii"),
        )


def _join_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Lower-case names (h11 gives them so), values decoded, repeats joined with ", "."""
    joined: dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode("ascii"), value.decode("latin-1")
        joined[key] = f"{joined[key]}, {text}" if key in joined else text
    return joined


def redirect_target(
    request: PreparedRequest, response: Response
) -> tuple[str, str, dict[str, str], bytes] | None:
    """Where a redirect response sends ``request``: method, URL, headers, body; or None.

    ``Authorization`` (and ``Cookie``) are dropped when the origin changes; 303, and 301/302
    after a POST, become a body-less GET. The ``Host`` header is rebuilt for the new URL.

    Raises:
        HttpProtocolError: A redirect without a usable ``Location``.
    """
    if response.status not in _REDIRECTS:
        return None
    location = response.headers.get("location")
    if not location:
        raise HttpProtocolError(f"HTTP {response.status} without a Location header")
    url = urljoin(request.url, location.strip())
    try:
        origin, _ = parse_url(url)
    except ValueError as exc:
        raise HttpProtocolError(f"redirect to an unusable URL: {exc}") from None
    method, body = request.method, request.body
    if response.status == 303 or (response.status in (301, 302) and method == "POST"):
        method, body = ("GET" if method != "HEAD" else "HEAD"), b""
    dropped = {"host", "content-length"}
    if origin != request.origin:
        dropped |= {"authorization", "cookie"}
    if not body:
        dropped |= {"content-type"}
    headers = {k: v for k, v in request.headers if k.lower() not in dropped}
    return method, url, headers, body
