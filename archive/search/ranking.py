"""Ranking a query's matches once they are known, with whoosh's own scores.

whoosh ranks by stepping its matchers through every candidate document in
Python.  For one common word it can skip blocks that cannot reach the top 20,
but a query that filters (``type:claim status:verified year``) cannot skip:
it stepped a three-way intersection through 9,000 matches in 0.6 s.  Once
:mod:`archive.search.matches` has the matches as a set, each scoring word's
postings are read a block at a time and every match is scored once by the
scorer whoosh itself would use (BM25F, with the same boosts and the same sums
over AND and OR), so the ranking is whoosh's to the last digit that matters
(a test compares scores with whoosh's on many queries).  BM25F is computed
over whole posting lists with the field lengths read once per segment, so a
common word's 45,000 matches rank in about 30 ms, where whoosh's matchers,
even skipping the blocks that cannot reach the top 20, took 120 ms.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25FScorer, WeightScorer

from archive.search.matches import is_null, matching_docs, set_computable
from archive.search.phrases import KnownPhrase
from archive.search.segments import field_length_array, leaves, term_postings


def rankable(node: wq.Query) -> bool:
    """Can :func:`score_matches` score ``node`` as whoosh would?"""
    if isinstance(node, (wq.Term, KnownPhrase)) or is_null(node):
        return True
    if type(node) is wq.ConstantScoreQuery:  # what a prefix or fuzzy word becomes (archive.search.query)
        return set_computable(node.child)
    if type(node) is wq.Or:
        return not getattr(node, "minmatch", 0) and not getattr(node, "scale", None) and all(
            rankable(child) for child in node.subqueries)
    if type(node) is wq.And:
        wanted = [child for child in node.subqueries if not isinstance(child, wq.Not)]
        return bool(wanted) and all(rankable(child) for child in wanted)
    if type(node) is wq.AndNot:
        return rankable(node.a)
    return False


Scores = tuple[np.ndarray, np.ndarray]  # documents of one segment (int64, ascending) and their scores (float64)


def top_matches(searcher: Any, parsed: wq.Query, docs_by_segment: list[np.ndarray], limit: int | None
                ) -> list[tuple[float, int]]:
    """The ``limit`` best (score, index-wide document number) of the known matches (all with None), best
    first; equal scores in document order, as whoosh orders them."""
    best: list[tuple[float, int]] = []
    for (subsearcher, offset), docs in zip(leaves(searcher), docs_by_segment):
        if not len(docs):
            continue
        found, scores = score_matches(parsed, subsearcher, docs)
        if limit is not None and len(scores) > limit:
            # the limit-th best score, found by a partial sort; only the matches that reach it are ordered
            floor = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            keep = scores >= floor
            found, scores = found[keep], scores[keep]
        best.extend(zip((-scores).tolist(), (found + offset).tolist()))
        best.sort()
        if limit is not None:
            del best[limit:]
    return [(-negated, docnum) for negated, docnum in best]


def score_matches(node: wq.Query, searcher: Any, within: Any) -> Scores:
    """The documents of ``within`` (one segment's: document numbers, or a mask over the segment) that
    ``node`` matches, and the score of each."""
    if not (isinstance(within, np.ndarray) and within.dtype == bool):
        within = _mask(within, searcher.reader().doc_count_all())
    return _scores(node, searcher, within)


def _scores(node: wq.Query, searcher: Any, within: np.ndarray) -> Scores:
    if isinstance(node, wq.Term):
        return _term_scores(node, searcher, within)
    if isinstance(node, KnownPhrase):
        return _phrase_scores(node, searcher, within)
    if is_null(node):
        return _NOTHING
    if type(node) is wq.ConstantScoreQuery:  # every match scores the same (whoosh: when ranking top hits)
        found = matching_docs(node.child, searcher)
        found = found[within[found]]
        return found, np.full(len(found), node.score, dtype=np.float64)
    if type(node) is wq.Or:
        if len(node.subqueries) == 1:
            return _scores(node.subqueries[0], searcher, within)
        # each document's scores summed in the order of the subqueries, over the whole segment
        present = np.zeros(len(within), dtype=bool)
        total = np.zeros(len(within), dtype=np.float64)
        for child in node.subqueries:
            found, scores = _scores(child, searcher, within)
            present[found] = True
            total[found] += scores  # (a subquery names a document once)
        found = np.flatnonzero(present)
        return _boosted((found, total[found]), node.boost)
    if type(node) is wq.And:
        if len(node.subqueries) == 1:
            return _scores(node.subqueries[0], searcher, within)
        wanted = [child for child in node.subqueries if not isinstance(child, wq.Not)]
        unwanted = [child for child in node.subqueries if isinstance(child, wq.Not)]
        keep = within.copy()
        for child in unwanted:
            keep[matching_docs(child.query, searcher)] = False
        parts = []
        for child in sorted(wanted, key=lambda c: _estimate(c, searcher.reader())):
            found, scores = _scores(child, searcher, keep)
            keep = np.zeros_like(within)
            keep[found] = True
            parts.append((found, scores))
        found = np.flatnonzero(keep)
        total = np.zeros(len(found), dtype=np.float64)
        for docs, scores in parts:  # in the order whoosh adds them
            total += scores[np.searchsorted(docs, found)]
        bonus = sum(child.boost for child in unwanted)  # whoosh's NOT matcher scores its boost
        if bonus:
            total += bonus
        return _boosted((found, total), node.boost)
    if type(node) is wq.AndNot:
        keep = within.copy()
        keep[matching_docs(node.b, searcher)] = False
        return _scores(node.a, searcher, keep)
    raise ValueError(f"not rankable here: {node!r}")


def _estimate(node: wq.Query, reader: Any) -> int:
    """whoosh's ``estimate_size`` (the AND's order: the order its scores are added in), each word's count
    taken from the postings this search has read (whoosh looks every word up again: 35 ms for a month's
    dates)."""
    if type(node) is wq.Term:
        if node.fieldname not in reader.schema:
            return 0
        try:
            word = reader.schema[node.fieldname].to_bytes(node.text)
        except ValueError:
            return 0
        return len(term_postings(reader, node.fieldname, word)[0])
    if type(node) is wq.Or:
        return min(sum(_estimate(child, reader) for child in node.subqueries), reader.doc_count())
    if type(node) is wq.And:
        return min(_estimate(child, reader) for child in node.subqueries)
    if type(node) is wq.ConstantScoreQuery:
        return _estimate(node.child, reader)
    return node.estimate_size(reader)


_NOTHING: Scores = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def _mask(docs: Any, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[docs if isinstance(docs, np.ndarray) else np.fromiter(docs, dtype=np.int64)] = True
    return mask


def _boosted(scored: Scores, boost: float) -> Scores:
    if boost != 1.0:
        return scored[0], scored[1] * boost
    return scored


class _Posting:
    """What whoosh's scorers read of a matcher: the document and the word's weight in it."""

    __slots__ = ("docnum", "weight_")

    def __init__(self) -> None:
        self.docnum, self.weight_ = 0, 0.0

    def id(self) -> int:
        return self.docnum

    def weight(self) -> float:
        return self.weight_


def _term_scores(node: wq.Term, searcher: Any, within: np.ndarray) -> Scores:
    reader = searcher.reader()
    if node.fieldname not in reader.schema:
        return _NOTHING
    field = reader.schema[node.fieldname]
    try:
        word = field.to_bytes(node.text)
    except ValueError:
        return _NOTHING
    if (node.fieldname, word) not in reader:
        return _NOTHING
    scorer = searcher.weighting.scorer(searcher, node.fieldname, word)
    docs, weights = term_postings(reader, node.fieldname, word)
    keep = within[docs]
    docs, tf = docs[keep], weights[keep]
    lengths = field_length_array(reader, node.fieldname) if type(scorer) is BM25FScorer else None
    if lengths is not None:
        # whoosh's bm25() over whole arrays, the same operations in the same order (so the same doubles)
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths[docs] / avgfl)))
        return _boosted((docs, scores), node.boost)
    if type(scorer) is WeightScorer:  # a field without lengths (type:, status:): the weight is the score
        return _boosted((docs, tf), node.boost)
    posting, score = _Posting(), scorer.score
    scores = np.empty(len(docs), dtype=np.float64)
    for n, (docnum, weight) in enumerate(zip(docs.tolist(), tf.tolist())):
        posting.docnum, posting.weight_ = docnum, weight
        scores[n] = score(posting)
    return _boosted((docs, scores), node.boost)


def _phrase_scores(node: KnownPhrase, searcher: Any, within: np.ndarray) -> Scores:
    found = node.in_segment(searcher.reader())
    if not found:  # (nor may a word of it be in this segment: whoosh would fail to make its scorer)
        return _NOTHING
    scorers = [searcher.weighting.scorer(searcher, node.fieldname, word).score for word in node.words]
    posting = _Posting()
    docs, scores = [], []
    for docnum in sorted(found):
        if within[docnum]:
            posting.docnum = docnum
            total = 0.0
            for score, weight in zip(scorers, found[docnum]):
                posting.weight_ = weight
                total += score(posting)
            docs.append(docnum)
            scores.append(total)
    return _boosted((np.array(docs, dtype=np.int64), np.array(scores, dtype=np.float64)), node.boost)
