"""Opening an archive folder: its database, file store and write lock.

``Archive.open`` is the only way in.  Writers take the single-writer lock and
bring the schema up to date; readers open the database read-only and never
upgrade it.  Every connection runs with foreign keys on and WAL journaling, and
with real transactions (pysqlite's legacy mode would autocommit DDL).
What happens around that (crash recovery, a damaged database, backups, a
read-only or full disk) lives in :mod:`archive.recovery` and :mod:`archive.backups`.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

import logging

from archive import recovery, schema
from archive.errors import ArchiveNotFound, FootnoteError
from archive.filestore import FileStore
from archive.lock import WriteLock
from archive.paths import ArchiveLayout

BUSY_TIMEOUT_MS = 5000
log = logging.getLogger(__name__)


class Archive:
    """An open archive.  Use as a context manager, or call :meth:`close`."""

    def __init__(self, layout: ArchiveLayout, engine: Engine, lock: WriteLock | None) -> None:
        self.layout = layout
        self.engine = engine
        self.files = FileStore(layout)
        self._lock = lock
        self._search_index = None
        self._check_at_next_open = False
        self.notices: list[str] = []  # what opening found and did (crash recovery, restored backup, …)
        self.read_only_reason: str | None = None  # why changes are refused, when it is not just the mode
        self._read_engine: Engine | None = None

    @property
    def search_index(self):
        """The archive's search index (opened on first use; whoosh is imported only then)."""
        if self._search_index is None:
            from archive.search.index import SearchIndex

            self._search_index = SearchIndex(self.layout)
        return self._search_index

    def reindex(self, *, articles=(), documents=(), removed=()) -> None:
        """Reflect changed catalog items in the search index.

        The index is derived data: if updating it fails, the catalog change
        stands, the failure is logged, and the index is rebuilt on next use.
        """
        if self.read_only:
            return
        try:
            self.search_index.update(self, articles=articles, documents=documents, removed=removed)
        except Exception:
            log.exception("search index update failed; it will be rebuilt")
            self.search_index.invalidate()

    @property
    def root(self) -> Path:
        return self.layout.root

    @property
    def read_only(self) -> bool:
        return self._lock is None

    @classmethod
    def open(cls, root: Path | str, *, create: bool = False, read_only: bool = False,
             daily_backup: bool = True) -> "Archive":
        """Open the archive in ``root``; create it when asked and it does not exist yet.

        ``daily_backup=False`` leaves today's backup to the caller (:func:`recovery.take_daily_backup`).
        """
        layout = ArchiveLayout(Path(root))
        if not layout.exists():
            if not create or read_only:
                raise ArchiveNotFound(f"no archive at {layout.root} (import a file to create one)")
        if read_only:
            opened = cls(layout, _open_read_only(layout), lock=None)
            opened.read_only_reason = recovery.read_only_reason(layout)
            opened.notices = recovery.read_only_notices(layout)
            return opened
        lock = WriteLock(layout.lock)
        try:
            layout.root.mkdir(parents=True, exist_ok=True)
            recovery.ensure_writable(layout)
            lock.acquire()
        except OSError as error:
            raise recovery.translate_open_error(layout, error) from error
        try:
            layout.files.mkdir(exist_ok=True)
            state = recovery.prepare(layout, lambda: (_initialise_journal(layout.database),
                                                      schema.upgrade(layout.database, layout.backups)))
            engine = _engine(f"sqlite:///{layout.database}", writable=True)
        except BaseException:
            lock.release()
            raise
        opened = cls(layout, engine, lock)
        try:
            opened.notices = recovery.after_open(opened, state, daily_backup=daily_backup)
        except BaseException:
            opened.close()
            raise
        return opened

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only unit of work that never waits for a writer.

        Writes begin with BEGIN IMMEDIATE (one writer, no lock upgrades); a plain
        BEGIN reads the last committed state at once, even while a long import
        writes: what the user interface uses while the task runner works.
        """
        if self._read_engine is None:
            self._read_engine = self.engine if self.read_only else _engine(
                f"sqlite:///{self.layout.database}", writable=False)
        with Session(self._read_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def require_writable(self) -> None:
        if self.read_only:
            if self.read_only_reason:
                raise recovery.read_only_error(self.layout, self.read_only_reason)
            raise FootnoteError(f"the archive at {self.root} is open read-only")

    def drop_connections(self) -> None:
        """Close the pooled connections (after the database file was replaced: they still read the old one)."""
        self.engine.dispose()
        if self._read_engine is not None and self._read_engine is not self.engine:
            self._read_engine.dispose()

    def check_at_next_open(self) -> None:
        """Close as if uncleanly: the next open checks the database (and restores a backup if damaged)."""
        self._check_at_next_open = True

    def close(self) -> None:
        if self._search_index is not None:
            self._search_index.close()
        self.drop_connections()
        if self._lock is not None:
            if not self._check_at_next_open:
                recovery.closed(self.layout)
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _initialise_journal(database: Path) -> None:
    """WAL is a property of the database file: set it once, before anything else."""
    db = sqlite3.connect(database)
    try:
        db.execute("PRAGMA journal_mode = WAL")
    finally:
        db.close()


def _open_read_only(layout: ArchiveLayout) -> Engine:
    flags = recovery.read_only_uri_flags(layout)  # immutable on a read-only disk: SQLite cannot make its -shm
    try:
        db = sqlite3.connect(f"file:{layout.database}?mode=ro{flags}", uri=True)
        try:
            found = schema.read_version(db)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        if recovery.is_damage(error):
            raise recovery.damaged_for_reading(layout, error) from None
        raise
    if schema.pending_steps(found):
        raise FootnoteError(
            f"the archive at {layout.root} has schema version {found} and needs an upgrade "
            f"to {schema.CURRENT_VERSION}: open it once for writing (for example, import a file)"
        )
    return _engine(f"sqlite:///file:{layout.database}?mode=ro{flags}&uri=true", writable=False)


def _engine(url: str, *, writable: bool) -> Engine:
    # A small pool: opening a connection (the file, its WAL index, the schema, our pragmas) cost about 1.5 ms
    # per session, paid by every session of an import or a search.  A connection is used by one thread at a
    # time (the pool hands it out), so it may move between threads; close() disposes of the pool, so
    # closing an archive still closes its files.
    engine = create_engine(url, poolclass=QueuePool, pool_size=4, max_overflow=8, pool_reset_on_return="rollback",
                           connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if writable:
            dbapi_connection.execute("PRAGMA synchronous = NORMAL")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: object) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writable else "BEGIN")  # type: ignore[attr-defined]

    return engine
