"""The index's fields, and the version of that layout (a change means: rebuild, never migrate)."""

from __future__ import annotations

from collections import defaultdict
from pickle import dumps

from whoosh import fields
from whoosh.system import pack_uint

from archive.search.analysis import FootnoteAnalyzer, terms

INDEX_FORMAT = 5  # bump whenever fields, analysis or the files' layout change: old indexes are rebuilt


class FootnoteText(fields.TEXT):
    """A TEXT field whose indexing skips whoosh's token pipeline (same postings, ~2x faster).

    whoosh turns a value into postings through a Token object per word and two
    generator layers; a rebuild spends much of its time there.  With Footnote's
    analyzer the terms come from one function, and each term's positions are
    encoded exactly as whoosh's ``Positions`` format does (its readers decode
    them).  Any other analyzer takes whoosh's own path.
    """

    def index(self, value, **kwargs):
        if not isinstance(self.analyzer, FootnoteAnalyzer) or type(self.format) is not _POSITIONS:
            yield from super().index(value, **kwargs)
            return
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        positions: dict[str, list[int]] = defaultdict(list)
        for position, term in enumerate(terms(value)):
            positions[term].append(position)
        boost = self.format.field_boost
        for term, found in positions.items():
            if len(found) == 1:  # most words occur once in a record
                encoded = _ONCE[found[0]] if found[0] < len(_ONCE) else pack_uint(1) + dumps(found, 2)
                yield term.encode("utf-8"), 1, boost, encoded
                continue
            deltas = [found[0], *(b - a for a, b in zip(found, found[1:]))]
            yield term.encode("utf-8"), len(found), len(found) * boost, pack_uint(len(deltas)) + dumps(deltas, 2)


class FootnoteDate(fields.DATETIME):
    """A date indexed as one term, not whoosh's eight (one per 8-bit precision tier): dates are few and
    a range query enumerates them quickly, while eight postings per record were 7 % of a rebuild."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shift_step = self.bits


_POSITIONS = type(fields.TEXT(phrase=True).format)
_ONCE = [pack_uint(1) + dumps([position], 2) for position in range(4096)]  # a word at one position, encoded
ONCE = {encoded: [position] for position, encoded in enumerate(_ONCE)}  # ... and back (never change the lists)

# Field weights for BM25F: a word in a title counts most, then tags and source titles.
FIELD_BOOSTS = {"title": 3.0, "tags": 2.0, "source": 1.5, "author": 1.5, "note": 1.2, "text": 1.0}
# Searched when a query names no field.  ``source`` (the titles of an item's sources, repeated on every page
# of a document) is searched only when asked for (source:…), or every page would match its title's words.
SEARCH_FIELDS = ("title", "text", "note", "tags", "author")
HIGHLIGHT_FIELDS = (*SEARCH_FIELDS, "source")


def make_schema() -> fields.Schema:
    analyzer = FootnoteAnalyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),  # "article:ID", "claim:ID", "note:ID", "source:ID", "page:ID:N"
        type=fields.ID(stored=True, sortable=True),  # article | claim | note | source
        document=fields.ID(stored=True),  # the article or source document a hit belongs to
        claim=fields.ID(stored=True),
        page=fields.STORED(),  # PDF page number of a page hit (shown, never searched)
        offset=fields.STORED(),  # where a page or part starts in the document's text
        heading=fields.STORED(),  # what a hit is shown under: its article's or document's title
        title=FootnoteText(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"]),
        text=FootnoteText(analyzer=analyzer, phrase=True),
        note=FootnoteText(analyzer=analyzer, field_boost=FIELD_BOOSTS["note"]),
        source=FootnoteText(analyzer=analyzer, field_boost=FIELD_BOOSTS["source"]),
        author=FootnoteText(analyzer=analyzer, field_boost=FIELD_BOOSTS["author"]),
        tags=fields.KEYWORD(commas=True, lowercase=True, scorable=True, field_boost=FIELD_BOOSTS["tags"]),
        status=fields.ID(stored=True, sortable=True),
        category=fields.ID(stored=True, sortable=True),
        date=FootnoteDate(stored=True),
    )
