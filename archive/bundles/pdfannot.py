"""A copy of a source PDF with its linked passages as standard highlight annotations.

Each link to the document becomes a /Highlight annotation over the passage's
rectangles, its text the claim (so any PDF reader shows the claim on hover),
its colour the link's verdict.  Written with PDFium (pypdfium2) into a new
file; the stored original is never touched.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from sqlmodel import select

from archive.documents import READABLE
from archive.errors import FootnoteError, NotFound
from archive.models import Claim, Document, Link
from archive.store import Archive

COLOURS = {"verified": (86, 180, 233), "partial": (240, 228, 66), "not_found": (213, 94, 0),
           "contradicts": (204, 121, 167), "context": (170, 170, 170)}


def export_annotated_pdf(archive: Archive, document_id: str, target: Path) -> int:
    """Write the annotated copy to ``target``; returns the number of highlights."""
    with archive.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"no document {document_id}")
        if document.kind != "pdf":
            raise FootnoteError(f"{document.title!r} is a {document.kind} document, not a PDF")
        if document.status not in READABLE:
            raise FootnoteError(f"{document.title!r} could not be read, so it cannot be annotated")
        rows = session.exec(select(Link, Claim.text).join(Claim).where(Link.document_id == document_id)
                            .order_by(Link.page, Link.start)).all()
        source = archive.files.path_for(document.file_sha256)
    pdf = pdfium.PdfDocument(str(source))
    count = 0
    try:
        for link, claim_text in rows:
            if link.decision == "rejected":
                continue
            by_page: dict[int, list] = {}
            for page_number, *box in link.rects:
                by_page.setdefault(int(page_number), []).append(box)
            for page_number, boxes in by_page.items():
                if 1 <= page_number <= len(pdf):
                    _highlight(pdf[page_number - 1], boxes, claim_text, _colour(link))
                    count += 1
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(suffix=".pdf", dir=target.parent)
        os.close(handle)
        try:
            pdf.save(temporary)
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
    finally:
        pdf.close()
    return count


def _colour(link: Link) -> tuple[int, int, int]:
    if link.relation != "supports":
        return COLOURS.get(link.relation, COLOURS["context"])
    return COLOURS.get(link.verdict, COLOURS["partial"])


def _highlight(page: pdfium.PdfPage, boxes: list, text: str, colour: tuple[int, int, int]) -> None:
    left, bottom, right, top = page.get_cropbox()
    width, height = right - left, top - bottom
    rotation = page.get_rotation() % 360
    annotation = pdfium_c.FPDFPage_CreateAnnot(page.raw, pdfium_c.FPDF_ANNOT_HIGHLIGHT)
    if not annotation:
        return
    try:
        xs, ys = [], []
        for box in boxes:
            x0, y0, x1, y1 = _pdf_box(*box, width, height, rotation)
            x0, x1, y0, y1 = x0 + left, x1 + left, y0 + bottom, y1 + bottom
            quad = pdfium_c.FS_QUADPOINTSF(x0, y1, x1, y1, x0, y0, x1, y0)
            pdfium_c.FPDFAnnot_AppendAttachmentPoints(annotation, ctypes.byref(quad))
            xs += [x0, x1]
            ys += [y0, y1]
        rect = pdfium_c.FS_RECTF(min(xs), max(ys), max(xs), min(ys))
        pdfium_c.FPDFAnnot_SetRect(annotation, ctypes.byref(rect))
        pdfium_c.FPDFAnnot_SetColor(annotation, pdfium_c.FPDFANNOT_COLORTYPE_Color, *colour, 255)
        pdfium_c.FPDFAnnot_SetFlags(annotation, pdfium_c.FPDF_ANNOT_FLAG_PRINT)
        for key, value in (("Contents", text), ("T", "Footnote")):
            encoded = (value + "\x00").encode("utf-16-le")
            buffer = ctypes.create_string_buffer(encoded, len(encoded))
            pdfium_c.FPDFAnnot_SetStringValue(annotation, key.encode("ascii"),
                                              ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    finally:
        pdfium_c.FPDFPage_CloseAnnot(annotation)


def _pdf_box(x0: float, y0: float, x1: float, y1: float, w: float, h: float,
             rotation: int) -> tuple[float, float, float, float]:
    """A displayed box (origin top-left, page rotated) back in PDF space (origin bottom-left, unrotated)."""
    if rotation == 90:
        return y0, x0, y1, x1
    if rotation == 180:
        return w - x1, y0, w - x0, y1
    if rotation == 270:
        return w - y1, h - x1, w - y0, h - x0
    return x0, h - y1, x1, h - y0
