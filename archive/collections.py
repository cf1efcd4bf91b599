"""Collections: named sets of articles and documents, created, renamed, filled and emptied by people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, literal_column
from sqlmodel import Session, select

from archive.errors import FootnoteError, NotFound
from archive.models import Article, Collection, CollectionItem, Document
from archive.store import Archive


@dataclass(frozen=True)
class CollectionSummary:
    id: str
    name: str
    articles: int
    documents: int


def list_collections(session: Session) -> list[CollectionSummary]:
    counts: dict[tuple[str, str], int] = {
        (cid, kind): n for cid, kind, n in session.exec(
            select(CollectionItem.collection_id, CollectionItem.item_type, func.count())
            .group_by(CollectionItem.collection_id, CollectionItem.item_type))}
    return [CollectionSummary(c.id, c.name, counts.get((c.id, "article"), 0), counts.get((c.id, "document"), 0))
            for c in session.exec(select(Collection).order_by(func.lower(Collection.name)))]


def create_collection(archive: Archive, name: str) -> str:
    name = _valid_name(name)
    with archive.session() as session:
        if session.exec(select(Collection).where(Collection.name == name)).first():
            raise FootnoteError(f"a collection named {name!r} already exists")
        collection = Collection(name=name)
        session.add(collection)
        return collection.id


def rename_collection(archive: Archive, collection_id: str, name: str) -> str:
    """Rename; returns the old name (for undo)."""
    name = _valid_name(name)
    with archive.session() as session:
        collection = _get(session, collection_id)
        clash = session.exec(select(Collection).where(Collection.name == name)).first()
        if clash is not None and clash.id != collection_id:
            raise FootnoteError(f"a collection named {name!r} already exists")
        old, collection.name = collection.name, name
        session.add(collection)
        return old


def delete_collection(archive: Archive, collection_id: str) -> None:
    """Delete the collection; its articles and documents stay in the archive."""
    with archive.session() as session:
        session.delete(_get(session, collection_id))


def add_items(archive: Archive, collection_id: str, item_ids: list[str]) -> list[str]:
    """Add articles and documents by id; returns the ids that were not already in it."""
    added = []
    with archive.session() as session:
        _get(session, collection_id)
        present = set(session.exec(select(CollectionItem.item_id).where(
            CollectionItem.collection_id == collection_id)))
        for item_id in dict.fromkeys(item_ids):
            if item_id in present:
                continue
            kind = "article" if session.get(Article, item_id) else "document" if session.get(Document, item_id) \
                else None
            if kind is None:
                raise NotFound(f"no article or document {item_id}")
            session.add(CollectionItem(collection_id=collection_id, item_id=item_id, item_type=kind))
            added.append(item_id)
    return added


def remove_items(archive: Archive, collection_id: str, item_ids: list[str]) -> None:
    with archive.session() as session:
        session.execute(delete(CollectionItem).where(CollectionItem.collection_id == collection_id,
                                                     CollectionItem.item_id.in_(item_ids)))


def items(session: Session, collection_id: str) -> list[tuple[str, str]]:
    """``(item_id, item_type)`` of a collection, in the order they were added."""
    return list(session.exec(select(CollectionItem.item_id, CollectionItem.item_type)
                             .where(CollectionItem.collection_id == collection_id)
                             .order_by(CollectionItem.added_at, literal_column("collection_item.rowid"))))


def find_collection(session: Session, name_or_id: str) -> Collection:
    collection = session.get(Collection, name_or_id) or session.exec(
        select(Collection).where(func.lower(Collection.name) == name_or_id.strip().lower())).first()
    if collection is None:
        raise NotFound(f"no collection named {name_or_id!r}")
    return collection


def _get(session: Session, collection_id: str) -> Collection:
    collection = session.get(Collection, collection_id)
    if collection is None:
        raise NotFound(f"no collection {collection_id}")
    return collection


def _valid_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise FootnoteError("a collection needs a name")
    if len(name) > 200:
        raise FootnoteError("a collection name can be at most 200 characters")
    return name
