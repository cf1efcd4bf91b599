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


SOURCES = REPO / "resources" / "demo" / "sources"


def test_import_digest_and_sources_in_one_command(archive_dir: Path, sample_path: Path, capsys) -> None:
    code, out, err = run(capsys, "--archive", str(archive_dir), "import", str(sample_path), str(SOURCES))
    assert code == 0, out + err
    assert out.count("attached: [") == 7
    assert "claims: 10 verified, 1 partial, 1 not found" in out
    code, out, _ = run(capsys, "--archive", str(archive_dir), "documents", "--json")
    documents = json.loads(out)
    assert len(documents) == 7 and {d["kind"] for d in documents} == {"pdf", "html"}
    assert all({"id", "title", "kind", "pages", "passages", "status", "reason"} <= d.keys() for d in documents)
    code, out, _ = run(capsys, "--archive", str(archive_dir), "articles", "--json")
    article = json.loads(out)[0]["id"]
    code, out, _ = run(capsys, "--archive", str(archive_dir), "show", article, "--json")
    detail = json.loads(out)
    assert all(s["document"] and {"id", "title"} <= s["document"].keys() for s in detail["sources"])
    link = detail["claims"][6]["links"][0]
    assert {"document", "page", "exact", "prefix", "suffix", "start", "end", "rects", "score"} <= link.keys()
    code, out, _ = run(capsys, "--archive", str(archive_dir), "verify", article[:8], "--json")
    verified = json.loads(out)
    assert verified["statuses"] == {"verified": 10, "partial": 1, "not_found": 1}
    code, out, _ = run(capsys, "--archive", str(archive_dir), "verify", article[:8])
    assert code == 0 and "[verified]" in out and "[not_found]" in out


def test_attach_and_detach_commands(archive_dir: Path, sample_path: Path, capsys) -> None:
    run(capsys, "--archive", str(archive_dir), "import", str(sample_path), str(SOURCES / "2-fortune.pdf"))
    article = json.loads(run(capsys, "--archive", str(archive_dir), "articles", "--json")[1])[0]["id"]
    document = json.loads(run(capsys, "--archive", str(archive_dir), "documents", "--json")[1])[0]["id"]
    code, out, _ = run(capsys, "--archive", str(archive_dir), "detach", article[:8], "2")
    assert code == 0 and "detached: [2]" in out and "12 no source" in out
    code, out, err = run(capsys, "--archive", str(archive_dir), "detach", article[:8], "2")
    assert code == 1 and "has no document attached" in err
    code, out, _ = run(capsys, "--archive", str(archive_dir), "attach", article[:8], "2", document[:6])
    assert code == 0 and "attached: [2]" in out and "4 verified" in out
    code, _, err = run(capsys, "--archive", str(archive_dir), "attach", article[:8], "99", document[:6])
    assert code == 1 and "no source numbered 99" in err


def test_as_source_and_password_options(archive_dir: Path, tmp_path: Path, capsys) -> None:
    from pdf_factory import make_encrypted_pdf

    notes = tmp_path / "notes.txt"
    notes.write_text("Field notes\n\nThe river rose. It rained all day.\n", encoding="utf-8")
    code, out, _ = run(capsys, "--archive", str(archive_dir), "import", "--as", "source", str(notes))
    assert code == 0 and "document " in out and "3 passages" in out  # title line, two sentences
    locked = make_encrypted_pdf(tmp_path / "locked.pdf", ["Locked text."], "pw")
    code, out, _ = run(capsys, "--archive", str(archive_dir), "import", str(locked))
    assert code == 0 and "kept without text: password-protected" in out
    code, out, _ = run(capsys, "--archive", str(archive_dir), "import", "--password", "pw", str(locked))
    assert code == 0 and "imported:" in out and "1 passages" in out
    code, _, err = run(capsys, "--archive", str(archive_dir), "import", "--as", "article", str(locked))
    assert code == 1 and "a PDF can only be a source document" in _


def test_search_json_and_text(archive_dir: Path, sample_path: Path, capsys) -> None:
    run(capsys, "--archive", str(archive_dir), "import", str(sample_path), str(SOURCES))
    code, out, err = run(capsys, "--archive", str(archive_dir), "search", "Bessent", "--json", "--limit", "5")
    assert code == 0, err
    result = json.loads(out)
    assert {"query", "total", "hits", "facets"} <= result.keys() and result["query"] == "Bessent"
    assert result["total"] == 3 and len(result["hits"]) == 3
    for hit in result["hits"]:
        assert {"type", "document", "title", "page", "snippet", "score"} <= hit.keys()
        assert "<mark>Bessent</mark>" in hit["snippet"]
    assert [h for h in result["hits"] if h["type"] == "claim"][0]["claim"]
    assert [h for h in result["hits"] if h["type"] == "source"][0]["page"] == 1
    assert set(result["facets"]) == {"type", "status", "category"}
    code, out, _ = run(capsys, "--archive", str(archive_dir), "search", "Bessent", "--type", "claim", "--json")
    assert [h["type"] for h in json.loads(out)["hits"]] == ["claim"]
    code, out, _ = run(capsys, "--archive", str(archive_dir), "search", "heated", "wrangling")
    assert code == 0 and "*heated* *wrangling*" in out and "p. 1" in out
    code, out, err = run(capsys, "--archive", str(archive_dir), "search", '"unclosed Bessent')
    assert code == 0 and "quotation mark is not closed" in err and "Bessent" in out
    code, out, _ = run(capsys, "--archive", str(archive_dir), "search", "Zuckerbrg")
    assert "did you mean: zuckerberg?" in out
    code, out, _ = run(capsys, "--archive", str(archive_dir), "reindex")
    assert code == 0 and "search index rebuilt" in out


def test_search_rebuilds_a_missing_index(archive_dir: Path, sample_path: Path, capsys) -> None:
    import shutil

    run(capsys, "--archive", str(archive_dir), "import", str(sample_path))
    shutil.rmtree(archive_dir / "index")
    code, out, err = run(capsys, "--archive", str(archive_dir), "search", "Sacks")
    assert code == 0 and "building the search index" in err and "hits for Sacks" in out
