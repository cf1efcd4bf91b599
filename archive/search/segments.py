"""Reading the index one segment at a time, and a word's postings a block at a time.

whoosh's matchers hand out postings one document at a time, through several
Python calls each.  Totals and facet counts (:mod:`archive.search.matches`),
phrases (:mod:`archive.search.phrases`) and the ranking of known matches
(:mod:`archive.search.ranking`) read whole blocks instead (128 postings per
call): this is the one place that reaches into whoosh's block reader.

A search reads a word's postings for its total and facets, then again to rank
its matches: inside :func:`postings_read_once` the second read is the first's
(:func:`term_postings`).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator, Sequence, TypeVar

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

Block = tuple[Sequence[int], Sequence[float], Sequence[bytes]]
Postings = tuple[list[int], list[float]]  # documents, and the word's weight in each
T = TypeVar("T")

_READ: ContextVar[dict[tuple[int, str, bytes], Postings] | None] = ContextVar("footnote_postings_read", default=None)


def leaves(searcher: Any) -> list[tuple[Any, int]]:
    """The per-segment searchers (and their document number offsets) of a searcher."""
    return searcher.subsearchers if searcher.subsearchers else [(searcher, 0)]


def posting_blocks(reader: Any, fieldname: str, word: bytes, *, weights: bool = False,
                   values: bool = False) -> Iterator[Block]:
    """A word's postings in one segment reader, block by block: (documents, weights, values), the last two
    empty unless asked for.  Deleted documents are included (callers remove them once, for all words)."""
    matcher = reader._terms.matcher(fieldname, word, reader.schema[fieldname].format, scorer=None)
    if not isinstance(matcher, W3LeafMatcher):  # a word in one document is stored inline
        docs: list[int] = []
        found_weights: list[float] = []
        found_values: list[bytes] = []
        while matcher.is_active():
            docs.append(matcher.id())
            if weights:
                found_weights.append(matcher.weight())
            if values:
                found_values.append(matcher.value())
            matcher.next()
        yield docs, found_weights, found_values
        return
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if weights and matcher._weights is None:
            matcher._read_weights()
        if values and matcher._values is None:
            matcher._read_values()
        start = matcher._i
        yield (matcher._ids[start:], matcher._weights[start:] if weights else (),
               matcher._values[start:] if values else ())
        matcher._next_block()


@contextmanager
def postings_read_once() -> Iterator[None]:
    """Within this block (one search, in this thread), each word's postings are read from disk once.

    Keyed by the segment reader's identity, which the block must outlive (a search holds its searcher)."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def term_postings(reader: Any, fieldname: str, word: bytes) -> Postings:
    """A word's documents in one segment reader (deleted ones included) and its weight in each."""
    read = _READ.get()
    key = (id(reader), fieldname, word)
    if read is not None and key in read:
        return read[key]
    docs: list[int] = []
    weights: list[float] = []
    for block_docs, block_weights, _ in posting_blocks(reader, fieldname, word, weights=True):
        docs.extend(block_docs)
        weights.extend(block_weights)
    if read is not None:
        read[key] = (docs, weights)
    return docs, weights


_PER_SEGMENT: dict[tuple[str, str], Any] = {}


def per_segment(reader: Any, name: str, make: Callable[[], T]) -> T:
    """``make()``, made once per segment of ``reader`` and ``name``: a segment never changes once written.

    The one cache of what is read whole from a segment (facet columns, field lengths, vocabularies);
    segments merged away leave stale entries, so it is emptied when it grows large."""
    key = (reader.segment().segment_id(), name)
    if key in _PER_SEGMENT:
        return _PER_SEGMENT[key]
    value = make()
    if len(_PER_SEGMENT) > 500:
        _PER_SEGMENT.clear()
    _PER_SEGMENT[key] = value
    return value


def length_column(perdoc: Any, fieldname: str) -> list[int | None] | None:
    """Every document's length of ``fieldname`` from a per-document reader, as whoosh decodes one
    (None: the field keeps no lengths)."""
    if not perdoc.has_column(_lenfield(fieldname)):
        return None
    return [byte_to_length(b) if b else None for b in perdoc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)]


def field_lengths(reader: Any, fieldname: str) -> list[int | None] | None:
    """A segment's field length per document, as whoosh's scorers read them (None: no lengths column).

    Read once per segment and field: whoosh asks for one length at a time, through four calls."""
    return per_segment(reader, f"lengths:{fieldname}", lambda: length_column(reader._perdoc, fieldname))
