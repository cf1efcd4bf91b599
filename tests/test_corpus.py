"""The shared corpora: hostile PDFs end in the archive with a specific reason; real PDFs import.

Read in place from ../shared/corpus and skipped with a reason when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from archive.importing import Outcome, import_paths
from archive.models import Document, Passage
from conftest import SHARED

HOSTILE = SHARED / "corpus" / "hostile"
REAL = SHARED / "corpus" / "real"
REASONS = ("password-protected", "damaged: ", "no text layer \u2014 scanned?", "extraction timed out",
           "too large to extract")


def _need(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    if not files:
        pytest.skip(f"{folder} is absent: the shared corpus is not next to this checkout")
    return files


def test_every_hostile_file_ends_in_the_archive_with_a_specific_reason(archive) -> None:
    files = _need(HOSTILE)
    report = import_paths(archive, [HOSTILE])
    assert len(report.results) == len(files), "the batch stopped early"
    by_name = {r.path.name: r for r in report.results}
    for result in report.results:
        assert result.outcome in (Outcome.IMPORTED, Outcome.KEPT), (result.path.name, result.message)
        if result.outcome is Outcome.KEPT:
            reason = result.message.split("kept without text: ", 1)[1]
            assert reason.startswith(REASONS), (result.path.name, reason)
    for name in ("pdfplumber__password-example.pdf", "pdfminer__aes-256-r6.pdf", "pdfminer__rc4-40.pdf"):
        assert "password-protected" in by_name[name].message
    assert by_name["pdfplumber__empty.pdf"].message.endswith("damaged: the file is empty")
    assert "damaged: " in by_name["qpdf__bad-encryption-length.pdf"].message
    assert "no text layer" in by_name["pdfminer__pdf-with-jbig2.pdf"].message
    assert by_name["pdfminer__zen_of_python_corrupted.pdf"].outcome is Outcome.IMPORTED  # what can be read is
    assert "loops back on itself" in by_name["qpdf__issue-120.pdf"].message  # page-tree loop
    assert "damaged: PSEOF" in by_name["qpdf__issue-143.pdf"].message  # pdfminer names what PDFium would not
    recovered = by_name["qpdf__issue-99b.pdf"]  # PDFium gives up; pdfminer reads its one word
    assert recovered.outcome is Outcome.IMPORTED and "recovered with pdfminer" in recovered.warnings[0]
    with archive.session() as session:
        assert len(session.exec(select(Document)).all()) == len(files)


def test_password_protected_pdfs_import_when_the_password_is_given(archive) -> None:
    _need(HOSTILE)
    path = HOSTILE / "pdfplumber__password-example.pdf"
    first = import_paths(archive, [path]).results[0]
    assert first.outcome is Outcome.KEPT
    again = import_paths(archive, [path], password="test").results[0]
    assert again.outcome is Outcome.IMPORTED and again.document_id == first.document_id
    with archive.session() as session:
        document = session.get(Document, first.document_id)
        assert document.status == "ok" and document.text.strip()
    aes = import_paths(archive, [HOSTILE / "pdfminer__aes-256-r6.pdf"], password="usersecret").results[0]
    assert aes.outcome is Outcome.IMPORTED


def test_every_real_file_imports_and_text_layers_give_passages(archive) -> None:
    files = _need(REAL)
    report = import_paths(archive, [REAL])
    assert len(report.results) == len(files)
    with archive.session() as session:
        for result in report.results:
            assert result.outcome in (Outcome.IMPORTED, Outcome.KEPT), (result.path.name, result.message)
            document = session.get(Document, result.document_id)
            if result.outcome is Outcome.IMPORTED:
                passages = session.exec(select(Passage).where(Passage.document_id == document.id)).all()
                assert passages, result.path.name
                assert all(document.text[p.start:p.end].strip() for p in passages)
            else:
                assert document.status == "no_text", (result.path.name, result.message)
