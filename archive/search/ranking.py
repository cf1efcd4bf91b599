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

import heapq
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25FScorer, WeightScorer

from archive.search.matches import is_null, matching_docs, set_computable
from archive.search.phrases import KnownPhrase
from archive.search.segments import field_lengths, leaves, term_postings


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


def top_matches(searcher: Any, parsed: wq.Query, docs_by_segment: list[set[int]], limit: int | None
                ) -> list[tuple[float, int]]:
    """The ``limit`` best (score, index-wide document number) of the known matches (all with None), best
    first; equal scores in document order, as whoosh orders them."""
    best: list[tuple[float, int]] = []
    for (subsearcher, offset), docs in zip(leaves(searcher), docs_by_segment):
        if not docs:
            continue
        scores = score_matches(parsed, subsearcher, docs)
        if limit is not None and len(scores) > limit:
            # the limit-th best score, found in C; only the matches that reach it are ordered
            floor = heapq.nlargest(limit, scores.values())[-1]
            best.extend((-score, offset + docnum) for docnum, score in scores.items() if score >= floor)
        else:
            best.extend((-score, offset + docnum) for docnum, score in scores.items())
        best.sort()
        if limit is not None:
            del best[limit:]
    return [(-negated, docnum) for negated, docnum in best]


def score_matches(node: wq.Query, searcher: Any, within: set[int]) -> dict[int, float]:
    """The score of each document of ``within`` (one segment's) that ``node`` matches."""
    if isinstance(node, wq.Term):
        return _term_scores(node, searcher, within)
    if isinstance(node, KnownPhrase):
        return _phrase_scores(node, searcher, within)
    if is_null(node):
        return {}
    if type(node) is wq.ConstantScoreQuery:  # every match scores the same (whoosh: when ranking top hits)
        return dict.fromkeys(matching_docs(node.child, searcher) & within, node.score)
    if type(node) is wq.Or:
        if len(node.subqueries) == 1:
            return score_matches(node.subqueries[0], searcher, within)
        maps = [score_matches(child, searcher, within) for child in node.subqueries]
        # A common word matches mostly in one field (text): copy that field's scores, add the others'.
        largest = max(range(len(maps)), key=lambda n: len(maps[n]))
        total = dict(maps[largest])
        for n, scores in enumerate(maps):
            if n != largest:
                for docnum, score in scores.items():
                    total[docnum] = total.get(docnum, 0.0) + score
        return _boosted(total, node.boost)
    if type(node) is wq.And:
        if len(node.subqueries) == 1:
            return score_matches(node.subqueries[0], searcher, within)
        wanted = [child for child in node.subqueries if not isinstance(child, wq.Not)]
        unwanted = [child for child in node.subqueries if isinstance(child, wq.Not)]
        keep = set(within)
        for child in unwanted:
            keep -= matching_docs(child.query, searcher)
        maps = []
        for child in sorted(wanted, key=lambda c: c.estimate_size(searcher.reader())):
            scores = score_matches(child, searcher, keep)
            keep &= scores.keys()
            maps.append(scores)
        bonus = sum(child.boost for child in unwanted)  # whoosh's NOT matcher scores its boost
        first = maps[0]
        total = {docnum: first[docnum] for docnum in keep}
        for scores in maps[1:]:
            for docnum in keep:
                total[docnum] += scores[docnum]
        if bonus:
            for docnum in keep:
                total[docnum] += bonus
        return _boosted(total, node.boost)
    if type(node) is wq.AndNot:
        return score_matches(node.a, searcher, within - matching_docs(node.b, searcher))
    raise ValueError(f"not rankable here: {node!r}")


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    if boost != 1.0:
        return {docnum: score * boost for docnum, score in scores.items()}
    return scores


class _Posting:
    """What whoosh's scorers read of a matcher: the document and the word's weight in it."""

    __slots__ = ("docnum", "weight_")

    def __init__(self) -> None:
        self.docnum, self.weight_ = 0, 0.0

    def id(self) -> int:
        return self.docnum

    def weight(self) -> float:
        return self.weight_


def _term_scores(node: wq.Term, searcher: Any, within: set[int]) -> dict[int, float]:
    reader = searcher.reader()
    if node.fieldname not in reader.schema:
        return {}
    field = reader.schema[node.fieldname]
    try:
        word = field.to_bytes(node.text)
    except ValueError:
        return {}
    if (node.fieldname, word) not in reader:
        return {}
    scorer = searcher.weighting.scorer(searcher, node.fieldname, word)
    docs, weights = term_postings(reader, node.fieldname, word)
    lengths = field_lengths(reader, node.fieldname) if type(scorer) is BM25FScorer else None
    if lengths is not None:
        # whoosh's bm25() over whole lists, the same arithmetic in the same order (so the same doubles)
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        found = {docnum: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths[docnum] / avgfl)))
                 for docnum, tf in zip(docs, weights) if docnum in within}
        return _boosted(found, node.boost)
    if type(scorer) is WeightScorer:  # a field without lengths (type:, status:): the weight is the score
        return _boosted({docnum: tf for docnum, tf in zip(docs, weights) if docnum in within}, node.boost)
    posting, score = _Posting(), scorer.score
    found = {}
    for docnum, weight in zip(docs, weights):
        if docnum in within:
            posting.docnum, posting.weight_ = docnum, weight
            found[docnum] = score(posting)
    return _boosted(found, node.boost)


def _phrase_scores(node: KnownPhrase, searcher: Any, within: set[int]) -> dict[int, float]:
    found = node.in_segment(searcher.reader())
    if not found:  # (nor may a word of it be in this segment: whoosh would fail to make its scorer)
        return {}
    scorers = [searcher.weighting.scorer(searcher, node.fieldname, word).score for word in node.words]
    posting = _Posting()
    scores = {}
    for docnum, weights in found.items():
        if docnum in within:
            posting.docnum = docnum
            total = 0.0
            for score, weight in zip(scorers, weights):
                posting.weight_ = weight
                total += score(posting)
            scores[docnum] = total
    return _boosted(scores, node.boost)
