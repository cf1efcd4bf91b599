"""Attaching source documents to the numbered entries of articles' Sources lists.

Automatic attachment compares titles after normalisation (case, punctuation,
quotes, publisher suffixes such as " | Fortune" or " - Engadget") with
rapidfuzz, and attaches only when the match is close *and* unambiguous: one
document clearly best for the entry.  Anything doubtful is left for a person.
A person's attach or detach always stands: automatic attachment never undoes
it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from sqlmodel import Session, col, select

from archive.digest import split_publisher
from archive.errors import FootnoteError, NotFound
from archive.models import Article, Document, SourceEntry
from archive.textnorm import normalize_text

MATCH_MIN = 90  # rapidfuzz token_sort_ratio for a title match
CLEAR_MARGIN = 5  # the best document must beat the next one by this much

AUTO, USER, DETACHED = "auto", "user", "detached"
_PUNCTUATION = re.compile(r"[^\w\s]")


def normalize_title(title: str) -> str:
    head, _publisher = split_publisher(title)
    return " ".join(_PUNCTUATION.sub(" ", normalize_text(head)).split())


@dataclass(frozen=True)
class Attachment:
    article_id: str
    article_title: str
    number: int
    entry_title: str
    document_id: str
    document_title: str
    score: float


@dataclass(frozen=True)
class Ambiguity:
    article_id: str
    number: int
    entry_title: str
    documents: tuple[str, ...]


def auto_attach(session: Session, *, documents: Iterable[str] | None = None,
                articles: Iterable[str] | None = None) -> tuple[list[Attachment], list[Ambiguity]]:
    """Attach documents to open entries where one title clearly matches.

    ``documents`` and ``articles`` say what just arrived: the open entries of
    new articles are compared with every document, and every open entry with
    the new documents.  With neither, every open entry is considered.
    """
    from rapidfuzz import fuzz, process  # here: the desktop imports this module at start-up, rarely attaches

    titles = {doc_id: normalize_title(title) for doc_id, title in session.exec(select(Document.id, Document.title))}
    titles = {doc_id: title for doc_id, title in titles.items() if title}
    rows = session.exec(select(SourceEntry, Article.title).join(Article).where(
        col(SourceEntry.document_id).is_(None), col(SourceEntry.attached_by).is_(None))).all()
    entries = {entry.id: (entry, article_title, normalize_title(entry.title)) for entry, article_title in rows}
    if documents is None and articles is None:
        candidates = set(entries)
    else:
        new_articles = set(articles or ())
        candidates = {entry_id for entry_id, (entry, _, _) in entries.items() if entry.article_id in new_articles}
        entry_titles = {entry_id: title for entry_id, (_, _, title) in entries.items() if title}
        for doc_id in documents or ():
            if doc_id in titles:
                found = process.extract(titles[doc_id], entry_titles, scorer=fuzz.token_sort_ratio, limit=None,
                                        score_cutoff=MATCH_MIN)
                candidates.update(key for _, _, key in found)
    attached: list[Attachment] = []
    ambiguous: list[Ambiguity] = []
    for entry_id in sorted(candidates, key=lambda e: (entries[e][0].article_id, entries[e][0].number)):
        entry, article_title, title = entries[entry_id]
        if not title:
            continue
        scored = process.extract(title, titles, scorer=fuzz.token_sort_ratio, limit=3,
                                 score_cutoff=MATCH_MIN - CLEAR_MARGIN)
        if not scored or scored[0][1] < MATCH_MIN:
            continue
        _, best_score, best_id = scored[0]
        rivals = [doc_id for _, score, doc_id in scored[1:] if score >= best_score - CLEAR_MARGIN]
        if rivals:
            ambiguous.append(Ambiguity(entry.article_id, entry.number, entry.title, (best_id, *rivals)))
            continue
        entry.document_id, entry.attached_by = best_id, AUTO
        session.add(entry)
        document = session.get(Document, best_id)
        attached.append(Attachment(entry.article_id, article_title, entry.number, entry.title, best_id,
                                   document.title if document else "", best_score))
    session.flush()
    return attached, ambiguous


def attach(session: Session, article_id: str, number: int, document_id: str) -> SourceEntry:
    """Attach by hand: the entry keeps this document until a person detaches it."""
    entry = _entry(session, article_id, number)
    if session.get(Document, document_id) is None:
        raise NotFound(f"no document {document_id}")
    entry.document_id, entry.attached_by = document_id, USER
    session.add(entry)
    session.flush()
    return entry


def detach(session: Session, article_id: str, number: int) -> SourceEntry:
    """Undo an attachment; automatic attachment will not attach this entry again."""
    entry = _entry(session, article_id, number)
    if entry.document_id is None:
        raise FootnoteError(f"source {number} has no document attached")
    entry.document_id, entry.attached_by = None, DETACHED
    session.add(entry)
    session.flush()
    return entry


def _entry(session: Session, article_id: str, number: int) -> SourceEntry:
    entry = session.exec(select(SourceEntry).where(SourceEntry.article_id == article_id,
                                                   SourceEntry.number == number)).first()
    if entry is None:
        raise NotFound(f"the article has no source numbered {number}")
    return entry
