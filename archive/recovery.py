"""Opening an archive safely: after a crash, on a damaged database, on a full or read-only disk.

A writable open leaves a marker file, ``archive.open``, that a clean close
removes.  Finding it at the next writable open means the last writer died
(killed, crashed, power cut): the database gets an integrity check, what a
half-finished operation left behind is removed (files stored for a catalog
write that never committed, staging folders, a half-built index, a half-written
backup), and the search index is compared with the catalog and rebuilt on
next use if it differs.  A database that fails the check, or that SQLite
cannot read at all, is set aside (kept, never deleted) and the newest good
backup is restored; files added after that backup are moved to a
``recovered-files-…`` folder, not deleted.  Each of these steps is reported
as a notice: :attr:`Archive.notices`, the log, and any registered listener
(the command line prints them).

Also here: the one-line errors for a full disk and a read-only archive, and
the test for whether an exception means "disk full".
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from archive import backups, clock
from archive.errors import FootnoteError
from archive.paths import ArchiveLayout

if TYPE_CHECKING:
    from archive.store import Archive

log = logging.getLogger(__name__)

MARKER = "archive.open"
RECOVERED_PREFIX = "recovered-files-"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 11, 13, 26

listeners: list[Callable[[str], None]] = []  # called with every notice (the command line prints them)


class ArchiveReadOnly(FootnoteError):
    """The archive's folder or disk cannot be written: it can only be read."""


class DiskFull(FootnoteError):
    """An operation ran out of disk space; what it had written was removed."""


# --- errors --------------------------------------------------------------------------------


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """The exception, what it wraps (SQLAlchemy's ``orig``), its cause and context, recursively."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException):
            stack.append(orig)
        stack.extend([current.__cause__, current.__context__])


def is_disk_full(error: BaseException | None) -> bool:
    """Does this exception (or one it wraps) mean "disk full"?"""
    for current in _chain(error):
        if isinstance(current, DiskFull):
            return True
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(current, sqlite3.Error) and (
                getattr(current, "sqlite_errorcode", None) == _SQLITE_FULL
                or "database or disk is full" in str(current)):
            return True
    return False


def is_damage_error(error: BaseException | None) -> bool:
    """Does this exception (or one it wraps) say the database file is damaged?"""
    return any(isinstance(current, sqlite3.DatabaseError) and is_damage(current) for current in _chain(error))


def is_disk_io_error(error: BaseException | None) -> bool:
    """SQLite's "disk I/O error": what it says when its shared-memory file cannot grow on a full disk."""
    return any(isinstance(current, sqlite3.OperationalError) and "disk I/O error" in str(current)
               for current in _chain(error))


def low_on_space(folder: Path, below: int = 1 << 20) -> bool:
    """Less than ``below`` bytes free on the disk holding ``folder``."""
    try:
        stats = os.statvfs(_existing_parent(folder))
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < below


def means_disk_full(error: BaseException | None, where: Path | None = None) -> bool:
    """Disk full, said outright, or as SQLite's "disk I/O error" when the disk holding ``where`` is (nearly) full."""
    return is_disk_full(error) or (where is not None and is_disk_io_error(error) and low_on_space(where))


def disk_full_message(error: BaseException | None = None, where: Path | None = None) -> str:
    """``disk full: …`` in one line, naming the folder when it is known."""
    return f"disk full: no space left{_on_disk(error, where)}; what was being written was removed: " \
           "free some space and try again"


def disk_full_import_message(error: BaseException | None = None, where: Path | None = None) -> str:
    """What an import says of a file it could not import for lack of space (``disk full: not imported, …``)."""
    return f"disk full: not imported, nothing of it was kept (no space left{_on_disk(error, where)}): " \
           "free some space and try again"


def _on_disk(error: BaseException | None, where: Path | None) -> str:
    filename = getattr(error, "filename", None) if isinstance(error, OSError) else None
    place = Path(filename).parent if filename else where
    return f" on the disk holding {place}" if place else ""


def is_damage(error: BaseException) -> bool:
    """SQLite says the file is corrupt or not a database at all."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(error)
    return "malformed" in text or "file is not a database" in text


def read_only_reason(layout: ArchiveLayout) -> str | None:
    """Why this archive cannot be written, or ``None`` when it can."""
    folder = layout.root if layout.root.exists() else _existing_parent(layout.root)
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only disk"
    except OSError:
        pass
    if not os.access(folder, os.W_OK):
        return "its folder is not writable"
    if layout.database.exists() and not os.access(layout.database, os.W_OK):
        return "its database file is not writable"
    return None


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def read_only_error(layout: ArchiveLayout, reason: str) -> ArchiveReadOnly:
    return ArchiveReadOnly(f"the archive at {layout.root} is read-only ({reason}): it can be opened for "
                           f"reading, but nothing in it can be changed")


def ensure_writable(layout: ArchiveLayout) -> None:
    reason = read_only_reason(layout)
    if reason:
        raise read_only_error(layout, reason)


def translate_open_error(layout: ArchiveLayout, error: OSError) -> Exception:
    """An ``OSError`` from opening for writing, as the one-line error a user should see."""
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return read_only_error(layout, read_only_reason(layout) or error.strerror or str(error))
    if is_disk_full(error):
        return DiskFull(disk_full_message(error, layout.root))
    return error


def read_only_uri_flags(layout: ArchiveLayout) -> str:
    """Extra URI parameters for a read-only connection: ``immutable`` when SQLite could not make its -shm."""
    return "&immutable=1" if read_only_reason(layout) else ""


def read_only_notices(layout: ArchiveLayout) -> list[str]:
    notices = []
    reason = read_only_reason(layout)
    if reason and layout.database.with_name(layout.database.name + "-wal").exists():
        notices.append(f"the archive was not closed cleanly and {reason}: its latest changes may not show "
                       f"until it is opened for writing")
    return notices


def damaged_for_reading(layout: ArchiveLayout, error: BaseException) -> FootnoteError:
    return backups.DatabaseDamaged(
        f"the archive database at {layout.database} is damaged ({error}): open the archive for writing "
        f"(for example with footnote check --repair) to restore the newest good backup")


# --- opening for writing --------------------------------------------------------------------


class OpenState:
    """What :func:`prepare` found, for :func:`after_open`."""

    def __init__(self) -> None:
        self.unclean = False
        self.restored = False
        self.notices: list[str] = []


def prepare(layout: ArchiveLayout, open_database: Callable[[], object]) -> OpenState:
    """Run with the write lock held, before the catalog is used: crash recovery, then ``open_database``.

    ``open_database`` sets up and upgrades the database; if SQLite finds it
    damaged, the newest good backup is restored and it runs once more.
    """
    state = OpenState()
    marker = layout.root / MARKER
    state.unclean = marker.exists() and layout.database.exists()
    if state.unclean:
        log.warning("archive %s was not closed cleanly: checking it", layout.root)
        problems = database_problems(layout.database)
        if problems:
            _handle_damage(layout, problems, state)
    _write_marker(marker)
    for attempt in (1, 2):
        try:
            open_database()
            break
        except sqlite3.DatabaseError as error:
            if is_disk_full(error) or (is_disk_io_error(error) and low_on_space(layout.root)):
                raise DiskFull(disk_full_message(error, layout.root)) from error
            if attempt == 2 or not is_damage(error):
                raise
            _handle_damage(layout, [str(error)], state)
    if state.unclean or state.restored:
        _clean_leftovers(layout, state)
    return state


def after_open(archive: "Archive", state: OpenState, *, daily_backup: bool = True) -> list[str]:
    """Run once the archive is open: today's backup (unless the caller takes it later with
    :func:`take_daily_backup`), then the index against the catalog after a crash or a restore.
    Returns the notices."""
    layout = archive.layout
    if daily_backup:
        try:
            backups.take_daily(layout)
        except Exception as error:
            if not _damaged_copy(error):
                _notice(state, _backup_failed(error))
            elif problems := database_problems(layout.database):  # is the database itself damaged?
                _handle_damage(layout, problems, state)
                archive.drop_connections()  # any pooled one still reads the file set aside
                _clean_leftovers(layout, state)
    if state.unclean or state.restored:
        from archive.check import index_consistency

        try:
            problems = index_consistency(archive)
        except Exception as error:  # an index whoosh cannot read: ensure() moves it aside later
            problems = [f"it cannot be read ({type(error).__name__})"]
        if problems:
            archive.search_index.invalidate()
            _notice(state, f"the search index did not match the catalog ({problems[0]}): it will be rebuilt "
                           f"at the next search")
    if state.unclean and not state.notices:
        log.info("archive %s checked after an unclean shutdown: nothing to repair", layout.root)
    return state.notices


def take_daily_backup(archive: "Archive") -> str | None:
    """Today's backup of an open archive, when due; returns a notice for the user, or None.

    For the desktop, which takes it in the background once its window is shown: at open it delays
    the first start of each day by the time a copy and its check take (1.3 s for 5,000 documents).
    A damaged database cannot be restored while the archive is open, so it is left marked as not
    closed cleanly: the next open checks it and restores the newest good backup.
    """
    if archive.read_only:
        return None
    try:
        backups.take_daily(archive.layout)
    except Exception as error:
        if not _damaged_copy(error):
            return _backup_failed(error)
        problems = database_problems(archive.layout.database)
        if not problems:  # the copy was bad, the database is sound: tomorrow's copy will tell
            log.warning("today's backup failed its check, the database passes it: %s", error)
            return None
        archive.check_at_next_open()
        text = (f"the archive database is damaged ({problems[0]}): close Footnote and open the archive again "
                f"to restore the newest good backup")
        log.error(text)
        return text
    return None


def _damaged_copy(error: BaseException) -> bool:
    """The daily copy failed on damage: its check found some, or SQLite could not even read the pages."""
    return isinstance(error, backups.DatabaseDamaged) or isinstance(error, sqlite3.DatabaseError) and is_damage(error)


def _backup_failed(error: BaseException) -> str:
    if is_disk_full(error):
        return f"today's backup of the archive could not be made: {disk_full_message(error)}"
    log.exception("daily backup failed")
    return f"today's backup of the archive could not be made ({error})"


def closed(layout: ArchiveLayout) -> None:
    """A clean close: the next open need not check anything."""
    try:
        (layout.root / MARKER).unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove %s", layout.root / MARKER)


def _write_marker(marker: Path) -> None:
    try:
        marker.touch()
    except OSError as error:  # a full disk, for one: the archive still opens
        log.warning("could not write %s (%s): a crash would not be noticed", marker, error)


def _notice(state: OpenState, text: str) -> None:
    state.notices.append(text)
    log.warning(text)
    for listener in list(listeners):
        try:
            listener(text)
        except Exception:
            log.exception("notice listener failed")


# --- the database -----------------------------------------------------------------------------


def database_problems(database: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the live database (an empty list when sound)."""
    try:
        db = sqlite3.connect(database)
    except sqlite3.Error as error:
        return [f"cannot be opened ({error})"]
    try:
        return backups.integrity_problems(db)
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        db.close()


def _only_index_damage(problems: list[str]) -> bool:
    return bool(problems) and all(" index " in p or p.startswith("index ") for p in problems)


def repair_indexes(database: Path) -> bool:
    """``REINDEX`` (SQLite's own indexes are derived data); True when that made the database sound."""
    db = sqlite3.connect(database)
    try:
        db.execute("REINDEX")
        db.commit()
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()
    return not database_problems(database)


def _handle_damage(layout: ArchiveLayout, problems: list[str], state: OpenState) -> None:
    if _only_index_damage(problems) and repair_indexes(layout.database):
        _notice(state, f"the archive database had damaged SQLite indexes ({problems[0]}); they were rebuilt "
                       f"and no data was lost")
        return
    _notice(state, backups.restore_newest(layout, problems[0]))  # raises when there is no good backup
    state.restored = True


# --- leftovers ----------------------------------------------------------------------------------


def catalog_hashes(database: Path) -> set[str]:
    db = sqlite3.connect(database)
    try:
        return {row[0] for row in db.execute("SELECT sha256 FROM stored_file")}
    except sqlite3.OperationalError:  # a catalog without tables yet
        return set()
    finally:
        db.close()


def stored_paths(layout: ArchiveLayout) -> Iterator[tuple[Path, str | None]]:
    """Every file under ``files/`` outside staging, with the SHA-256 its place names (``None`` if misplaced)."""
    root = layout.files
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if folder == layout.staging:
            continue
        if folder.is_file():
            yield folder, None
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() or path.is_symlink():
                well_placed = (path.parent == folder and _SHA.match(path.name) is not None
                               and folder.name == path.name[:2])
                yield path, path.name if well_placed else None


def leftovers(layout: ArchiveLayout) -> list[Path]:
    """What interrupted operations leave: staging files, bundle staging, half-built indexes, partial copies."""
    found: list[Path] = []
    if layout.staging.is_dir():
        found.extend(sorted(layout.staging.iterdir()))
    if layout.root.is_dir():
        found.extend(sorted(layout.root.glob(".bundle-*")))
        found.extend(sorted(layout.root.glob(f"{layout.index.name}.new-*")))
        found.extend(sorted(p for p in layout.root.glob(f"{layout.database.name}.restoring") if p.exists()))
    if layout.backups.is_dir():
        found.extend(sorted(layout.backups.glob(".partial-*")))
    return found


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        try:
            os.chmod(path, 0o644)
        except OSError:
            pass
        path.unlink(missing_ok=True)


def _clean_leftovers(layout: ArchiveLayout, state: OpenState) -> None:
    removed = 0
    for path in leftovers(layout):
        try:
            remove_path(path)
            removed += 1
        except OSError:
            log.warning("could not remove %s", path)
    known = catalog_hashes(layout.database)
    orphans = [path for path, sha in stored_paths(layout) if sha is not None and sha not in known]
    if state.restored and orphans:
        folder = move_aside(layout, orphans)
        _notice(state, f"{len(orphans)} file(s) stored after that backup are not in the restored catalog: they "
                       f"were moved to {folder} (import them again to get them back)")
    else:
        for path in orphans:
            try:
                remove_path(path)
                removed += 1
            except OSError:
                log.warning("could not remove %s", path)
    if removed:
        _notice(state, f"the archive was not closed cleanly: {removed} unfinished file(s) or folder(s) of an "
                       f"interrupted operation were removed; everything that had been saved is intact")
    elif state.unclean and not state.restored:
        log.info("unclean shutdown: nothing left behind to remove")


def move_aside(layout: ArchiveLayout, paths: list[Path]) -> Path:
    folder = layout.root / f"{RECOVERED_PREFIX}{clock.now():%Y%m%dT%H%M%S}"
    folder.mkdir(exist_ok=True)
    for path in paths:
        os.replace(path, folder / path.name)
    return folder
