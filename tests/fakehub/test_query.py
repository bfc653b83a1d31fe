"""Parsing of the search ``q``: GitHub's grammar and its 422 rules."""

from __future__ import annotations

import pytest

from speedlab.fakehub import ParsedQuery, QueryError, parse_query


def test_terms_and_language() -> None:
    parsed = parse_query("Django language:python")
    assert parsed == ParsedQuery(terms=("django",), languages=("Python",))


def test_language_is_case_insensitive_and_aliases_work() -> None:
    assert parse_query("x language:PYTHON") == parse_query("x language:python")
    assert parse_query("x Language:Py").languages == ("Python",)
    assert parse_query('x language:"jupyter notebook"').languages == ("Jupyter Notebook",)


def test_several_languages_are_kept_sorted() -> None:
    assert parse_query("x language:rust language:go").languages == ("Go", "Rust")


def test_unknown_language_matches_nothing() -> None:
    parsed = parse_query("x language:klingon")
    assert parsed.languages == ()
    assert parsed.matches_nothing
    assert not parse_query("x language:klingon language:python").matches_nothing


def test_literal_plus_is_not_a_separator() -> None:
    parsed = parse_query("kw+language:python")
    assert parsed.terms == ("kw+language:python",)
    assert parsed.languages == ()


def test_terms_are_normalised_for_the_cache() -> None:
    assert parse_query("Torch  ML") == parse_query("ml torch")


def test_quoted_phrase_is_one_term() -> None:
    assert parse_query('"web scraping" language:python').terms == ("web scraping",)


def test_fork_and_in_qualifiers() -> None:
    assert parse_query("x").fork == "false"
    assert parse_query("x fork:true").fork == "true"
    assert parse_query("x fork:ONLY").fork == "only"
    assert parse_query("x in:name,topics,bogus").in_fields == ("name", "topics")


def test_exclusions() -> None:
    parsed = parse_query("a NOT b -c")
    assert parsed.terms == ("a",)
    assert parsed.excluded == ("b", "c")


def test_other_known_qualifiers_are_ignored_and_unknown_ones_are_text() -> None:
    assert parse_query("x stars:>100 user:someone") == ParsedQuery(terms=("x",))
    assert parse_query("x foo:bar").terms == ("foo:bar", "x")


def test_qualifiers_alone_are_a_valid_query() -> None:
    assert parse_query("language:python") == ParsedQuery(languages=("Python",))


@pytest.mark.parametrize("q", [None, "", "   "])
def test_missing_q(q: str | None) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(q)
    assert info.value.body == {
        "message": "Validation Failed",
        "errors": [{"resource": "Search", "field": "q", "code": "missing"}],
        "documentation_url": "https://docs.github.com/v3/search",
        "status": "422",
    }


def test_length_counts_text_but_not_qualifiers_or_operators() -> None:
    assert parse_query("a" * 256 + " language:python AND").terms == ("a" * 256,)
    assert parse_query(" ".join(["abc"] * 64)).terms == ("abc",)  # 64*3 + 63 spaces = 255
    with pytest.raises(QueryError) as info:
        parse_query("a" * 257)
    assert info.value.body["errors"] == [
        {
            "message": "The search is longer than 256 characters.",
            "resource": "Search",
            "field": "q",
            "code": "invalid",
        }
    ]


def test_more_than_five_operators() -> None:
    five = "a AND b OR c AND d OR e NOT f"
    assert parse_query(five).terms == ("a", "b", "c", "d", "e")
    with pytest.raises(QueryError) as info:
        parse_query(five + " AND g")
    body = info.value.body
    assert body["message"] == "Validation Failed"
    assert body["errors"][0]["message"] == "More than five AND / OR / NOT operators were used."  # type: ignore[index]


def test_only_operators() -> None:
    with pytest.raises(QueryError) as info:
        parse_query("AND OR")
    assert "only logical operators" in info.value.body["errors"][0]["message"]  # type: ignore[index]
