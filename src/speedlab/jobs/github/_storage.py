"""Turn a keyword into a safe file name, render its result, and tell whether it is saved already.

The lecture writes ``open(os.path.join(BASE_DIR, query_name), 'w')``: a keyword like
``../../.bashrc`` or ``a/b`` would write elsewhere, ``ML`` and ``ml`` clash on a
case-insensitive disk, and a crash mid-write leaves half a file that a resumed run would trust.

File names (``filename_for``) are one-to-one and bounded:

- a keyword matching ``^[a-z0-9][a-z0-9_-]{0,63}$`` keeps its name (``search``, ``torch``, ...),
  unless it is a name Windows reserves (``con``, ``nul``, ``com1``...) or ends like a hashed
  name (``-`` and 16 hex digits);
- anything else becomes a lower-case slug of at most 40 characters, ``-``, and the first 16 hex
  digits of the keyword's SHA-256: ``ML`` is saved as ``ml-<hash>``, never as ``ML``, so that it
  cannot collide with ``ml`` even on a case-insensitive file system.

Kept names never end in ``-<16 hex>`` and hashed names always do, so the two sets are disjoint;
hashed names differ whenever the keywords' 64-bit hash prefixes do.

Writing is the job-agnostic :mod:`speedlab.jobs._output` (re-exported here): atomic writes
that replace whatever has the name, and reads that trust nothing already in the directory.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TypeGuard

from speedlab.jobs._output import OutputDir, read_regular, save_atomic
from speedlab.jobs.github._query import OutputFormat, search_query
from speedlab.jobs.github._search import SearchResult

__all__ = [
    "MAX_SAVED_FILE_BYTES",
    "OutputDir",
    "filename_for",
    "is_saved",
    "render",
    "save_atomic",
]

_PLAIN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_HASHED_TAIL = re.compile(r".*-[0-9a-f]{16}")
# Names Windows refuses as files whatever the extension (and we never add one).
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
# Longest slug kept in a hashed name, in characters and in UTF-8 bytes: with "-" and 16 hex
# digits a name stays under 100 bytes (and under 60 characters), far below any file system's
# limit of 255 bytes. 40 characters is the limit of earlier versions, so ASCII names stay.
_SLUG_LIMIT = 40
_SLUG_BYTES = 80
_HASH_DIGITS = 16
#: The largest file a resume check reads: a search has at most 1000 results (GitHub's cap),
#: about 30 KB of ids, so anything this large was not written by us.
MAX_SAVED_FILE_BYTES = 16 * 2**20
# Unicode general categories a slug keeps: letters and digits of every script, and the
# combining marks that belong to them (Devanagari vowel signs, accents left uncomposed).
_LETTER, _MARK, _NUMBER = "L", "M", "N"


def _slug(keyword: str) -> str:
    """Return the readable part of a hashed name: the keyword's letters, lower-case, NFC.

    Letters, digits and marks of any script and ``_`` are kept; every run of anything else
    (spaces, punctuation, symbols, controls, format characters such as U+202E, separators
    and reserved characters like ``/ \\ : * ? " < > |``) becomes one ``-``. For an ASCII
    keyword this is exactly the slug of earlier versions, so their files still resume.
    """
    import unicodedata  # only hashed names need it

    kept: list[str] = []
    for ch in unicodedata.normalize("NFC", keyword.lower()):
        kind = unicodedata.category(ch)[0]
        if ch == "_" or kind in (_LETTER, _NUMBER) or (kind == _MARK and kept and kept[-1] != "-"):
            kept.append(ch)
        elif not kept or kept[-1] != "-":
            kept.append("-")
    # Cut to the limits without splitting a character, nor a letter from its marks.
    end, size = 0, 0
    while end < min(len(kept), _SLUG_LIMIT):
        size += len(kept[end].encode("utf-8"))
        if size > _SLUG_BYTES:
            break
        end += 1
    while 0 < end < len(kept) and unicodedata.category(kept[end])[0] == _MARK:
        end -= 1
    slug = "".join(kept[:end]).strip("-_")
    while slug and unicodedata.category(slug[0])[0] == _MARK:  # a mark left without its letter
        slug = slug[1:].lstrip("-_")
    return slug or "keyword"


def filename_for(keyword: str) -> str:
    """Return the file name for a keyword's results: safe, one-to-one, at most 100 bytes.

    A keyword matching ``^[a-z0-9][a-z0-9_-]{0,63}$`` keeps its name (``torch``), unless
    Windows reserves it (``con``) or it ends like a hashed name. Any other keyword, in any
    script, becomes its slug (its letters, lower-case and NFC-normalised, see :func:`_slug`),
    ``-``, and 16 hex digits of the SHA-256 of the keyword exactly as given: ``данные`` is
    saved as ``данные-<hash>`` and ``ML`` as ``ml-<hash>``.

    The hash is of the exact text, because GitHub searches the text as given: ``café`` typed
    precomposed (NFC) and decomposed (NFD) are two keywords, with two files (the same slug,
    two hashes), so that no search overwrites another's results, even on a file system that
    ignores case or normalises names (macOS). Kept names never end in ``-`` and 16 hex digits,
    and hashed names always do, so the two kinds never meet.

    Every name is non-empty, NFC, has no separator, control or format character, none of
    ``< > : " / \\ | ? *``, no leading dot, no trailing dot or space, is no Windows reserved
    name, and is at most 100 bytes of UTF-8 (a slug is cut at 40 characters or 80 bytes,
    between whole letters).

    Example:
        >>> filename_for("torch")
        'torch'
        >>> filename_for("ML")
        'ml-a5713dc015b27286'
        >>> filename_for("данные")[:7]
        'данные-'

    Args:
        keyword: any text.

    Returns:
        The file name, to join to the output directory.
    """
    if (
        _PLAIN.fullmatch(keyword)
        and keyword not in _WINDOWS_RESERVED
        and not _HASHED_TAIL.fullmatch(keyword)
    ):
        return keyword
    digest = hashlib.sha256(keyword.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{_slug(keyword)}-{digest[:_HASH_DIGITS]}"


def render(result: SearchResult, format: OutputFormat, *, fetched_at: str) -> bytes:
    """Return the file content for a result.

    ``"list"`` is exactly the lecture's ``str(list_of_ids)`` (``[1, 2, 3]``, no newline).
    ``"json"`` is a sorted-keys, 2-space-indented object with ``keyword``, ``query``, ``ids``,
    ``total_count``, ``incomplete_results``, ``pages`` and ``fetched_at``, and a newline.

    Example:
        >>> from speedlab.jobs.github._search import SearchResult
        >>> done = SearchResult("x", "x language:python", (1, 2), 2, False, 1, "done")
        >>> render(done, "list", fetched_at="2026-01-01T00:00:00Z")
        b'[1, 2]'

    Args:
        result: a finished search.
        format: ``"list"`` or ``"json"``.
        fetched_at: the run's start as ISO-8601 UTC, shared by every file of a run.

    Raises:
        ValueError: an unknown format.
    """
    if format == "list":
        return str(list(result.ids)).encode("ascii")
    if format == "json":
        document = {
            "keyword": result.keyword,
            "query": result.query,
            "ids": list(result.ids),
            "total_count": result.total_count,
            "incomplete_results": result.incomplete_results,
            "pages": result.pages,
            "fetched_at": fetched_at,
        }
        return (json.dumps(document, sort_keys=True, indent=2) + "\n").encode("ascii")
    raise ValueError(f"unknown format {format!r}")


def is_saved(out_dir: Path | str, keyword: str, format: OutputFormat) -> bool:
    """Tell whether a previous run already saved this keyword in this format (for ``--resume``).

    ``"json"``: the file parses and names the same keyword. ``"list"``: the file parses as a
    list of integers. Only a regular file counts, read without following a symbolic link and
    without blocking, and at most ``MAX_SAVED_FILE_BYTES`` of it: anything else with the name
    (a link, even to a valid list; a FIFO; a device; a directory), or a file that is missing,
    half-written by another tool or in another format, means "fetch again" (and the save
    then replaces it).

    Args:
        out_dir: the output directory.
        keyword: the keyword.
        format: the format this run writes.

    Raises:
        UsageError: the keyword is empty or only whitespace.
    """
    data = read_regular(Path(out_dir) / filename_for(keyword), max_bytes=MAX_SAVED_FILE_BYTES)
    if data is None:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if format == "json":
        try:
            document = json.loads(text)
        except ValueError:
            return False
        return (
            isinstance(document, dict)
            and document.get("keyword") == keyword
            and document.get("query") == search_query(keyword)
            and isinstance(document.get("ids"), list)
            and all(_is_int(i) for i in document["ids"])
        )
    return _parses_as_id_list(text)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _parses_as_id_list(text: str) -> bool:
    stripped = text.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")):
        return False
    try:
        values = json.loads(stripped)  # str(list[int]) is valid JSON
    except ValueError:
        return False
    return isinstance(values, list) and all(_is_int(v) for v in values)
