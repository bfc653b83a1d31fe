"""Paging parameters, the 1000-result cap and exact ``Link`` headers."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest
from aiohttp import test_utils

from speedlab.fakehub import MAX_PER_PAGE, FakeHubConfig, SearchService, create_app
from speedlab.fakehub._paging import beyond_cap, last_page, link_header, parse_page, parse_per_page
from tests.fakehub.client import SEARCH, MakeHub, raw_request

BASE = "http://127.0.0.1:8000/search/repositories"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 30), ("", 30), ("50", 50), ("100", 100), ("101", 100), ("1000", 100), ("0", 30),
     ("-5", 30), ("abc", 30), ("2.5", 30), ("１２", 30)],
)  # fmt: skip
def test_per_page(raw: str | None, expected: int) -> None:
    assert parse_per_page(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, 1), ("3", 3), ("0", 1), ("-1", 1), ("x", 1), (" 7 ", 7)]
)
def test_page(raw: str | None, expected: int) -> None:
    assert parse_page(raw) == expected


@pytest.mark.parametrize("digits", [10, 4300, 4301, 5000, 100_000])
def test_numbers_of_any_length_are_read_without_int_overflowing(digits: int) -> None:
    huge = "9" * digits  # CPython's int() refuses more than 4300 digits: a 500 before
    assert parse_per_page(huge) == MAX_PER_PAGE
    assert beyond_cap(parse_page(huge), 1)
    assert beyond_cap(parse_page("0" * digits + "1" + "0" * 9), 1)
    assert parse_page("0" * digits + "7") == 7  # leading zeros are not digits of the value


@pytest.mark.parametrize(
    ("page", "per_page", "refused"),
    [(10, 100, False), (11, 100, True), (34, 30, False), (35, 30, True), (1000, 1, False),
     (1001, 1, True), (1, 100, False)],
)  # fmt: skip
def test_cap(page: int, per_page: int, refused: bool) -> None:
    assert beyond_cap(page, per_page) is refused


@pytest.mark.parametrize(
    ("total", "per_page", "last"),
    [(132_844_603, 2, 500), (846, 100, 9), (7, 30, 1), (0, 30, 0), (1000, 30, 34), (31, 30, 2)],
)
def test_last_page(total: int, per_page: int, last: int) -> None:
    assert last_page(total, per_page) == last


def _url(query: str) -> str:
    return f"<{BASE}?{query}>"


def test_link_first_page_has_next_and_last() -> None:
    header = link_header(BASE, [("q", "torch language:python")], 1, 30, 5000)
    assert header == (
        f'{_url("q=torch+language%3Apython&page=2")}; rel="next", '
        f'{_url("q=torch+language%3Apython&page=34")}; rel="last"'
    )


def test_link_middle_page_keeps_client_order_and_per_page() -> None:
    params = [("q", "a b"), ("per_page", "2"), ("page", "2"), ("sort", "stars")]
    header = link_header(BASE, params, 2, 2, 132_844_603)
    assert header == (
        f'{_url("q=a+b&per_page=2&page=1&sort=stars")}; rel="prev", '
        f'{_url("q=a+b&per_page=2&page=3&sort=stars")}; rel="next", '
        f'{_url("q=a+b&per_page=2&page=500&sort=stars")}; rel="last", '
        f'{_url("q=a+b&per_page=2&page=1&sort=stars")}; rel="first"'
    )


def test_link_last_page_has_prev_and_first() -> None:
    header = link_header(BASE, [("q", "x"), ("page", "3")], 3, 30, 61)
    assert header == f'{_url("q=x&page=2")}; rel="prev", {_url("q=x&page=1")}; rel="first"'


def test_link_past_the_data_points_back_at_the_last_page() -> None:
    header = link_header(BASE, [("q", "x"), ("per_page", "100"), ("page", "10")], 10, 100, 846)
    assert header == (
        f'{_url("q=x&per_page=100&page=9")}; rel="prev", '
        f'{_url("q=x&per_page=100&page=9")}; rel="last", '
        f'{_url("q=x&per_page=100&page=1")}; rel="first"'
    )


def test_no_link_for_a_single_page() -> None:
    assert link_header(BASE, [("q", "x")], 1, 30, 30) is None
    assert link_header(BASE, [("q", "x")], 1, 30, 0) is None


def test_link_encodes_plus_and_duplicate_pages() -> None:
    header = link_header(BASE, [("q", "c++ a+b"), ("page", "1"), ("page", "9")], 1, 50, 120)
    assert header == (
        f'{_url("q=c%2B%2B+a%2Bb&page=2")}; rel="next", '
        f'{_url("q=c%2B%2B+a%2Bb&page=3")}; rel="last"'
    )


# -- whose address the Link header carries ----------------------------------------------------


def _link_urls(link: str) -> list[str]:
    return [part.split(">", 1)[0].lstrip(" <") for part in link.split(",")]


def test_links_carry_the_configured_public_url(make_hub: MakeHub) -> None:
    hub = make_hub(public_url="https://GitHub.Example:8443/")
    response = raw_request(hub.url, SEARCH.encode() + b"?q=torch", host=b"attacker.example")
    urls = _link_urls(response.headers["Link"])
    assert urls == [
        "https://github.example:8443/search/repositories?q=torch&page=2",
        "https://github.example:8443/search/repositories?q=torch&page=34",
    ]


def test_a_bare_app_links_to_the_address_the_connection_arrived_on() -> None:
    """Without a server object (an aiohttp test server), the socket's own address is used."""

    async def main() -> tuple[str, str]:
        server = test_utils.TestServer(create_app(SearchService(FakeHubConfig())), host="127.0.0.1")
        await server.start_server()
        try:
            base = f"http://127.0.0.1:{server.port}"
            response = await asyncio.to_thread(
                raw_request, base, SEARCH.encode() + b"?q=torch", host=b'x>; rel="next", <http://x'
            )
            return base, response.headers["Link"]
        finally:
            await server.close()

    base, link = asyncio.run(main())
    urls = _link_urls(link)
    assert len(urls) == 2
    assert all(urlsplit(url).netloc == urlsplit(base).netloc for url in urls)
