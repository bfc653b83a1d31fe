"""The request we send: URL, the `q` encoding (the lecture's `+` bug), headers, config checks."""

from __future__ import annotations

import pickle
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab._exceptions import UsageError
from speedlab.jobs.github._origin import origin_of, same_origin
from speedlab.jobs.github._query import (
    DEFAULT_USER_AGENT,
    UNDOCUMENTED_LIMIT,
    SearchConfig,
    Secret,
    build_search_request,
    search_query,
    token_from_env,
)
from tests.jobs.github.driver import TOKEN


def test_first_page_request_is_exact() -> None:
    request = build_search_request("torch", SearchConfig(per_page=50))
    assert request.method == "GET"
    assert request.url == (
        "https://api.github.com/search/repositories?q=torch+language%3Apython&per_page=50"
    )
    assert request.timeout == 10.0
    assert dict(request.headers) == {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": DEFAULT_USER_AGENT,
    }


@pytest.mark.parametrize("keyword", ["torch", "ML", "web scraping", "c++", "a&b=c", "naïve"])
def test_server_side_decoding_gives_keyword_space_qualifier(keyword: str) -> None:
    url = build_search_request(keyword, SearchConfig()).url
    query = parse_qs(urlsplit(url).query, strict_parsing=True)
    assert query == {"q": [f"{keyword} language:python"], "per_page": ["30"]}


def test_the_lectures_plus_becomes_a_literal_plus() -> None:
    # What the lecture sends: params={'q': 'torch+language:python'} -> %2B, a literal '+'.
    lecture = urlencode({"q": "torch+language:python"})
    assert parse_qs(lecture)["q"] == ["torch+language:python"]
    assert "%2B" in lecture
    ours = urlsplit(build_search_request("torch", SearchConfig()).url).query
    assert "%2B" not in ours
    assert parse_qs(ours)["q"] == ["torch language:python"]


def test_authorization_only_with_a_token_in_bearer_format() -> None:
    without = build_search_request("x", SearchConfig())
    assert "Authorization" not in without.headers
    with_token = build_search_request("x", SearchConfig(token=Secret(TOKEN)))
    assert with_token.headers["Authorization"] == f"Bearer {TOKEN}"


def test_api_base_with_a_path_prefix_and_trailing_slash() -> None:
    config = SearchConfig(api="http://127.0.0.1:8123/api/v3/")
    url = build_search_request("x", config).url
    assert url.startswith("http://127.0.0.1:8123/api/v3/search/repositories?")


def test_later_pages_use_the_link_url_and_keep_auth_only_on_the_same_origin() -> None:
    config = SearchConfig(token=Secret(TOKEN))
    same = "https://api.github.com/search/repositories?q=x+language%3Apython&page=2"
    request = build_search_request("x", config, page_url=same)
    assert request.url == same
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    for other in (
        "https://evil.example/search/repositories?page=2",
        "http://api.github.com/search/repositories?page=2",  # downgraded scheme
        "https://api.github.com:8443/search/repositories?page=2",
        # urlsplit reads api.github.com here, urllib3 and browsers read evil.example:
        "https://evil.example\\@api.github.com/search/repositories?page=2",
        "https://evil.example\\api.github.com/search/repositories?page=2",
        "https://user@api.github.com/search/repositories?page=2",
        "https://api.github.com\t/search/repositories?page=2",
        "https://[::1/search/repositories?page=2",
    ):
        assert "Authorization" not in build_search_request("x", config, page_url=other).headers


def test_origin_fills_default_ports_and_ignores_case() -> None:
    assert origin_of("HTTPS://API.github.com/x") == ("https", "api.github.com", 443)
    assert origin_of("https://api.github.com:443/") == origin_of("https://api.github.com")
    assert origin_of("http://h:8000/") == ("http", "h", 8000)


def test_secret_never_shows_its_value() -> None:
    secret = Secret(TOKEN)
    config = SearchConfig(token=secret)
    request = build_search_request("x", config)
    for text in (repr(secret), str(secret), repr(config), str(config), repr(request)):
        assert TOKEN not in text
    assert secret.reveal() == TOKEN
    assert pickle.loads(pickle.dumps(config)) == config
    assert pickle.loads(pickle.dumps(config)).token.reveal() == TOKEN


def test_token_from_env() -> None:
    assert token_from_env("T", {"T": f"  {TOKEN}\n"}) == Secret(TOKEN)
    assert token_from_env("T", {"T": "   "}) is None
    assert token_from_env("T", {}) is None
    assert token_from_env("GITHUB_TOKEN", {"GITHUB_TOKEN": "abc"}) == Secret("abc")


def test_defaults() -> None:
    config = SearchConfig()
    assert (config.api, config.per_page, config.pages, config.timeout) == (
        "https://api.github.com",
        30,
        1,
        10.0,
    )
    assert (config.retries, config.max_wait, config.backoff_base, config.reset_margin) == (
        5,
        900.0,
        0.5,
        1.0,
    )
    assert config.format == "list"
    assert config.out_dir == Path("github_downloads")
    assert config.user_agent.startswith("speedlab/")
    assert config.assumed_limit == 10
    assert SearchConfig(token=Secret("t")).assumed_limit == 30


def test_only_api_github_com_gets_githubs_documented_limit_before_the_first_answer() -> None:
    assert SearchConfig(api="https://api.github.com/").assumed_limit == 10
    for api in ("http://127.0.0.1:8000", "https://github.example.com/api/v3"):
        assert SearchConfig(api=api).assumed_limit == UNDOCUMENTED_LIMIT
        assert SearchConfig(api=api, token=Secret("t")).assumed_limit == UNDOCUMENTED_LIMIT


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_page": 0}, "--per-page must be between 1 and 100, got 0"),
        ({"per_page": 101}, "--per-page must be between 1 and 100, got 101"),
        ({"pages": 0}, "--pages must be at least 1, got 0"),
        ({"retries": -1}, "--retries must be at least 0, got -1"),
        ({"timeout": 0}, "--timeout must be more than 0, got 0"),
        ({"max_wait": -1.0}, "--max-wait must not be negative, got -1"),
        ({"max_wait": float("nan")}, "--max-wait must be a finite number, got nan"),
        ({"backoff_base": 2.0, "backoff_cap": 1.0}, "--backoff-cap (1) must not be less than"),
        ({"format": "csv"}, "--format must be 'list' or 'json', got 'csv'"),
        ({"api": "ftp://example.com"}, "--api must be an http:// or https:// URL"),
        ({"api": "https://user:pw@example.com"}, "--api must not contain credentials"),
        ({"api": "https://example.com/?x=1"}, "--api must not have a query or fragment"),
        ({"per_page": True}, "--per-page must be an integer"),
        ({"api": "http://[::1"}, "--api is not a valid URL"),
        ({"timeout": 1e300}, "--timeout must be at most 3600"),
        ({"max_wait": 1e12}, "--max-wait must be at most 604800"),
        ({"user_agent": "a\r\nX-Evil: 1"}, "the User-Agent must be non-empty text"),
    ],
)
def test_config_validation_messages(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        SearchConfig(**kwargs)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("bad", [TOKEN + "\r\nX-Injected: yes", TOKEN + "\u20ac"])
def test_a_bad_token_is_refused_without_showing_it(bad: str) -> None:
    with pytest.raises(UsageError) as caught:
        SearchConfig(token=Secret(bad))
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert "\u20ac" not in str(caught.value)


@pytest.mark.parametrize("keyword", ["", " ", "\t\n"])
def test_empty_keywords_are_usage_errors(keyword: str) -> None:
    with pytest.raises(UsageError, match="must not be empty"):
        build_search_request(keyword, SearchConfig())
    with pytest.raises(UsageError):
        search_query(keyword)


def test_a_keyword_with_a_lone_surrogate_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not valid text"):
        search_query("bad\udcff")


@pytest.mark.parametrize(
    ("api", "url", "same"),
    [
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123/search?q=x", True),
        ("http://127.0.0.1:8123/api/v3/", "http://127.0.0.1:8123/other", True),
        ("http://127.0.0.1:8123", "http://127.0.0.1:81234/search", False),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123@evil.example/search", False),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123\\@evil.example/", False),
        ("https://api.github.com", "https://api.github.com:443/x", True),
        ("https://API.github.com", "https://api.github.com/x", True),
        ("http://user@h:80", "http://user@h:80/x", False),  # no shortcut for user-info
        ("http://h:99999", "http://h:99999/x", False),  # a bad port: no origin at all
    ],
)
def test_same_origin_shortcut_agrees_with_the_full_comparison(
    api: str, url: str, same: bool
) -> None:
    assert same_origin(url, api) is same


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"[A-Za-z0-9_.~-]{1,20}", fullmatch=True),  # the unquoted shortcut
        st.text(min_size=1, max_size=20).filter(lambda k: k.strip()),
    )
)
def test_the_first_page_s_query_string_is_urlencode_s(keyword: str) -> None:
    try:
        keyword.encode("utf-8")
    except UnicodeEncodeError:
        return  # refused earlier, by validate_keyword
    config = SearchConfig(api="http://127.0.0.1:8123", per_page=7)
    query = urlencode({"q": search_query(keyword), "per_page": 7})
    assert build_search_request(keyword, config).url == (
        f"http://127.0.0.1:8123/search/repositories?{query}"
    )
