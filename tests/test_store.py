"""The archive folder: database settings, file store, single-writer lock and schema versions."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

import archive.models  # noqa: F401  (registers the tables)
from archive import schema
from archive.errors import ArchiveInUse, ArchiveNotFound, FootnoteError, SchemaTooNew, UpgradeFailed
from archive.paths import ArchiveLayout, default_archive_dir, resolve_archive_dir
from archive.store import Archive
from conftest import REPO


def test_new_archive_layout_and_database_settings(archive, archive_dir: Path) -> None:
    assert (archive_dir / "archive.db").is_file() and (archive_dir / "files").is_dir()
    with archive.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA user_version")).scalar() == schema.CURRENT_VERSION


def test_models_describe_the_schema_the_upgrade_steps_build(archive) -> None:
    with archive.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            rows = connection.execute(text(f"PRAGMA table_info('{table.name}')")).all()
            assert {row[1] for row in rows} == {c.name for c in table.columns}, table.name
            nullable = {row[1]: not row[3] and not row[5] for row in rows}
            for column in table.columns:
                if not column.primary_key:
                    assert nullable[column.name] == column.nullable, f"{table.name}.{column.name}"


def test_archive_dir_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resolve_archive_dir() == default_archive_dir()
    assert str(default_archive_dir()).startswith(str(tmp_path / "xdg-data"))
    monkeypatch.setenv("FOOTNOTE_ARCHIVE", str(tmp_path / "from-env"))
    assert resolve_archive_dir() == tmp_path / "from-env"
    assert resolve_archive_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_missing_archive_is_not_created_unless_asked(archive_dir: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="no archive at"):
        Archive.open(archive_dir)
    with pytest.raises(ArchiveNotFound):
        Archive.open(archive_dir, read_only=True)
    assert not archive_dir.exists()


def test_file_store_is_content_addressed_and_read_only(archive) -> None:
    first = archive.files.put_bytes(b"hello")
    again = archive.files.put_bytes(b"hello")
    assert first.created and not again.created and first.sha256 == again.sha256
    path = archive.files.path_for(first.sha256)
    assert path.name == first.sha256 and path.parent.name == first.sha256[:2]
    assert path.read_bytes() == b"hello"
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert not any(archive.layout.staging.iterdir())


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from archive.store import Archive
    archive = Archive.open(sys.argv[1], create=True)
    print("ready", flush=True)
    sys.stdin.read()
""")


@pytest.fixture
def lock_holder(archive_dir: Path):
    """A real second process that holds the archive open for writing."""
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(archive_dir)], cwd=REPO,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    yield process
    process.stdin.close()
    process.wait(timeout=10)


def test_second_writer_is_refused_naming_the_holder(archive_dir: Path, lock_holder) -> None:
    with pytest.raises(ArchiveInUse) as error:
        Archive.open(archive_dir, create=True)
    assert str(error.value) == f"archive is in use by another Footnote (pid {lock_holder.pid})"


def test_readers_may_open_while_a_writer_holds_the_lock(archive_dir: Path, lock_holder) -> None:
    with Archive.open(archive_dir, read_only=True) as reader:
        assert reader.read_only
        with pytest.raises(FootnoteError, match="read-only"):
            reader.require_writable()


def test_lock_is_released_on_close_and_when_the_holder_dies(archive_dir: Path) -> None:
    Archive.open(archive_dir, create=True).close()
    Archive.open(archive_dir).close()
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(archive_dir)], cwd=REPO,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    process.kill()
    process.wait(timeout=10)
    Archive.open(archive_dir).close()


def test_archive_from_a_newer_footnote_is_refused(archive_dir: Path) -> None:
    Archive.open(archive_dir, create=True).close()
    db = sqlite3.connect(archive_dir / "archive.db")
    db.execute("PRAGMA user_version = 99")
    db.close()
    for read_only in (False, True):
        with pytest.raises(SchemaTooNew) as error:
            Archive.open(archive_dir, read_only=read_only)
        assert "99" in str(error.value) and str(schema.CURRENT_VERSION) in str(error.value)


def _add_note_column(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE article ADD COLUMN note VARCHAR NOT NULL DEFAULT ''")


def _broken_step(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE half_done (x INTEGER)")
    raise sqlite3.OperationalError("simulated failure in the middle of a step")


def test_upgrade_runs_in_one_transaction_after_a_backup(archive_dir: Path, sample_path: Path) -> None:
    from archive.importing import import_paths

    with Archive.open(archive_dir, create=True) as opened:
        import_paths(opened, [sample_path])
    layout = ArchiveLayout(archive_dir)
    steps = (*schema.STEPS, schema.Step(schema.CURRENT_VERSION + 1, "notes", _add_note_column))
    old = schema.upgrade(layout.database, layout.backups, steps)
    assert old == schema.CURRENT_VERSION
    backups = list(layout.backups.glob("archive-v*.db"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    assert backup.execute("PRAGMA user_version").fetchone()[0] == schema.CURRENT_VERSION
    assert backup.execute("SELECT count(*) FROM claim").fetchone()[0] == 12
    db = sqlite3.connect(layout.database)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.CURRENT_VERSION + 1
    assert db.execute("SELECT count(*) FROM article WHERE note = ''").fetchone()[0] == 1
    assert schema.upgrade(layout.database, layout.backups, steps) is None  # nothing left to do


def test_failed_upgrade_leaves_the_archive_unchanged(archive_dir: Path) -> None:
    Archive.open(archive_dir, create=True).close()
    layout = ArchiveLayout(archive_dir)
    before = _schema_dump(layout.database)
    steps = (*schema.STEPS,
             schema.Step(schema.CURRENT_VERSION + 1, "notes", _add_note_column),
             schema.Step(schema.CURRENT_VERSION + 2, "broken", _broken_step))
    with pytest.raises(UpgradeFailed, match=f"from schema version {schema.CURRENT_VERSION}"):
        schema.upgrade(layout.database, layout.backups, steps)
    assert _schema_dump(layout.database) == before
    with Archive.open(archive_dir):
        pass


def test_read_only_open_refuses_an_archive_that_needs_an_upgrade(archive_dir: Path) -> None:
    Archive.open(archive_dir, create=True).close()
    db = sqlite3.connect(archive_dir / "archive.db")
    db.execute("PRAGMA user_version = 0")
    db.close()
    with pytest.raises(FootnoteError, match="needs an upgrade"):
        Archive.open(archive_dir, read_only=True)


def _schema_dump(database: Path) -> tuple:
    db = sqlite3.connect(database)
    try:
        return (db.execute("PRAGMA user_version").fetchone()[0],
                db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall())
    finally:
        db.close()


def test_foreign_keys_are_enforced(archive) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with archive.session() as session:
            session.execute(text("INSERT INTO claim (id, article_id, position, text, start, \"end\", status, origin, "
                                 "created_at, updated_at) VALUES ('c', 'missing', 0, 't', 0, 1, 'no_source', "
                                 "'marker', '2026-01-01', '2026-01-01')"))


def test_environment_variable_is_not_read_when_unset() -> None:
    assert "FOOTNOTE_ARCHIVE" not in os.environ


def test_a_version_1_archive_is_upgraded_keeping_its_data(archive_dir: Path, sample_path: Path) -> None:
    """An archive written by the first Footnote (schema 1) opens in this one, its claims intact."""
    from archive.digest import parse_article

    layout = ArchiveLayout(archive_dir)
    archive_dir.mkdir()
    schema.upgrade(layout.database, layout.backups, schema.STEPS[:1])
    parsed = parse_article(sample_path.read_text(encoding="utf-8"))
    db = sqlite3.connect(layout.database)
    with db:
        db.execute("INSERT INTO stored_file VALUES ('ab', 1, 'text/plain', 'x.txt', '2026-01-01 00:00:00')")
        db.execute("INSERT INTO article VALUES ('a1', 'ab', 'digest', ?, '', NULL, NULL, ?, '2026-01-01 00:00:00')",
                   (parsed.title, parsed.text))
        db.execute("INSERT INTO source_entry (article_id, number, title, publisher, cited) VALUES ('a1', 2, 'T', 'P', 1)")
        for i, claim in enumerate(parsed.claims):
            db.execute("INSERT INTO claim VALUES (?, 'a1', ?, ?, ?, ?, 'no_source', 'marker', '2026-01-01 00:00:00', "
                       "'2026-01-01 00:00:00')", (f"c{i}", i, claim.text, claim.start, claim.end))
    db.close()
    with Archive.open(archive_dir) as opened:
        from archive.queries import article_detail

        detail = article_detail(opened, "a1")
    assert len(detail["claims"]) == 12 and detail["sources"][0]["document"] is None
    assert [p.name for p in layout.backups.iterdir()][0].startswith("archive-v1-")
    assert sqlite3.connect(layout.database).execute("PRAGMA user_version").fetchone()[0] == schema.CURRENT_VERSION


def _open_files_under(folder: Path) -> list[str]:
    """The files under ``folder`` this process holds open (Linux: /proc/self/fd)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_sessions_reuse_connections_from_any_thread_and_close_releases_every_file(archive_dir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    archive = Archive.open(archive_dir, create=True)

    def count(_: int) -> int:
        with archive.session() as session:
            session.execute(text("INSERT INTO meta (key, value) VALUES (:k, 'v')"), {"k": f"k{_}"})
        with archive.read_session() as session:
            return session.execute(text("SELECT count(*) FROM meta WHERE key LIKE 'k%'")).scalar_one()

    with ThreadPoolExecutor(4) as threads:
        assert max(threads.map(count, range(40))) == 40
    assert count(40) == 41  # and from this thread, on a connection another thread used
    assert any(name.endswith("archive.db") for name in _open_files_under(archive_dir))  # kept for the next session
    archive.close()
    assert not [name for name in _open_files_under(archive_dir) if "archive.db" in name]
