"""Malformed and hostile requests: fakehub answers each with a 4xx (or a lenient 200), never 5xx.

The holes of issue #7 point 12 are pinned first, each with GitHub's exact answer; then hypothesis
throws arbitrary query strings, header bytes, paths and methods at a real server and checks that
no answer is a 5xx and that the server keeps serving.
"""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Iterator
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from speedlab.fakehub import FakeHub, FakeHubConfig, parse_query, total_count
from tests.fakehub.client import SEARCH, raw_request

NINES = b"9" * 5000


@pytest.fixture(scope="module")
def hub() -> Iterator[FakeHub]:
    with FakeHub(FakeHubConfig()) as server:
        yield server


def search(hub: FakeHub, query: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> object:
    return raw_request(hub.url, SEARCH.encode() + b"?" + query, headers)


# -- the holes of issue #7, each with the exact answer -----------------------------------------


def test_a_page_number_of_5000_digits_is_past_the_cap_not_a_crash(hub: FakeHub) -> None:
    response = raw_request(hub.url, SEARCH.encode() + b"?q=torch&page=" + NINES)
    assert response.status == 422
    assert b"Only the first 1000 search results are available" in response.body


def test_a_page_size_of_5000_digits_is_clamped_to_100(hub: FakeHub) -> None:
    response = raw_request(hub.url, SEARCH.encode() + b"?q=torch&per_page=" + NINES)
    assert response.status == 200
    assert response.body.count(b'"full_name"') == 100


@pytest.mark.parametrize(
    ("raw", "served_as"),
    [
        (b"-3", b""),  # negative: the default
        (b"abc", b""),  # not a number: the default
        (b"1e2", b""),
        (b"%D9%A3", b""),  # an Arabic-Indic three: not an ASCII number
        (b"0" * 5000 + b"2", b"2"),  # leading zeros are read, however many
        (b"%2B2", b""),  # a literal plus sign (a raw "+" would be a space)
    ],
)
def test_odd_page_numbers_are_read_leniently(hub: FakeHub, raw: bytes, served_as: bytes) -> None:
    odd = raw_request(hub.url, SEARCH.encode() + b"?q=data&per_page=5&page=" + raw)
    plain = raw_request(hub.url, SEARCH.encode() + b"?q=data&per_page=5&page=" + served_as)
    assert odd.status == plain.status == 200
    assert odd.body == plain.body


@pytest.mark.parametrize(
    "value",
    [
        b"Bearer \xff\xfe",  # not UTF-8 at all
        b"token caf\xc3\xa9",  # UTF-8, but no real token has non-ASCII characters
        b"Bearer a b",  # a space inside the token
        b"Bearer\ttab",
        b"Basic",
        b"",
    ],
)
def test_an_authorization_header_that_is_no_token_is_bad_credentials(
    hub: FakeHub, value: bytes
) -> None:
    response = search(hub, b"q=x", [(b"Authorization", value)])
    assert response.status == 401  # type: ignore[attr-defined]
    assert b'"Bad credentials"' in response.body  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", [b"Bearer \x7f", b"Bearer \x00x", b"token \x1bx"])
def test_control_characters_in_a_header_are_refused_by_the_parser_quietly(
    hub: FakeHub, value: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    response = search(hub, b"q=x", [(b"Authorization", value)])
    assert response.status == 400  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_unknown_api_version_is_echoed_escaped(hub: FakeHub) -> None:
    value = b"2022-11-28\xff\xc3\xa9\x85" + b"v" * 200  # bad UTF-8, an accent, a C1 control
    response = raw_request(hub.url, SEARCH.encode() + b"?q=x", [(b"X-GitHub-Api-Version", value)])
    assert response.status == 400
    assert response.body.isascii()
    message = json.loads(response.body)["message"]
    assert "'2022-11-28\\udcff\\xe9\\udc85vvv" in message  # escaped, not raw
    assert message.isprintable()
    assert "v" * 100 not in message  # cut short


@pytest.mark.parametrize(
    "host",
    [
        b'evil.example>; rel="next", <http://evil.example',
        b"evil.example:1",
        b"",
    ],
)
def test_a_crafted_host_header_never_reaches_the_link_header(hub: FakeHub, host: bytes) -> None:
    response = raw_request(hub.url, SEARCH.encode() + b"?q=torch&page=2", host=host)
    assert response.status == 200
    links = [part.strip() for part in response.headers["Link"].split(",")]
    assert [link.rsplit("; ", 1)[1] for link in links] == [
        'rel="prev"',
        'rel="next"',
        'rel="last"',
        'rel="first"',
    ]
    for link in links:
        assert link.startswith(f"<{hub.url}{SEARCH}?q=torch&page=")
    assert "evil" not in response.headers["Link"]


# -- everything else, found by hypothesis --------------------------------------------------------

# Bytes a client can put in a query string or a header value without ending the line.
_LINE_BYTES = st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
_NAMES = st.sampled_from(["q", "page", "per_page", "sort", "order", "Q", "q[]", "", "%"])
_VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["torch", "language:python", "-1", "0", "1" * 30, "stars", "asc", "+", '"']),
    st.from_regex(r"[0-9]{1,12}", fullmatch=True),
)


def _encoded(pairs: list[tuple[str, str]]) -> bytes:
    return b"&".join(
        quote_from_bytes(k.encode(errors="surrogatepass"), safe=":").encode()
        + b"="
        + quote_from_bytes(v.encode(errors="surrogatepass"), safe=":+").encode()
        for k, v in pairs
    )


_QUERIES = st.one_of(
    st.lists(st.tuples(_NAMES, _VALUES), max_size=6).map(_encoded),
    # Raw bytes that are legal in a request target, percent escapes valid or not.
    st.text(
        alphabet=string.ascii_letters + string.digits + "%&=+:;,/?-_.~!$'()*@[]|", max_size=200
    ).map(str.encode),
)
_HEADER_NAMES = [
    b"Authorization", b"X-GitHub-Api-Version", b"User-Agent", b"Accept-Encoding", b"Accept",
    b"If-None-Match", b"X-Forwarded-Host", b"Forwarded",
]  # fmt: skip
_HEADERS = st.lists(st.tuples(st.sampled_from(_HEADER_NAMES), _LINE_BYTES), max_size=4)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=_QUERIES, headers=_HEADERS)
@example(query=b"q=x&page=" + NINES, headers=[])
@example(query=b"q=x", headers=[(b"Authorization", b"Bearer \xff")])
def test_no_query_string_or_header_makes_a_5xx(
    hub: FakeHub, query: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    response = raw_request(hub.url, SEARCH.encode() + b"?" + query, headers)
    assert 200 <= response.status < 500, (response.status, response.body[:300])
    if response.status == 200:
        assert response.body.startswith(b'{"total_count":')


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from([b"GET", b"HEAD", b"POST", b"DELETE", b"OPTIONS", b"PATCH", b"BREW"]),
    path=st.one_of(
        st.sampled_from(["/search/repositories", "/rate_limit", "/", "/search/repositories/"]),
        st.text(alphabet=string.ascii_letters + "%/._-~", max_size=40).map(lambda p: "/" + p),
    ),
)
def test_no_path_or_method_makes_a_5xx(hub: FakeHub, method: bytes, path: str) -> None:
    response = raw_request(hub.url, path.encode() + b"?q=x", method=method)
    assert 200 <= response.status < 500, (method, path, response.status)


def test_after_the_fuzzing_the_server_still_answers_correctly(hub: FakeHub) -> None:
    response = raw_request(hub.url, SEARCH.encode() + b"?q=torch+language:python")
    assert response.status == 200
    expected = total_count(parse_query("torch language:python"))
    assert response.body.startswith(b'{"total_count":%d,' % expected)
    assert not [status for status in hub.statistics().by_status if status >= 500]
