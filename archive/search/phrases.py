"""Phrase search that reads positions only where every word of the phrase occurs.

whoosh checks a phrase document by document: it intersects the words'
posting lists one document at a time and builds span objects from each
candidate's positions (~25 µs a candidate in Python).  "percent has" in the
benchmark archive has 19,000 candidates and 595 matches, and took 0.5–0.8 s.
Here each word's postings are read a block at a time, the candidates are the
intersection of the words' document sets, positions are decoded only for
them, and the phrase is checked with set operations.  The phrase then becomes
a :class:`KnownPhrase`, carrying its matches and the words' weights in them:
:mod:`archive.search.matches` counts them with set operations, and
:mod:`archive.search.ranking` (or whoosh, through :meth:`KnownPhrase.matcher`)
ranks them with the scores whoosh gives the phrase (the sum of its words').
"""

from __future__ import annotations

from functools import reduce
from itertools import accumulate
from pickle import loads
from typing import Any

import numpy as np
from whoosh import matching, query as wq
from whoosh.system import _INT_SIZE

from archive.search.schema import ONCE
from archive.search.segments import leaves, posting_blocks, term_postings


class KnownPhrase(wq.Query):
    """A phrase of adjacent words whose matches were found beforehand, one segment at a time.

    It matches what whoosh's ``Phrase`` matches and scores as it does: the sum
    of its words' scores (a word twice in the phrase counts twice), times the
    phrase's boost.  The words' weights in each match are kept from the
    postings, so ranking reads nothing more.  Valid for the searcher whose
    segments it was made with; deleted documents are left out.
    """

    def __init__(self, phrase: wq.Phrase, words: list[bytes], matches: dict[str, dict[int, tuple[float, ...]]]):
        self.fieldname, self.words, self.boost = phrase.fieldname, words, phrase.boost
        self.label = f"{phrase.fieldname}:\"{' '.join(phrase.words)}\""
        self.matches = matches  # segment id -> {document number: the weight of each word of the phrase}

    def __repr__(self) -> str:
        return f"KnownPhrase({self.label!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KnownPhrase) and (other.label, other.boost, other.matches) == (
            self.label, self.boost, self.matches)

    def __hash__(self) -> int:
        return hash((KnownPhrase, self.label, self.boost))

    def is_leaf(self) -> bool:
        return True

    def in_segment(self, reader: Any) -> dict[int, tuple[float, ...]]:
        return self.matches.get(reader.segment().segment_id(), {})

    def estimate_size(self, ixreader: Any) -> int:
        return sum(len(found) for found in self.matches.values())

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        found = self.in_segment(searcher.reader())
        if not found:
            return matching.NullMatcher()
        ids = sorted(found)
        weighting = context.weighting if context is not None else searcher.weighting
        reader = searcher.reader()
        combined = None
        for index, word in enumerate(self.words):
            scorer = weighting.scorer(searcher, self.fieldname, word)
            words = matching.ListMatcher(ids, weights=[found[docnum][index] for docnum in ids], scorer=scorer,
                                         terminfo=reader.term_info(self.fieldname, word))  # (for block quality)
            combined = words if combined is None else matching.IntersectionMatcher(combined, words)
        return matching.WrappingMatcher(combined, boost=self.boost) if self.boost != 1.0 else combined


def prefilter_phrases(parsed: wq.Query, searcher: Any) -> wq.Query:
    """``parsed`` with every phrase of adjacent words replaced by a :class:`KnownPhrase`."""
    segments = [sub.reader() for sub, _ in leaves(searcher)]

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is wq.Phrase and node.slop == 1 and len(node.words) > 1:
            field = searcher.schema[node.fieldname] if node.fieldname in searcher.schema else None
            if field is None or not field.format or not field.format.supports("positions"):
                return node  # whoosh says what is wrong
            words = [field.to_bytes(word) for word in node.words]
            return KnownPhrase(node, words, {reader.segment().segment_id(): phrase_matches(reader, node.fieldname,
                                                                                           words)
                                             for reader in segments})
        if node.is_leaf():
            return node
        return node.apply(visit)

    return visit(parsed)


def phrase_matches(reader: Any, fieldname: str, words: list[bytes]) -> dict[int, tuple[float, ...]]:
    """The segment's live documents where ``words`` stand next to each other in this order, with the weight
    (frequency) of each word in each of them.

    Candidates come from documents alone (positions are stored apart: see :mod:`archive.search.blocks`).
    Positions are then read a word at a time, the rarest first, each time only from blocks holding a
    document still in the running: in "than council spokesperson" the two rarer words leave one document,
    so of "than"'s thousands of blocks one is read."""
    if any((fieldname, word) not in reader for word in words):
        return {}
    documents = {word: term_postings(reader, fieldname, word)[0] for word in set(words)}
    candidates = reduce(np.intersect1d, documents.values())
    if reader.has_deletions():
        candidates = candidates[~np.isin(candidates, np.fromiter(reader.deleted_docs_set, dtype=np.int64))]
    remaining = candidates.tolist()
    postings: dict[bytes, dict[int, tuple[bytes, float]]] = {}
    starts: dict[int, list[int]] | None = None  # where the phrase may start in each document still in the running
    for offset in sorted(range(len(words)), key=lambda n: len(documents[words[n]])):
        if not remaining:
            return {}
        word = words[offset]
        if word not in postings:  # (a word twice in a phrase is read once, for more documents than later needed)
            postings[word] = _postings(reader, fieldname, word, remaining)
        found = postings[word]
        narrowed = {}
        for docnum in remaining:
            positions = _decode(found[docnum][0])  # (a shared list: never changed here)
            if offset:
                positions = [position - offset for position in positions]
            if starts is not None:  # a word has a few positions in a record: lists beat sets
                earlier = starts[docnum]
                positions = [position for position in positions if position in earlier]
            if positions:
                narrowed[docnum] = positions
        starts, remaining = narrowed, list(narrowed)
    return {docnum: tuple(postings[word][docnum][1] for word in words) for docnum in remaining}


def _postings(reader: Any, fieldname: str, word: bytes, near: list[int]) -> dict[int, tuple[bytes, float]]:
    """A word's (encoded positions, weight) in the documents of ``near`` (ascending), and perhaps a few more:
    only the blocks holding some of them are read."""
    found: dict[int, tuple[bytes, float]] = {}
    for docs, weights, values in posting_blocks(reader, fieldname, word, weights=True, values=True, near=near):
        found.update(zip(docs, zip(values, weights)))
    return found


def _decode(value: bytes) -> list[int]:
    """Positions as whoosh's ``Positions`` format encodes them (a count, then the pickled gaps)."""
    once = ONCE.get(value)
    if once is not None:
        return once
    return list(accumulate(loads(value[_INT_SIZE:])))
