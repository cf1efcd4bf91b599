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


@pytest.fixture(scope="session")
def imported_demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive (the digest and its sources), built once per test run: tests take copies."""
    from archive.demo import ensure_demo_archive

    root = tmp_path_factory.mktemp("imported-demo") / "archive"
    ensure_demo_archive(root)
    return root


@pytest.fixture
def demo_copy(imported_demo_root: Path, tmp_path: Path) -> Path:
    """A private copy of :func:`imported_demo_root` (closed: open it as the test needs)."""
    import shutil

    root = tmp_path / "archive"
    shutil.copytree(imported_demo_root, root, ignore=shutil.ignore_patterns("archive.lock"))
    return root


@pytest.fixture(scope="session", autouse=True)
def _isolated_user(tmp_path_factory: pytest.TempPathFactory):
    """Never touch the real user's archive or settings, even from module-scoped fixtures.

    One made-up user for the session: its config folder holds the key that marks
    search indexes as made by this user.
    """
    home = tmp_path_factory.mktemp("user")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("FOOTNOTE_ARCHIVE", raising=False)
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        yield


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own data folder (so the default archive is always new)."""
    monkeypatch.delenv("FOOTNOTE_ARCHIVE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
