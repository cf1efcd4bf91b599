"""Reading articles back out of the catalog, in the shapes the command line and the desktop use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from archive.errors import Ambiguous, NotFound
from archive.models import (
    Article,
    ArticleSection,
    Citation,
    Claim,
    CrossReference,
    Document,
    ImportWarning,
    Link,
    SourceEntry,
)
from archive.store import Archive

MIN_PREFIX = 4


def find_by_id_prefix(session: Session, model: Any, key: str, noun: str) -> Any:
    """A row of ``model`` by its id or a unique prefix of it (at least four characters)."""
    key = key.strip().lower()
    row = session.get(model, key)
    if row is not None:
        return row
    if len(key) < MIN_PREFIX:
        raise NotFound(f"no {noun} with id {key!r} (give at least {MIN_PREFIX} characters of an id)")
    matches = session.exec(select(model).where(col(model.id).startswith(key)).limit(6)).all()
    if not matches:
        raise NotFound(f"no {noun} with an id starting with {key!r}")
    if len(matches) > 1:
        shown = ", ".join(m.id[:12] for m in matches[:5])
        raise Ambiguous(f"{key!r} matches several {noun}s ({shown}{', …' if len(matches) > 5 else ''}): "
                        "give more of the id")
    return matches[0]


def find_article(session: Session, key: str) -> Article:
    """An article by its id or a unique prefix of it (at least four characters)."""
    return find_by_id_prefix(session, Article, key, "article")


def list_articles(archive: Archive) -> list[dict[str, Any]]:
    """Every article with its claim count, newest first."""
    claims = (select(Claim.article_id, func.count().label("claims"))
              .group_by(Claim.article_id).subquery())
    statement = (
        select(Article.id, Article.title, Article.published, Article.category, claims.c.claims)
        .outerjoin(claims, claims.c.article_id == Article.id)
        .order_by(col(Article.published).desc().nulls_last(), Article.title)
    )
    with archive.read_session() as session:
        rows = session.exec(statement).all()
    return [
        {"id": row.id, "title": row.title, "published": _iso(row.published),
         "category": row.category, "claims": row.claims or 0}
        for row in rows
    ]


def article_detail(archive: Archive, key: str) -> dict[str, Any]:
    """Everything known about one article, as plain data (the ``show --json`` shape)."""
    with archive.read_session() as session:
        article = find_article(session, key)
        aid = article.id
        sections = session.exec(select(ArticleSection).where(ArticleSection.article_id == aid)
                                .order_by(ArticleSection.position)).all()
        xrefs = session.exec(select(CrossReference).where(CrossReference.article_id == aid)
                             .order_by(CrossReference.position)).all()
        warnings = session.exec(select(ImportWarning).where(ImportWarning.article_id == aid)
                                .order_by(ImportWarning.position)).all()
        sources = session.exec(select(SourceEntry).where(SourceEntry.article_id == aid)
                               .order_by(SourceEntry.number)).all()
        claims = session.exec(select(Claim).where(Claim.article_id == aid).order_by(Claim.position)).all()
        citations = session.exec(
            select(Citation).join(Claim).where(Claim.article_id == aid).order_by(Citation.position)
        ).all()
        links = session.exec(select(Link).join(Claim).where(Claim.article_id == aid)
                             .order_by(Link.source_number, Link.start)).all()
        document_ids = {s.document_id for s in sources if s.document_id} | {link.document_id for link in links}
        documents = {d.id: d for d in session.exec(select(Document).where(col(Document.id).in_(document_ids)))}
    links_by_claim: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        links_by_claim.setdefault(link.claim_id, []).append(link_json(link, documents.get(link.document_id)))
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for citation in citations:
        by_claim.setdefault(citation.claim_id, []).append(
            {"source": citation.source_number, "sentences": list(citation.sentences)})
    return {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "published": _iso(article.published),
        "category": article.category,
        "format": article.format,
        "text": article.text,
        "sections": [{"title": s.title, "start": s.start} for s in sections],
        "cross_references": [x.title for x in xrefs],
        "warnings": [w.message for w in warnings],
        "sources": [
            {"number": s.number, "title": s.title, "publisher": s.publisher, "cited": s.cited,
             "document": _document_ref(documents.get(s.document_id)), "attached_by": s.attached_by}
            for s in sources
        ],
        "claims": [
            {"id": c.id, "text": c.text, "start": c.start, "end": c.end,
             "citations": by_claim.get(c.id, []), "status": c.status, "user_status": c.user_status,
             "links": links_by_claim.get(c.id, [])}
            for c in claims
        ],
    }


def link_json(link: Link, document: Document | None) -> dict[str, Any]:
    """A link as plain data; its selectors follow the W3C Web Annotation TextQuoteSelector."""
    return {
        "id": link.id, "document": link.document_id, "document_title": document.title if document else None,
        "source": link.source_number, "page": link.page, "exact": link.exact, "prefix": link.prefix,
        "suffix": link.suffix, "start": link.start, "end": link.end, "rects": link.rects,
        "score": link.score, "verdict": link.verdict, "reason": link.reason, "origin": link.origin,
        "relation": link.relation, "decision": link.decision,
    }


def _document_ref(document: Document | None) -> dict[str, Any] | None:
    if document is None:
        return None
    return {"id": document.id, "title": document.title, "kind": document.kind, "status": document.status}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
