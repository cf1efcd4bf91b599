"""The library: paged, filtered lists of articles and documents, and the counts beside each sidebar entry.

Made for big archives (thousands of documents, tens of thousands of claims).
A page is one SQL statement: it filters and orders the items, takes ``limit``
of them from ``offset`` and only then joins the claims of those few articles
(through the index on ``claim.article_id``), so its cost follows the page size,
not the archive's.  Filters are ``EXISTS``/``IN`` subqueries on indexed columns
(``claim.article_id``, ``source_entry.article_id``, ``claim_tag.tag``, the
``collection_item`` key) and never load a row per item.  Only the columns a
list shows are read: never an article's or document's text.

A claim's *effective* status is a person's decision if there is one, else what
verification found (``user_status or status``).  For the counts shown beside an
article it falls in one of four buckets: verified (``verified``, or
``confirmed`` by a person), partial, not found (``not_found``, or ``disputed``
or ``rejected`` by a person) and no source (anything else).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, not_
from sqlmodel import Session, col, select

from archive.collections import CollectionSummary, list_collections
from archive.extract import describe
from archive.models import Article, Claim, ClaimTag, CollectionItem, Document, SourceEntry

ARTICLE_FILTERS = ("unverified", "unattached")
DOCUMENT_FILTERS = ("failed",)
FILTERS = ARTICLE_FILTERS + DOCUMENT_FILTERS

VERIFIED = ("verified", "confirmed")  # effective statuses that count as verified
PARTIAL = ("partial",)
NOT_FOUND = ("not_found", "disputed", "rejected")
READABLE = ("ok", "partial")  # document statuses whose text can be used


@dataclass(frozen=True)
class TagCount:
    tag: str
    claims: int
    articles: int


@dataclass(frozen=True)
class SidebarCounts:
    """Everything the sidebar shows beside its entries."""

    articles: int
    documents: int
    filters: dict[str, int]  # each of FILTERS → how many articles (or documents) it lists
    collections: list[CollectionSummary]
    tags: list[TagCount]


def effective_status() -> ColumnElement:
    """A claim's status as people see it: their own decision wins over verification."""
    return func.coalesce(Claim.user_status, Claim.status)


# --- articles -------------------------------------------------------------------


def count_articles(session: Session, filter: str | None = None, collection_id: str | None = None,
                   tag: str | None = None) -> int:
    """How many articles :func:`page_articles` lists with the same arguments."""
    statement = select(func.count()).select_from(Article)
    for condition in _article_conditions(filter, collection_id, tag):
        statement = statement.where(condition)
    return int(session.exec(statement).one())


def page_articles(session: Session, offset: int, limit: int, filter: str | None = None,
                  collection_id: str | None = None, tag: str | None = None) -> list[dict[str, Any]]:
    """Articles ``offset`` to ``offset + limit``, newest first, with their claims counted by status.

    Rows are ``{id, title, published (ISO or None), category, claims, verified,
    partial, not_found, no_source}``.
    """
    page = select(Article.id, Article.title, Article.published, Article.category)
    for condition in _article_conditions(filter, collection_id, tag):
        page = page.where(condition)
    page = page.order_by(*_article_order(Article.published, Article.title, Article.id))
    page = page.offset(max(offset, 0)).limit(max(limit, 0)).cte("page")
    status = effective_status()
    # The page's claims only, grouped along the index on claim.article_id (no sort of the claims).
    claims = (
        select(Claim.article_id.label("article_id"), func.count().label("claims"),
               _bucket(status.in_(VERIFIED)).label("verified"), _bucket(status.in_(PARTIAL)).label("partial"),
               _bucket(status.in_(NOT_FOUND)).label("not_found"))
        .where(col(Claim.article_id).in_(select(page.c.id)))
        .group_by(Claim.article_id)
        .subquery("counts")
    )
    statement = (
        select(page.c.id, page.c.title, page.c.published, page.c.category, claims.c.claims, claims.c.verified,
               claims.c.partial, claims.c.not_found)
        .select_from(page)
        .outerjoin(claims, claims.c.article_id == page.c.id)
        .order_by(*_article_order(page.c.published, page.c.title, page.c.id))
    )
    rows = []
    for id_, title, published, category, claims, verified, partial, not_found in session.exec(statement):
        claims, verified, partial, not_found = int(claims or 0), int(verified or 0), int(partial or 0), \
            int(not_found or 0)
        rows.append({"id": id_, "title": title, "published": published.isoformat() if published else None,
                     "category": category, "claims": claims, "verified": verified, "partial": partial,
                     "not_found": not_found, "no_source": claims - verified - partial - not_found})
    return rows


def _article_order(published: Any, title: Any, id_: Any) -> list[Any]:
    """Newest first, undated last (SQLite sorts NULL lowest); ties by title, then id, so pages never overlap.

    The order an index on ``article (published DESC, title, id)`` would serve.
    """
    return [published.desc(), title, id_]


def _bucket(condition: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _article_conditions(filter: str | None, collection_id: str | None, tag: str | None) -> list[ColumnElement]:
    conditions: list[ColumnElement] = []
    if filter == "unverified":
        conditions.append(_unverified())
    elif filter == "unattached":
        conditions.append(_unattached())
    elif filter is not None:
        raise ValueError(f"no article filter {filter!r} (there are {', '.join(ARTICLE_FILTERS)})")
    if collection_id is not None:
        conditions.append(col(Article.id).in_(_collection_items(collection_id, "article")))
    if tag is not None:
        conditions.append(col(Article.id).in_(
            select(Claim.article_id).join(ClaimTag, col(ClaimTag.claim_id) == Claim.id).where(ClaimTag.tag == tag)))
    return conditions


# --- documents ------------------------------------------------------------------


def count_documents(session: Session, filter: str | None = None, collection_id: str | None = None) -> int:
    """How many documents :func:`page_documents` lists with the same arguments."""
    statement = select(func.count()).select_from(Document)
    for condition in _document_conditions(filter, collection_id):
        statement = statement.where(condition)
    return int(session.exec(statement).one())


def page_documents(session: Session, offset: int, limit: int, filter: str | None = None,
                   collection_id: str | None = None) -> list[dict[str, Any]]:
    """Documents ``offset`` to ``offset + limit`` by title: ``{id, title, kind, pages, status, reason}``."""
    statement = select(Document.id, Document.title, Document.kind, Document.page_count, Document.status,
                       Document.status_detail)
    for condition in _document_conditions(filter, collection_id):
        statement = statement.where(condition)
    statement = (statement.order_by(col(Document.title).collate("NOCASE"), Document.id)
                 .offset(max(offset, 0)).limit(max(limit, 0)))
    return [{"id": id_, "title": title, "kind": kind, "pages": pages, "status": status,
             "reason": _reason(status, detail)}
            for id_, title, kind, pages, status, detail in session.exec(statement)]


def _reason(status: str, detail: str) -> str:
    try:
        return describe(status, detail)
    except ValueError:  # a status written by a newer Footnote
        return status.replace("_", " ") + (f": {detail}" if detail else "")


def _document_conditions(filter: str | None, collection_id: str | None) -> list[ColumnElement]:
    conditions: list[ColumnElement] = []
    if filter == "failed":
        conditions.append(not_(col(Document.status).in_(READABLE)))
    elif filter is not None:
        raise ValueError(f"no document filter {filter!r} (there are {', '.join(DOCUMENT_FILTERS)})")
    if collection_id is not None:
        conditions.append(col(Document.id).in_(_collection_items(collection_id, "document")))
    return conditions


def _unverified() -> ColumnElement:
    return exists().where(Claim.article_id == Article.id, not_(effective_status().in_(VERIFIED)))


def _unattached() -> ColumnElement:
    """Through the index on ``source_entry.document_id``: only entries without a document are read."""
    return col(Article.id).in_(select(SourceEntry.article_id).where(col(SourceEntry.document_id).is_(None),
                                                                     col(SourceEntry.cited).is_(True)))


def _collection_items(collection_id: str, item_type: str) -> Any:
    return select(CollectionItem.item_id).where(CollectionItem.collection_id == collection_id,
                                                CollectionItem.item_type == item_type)


# --- tags and the sidebar -------------------------------------------------------


def list_tags(session: Session) -> list[tuple[str, int]]:
    """Every tag in use and how many claims carry it, by tag."""
    return [(tag, int(n)) for tag, n in session.exec(
        select(ClaimTag.tag, func.count()).group_by(ClaimTag.tag).order_by(ClaimTag.tag))]


def tag_counts(session: Session) -> list[TagCount]:
    """Every tag in use with how many claims carry it and in how many articles, by tag."""
    statement = (select(ClaimTag.tag, func.count(), func.count(func.distinct(Claim.article_id)))
                 .join(Claim, col(ClaimTag.claim_id) == Claim.id)
                 .group_by(ClaimTag.tag).order_by(ClaimTag.tag))
    return [TagCount(tag, int(claims), int(articles)) for tag, claims, articles in session.exec(statement)]


def sidebar_counts(session: Session) -> SidebarCounts:
    """The counts beside every library entry, in five queries whatever the number of entries."""
    articles, n_unverified, n_unattached = session.exec(
        select(func.count(), _bucket(_unverified()), _bucket(_unattached())).select_from(Article)).one()
    documents, n_failed = session.exec(
        select(func.count(), _bucket(not_(col(Document.status).in_(READABLE)))).select_from(Document)).one()
    return SidebarCounts(
        articles=int(articles), documents=int(documents),
        filters={"unverified": int(n_unverified or 0), "unattached": int(n_unattached or 0),
                 "failed": int(n_failed or 0)},
        collections=list_collections(session), tags=tag_counts(session))


__all__ = [
    "ARTICLE_FILTERS", "DOCUMENT_FILTERS", "FILTERS", "SidebarCounts", "TagCount", "count_articles",
    "count_documents", "effective_status", "list_tags", "page_articles", "page_documents", "sidebar_counts",
    "tag_counts",
]
