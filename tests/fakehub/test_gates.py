"""The gates a request passes before it is counted: they accept any text and never raise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speedlab.fakehub import user_id_for_token
from speedlab.fakehub._gates import (
    DEFAULT_API_VERSION,
    has_user_agent,
    identify,
    printable,
    select_version,
    unsupported_version_body,
)

LIMITS = {"authenticated_limit": 30, "unauthenticated_limit": 10}


def test_no_authorization_is_the_client_address() -> None:
    identity = identify(None, "127.0.0.1", tokens=None, **LIMITS)
    assert identity is not None
    assert (identity.bucket, identity.limit, identity.user_id) == ("ip:127.0.0.1", 10, None)
    assert identify(None, None, tokens=None, **LIMITS).bucket == "ip:unknown"  # type: ignore[union-attr]


@pytest.mark.parametrize("header", ["Bearer ghp_abc", "token ghp_abc", "BEARER  ghp_abc  "])
def test_a_token_is_a_user(header: str) -> None:
    identity = identify(header, "::1", tokens=None, **LIMITS)
    assert identity is not None
    assert identity.user_id == user_id_for_token("ghp_abc")
    assert (identity.bucket, identity.limit) == (f"user:{identity.user_id}", 30)


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Basic ghp_abc", "Bearer ghp abc", "Bearer gh\u00e9", "Bearer \udcff",
     "token \x00", "", "   ", "Bearer ghp_other"],
)  # fmt: skip
def test_anything_else_is_bad_credentials(header: str) -> None:
    assert identify(header, "::1", tokens=frozenset({"ghp_abc"}), **LIMITS) is None


@given(st.text())
def test_identify_never_raises(header: str) -> None:
    identity = identify(header, "127.0.0.1", tokens=None, **LIMITS)
    if identity is not None:
        assert identity.user_id is not None
        assert header.split()[1].isascii()


def test_user_agent() -> None:
    assert has_user_agent("curl/8")
    assert not has_user_agent("  ")
    assert not has_user_agent(None)


def test_versions() -> None:
    assert select_version(None) == DEFAULT_API_VERSION
    assert select_version("2026-03-10") == "2026-03-10"
    assert select_version("2026-03-10\udcff") is None


@given(st.text())
def test_what_is_echoed_is_printable_ascii_and_short(value: str) -> None:
    shown = printable(value)
    assert shown.isascii()
    assert shown.isprintable()
    assert len(shown) <= 64 * 10 + 3
    body = unsupported_version_body(value)
    assert body["message"].isascii()
    assert body["message"].encode()  # no lone surrogate left to break the UTF-8 encoder
