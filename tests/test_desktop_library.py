"""The library pane, driven through its widgets on real archives (the demo, and a big generated one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import desktop  # noqa: F401  (first: guards PySide6 on CPython 3.11)

import pytest
from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMenu, QMessageBox
from sqlmodel import select

from archive.annotations import set_tags
from archive.collections import add_items, create_collection, list_collections
from archive.models import Claim
from archive.store import Archive
from desktop import app as desktop_app
from desktop.library import (ALL_ARTICLES, ALL_DOCUMENTS, MIME_TYPE, Entry, LibraryPane, decode_items,
                             encode_items)
from desktop.tasks import TaskRunner

from test_library_queries import build_large_archive, demo_template_dir

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshot-library.png"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_template_dir(tmp_path_factory)


@pytest.fixture
def runner():
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def archive(tmp_path: Path, demo_template: Path):
    root = tmp_path / "demo"
    shutil.copytree(demo_template, root)
    with Archive.open(root) as opened:
        yield opened


def make_pane(qtbot, archive: Archive, runner: TaskRunner) -> LibraryPane:
    desktop_app.apply_style(QApplication.instance())
    pane = LibraryPane(archive, runner)
    qtbot.addWidget(pane)
    pane.resize(320, 800)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


@pytest.fixture
def pane(qtbot, archive: Archive, runner: TaskRunner) -> LibraryPane:
    return make_pane(qtbot, archive, runner)


def sidebar_rows(pane: LibraryPane) -> dict[str, list[tuple[str, str | None]]]:
    """Each section's rows as (name, count) — what the sidebar shows."""
    model = pane.sidebar_model
    shown = {}
    for section in range(model.rowCount()):
        parent = model.index(section, 0)
        shown[parent.data()] = [(model.index(row, 0, parent).data(), model.index(row, 1, parent).data())
                                for row in range(model.rowCount(parent))]
    return shown


def click_entry(qtbot, pane: LibraryPane, entry: Entry) -> None:
    index = pane.sidebar_model.index_of(entry)
    assert index.isValid(), entry
    rect = pane.sidebar.visualRect(index)
    qtbot.mouseClick(pane.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert pane.current_entry == entry


def click_row(qtbot, pane: LibraryPane, row: int) -> None:
    rect = pane.list.visualRect(pane.items.index(row))
    qtbot.mouseClick(pane.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def listed(pane: LibraryPane) -> list[tuple[str, str]]:
    return [(pane.items.item(r)["type"], pane.items.item(r)["title"]) for r in range(pane.items.rowCount())]


def collection_entry(pane: LibraryPane, name: str) -> Entry:
    [entry] = [e for e in pane.sidebar_model.entries("collection") if e.label == name]
    return entry


def menu_action(menu: QMenu, text: str):
    for action in menu.actions():
        if action.text() == text:
            return action
        if action.menu() is not None and (found := menu_action(action.menu(), text)) is not None:
            return found
    return None


def rename_in_editor(qtbot, pane: LibraryPane, entry: Entry, name: str) -> None:
    """Type ``name`` into the open inline editor of ``entry`` and press Return (the delegate commits queued)."""
    editor = pane.sidebar.indexWidget(pane.sidebar_model.index_of(entry))
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pane.sidebar.state() != QAbstractItemView.State.EditingState, timeout=2000)


def answer_next_dialog(button_text: str) -> None:
    """Click ``button_text`` in the next modal dialog, once it is open."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        button.click()
    QTimer.singleShot(0, click)


# --- what the pane shows -------------------------------------------------------


def test_sidebar_counts_and_the_first_list(pane: LibraryPane) -> None:
    assert sidebar_rows(pane) == {
        "Library": [("All articles", "1"), ("All sources", "7")],
        "Filters": [("Claims not verified", "1"), ("Sources not attached", "0"), ("Extraction failed", "0")],
        "Collections": [("No collections yet", None)],
        "Tags": [("No tags yet", None)],
    }
    assert pane.current_entry == ALL_ARTICLES and pane.list_title.text() == "All articles"
    assert pane.list_count.text() == "1" and pane.list.isVisible() and not pane.empty_note.isVisible()
    [article] = [pane.items.item(0)]
    assert article["title"].startswith("Trump postpones AI executive order")
    assert (article["claims"], article["verified"], article["partial"], article["not_found"]) == (12, 10, 1, 1)
    assert "10 verified, 1 partial, 1 not found" in pane.items.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert pane.new_collection_button is not None and pane.new_collection_button.isVisible()
    # the hint rows cannot be chosen; headings neither
    hint = pane.sidebar_model.index(0, 0, pane.sidebar_model.section_index(2))
    assert not pane.sidebar_model.flags(hint) & Qt.ItemFlag.ItemIsSelectable


def test_choosing_entries_fills_the_list_and_activates_items(qtbot, pane: LibraryPane) -> None:
    click_entry(qtbot, pane, ALL_DOCUMENTS)
    assert pane.items.rowCount() == 7 and pane.list_count.text() == "7"
    assert {kind for kind, _ in listed(pane)} == {"document"}
    titles = [title for _, title in listed(pane)]
    assert titles == sorted(titles, key=str.lower)
    with qtbot.waitSignal(pane.documentActivated) as signal:
        click_row(qtbot, pane, 2)
    assert signal.args == [pane.items.item(2)["id"]]

    click_entry(qtbot, pane, Entry("filter", "unverified"))
    assert listed(pane)[0][0] == "article" and pane.items.rowCount() == 1
    with qtbot.waitSignal(pane.articleActivated) as signal:
        click_row(qtbot, pane, 0)
    assert signal.args == [pane.items.item(0)["id"]]
    for name, note in (("unattached", "Every cited source has its document."),
                       ("failed", "Every source document was read.")):
        click_entry(qtbot, pane, Entry("filter", name))
        assert pane.items.rowCount() == 0 and pane.list_count.text() == "0"
        assert pane.empty_note.isVisible() and pane.empty_note.text() == note and not pane.list.isVisible()
    # a heading is not an entry: the list stays as it is
    heading = pane.sidebar.visualRect(pane.sidebar_model.section_index(0))
    qtbot.mouseClick(pane.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=heading.center())
    assert pane.current_entry == Entry("filter", "failed")


def test_the_item_the_window_shows_is_marked_without_being_announced(qtbot, pane: LibraryPane) -> None:
    """Opened elsewhere (a search hit, a link): the list marks it, and announces nothing (no reload)."""
    click_entry(qtbot, pane, ALL_DOCUMENTS)
    document = pane.items.item(3)["id"]
    announced: list = []
    pane.documentActivated.connect(announced.append)
    pane.articleActivated.connect(announced.append)
    pane.mark_open("document", document)
    assert pane.current_item()["id"] == document and pane.list.selectionModel().isRowSelected(3, QModelIndex())
    pane.mark_open("article", "not-in-this-list")
    assert not pane.list.selectionModel().hasSelection()
    click_row(qtbot, pane, 3)  # chosen again by hand: announced, as the window no longer shows it
    assert announced == [document]


# --- collections ---------------------------------------------------------------


def test_create_rename_and_delete_a_collection_through_the_ui(qtbot, pane: LibraryPane, archive: Archive,
                                                              runner: TaskRunner) -> None:
    qtbot.mouseClick(pane.new_collection_button, Qt.MouseButton.LeftButton)
    assert runner.wait(10)
    entry = collection_entry(pane, "New collection")
    assert pane.current_entry == entry and pane.empty_note.isVisible()
    editor = pane.sidebar.indexWidget(pane.sidebar_model.index_of(entry))
    assert isinstance(editor, QLineEdit) and editor.text() == "New collection"
    rename_in_editor(qtbot, pane, entry, "Reading list")
    assert runner.wait(10)
    with archive.session() as session:
        assert [c.name for c in list_collections(session)] == ["Reading list"]
    assert sidebar_rows(pane)["Collections"] == [("Reading list", "0")]
    assert pane.list_title.text() == "Reading list"

    # a second one from the context menu; renaming it to the first one's name is refused and undone
    menu_action(pane.sidebar_menu(QModelIndex()), "New collection").trigger()
    assert runner.wait(10)
    second = collection_entry(pane, "New collection")
    pane.sidebar_model.setData(pane.sidebar_model.index_of(second), "Reading  list ")
    assert runner.wait(10)
    assert [name for name, _ in sidebar_rows(pane)["Collections"]] == ["New collection", "Reading list"]
    assert pane.notice.isVisible() and "already exists" in pane.notice.text()

    menu = pane.sidebar_menu(pane.sidebar_model.index_of(second))
    menu_action(menu, "Rename").trigger()
    rename_in_editor(qtbot, pane, second, "Lobbying")
    assert runner.wait(10)
    assert [name for name, _ in sidebar_rows(pane)["Collections"]] == ["Lobbying", "Reading list"]

    # delete: asks first; Cancel keeps it, Delete removes it and shows all articles again
    reading = collection_entry(pane, "Reading list")
    click_entry(qtbot, pane, reading)
    answer_next_dialog("Cancel")
    menu_action(pane.sidebar_menu(pane.sidebar_model.index_of(reading)), "Delete…").trigger()
    assert runner.wait(10) and len(pane.sidebar_model.entries("collection")) == 2
    answer_next_dialog("Delete")
    menu_action(pane.sidebar_menu(pane.sidebar_model.index_of(reading)), "Delete…").trigger()
    assert runner.wait(10)
    assert [name for name, _ in sidebar_rows(pane)["Collections"]] == ["Lobbying"]
    assert pane.current_entry == ALL_ARTICLES and pane.items.rowCount() == 1
    assert "Deleted the collection “Reading list”" in pane.notice.text()


def send_drop(view, mime: QMimeData, pos: QPoint) -> bool:
    """What the window system does when a drag ends over ``pos``: enter, move, drop.  Returns whether accepted."""
    viewport = view.viewport()
    actions, buttons, keys = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos.toPointF(), actions, mime, buttons, keys)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(pos.toPointF(), actions, mime, buttons, keys)
    QApplication.sendEvent(viewport, move)
    if not move.isAccepted():
        return False
    drop = QDropEvent(pos.toPointF(), actions, mime, buttons, keys)
    QApplication.sendEvent(viewport, drop)
    return drop.isAccepted()


def test_dragging_rows_onto_a_collection_adds_them(qtbot, pane: LibraryPane, archive: Archive,
                                                   runner: TaskRunner) -> None:
    collection_id = create_collection(archive, "Reading list")
    pane.refresh()
    target = pane.sidebar_model.index_of(Entry("collection", collection_id))
    article = pane.items.index(0)
    mime = pane.items.mimeData([article])
    assert mime.hasFormat(MIME_TYPE) and decode_items(mime) == [("article", pane.items.item(0)["id"])]
    assert mime.text() == pane.items.item(0)["title"]
    # only onto a collection
    model = pane.sidebar_model
    assert model.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    assert not model.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, model.index_of(ALL_ARTICLES))
    assert not model.canDropMimeData(mime, Qt.DropAction.CopyAction, 0, 0, model.section_index(2))
    assert not model.canDropMimeData(QMimeData(), Qt.DropAction.CopyAction, -1, -1, target)
    assert not send_drop(pane.sidebar, mime, pane.sidebar.visualRect(model.index_of(ALL_DOCUMENTS)).center())

    # a real drop event on the collection's row (near its edge too: always "onto", never "between")
    rect = pane.sidebar.visualRect(target)
    assert send_drop(pane.sidebar, mime, QPoint(rect.center().x(), rect.top() + 1))
    assert runner.wait(10)
    assert sidebar_rows(pane)["Collections"] == [("Reading list", "1")]
    assert "Added 1 item to “Reading list”" in pane.notice.text()

    # documents, several at once, straight through the model; one already there is not added twice
    click_entry(qtbot, pane, ALL_DOCUMENTS)
    rows = [pane.items.index(r) for r in (0, 3)]
    add_items(archive, collection_id, [pane.items.item(3)["id"]])
    assert model.dropMimeData(pane.items.mimeData(rows), Qt.DropAction.CopyAction, -1, -1,
                              model.index_of(Entry("collection", collection_id), 1))
    assert runner.wait(10)
    assert sidebar_rows(pane)["Collections"] == [("Reading list", "3")]
    assert "(1 already there)" in pane.notice.text()
    click_entry(qtbot, pane, Entry("collection", collection_id))
    kinds = [kind for kind, _ in listed(pane)]
    assert kinds == ["article", "document", "document"]  # articles first, then sources


def test_context_menu_adds_to_and_removes_from_a_collection(qtbot, pane: LibraryPane, archive: Archive,
                                                             runner: TaskRunner) -> None:
    create_collection(archive, "Reading list")
    pane.refresh()
    click_row(qtbot, pane, 0)
    article_id = pane.items.item(0)["id"]
    menu = pane.item_menu(pane.chosen_items())
    assert menu_action(menu, "Add to collection").isEnabled()
    assert menu_action(menu, "Remove from “Reading list”") is None  # not shown outside a collection
    menu_action(menu, "Reading list").trigger()
    assert runner.wait(10)
    reading = collection_entry(pane, "Reading list")
    assert pane.sidebar_model.count(reading) == 1

    # "New collection…" makes one holding the chosen rows, and opens its name for editing
    click_entry(qtbot, pane, ALL_DOCUMENTS)
    pane.list.selectAll()
    menu_action(pane.item_menu(pane.chosen_items()), "New collection…").trigger()
    assert runner.wait(10)
    sources = collection_entry(pane, "New collection")
    assert pane.current_entry == sources and pane.items.rowCount() == 7
    assert isinstance(pane.sidebar.indexWidget(pane.sidebar_model.index_of(sources)), QLineEdit)

    click_entry(qtbot, pane, reading)
    click_row(qtbot, pane, 0)
    menu = pane.item_menu(pane.chosen_items())
    assert menu_action(menu, "Reading list") is None and menu_action(menu, "New collection") is not None
    menu_action(menu, "Remove from “Reading list”").trigger()
    assert runner.wait(10)
    assert pane.items.rowCount() == 0 and pane.empty_note.isVisible()
    assert pane.sidebar_model.count(reading) == 0
    click_entry(qtbot, pane, ALL_ARTICLES)
    assert pane.items.item(0)["id"] == article_id  # still in the archive


def test_tags_and_refresh_keep_the_place(qtbot, pane: LibraryPane, archive: Archive) -> None:
    click_entry(qtbot, pane, ALL_DOCUMENTS)
    click_row(qtbot, pane, 4)
    chosen = pane.current_item()["id"]
    with archive.session() as session:
        claims = session.exec(select(Claim).order_by(Claim.position)).all()
    set_tags(archive, claims[0].id, ["lobbying", "budget"])
    set_tags(archive, claims[1].id, ["lobbying"])
    with qtbot.assertNotEmitted(pane.documentActivated):
        pane.refresh()
    assert sidebar_rows(pane)["Tags"] == [("budget", "1"), ("lobbying", "1")]
    assert pane.sidebar_model.index_of(Entry("tag", "lobbying")).data(Qt.ItemDataRole.ToolTipRole) == \
        "2 claims in 1 article tagged “lobbying”"
    assert pane.current_entry == ALL_DOCUMENTS and pane.current_item()["id"] == chosen
    click_entry(qtbot, pane, Entry("tag", "budget"))
    assert [kind for kind, _ in listed(pane)] == ["article"]


def test_a_read_only_archive_offers_no_changes(qtbot, archive: Archive, runner: TaskRunner) -> None:
    root = archive.root
    archive.close()
    with Archive.open(root, read_only=True) as reader:
        pane = make_pane(qtbot, reader, runner)
        assert pane.new_collection_button is None
        pane.list.selectAll()
        assert not menu_action(pane.item_menu(pane.chosen_items()), "Add to collection").isEnabled()
        assert not menu_action(pane.sidebar_menu(QModelIndex()), "New collection").isEnabled()
        pane.close()


def test_lazy_loading_on_a_big_archive(qtbot, tmp_path: Path, runner: TaskRunner) -> None:
    expected = build_large_archive(tmp_path / "big", articles=450, claims_per_article=3, documents=60)
    with Archive.open(tmp_path / "big") as archive:
        pane = make_pane(qtbot, archive, runner)
        assert pane.items.rowCount() == 200 and pane.items.total() == 450 and pane.list_count.text() == "450"
        assert pane.items.pages_read == 1
        pane.list.scrollToBottom()
        qtbot.waitUntil(lambda: pane.items.rowCount() == 400, timeout=3000)
        pane.list.scrollToBottom()
        qtbot.waitUntil(lambda: pane.items.rowCount() == 450, timeout=3000)
        assert not pane.items.canFetchMore(QModelIndex()) and pane.items.pages_read == 3
        ids = [pane.items.item(r)["id"] for r in range(450)]
        assert len(set(ids)) == 450

        # a refresh keeps what was read and where the list was
        click_row(qtbot, pane, pane.list.indexAt(QPoint(10, 10)).row())
        chosen, scroll = pane.current_item()["id"], pane.list.verticalScrollBar().value()
        pane.refresh()
        assert pane.items.rowCount() == 450 and pane.current_item()["id"] == chosen
        assert pane.list.verticalScrollBar().value() == scroll

        # a collection pages through its articles, then on into its documents
        pane.items.page_size = 50
        entry = Entry("collection", expected.collection_id)
        click_entry(qtbot, pane, entry)
        total = expected.collection_articles + expected.collection_documents
        assert pane.items.rowCount() == 50 and pane.items.total() == total
        while pane.items.canFetchMore(QModelIndex()):
            pane.items.fetchMore(QModelIndex())
        kinds = [pane.items.item(r)["type"] for r in range(pane.items.rowCount())]
        assert kinds == ["article"] * expected.collection_articles + ["document"] * expected.collection_documents
        assert sidebar_rows(pane)["Filters"][0] == ("Claims not verified", str(expected.unverified))
        pane.close()


def test_drag_payloads_survive_a_round_trip_and_refuse_junk() -> None:
    items = [("article", "a1"), ("document", "d2")]
    assert decode_items(encode_items(items)) == items
    junk = QMimeData()
    junk.setData(MIME_TYPE, b"not json")
    assert decode_items(junk) == []


def test_screenshot(qtbot, pane: LibraryPane, archive: Archive, runner: TaskRunner) -> None:
    """docs/screenshot-library.png: the demo with a collection and tags, the collection chosen."""
    with archive.session() as session:
        claims = session.exec(select(Claim).order_by(Claim.position)).all()
    set_tags(archive, claims[0].id, ["lobbying"])
    set_tags(archive, claims[3].id, ["lobbying", "timeline"])
    create_collection(archive, "Background")
    pane.refresh()
    qtbot.mouseClick(pane.new_collection_button, Qt.MouseButton.LeftButton)
    assert runner.wait(10)
    rename_in_editor(qtbot, pane, pane.current_entry, "AI executive order")
    assert runner.wait(10)
    collection = collection_entry(pane, "AI executive order")
    click_entry(qtbot, pane, ALL_DOCUMENTS)
    pane.sidebar_model.dropMimeData(pane.items.mimeData([pane.items.index(r) for r in (0, 2, 5)]),
                                    Qt.DropAction.CopyAction, -1, -1, pane.sidebar_model.index_of(collection))
    assert runner.wait(10)
    click_entry(qtbot, pane, ALL_ARTICLES)
    menu_action(pane.item_menu([pane.items.item(0)]), "AI executive order").trigger()
    assert runner.wait(10)
    click_entry(qtbot, pane, collection)
    click_row(qtbot, pane, 0)
    for widget in (pane.new_collection_button, pane.list.viewport()):  # no hover in the picture
        QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))
    pane.notice.hide()
    pane.resize(320, 800)
    qtbot.wait(50)
    assert [kind for kind, _ in listed(pane)] == ["article", "document", "document", "document"]
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert pane.grab().save(str(SCREENSHOT))
