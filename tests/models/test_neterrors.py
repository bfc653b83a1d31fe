"""Why a request failed, in a few words, whichever library failed it."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
import requests

from speedlab.models._neterrors import describe_failure, root_cause, where


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_requests_refused_connection_is_named_with_host_and_port() -> None:
    port = _closed_port()
    url = f"http://127.0.0.1:{port}/search/repositories?q=x"
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get(url, timeout=5)
    assert isinstance(root_cause(caught.value), ConnectionRefusedError)
    assert describe_failure(caught.value, url) == f"connection refused by 127.0.0.1:{port}"


def test_aiohttp_refused_connection_reads_the_same() -> None:
    port = _closed_port()
    url = f"http://127.0.0.1:{port}/x"

    async def fetch() -> BaseException:
        async with aiohttp.ClientSession() as session:
            try:
                await session.get(url)
            except aiohttp.ClientError as exc:
                return exc
        raise AssertionError("connected to a closed port")

    assert describe_failure(asyncio.run(fetch()), url) == f"connection refused by 127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ConnectionResetError(104, "Connection reset by peer"), "connection reset by h:8"),
        (socket.gaierror(-2, "Name or service not known"),
         "cannot find the address of h:8 (Name or service not known)"),
        (TimeoutError(), "no answer from h:8 in time"),
        (OSError(101, "Network is unreachable"), "h:8 is unreachable (Network is unreachable)"),
    ],
)  # fmt: skip
def test_each_root_cause_has_its_words(error: BaseException, reason: str) -> None:
    wrapper = RuntimeError("library's long message")
    wrapper.__cause__ = error
    assert describe_failure(wrapper, "http://h:8/x") == reason


def test_anything_else_is_named_by_its_type_and_message() -> None:
    # Escaping is the caller's job (the Redactor at the output): kept as is here.
    assert describe_failure(ValueError("odd \x1b thing"), "http://h:8/") == (
        "ValueError: odd \x1b thing (h:8)"
    )


def test_where_fills_in_the_default_port() -> None:
    assert where("https://api.github.com/search") == "api.github.com:443"
    assert where("http://[::1]/x") == "[::1]:80"
    assert where("http://h:bad/") == "the server"
