"""The asyncio model's transport: requests beyond its connections wait before their timeout."""

from __future__ import annotations

import asyncio

from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError, lower_headers
from speedlab.models._aiohttp_transport import AiohttpTransport, _headers
from tests.models._servers import RecordingServer


def test_requests_waiting_for_a_connection_do_not_spend_their_timeout() -> None:
    # One connection, six requests of 0.2 s each: the last waits a second for its turn, as
    # long as its whole timeout; only the exchange itself may count against it.
    async def main(url: str) -> list[HttpResponse | TransportError]:
        async with AiohttpTransport(limit=1) as transport:
            requests = [HttpRequest("GET", f"{url}/slow/k{i}", {}, timeout=1.0) for i in range(6)]
            return await asyncio.gather(*(transport.send(r) for r in requests))

    with RecordingServer(delay=0.2) as server:
        replies = asyncio.run(main(server.url))
        assert [getattr(r, "status", r) for r in replies] == [200] * 6
        assert server.count("/slow/k5") == 1


def test_response_headers_are_read_as_every_transport_reads_them() -> None:
    raw = ((b"Link", b"<a>"), (b"link", b"<b>"), (b"X-\xc9t\xe9", b"\xff\x00"), (b"ETag", b'"1"'))
    decoded = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]
    assert _headers(raw) == lower_headers(decoded)
    assert _headers(raw)["link"] == "<a>, <b>"
