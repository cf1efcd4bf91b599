"""The claim inspector and the undo stack, driven through real widgets on a real demo archive (no mocks of the core)."""

from __future__ import annotations

import shutil
from pathlib import Path

import desktop  # noqa: F401  (first: guards PySide6 on CPython 3.11)

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from archive.demo import ensure_demo_archive
from archive.models import Claim, ClaimTag
from archive.queries import article_detail, list_articles
from archive.store import Archive
from archive.verify import verify_articles
from desktop import theme
from desktop.inspector import ClaimInspector, decision_summary
from desktop.tasks import TaskRunner
from desktop.undo import make_undo_stack

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshot-inspector.png"
SIZE = (380, 700)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive, built once for this module (its PDFs take a few seconds to import)."""
    root = tmp_path_factory.mktemp("inspector-demo") / "a"
    ensure_demo_archive(root)
    return root


class Harness:
    """An inspector on a private copy of the demo archive, reloading the article after each edit as the window does."""

    def __init__(self, qtbot, root: Path) -> None:
        app = QApplication.instance()
        app.setFont(theme.ui_font(10))
        app.setStyleSheet(theme.stylesheet())
        self.archive = Archive.open(root)
        self.runner = TaskRunner()
        self.stack = make_undo_stack()
        self.inspector = ClaimInspector(self.archive, self.runner, self.stack)
        qtbot.addWidget(self.inspector)
        self.article_id = list_articles(self.archive)[0]["id"]
        self.refreshes: list[object] = []
        self.errors: list[BaseException] = []
        self.inspector.refresh_requested.connect(self._reload)
        self.inspector.error_occurred.connect(self.errors.append)
        self.inspector.resize(*SIZE)
        self.inspector.show()
        qtbot.waitExposed(self.inspector)

    def _reload(self, changes: object) -> None:
        self.refreshes.append(changes)
        self.inspector.set_claim(self.detail(), self.inspector.index)

    def detail(self) -> dict:
        return article_detail(self.archive, self.article_id)

    def claim(self, row: int) -> dict:
        return self.detail()["claims"][row]

    def show(self, row: int) -> None:
        self.inspector.set_claim(self.detail(), row)
        self.wait()

    def wait(self) -> None:
        assert self.runner.wait(30)

    def undo(self) -> None:
        self.stack.undo()
        self.wait()

    def redo(self) -> None:
        self.stack.redo()
        self.wait()

    def note_and_tags(self, claim_id: str) -> tuple[str, list[str]]:
        with self.archive.session() as session:
            note = session.get(Claim, claim_id).note
            tags = sorted(session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim_id)))
        return note, tags

    def close(self) -> None:
        self.inspector.flush()
        self.wait()
        self.runner.shutdown()
        self.archive.close()


@pytest.fixture
def harness(qtbot, tmp_path: Path, demo_template: Path):
    root = tmp_path / "a"
    shutil.copytree(demo_template, root)
    made = Harness(qtbot, root)
    yield made
    made.close()


def test_dispute_button_undo_and_redo(harness: Harness) -> None:
    harness.show(2)
    inspector = harness.inspector
    assert inspector.title.text() == "Claim 3" and inspector.pill.text() == "VERIFIED"
    assert inspector.summary.text() == "100% · not reviewed by you"
    inspector.decision_buttons["disputed"].click()
    harness.wait()
    assert harness.claim(2)["user_status"] == "disputed"
    assert harness.stack.undoText() == "Mark claim 3 disputed"
    # The person's decision takes the badge; the automatic result stands beside it.
    assert inspector.pill.text() == "DISPUTED BY YOU" and inspector.summary.text() == "verification: verified 100%"
    assert decision_summary(inspector.claim) == "Disputed by you · verification: verified 100%"
    assert inspector.decision_buttons["disputed"].property("active") is True
    assert inspector.decision_buttons[None].isEnabled()

    harness.undo()
    assert harness.claim(2)["user_status"] is None and inspector.pill.text() == "VERIFIED"
    harness.redo()
    assert harness.claim(2)["user_status"] == "disputed"
    # Undo, redo, undo, redo as fast as keys go: the runner keeps them in order.
    for step in (harness.stack.undo, harness.stack.redo, harness.stack.undo, harness.stack.redo):
        step()
    harness.wait()
    assert harness.claim(2)["user_status"] == "disputed"
    # Clicking the decision already taken gives it back to verification.
    inspector.decision_buttons["disputed"].click()
    harness.wait()
    assert harness.claim(2)["user_status"] is None and harness.stack.undoText() == "Clear your decision on claim 3"
    assert not harness.errors


def test_note_saves_after_typing_stops_and_on_focus_out(harness: Harness, qtbot) -> None:
    harness.show(0)
    claim_id = harness.inspector.claim["id"]
    note = harness.inspector.note_edit
    assert note.isEnabled()
    note.setFocus()
    qtbot.keyClicks(note, "Check the ceremony date")
    assert harness.inspector.note_timer.isActive()
    assert harness.note_and_tags(claim_id)[0] == ""  # not yet: a second after typing stops
    qtbot.waitUntil(lambda: not harness.inspector.note_timer.isActive(), timeout=3000)
    harness.wait()
    assert harness.note_and_tags(claim_id)[0] == "Check the ceremony date"
    assert harness.stack.count() == 1 and harness.stack.undoText() == "Edit the note on claim 1"

    qtbot.keyClicks(note, " with Axios.")
    harness.inspector.tags_edit.setFocus()  # leaving the editor saves at once
    qtbot.waitUntil(lambda: not note.hasFocus(), timeout=2000)
    assert not harness.inspector.note_timer.isActive()
    harness.wait()
    assert harness.note_and_tags(claim_id)[0] == "Check the ceremony date with Axios."
    assert harness.stack.count() == 2

    harness.undo()
    assert harness.note_and_tags(claim_id)[0] == "Check the ceremony date"
    assert note.toPlainText() == "Check the ceremony date"
    harness.undo()
    assert harness.note_and_tags(claim_id)[0] == "" and note.toPlainText() == ""


def test_tags_are_saved_as_one_undoable_edit_and_offered_for_completion(harness: Harness, qtbot) -> None:
    harness.show(1)
    claim_id = harness.inspector.claim["id"]
    tags = harness.inspector.tags_edit
    tags.setFocus()
    qtbot.keyClicks(tags, "Timeline, needs-check,timeline")
    qtbot.keyClick(tags, Qt.Key.Key_Return)
    harness.wait()
    assert harness.note_and_tags(claim_id)[1] == ["needs-check", "timeline"]
    assert tags.text() == "needs-check, timeline"
    assert harness.stack.count() == 1 and harness.stack.undoText() == "Tag claim 2: needs-check, timeline"
    # Another claim is offered the tags already in use.
    harness.show(3)
    assert harness.inspector.tags_model.stringList() == ["needs-check", "timeline"]
    assert harness.inspector.tag_completer.splitPath("policy, ti") == ["ti"]
    harness.undo()
    assert harness.note_and_tags(claim_id)[1] == []


def test_link_card_show_in_source_and_a_rejected_link_survives_verification(harness: Harness, qtbot) -> None:
    harness.show(2)
    card = harness.inspector.link_cards[0]
    link = card.link
    with qtbot.waitSignal(harness.inspector.showLink, timeout=1000) as shown:
        card.show_button.click()
    assert shown.args[0] == link and link["page"] == 1
    assert card.verdict.text() == "VERIFIED 100%" and card.title.text() == link["document_title"]
    assert "<b>" in card.quote.text() and link["prefix"].split()[-1] in card.quote.text()
    card.reject_button.click()
    harness.wait()
    assert harness.claim(2)["links"][0]["decision"] == "rejected"
    assert harness.stack.undoText().startswith("Reject the link of claim 3 to p. 1 of Trump postpones AI")
    assert harness.inspector.link_cards[0].reject_button.property("active") is True
    verify_articles(harness.archive, [harness.article_id])
    links = harness.claim(2)["links"]
    assert [(x["id"], x["decision"]) for x in links] == [(link["id"], "rejected")]
    harness.undo()
    assert harness.claim(2)["links"][0]["decision"] is None


def test_remove_link_and_undo_brings_it_back_with_its_id(harness: Harness) -> None:
    harness.show(4)
    link = harness.inspector.link_cards[0].link
    harness.inspector.link_cards[0].remove_button.click()
    harness.wait()
    assert harness.claim(4)["links"] == [] and harness.inspector.link_cards == []
    assert harness.inspector.no_links.isVisible()
    harness.undo()
    assert [x["id"] for x in harness.claim(4)["links"]] == [link["id"]]
    assert harness.claim(4)["links"][0]["exact"] == link["exact"]
    harness.redo()
    assert harness.claim(4)["links"] == []


def test_make_a_claim_from_a_span_and_undo_it(harness: Harness) -> None:
    text = harness.detail()["text"]
    start = text.index("Reports indicate")
    end = text.index(".", start) + 1
    command = harness.inspector.edits.make_claim(harness.article_id, start, end, text[start:end])
    harness.wait()
    claims = harness.detail()["claims"]
    made = next(c for c in claims if c["start"] == start)
    assert len(claims) == 13 and made["id"] == command.claim_id and made["text"] == text[start:end]
    assert harness.stack.undoText() == "Make a claim of “Reports indicate the industry…”"
    harness.show(claims.index(made))
    assert harness.inspector.origin.isVisibleTo(harness.inspector) and harness.inspector.pill.text() == "NO SOURCE"
    harness.undo()
    assert len(harness.detail()["claims"]) == 12
    assert all(c["id"] != made["id"] for c in harness.detail()["claims"])
    harness.redo()
    assert any(c["id"] == made["id"] for c in harness.detail()["claims"])  # the same claim, not a new one


def test_detach_and_attach_a_source_then_undo(harness: Harness) -> None:
    harness.show(6)  # claim 7 cites source 2
    citing = [i for i, c in enumerate(harness.detail()["claims"]) if any(x["source"] == 2 for x in c["citations"])]
    assert citing and all(harness.claim(i)["status"] == "verified" for i in citing)
    row = harness.inspector.source_row(2)
    document = row.source["document"]
    assert row.detach_button is not None and row.property("cited") is True
    row.detach_button.click()
    harness.wait()
    assert all(harness.claim(i)["status"] == "no_source" for i in citing)
    assert harness.stack.undoText() == "Detach the document of source 2"
    assert harness.inspector.pill.text() == "NO SOURCE" and harness.inspector.link_cards == []
    # Attach it again by hand, from the source's list of documents.
    row = harness.inspector.source_row(2)
    assert row.combo is not None and not row.attach_button.isEnabled()
    row.choose(document["id"])
    assert row.attach_button.isEnabled()
    row.attach_button.click()
    harness.wait()
    source = harness.detail()["sources"][1]
    assert source["document"]["id"] == document["id"] and source["attached_by"] == "user"
    assert all(harness.claim(i)["status"] == "verified" for i in citing)
    assert harness.stack.undoText() == "Attach Tech billionaires convinced Trump to… to source 2"
    harness.undo()
    assert harness.detail()["sources"][1]["document"] is None
    assert all(harness.claim(i)["status"] == "no_source" for i in citing)
    harness.undo()
    assert all(harness.claim(i)["status"] == "verified" for i in citing)
    assert harness.detail()["sources"][1]["attached_by"] == "auto"  # put back as it was


def test_a_failed_edit_is_reported_and_leaves_the_stack(harness: Harness) -> None:
    harness.show(2)
    link = harness.inspector.link_cards[0].link
    harness.inspector.edits.remove_link(link, 3)
    harness.wait()
    assert harness.stack.count() == 1
    harness.inspector.edits.remove_link(link, 3)  # already gone
    harness.wait()
    assert [str(e) for e in harness.errors] == [f"no link {link['id']}"]
    assert harness.inspector.error_label.isVisibleTo(harness.inspector)
    assert harness.stack.count() == 1 and harness.stack.undoText().startswith("Remove the link of claim 3")
    harness.undo()
    assert [x["id"] for x in harness.claim(2)["links"]] == [link["id"]]


def test_screenshot_of_the_inspector(harness: Harness, qtbot) -> None:
    """Renders docs/screenshot-inspector.png: a verified claim, its link card and the person's note."""
    harness.show(2)
    inspector = harness.inspector
    inspector.edits.set_note(inspector.claim["id"], 3, "Engadget and Fortune agree on this; Axios says the "
                                                       "voluntary version came after the Sacks call.")
    harness.wait()
    inspector.scroll.verticalScrollBar().setValue(0)
    qtbot.wait(50)
    image = inspector.grab()
    assert (image.width(), image.height()) == SIZE
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert image.save(str(SCREENSHOT), "PNG")
    assert SCREENSHOT.stat().st_size > 15_000


def test_a_read_only_archive_shows_everything_and_offers_no_edits(qtbot, tmp_path: Path, demo_template: Path) -> None:
    root = tmp_path / "a"
    shutil.copytree(demo_template, root)
    with Archive.open(root, read_only=True) as archive:
        runner = TaskRunner()
        inspector = ClaimInspector(archive, runner, make_undo_stack())
        qtbot.addWidget(inspector)
        inspector.set_claim(article_detail(archive, list_articles(archive)[0]["id"]), 2)
        assert runner.wait(30)
        assert inspector.link_cards[0].show_button.isEnabled()
        assert not any(b.isEnabled() for b in inspector.decision_buttons.values())
        assert not inspector.link_cards[0].reject_button.isEnabled() and not inspector.note_edit.isEnabled()
        assert not inspector.source_row(2).detach_button.isEnabled()
        inspector.set_claim(None, None)
        assert inspector.placeholder.isVisibleTo(inspector) and inspector.title.text() == "Claim"
        runner.shutdown()
