"""The catalog's tables.

The schema itself is created and upgraded by the explicit, versioned steps in
:mod:`archive.schema`; these models must describe the result, and a test checks
that they do.  Ids of things users exchange (articles, claims) are random UUIDs
so that bundles from different archives merge without collisions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Optional

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from archive import clock


def new_id() -> str:
    return uuid.uuid4().hex


class ClaimStatus(StrEnum):
    """How well a claim's cited sources back it (set by verification or a user)."""

    NO_SOURCE = "no_source"  # no cited source has a document yet
    VERIFIED = "verified"
    PARTIAL = "partial"
    NOT_FOUND = "not_found"


class StoredFile(SQLModel, table=True):
    """A file in ``files/``: stored once, named by its SHA-256, never modified."""

    __tablename__ = "stored_file"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    media_type: str
    original_name: str
    added_at: datetime = Field(default_factory=clock.now)


class Article(SQLModel, table=True):
    """A text whose claims Footnote tracks: a digest, or a plain or Markdown article."""

    __tablename__ = "article"

    id: str = Field(default_factory=new_id, primary_key=True)
    file_sha256: str = Field(foreign_key="stored_file.sha256", index=True)
    format: str  # "digest" | "plain" | "markdown"
    title: str
    summary: str = ""
    # As the article states it: local time of an unknown zone, so stored naive.
    published: Optional[NaiveDatetime] = None
    category: Optional[str] = None
    text: str
    imported_at: datetime = Field(default_factory=clock.now)


class ArticleSection(SQLModel, table=True):
    """A section heading, at its character offset in the article's plain text."""

    __tablename__ = "article_section"

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: str = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    position: int
    title: str
    start: int


class CrossReference(SQLModel, table=True):
    __tablename__ = "cross_reference"

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: str = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    position: int
    title: str


class ImportWarning(SQLModel, table=True):
    """Something odd found while importing, kept so the user can see it later."""

    __tablename__ = "import_warning"

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: str = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    position: int
    message: str


class SourceEntry(SQLModel, table=True):
    """One numbered entry of an article's Sources list."""

    __tablename__ = "source_entry"

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: str = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    number: int
    title: str
    publisher: Optional[str] = None
    cited: bool = False
    document_id: Optional[str] = Field(default=None, foreign_key="document.id", index=True, ondelete="SET NULL")
    attached_by: Optional[str] = None  # "auto" | "user"; "detached" when a person undid an attachment


class Claim(SQLModel, table=True):
    """A span of an article's plain text that asserts something, and its state."""

    __tablename__ = "claim"

    id: str = Field(default_factory=new_id, primary_key=True)
    article_id: str = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    position: int
    text: str
    start: int
    end: int
    status: str = ClaimStatus.NO_SOURCE.value
    user_status: Optional[str] = None  # a person's decision (confirmed | disputed | rejected): it wins
    note: str = ""
    origin: str = "marker"  # "marker" (from the digest) | "user" (made by hand)
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)


class Citation(SQLModel, table=True):
    """A claim's reference to a numbered source and, as a hint, its sentence numbers."""

    __tablename__ = "citation"

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: str = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    position: int
    source_number: int
    sentences: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Document(SQLModel, table=True):
    """A source document: a PDF, web page or text that articles cite."""

    __tablename__ = "document"

    id: str = Field(default_factory=new_id, primary_key=True)
    file_sha256: str = Field(foreign_key="stored_file.sha256", index=True)
    kind: str  # archive.extract.Kind
    title: str
    author: Optional[str] = None
    publisher: Optional[str] = None
    published: Optional[NaiveDatetime] = None
    url: Optional[str] = None
    page_count: int = 0
    status: str  # archive.extract.Extraction
    status_detail: str = ""
    text: str = ""
    imported_at: datetime = Field(default_factory=clock.now)
    extracted_at: datetime = Field(default_factory=clock.now)


class DocumentPage(SQLModel, table=True):
    """One page: its size as displayed, its span of the document text, its packed word boxes."""

    __tablename__ = "document_page"

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    number: int
    width: float
    height: float
    start: int
    end: int
    words: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


class Passage(SQLModel, table=True):
    """A sentence of a document: its span of the text, the page it starts on, its rectangles."""

    __tablename__ = "passage"

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    position: int  # 1-based sentence number
    page: Optional[int] = None
    start: int
    end: int
    rects: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class LinkOrigin(StrEnum):
    AUTO = "auto"  # made by verification; replaced when verification runs again
    USER = "user"  # made by a person; never touched by verification


class Link(SQLModel, table=True):
    """A claim tied to a passage of a source document, with how well it matches."""

    __tablename__ = "link"

    id: str = Field(default_factory=new_id, primary_key=True)
    claim_id: str = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    document_id: str = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    source_number: Optional[int] = None
    page: Optional[int] = None
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    rects: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    score: float = 0.0
    coverage: float = 0.0
    verdict: str  # archive.matching.Verdict
    reason: str = ""
    origin: str = LinkOrigin.AUTO.value
    relation: str = "supports"  # supports | contradicts | context
    decision: Optional[str] = None  # confirmed | rejected, by a person
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)


class ClaimTag(SQLModel, table=True):
    __tablename__ = "claim_tag"

    claim_id: str = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)


class Meta(SQLModel, table=True):
    """Archive-wide settings and facts (e.g. the search index's identity)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


class Collection(SQLModel, table=True):
    """A named set of articles and documents, the unit users curate and exchange."""

    __tablename__ = "collection"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=clock.now)


class CollectionItem(SQLModel, table=True):
    __tablename__ = "collection_item"

    collection_id: str = Field(foreign_key="collection.id", primary_key=True, ondelete="CASCADE")
    item_id: str = Field(primary_key=True, index=True)
    item_type: str  # "article" | "document"
    added_at: datetime = Field(default_factory=clock.now)


class AnnotationHistory(SQLModel, table=True):
    """An earlier version of a claim or link, kept when a merge replaced it with a newer one."""

    __tablename__ = "annotation_history"

    id: Optional[int] = Field(default=None, primary_key=True)
    item_type: str  # "claim" | "link"
    item_id: str = Field(index=True)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reason: str
    recorded_at: datetime = Field(default_factory=clock.now)
