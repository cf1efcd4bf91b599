"""Searching: parse what the user typed, rank, facet, and show each hit at its place.

The query language is whoosh's, with Footnote's fields: words and stems,
"phrases", prefix*, fuzzy~, AND OR NOT and parentheses, ``title:``,
``type:article|claim|source|note``, ``status:``, ``category:``, ``tag:``,
``source:`` (a source title), ``author:``, ``note:`` and ``date:2026-05`` or
``date:[2026-01 TO 2026-05]``, ``date:>2026-04``.  A query whoosh cannot
parse gets a clear message and, where possible, a plain-words search instead.

Snippets are made from the catalog's text (the index stores none): each hit on
a page is shown at the sentence that holds most of the matched words, with
those words marked, its page, and its offsets so a viewer can open it there.
"""

from __future__ import annotations

import calendar
import html
import re
from datetime import date, timedelta
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select
from whoosh import qparser, query as wq
from whoosh.fields import NUMERIC
from whoosh.qparser.dateparse import DateParserPlugin

from archive.launcher import collector_paused
from archive.models import Article, Claim, Document, Passage
from archive.search.analysis import FootnoteAnalyzer, index_term, iter_term_spans, term_spans
from archive.search.index import SearchIndex
from archive.search.matches import (FACETS, EveryMatchTopCollector, counts_of, facet_counts_of, is_null,
                                    live_matches, set_computable)
from archive.search.phrases import prefilter_phrases
from archive.search.ranking import rankable, top_matches
from archive.search.schema import FIELD_BOOSTS, HIGHLIGHT_FIELDS, SEARCH_FIELDS, make_schema
from archive.search.segments import per_segment, postings_read_once

TYPES = ("article", "claim", "source", "note")
TEXT_FIELDS = ("title", "text", "note", "source", "author")  # analysed (stemmed) fields
SNIPPET_CHARS = 240
MAX_FUZZY = 2

_DATE_CLAUSE = re.compile(r"\bdate:(\[[^\]]*\]|[<>]=?[^\s()]+|[^\s()]+)", re.IGNORECASE)  # (a date has no parentheses)
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_FUZZY = re.compile(r"~(\d+)")
_ANALYZER = FootnoteAnalyzer()


@dataclass
class Hit:
    type: str
    document: str  # article or source document id
    title: str
    snippet: str  # HTML-escaped text with the matched words in <mark>…</mark>
    score: float
    claim: str | None = None
    page: int | None = None
    passage: int | None = None  # sentence number in the source document
    start: int | None = None  # where to open: offsets in the article's or document's text
    end: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = {"type": self.type, "document": self.document, "title": self.title, "page": self.page,
                "snippet": self.snippet, "score": round(self.score, 4)}
        if self.claim:
            data["claim"] = self.claim
        if self.passage is not None:
            data["passage"] = self.passage
        if self.start is not None:
            data["start"], data["end"] = self.start, self.end
        return data


@dataclass
class SearchResult:
    query: str
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    error: str | None = None  # the query could not be read as written
    fallback: str | None = None  # the plain-words query used instead
    suggestion: str | None = None  # did you mean …?

    def grouped(self) -> list[tuple[str, list[Hit]]]:
        """Hits grouped by the document they belong to, groups in order of their best hit."""
        groups: dict[str, list[Hit]] = {}
        for hit in self.hits:
            groups.setdefault(hit.document, []).append(hit)
        return list(groups.items())

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"query": self.query, "total": self.total,
                                "hits": [hit.as_json() for hit in self.hits], "facets": self.facets}
        for name in ("error", "fallback", "suggestion"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        return data


class QuerySyntaxError(ValueError):
    pass


def _parser() -> qparser.QueryParser:
    schema = make_schema()
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(DateParserPlugin(free=False))
    parser.add_plugin(qparser.GtLtPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin({"tags": ["tag"], "type": ["kind"]}))
    return parser


_PARSER = _parser()


def parse(text: str) -> wq.Query:
    """Parse a query; raise :class:`QuerySyntaxError` with a readable message when it is malformed."""
    problem = _syntax_problem(text)
    if problem:
        raise QuerySyntaxError(problem)
    rewritten = _DATE_CLAUSE.sub(lambda m: _date_clause(m.group(1)), text)
    rewritten = _FUZZY.sub(lambda m: f"~{min(int(m.group(1)), MAX_FUZZY)}", rewritten)
    try:
        parsed = _PARSER.parse(rewritten)
    except (IndexError, ValueError, TypeError, AttributeError, RecursionError) as error:
        # whoosh's parser has holes (e.g. GtLtPlugin on "<0" with no field): say so, never a traceback
        raise QuerySyntaxError(f"the query could not be read ({type(error).__name__})") from None
    if parsed is wq.NullQuery or type(parsed).__name__ == "_NullQuery":
        if re.search(r"\w", text):
            raise QuerySyntaxError("the query could not be read (check operators like AND, OR, NOT)")
    return _stem_fuzzy(_lower_ids(parsed))


def _syntax_problem(text: str) -> str | None:
    if text.count('"') % 2:
        return 'a quotation mark is not closed'
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "a closing parenthesis has no opening one"
    if depth:
        return "a parenthesis is not closed"
    if text.count("[") != text.count("]"):
        return "a range [ … ] is not closed"
    if re.search(r"(^|\s)(AND|OR)\s*$|^\s*(AND|OR)\b", text):
        return "AND / OR needs words on both sides"
    bad_date = next((m.group(1) for m in _DATE_CLAUSE.finditer(text) if _date_clause(m.group(1)) is None), None)
    if bad_date is not None:
        return f"date:{bad_date} is not a date (use date:2026, date:2026-05, date:2026-05-26 or a range)"
    return None


def _date_clause(value: str) -> str | None:
    """A ``date:`` value in whoosh's compact form (YYYYMMDD), which it parses reliably.

    ``2026`` and ``2026-05`` mean the whole year or month; ``[A TO B]`` runs from
    the start of A to the end of B; ``>A`` starts after the whole of A.
    """
    value = value.strip()
    if value.startswith("["):
        parts = re.split(r"(?:^|\s+)to(?:\s+|$)", value[1:-1].strip(), flags=re.IGNORECASE)
        if len(parts) != 2:
            return None
        low = _span(parts[0])[0] if parts[0].strip() else None
        high = _span(parts[1])[1] if parts[1].strip() else None
        if (parts[0].strip() and low is None) or (parts[1].strip() and high is None):
            return None
    elif value[:2] in (">=", "<=") or value[:1] in (">", "<"):
        op = value[:2] if value[:2] in (">=", "<=") else value[:1]
        first, last = _span(value[len(op):])
        if first is None:
            return None
        one_day = timedelta(days=1)
        low, high = {">=": (first, None), ">": (last + one_day, None),
                     "<=": (None, last), "<": (None, first - one_day)}[op]
    else:
        low, high = _span(value)
        if low is None:
            return None
    return f"date:[{low:%Y%m%d} to {high:%Y%m%d}]" if low and high else (
        f"date:[{low:%Y%m%d} to]" if low else f"date:[to {high:%Y%m%d}]")


def _span(value: str) -> tuple[date | None, date | None]:
    """The first and last day a date value covers: a year, a month or a day."""
    match = _DATE_VALUE.match(value.strip())
    if not match:
        return None, None
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    try:
        if day:
            exact = date(year, int(month), int(day))
            return exact, exact
        if month:
            return date(year, int(month), 1), date(year, int(month), calendar.monthrange(year, int(month))[1])
        return date(year, 1, 1), date(year, 12, 31)
    except (ValueError, calendar.IllegalMonthError):
        return None, None


def _lower_ids(parsed: wq.Query) -> wq.Query:
    """ID fields (type, status, category) are stored lowercase: match them whatever the case typed."""
    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Term) and node.fieldname in FACETS and isinstance(node.text, str):
            node = wq.Term(node.fieldname, node.text.lower(), boost=node.boost)
        elif node.children():
            node = node.apply(visit)
        return node

    return visit(parsed)


def _stem_fuzzy(parsed: wq.Query) -> wq.Query:
    """``word~`` is compared with indexed words, which are stems: compare the typed word's stem too.

    whoosh hands a fuzzy term over unanalysed, so ``ptients~`` was measured against ``patient`` (the
    stem of "patients") at distance 2 and missed; its stem ``ptient`` is 1 away.  Both forms are kept,
    for the misspellings whose stem drifts further than the word.
    """
    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.FuzzyTerm) and node.fieldname in TEXT_FIELDS and isinstance(node.text, str):
            stemmed = index_term(node.text) or node.text
            if stemmed == node.text:
                return node
            variants = [wq.FuzzyTerm(node.fieldname, text, boost=node.boost, maxdist=node.maxdist,
                                     prefixlength=node.prefixlength) for text in (stemmed, node.text)]
            return wq.Or(variants)
        if node.children():
            return node.apply(visit)
        return node

    return visit(parsed)


def plain_words(text: str) -> str:
    """The words of a query without its syntax: what to search when the syntax is broken."""
    words = re.findall(r"\w+", re.sub(r"\b\w+:", " ", text))
    return " ".join(w for w in words if w.upper() not in ("AND", "OR", "NOT", "TO"))


def search(index: SearchIndex, session: Session, text: str, *, limit: int = 20,
           types: list[str] | None = None) -> SearchResult:
    """Run a query and prepare its hits for display.

    The cyclic collector waits while it runs: a search makes tens of thousands of short-lived objects
    (decoded postings and positions), and their number triggers the collector, which then walks every
    long-lived object of the process (in the search benchmark's process a phrase of two common words
    spent 65 ms of each search in full collections).  A search's objects form no cycles."""
    with collector_paused():
        return _search(index, session, text, limit=limit, types=types)


def _search(index: SearchIndex, session: Session, text: str, *, limit: int,
            types: list[str] | None) -> SearchResult:
    result = SearchResult(query=text)
    try:
        parsed = parse(text)
    except QuerySyntaxError as error:
        result.error = str(error)
        fallback = plain_words(text)
        if not fallback:
            return result
        result.fallback = fallback
        try:
            parsed = parse(fallback)
        except QuerySyntaxError:
            result.fallback = None
            return result
    if types:
        unknown = [t for t in types if t not in TYPES]
        if unknown:
            result.error = f"unknown type {unknown[0]!r} (use {', '.join(TYPES)})"
            return result
        parsed = wq.And([parsed, wq.Or([wq.Term("type", t) for t in types])])
    with index.searching() as searcher, postings_read_once():
        parsed = _expand_multi_terms(parsed, searcher.reader())
        shown = parsed  # the words to highlight: the query as typed, before its phrases are looked up
        parsed = prefilter_phrases(parsed, searcher)
        if set_computable(parsed):
            docs = live_matches(searcher, parsed)
            result.total, result.facets = counts_of(searcher, docs)
            if rankable(parsed):  # each match scored once, from the postings just read
                stored = [(dict(searcher.stored_fields(docnum)), score)
                          for score, docnum in top_matches(searcher, parsed, docs, limit)]
            else:
                stored = [(dict(hit.fields()), hit.score) for hit in searcher.search(parsed, limit=limit)]
        else:  # sloppy phrases, huge ranges: whoosh's matchers find every match once, to rank and to count
            collector = EveryMatchTopCollector(limit)
            searcher.search_with_collector(parsed, collector)
            stored = [(dict(hit.fields()), hit.score) for hit in collector.results()]
            result.total, result.facets = facet_counts_of(searcher, collector.every)
        terms = _matched_terms(shown, searcher.reader())
        if not stored and _single_word(text):
            result.suggestion = _suggest(searcher, session, text.strip())
    result.hits = [_hit(session, fields, score, terms) for fields, score in stored]
    return result


_MULTI_TERMS = (wq.FuzzyTerm, wq.Prefix, wq.Wildcard)
_RANGES = (wq.NumericRange, wq.TermRange)
MAX_EXPANSION = 1000  # beyond this many words, whoosh's handling of a prefix, fuzzy term or word range is kept


def _expand_multi_terms(parsed: wq.Query, reader) -> wq.Query:
    """Replace fuzzy, prefix and wildcard terms and ranges with the indexed words they match, found once.

    whoosh would look them up again for every use of the query (ranking, the estimate it
    sorts clauses by, the facet counts, the highlighting): a fuzzy term costs a walk of the
    term dictionary each time.  The words are found per segment, as each has its own automaton.
    A fuzzy, prefix or wildcard term then scores as whoosh scores it: a constant, its boost;
    a range scores as :func:`_expand_range` says.  Left as words, each kind is counted and
    ranked from its postings (:mod:`archive.search.matches`, :mod:`archive.search.ranking`)
    instead of by whoosh's matchers, a document at a time.
    """
    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, _RANGES):
            return _expand_range(node, reader)
        if isinstance(node, _MULTI_TERMS):
            words: set[str] = set()
            for segment_reader, _offset in reader.leaf_readers():
                if isinstance(node, wq.FuzzyTerm):
                    found = _fuzzy_words(segment_reader, node)
                else:
                    found = (t.decode("utf-8") if isinstance(t, bytes) else str(t)
                             for _field, t in node.expanded_terms(segment_reader))
                for word in found:
                    words.add(word)
                    if len(words) > MAX_EXPANSION:
                        return node
            if not words:
                return wq.NullQuery
            return wq.ConstantScoreQuery(wq.Or([wq.Term(node.fieldname, word) for word in sorted(words)]),
                                         score=node.boost)
        if node.children():
            return node.apply(visit)
        return node

    return visit(parsed)


def _expand_range(node: wq.NumericRange | wq.TermRange, reader) -> wq.Query:
    """A range as the terms it matches, scored as whoosh scores the range (``node`` itself where that cannot be
    said with terms)."""
    if node.fieldname not in reader.schema:
        return node
    if isinstance(node, wq.NumericRange):
        return _expand_numeric_range(node, reader)
    return _expand_term_range(node, reader)


def _expand_numeric_range(node: wq.NumericRange, reader) -> wq.Query:
    """A numeric or date range as a constant score over the indexed terms it matches.

    whoosh rewrites such a range into ranges of terms at the precisions the field is indexed at (a number
    has a term per precision tier), one document matching one of them, and wraps them in a constant score:
    the range's boost.  Those ranges are read here, their terms kept as bytes (a term of a coarser tier
    means another number if decoded and encoded again); a document holding two of them counts once.
    However many terms (a year of dates: 2,400 in the benchmark archive), whoosh's matcher reads the same
    ones, a document at a time, so there is no size above which it is worth keeping.
    """
    if not isinstance(reader.schema[node.fieldname], NUMERIC):
        return node
    compiled = node._compile_query(reader)  # whoosh's own tiers: the terms its matcher would read
    if is_null(compiled):
        return wq.NullQuery
    if type(compiled) is not wq.ConstantScoreQuery:  # constantscore=False: scored term by term
        return node
    words: set[bytes] = set()
    for segment_reader, _offset in reader.leaf_readers():
        for part in compiled.child.leaves():
            words |= _present_terms(part, segment_reader)
    if not words:
        return wq.NullQuery
    return wq.ConstantScoreQuery(wq.Or([wq.Term(node.fieldname, word) for word in sorted(words)]),
                                 score=compiled.score)


def _present_terms(part: wq.Query, segment_reader) -> set[bytes]:
    """The terms of one piece of a compiled numeric range (a term or a range of terms) a segment holds."""
    if isinstance(part, wq.Term):
        return {part.text} if (part.fieldname, part.text) in segment_reader else set()
    return {text for _field, text in part.expanded_terms(segment_reader) if text}


def _expand_term_range(node: wq.TermRange, reader) -> wq.Query:
    """A range of words as those words, scored as whoosh scores them in every segment (else ``node`` itself).

    whoosh searches a segment's words of the range as an ``Or`` of them, which scores as its
    :func:`_segment_scoring` says: the words' own scores (summed, times the range's boost; a lone word
    without the boost), or 1 for every match.  The words can be scored so only where no segment scores
    them otherwise than the others.
    """
    field = reader.schema[node.fieldname]
    by_segment = [({text for _field, text in node.expanded_terms(segment_reader) if text},
                   segment_reader.doc_count_all()) for segment_reader, _offset in reader.leaf_readers()]
    words: set[bytes] = set().union(*(found for found, _docs in by_segment))
    if len(words) > MAX_EXPANSION:
        return node
    if not words:
        return wq.NullQuery
    terms = [wq.Term(node.fieldname, field.from_bytes(word)) for word in sorted(words)]
    scorings = {_segment_scoring(len(found), docs) for found, docs in by_segment if found}
    if scorings == {"each"}:
        return wq.ConstantScoreQuery(wq.Or(terms), score=1.0)
    if "each" in scorings or (scorings == {"alone", "summed"} and node.boost != 1.0):
        return node
    return wq.Or(terms, boost=node.boost if "summed" in scorings else 1.0)


_PRELOADED_OR_DOCS = 5000  # whoosh's Or preloads its matches in a segment of up to this many documents


def _segment_scoring(words: int, documents: int) -> str:
    """How whoosh scores a range's words in a segment holding ``words`` of them and ``documents`` documents.

    A lone word is searched as a plain term ("alone"); two words, or more in a large segment, as an
    ``Or`` that sums their scores ("summed"); more words in a small segment as an ``Or`` whose matches
    are preloaded, unweighted, each scoring 1 ("each").
    """
    if words == 1:
        return "alone"
    if words == 2 or (words < wq.Or.TOO_MANY_CLAUSES and documents > _PRELOADED_OR_DOCS):
        return "summed"
    return "each"


def _fuzzy_words(segment_reader, node: wq.FuzzyTerm) -> list[str]:
    """A segment's words within the fuzzy term's edit distance (sharing its prefix, if it has one).

    Compared in C (rapidfuzz) against the segment's word list, read once: whoosh's automaton
    walks the term dictionary in Python, a tenth of a second per field and segment.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    words = _vocabulary(segment_reader, node.fieldname)
    text, prefix = node.text, node.text[:node.prefixlength]
    found = process.extract(text, words, scorer=Levenshtein.distance, score_cutoff=int(node.maxdist), limit=None)
    return [word for word, _distance, _index in found if word.startswith(prefix)]


def _vocabulary(segment_reader, fieldname: str) -> list[str]:
    """A segment's words in a field (kept: a segment's words never change)."""
    return per_segment(segment_reader, f"words:{fieldname}", lambda: (
        [t.decode("utf-8") if isinstance(t, bytes) else t for t in segment_reader.lexicon(fieldname)]
        if fieldname in segment_reader.indexed_field_names() else []))


def _matched_terms(parsed: wq.Query, reader) -> set[str]:
    """The index terms the query matches in text fields, prefixes and fuzzy terms expanded.

    Expanded per segment: a segment finds fuzzy terms with an automaton, while whoosh's
    multi-segment reader compares every word of the field (seconds on a large index).
    (whoosh's ``Query.existing_terms`` reuses its ``fieldname`` argument as a loop
    variable and so drops every field after the first: done here instead.)
    """
    found: set[str] = set()
    leaves = [leaf for leaf in parsed.leaves() if leaf.field() in HIGHLIGHT_FIELDS]
    for segment_reader, _offset in reader.leaf_readers():
        for leaf in leaves:
            for fieldname, text in leaf.expanded_terms(segment_reader):
                term = text.decode("utf-8") if isinstance(text, bytes) else str(text)
                if (fieldname, term) in segment_reader:
                    found.add(term)
    return found


def _single_word(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[^\W\d_][\w'-]{2,}\s*", text))


def _suggest(searcher, session: Session, word: str) -> str | None:
    """The closest indexed word, shown as it is written in the text."""
    stemmed = next((t.text for t in _ANALYZER(word)), None)
    if not stemmed:
        return None
    candidates = _closest_terms(searcher.reader(), "text", stemmed, maxdist=2)
    if not candidates or candidates[0] == stemmed:
        return None
    hits = searcher.search(wq.Term("text", candidates[0]), limit=1)
    if not hits:
        return None
    text = _record_text(session, dict(hits[0].fields()))
    for token in _ANALYZER(text or "", chars=True):
        if token.text == candidates[0]:
            return text[token.startchar:token.endchar].lower()
    return candidates[0]


def _closest_terms(reader, fieldname: str, word: str, maxdist: int) -> list[str]:
    """Indexed words within ``maxdist`` edits of ``word``, closest and then most frequent first."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found: dict[str, tuple[int, int]] = {}
    for segment_reader, _offset in reader.leaf_readers():
        words = _vocabulary(segment_reader, fieldname)
        for candidate, distance, _index in process.extract(word, words, scorer=Levenshtein.distance,
                                                           score_cutoff=maxdist, limit=None):
            frequency = segment_reader.doc_frequency(fieldname, candidate)
            previous = found.get(candidate, (distance, 0))
            found[candidate] = (distance, previous[1] + frequency)
    return sorted(found, key=lambda c: (found[c][0], -found[c][1], c))


def _record_text(session: Session, fields: dict[str, Any]) -> str:
    kind, key = fields["type"], fields["key"]
    if kind == "article":
        article = session.get(Article, fields["document"])
        return article.text if article else ""
    if kind in ("claim", "note"):
        claim = session.get(Claim, fields["claim"])
        return (claim.text if kind == "claim" else claim.note) if claim else ""
    if key.startswith("source:"):  # title and author only: never load a whole document's text for them
        row = session.exec(select(Document.title, Document.author).where(Document.id == fields["document"])).first()
        return " ".join(x for x in (row or ()) if x)
    document = session.get(Document, fields["document"])
    return document.text if document else ""


def _hit(session: Session, fields: dict[str, Any], score: float, terms: set[str]) -> Hit:
    kind = fields["type"]
    hit = Hit(type=kind, document=fields["document"], title=fields.get("heading", ""), snippet="", score=score,
              claim=fields.get("claim"), page=fields.get("page"))
    if kind in ("source",) and fields["key"].split(":", 1)[0] in ("page", "part"):
        _place_in_document(session, hit, fields, terms)
        return hit
    text = _record_text(session, fields)
    hit.snippet = highlight(text, terms)
    if kind == "claim":
        claim = session.get(Claim, hit.claim)
        if claim is not None:
            hit.start, hit.end = claim.start, claim.end
    return hit


def _place_in_document(session: Session, hit: Hit, fields: dict[str, Any], terms: set[str]) -> None:
    """Find the sentence of the page (or part) that holds most of the matched words.

    Reads only that page's text (SQL substr) and its sentences, never the whole document.
    """
    from sqlalchemy import func

    from archive.models import DocumentPage

    start = int(fields.get("offset", 0))
    page_end = None
    if hit.page is not None:
        page_end = session.exec(select(DocumentPage.end).where(DocumentPage.document_id == hit.document,
                                                               DocumentPage.number == hit.page)).first()
    query = select(Passage.position, Passage.start, Passage.end).where(
        Passage.document_id == hit.document, Passage.end > start)
    if page_end is not None:
        query = query.where(Passage.start < page_end)
    passages = session.exec(query.order_by(Passage.position).limit(400)).all()
    if page_end is None:
        page_end = passages[-1][2] if passages else start + 4000
    text = session.exec(select(func.substr(Document.text, start + 1, page_end - start))
                        .where(Document.id == hit.document)).first() or ""
    matches = [start + begin for begin, _end in term_spans(text, terms)]
    starts = [p[1] for p in passages]
    counts = Counter(max(0, bisect_right(starts, m) - 1) for m in matches)
    if counts and passages:
        best = counts.most_common(1)[0][0]
        position, p_start, p_end = passages[best]
        hit.passage, hit.start, hit.end = position, p_start, p_end
        hit.snippet = highlight(text[max(0, p_start - start):p_end - start], terms)
    else:
        hit.snippet = highlight(text, terms)


def highlight(text: str, terms: set[str], width: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped excerpt around the first matched word, matched words in <mark>.

    Only the excerpt's words are looked at (and those up to the first match): an article is long."""
    first = next(iter_term_spans(text, terms), None) if terms else None
    if first is not None:
        begin = max(0, first[0] - width // 3)
        begin = text.rfind(" ", 0, begin) + 1 if begin else 0
    else:
        begin = 0
    end = min(len(text), begin + width)
    if end < len(text):
        end = text.rfind(" ", begin, end) if text.rfind(" ", begin, end) > begin else end
    pieces, cursor = [], begin
    for s, e in (iter_term_spans(text, terms, begin) if first is not None else ()):
        if s >= end:
            break
        if e > end:
            continue
        pieces.append(html.escape(text[cursor:s]))
        pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(html.escape(text[cursor:end]))
    snippet = " ".join("".join(pieces).split())
    return ("\u2026" if begin > 0 else "") + snippet + ("\u2026" if end < len(text) else "")
