"""Read GitHub's search ``q`` the way GitHub does, so client bugs show up offline.

The point of this module is the lecture's ``+`` bug: ``q`` is form-decoded by the server (a raw
``+`` in the URL is a space), then split on whitespace only. A literal plus that survives decoding
(``kw%2Blanguage%3Apython``, which is what ``params={"q": "kw+language:python"}`` sends) stays
inside one token, so ``kw+language:python`` is free text and *not* a language filter -- exactly
what GitHub does (reference §1.2).

Supported: free-text terms and ``"quoted phrases"`` (AND-ed), ``NOT term`` / ``-term``, the
``AND``/``OR``/``NOT`` operator count rule, ``language:`` (case-insensitive, several act as OR),
``fork:true|only|false``, ``in:name,description,topics,readme``. Other known qualifiers
(``stars:``, ``user:`` ...) are accepted and ignored; ``OR`` is counted but read as AND.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "KNOWN_LANGUAGES",
    "MAX_OPERATORS",
    "MAX_QUERY_LENGTH",
    "ParsedQuery",
    "QueryError",
    "parse_query",
]

# GitHub refuses a query whose text, without operators and qualifiers, is longer than this.
MAX_QUERY_LENGTH = 256

# GitHub refuses more than this many AND / OR / NOT operators in one query.
MAX_OPERATORS = 5

_OPERATORS = frozenset({"AND", "OR", "NOT"})

_QUALIFIER_RE = re.compile(r"(-?)([A-Za-z][A-Za-z-]*):(.*)", re.DOTALL)

# Qualifiers GitHub knows for repository search (searching-for-repositories); anything else that
# looks like ``word:value`` is free text, as on GitHub.
_KNOWN_QUALIFIERS = frozenset(
    {
        "archived",
        "created",
        "followers",
        "fork",
        "forks",
        "good-first-issues",
        "help-wanted-issues",
        "in",
        "is",
        "language",
        "license",
        "mirror",
        "org",
        "pushed",
        "repo",
        "size",
        "sort",
        "stars",
        "template",
        "topic",
        "topics",
        "user",
    }
)

#: Lower-case names and aliases GitHub accepts in ``language:``, mapped to the display name.
KNOWN_LANGUAGES: dict[str, str] = {
    alias: name
    for name, aliases in {
        "Assembly": ("assembly", "asm"),
        "C": ("c",),
        "C#": ("c#", "csharp"),
        "C++": ("c++", "cpp"),
        "Clojure": ("clojure",),
        "CSS": ("css",),
        "Dart": ("dart",),
        "Dockerfile": ("dockerfile",),
        "Elixir": ("elixir",),
        "Erlang": ("erlang",),
        "Fortran": ("fortran",),
        "Go": ("go", "golang"),
        "Haskell": ("haskell",),
        "HTML": ("html",),
        "Java": ("java",),
        "JavaScript": ("javascript", "js"),
        "Julia": ("julia",),
        "Jupyter Notebook": ("jupyter notebook", "jupyter-notebook"),
        "Kotlin": ("kotlin",),
        "Lua": ("lua",),
        "Makefile": ("makefile",),
        "MATLAB": ("matlab",),
        "Nim": ("nim",),
        "Objective-C": ("objective-c",),
        "OCaml": ("ocaml",),
        "Perl": ("perl",),
        "PHP": ("php",),
        "PowerShell": ("powershell",),
        "Python": ("python", "py"),
        "R": ("r",),
        "Ruby": ("ruby",),
        "Rust": ("rust",),
        "Scala": ("scala",),
        "Shell": ("shell", "bash", "sh"),
        "Swift": ("swift",),
        "TeX": ("tex",),
        "TypeScript": ("typescript", "ts"),
        "Vue": ("vue",),
        "Zig": ("zig",),
    }.items()
    for alias in aliases
}

_IN_FIELDS = ("description", "name", "readme", "topics")

ForkMode = Literal["false", "true", "only"]

_FORK_MODES: dict[str, ForkMode] = {"false": "false", "true": "true", "only": "only"}


class QueryError(Exception):
    """The query cannot be searched; ``body`` is GitHub's 422 JSON body for it."""

    def __init__(self, message: str, body: dict[str, object]) -> None:
        super().__init__(message)
        self.body = body


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query reduced to what decides its results (the cache key of the result set).

    Terms are lower-cased and sorted because GitHub's search is case-insensitive and AND is
    commutative: ``"Torch ML"`` and ``"ml torch"`` find the same repositories.
    """

    terms: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    #: Display names of the requested languages (OR); empty means any language.
    languages: tuple[str, ...] = ()
    #: ``language:`` was given, but none of the values is a language GitHub knows.
    unknown_language: bool = False
    fork: ForkMode = "false"
    #: Fields the terms must be in; empty means the default (name, description, topics).
    in_fields: tuple[str, ...] = ()

    @property
    def matches_nothing(self) -> bool:
        """Whether the query can have no result at all (only unknown languages)."""
        return self.unknown_language and not self.languages


_DOC_URL = "https://docs.github.com/v3/search"


def _invalid(message: str) -> QueryError:
    return QueryError(
        message,
        {
            "message": "Validation Failed",
            "errors": [{"message": message, "resource": "Search", "field": "q", "code": "invalid"}],
            "documentation_url": _DOC_URL,
            "status": "422",
        },
    )


def _tokens(text: str) -> list[str]:
    """Split on whitespace outside double quotes; quotes stay in the tokens."""
    tokens: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char.isspace() and not quoted:
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


def _unquote(token: str) -> str:
    return " ".join(token.replace('"', " ").split())


@lru_cache(maxsize=4096)
def parse_query(q: str | None) -> ParsedQuery:
    """Parse an already form-decoded ``q`` into the filters the simulator applies.

    Args:
        q: the decoded value of the ``q`` parameter (``None`` when it was not sent).

    Returns:
        The normalised query.

    Raises:
        QueryError: GitHub would answer 422: ``q`` missing or blank, its text longer than 256
            characters, more than five operators, or only operators.

    >>> parse_query("kw language:PYTHON").languages
    ('Python',)
    >>> parse_query("kw+language:python").terms
    ('kw+language:python',)
    """
    if q is None or not q.strip():
        raise QueryError(
            "q is missing",
            {
                "message": "Validation Failed",
                "errors": [{"resource": "Search", "field": "q", "code": "missing"}],
                "documentation_url": _DOC_URL,
                "status": "422",
            },
        )
    terms: list[str] = []
    excluded: list[str] = []
    languages: list[str] = []
    unknown_language = False
    fork: ForkMode = "false"
    in_fields: set[str] = set()
    operators = 0
    qualifiers = 0
    text_parts: list[str] = []
    negate_next = False
    for token in _tokens(q):
        if token in _OPERATORS:
            operators += 1
            negate_next = token == "NOT"
            continue
        match = _QUALIFIER_RE.fullmatch(token)
        if match is not None and match.group(2).lower() in _KNOWN_QUALIFIERS:
            qualifiers += 1
            negated, name, value = match.group(1), match.group(2).lower(), _unquote(match.group(3))
            negated_qualifier = bool(negated) or negate_next
            negate_next = False
            if negated_qualifier:
                continue  # accepted, not simulated
            if name == "language":
                language = KNOWN_LANGUAGES.get(value.lower())
                if language is None:
                    unknown_language = True
                elif language not in languages:
                    languages.append(language)
            elif name == "fork" and value.lower() in _FORK_MODES:
                fork = _FORK_MODES[value.lower()]
            elif name == "in":
                in_fields.update(f for f in value.lower().split(",") if f in _IN_FIELDS)
            continue
        word = _unquote(token)
        exclude = negate_next or (token.startswith("-") and len(token) > 1)
        negate_next = False
        if exclude and token.startswith("-"):
            word = _unquote(token[1:])
        if not word:
            continue
        text_parts.append(word)
        (excluded if exclude else terms).append(word.lower())
    if len(" ".join(text_parts)) > MAX_QUERY_LENGTH:
        raise _invalid(f"The search is longer than {MAX_QUERY_LENGTH} characters.")
    if operators > MAX_OPERATORS:
        raise _invalid("More than five AND / OR / NOT operators were used.")
    if operators and not text_parts and not qualifiers:
        raise _invalid(
            "The search contains only logical operators (AND / OR / NOT) without any search terms."
        )
    return ParsedQuery(
        terms=tuple(sorted(set(terms))),
        excluded=tuple(sorted(set(excluded) - set(terms))),
        languages=tuple(sorted(languages)),
        unknown_language=unknown_language,
        fork=fork,
        in_fields=tuple(sorted(in_fields)),
    )
