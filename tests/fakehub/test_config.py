"""FakeHubConfig validation and the rate-limit decisions it encodes."""

from __future__ import annotations

import pytest

from speedlab._exceptions import UsageError
from speedlab.fakehub import UNLIMITED, FakeHubConfig, parse_rate_limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30/60", (30, 60)), ("10/2", (10, 2)), (" 5 / 1 ", (5, 1)), ("7/3s", (7, 3))],
)
def test_parse_rate_limit(text: str, expected: tuple[int, int]) -> None:
    assert parse_rate_limit(text) == expected


@pytest.mark.parametrize("text", ["30", "30/", "/60", "a/b", "0/60", "30/0", "1.5/2", "-1/2", ""])
def test_parse_rate_limit_rejects(text: str) -> None:
    with pytest.raises(UsageError, match="rate limit"):
        parse_rate_limit(text)


def test_defaults_are_unlimited_and_fault_free() -> None:
    config = FakeHubConfig()
    assert config.limits() == (UNLIMITED, UNLIMITED, 60)
    assert (config.latency, config.jitter) == (0.0, 0.0)
    assert (config.error_rate, config.drop_rate, config.malformed_rate) == (0.0, 0.0, 0.0)
    assert config.limit_status == 403
    assert config.secondary_inflight is None
    assert config.tokens is None
    assert config.null_owner_rate == 0.0  # null owners only when asked (issue #7)


def test_rate_limit_applies_to_both_kinds_unless_split() -> None:
    assert FakeHubConfig(rate_limit=(10, 2)).limits() == (10, 10, 2)
    assert FakeHubConfig(rate_limit=(10, 2), unauthenticated_limit=3).limits() == (10, 3, 2)


def test_realistic_is_githubs_search_limit() -> None:
    assert FakeHubConfig.realistic().limits() == (30, 10, 60)
    assert FakeHubConfig.realistic(limit_status=429).limit_status == 429


def test_tokens_become_a_frozenset() -> None:
    config = FakeHubConfig(tokens={"a", "b"})  # type: ignore[arg-type]
    assert config.tokens == frozenset({"a", "b"})
    assert isinstance(config.tokens, frozenset)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latency": -0.1}, "latency"),
        ({"jitter": float("nan")}, "jitter"),
        ({"error_rate": 1.5}, "error rate"),
        ({"drop_rate": -0.1}, "drop rate"),
        ({"malformed_rate": 2}, "malformed rate"),
        ({"no_retry_after_rate": 1.01}, "no retry after rate"),
        ({"null_owner_rate": -1}, "null owner rate"),
        ({"limit_status": 500}, "403 or 429"),
        ({"rate_limit": (0, 60)}, "rate_limit"),
        ({"rate_limit": (10,)}, "rate_limit"),
        ({"unauthenticated_limit": 0}, "unauthenticated"),
        ({"secondary_inflight": 0}, "in-flight"),
        ({"secondary_retry_after": -1}, "Retry-After"),
        ({"error_statuses": (404,)}, "5xx"),
        ({"tokens": frozenset({""})}, "tokens"),
        ({"tokens": frozenset({"two words"})}, "visible ASCII"),
        ({"tokens": frozenset({"caf\u00e9"})}, "visible ASCII"),
        ({"public_url": "http://host/path"}, "public URL"),
        ({"public_url": "http://user@host"}, "public URL"),
        ({"public_url": "http://host:99999"}, "public URL"),
        ({"public_url": "http://[not-ipv6]"}, "public URL"),
        ({"public_url": "gopher://host"}, "public URL"),
        ({"public_url": "http://host\r\nX: y"}, "public URL"),
        ({"drop_rate": 0.6, "error_rate": 0.6}, "sum"),
    ],
)
def test_invalid_settings_are_usage_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        FakeHubConfig(**changes)  # type: ignore[arg-type]


def test_replace_validates_again() -> None:
    config = FakeHubConfig(latency=0.1)
    assert config.replace(latency=0.2).latency == 0.2
    with pytest.raises(UsageError):
        config.replace(latency=-1)


def test_describe_mentions_the_limits_and_faults() -> None:
    text = FakeHubConfig.realistic(error_rate=0.1, secondary_inflight=5, seed=7).describe()
    assert "30/60s with a token, 10/60s without (status 403)" in text
    assert "errors 0.1" in text
    assert "> 5 in flight" in text
    assert text.endswith("seed 7")
    assert FakeHubConfig().describe().startswith("rate limit: none")


@pytest.mark.parametrize(
    ("url", "normalised"),
    [("http://127.0.0.1:8000", "http://127.0.0.1:8000"), ("HTTPS://Hub.Example/", "https://hub.example"),
     ("https://[::1]:8443", "https://[::1]:8443"), ("http://localhost", "http://localhost")],
)  # fmt: skip
def test_public_url_is_normalised(url: str, normalised: str) -> None:
    assert FakeHubConfig(public_url=url).public_url == normalised
    assert f"public URL {normalised}" in FakeHubConfig(public_url=url).describe()


def test_null_owners_are_off_unless_asked() -> None:
    assert FakeHubConfig().null_owner_rate == 0.0
    assert "null owners" not in FakeHubConfig().describe()
    assert "null owners 0.25" in FakeHubConfig(null_owner_rate=0.25).describe()
