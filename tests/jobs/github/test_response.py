"""Reading responses: bodies, Link, rate-limit headers and the classification table."""

from __future__ import annotations

import json

import pytest

from speedlab.jobs.effects import HttpResponse
from speedlab.jobs.github.response import (
    RateLimitInfo,
    classify,
    parse_link_header,
    parse_rate_limit,
    parse_search_body,
    server_message,
)
from tests.jobs.github.driver import API, body, error, ok, rate_headers

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
