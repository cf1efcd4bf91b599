"""The ``footnote`` command line: import, articles, show; one clear line for every error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cli import main
from conftest import REPO

SHOW_KEYS = {"id", "title", "summary", "published", "category", "text", "sections", "cross_references",
             "warnings", "sources", "claims"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def imported(archive_dir: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "--archive", str(archive_dir), "import", str(sample_path))
    assert code == 0, out
    code, out, _ = run(capsys, "--archive", str(archive_dir), "articles", "--json")
    return json.loads(out)[0]["id"]


def test_import_prints_what_happened(archive_dir: Path, sample_path: Path, capsys) -> None:
    code, out, err = run(capsys, "--archive", str(archive_dir), "import", str(sample_path))
    assert code == 0 and err == ""
    assert out.startswith(f"imported: {sample_path}: article ") and "12 claims" in out
    code, out, _ = run(capsys, "--archive", str(archive_dir), "import", str(sample_path))
    assert code == 0 and "already in the archive as article" in out and "1 already in archive" in out


def test_articles_json(archive_dir: Path, imported: str, capsys) -> None:
    code, out, _ = run(capsys, "--archive", str(archive_dir), "articles", "--json")
    assert code == 0
    assert json.loads(out) == [{
        "id": imported, "claims": 12, "category": "defense-government", "published": "2026-05-26T13:02:44",
        "title": "Trump postpones AI executive order after industry pressure from Zuckerberg, Musk, Sacks"}]
    code, out, _ = run(capsys, "--archive", str(archive_dir), "articles")
    assert code == 0 and out.startswith(imported[:8]) and "12 claims" in out


def test_show_json_by_unique_prefix(archive_dir: Path, imported: str, capsys) -> None:
    code, out, err = run(capsys, "--archive", str(archive_dir), "show", imported[:6], "--json")
    assert code == 0 and err == ""
    detail = json.loads(out)
    assert SHOW_KEYS <= detail.keys() and detail["id"] == imported
    assert len(detail["claims"]) == 12 and len(detail["sources"]) == 7 and detail["warnings"] == []
    for claim in detail["claims"]:
        assert detail["text"][claim["start"] : claim["end"]] == claim["text"]
        assert claim["status"] == "no_source" and claim["citations"]
        assert {"id", "text", "start", "end", "citations", "status"} <= claim.keys()
    assert detail["sources"][6] == {"number": 7, "title": "Last-minute lobbying by tech industry officials led "
                                    "Trump to cancel AI order", "publisher": "The Washington Post",
                                    "cited": False, "document": None, "attached_by": None}
    assert detail["claims"][8]["citations"] == [{"source": 2, "sentences": [19, 20, 21]}]


def test_show_text(archive_dir: Path, imported: str, capsys) -> None:
    code, out, _ = run(capsys, "--archive", str(archive_dir), "show", imported)
    assert code == 0 and "Claims (12)" in out and "Sources (7)" in out and "[not cited]" in out


@pytest.mark.parametrize("argv, message", [
    (["show", "zzzzzzzz"], "no article with an id starting with 'zzzzzzzz'"),
    (["show", "ab"], "give at least 4 characters"),
])
def test_show_errors_are_one_line(archive_dir: Path, imported: str, capsys, argv, message) -> None:
    code, out, err = run(capsys, "--archive", str(archive_dir), *argv)
    assert code == 1 and out == "" and message in err and err.count("\n") == 1


def test_ambiguous_prefix(archive_dir: Path, imported: str, capsys, tmp_path: Path) -> None:
    from archive.store import Archive

    with Archive.open(archive_dir) as opened, opened.session() as session:  # a second article sharing a prefix
        from sqlalchemy import text

        session.execute(text("INSERT INTO article SELECT :id, file_sha256, format, title, summary, published, "
                             "category, text, imported_at FROM article"), {"id": imported[:6] + "0" * 26})
    code, _, err = run(capsys, "--archive", str(archive_dir), "show", imported[:5])
    assert code == 1 and "matches several articles" in err and err.count("\n") == 1


def test_reading_a_missing_archive_is_one_line(archive_dir: Path, capsys) -> None:
    code, out, err = run(capsys, "--archive", str(archive_dir), "articles")
    assert code == 1 and err == f"footnote: no archive at {archive_dir} (import a file to create one)\n"
    assert not archive_dir.exists()


def test_import_of_missing_and_bad_files_exits_non_zero(archive_dir: Path, sample_path: Path, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa not text")
    code, out, err = run(capsys, "--archive", str(archive_dir), "import", str(tmp_path / "nope.txt"), str(bad),
                         str(sample_path))
    assert code == 1
    assert "no such file or folder" in err and "FAILED" in out and "imported:" in out


def test_environment_variable_chooses_the_archive(monkeypatch, tmp_path: Path, sample_path: Path, capsys) -> None:
    monkeypatch.setenv("FOOTNOTE_ARCHIVE", str(tmp_path / "env-archive"))
    assert run(capsys, "import", str(sample_path))[0] == 0
    assert (tmp_path / "env-archive" / "archive.db").is_file()
    assert run(capsys, "--archive", str(tmp_path / "other"), "import", str(sample_path))[0] == 0
    assert (tmp_path / "other" / "archive.db").is_file()


def test_default_archive_lives_in_the_user_data_folder(tmp_path: Path, sample_path: Path, capsys) -> None:
    assert run(capsys, "import", str(sample_path))[0] == 0
    assert list((tmp_path / "xdg-data").rglob("archive.db"))


def test_the_installed_command_reports_a_held_lock_in_one_line(archive_dir: Path, sample_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from archive.store import Archive; a = Archive.open(sys.argv[1], "
         "create=True); print('ready', flush=True); sys.stdin.read()", str(archive_dir)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = subprocess.run([sys.executable, "-m", "archive", "--archive", str(archive_dir), "import",
                                 str(sample_path)], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 1
        assert result.stderr == f"footnote: archive is in use by another Footnote (pid {holder.pid})\n"
        # Reading still works while another process writes.
        listing = subprocess.run([sys.executable, "-m", "archive", "--archive", str(archive_dir), "articles",
                                  "--json"], cwd=REPO, capture_output=True, text=True)
        assert listing.returncode == 0 and json.loads(listing.stdout) == []
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["show"])
    assert exit_info.value.code == 2
