"""A full disk and a read-only archive, on real file systems: a small tmpfs and a read-only bind mount.

Disk full: import, export and an index rebuild each fail with one line that says "disk full", leave
the catalog and the stored files exactly as they were, and leave no partial file.  Read-only: the
archive opens for reading (listing, showing, searching, checking work) and every change is refused
with one clear line.  Both need to mount file systems (root, as in CI); without that they are skipped
with the reason.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from archive.cli import main
from archive.recovery import ArchiveReadOnly
from archive.store import Archive
from conftest import SAMPLE
from kill_helpers import digest_variants

DISK_MB = 4


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


def _unmount(folder: Path) -> None:
    if subprocess.run(["umount", str(folder)], capture_output=True).returncode:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _try_mount(*args: str) -> None:
    try:
        _mount(*args)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        pytest.skip(f"cannot mount here ({detail.strip()[:120]}): these tests need root (CAP_SYS_ADMIN)")


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 4 MB tmpfs: a real file system that runs out of space."""
    folder = tmp_path / "disk"
    folder.mkdir()
    _try_mount("-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _unmount(folder)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` to the last byte, then free about ``leave`` bytes."""
    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    with open(filler, "wb", buffering=0) as handle:
        chunk = b"\xff" * 65536
        try:
            while handle.write(chunk):
                pass
        except OSError as error:
            assert error.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def _fingerprint(root: Path) -> tuple:
    """The catalog's rows and the stored files: what must not change when an operation fails."""
    db = sqlite3.connect(f"file:{root / 'archive.db'}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            for row in sorted(map(repr, db.execute(f'SELECT * FROM "{table}"'))):
                digest.update(row.encode())
    finally:
        db.close()
    files = sorted(str(p.relative_to(root)) for p in (root / "files").rglob("*") if p.is_file())
    return digest.hexdigest(), files


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    return "\n".join(lines)


def test_import_on_a_full_disk_says_disk_full_and_changes_nothing(small_disk: Path, tmp_path: Path, capsys) -> None:
    root = small_disk / "archive"
    assert main(["--archive", str(root), "import", str(SAMPLE)]) == 0
    big = digest_variants(tmp_path / "in", 1, padding=30_000)[0]  # about 400 KB of text, 12 claims
    capsys.readouterr()
    outcomes = []
    for leave in (0, 96 * 1024, 300 * 1024, 600 * 1024, 900 * 1024):
        before = _fingerprint(root)
        filler = _fill(small_disk, leave)
        code = main(["--archive", str(root), "import", str(big)])
        out, err = capsys.readouterr()
        filler.unlink()  # (reading the catalog needs a little room too)
        assert "Traceback" not in out + err and "unexpected error" not in out + err
        if code == 0:
            outcomes.append("imported")
            break
        assert "disk full" in _one_line(err), (leave, out, err)
        if out:  # the archive opened, the import itself ran out of space and was rolled back
            assert "FAILED" in out and "disk full: not imported" in out
        outcomes.append("rolled back" if out else "refused at opening")
        assert _fingerprint(root) == before, f"a failed import changed the archive (free: {leave})"
        assert not any((root / "files" / ".staging").glob("*")), "a partial file was left in staging"
    print(outcomes)
    assert "rolled back" in outcomes, outcomes
    assert main(["--archive", str(root), "check"]) == 0, capsys.readouterr()


def test_export_to_a_full_disk_says_disk_full_and_leaves_no_partial_bundle(small_disk: Path, tmp_path: Path,
                                                                            capsys) -> None:
    root = tmp_path / "archive"
    inputs = digest_variants(tmp_path / "in", 2, padding=8_000)  # a bundle of about 250 KB
    assert main(["--archive", str(root), "import", *map(str, inputs)]) == 0
    _fill(small_disk, 32 * 1024)
    capsys.readouterr()
    target = small_disk / "out" / "bundle.zip"
    assert main(["--archive", str(root), "export", "--all", "-o", str(target)]) == 1
    _, err = capsys.readouterr()
    assert _one_line(err).startswith("footnote: disk full:"), err
    assert sorted(p.name for p in small_disk.rglob("*")) == ["filler", "out"], "export left files behind"


def test_index_rebuild_on_a_full_disk_keeps_the_old_index(small_disk: Path, tmp_path: Path, capsys) -> None:
    root = small_disk / "archive"
    inputs = digest_variants(tmp_path / "in", 2, padding=2_000)
    assert main(["--archive", str(root), "import", *map(str, inputs)]) == 0
    assert main(["--archive", str(root), "search", "filler1"]) == 0
    capsys.readouterr()
    before = _fingerprint(root)
    filler = _fill(small_disk, 16 * 1024)
    assert main(["--archive", str(root), "reindex"]) == 1
    _, err = capsys.readouterr()
    filler.unlink()
    assert "disk full" in _one_line(err), err
    assert not list(root.glob("index.new-*")), "the half-built index was left behind"
    assert _fingerprint(root) == before
    with Archive.open(root, read_only=True) as archive:
        assert archive.search_index.state().ok
    assert main(["--archive", str(root), "search", "filler1"]) == 0
    assert "hit" in capsys.readouterr().out


# --- read-only ------------------------------------------------------------------------------------


@pytest.fixture
def read_only_archive(tmp_path: Path, capsys):
    """An archive with one article and a built index, seen through a read-only bind mount."""
    source = tmp_path / "source"
    assert main(["--archive", str(source), "import", str(SAMPLE)]) == 0
    assert main(["--archive", str(source), "search", "Sacks"]) == 0
    capsys.readouterr()
    view = tmp_path / "view"
    view.mkdir()
    _try_mount("--bind", str(source), str(view))
    try:
        try:
            _mount("-o", "remount,bind,ro", str(view))
        except subprocess.CalledProcessError as error:
            pytest.skip(f"cannot remount read-only here ({error.stderr.strip()[:120]})")
        yield view
    finally:
        _unmount(view)


def test_a_read_only_archive_opens_for_reading_and_refuses_changes(read_only_archive: Path) -> None:
    with pytest.raises(ArchiveReadOnly, match="read-only \\(it is on a read-only disk\\): it can be opened for "
                                              "reading, but nothing in it can be changed"):
        Archive.open(read_only_archive)
    from archive.importing import import_paths
    from archive.queries import list_articles
    from archive.search.query import search

    with Archive.open(read_only_archive, read_only=True) as archive:
        assert [a["claims"] for a in list_articles(archive)] == [12]
        with archive.session() as session:
            assert search(archive.search_index, session, "Sacks").total > 0
        with pytest.raises(ArchiveReadOnly, match="read-only disk"):
            import_paths(archive, [SAMPLE])


def test_the_command_line_on_a_read_only_archive(read_only_archive: Path, tmp_path: Path, capsys) -> None:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--archive", str(read_only_archive), *argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err and "unexpected error" not in err
        return code, out, err

    assert run("articles")[0] == 0
    code, out, _ = run("search", "Sacks")
    assert code == 0 and "hit" in out
    code, out, err = run("check")
    assert code == 0 and "the archive is sound" in out and "checking read-only" in err
    for argv in (["import", str(SAMPLE)], ["reindex"], ["check", "--repair"], ["settings", "user", "me"]):
        code, _, err = run(*argv)
        assert code == 1 and "is read-only (it is on a read-only disk)" in _one_line(err), (argv, err)
    code, _, err = run("export", "--all", "-o", str(tmp_path / "out.zip"))
    assert code == 0, err  # reading is all an export needs
