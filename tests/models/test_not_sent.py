"""A request that never reached the server says so (``sent=False``), under every transport.

The GitHub job gives such a request's rate-limit slot back; a request that got as far as a
connection (here, one the server drops at once) may have been counted, and says ``sent``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError
from speedlab.loop import HandmadeTransport
from speedlab.loop import run as loop_run
from speedlab.models._aiohttp_transport import AiohttpTransport
from speedlab.models._requests_transport import RequestsTransport

Reply = HttpResponse | TransportError


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _requests(request: HttpRequest) -> Reply:
    with RequestsTransport() as transport:
        return transport.send(request)


def _aiohttp(request: HttpRequest) -> Reply:
    async def main() -> Reply:
        async with AiohttpTransport(limit=1) as transport:
            return await transport.send(request)

    return asyncio.run(main())


def _handmade(request: HttpRequest) -> Reply:
    async def main() -> Reply:
        async with HandmadeTransport(pool_size=1) as transport:
            return await transport.send(request)

    return loop_run(main)


SENDERS: dict[str, Callable[[HttpRequest], Reply]] = {
    "requests": _requests,
    "aiohttp": _aiohttp,
    "handmade": _handmade,
}


@pytest.mark.parametrize("sender", SENDERS.values(), ids=SENDERS.keys())
def test_a_refused_connection_was_not_sent(sender: Callable[[HttpRequest], Reply]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/search/repositories?q=x"
    reply = sender(HttpRequest("GET", url, {}, timeout=5))
    assert isinstance(reply, TransportError)
    assert (reply.kind, reply.sent) == ("connection", False)


@pytest.mark.parametrize("sender", SENDERS.values(), ids=SENDERS.keys())
def test_a_connection_the_server_dropped_may_have_been_counted(
    sender: Callable[[HttpRequest], Reply],
) -> None:
    with FakeHub(FakeHubConfig(drop_rate=1.0)) as hub:
        reply = sender(HttpRequest("GET", hub.url + "/search/repositories?q=x", {}, timeout=5))
    assert isinstance(reply, TransportError)
    assert (reply.kind, reply.sent) == ("connection", True)
