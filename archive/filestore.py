"""The content-addressed file store: ``files/ab/abcdef…`` named by SHA-256.

A file is written to a staging folder, flushed to disk, then renamed into
place, so ``files/`` never holds a partial file under a real name.  Stored
files are made read-only: nothing in Footnote modifies them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from archive.paths import ArchiveLayout

_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False when the store already had this content


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileStore:
    def __init__(self, layout: ArchiveLayout) -> None:
        self.root = layout.files
        self.staging = layout.staging

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def contains(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_bytes(self, data: bytes, sha256: str | None = None) -> StoredBlob:
        """Store ``data`` unless the store already has it."""
        sha256 = sha256 or sha256_bytes(data)
        target = self.path_for(sha256)
        if target.is_file():
            return StoredBlob(sha256, len(data), created=False)
        self.staging.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=self.staging, delete=False)
        try:
            with handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(handle.name, 0o444)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(handle.name, target)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        return StoredBlob(sha256, len(data), created=True)

    def remove(self, sha256: str) -> None:
        """Delete a stored file (used to undo a store whose catalog write failed)."""
        self.path_for(sha256).unlink(missing_ok=True)

    def read_bytes(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()
