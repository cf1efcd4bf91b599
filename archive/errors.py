"""Errors that reach a user as one clear line.

Every failure the user can cause or fix derives from :class:`FootnoteError`; the
command line prints ``str(error)`` and exits non-zero, the desktop shows it in a
message.  Anything else is a bug and is logged with its traceback.
"""

from __future__ import annotations


class FootnoteError(Exception):
    """A failure with a message fit for the user."""


class ArchiveInUse(FootnoteError):
    """Another process holds the archive's write lock."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        holder = f"pid {pid}" if pid else "pid unknown"
        super().__init__(f"archive is in use by another Footnote ({holder})")


class ArchiveNotFound(FootnoteError):
    """The folder holds no archive and we were not asked to create one."""


class SchemaTooNew(FootnoteError):
    """The archive was written by a newer Footnote than this one."""

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"this archive has schema version {found}, but this Footnote only knows "
            f"versions up to {supported}: update Footnote to open it"
        )


class UpgradeFailed(FootnoteError):
    """A schema upgrade step failed; the archive was left at its old version."""


class NotFound(FootnoteError):
    """An id or id prefix names nothing."""


class Ambiguous(FootnoteError):
    """An id prefix names more than one thing."""


class ImportFailed(FootnoteError):
    """One file could not be imported; the rest of a batch goes on."""


class Cancelled(FootnoteError):
    """The user cancelled a long operation."""

    def __init__(self) -> None:
        super().__init__("cancelled")
