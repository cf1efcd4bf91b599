"""Turning a source document (PDF, web page, text) into text, pages, word boxes and passages.

Extractors are pure functions from a file to an :class:`ExtractedDocument`.
They run inside a child process with time and memory limits (see
:mod:`archive.extract.sandbox`): parsers of hostile files hang, recurse and
balloon, and must never take the application down with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    PDF = "pdf"
    HTML = "html"
    TEXT = "text"
    MARKDOWN = "markdown"


class Extraction(StrEnum):
    """How extraction went; everything but OK comes with a specific reason."""

    OK = "ok"
    PARTIAL = "partial"  # some text, but parts of the file could not be read
    NO_TEXT = "no_text"  # no text layer: a scan, or only images
    PASSWORD = "password"  # encrypted, and no (right) password was given
    DAMAGED = "damaged"  # the parser could not read the file
    TIMEOUT = "timeout"  # took longer than the limit
    TOO_LARGE = "too_large"  # needed more memory than the limit


@dataclass
class ExtractedPage:
    number: int  # 1-based
    width: float  # points, as displayed (rotation applied)
    height: float
    start: int  # offsets of the page's text in the document text
    end: int
    words: bytes = b""  # packed word boxes, see archive.extract.boxes


@dataclass
class ExtractedDocument:
    kind: Kind
    title: str
    text: str = ""
    author: str | None = None
    publisher: str | None = None
    published: datetime | None = None
    url: str | None = None
    pages: list[ExtractedPage] = field(default_factory=list)
    passages: list[tuple[int, int]] = field(default_factory=list)  # sentence spans in ``text``
    status: Extraction = Extraction.OK
    detail: str = ""  # the specific reason, for any status but OK

    @property
    def reason(self) -> str:
        return describe(self.status, self.detail)


def describe(status: Extraction | str, detail: str = "") -> str:
    """A status and its detail as one phrase: "password-protected: give the password …"."""
    return _REASONS[Extraction(status)] + (f": {detail}" if detail else "")


_REASONS = {
    Extraction.OK: "ok",
    Extraction.PARTIAL: "partly damaged",
    Extraction.NO_TEXT: "no text layer \u2014 scanned?",
    Extraction.PASSWORD: "password-protected",
    Extraction.DAMAGED: "damaged",
    Extraction.TIMEOUT: "extraction timed out",
    Extraction.TOO_LARGE: "too large to extract",
}

SUFFIX_KINDS = {
    ".pdf": Kind.PDF,
    ".html": Kind.HTML,
    ".htm": Kind.HTML,
    ".xhtml": Kind.HTML,
    ".txt": Kind.TEXT,
    ".text": Kind.TEXT,
    ".md": Kind.MARKDOWN,
    ".markdown": Kind.MARKDOWN,
}
