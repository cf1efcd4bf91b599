"""Shared test set-up: Qt runs offscreen, text is UTF-8, and fixtures give real archives."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything loads Qt
os.environ.setdefault("LANG", "C.UTF-8")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "resources" / "demo" / "ai-executive-order-digest.txt"


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """A folder for a fresh archive (not yet created)."""
    return tmp_path / "archive"


@pytest.fixture
def archive(archive_dir: Path):
    """A fresh, writable archive on disk."""
    from archive.store import Archive

    with Archive.open(archive_dir, create=True) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's archive or settings from a test."""
    monkeypatch.delenv("FOOTNOTE_ARCHIVE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
