"""What goes into the index, read from the catalog: one record per article, claim, note,
source document and source page (or part of a text without pages)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Iterator

from sqlmodel import Session, col, select

from archive.models import (
    Article,
    Citation,
    Claim,
    ClaimTag,
    Document,
    DocumentPage,
    Passage,
    SourceEntry,
)

PART_PASSAGES = 24  # a text without pages is indexed in parts of this many sentences

Record = dict[str, Any]


def effective_status(claim: Claim) -> str:
    """A person's decision wins over verification."""
    return claim.user_status or claim.status


def article_records(session: Session, article_ids: Iterable[str] | None = None) -> Iterator[Record]:
    query = select(Article)
    if article_ids is not None:
        query = query.where(col(Article.id).in_(list(article_ids)))
    for article in session.exec(query):
        yield from _article(session, article)


def _article(session: Session, article: Article) -> Iterator[Record]:
    entries = session.exec(select(SourceEntry).where(SourceEntry.article_id == article.id)).all()
    source_titles = {e.number: e.title + (f" {e.publisher}" if e.publisher else "") for e in entries}
    category = (article.category or "").lower() or None
    yield _clean(dict(key=f"article:{article.id}", type="article", document=article.id, heading=article.title,
                      title=article.title, text=article.text,  # the text starts with the summary
                      source=" ".join(source_titles.values()), category=category, date=article.published))
    claims = session.exec(select(Claim).where(Claim.article_id == article.id)).all()
    cited: dict[str, set[int]] = defaultdict(set)
    for claim_id, number in session.exec(select(Citation.claim_id, Citation.source_number).join(Claim)
                                         .where(Claim.article_id == article.id)):
        cited[claim_id].add(number)
    tags: dict[str, list[str]] = defaultdict(list)
    for claim_id, tag in session.exec(select(ClaimTag.claim_id, ClaimTag.tag).join(Claim)
                                      .where(Claim.article_id == article.id)):
        tags[claim_id].append(tag)
    for claim in claims:
        yield _clean(dict(
            key=f"claim:{claim.id}", type="claim", document=article.id, claim=claim.id, heading=article.title,
            text=claim.text, note=claim.note, tags=",".join(tags[claim.id]), status=effective_status(claim),
            source=" ".join(source_titles.get(n, "") for n in sorted(cited[claim.id])), category=category,
            date=article.published, offset=claim.start))
        if claim.note.strip():
            yield _clean(dict(key=f"note:{claim.id}", type="note", document=article.id, claim=claim.id,
                              heading=article.title, text=claim.note, tags=",".join(tags[claim.id]),
                              status=effective_status(claim), category=category, date=article.published))


def document_records(session: Session, document_ids: Iterable[str] | None = None) -> Iterator[Record]:
    query = select(Document)
    if document_ids is not None:
        query = query.where(col(Document.id).in_(list(document_ids)))
    for document in session.exec(query):
        yield from _document(session, document)


def _document(session: Session, document: Document) -> Iterator[Record]:
    meta = " ".join(x for x in (document.title, document.publisher or "") if x)
    yield _clean(dict(key=f"source:{document.id}", type="source", document=document.id, heading=document.title,
                      title=document.title, author=document.author, source=meta, date=document.published))
    if not document.text:
        return
    pages = session.exec(select(DocumentPage.number, DocumentPage.start, DocumentPage.end)
                         .where(DocumentPage.document_id == document.id).order_by(DocumentPage.number)).all()
    if pages:
        for number, start, end in pages:
            if end > start:
                yield _part(document, meta, f"page:{document.id}:{number}", start, end, page=number)
        return
    spans = session.exec(select(Passage.start, Passage.end).where(Passage.document_id == document.id)
                         .order_by(Passage.position)).all()
    for index in range(0, len(spans), PART_PASSAGES):
        chunk = spans[index:index + PART_PASSAGES]
        yield _part(document, meta, f"part:{document.id}:{index // PART_PASSAGES}", chunk[0][0], chunk[-1][1])


def _part(document: Document, meta: str, key: str, start: int, end: int, page: int | None = None) -> Record:
    return _clean(dict(key=key, type="source", document=document.id, heading=document.title, page=page,
                       offset=start, text=document.text[start:end], source=meta, date=document.published))


def _clean(record: Record) -> Record:
    """whoosh refuses None values: leave such fields out."""
    return {name: value for name, value in record.items() if value is not None and value != ""}
