"""Source documents in the catalog: writing what extraction found, reading it back for matching."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from archive import clock
from archive.extract import ExtractedDocument, Extraction, describe
from archive.extract.boxes import Rect, rects_for_span, unpack
from archive.models import Document, DocumentPage, Link, LinkOrigin, Passage, StoredFile, new_id
from archive.queries import find_by_id_prefix

READABLE = {Extraction.OK.value, Extraction.PARTIAL.value}


def write_document(session: Session, extracted: ExtractedDocument, *, sha256: str, size: int, media_type: str,
                   name: str, document_id: str | None = None, new_document_id: str | None = None) -> str:
    """Insert (or, with ``document_id``, replace the extraction of) a document, in the caller's transaction.

    ``new_document_id`` gives a new document a known id (a bundle's), instead of a fresh one.
    """
    now = clock.now()
    if session.get(StoredFile, sha256) is None:
        session.add(StoredFile(sha256=sha256, size=size, media_type=media_type, original_name=name, added_at=now))
        session.flush()
    fields = dict(kind=extracted.kind.value, title=extracted.title[:1000], author=extracted.author,
                  publisher=extracted.publisher, published=extracted.published, url=extracted.url,
                  page_count=len(extracted.pages), status=extracted.status.value, status_detail=extracted.detail,
                  text=extracted.text, extracted_at=now)
    if document_id is None:
        document_id = new_document_id or new_id()
        session.add(Document(id=document_id, file_sha256=sha256, imported_at=now, **fields))
        session.flush()
    else:
        for model in (DocumentPage, Passage):
            session.execute(delete(model).where(model.document_id == document_id))
        session.execute(delete(Link).where(Link.document_id == document_id, Link.origin == LinkOrigin.AUTO.value,
                                           col(Link.decision).is_(None)))
        session.execute(update(Document).where(Document.id == document_id).values(**fields))
    if extracted.pages:
        session.execute(insert(DocumentPage), [
            dict(document_id=document_id, number=p.number, width=p.width, height=p.height, start=p.start,
                 end=p.end, words=p.words) for p in extracted.pages])
    if extracted.passages:
        locator = PageLocator([(p.number, p.start, p.words) for p in extracted.pages])
        session.execute(insert(Passage), [
            dict(document_id=document_id, position=i, page=locator.page_of(start),
                 start=start, end=end, rects=locator.rects(start, end))
            for i, (start, end) in enumerate(extracted.passages, start=1)])
    return document_id


class PageLocator:
    """Which page an offset is on, and the rectangles of a span, for one document.

    Word boxes stay packed until a span on their page is asked for, and only a
    few pages are kept unpacked: a 1,000-page document costs a page's worth.
    """

    CACHED_PAGES = 8

    def __init__(self, pages: list[tuple[int, int, bytes | list]]) -> None:
        """``pages`` are ``(number, start, word boxes)`` in page order, boxes packed or not."""
        self._numbers = [number for number, _, _ in pages]
        self._starts = [start for _, start, _ in pages]
        self._packed = [boxes for _, _, boxes in pages]
        self._unpacked: dict[int, list] = {}

    def _boxes(self, index: int) -> list:
        boxes = self._unpacked.get(index)
        if boxes is None:
            packed = self._packed[index]
            boxes = unpack(packed) if isinstance(packed, (bytes, bytearray, memoryview)) else packed
            if len(self._unpacked) >= self.CACHED_PAGES:
                self._unpacked.pop(next(iter(self._unpacked)))
            self._unpacked[index] = boxes
        return boxes

    def page_of(self, offset: int) -> int | None:
        if not self._starts:
            return None
        return self._numbers[max(0, bisect_right(self._starts, offset) - 1)]

    def rects(self, start: int, end: int) -> list[Rect]:
        if not self._starts:
            return []
        first = max(0, bisect_right(self._starts, start) - 1)
        last = max(0, bisect_right(self._starts, max(start, end - 1)) - 1)
        pages = [(self._numbers[i], self._starts[i], self._boxes(i)) for i in range(first, last + 1)]
        return [list(r) for r in rects_for_span(pages, start, end)]


def page_locator(session: Session, document_id: str) -> PageLocator:
    pages = session.exec(select(DocumentPage).where(DocumentPage.document_id == document_id)
                         .order_by(DocumentPage.number)).all()
    return PageLocator([(p.number, p.start, p.words) for p in pages])


def find_document(session: Session, key: str) -> Document:
    """A document by id or unique id prefix (at least four characters)."""
    return find_by_id_prefix(session, Document, key, "document")


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    title: str
    kind: str
    pages: int
    passages: int
    status: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def list_documents(session: Session) -> list[DocumentSummary]:
    from sqlalchemy import func

    counts = dict(session.exec(select(Passage.document_id, func.count()).group_by(Passage.document_id)).all())
    documents = session.exec(select(Document).order_by(Document.title)).all()
    return [DocumentSummary(d.id, d.title, d.kind, d.page_count, counts.get(d.id, 0), d.status,
                            describe(d.status, d.status_detail))
            for d in documents]
