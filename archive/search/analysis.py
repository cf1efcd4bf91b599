"""One fused analyzer: words, lowercase, accents folded, stop words dropped, English stems.

whoosh's stock chain (tokenizer → lowercase → stop → stem) passes every token
through four generators; doing it in one, with the stem of each distinct word
cached, makes indexing several times faster, and indexing speed is what a
full rebuild of a large archive costs.  Query text goes through the same
analyzer, so "Regulators" finds "regulation" and "Sacks" finds "sacks".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterator

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem

_WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with".split()
)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lowercase and strip accents: "Café" → "cafe"."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def index_term(word: str) -> str | None:
    """The term a word is indexed under, or None for a stop word."""
    folded = fold(word)
    if folded in STOP_WORDS:
        return None
    return stem(folded) if folded.isalpha() else folded


def terms(value: str) -> list[str]:
    """The terms of a text in order, stop words left out: what indexing needs, without Token objects."""
    found = []
    for word in _WORD.findall(value):
        term = index_term(word)
        if term is not None:
            found.append(term)
    return found


def term_spans(text: str, wanted: set[str] | frozenset[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the words are whose terms are ``wanted``: (start, end) offsets, in order."""
    return list(iter_term_spans(text, wanted))


def iter_term_spans(text: str, wanted: set[str] | frozenset[str], start: int = 0) -> Iterator[tuple[int, int]]:
    """:func:`term_spans` from ``start`` (the start of a word) on, found as they are asked for."""
    for match in _WORD.finditer(text, start):
        if index_term(match.group()) in wanted:
            yield match.span()


class FootnoteAnalyzer(Tokenizer):
    """Tokenizer, lowercase, accent folding, stop words and stemming in one pass."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FootnoteAnalyzer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = fold(value)
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in _WORD.finditer(value):
            term = index_term(match.group())
            if term is None:
                if not removestops:
                    token.text, token.stopped, token.boost = fold(match.group()), True, 1.0
                    if positions:
                        token.pos = pos
                    if chars:
                        token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
                    yield token
                continue
            token.text = term
            token.stopped = False
            token.boost = 1.0
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
            pos += 1
            yield token
