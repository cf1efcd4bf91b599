"""The index's fields, and the version of that layout (a change means: rebuild, never migrate)."""

from __future__ import annotations

from whoosh import fields

from archive.search.analysis import FootnoteAnalyzer

INDEX_FORMAT = 3  # bump whenever fields or analysis change: old indexes are rebuilt

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
        title=fields.TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"]),
        text=fields.TEXT(analyzer=analyzer, phrase=True),
        note=fields.TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["note"]),
        source=fields.TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["source"]),
        author=fields.TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["author"]),
        tags=fields.KEYWORD(commas=True, lowercase=True, scorable=True, field_boost=FIELD_BOOSTS["tags"]),
        status=fields.ID(stored=True, sortable=True),
        category=fields.ID(stored=True, sortable=True),
        date=fields.DATETIME(stored=True),
    )
