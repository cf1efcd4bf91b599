"""The demo archive a newcomer sees on first run, built from files shipped in ``resources/demo``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from archive.importing import ImportReport, import_paths
from archive.paths import ArchiveLayout
from archive.store import Archive


def demo_files() -> list[Path]:
    """The shipped demo files: the sample digest, then the source documents it cites."""
    folder = Path(str(resources.files("resources") / "demo"))
    sources = sorted(p for p in (folder / "sources").iterdir() if p.suffix in (".pdf", ".html"))
    return [folder / "ai-executive-order-digest.txt", *sources]


def ensure_demo_archive(root: Path) -> ImportReport | None:
    """Create a demo archive at ``root`` unless an archive is already there."""
    if ArchiveLayout(root).exists():
        return None
    with Archive.open(root, create=True) as archive:
        return import_paths(archive, demo_files())
