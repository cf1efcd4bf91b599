"""Splitting a document's text into sentences, kept as spans of the original text.

Passages are sentences because digests cite sentence numbers; the split only
needs to be good, not perfect, since verification never trusts the numbers
alone.  Abbreviations ("Mr.", "U.S.", "e.g.", initials) do not end a sentence;
blank lines always do (paragraphs and headings).  Linear in the text's length.
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)|\n[ \t]*\n")
_NEXT_START = re.compile(r"\s+[\"'\u201c\u2018(\[]*[A-Z0-9\u00c0-\u024f]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,9})$")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "capt", "st", "jr", "sr", "rev",
    "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "e.u", "no", "nos", "fig", "figs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept",
    "est", "vol", "pp", "p", "ph.d", "a.m", "p.m", "mt", "ft", "ave", "blvd",
}


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences in ``text[start:end]``, trimmed of spaces."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _CANDIDATE.finditer(text, start, end):
        boundary = match.end()
        if not match.group().startswith("\n"):
            if not _NEXT_START.match(text, boundary, end):
                continue
            if _is_abbreviation(text, match.start(), cursor):
                continue
        _add(spans, text, cursor, boundary)
        cursor = boundary
    _add(spans, text, cursor, end)
    return spans


def _is_abbreviation(text: str, dot: int, floor: int) -> bool:
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text, max(floor, dot - 10), dot)
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    if token in ABBREVIATIONS:
        return True
    return len(token) == 1 and token.isalpha() and word.group(1).isupper()  # an initial: "J. Smith"


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
