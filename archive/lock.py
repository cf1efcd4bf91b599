"""Single-writer lock for an archive folder.

An advisory ``flock`` on ``archive.lock`` is held for as long as an archive is
open for writing.  The kernel drops it when the process dies, so a crash never
leaves a stale lock behind; the holder's pid is written into the file so a
second process can say who holds it.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from archive.errors import ArchiveInUse


class WriteLock:
    """An exclusive, non-blocking lock; raises :class:`ArchiveInUse` when taken."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = _read_pid(fd)
            os.close(fd)
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise ArchiveInUse(holder) from None
            raise
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            os.fsync(fd)
        except OSError:  # a full disk: the pid only names the holder to others; the lock is held all the same
            pass

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def _read_pid(fd: int) -> int | None:
    try:
        raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(raw) if raw.isdigit() else None
    except OSError:
        return None
