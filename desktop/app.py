"""Starting the desktop application: open (or first create) the archive, show the window, report failures.

``footnote`` without a command calls :func:`run`.  A newcomer who did not name
an archive gets the demo archive, so the first screen already shows claims.  A
second Footnote on the same archive says which process holds it and asks: open
it read-only (with a banner saying why), or quit (when starting) or keep the
archive already open (File ▸ Open archive).
Failures the user can act on become one-line messages; anything else is a bug,
logged with its traceback to the archive's ``footnote.log``.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Callable

from importlib import resources

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from archive.errors import ArchiveInUse, FootnoteError
from archive.paths import APP_NAME, ArchiveLayout
from archive.store import Archive
from desktop import theme
from desktop.main_window import SETTINGS_ORGANIZATION, MainWindow, display_path
from desktop.tasks import end_of_startup

log = logging.getLogger("footnote.desktop")

EXIT_OK, EXIT_FAILED, EXIT_BUG = 0, 1, 3  # as in archive.cli

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
AskReadOnly = Callable[[Path, ArchiveInUse], bool]  # True: open it read-only; False: leave it


class NotOpened(Exception):
    """The user chose not to open an archive another Footnote holds (not an error: nothing to report)."""


def open_archive(root: Path, explicit: bool,
                 ask_read_only: AskReadOnly | None = None) -> tuple[Archive, str | None]:
    """The archive at ``root``, writable if possible, and a notice to show when it is not.

    Without an explicit location and without an archive there yet, the demo
    archive is built first.  When another Footnote holds the archive,
    ``ask_read_only`` decides whether to open it read-only (raising
    :class:`NotOpened` when not); without it (tests, benchmarks, anything
    headless) it is opened read-only.  A read-only disk is always opened
    read-only: there is nothing to choose.  Raises :class:`FootnoteError` for
    anything the user should be told (no archive at an explicit location, a
    too-new schema, ...).
    """
    if not explicit and not ArchiveLayout(root).exists():
        from archive.demo import ensure_demo_archive  # only on a first run: it brings the whole importer

        ensure_demo_archive(root)
    from archive.recovery import ArchiveReadOnly

    try:
        archive = Archive.open(root, daily_backup=False)  # taken once the window shows (take_daily_backup)
    except ArchiveInUse as error:  # another writer: read it, if the user wants to
        if ask_read_only is not None and not ask_read_only(root, error):
            raise NotOpened(str(error)) from None
        return Archive.open(root, read_only=True), f"Opened read-only: {error}"
    except ArchiveReadOnly as error:  # a read-only disk: read it anyway
        return Archive.open(root, read_only=True), f"Opened read-only: {error}"
    notices = "; ".join(getattr(archive, "notices", []) or [])
    return archive, notices or None  # what opening found and did (crash recovery, a restored backup)


def in_use_question(root: Path, error: ArchiveInUse, parent: QWidget | None = None, *,
                    decline: str = "Quit") -> QMessageBox:
    """The question asked when another Footnote holds ``root``: "Open read-only" or ``decline``."""
    _style_running_application()  # asked before the first window exists, which is what styles the application
    holder = f"process {error.pid}" if error.pid else "a process whose id it did not record"
    box = QMessageBox(QMessageBox.Icon.Warning, "Archive in use",
                      f"The archive {display_path(root)} is in use by another Footnote ({holder}).", parent=parent)
    box.setObjectName("archiveInUse")
    box.setInformativeText("Only one Footnote at a time can change an archive. Open it read-only to read, search "
                           "and export it (changes are refused), or close the other Footnote"
                           + (f" (pid {error.pid})" if error.pid else "") + " and open it again.")
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    read_only.setObjectName("openReadOnly")
    declined = box.addButton(decline, QMessageBox.ButtonRole.RejectRole)
    declined.setObjectName("declineReadOnly")
    box.setDefaultButton(read_only)
    box.setEscapeButton(declined)
    return box


def read_only_asker(parent: QWidget | None = None, *, decline: str = "Quit") -> AskReadOnly:
    """Asks with :func:`in_use_question`, modally; closing the box counts as ``decline``."""
    def ask(root: Path, error: ArchiveInUse) -> bool:
        box = in_use_question(root, error, parent, decline=decline)
        box.exec()
        chosen = box.clickedButton()
        answer = chosen is not None and chosen.objectName() == "openReadOnly"
        box.deleteLater()
        log.info("%s: %s; the user chose %s", root, error, "to open it read-only" if answer else decline.lower())
        return answer

    return ask


def create_main_window(root: Path, explicit: bool, ask_read_only: AskReadOnly | None = None) -> MainWindow:
    """Open the archive and build the window around it (not shown yet).

    Raises :class:`NotOpened` when ``ask_read_only`` was asked and said no.
    """
    archive, notice = open_archive(root, explicit, ask_read_only)
    try:
        window = MainWindow(archive, notice)
    except BaseException:
        archive.close()
        raise
    # Styled once the window is built, not before: the window is built bottom-up, and Qt polishes a subtree
    # again under the application's style sheet each time it is given a parent (80-130 ms of start-up);
    # after this the style sheet is set and windows built later pay that (as tests do).
    _style_running_application()
    return window


def application(*, styled: bool = True) -> QApplication:
    """The running QApplication, made on first use, with Footnote's font and (when ``styled``) its style sheet.

    :func:`run` asks for it unstyled: :func:`create_main_window` applies the style sheet once the first
    window is built, which is faster; anything shown before that window applies it itself.
    """
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setOrganizationName(SETTINGS_ORGANIZATION)
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName(APP_NAME)
        app.setDesktopFileName("io.github.footnote.Footnote")  # the menu entry's icon on Wayland
        app.setWindowIcon(_icon())
    assert isinstance(app, QApplication)
    if styled:
        apply_style(app)
    else:
        _apply_font(app)
    return app


def _icon() -> QIcon:
    """Footnote's icon at every size shipped in resources/icons (works frozen: importlib.resources)."""
    icon = QIcon()
    folder = resources.files("resources") / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        icon.addFile(str(folder / f"footnote-{size}.png"))
    return icon


def apply_style(app: QApplication) -> None:
    """Footnote's font and stylesheet; applying them again is a no-op (restyling every widget is slow)."""
    _apply_font(app)
    try:
        sheet = theme.stylesheet()
    except (OSError, ModuleNotFoundError) as error:  # a broken install: plain Qt looks still work
        log.warning("stylesheet not loaded: %s", error)
        return
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


def _style_running_application() -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_style(app)


def _apply_font(app: QApplication) -> None:
    font = theme.ui_font(10)
    if app.font() != font:
        app.setFont(font)


def install_excepthook(log_file: Path, notify: Callable[[str], None] | None = None) -> ExceptHook:
    """Log unexpected exceptions (from slots and event handlers) to ``log_file`` and tell the user once.

    Returns the previous hook so a caller can put it back.
    """
    _ensure_file_log(log_file)
    told = False
    show = notify or _show_bug

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        nonlocal told
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unexpected error in the desktop application\n%s",
                  "".join(traceback.format_exception(kind, error, tb)).rstrip())
        if not told:
            told = True
            show(f"Something went wrong: {error!r}. Footnote carries on; the details are in {log_file}.")

    previous = sys.excepthook
    sys.excepthook = hook
    return previous


def _ensure_file_log(log_file: Path) -> None:
    """The command line already logs to the archive folder when it existed; make sure we do too."""
    root = logging.getLogger()
    target = str(log_file.resolve())
    if any(isinstance(h, logging.FileHandler) and h.baseFilename == target for h in root.handlers):
        return
    try:
        handler = logging.FileHandler(log_file, encoding="utf-8", delay=True)
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def _show_bug(message: str) -> None:
    QMessageBox.critical(QApplication.activeWindow(), "Footnote", message)


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def run(root: Path, explicit: bool) -> int:
    """Start the desktop application on the archive at ``root``; returns the exit code."""
    app = application(styled=False)  # styled by create_main_window once the window is built
    try:
        window = create_main_window(root, explicit, read_only_asker(decline="Quit"))
    except NotOpened:  # another Footnote holds it and the user chose to quit: said, nothing more to do
        return EXIT_FAILED
    except FootnoteError as error:
        apply_style(app)
        QMessageBox.critical(None, "Footnote", first_line(error))
        return EXIT_FAILED
    except Exception as error:  # a bug: the traceback goes to the log, one line to the user
        apply_style(app)
        if root.is_dir():
            _ensure_file_log(ArchiveLayout(root).log)
        log.exception("unexpected error while starting the desktop application")
        QMessageBox.critical(None, "Footnote", f"Footnote could not start: {error!r} "
                                               f"(details in {ArchiveLayout(root).log})")
        return EXIT_BUG
    previous = install_excepthook(ArchiveLayout(root).log)
    windows = {"current": window}

    def switch(path: str) -> None:
        """Open another archive in a new window, then close this one (its archive with it)."""
        current = windows["current"]
        if Path(path).resolve() == current.archive.root.resolve():  # (asking would name our own process)
            current.statusBar().showMessage(f"{display_path(Path(path))} is the archive open here.", 6000)
            return
        try:
            replacement = create_main_window(Path(path), explicit=True,
                                             ask_read_only=read_only_asker(windows["current"], decline="Cancel"))
        except NotOpened:  # in use elsewhere and the user would rather not read it: keep this one
            return
        except FootnoteError as error:
            QMessageBox.warning(windows["current"], "Footnote", first_line(error))
            return
        replacement.archiveRequested.connect(switch)
        replacement.show()
        QTimer.singleShot(0, replacement.take_daily_backup)
        old, windows["current"] = windows["current"], replacement
        old.close()

    window.archiveRequested.connect(switch)
    restore_signals = _close_on_signals(lambda: windows["current"].close())
    try:
        window.show()
        end_of_startup()  # the garbage collector, off while Footnote started (archive.launcher), back on
        QTimer.singleShot(0, window.take_daily_backup)  # once the window is drawn
        return EXIT_OK if app.exec() == 0 else EXIT_FAILED
    finally:
        restore_signals()
        sys.excepthook = previous
        windows["current"].archive.close()


def _close_on_signals(close: Callable[[], object]) -> Callable[[], None]:
    """Ctrl+C or SIGTERM close the window properly (layout saved, lock released).

    Python runs signal handlers only between bytecodes, never while Qt's C++ event
    loop waits, so a timer wakes the interpreter a few times a second.
    """
    wanted = [s for s in (signal.SIGINT, signal.SIGTERM) if threading.current_thread() is threading.main_thread()]
    previous = {s: signal.signal(s, lambda *_: close()) for s in wanted}
    waker = QTimer()
    waker.timeout.connect(lambda: None)
    waker.start(250)

    def restore() -> None:
        waker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
