"""The bundle's catalog: everything Footnote knows about the exported items, as plain JSON."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, Iterable

from sqlmodel import Session, col, select

from archive import __version__, clock
from archive.bundles import BUNDLE_FORMAT, BUNDLE_VERSION
from archive.extract import SUFFIX_KINDS
from archive.models import (
    Article,
    ArticleSection,
    Citation,
    Claim,
    ClaimTag,
    Collection,
    CollectionItem,
    CrossReference,
    Document,
    ImportWarning,
    Link,
    SourceEntry,
    StoredFile,
)

EXTENSIONS = {"application/pdf": ".pdf", "text/html": ".html", "text/plain": ".txt", "text/markdown": ".md"}


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def file_name(stored: StoredFile) -> str:
    """Where a stored file goes in the bundle: its hash and the extension of its kind."""
    extension = EXTENSIONS.get(stored.media_type) or next(
        (s for s in SUFFIX_KINDS if stored.original_name.lower().endswith(s)), "")
    return f"documents/{stored.sha256}{extension}"


def resolve_selection(session: Session, *, articles: Iterable[str] = (), collection: str | None = None,
                      everything: bool = False) -> tuple[list[str], list[str], list[str]]:
    """Article, document and collection ids to export: articles bring the documents attached to them."""
    article_ids = list(dict.fromkeys(articles))
    document_ids: list[str] = []
    collection_ids: list[str] = []
    if everything:
        article_ids = list(session.exec(select(Article.id).order_by(Article.imported_at, Article.id)))
        document_ids = list(session.exec(select(Document.id).order_by(Document.imported_at, Document.id)))
        collection_ids = list(session.exec(select(Collection.id).order_by(Collection.name)))
    elif collection is not None:
        collection_ids = [collection]
        for item_id, kind in session.exec(select(CollectionItem.item_id, CollectionItem.item_type)
                                          .where(CollectionItem.collection_id == collection)):
            (article_ids if kind == "article" else document_ids).append(item_id)
    attached = session.exec(select(SourceEntry.document_id).where(col(SourceEntry.article_id).in_(article_ids),
                                                                  col(SourceEntry.document_id).is_not(None)))
    linked = session.exec(select(Link.document_id).join(Claim).where(col(Claim.article_id).in_(article_ids)))
    document_ids = list(dict.fromkeys([*document_ids, *attached, *linked]))
    return article_ids, document_ids, collection_ids


def build_catalog(session: Session, article_ids: list[str], document_ids: list[str],
                  collection_ids: list[str], bundle_id: str) -> dict[str, Any]:
    files = {f.sha256: f for f in session.exec(select(StoredFile))}
    documents = [session.get(Document, d) for d in document_ids]
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "id": bundle_id,
        "generator": f"Footnote {__version__}",
        "exported_at": iso(clock.now()),
        "documents": [_document(d, files[d.file_sha256]) for d in documents if d is not None],
        "articles": [_article(session, session.get(Article, a), files) for a in article_ids],
        "collections": [_collection(session, session.get(Collection, c), set(article_ids) | set(document_ids))
                        for c in collection_ids],
    }


def _document(document: Document, stored: StoredFile) -> dict[str, Any]:
    return {
        "id": document.id, "sha256": document.file_sha256, "file": file_name(stored), "size": stored.size,
        "media_type": stored.media_type, "original_name": stored.original_name, "kind": document.kind,
        "title": document.title, "author": document.author, "publisher": document.publisher,
        "published": iso(document.published), "url": document.url, "imported_at": iso(document.imported_at),
    }


def _article(session: Session, article: Article, files: dict[str, StoredFile]) -> dict[str, Any]:
    aid = article.id
    by_position = lambda model: session.exec(select(model).where(model.article_id == aid)  # noqa: E731
                                             .order_by(model.position)).all()
    claims = session.exec(select(Claim).where(Claim.article_id == aid).order_by(Claim.position)).all()
    claim_ids = [c.id for c in claims]
    citations: dict[str, list] = defaultdict(list)
    for c in session.exec(select(Citation).where(col(Citation.claim_id).in_(claim_ids)).order_by(Citation.position)):
        citations[c.claim_id].append({"source": c.source_number, "sentences": list(c.sentences)})
    tags: dict[str, list] = defaultdict(list)
    for claim_id, tag in session.exec(select(ClaimTag.claim_id, ClaimTag.tag).where(
            col(ClaimTag.claim_id).in_(claim_ids)).order_by(ClaimTag.tag)):
        tags[claim_id].append(tag)
    links: dict[str, list] = defaultdict(list)
    for link in session.exec(select(Link).where(col(Link.claim_id).in_(claim_ids)).order_by(Link.created_at, Link.id)):
        links[link.claim_id].append(link_record(link))
    return {
        "id": aid, "sha256": article.file_sha256, "file": file_name(files[article.file_sha256]),
        "size": files[article.file_sha256].size, "media_type": files[article.file_sha256].media_type,
        "original_name": files[article.file_sha256].original_name, "format": article.format,
        "title": article.title, "summary": article.summary, "published": iso(article.published),
        "category": article.category, "text": article.text, "imported_at": iso(article.imported_at),
        "sections": [{"title": s.title, "start": s.start} for s in by_position(ArticleSection)],
        "cross_references": [x.title for x in by_position(CrossReference)],
        "warnings": [w.message for w in by_position(ImportWarning)],
        "sources": [{"number": e.number, "title": e.title, "publisher": e.publisher, "cited": e.cited,
                     "document": e.document_id, "attached_by": e.attached_by}
                    for e in session.exec(select(SourceEntry).where(SourceEntry.article_id == aid)
                                          .order_by(SourceEntry.number))],
        "claims": [claim_record(c, citations[c.id], tags[c.id], links[c.id]) for c in claims],
    }


def claim_record(claim: Claim, citations: list, tags: list, links: list) -> dict[str, Any]:
    return {"id": claim.id, "position": claim.position, "text": claim.text, "start": claim.start, "end": claim.end,
            "status": claim.status, "user_status": claim.user_status, "origin": claim.origin, "note": claim.note,
            "tags": tags, "citations": citations, "links": links, "created_at": iso(claim.created_at),
            "updated_at": iso(claim.updated_at)}


def link_record(link: Link) -> dict[str, Any]:
    return {"id": link.id, "document": link.document_id, "source_number": link.source_number, "page": link.page,
            "start": link.start, "end": link.end, "exact": link.exact, "prefix": link.prefix, "suffix": link.suffix,
            "rects": link.rects, "score": link.score, "coverage": link.coverage, "verdict": link.verdict,
            "reason": link.reason, "origin": link.origin, "relation": link.relation, "decision": link.decision,
            "created_at": iso(link.created_at), "updated_at": iso(link.updated_at)}


def _collection(session: Session, collection: Collection, exported: set[str]) -> dict[str, Any]:
    members = session.exec(select(CollectionItem).where(CollectionItem.collection_id == collection.id)
                           .order_by(CollectionItem.added_at)).all()
    return {"id": collection.id, "name": collection.name, "created_at": iso(collection.created_at),
            "items": [{"id": m.item_id, "type": m.item_type} for m in members if m.item_id in exported]}
