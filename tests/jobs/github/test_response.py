"""Reading responses: bodies, Link, rate-limit headers and the classification table."""

from __future__ import annotations

import json
import random
import re
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab.jobs.effects import HttpResponse
from speedlab.jobs.github._links import _parse_links, parse_link_header, resolve_link
from speedlab.jobs.github._query import SearchConfig
from speedlab.jobs.github._ratelimit import RateGate
from speedlab.jobs.github._response import (
    MAX_EPOCH,
    MAX_RATE_COUNT,
    MAX_RETRY_AFTER,
    RateLimitInfo,
    classify,
    header,
    parse_rate_limit,
    parse_search_body,
    server_message,
)
from speedlab.jobs.github._search import search_keyword
from speedlab.testing import GITHUB_API as API
from speedlab.testing import VIRTUAL_EPOCH as START
from speedlab.testing import VirtualClock, drive, error, ok, rate_headers
from speedlab.testing import search_body as body

URL = API + "/search/repositories?q=x+language%3Apython&per_page=30"


def test_owner_ids_in_order_with_duplicates_and_nulls_skipped() -> None:
    page = parse_search_body(body([5, 3, None, 5, 9], null_owner=[4], total=1234, incomplete=True))
    assert page.ids == (5, 3, 5)
    assert page.total_count == 1234
    assert page.incomplete_results is True


def test_empty_page() -> None:
    page = parse_search_body(b'{"total_count": 0, "incomplete_results": false, "items": []}')
    assert (page.ids, page.total_count, page.incomplete_results) == ((), 0, False)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "not JSON"),
        (b"{not json", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"incomplete_results": false, "items": []}', "total_count"),
        (b'{"total_count": true, "incomplete_results": false, "items": []}', "total_count"),
        (b'{"total_count": 1, "incomplete_results": "no", "items": []}', "incomplete_results"),
        (b'{"total_count": 1, "incomplete_results": false, "items": {}}', "items"),
        (b'{"total_count": 1, "incomplete_results": false, "items": [3]}', "items[0]"),
        (
            b'{"total_count": 1, "incomplete_results": false, "items": [{"owner": 3}]}',
            "items[0].owner",
        ),
        (
            b'{"total_count": 1, "incomplete_results": false, "items": [{"owner": {"id": "7"}}]}',
            "items[0].owner.id",
        ),
        (b"[" * 100_000, "not JSON"),
    ],
)
def test_malformed_bodies(raw: bytes, why: str) -> None:
    with pytest.raises(ValueError, match=why.replace("[", r"\[").replace("]", r"\]")):
        parse_search_body(raw)
    verdict = classify(HttpResponse(200, {}, raw, URL))
    assert verdict.kind == "malformed"
    assert verdict.message.startswith("malformed response (")


def test_link_header_parsing() -> None:
    value = (
        '<https://api.github.com/search/repositories?q=x&page=1>; rel="prev", '
        '<https://api.github.com/search/repositories?q=x&page=3>; rel="next", '
        '<https://api.github.com/search/repositories?q=x&page=34>; rel="last", '
        '<https://api.github.com/search/repositories?q=x&page=1>; rel="first"'
    )
    links = parse_link_header(value)
    assert links == {
        "prev": "https://api.github.com/search/repositories?q=x&page=1",
        "next": "https://api.github.com/search/repositories?q=x&page=3",
        "last": "https://api.github.com/search/repositories?q=x&page=34",
        "first": "https://api.github.com/search/repositories?q=x&page=1",
    }
    assert parse_link_header(None) == {}
    assert parse_link_header("") == {}
    assert parse_link_header('<a>; rel=next; title="x", <b>; REL="prev last"') == {
        "next": "a",
        "prev": "b",
        "last": "b",
    }


def test_ok_resolves_a_relative_next_link() -> None:
    response = HttpResponse(
        200, {"link": '</search/repositories?page=2>; rel="next"'}, body([1]), URL
    )
    verdict = classify(response)
    assert verdict.kind == "ok"
    assert verdict.next_url == "https://api.github.com/search/repositories?page=2"
    assert classify(ok([1])).next_url is None


def test_rate_limit_headers() -> None:
    info = parse_rate_limit({**rate_headers(7, 1_700_000_060, limit=30), "retry-after": "12"})
    assert info == RateLimitInfo(30, 7, 23, 1_700_000_060, "search", 12.0)
    assert parse_rate_limit({}) == RateLimitInfo()
    assert parse_rate_limit({"X-RateLimit-Remaining": "3"}).remaining == 3  # any case
    assert parse_rate_limit({"x-ratelimit-remaining": "lots"}).remaining is None
    assert parse_rate_limit({"retry-after": "-5"}).retry_after == 0.0


def test_retry_after_as_an_http_date() -> None:
    headers = {"retry-after": "Tue, 14 Nov 2023 22:14:20 GMT"}  # 1700000060
    assert parse_rate_limit(headers, now=1_700_000_000.0).retry_after == pytest.approx(60.0)
    assert parse_rate_limit(headers).retry_after is None
    assert parse_rate_limit({"retry-after": "soon"}, now=1.0).retry_after is None


PRIMARY = "API rate limit exceeded for user ID 7853683."
SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        (ok([1, 2]), "ok"),
        (
            error(422, "Only the first 1000 search results are available", status="422"),
            "end_of_results",
        ),
        (error(403, PRIMARY, headers=rate_headers(0, 1_700_000_060)), "primary_limited"),
        (error(429, PRIMARY, headers=rate_headers(0, 1_700_000_060)), "primary_limited"),
        (error(403, PRIMARY), "primary_limited"),  # the message alone
        (error(403, SECONDARY, headers={"retry-after": "60"}), "secondary_limited"),
        (error(403, SECONDARY), "secondary_limited"),
        (error(429, "whatever", headers={"retry-after": "3"}), "secondary_limited"),
        (error(429, "Too many requests"), "secondary_limited"),
        (
            error(403, "Something happened, please retry your request again later."),
            "secondary_limited",
        ),
        (error(403, SECONDARY, headers=rate_headers(0, 1_700_000_060)), "secondary_limited"),
        (HttpResponse(301, {"location": "https://x.example/y"}, b"", URL), "redirect"),
        (HttpResponse(307, {"location": "/other"}, b"", URL), "redirect"),
        (error(500, "boom"), "transient"),
        (error(502, "Server Error"), "transient"),
        (error(503, "unavailable"), "transient"),
        (HttpResponse(504, {}, b"<html>Gateway Timeout</html>", URL), "transient"),
        (error(408, "timeout"), "transient"),
        (error(401, "Bad credentials"), "fatal"),
        (error(404, "Not Found"), "fatal"),
        (
            error(
                422,
                "Validation Failed",
                errors=[{"resource": "Search", "field": "q", "code": "missing"}],
            ),
            "fatal",
        ),
        (error(400, "Invalid API version"), "fatal"),
        (error(410, "Gone"), "fatal"),
        (
            HttpResponse(
                403,
                {"content-type": "text/html"},
                b"Request forbidden by administrative rules. Please make sure your "
                b"request has a User-Agent header.",
                URL,
            ),
            "fatal",
        ),
        (HttpResponse(302, {}, b"", URL), "fatal"),
        (error(418, "teapot"), "fatal"),
    ],
)
def test_classification_table(response: HttpResponse, kind: str) -> None:
    assert classify(response).kind == kind


def test_fatal_messages_are_clear() -> None:
    assert classify(error(401, "Bad credentials")).message == (
        "bad credentials (HTTP 401): Bad credentials; check the token (GITHUB_TOKEN or --token-env)"
    )
    assert classify(error(404, "Not Found")).message == (
        "not found (HTTP 404) at /search/repositories: Not Found; check --api"
    )
    assert classify(
        error(
            422,
            "Validation Failed",
            errors=[
                {
                    "resource": "Search",
                    "field": "q",
                    "code": "invalid",
                    "message": "The search is longer than 256 characters.",
                }
            ],
        )
    ).message == (
        "validation failed (HTTP 422): Validation Failed: The search is longer than 256 characters."
    )
    assert classify(
        error(
            422,
            "Validation Failed",
            errors=[{"resource": "Search", "field": "q", "code": "missing"}],
        )
    ).message == ("validation failed (HTTP 422): Validation Failed: field=q code=missing")
    assert classify(error(400, "Bad version")).message == (
        "HTTP 400: Bad version (does this server support API version 2022-11-28?)"
    )
    assert "no longer supported" in classify(error(410, "Gone")).message
    forbidden = classify(
        HttpResponse(403, {}, b"<html><b>Request forbidden</b> by rules</html>", URL)
    )
    assert forbidden.message == "forbidden (HTTP 403): Request forbidden by rules"


def test_redirect_location_is_absolute() -> None:
    verdict = classify(HttpResponse(308, {"location": "/v2/search?q=1"}, b"", URL))
    assert verdict.location == "https://api.github.com/v2/search?q=1"


def test_server_message_is_one_bounded_line() -> None:
    long = json.dumps({"message": "a\nb\x00c " + "x" * 500}).encode()
    text = server_message(long)
    assert "\n" not in text
    assert "\x00" not in text
    assert text.startswith("a b c x")
    assert len(text) == 200
    assert server_message(b"\xff\xfe") == "\ufffd\ufffd"
    assert server_message(b'{"errors": ["one", "two"]}') == "one; two"


# --- numeric headers: bounded, and anything unreadable is absent (issue #7, point 8) ------------

COUNTS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used")
HEADER_TEXT = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"\A\s*[+-]?[0-9]{1,30}(\.[0-9]{0,12})?\s*\Z"),
    st.text("0123456789", min_size=1, max_size=500),
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
    st.sampled_from(["inf", "nan", "-inf", "1e400", "1_000", "١٢", "0x10", " 7 ", "+5"]),
)


@given(
    values=st.fixed_dictionaries(
        {}, optional=dict.fromkeys((*COUNTS, "x-ratelimit-reset", "retry-after"), HEADER_TEXT)
    ),
    now=st.one_of(st.none(), st.floats(0, 4e9)),
)
def test_any_header_text_gives_bounded_values_or_none(
    values: dict[str, str], now: float | None
) -> None:
    info = parse_rate_limit(values, now)
    for name, value in zip(COUNTS, (info.limit, info.remaining, info.used), strict=True):
        assert value is None or 0 <= value <= MAX_RATE_COUNT
        if value is not None:
            assert str(value) == values[name].strip().lstrip("0").rjust(1, "0")
    assert info.reset is None or 0 <= info.reset <= MAX_EPOCH
    assert info.retry_after is None or 0.0 <= info.retry_after <= MAX_RETRY_AFTER
    # What the gate and the waits do with them never overflows either.
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    gate.observe(now or START, info)
    assert gate.statistics().remaining >= 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1700000060", 1_700_000_060),
        (" 60 ", 60),
        ("9" * 400, None),
        (str(MAX_EPOCH + 1), None),
        ("-3", None),
        ("+3", None),
        ("1e9", None),
        ("1_000", None),
        ("١٢", None),  # non-ASCII digits that int() would take
        ("", None),
    ],
)
def test_reset_and_counts_are_plain_bounded_decimals(value: str, expected: int | None) -> None:
    headers = {"x-ratelimit-reset": value, "x-ratelimit-remaining": value}
    info = parse_rate_limit(headers)
    assert info.reset == expected
    assert info.remaining == (expected if expected is None or expected <= MAX_RATE_COUNT else None)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("1.5", 1.5),
        ("-5", 0.0),
        ("9" * 20, MAX_RETRY_AFTER),  # a wait that long is cut; --max-wait then decides
        ("9" * 400, None),
        ("1e3", None),
        ("inf", None),
        ("nan", None),
        ("Tue, 14 Nov 2023 22:14:20 GMT", 60.0),  # IMF-fixdate
        ("Tuesday, 14-Nov-23 22:14:20 GMT", 60.0),  # RFC 850
        ("Tue Nov 14 22:14:20 2023", 60.0),  # asctime: no zone, GMT by definition
        ("Tue, 14 Nov 2023 21:14:20 GMT", 0.0),  # in the past: now
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER),
        ("Tue, 14 Nov 99999999999 22:14:20 GMT", None),
        ("Tue, 14 Nov 2023 22:14:20 GMT" + " " * 100 + "x", None),
    ],
)
def test_retry_after_in_both_forms_is_bounded(value: str, seconds: float | None) -> None:
    info = parse_rate_limit({"retry-after": value}, now=1_700_000_000.0)
    assert info.retry_after == (None if seconds is None else pytest.approx(seconds))


def test_a_400_digit_reset_is_ignored_not_an_internal_error() -> None:
    headers = {**rate_headers(0, 0), "x-ratelimit-reset": "9" * 400}
    limited = error(403, "API rate limit exceeded for user ID 1.", headers=headers)
    config = SearchConfig(reset_margin=1.0)
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    clock = VirtualClock()
    gen = search_keyword("torch", config, gate, clock=clock, rng=random.Random(0))
    result, trace = drive(gen, [limited, ok([4])], clock)
    assert (result.status, result.ids) == ("done", (4,))
    assert [s.seconds for s in trace.sleeps] == [60.0]  # no usable reset: the 60 s fallback


# --- server text quoted in messages stays short -----------------------------------------------


def test_quoted_server_text_is_bounded() -> None:
    far = "/" + "a" * 100_000
    redirect = classify(HttpResponse(302, {"location": far}, b"", URL))
    assert redirect.location == API + far  # followed in full, quoted in short
    assert len(redirect.message) <= 250
    missing = classify(error(404, "Not Found", url=API + far))
    assert len(missing.message) <= 450
    errors = [{"message": f"e{i} " + "x" * 300} for i in range(50_000)]
    flood = classify(error(422, "Validation Failed " + "y" * 10_000, errors=errors))
    assert flood.kind == "fatal"
    assert len(flood.message) <= 250
    html = HttpResponse(500, {}, b"<p>" + b"z" * 5_000_000 + b"</p>", URL)
    assert len(classify(html).message) <= 250
    assert len(parse_rate_limit({"x-ratelimit-resource": "r" * 10_000}).resource or "") == 200


# Pieces of Link headers, GitHub's own form among them, to compare the two readings.
_LINK_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "; ",
        ", ",
        'rel="next"',
        'rel="last"',
        'REL="prev"',
        "rel=next",
        " ",
        '"',
        "https://api.github.com/search?q=x&page=2",
        "/x",
        "a<b",
        ";",
        ",",
        "title=x",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINK_PIECES, max_size=12).map("".join))
def test_github_s_link_form_reads_as_the_general_parser_reads_it(value: str) -> None:
    assert parse_link_header(value) == (_parse_links(value) if value else {})


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["next", "last", "prev"]), st.integers(1, 99)), max_size=4)
)
def test_github_s_own_link_headers_take_the_fast_path(links: list[tuple[str, int]]) -> None:
    value = ", ".join(f'<https://api.github.com/x?page={n}>; rel="{rel}"' for rel, n in links)
    expected: dict[str, str] = {}
    for rel, n in links:
        expected.setdefault(rel, f"https://api.github.com/x?page={n}")
    assert parse_link_header(value) == expected == (_parse_links(value) if value else {})


_URL_PIECES = st.sampled_from(
    [
        "http://",
        "https://",
        "HTTP://",
        "api.github.com",
        "127.0.0.1:8080",
        "[::1]",
        "[::1",
        "/",
        "//",
        "/./",
        "/../",
        "?",
        "q=x+y&page=2",
        "#",
        "frag",
        ";",
        "p",
        "@",
        ":",
        "%20",
        " ",
        "\\",
        "\t",
        "é",
        "a",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_URL_PIECES, max_size=8).map("".join))
def test_resolving_a_link_is_urljoin(link: str) -> None:
    base = "https://api.github.com/search/repositories?q=x"
    try:
        expected = urljoin(base, link)
    except ValueError as exc:
        with pytest.raises(ValueError, match=re.escape(str(exc))):
            resolve_link(base, link)
    else:
        assert resolve_link(base, link) == expected


def test_headers_named_in_any_case_are_read() -> None:
    headers = {
        "X-RateLimit-Remaining": "0",
        "Retry-After": "7",
        "Link": '<https://a/b>; rel="next"',
    }
    assert parse_rate_limit(headers).remaining == 0
    assert parse_rate_limit(headers).retry_after == 7.0
    assert header(headers, "link") == '<https://a/b>; rel="next"'
    verdict = classify(HttpResponse(200, headers, body([1]), URL))
    assert verdict.next_url == "https://a/b"


@pytest.mark.parametrize("hostile", ["<" * 200_000, "<a" * 100_000, "<" + "a" * 200_000])
def test_a_huge_hostile_link_header_is_read_in_linear_time(hostile: str) -> None:
    # Quadratic before: 32 KB of "<" took 4 s, so these would outlast the test's timeout.
    assert parse_link_header(hostile) == {}
    assert parse_link_header(hostile + '<https://a/b>; rel="next"') == {"next": "https://a/b"}
