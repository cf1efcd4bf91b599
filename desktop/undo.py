"""Undoable edits: every change a person makes to claims, links and sources, as a QUndoCommand.

A command never touches the archive on the UI thread.  ``redo`` submits the
core call to the :class:`~desktop.tasks.TaskRunner`; the call returns
:class:`~archive.annotations.Changes` whose ``before`` says what it replaced,
and the command keeps that (on a plain :class:`_Memo`, written by the worker)
so that ``undo`` can submit the inverse.  The runner runs tasks one at a time,
in order, so an undo never overtakes the edit it undoes, and undo, redo, undo
again all work however fast they are pressed.

After every task the command calls ``refresh(changes)`` (the main window reads
the article again).  A failure goes to ``on_error(error)`` and the command
marks itself obsolete: the stack drops it (at once when it is on top,
otherwise when it is next undone or redone), and a later task of the same
command whose edit never happened does nothing.

Edits are submitted as not cancellable: cancelling an import must never drop
an undo queued behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from archive import annotations
from archive.annotations import Changes
from archive.store import Archive
from desktop.tasks import TaskRunner

UNDO_LIMIT = 500
TITLE_CHARS = 40

Refresh = Callable[[Changes], None]
OnError = Callable[[BaseException], None]

_DECISION_WORDS = {"confirmed": "confirmed", "disputed": "disputed", "rejected": "rejected"}


def make_undo_stack(parent: QObject | None = None) -> QUndoStack:
    """The window's one undo stack (its actions go in the Edit menu)."""
    stack = QUndoStack(parent)
    stack.setUndoLimit(UNDO_LIMIT)
    return stack


def _shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def short_title(title: str | None, limit: int = TITLE_CHARS) -> str:
    """A document title short enough for a menu item: ``Tech billionaires convinced Trump to…``."""
    return _shorten(title or "", limit) or "a document"


def quoted(text: str, limit: int = 32) -> str:
    return f"“{_shorten(text, limit)}”"


@dataclass
class CommandContext:
    """What every command needs: where to do the work, and whom to tell."""

    archive: Archive
    runner: TaskRunner
    refresh: Refresh | None = None
    on_error: OnError | None = None
    stack: QUndoStack | None = None  # lets a failed command leave the stack at once


class _Memo:
    """A command's state, shared with its tasks (plain Python: safe even after Qt deleted the command)."""

    def __init__(self) -> None:
        self.applied = False  # the forward edit is in the archive
        self.failed = False
        self.before: dict[str, Any] = {}


class ArchiveCommand(QUndoCommand):
    """Base class: subclasses give ``forward`` and ``backward``, two functions of the archive and the memo.

    ``forward(archive, memo) -> Changes`` makes the edit (and keeps ``before`` in
    the memo); ``backward(archive, memo) -> Changes`` puts back what it replaced.
    Both run on the runner's worker thread.
    """

    def __init__(self, context: CommandContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self.memo = _Memo()
        self._label = text

    # --- for subclasses ------------------------------------------------------

    def forward(self, archive: Archive, memo: _Memo) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, archive: Archive, memo: _Memo) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- QUndoCommand --------------------------------------------------------

    def redo(self) -> None:
        memo, forward, archive = self.memo, self.forward, self.context.archive

        def work(_progress, _token) -> Changes | None:
            if memo.failed or memo.applied:
                return None
            changes = forward(archive, memo)
            memo.applied = True
            return changes

        self._submit(self._label, work)

    def undo(self) -> None:
        memo, backward, archive = self.memo, self.backward, self.context.archive

        def work(_progress, _token) -> Changes | None:
            if memo.failed or not memo.applied:
                return None  # the edit never happened: nothing to put back
            changes = backward(archive, memo)
            memo.applied = False
            return changes

        self._submit(f"Undo: {self._label}", work)

    # --- running -------------------------------------------------------------

    def _submit(self, label: str, work: Callable[[Any, Any], Changes | None]) -> None:
        context, memo = self.context, self.memo

        def done(changes: Changes | None) -> None:
            if changes is not None and context.refresh is not None:
                context.refresh(changes)

        def failed(error: BaseException) -> None:
            memo.failed = True
            if context.on_error is not None:
                context.on_error(error)
            self._leave_stack()

        context.runner.submit(label, work, on_done=done, on_error=failed, cancellable=False)

    def _leave_stack(self) -> None:
        """Mark this command obsolete; when it is the last thing done, take it off the stack now."""
        if not shiboken6.isValid(self):
            return  # the stack was cleared meanwhile
        self.setObsolete(True)
        stack = self.context.stack
        if stack is None or not shiboken6.isValid(stack):
            return
        top = stack.index() - 1
        if top >= 0 and stack.command(top) is self:
            stack.undo()  # an obsolete command is not undone, only removed (and deleted: touch nothing after)


# --- claims -------------------------------------------------------------------


class SetClaimStatus(ArchiveCommand):
    """A person's decision on a claim: confirmed, disputed, rejected, or ``None`` (verification decides)."""

    def __init__(self, context: CommandContext, claim_id: str, number: int, status: str | None) -> None:
        if status is None:
            text = f"Clear your decision on claim {number}"
        else:
            text = f"Mark claim {number} {_DECISION_WORDS.get(status, status)}"
        super().__init__(context, text)
        self.claim_id, self.status = claim_id, status

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.set_user_status(archive, self.claim_id, self.status)
        memo.before = changes.before
        return changes

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return annotations.set_user_status(archive, self.claim_id, memo.before.get("user_status"))


class SetNote(ArchiveCommand):
    def __init__(self, context: CommandContext, claim_id: str, number: int, note: str) -> None:
        verb = "Edit the note on" if note.strip() else "Clear the note on"
        super().__init__(context, f"{verb} claim {number}")
        self.claim_id, self.note = claim_id, note

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.set_note(archive, self.claim_id, self.note)
        memo.before = changes.before
        return changes

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return annotations.set_note(archive, self.claim_id, memo.before.get("note", ""))


class SetTags(ArchiveCommand):
    def __init__(self, context: CommandContext, claim_id: str, number: int, tags: list[str]) -> None:
        shown = ", ".join(tags)
        text = f"Tag claim {number}: {shown}" if tags else f"Remove the tags of claim {number}"
        super().__init__(context, _shorten(text, 60))
        self.claim_id, self.tags = claim_id, list(tags)

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.set_tags(archive, self.claim_id, self.tags)
        memo.before = changes.before
        return changes

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return annotations.set_tags(archive, self.claim_id, memo.before.get("tags", []))


class MakeClaim(ArchiveCommand):
    """Make a span of the article a claim; undo removes it, redo puts the same claim (same id) back."""

    def __init__(self, context: CommandContext, article_id: str, start: int, end: int, text: str = "") -> None:
        super().__init__(context, f"Make a claim of {quoted(text)}" if text.strip() else "Make a claim")
        self.article_id, self.start, self.end = article_id, start, end
        self._snapshot: dict | None = None
        self.claim_id: str | None = None  # known once the first redo has run

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        if self._snapshot is None:
            self.claim_id, changes = annotations.create_claim(archive, self.article_id, self.start, self.end)
            return changes
        return annotations.restore_claim(archive, self._snapshot)

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.delete_claim(archive, self.claim_id)
        self._snapshot = changes.before
        return changes


class RemoveClaim(ArchiveCommand):
    """Remove a claim with its links, tags and citations; undo restores all of it with the same ids."""

    def __init__(self, context: CommandContext, claim_id: str, number: int) -> None:
        super().__init__(context, f"Remove claim {number}")
        self.claim_id = claim_id

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.delete_claim(archive, self.claim_id)
        memo.before = changes.before
        return changes

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return annotations.restore_claim(archive, memo.before)


# --- links --------------------------------------------------------------------


def _where(page: int | None, document_title: str | None) -> str:
    return f"{f'p. {page} of ' if page else ''}{short_title(document_title)}"


class DecideLink(ArchiveCommand):
    """Confirm or reject a link (``None`` takes the decision back)."""

    def __init__(self, context: CommandContext, link: dict, number: int, decision: str | None) -> None:
        verb = {"confirmed": "Confirm", "rejected": "Reject"}.get(decision, "Clear your decision on")
        where = _where(link.get("page"), link.get("document_title"))
        super().__init__(context, f"{verb} the link of claim {number} to {where}")
        self.link_id, self.decision = link["id"], decision

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.decide_link(archive, self.link_id, self.decision)
        memo.before = changes.before
        return changes

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return annotations.decide_link(archive, self.link_id, memo.before.get("decision"))


class MakeLink(ArchiveCommand):
    """Link a claim to a span of a document by hand; undo removes the link, redo puts the same link back."""

    def __init__(self, context: CommandContext, claim_id: str, number: int, document_id: str, start: int, end: int,
                 relation: str = "supports", *, document_title: str | None = None, page: int | None = None) -> None:
        verb = {"supports": "Link", "contradicts": "Link (contradicts)", "context": "Link (context)"}.get(
            relation, "Link")
        super().__init__(context, f"{verb} claim {number} to {_where(page, document_title)}")
        self.claim_id, self.document_id, self.start, self.end, self.relation = (
            claim_id, document_id, start, end, relation)
        self._snapshot: dict | None = None
        self.link_id: str | None = None

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        if self._snapshot is None:
            self.link_id, changes = annotations.create_link(archive, self.claim_id, self.document_id, self.start,
                                                            self.end, self.relation)
            return changes
        return annotations.restore_link(archive, self._snapshot)

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.delete_link(archive, self.link_id)
        self._snapshot = changes.before["link"]
        return changes


class RemoveLink(ArchiveCommand):
    def __init__(self, context: CommandContext, link: dict, number: int) -> None:
        super().__init__(context, f"Remove the link of claim {number} to "
                                  f"{_where(link.get('page'), link.get('document_title'))}")
        self.link_id = link["id"]

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        changes = annotations.delete_link(archive, self.link_id)
        memo.before = changes.before
        return changes

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return annotations.restore_link(archive, memo.before["link"])


# --- sources ------------------------------------------------------------------


def _entry_state(archive: Archive, article_id: str, number: int) -> dict[str, Any]:
    """A numbered source's document and who attached it, read through the core's article query."""
    from archive.errors import NotFound
    from archive.queries import article_detail

    for source in article_detail(archive, article_id)["sources"]:
        if source["number"] == number:
            document = source["document"]
            return {"document": document["id"] if document else None, "attached_by": source["attached_by"]}
    raise NotFound(f"the article has no source numbered {number}")


def _set_entry(archive: Archive, article_id: str, number: int, document_id: str | None,
               attached_by: str | None = None) -> Changes:
    """Attach ``document_id`` to source ``number`` (or detach it, for ``None``), then verify the article.

    ``attached_by`` restores who attached it (undo puts back an automatic
    attachment as automatic); by default it is the person's own choice.
    """
    from archive.attach import attach, detach
    from archive.verify import verify_articles

    with archive.session() as session:
        if document_id is None:
            entry = detach(session, article_id, number)
        else:
            entry = attach(session, article_id, number, document_id)
        if attached_by is not None and entry.attached_by != attached_by:
            entry.attached_by = attached_by
            session.add(entry)
    verify_articles(archive, [article_id])
    return Changes(articles=(article_id,))


class AttachSource(ArchiveCommand):
    """Attach a document to an article's numbered source (replacing any), then verify the article."""

    def __init__(self, context: CommandContext, article_id: str, number: int, document_id: str,
                 document_title: str | None = None) -> None:
        super().__init__(context, f"Attach {short_title(document_title)} to source {number}")
        self.article_id, self.number, self.document_id = article_id, number, document_id

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        before = _entry_state(archive, self.article_id, self.number)
        changes = _set_entry(archive, self.article_id, self.number, self.document_id)
        memo.before = before
        return Changes(articles=changes.articles, before=before)

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return _set_entry(archive, self.article_id, self.number, memo.before["document"],
                          memo.before["attached_by"])


class DetachSource(ArchiveCommand):
    """Detach the document of an article's numbered source, then verify the article."""

    def __init__(self, context: CommandContext, article_id: str, number: int) -> None:
        super().__init__(context, f"Detach the document of source {number}")
        self.article_id, self.number = article_id, number

    def forward(self, archive: Archive, memo: _Memo) -> Changes:
        before = _entry_state(archive, self.article_id, self.number)
        changes = _set_entry(archive, self.article_id, self.number, None)
        memo.before = before
        return Changes(articles=changes.articles, before=before)

    def backward(self, archive: Archive, memo: _Memo) -> Changes:
        return _set_entry(archive, self.article_id, self.number, memo.before["document"],
                          memo.before["attached_by"])


# --- making and pushing commands ----------------------------------------------


class Edits:
    """Makes the commands and pushes them on the stack: the one way the desktop edits the archive.

    ``refresh(changes)`` runs after every edit, undo and redo; ``on_error(error)``
    when one fails.  Every method returns the command it pushed.
    """

    def __init__(self, archive: Archive, runner: TaskRunner, stack: QUndoStack, *,
                 refresh: Refresh | None = None, on_error: OnError | None = None) -> None:
        self.stack = stack
        self.context = CommandContext(archive, runner, refresh, on_error, stack)

    @property
    def archive(self) -> Archive:
        return self.context.archive

    def push(self, command: ArchiveCommand) -> ArchiveCommand:
        self.stack.push(command)  # runs redo(), which submits the edit
        return command

    def set_claim_status(self, claim_id: str, number: int, status: str | None) -> ArchiveCommand:
        return self.push(SetClaimStatus(self.context, claim_id, number, status))

    def set_note(self, claim_id: str, number: int, note: str) -> ArchiveCommand:
        return self.push(SetNote(self.context, claim_id, number, note))

    def set_tags(self, claim_id: str, number: int, tags: list[str]) -> ArchiveCommand:
        return self.push(SetTags(self.context, claim_id, number, tags))

    def decide_link(self, link: dict, number: int, decision: str | None) -> ArchiveCommand:
        return self.push(DecideLink(self.context, link, number, decision))

    def make_claim(self, article_id: str, start: int, end: int, text: str = "") -> MakeClaim:
        command = MakeClaim(self.context, article_id, start, end, text)
        self.push(command)
        return command

    def remove_claim(self, claim_id: str, number: int) -> ArchiveCommand:
        return self.push(RemoveClaim(self.context, claim_id, number))

    def make_link(self, claim_id: str, number: int, document_id: str, start: int, end: int,
                  relation: str = "supports", *, document_title: str | None = None,
                  page: int | None = None) -> MakeLink:
        command = MakeLink(self.context, claim_id, number, document_id, start, end, relation,
                           document_title=document_title, page=page)
        self.push(command)
        return command

    def remove_link(self, link: dict, number: int) -> ArchiveCommand:
        return self.push(RemoveLink(self.context, link, number))

    def attach(self, article_id: str, number: int, document_id: str,
               document_title: str | None = None) -> ArchiveCommand:
        return self.push(AttachSource(self.context, article_id, number, document_id, document_title))

    def detach(self, article_id: str, number: int) -> ArchiveCommand:
        return self.push(DetachSource(self.context, article_id, number))
