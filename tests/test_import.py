"""Importing article files into a real archive: the sample, duplicates, bad files in a batch, cancel."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from archive.importing import Outcome, import_paths
from archive.progress import CancelToken, Progress
from archive.queries import article_detail, list_articles


def _stored_files(archive) -> list[Path]:
    return sorted(p for p in archive.layout.files.rglob("*") if p.is_file())


def test_sample_import_gives_the_article_its_claims_and_sources(archive, sample_path: Path) -> None:
    report = import_paths(archive, [sample_path])
    [result] = report.results
    assert result.outcome is Outcome.IMPORTED and "12 claims" in result.message
    detail = article_detail(archive, result.article_id)
    assert detail["published"] == "2026-05-26T13:02:44" and detail["category"] == "defense-government"
    assert len(detail["claims"]) == 12 and detail["warnings"] == []
    for claim in detail["claims"]:
        assert detail["text"][claim["start"] : claim["end"]] == claim["text"]
        assert claim["status"] == "no_source"
    assert [s["cited"] for s in detail["sources"]] == [True] * 6 + [False]
    assert all(s["document"] is None for s in detail["sources"])
    sha = hashlib.sha256(sample_path.read_bytes()).hexdigest()
    assert _stored_files(archive) == [archive.layout.files / sha[:2] / sha]


def test_importing_the_same_file_twice_is_a_no_op_that_says_so(archive, sample_path: Path, tmp_path: Path) -> None:
    first = import_paths(archive, [sample_path]).results[0]
    copy = tmp_path / "renamed copy.txt"
    copy.write_bytes(sample_path.read_bytes())
    again = import_paths(archive, [sample_path, copy]).results
    assert [r.outcome for r in again] == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert all(r.article_id == first.article_id and "already in the archive" in r.message for r in again)
    assert len(list_articles(archive)) == 1 and len(_stored_files(archive)) == 1


def test_a_bad_file_fails_alone_and_the_batch_goes_on(archive, sample_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("T\u00edtulo\n\nTexto en espa\u00f1ol.\n".encode("latin-1"))
    good = tmp_path / "note.md"
    good.write_text("# A note\n\nWith (cite index=\"1-1\">a claim</cite>.\n", encoding="utf-8")
    unsupported = tmp_path / "picture.png"
    unsupported.write_bytes(b"\x89PNG\r\n")
    report = import_paths(archive, [bad, sample_path, unsupported, good])
    assert [r.outcome for r in report.results] == [Outcome.FAILED, Outcome.IMPORTED, Outcome.FAILED, Outcome.IMPORTED]
    assert "latin1.txt is not valid UTF-8" in report.results[0].message
    assert ".png are not supported" in report.results[2].message
    assert len(list_articles(archive)) == 2
    assert len(_stored_files(archive)) == 2  # nothing kept of the failed files


def test_warnings_are_reported_and_stored(archive, tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text('1/1/2026, 1:00:00 PM · x\n\nTitle\n\nSum.\n\nText (cite index="3-1">open only.\n', encoding="utf-8")
    [result] = import_paths(archive, [path]).results
    assert result.outcome is Outcome.IMPORTED and len(result.warnings) == 1
    assert article_detail(archive, result.article_id)["warnings"] == list(result.warnings)


def test_folders_import_recursively_skipping_hidden_files(archive, tmp_path: Path, sample_path: Path) -> None:
    folder = tmp_path / "incoming"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "digest.txt").write_bytes(sample_path.read_bytes())
    (folder / "b.md").write_text("# B\n\nText.\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text("secret", encoding="utf-8")
    report = import_paths(archive, [folder])
    assert sorted(r.path.name for r in report.results) == ["b.md", "digest.txt"]
    assert len(report.of(Outcome.IMPORTED)) == 2


def test_progress_is_reported_and_cancel_keeps_what_was_finished(archive, tmp_path: Path) -> None:
    paths = []
    for number in range(4):
        path = tmp_path / f"note{number}.txt"
        path.write_text(f"Note {number}\n\nBody {number}.\n", encoding="utf-8")
        paths.append(path)
    token = CancelToken()
    seen: list[Progress] = []

    def progress(update: Progress) -> None:
        seen.append(update)
        if update.done == 2:
            token.cancel()

    report = import_paths(archive, paths, progress=progress, cancel=token)
    assert report.cancelled and len(report.results) == 2
    assert [p.done for p in seen[:3]] == [0, 1, 2] and seen[0].total == 4 and seen[0].label == "note0.txt"
    assert len(list_articles(archive)) == 2


def test_read_only_archive_refuses_imports(archive_dir: Path, sample_path: Path) -> None:
    from archive.errors import FootnoteError
    from archive.store import Archive

    Archive.open(archive_dir, create=True).close()
    with Archive.open(archive_dir, read_only=True) as reader, pytest.raises(FootnoteError, match="read-only"):
        import_paths(reader, [sample_path])


def test_unreadable_path_fails_with_a_reason(archive, tmp_path: Path) -> None:
    [result] = import_paths(archive, [tmp_path / "missing.txt"]).results
    assert result.outcome is Outcome.FAILED and "cannot read missing.txt" in result.message
