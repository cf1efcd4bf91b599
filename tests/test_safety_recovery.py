"""Backups, crash recovery, a damaged database, and ``footnote check [--repair]``."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from archive import backups, clock, recovery
from archive.check import check_archive, index_consistency
from archive.cli import main
from archive.importing import import_paths
from archive.paths import ArchiveLayout
from archive.store import Archive
from kill_helpers import digest_variants

DAY1 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def at():
    """Set the archive's clock: ``at(datetime)``; restored afterwards."""
    yield lambda moment: clock.set_clock(lambda: moment)
    clock.set_clock(None)


@pytest.fixture
def digests(tmp_path: Path) -> list[Path]:
    return digest_variants(tmp_path / "digests", 4)


def _crash(archive: Archive) -> None:
    """Stop using an open archive the way a killed process does: no clean close (the marker stays)."""
    archive.engine.dispose()
    archive._lock.release()


def _damage(database: Path, first_page: int = 2, pages: int = 3) -> None:
    """Overwrite some pages in the middle of the file with garbage."""
    size = database.stat().st_size
    page = 4096
    assert size > (first_page + pages) * page, "the database is too small to damage in the middle"
    with open(database, "r+b") as handle:
        handle.seek(first_page * page)
        handle.write(b"\xa5" * page * pages)


def _checkpoint(database: Path) -> None:
    db = sqlite3.connect(database)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


# --- backups ---------------------------------------------------------------------------------------


def test_a_daily_backup_is_taken_checked_and_rotated(archive_dir: Path, digests: list[Path], at) -> None:
    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:1])
    layout = ArchiveLayout(archive_dir)
    assert backups.list_backups(layout.backups) == []  # the first open had nothing to back up
    for day in range(10):
        at(DAY1 + timedelta(days=day, hours=1))
        Archive.open(archive_dir).close()
        Archive.open(archive_dir).close()  # a second open the same day makes no second backup
    kept = backups.list_backups(layout.backups)
    assert [b.kind for b in kept] == ["daily"] * backups.KEEP_DAILY
    assert kept[0].taken.date() == (DAY1 + timedelta(days=9)).date()
    for backup in kept:
        assert backups.check_file(backup.path) == []
        db = sqlite3.connect(backup.path)
        assert db.execute("SELECT count(*) FROM article").fetchone()[0] == 1
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        db.close()
    assert not list(layout.backups.glob(".partial-*"))


def _made_on_day_one(archive_dir: Path, digests: list[Path], at) -> ArchiveLayout:
    """An archive made on DAY1 from ``digests``."""
    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests)
    return ArchiveLayout(archive_dir)


def test_the_daily_backup_can_be_left_for_later_and_taken_once_the_archive_is_open(
        archive_dir: Path, digests: list[Path], at) -> None:
    layout = _made_on_day_one(archive_dir, digests[:1], at)
    at(DAY1 + timedelta(days=1))
    with Archive.open(archive_dir, daily_backup=False) as archive:
        assert backups.list_backups(layout.backups) == []  # the open took none (the desktop's way)
        assert recovery.take_daily_backup(archive) is None
        [taken] = backups.list_backups(layout.backups)
        assert taken.kind == "daily" and backups.check_file(taken.path) == []
        assert recovery.take_daily_backup(archive) is None  # not due again the same day
        assert len(backups.list_backups(layout.backups)) == 1
    assert not (layout.root / recovery.MARKER).exists()  # closed cleanly
    with Archive.open(archive_dir, read_only=True) as archive:
        assert recovery.take_daily_backup(archive) is None  # read-only: nothing to take


def test_damage_found_by_a_later_daily_backup_is_repaired_at_the_next_open(
        archive_dir: Path, digests: list[Path], at) -> None:
    layout = _made_on_day_one(archive_dir, digests[:2], at)
    at(DAY1 + timedelta(days=1))
    Archive.open(archive_dir).close()  # day 2: a good daily backup
    at(DAY1 + timedelta(days=2))
    with Archive.open(archive_dir, daily_backup=False) as archive:
        archive.engine.dispose()
        _checkpoint(layout.database)
        _damage(layout.database)
        notice = recovery.take_daily_backup(archive)
        assert notice is not None and "damaged" in notice and "open the archive again" in notice
    assert (layout.root / recovery.MARKER).exists()  # left as if not closed cleanly: the next open checks
    assert [b.taken.date() for b in backups.list_backups(layout.backups)] == [(DAY1 + timedelta(days=1)).date()]
    with Archive.open(archive_dir) as archive:
        assert any("restored" in n for n in archive.notices), archive.notices
        assert check_archive(archive, fixity=False).database == "ok"


def test_a_damaged_database_is_never_rotated_into_the_backups(archive_dir: Path, digests: list[Path], at) -> None:
    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests)
    layout = ArchiveLayout(archive_dir)
    for n in range(backups.KEEP_EVENTS):
        at(DAY1 + timedelta(minutes=n))
        backups.backup_database(layout.database, layout.backups, backups.BUNDLE)
    good = sorted(p.name for p in layout.backups.iterdir())
    _checkpoint(layout.database)
    _damage(layout.database)
    at(DAY1 + timedelta(hours=1))
    with pytest.raises(backups.DatabaseDamaged, match="damaged"):
        backups.backup_database(layout.database, layout.backups, backups.BUNDLE)
    assert sorted(p.name for p in layout.backups.iterdir()) == good  # nothing rotated out, nothing partial


def test_event_backups_are_rotated(archive_dir: Path, digests: list[Path], at) -> None:
    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:1])
    layout = ArchiveLayout(archive_dir)
    for n in range(backups.KEEP_EVENTS + 3):
        at(DAY1 + timedelta(minutes=n))
        backups.backup_database(layout.database, layout.backups, backups.BUNDLE)
    kept = backups.list_backups(layout.backups)
    assert [b.kind for b in kept] == ["bundle"] * backups.KEEP_EVENTS
    assert kept[0].taken == DAY1 + timedelta(minutes=backups.KEEP_EVENTS + 2)


def test_a_bundle_import_that_changes_something_keeps_a_backup_of_before(archive_dir: Path, digests: list[Path],
                                                                         tmp_path: Path, at) -> None:
    from archive.bundles.export import export_bundle
    from archive.bundles.merge import import_bundle

    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:2])
        bundle = export_bundle(archive, tmp_path / "b.zip", everything=True).path
    other = tmp_path / "other"
    with Archive.open(other, create=True) as archive:
        import_bundle(archive, bundle)  # an empty archive: nothing to back up
        assert backups.list_backups(archive.layout.backups) == []
        import_paths(archive, digests[2:3])
    at(DAY1 + timedelta(minutes=5))
    with Archive.open(tmp_path / "third", create=True) as archive:
        import_paths(archive, digests[3:4])
        import_bundle(archive, bundle)
        import_bundle(archive, bundle)  # again: nothing changes, so no second backup
        [kept] = backups.list_backups(archive.layout.backups)
    assert kept.kind == "bundle" and backups.check_file(kept.path) == []
    db = sqlite3.connect(kept.path)
    assert db.execute("SELECT count(*) FROM article").fetchone()[0] == 1  # the archive before the bundle
    db.close()


# --- crash recovery ----------------------------------------------------------------------------------


def test_after_an_unclean_shutdown_leftovers_and_orphans_are_removed(archive_dir: Path, digests: list[Path]) -> None:
    archive = Archive.open(archive_dir, create=True)
    import_paths(archive, digests[:2])
    layout = archive.layout
    kept = sorted(p for p in layout.files.rglob("*") if p.is_file())
    orphan = archive.files.put_bytes(b"stored, then killed before the catalog transaction committed")
    (layout.staging / "tmpabc").write_bytes(b"half a file")
    (layout.root / ".bundle-x1").mkdir()
    (layout.root / ".bundle-x1" / "bag").write_text("unpacked")
    (layout.root / "index.new-1234abcd").mkdir()
    (layout.backups).mkdir(exist_ok=True)
    (layout.backups / ".partial-abc.db").write_bytes(b"half a copy")
    _crash(archive)
    assert (layout.root / recovery.MARKER).exists()
    with Archive.open(archive_dir) as reopened:
        assert any("not closed cleanly" in n and "5 unfinished" in n for n in reopened.notices), reopened.notices
        assert not archive.files.contains(orphan.sha256)
        assert sorted(p for p in layout.files.rglob("*") if p.is_file()) == kept
        assert recovery.leftovers(layout) == []
        assert check_archive(reopened).ok
    assert not (layout.root / recovery.MARKER).exists()  # a clean close


def test_a_clean_close_leaves_no_marker_and_the_next_open_checks_nothing(archive_dir: Path, monkeypatch) -> None:
    Archive.open(archive_dir, create=True).close()
    monkeypatch.setattr(recovery, "database_problems", lambda *_: pytest.fail("checked after a clean close"))
    with Archive.open(archive_dir) as archive:
        assert archive.notices == []


def test_an_index_the_catalog_outran_is_rebuilt_after_a_crash(archive_dir: Path, digests: list[Path]) -> None:
    archive = Archive.open(archive_dir, create=True)
    import_paths(archive, digests[:2])
    archive.search_index.close()
    with archive.session() as session:  # committed, then killed before the index was updated
        session.execute(text("UPDATE claim SET user_status = 'disputed' WHERE position = 0"))
    _crash(archive)
    with Archive.open(archive_dir) as reopened:
        assert any("search index did not match" in n and "out of date" in n for n in reopened.notices)
        assert not reopened.search_index.state().ok
        reopened.search_index.ensure(reopened)
        assert index_consistency(reopened) == []
        assert check_archive(reopened).ok


def test_a_damaged_database_is_set_aside_and_the_newest_good_backup_restored(
        archive_dir: Path, digests: list[Path], at) -> None:
    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:2])
    at(DAY1 + timedelta(days=1))
    with Archive.open(archive_dir) as archive:  # day 2: backup of the two articles
        later = import_paths(archive, digests[2:3]).results[0].article_id
    layout = ArchiveLayout(archive_dir)
    third_file = sorted(layout.files.rglob("*"))
    _checkpoint(layout.database)
    damaged = layout.database.read_bytes()[:1024 * 1024]
    _damage(layout.database)
    (layout.root / recovery.MARKER).touch()  # and it crashed
    at(DAY1 + timedelta(days=1, hours=2))
    with Archive.open(archive_dir) as archive:
        restored = [n for n in archive.notices if "restored" in n]
        assert restored and "set aside as archive.db.damaged-" in restored[0], archive.notices
        assert "daily backup of" in restored[0]
        assert any("were moved to" in n and "recovered-files-" in n for n in archive.notices)
        with archive.session() as session:
            assert session.execute(text("SELECT count(*) FROM article")).scalar() == 2
            assert session.execute(text("SELECT count(*) FROM article WHERE id = :i"), {"i": later}).scalar() == 0
        archive.search_index.ensure(archive)
        assert check_archive(archive).ok
    aside = list(archive_dir.glob("archive.db.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes()[:1024 * 1024] != b"" and len(third_file) > 0
    assert aside[0].read_bytes()[:4096] == damaged[:4096]  # kept as it was
    assert len(list(archive_dir.glob("recovered-files-*/*"))) == 1


def test_a_file_that_is_not_a_database_any_more_is_restored_at_a_clean_open(archive_dir: Path, digests: list[Path],
                                                                            at) -> None:
    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:1])
    at(DAY1 + timedelta(days=1))
    Archive.open(archive_dir).close()  # the daily backup
    layout = ArchiveLayout(archive_dir)
    layout.database.write_bytes(b"\x00garbage" * 5000)
    with Archive.open(archive_dir) as archive:
        assert any("restored" in n for n in archive.notices)
        assert check_archive(archive, fixity=False).database == "ok"


def test_without_a_good_backup_the_damaged_database_is_left_alone(archive_dir: Path, digests: list[Path]) -> None:
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:2])
    layout = ArchiveLayout(archive_dir)
    _checkpoint(layout.database)
    _damage(layout.database)
    (layout.root / recovery.MARKER).touch()
    before = layout.database.read_bytes()
    with pytest.raises(backups.DatabaseDamaged, match="no good backup.*left as it is"):
        Archive.open(archive_dir)
    assert layout.database.read_bytes() == before
    assert not list(archive_dir.glob("archive.db.damaged-*"))


def test_damaged_sqlite_indexes_are_rebuilt_without_losing_data(archive_dir: Path, digests: list[Path]) -> None:
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:1])
    layout = ArchiveLayout(archive_dir)
    db = sqlite3.connect(layout.database)
    entry = db.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master "
                       "WHERE name = 'ix_claim_article_id'").fetchone()
    db.execute("PRAGMA writable_schema = ON")
    db.execute("DELETE FROM sqlite_master WHERE name = 'ix_claim_article_id'")  # SQLite forgets the index ...
    db.commit()
    db.close()
    db = sqlite3.connect(layout.database)
    db.execute("UPDATE claim SET article_id = article_id")  # (no change to the index)
    db.execute("DELETE FROM claim WHERE position = 11")  # ... so this row stays in it
    db.execute("PRAGMA writable_schema = ON")
    db.execute("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", entry)
    db.commit()
    db.close()
    assert recovery.database_problems(layout.database), "the test did not damage the index"
    (layout.root / recovery.MARKER).touch()
    with Archive.open(archive_dir) as archive:
        assert any("indexes" in n and "no data was lost" in n for n in archive.notices), archive.notices
        with archive.session() as session:
            assert session.execute(text("SELECT count(*) FROM claim")).scalar() == 11
    assert recovery.database_problems(layout.database) == []


def test_a_read_only_open_of_a_damaged_database_says_how_to_restore(archive_dir: Path, digests: list[Path]) -> None:
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:1])
    ArchiveLayout(archive_dir).database.write_bytes(b"not a database at all" * 300)
    with pytest.raises(backups.DatabaseDamaged, match="check --repair"):
        Archive.open(archive_dir, read_only=True)


# --- footnote check -----------------------------------------------------------------------------------


def test_check_finds_every_kind_of_problem_and_repair_fixes_them(archive_dir: Path, digests: list[Path],
                                                                 tmp_path: Path, capsys) -> None:
    with Archive.open(archive_dir, create=True) as archive:
        results = import_paths(archive, digests).results
        shas = [archive.files.path_for(r.article_id and _sha(archive, r.article_id)) for r in results]
    layout = ArchiveLayout(archive_dir)
    assert main(["--archive", str(archive_dir), "check"]) == 0
    assert "the archive is sound" in capsys.readouterr().out
    # missing: the user has a copy elsewhere
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(digests[0], elsewhere / "original.txt")
    _force_unlink(shas[0])
    # damaged: bit rot; a good copy sits in the wrong place inside files/
    good = shas[1].read_bytes()
    os.chmod(shas[1], 0o644)
    shas[1].write_bytes(good[:-10] + b"0123456789")
    (layout.files / "misplaced-copy").write_bytes(good)
    # moved: a stored file in the wrong fan-out folder
    wrong = layout.files / "zz" / shas[2].name
    wrong.parent.mkdir()
    os.replace(shas[2], wrong)
    # an orphan, a stray file and a leftover
    (layout.files / "ab").mkdir(exist_ok=True)
    (layout.files / "ab" / ("ab" + "0" * 62)).write_bytes(b"orphan")
    (layout.files / "notes.txt").write_text("someone put this here")
    layout.staging.mkdir(exist_ok=True)
    (layout.staging / "tmp123").write_bytes(b"half")
    # a stale index
    db = sqlite3.connect(layout.database)
    db.execute("UPDATE claim SET status = 'verified' WHERE position < 3")
    db.commit()
    db.close()

    assert main(["--archive", str(archive_dir), "check"]) == 1
    out = capsys.readouterr().out
    for expected in ("is missing", "is damaged", "belong to nothing", "were not put there", "interrupted operations",
                     "does not match the catalog", "footnote check --repair"):
        assert expected in out, (expected, out)
    assert main(["--archive", str(archive_dir), "check", "--repair", "--search", str(elsewhere)]) == 0
    out = capsys.readouterr().out
    assert "re-linked from" in out and "rebuilt the search index" in out and "all 7 problem(s) repaired" in out, out
    assert main(["--archive", str(archive_dir), "check"]) == 0
    assert "the archive is sound" in capsys.readouterr().out
    assert list(archive_dir.glob("damaged-files-*/*")), "the damaged file was not kept"
    assert [p.name for p in archive_dir.glob("recovered-files-*/*")] == ["notes.txt"]


def test_check_repair_restores_a_damaged_database(archive_dir: Path, digests: list[Path], at, capsys) -> None:
    at(DAY1)
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:2])
    at(DAY1 + timedelta(days=1))
    Archive.open(archive_dir).close()
    layout = ArchiveLayout(archive_dir)
    _checkpoint(layout.database)
    _damage(layout.database)
    assert main(["--archive", str(archive_dir), "check"]) == 1
    assert "integrity check failed" in capsys.readouterr().out
    assert main(["--archive", str(archive_dir), "check", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "set aside as archive.db.damaged-" in out and "was restored" in out, out
    assert main(["--archive", str(archive_dir), "articles"]) == 0


def test_a_repair_in_an_open_archive_reads_the_restored_database_afterwards(archive_dir: Path, digests: list[Path],
                                                                           at) -> None:
    layout = _made_on_day_one(archive_dir, digests[:2], at)
    at(DAY1 + timedelta(days=1))
    Archive.open(archive_dir).close()  # the daily backup, of two articles
    with Archive.open(archive_dir) as archive:
        with archive.session() as session:  # leaves a connection in the pool, open on the file
            session.execute(text("DELETE FROM article WHERE id = (SELECT min(id) FROM article)"))
        _checkpoint(layout.database)
        _damage(layout.database)
        report = check_archive(archive, repair=True, fixity=False)
        assert report.database == "ok (restored from a backup)", report.lines()
        with archive.session() as session:
            assert session.execute(text("SELECT count(*) FROM article")).scalar() == 2  # the backup's, not the old file's


def test_check_reports_fixity_throughput_and_json(archive_dir: Path, digests: list[Path], capsys) -> None:
    import json

    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests)
        report = check_archive(archive)
    assert report.ok and report.files == 4 and report.hashed_bytes == sum(p.stat().st_size for p in digests)
    assert report.throughput_mb_s > 0
    assert main(["--archive", str(archive_dir), "check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["files"] == 4 and data["problems"] == []


def test_check_runs_read_only_while_another_footnote_writes(archive_dir: Path, digests: list[Path], capsys) -> None:
    with Archive.open(archive_dir, create=True) as archive:
        import_paths(archive, digests[:1])
        assert main(["--archive", str(archive_dir), "check"]) == 0
        captured = capsys.readouterr()
        assert "checking read-only" in captured.err and "the archive is sound" in captured.out
        assert main(["--archive", str(archive_dir), "check", "--repair"]) == 1
        assert "in use by another Footnote" in capsys.readouterr().err


def _sha(archive: Archive, article_id: str) -> str:
    with archive.session() as session:
        return session.execute(text("SELECT file_sha256 FROM article WHERE id = :i"), {"i": article_id}).scalar()


def _force_unlink(path: Path) -> None:
    os.chmod(path, 0o644)
    path.unlink()


@pytest.mark.parametrize("damage", ["garbled", "truncated", "deleted"])
def test_a_damaged_index_is_moved_aside_and_rebuilt_at_the_first_search(archive_dir: Path, digests: list[Path],
                                                                         capsys, damage: str) -> None:
    assert main(["--archive", str(archive_dir), "import", *map(str, digests[:2])]) == 0
    capsys.readouterr()
    assert main(["--archive", str(archive_dir), "search", "Sacks"]) == 0
    expected = capsys.readouterr().out.splitlines()[0]
    index = ArchiveLayout(archive_dir).index
    if damage == "deleted":
        shutil.rmtree(index)
    for path in index.glob("*.toc" if damage == "garbled" else "*.seg"):
        path.write_bytes(b"\x80\x04garbage" * 10 if damage == "garbled" else path.read_bytes()[:50])
    assert main(["--archive", str(archive_dir), "search", "Sacks"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == expected and "building the search index" in err
    assert bool(list(archive_dir.glob("index.aside-*"))) == (damage != "deleted")
    with Archive.open(archive_dir) as archive:
        assert archive.search_index.state().ok and index_consistency(archive) == []
