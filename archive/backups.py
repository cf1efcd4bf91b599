"""Rotating backups of the catalog database: copied with SQLite's backup API, checked, then kept.

Three occasions make a backup: the first writable open of a day (``daily-…``),
a schema upgrade (``archive-v{old version}-…``) and a bundle import
(``bundle-…``, kept only when the bundle changed something).  A copy is written under a temporary name, checked with
``PRAGMA integrity_check`` and only then renamed into ``backups/``; a copy
that fails the check is deleted and an error is raised, so a damaged database
never replaces a good backup.  Old backups are pruned only after a new one was
kept: the newest :data:`KEEP_DAILY` daily ones and the newest
:data:`KEEP_EVENTS` of the others stay.

The copy is a plain SQLite file (rollback journal, no ``-wal``) that any
SQLite tool opens.  :func:`restore_newest` puts the newest good one back in
place of a damaged database, which is set aside, never deleted.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from archive import clock
from archive.errors import FootnoteError
from archive.paths import ArchiveLayout

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_EVENTS = 5
DAILY, UPGRADE, BUNDLE = "daily", "upgrade", "bundle"
_NAME = re.compile(r"^(?P<prefix>daily|bundle|archive-v(?P<version>\d+))-(?P<stamp>\d{8}T\d{6})(?:-\d+)?\.db$")
_PARTIAL = ".partial-"


class DatabaseDamaged(FootnoteError):
    """The catalog database (or a copy of it) fails SQLite's integrity check."""


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # daily | upgrade | bundle
    taken: datetime  # UTC

    def describe(self) -> str:
        local = self.taken.astimezone()
        what = {DAILY: "daily backup", UPGRADE: "backup made before a schema upgrade",
                BUNDLE: "backup made before a bundle import"}[self.kind]
        return f"the {what} of {local:%Y-%m-%d %H:%M} ({self.path.name})"


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first (files that are not backups are ignored)."""
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        prefix = match["prefix"]
        kind = DAILY if prefix == "daily" else BUNDLE if prefix == "bundle" else UPGRADE
        taken = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
        found.append(Backup(path, kind, taken))
    found.sort(key=lambda b: (b.taken, b.path.stat().st_mtime if b.path.exists() else 0, b.path.name),
               reverse=True)
    return found


def integrity_problems(db: sqlite3.Connection, limit: int = 20) -> list[str]:
    """``PRAGMA integrity_check``: an empty list when the database is sound."""
    try:
        rows = [row[0] for row in db.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()]
    except sqlite3.DatabaseError as error:  # so damaged that the check itself stops
        return [str(error)]
    return [] if rows == ["ok"] else [str(row) for row in rows]


def check_file(path: Path) -> list[str]:
    """Problems of a database file read on its own (a backup): integrity and a Footnote schema."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return [f"cannot be opened ({error})"]
    try:
        problems = integrity_problems(db)
        if not problems:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version < 1 or "stored_file" not in tables:
                problems.append("not a Footnote catalog")
        return problems
    except sqlite3.Error as error:
        return [f"unreadable ({error})"]
    finally:
        db.close()


def _unique_name(folder: Path, prefix: str, taken: datetime) -> Path:
    stem = f"{prefix}-{taken:%Y%m%dT%H%M%S}"
    path, n = folder / f"{stem}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.db"
    return path


def _fsync(path: Path, directory: bool = False) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_database(database: Path, folder: Path, kind: str, *, prefix: str | None = None,
                    connection: sqlite3.Connection | None = None, prune: bool = True) -> Backup:
    """Copy ``database`` (or the open ``connection`` to it) into ``folder``, check the copy, keep it, prune.

    Raises :class:`DatabaseDamaged` when the copy fails the integrity check (it
    is deleted: the older backups stay as they were), and whatever the copy
    raised otherwise (a full disk, for one), after removing the partial file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    taken = clock.now()
    partial = folder / f"{_PARTIAL}{uuid.uuid4().hex[:12]}.db"
    source = connection or sqlite3.connect(database)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # a standalone file: no -wal beside it
            problems = integrity_problems(copy)
        finally:
            copy.close()
        if problems:
            raise DatabaseDamaged(f"the archive database is damaged ({problems[0]}); "
                                  f"the backup was not kept")
        _fsync(partial)
        target = _unique_name(folder, prefix or kind, taken)
        os.replace(partial, target)
        _fsync(folder, directory=True)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        if connection is None:
            source.close()
    if prune:
        _prune(folder)
    log.info("backup %s kept", target.name)
    return Backup(target, kind, taken)


def _prune(folder: Path) -> list[Path]:
    """Delete all but the newest daily and event backups; returns what went."""
    backups = list_backups(folder)
    daily = [b for b in backups if b.kind == DAILY]
    events = [b for b in backups if b.kind != DAILY]
    gone = []
    for backup in daily[KEEP_DAILY:] + events[KEEP_EVENTS:]:
        try:
            backup.path.unlink()
            gone.append(backup.path)
        except OSError:
            log.warning("could not delete old backup %s", backup.path)
    return gone


def remove_partials(folder: Path) -> int:
    """Delete copies a killed process left half-written (call with the write lock held)."""
    count = 0
    try:
        entries = list(folder.glob(f"{_PARTIAL}*"))
    except OSError:
        return 0
    for path in entries:
        try:
            path.unlink()
            count += 1
        except OSError:
            pass
    return count


def _has_content(database: Path) -> bool:
    db = sqlite3.connect(database)
    try:
        return db.execute("SELECT EXISTS (SELECT 1 FROM stored_file)").fetchone()[0] == 1
    except sqlite3.OperationalError:  # no catalog yet
        return False
    finally:
        db.close()


def taken_today(layout: ArchiveLayout) -> bool:
    """A backup of any kind was taken today (UTC): a look at the folder, not at the database."""
    today = clock.now().date()
    return any(b.taken.date() == today for b in list_backups(layout.backups))


def daily_due(layout: ArchiveLayout) -> bool:
    """No backup of any kind was taken today (UTC), and there is something to back up."""
    return not taken_today(layout) and _has_content(layout.database)


def take_daily(layout: ArchiveLayout) -> Backup | None:
    """Today's backup, when due (called at a writable open)."""
    if not daily_due(layout):
        return None
    return backup_database(layout.database, layout.backups, DAILY)


@contextmanager
def around_bundle_merge(layout: ArchiveLayout) -> Iterator[Callable[[object], None]]:
    """A backup before a bundle is merged in, kept only if the merge changed something.

    Use around the merge transaction; call the function it gives with whether
    anything changed.  A merge that fails or changes nothing leaves no backup
    behind (and prunes none): the archive is then exactly as it was.  An empty
    archive gets none.
    """
    changed: list[bool] = []
    backup = backup_database(layout.database, layout.backups, BUNDLE, prune=False) \
        if _has_content(layout.database) else None
    try:
        yield lambda anything: changed.append(bool(anything))
    except BaseException:
        if backup is not None:
            backup.path.unlink(missing_ok=True)
        raise
    if backup is not None:
        if any(changed):
            _prune(layout.backups)
        else:
            backup.path.unlink(missing_ok=True)


def newest_good(layout: ArchiveLayout) -> tuple[Backup | None, list[str]]:
    """The newest backup that passes the integrity check, and what was wrong with newer ones."""
    skipped = []
    for backup in list_backups(layout.backups):
        problems = check_file(backup.path)
        if not problems:
            return backup, skipped
        skipped.append(f"{backup.path.name}: {problems[0]}")
    return None, skipped


def _aside_name(layout: ArchiveLayout, label: str = "damaged") -> Path:
    stamp = f"{clock.now():%Y%m%dT%H%M%S}"
    target = layout.database.with_name(f"{layout.database.name}.{label}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = layout.database.with_name(f"{layout.database.name}.{label}-{stamp}-{n}")
    return target


def restore_newest(layout: ArchiveLayout, reason: str) -> str:
    """Set the damaged database aside and put the newest good backup in its place; returns what was done.

    Raises :class:`DatabaseDamaged` (leaving everything as it was) when no good backup exists.
    """
    backup, skipped = newest_good(layout)
    if backup is None:
        more = f" ({'; '.join(skipped[:3])})" if skipped else ""
        raise DatabaseDamaged(
            f"the archive database at {layout.database} is damaged ({reason}) and there is no good backup "
            f"in {layout.backups}{more}: it was left as it is; copy the archive folder somewhere safe "
            f"before trying anything else")
    # In an order that a crash at any point leaves an ``archive.db`` to open (and check again):
    # the copy is complete before anything moves; the damaged file's -wal goes first, so it is
    # never replayed into the restored one; the damaged file is linked aside, then replaced.
    restoring = layout.database.with_name(layout.database.name + ".restoring")
    shutil.copyfile(backup.path, restoring)
    _fsync(restoring)
    aside = _aside_name(layout)
    for suffix in ("-wal", "-shm"):
        companion = layout.database.with_name(layout.database.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    try:
        os.link(layout.database, aside)
    except OSError:  # a file system without hard links
        shutil.copy2(layout.database, aside)
    os.replace(restoring, layout.database)
    _fsync(layout.root, directory=True)
    message = (f"the archive database was damaged ({reason}); it was set aside as {aside.name} and "
               f"{backup.describe()} was restored: changes made after that are not in the archive")
    log.info(message)
    return message
