"""Bad input at every command-line entry point: a clear error, never a traceback, the archive unchanged.

Random bytes as a digest, as a web page (imported as a source and as an article), as a bundle; real
digests and bundles with random damage; random search queries, whoosh syntax errors included.  Each
run goes through ``archive.cli.main`` as a user's command would.  The exit code is 0 or 1 (never 3,
"unexpected error"), nothing on stderr or stdout is a traceback, and whenever the command failed the
catalog and the stored files are exactly as before.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archive.extract.sandbox as sandbox
import archive.importing as importing
from archive.cli import main
from conftest import SAMPLE

FUZZ = settings(max_examples=15, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class _SharedPool(sandbox.ExtractionPool):
    """One sandbox pool for the whole module (starting workers is the slow part); commands cannot close it."""

    def close(self) -> None:
        pass

    def really_close(self) -> None:
        super().close()


@pytest.fixture(scope="module")
def pool():
    shared = _SharedPool(1)
    yield shared
    shared.really_close()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """An archive holding the sample digest, with its index; and a bundle exported from it."""
    root = tmp_path_factory.mktemp("fuzz") / "archive"
    assert main(["--archive", str(root), "import", str(SAMPLE)]) == 0
    assert main(["--archive", str(root), "search", "Sacks"]) == 0
    bundle = root.parent / "sample.zip"
    assert main(["--archive", str(root), "export", "--all", "-o", str(bundle)]) == 0
    return root, bundle


@pytest.fixture
def root(base: tuple[Path, Path], tmp_path: Path, monkeypatch, pool) -> Path:
    monkeypatch.setattr(sandbox, "ExtractionPool", lambda *a, **k: pool)
    monkeypatch.setattr(importing, "ExtractionPool", lambda *a, **k: pool)
    copy = tmp_path / "archive"
    shutil.copytree(base[0], copy, ignore=shutil.ignore_patterns("archive.lock"))
    return copy


def fingerprint(root: Path) -> tuple:
    db = sqlite3.connect(f"file:{root / 'archive.db'}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            for row in sorted(map(repr, db.execute(f'SELECT * FROM "{table}"'))):
                digest.update(row.encode())
    finally:
        db.close()
    return digest.hexdigest(), sorted(str(p.relative_to(root)) for p in (root / "files").rglob("*") if p.is_file())


def run_cli(capsys, root: Path, *argv: str) -> tuple[int, str]:
    before = fingerprint(root)
    code = main(["--archive", str(root), *argv])
    out, err = capsys.readouterr()
    assert code in (0, 1), f"exit code {code} for {argv}: {err}"
    assert "Traceback" not in out + err and "unexpected error" not in out + err, err
    if code == 1:
        assert err.strip() or "FAILED" in out, "a failure must say why"
        if argv[0] != "import" or "FAILED" in out or not out:
            assert fingerprint(root) == before, f"a failed {argv[0]} changed the archive: {out} {err}"
    assert not list((root / "files" / ".staging").glob("*")), "a partial file was left behind"
    return code, out + err


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_a_digest(root: Path, tmp_path: Path, capsys, data: bytes) -> None:
    run_cli(capsys, root, "import", str(_write(tmp_path, "digest.txt", data)))


_SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
_NOISE = st.sampled_from(['(cite index="', '">', "</cite>", "(cite", "\x00", "\ufeff", "\u202e", "\r", "\n\n",
                          "Sources\n", "  1. [1]\n", "Cross-references", "index=\"9-99999999999\"", "é", "\udcff"])


@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, len(_SAMPLE_TEXT)), st.integers(0, 200),
                               st.one_of(_NOISE, st.text(max_size=20))), max_size=8))
def test_damaged_digests(root: Path, tmp_path: Path, capsys, cuts) -> None:
    text = _SAMPLE_TEXT
    for at, drop, insert in cuts:
        text = text[:at] + insert + text[at + drop:]
    data = text.encode("utf-8", "surrogateescape")
    run_cli(capsys, root, "import", str(_write(tmp_path, "digest.md", data)))


@settings(FUZZ, max_examples=8)
@given(data=st.one_of(st.binary(max_size=3000), st.text(max_size=500).map(lambda t: f"<html>{t}".encode())),
       as_article=st.booleans())
def test_random_bytes_as_a_web_page(root: Path, tmp_path: Path, capsys, data: bytes, as_article: bool) -> None:
    extra = ["--as", "article"] if as_article else []
    run_cli(capsys, root, "import", *extra, str(_write(tmp_path, "page.html", data)))


@settings(FUZZ, max_examples=15)
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_a_bundle(root: Path, tmp_path: Path, capsys, data: bytes) -> None:
    code, said = run_cli(capsys, root, "import", str(_write(tmp_path, "bundle.zip", data)))
    assert code == 1 and "FAILED" in said


@settings(FUZZ, max_examples=15)
@given(flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=6))
def test_damaged_bundles(root: Path, base: tuple[Path, Path], tmp_path: Path, capsys, flips) -> None:
    data = bytearray(base[1].read_bytes())
    for at, value in flips:
        data[at % len(data)] = value
    run_cli(capsys, root, "import", str(_write(tmp_path, "bundle.zip", bytes(data))))


_QUERY_TOKENS = st.sampled_from(['"', "'", "(", ")", "[", "]", "{", "}", "*", "?", "~", "~2", "^", "^3", ":", "-",
                                 "+", "!", "&&", "||", "AND", "OR", "NOT", "TO", "title:", "type:", "status:",
                                 "tag:", "source:", "category:", "date:", "date:2026", "date:[2026 TO",
                                 "date:yesterday", "Sacks", "order", "*:*", "\\", "/", "\x00", "é", "<mark>"])


@settings(FUZZ, max_examples=30)
@given(query=st.one_of(st.lists(_QUERY_TOKENS, min_size=1, max_size=8).map(" ".join),
                       st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and not t.startswith("-"))))
def test_random_queries(root: Path, capsys, query: str) -> None:
    run_cli(capsys, root, "search", "--", query)
    run_cli(capsys, root, "search", "--json", "--", query)


# Found by the fuzzer: whoosh's GtLtPlugin raised IndexError for a comparison with no field before it;
# archive.search.query.parse now turns it into a clear syntax error.
@pytest.mark.parametrize("query", ["<0", ">=3", "(<0)", "<x"])
def test_a_comparison_without_a_field_is_a_clear_error(root: Path, capsys, query: str) -> None:
    run_cli(capsys, root, "search", "--", query)


@settings(FUZZ, max_examples=20)
@given(word=st.text(min_size=1, max_size=30))
def test_random_ids_and_names(root: Path, tmp_path: Path, capsys, word: str) -> None:
    if word.startswith("-"):
        word = "x" + word
    run_cli(capsys, root, "show", word)
    run_cli(capsys, root, "verify", word)
    run_cli(capsys, root, "export", "--collection", word, "-o", str(tmp_path / "x.zip"))
