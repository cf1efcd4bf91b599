"""The one place that decides where an archive lives and how its folder is laid out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_ARCHIVE = "FOOTNOTE_ARCHIVE"
APP_NAME = "Footnote"


def default_archive_dir() -> Path:
    """The platform's user data folder for Footnote (e.g. ``~/.local/share/Footnote/archive``)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "archive"


def resolve_archive_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--archive`` wins, then ``$FOOTNOTE_ARCHIVE``, then the platform default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(ENV_ARCHIVE)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return default_archive_dir()


@dataclass(frozen=True)
class ArchiveLayout:
    """Names of everything inside an archive folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "archive.db"

    @property
    def files(self) -> Path:
        """Content-addressed store: every imported file once, named by its SHA-256."""
        return self.root / "files"

    @property
    def staging(self) -> Path:
        """Partial writes land here first, then are renamed into ``files/``."""
        return self.root / "files" / ".staging"

    @property
    def index(self) -> Path:
        """The search index: derived data, always rebuildable from the catalog."""
        return self.root / "index"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def lock(self) -> Path:
        return self.root / "archive.lock"

    @property
    def log(self) -> Path:
        return self.root / "footnote.log"

    def exists(self) -> bool:
        return self.database.is_file()
