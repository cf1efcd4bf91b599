"""Every record a query matches, unscored: for the total and the facet counts of a search.

whoosh finds matches through matcher objects that step one document at a
time in Python (~7 µs a document for a word searched in five fields: a
quarter of a second for a common word in a large archive).  A total and
facet counts need no scores and no order, only the set of document numbers,
so here each word's documents are read as an array (:mod:`archive.search.segments`)
and the query's AND, OR and NOT become operations on sorted arrays (numpy).  Phrases
arrive as their matches found beforehand (:mod:`archive.search.phrases`);
query kinds this does not know (ranges, …) are left to whoosh.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import collectors, query as wq

from archive.search.phrases import KnownPhrase
from archive.search.segments import leaves, per_segment, term_postings

FACETS = ("type", "status", "category")


def facet_counts(searcher, parsed: wq.Query) -> tuple[int, dict[str, dict[str, int]]]:
    """How many records match, and how many of each type, status and category."""
    return counts_of(searcher, live_matches(searcher, parsed))


Docs = np.ndarray  # a segment's document numbers, ascending, each once (int64)
_NONE: Docs = np.zeros(0, dtype=np.int64)


def live_matches(searcher, parsed: wq.Query) -> list[Docs]:
    """The documents ``parsed`` matches in each segment (as :func:`leaves` lists them), deleted ones left out."""
    found = []
    for subsearcher, _offset in leaves(searcher):
        reader = subsearcher.reader()
        docs = matching_docs(parsed, subsearcher)
        if reader.has_deletions() and len(docs):  # replaced or removed records stay in their segment until a merge
            docs = np.setdiff1d(docs, _array(reader.deleted_docs_set), assume_unique=True)
        found.append(docs)
    return found


def _array(docs) -> Docs:
    """Document numbers from any iterable, as :data:`Docs`."""
    return np.unique(np.fromiter(docs, dtype=np.int64))


def counts_of(searcher, docs_by_segment: list[Docs]) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and the facet counts of matches found segment by segment (:func:`live_matches`)."""
    counts: dict[str, dict[Any, int]] = {name: {} for name in FACETS}
    for (subsearcher, _offset), docs in zip(leaves(searcher), docs_by_segment):
        if not len(docs):
            continue
        # a document's (type, status, category) is one of a few dozen combinations: count those, then each facet
        combinations, codes = facet_combinations(subsearcher.reader())
        tally = np.bincount(codes[docs], minlength=len(combinations))
        for values, n in zip(combinations, tally.tolist()):
            if n:
                for name, value in zip(FACETS, values):
                    counts[name][value] = counts[name].get(value, 0) + n
    return sum(map(len, docs_by_segment)), {
        name: {str(key): n for key, n in sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))
               if key not in (None, "")}
        for name, counter in counts.items()}


def facet_counts_of(searcher, docnums: set[int]) -> tuple[int, dict[str, dict[str, int]]]:
    """:func:`facet_counts` for matches already found (index-wide document numbers)."""
    everything = _array(docnums)
    by_segment = []
    for subsearcher, offset in leaves(searcher):
        end = offset + subsearcher.reader().doc_count_all()
        by_segment.append(everything[(everything >= offset) & (everything < end)] - offset)
    return counts_of(searcher, by_segment)


class EveryMatchTopCollector(collectors.TopCollector):
    """The top N by score, noting every match on the way: for queries whose matches cost whoosh's own
    matchers anyway (a phrase checks positions document by document), so they run once, not twice."""

    def __init__(self, limit: int) -> None:
        # no skipping, and no replacing the matcher by one that drops what cannot reach the top N (whoosh
        # does so every 10 matches otherwise): every match is seen
        super().__init__(limit=limit, usequality=False, replace=0)
        self.every: set[int] = set()

    def collect(self, sub_docnum: int) -> Any:
        self.every.add(self.offset + sub_docnum)
        return super().collect(sub_docnum)


def is_null(node: wq.Query) -> bool:
    """Is ``node`` whoosh's query that matches nothing (what a query of only stop words parses to)?"""
    return node is wq.NullQuery or type(node).__name__ == "_NullQuery"


def set_computable(node: wq.Query) -> bool:
    """Can :func:`matching_docs` find ``node``'s matches with set operations alone?"""
    if isinstance(node, (wq.Term, KnownPhrase)) or is_null(node):
        return True
    if isinstance(node, wq.ConstantScoreQuery):
        return set_computable(node.child)
    if type(node) is wq.Or and not getattr(node, "minmatch", 0):
        return all(set_computable(child) for child in node.subqueries)
    if type(node) is wq.And:
        wanted = [c for c in node.subqueries if not isinstance(c, wq.Not)]
        return bool(wanted) and all(set_computable(c.query if isinstance(c, wq.Not) else c)
                                    for c in node.subqueries)
    if type(node) is wq.AndNot:
        return set_computable(node.a) and set_computable(node.b)
    return False


def matching_docs(node: wq.Query, searcher) -> Docs:
    """The segment's document numbers ``node`` matches (deleted ones included) — ``searcher`` is one
    segment's searcher."""
    reader = searcher.reader()
    if isinstance(node, wq.Term):
        return term_docs(reader, node.fieldname, node.text)
    if isinstance(node, KnownPhrase):
        return _array(node.in_segment(reader))
    if isinstance(node, wq.ConstantScoreQuery):
        return matching_docs(node.child, searcher)
    if is_null(node):
        return _NONE
    if type(node) is wq.Or and not getattr(node, "minmatch", 0):
        if len(node.subqueries) == 1:
            return matching_docs(node.subqueries[0], searcher)
        # a mask over the segment: no sorting or hashing (a common word's fields are 45,000 documents)
        found = np.zeros(reader.doc_count_all(), dtype=bool)
        for child in node.subqueries:
            found[matching_docs(child, searcher)] = True
        return np.flatnonzero(found)
    if type(node) is wq.And:
        wanted = [c for c in node.subqueries if not isinstance(c, wq.Not)]
        unwanted = [c.query for c in node.subqueries if isinstance(c, wq.Not)]
        if wanted:
            parts = sorted((matching_docs(child, searcher) for child in wanted), key=len)
            found = parts[0]
            for other in parts[1:]:
                found = np.intersect1d(found, other, assume_unique=True)
            for child in unwanted:
                if not len(found):
                    break
                found = np.setdiff1d(found, matching_docs(child, searcher), assume_unique=True)
            return found
    if type(node) is wq.AndNot:
        return np.setdiff1d(matching_docs(node.a, searcher), matching_docs(node.b, searcher), assume_unique=True)
    return _array(node.docs(searcher))  # phrases, ranges, a lone NOT …: whoosh's own way


def term_docs(reader, fieldname: str, text: Any) -> Docs:
    """A word's documents in one segment (deleted ones included), read a block of postings at a time."""
    if fieldname not in reader.schema:
        return _NONE
    word = reader.schema[fieldname].to_bytes(text) if not isinstance(text, bytes) else text
    # with the weights, which will rank the matches: read once (archive.search.segments.postings_read_once)
    return term_postings(reader, fieldname, word)[0]


def facet_combinations(reader) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """A segment's distinct (type, status, category) values, and for each document the position of its own
    among them (read once: segments are immutable)."""
    def make() -> tuple[list[tuple[Any, ...]], np.ndarray]:
        positions: dict[tuple[Any, ...], int] = {}
        codes = [positions.setdefault(values, len(positions))
                 for values in zip(*(facet_column(reader, name) for name in FACETS))]
        return list(positions), np.array(codes, dtype=np.int64)
    return per_segment(reader, "facets", make)


def facet_column(reader, name: str) -> list[Any]:
    """A segment's values of a facet field, one per document (read once: segments are immutable)."""
    return per_segment(reader, f"facet:{name}", lambda: list(reader.column_reader(name)) if reader.has_column(name)
                       else [None] * reader.doc_count_all())
