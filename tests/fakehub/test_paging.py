"""Paging parameters, the 1000-result cap and exact ``Link`` headers."""

from __future__ import annotations

import pytest

from speedlab.fakehub._paging import beyond_cap, last_page, link_header, parse_page, parse_per_page

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
