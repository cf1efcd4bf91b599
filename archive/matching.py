"""Finding where a claim's text is in a source document, and judging how well it matches.

This is Footnote's headline, and a wrong "verified" is the worst error it can
make.  So the judgement is deliberately conservative:

* **verified** — after normalisation (case, quotes, dashes, ligatures, line
  breaks, hyphenation; see :mod:`archive.textnorm`) the passage says the same
  words as the claim: a high character similarity *and* no differing word that
  carries meaning (a number, a negation, a name, any content word — only
  spelling variants and small function words may differ);
* **partial** — something similar that needs a human look: a close text with a
  changed word or number, or a passage sharing most of the claim's key words
  (a paraphrase);
* **not_found** — nothing in the document comes close.

Candidates are the passages sharing the claim's rarest words (an inverted
index over stems), plus the passages the marker's sentence numbers point at:
those numbers are a hint, never the truth.  Scores come from rapidfuzz.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Iterable, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from whoosh.lang.porter import stem

from archive.textnorm import Normalized, normalize

# Thresholds, calibrated on the test set in tests/test_matching.py.
VERIFIED_MIN = 0.90  # character similarity needed (and no meaningful word may differ)
PARTIAL_MIN = 0.70  # character similarity that is worth a human look
COVERAGE_PARTIAL = 0.50  # share of the claim's key words (idf-weighted) for a paraphrase
COVERAGE_AT_HINT = 0.30  # the same, enough when found at the sentences the marker cites
SPELLING_VARIANT_MIN = 85  # rapidfuzz ratio under which two differing words are different words
CANDIDATES = 8
RARE_STEMS = 10

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d")
NEGATIONS = {"not", "no", "never", "none", "nor", "cannot", "without", "nothing", "nobody", "neither", "t"}
STOPWORDS = {
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is",
    "was", "were", "are", "be", "been", "being", "it", "its", "this", "that", "these", "those", "he", "she",
    "they", "we", "you", "i", "his", "her", "their", "our", "your", "has", "have", "had", "do", "does", "did",
    "will", "would", "could", "should", "may", "might", "can", "into", "than", "then", "so", "such", "also",
    "which", "who", "whom", "what", "when", "where", "while", "there", "here", "about", "over", "after",
    "before", "up", "out", "s", "just", "all", "any", "some", "more", "most", "other", "said",
}


class Verdict(StrEnum):
    VERIFIED = "verified"
    PARTIAL = "partial"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Match:
    """Where a claim was found: original offsets into the document text, and the judgement."""

    verdict: Verdict
    start: int
    end: int
    score: float  # character similarity of claim and passage, 0..1
    coverage: float  # idf-weighted share of the claim's key words in the passage, 0..1
    reason: str


def words(normalized: str) -> list[str]:
    return _WORD.findall(normalized)


_stem = lru_cache(maxsize=100_000)(stem)  # a document repeats its words: stem each distinct one once


def key_stems(tokens: Iterable[str]) -> set[str]:
    return {_stem(token) for token in tokens if token not in STOPWORDS and not token.isdigit() and len(token) > 1}


class DocumentMatcher:
    """A document prepared for matching many claims: normalised once, indexed by stem."""

    def __init__(self, text: str, passages: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.norm: Normalized = normalize(text)
        origin = self.norm.origin
        self.spans = [(bisect_left(origin, start, hi=len(self.norm.text)),
                       bisect_left(origin, end, hi=len(self.norm.text))) for start, end in passages]
        postings: dict[str, list[int]] = defaultdict(list)
        for index, (start, end) in enumerate(self.spans):
            for token in key_stems(words(self.norm.text[start:end])):
                postings[token].append(index)
        self.postings = dict(postings)
        count = max(len(self.spans), 1)
        self.idf = {token: math.log(1 + count / len(ids)) for token, ids in postings.items()}
        self._max_idf = math.log(1 + count)

    def match(self, claim: str, hint: Sequence[int] = ()) -> Match:
        """The best place for ``claim`` in this document; ``hint`` are 1-based passage numbers."""
        c = normalize(claim).text
        if not c or not self.norm.text:
            return Match(Verdict.NOT_FOUND, 0, 0, 0.0, 0.0, "empty claim or document")
        stems = key_stems(words(c))
        weights = {token: self.idf.get(token, self._max_idf) for token in stems}
        candidates = self._candidates(weights, hint)
        best: tuple[float, int, int, int] | None = None  # (score, -is_hint, start, end) in normalised offsets
        for index in candidates:
            start, end, score = self._align(c, index)
            key = (score, 1 if index + 1 in hint else 0)
            if best is None or key > (best[0], best[1]):
                best = (score, key[1], start, end)
        if best is None:
            return Match(Verdict.NOT_FOUND, 0, 0, 0.0, 0.0, "no passage shares a word with the claim")
        score, _, start, end = best
        coverage = self._coverage(weights, self.norm.text[start:end])
        verdict, reason = self._judge(c, self.norm.text[start:end], score, coverage)
        if verdict is Verdict.NOT_FOUND:
            # A paraphrase can be poorly aligned character by character: look for the
            # passage window that carries most of the claim's key words instead.
            window = self._best_coverage_window(weights, candidates, len(c))
            hinted = self._hinted_window(weights, hint)
            if window and window[2] >= COVERAGE_PARTIAL:
                start, end, coverage = window
                verdict = Verdict.PARTIAL
                reason = f"similar wording only: {coverage:.0%} of the claim's key words, not its sentences"
            elif hinted and hinted[2] >= COVERAGE_AT_HINT:
                start, end, coverage = hinted
                verdict = Verdict.PARTIAL
                reason = (f"the cited sentences share {coverage:.0%} of the claim's key words: "
                          "a paraphrase or a different statement")
            if verdict is Verdict.PARTIAL:
                score = fuzz.ratio(c, self.norm.text[start:end]) / 100
        original_start, original_end = self.norm.span(start, end)
        return Match(verdict, original_start, original_end, round(score, 3), round(coverage, 3), reason)

    # --- steps ------------------------------------------------------------------

    def _candidates(self, weights: dict[str, float], hint: Sequence[int]) -> list[int]:
        rare = sorted(weights, key=lambda token: -weights[token])[:RARE_STEMS]
        scores: dict[int, float] = defaultdict(float)
        for token in rare:
            for index in self.postings.get(token, ()):
                scores[index] += weights[token]
        ranked = sorted(scores, key=lambda index: -scores[index])[:CANDIDATES]
        for number in hint:
            if 1 <= number <= len(self.spans) and number - 1 not in ranked:
                ranked.append(number - 1)
        return ranked

    def _align(self, claim: str, index: int) -> tuple[int, int, float]:
        """Align the claim inside a window around passage ``index``; snap to whole words."""
        text = self.norm.text
        length = len(claim)
        start, end = self.spans[index]
        window_start, window_end = max(0, start - length), min(len(text), end + length)
        window = text[window_start:window_end]
        if len(window) <= length:
            begin, finish = window_start, window_end
        else:
            alignment = fuzz.partial_ratio_alignment(claim, window)
            begin, finish = window_start + alignment.dest_start, window_start + alignment.dest_end
        begin, finish = self._snap(begin, finish)
        return begin, finish, fuzz.ratio(claim, text[begin:finish]) / 100

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        text = self.norm.text
        while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while end < len(text) and end > 0 and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        # Keep closing punctuation that belongs to the last word (". ," quotes).
        while end < len(text) and text[end] in ".,;:!?\"')" and (end + 1 == len(text) or text[end + 1] in " \"')"):
            end += 1
        return start, end

    def _coverage(self, weights: dict[str, float], passage: str) -> float:
        total = sum(weights.values())
        if not total:
            return 0.0
        present = key_stems(words(passage))
        return sum(weight for token, weight in weights.items() if token in present) / total

    def _best_coverage_window(self, weights: dict[str, float], candidates: list[int],
                              length: int) -> tuple[int, int, float] | None:
        best = None
        for index in candidates:
            first = last = index
            while self.spans[last][1] - self.spans[first][0] < length * 0.8 and last + 1 < len(self.spans):
                last += 1
            start, end = self.spans[first][0], self.spans[last][1]
            coverage = self._coverage(weights, self.norm.text[start:end])
            if best is None or coverage > best[2]:
                best = (start, end, coverage)
        return best

    def _hinted_window(self, weights: dict[str, float], hint: Sequence[int]) -> tuple[int, int, float] | None:
        numbers = [n for n in hint if 1 <= n <= len(self.spans)]
        if not numbers:
            return None
        start, end = self.spans[min(numbers) - 1][0], self.spans[max(numbers) - 1][1]
        return start, end, self._coverage(weights, self.norm.text[start:end])

    def _judge(self, claim: str, passage: str, score: float, coverage: float) -> tuple[Verdict, str]:
        if score >= VERIFIED_MIN:
            differences = meaningful_differences(claim, passage)
            if not differences:
                return Verdict.VERIFIED, f"the passage says the same words ({score:.0%} similar)"
            shown = "; ".join(f"{a or '∅'} → {b or '∅'}" for a, b in differences[:3])
            return Verdict.PARTIAL, f"close, but words differ: {shown}"
        if score >= PARTIAL_MIN:
            return Verdict.PARTIAL, f"close but not the same text ({score:.0%} similar)"
        if coverage >= COVERAGE_PARTIAL and score >= 0.5:
            return Verdict.PARTIAL, f"similar wording: {coverage:.0%} of the claim's key words"
        return Verdict.NOT_FOUND, f"best passage is only {score:.0%} similar"


def meaningful_differences(claim: str, passage: str) -> list[tuple[str, str]]:
    """Word differences between two normalised texts that could change what they say.

    Allowed: spacing ("tech nology"), spelling variants of one word
    ("organisation"/"organization"), and small function words.  Not allowed:
    any number, any negation, any other word.
    """
    a, b = words(claim), words(passage)
    found = []
    for left, right in _changed_blocks(a, b):
        if "".join(left) == "".join(right):
            continue  # the same letters, split differently
        changed = left + right
        if any(_NUMBER.search(token) or token in NEGATIONS for token in changed):
            found.append((" ".join(left), " ".join(right)))
            continue
        if all(token in STOPWORDS for token in changed):
            continue
        if left and right and fuzz.ratio(" ".join(left), " ".join(right)) >= SPELLING_VARIANT_MIN:
            continue
        found.append((" ".join(left), " ".join(right)))
    return found


def _changed_blocks(a: list[str], b: list[str]) -> list[tuple[list[str], list[str]]]:
    """Runs of differing words, adjacent edits merged ("tech nology" against "technology" is one)."""
    blocks: list[tuple[list[str], list[str]]] = []
    last_end = (-1, -1)
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b):
        if tag == "equal":
            continue
        if blocks and (i1, j1) == last_end:
            blocks[-1][0].extend(a[i1:i2])
            blocks[-1][1].extend(b[j1:j2])
        else:
            blocks.append((a[i1:i2], b[j1:j2]))
        last_end = (i2, j2)
    return blocks
