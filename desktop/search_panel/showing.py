"""What the search panel shows: results and their counts, notices, the suggestion, and the tips.

The :class:`~desktop.search_panel.panel.SearchPanel` methods that put an
outcome (or a problem, or nothing yet) on screen, as a mixin, so the panel's
own module keeps to building the widgets and running searches.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QFontMetricsF

from desktop import theme
from desktop.formatting import plural
from desktop.search_panel.chips import Chip
from desktop.search_panel.style import type_style

TIPS = [
    ('"de facto licensing"', "these words, in this order"),
    ("regul*", "words that start with regul"),
    ("Zuckerburg~", "close spellings too"),
    ("type:claim", "only claims (or article, source, note)"),
    ("status:partial", "claims by status: verified, partial, not_found"),
    ("date:2026-05", "by date; also date:>2026-04"),
]


@dataclass
class _Outcome:
    """What one search task hands back to the UI thread."""

    text: str
    types: tuple[str, ...]
    result: Any  # SearchResult (filtered when types are set)
    type_counts: dict[str, int]  # from the unfiltered query, so the chips keep their counts
    status_counts: dict[str, int]
    total: int  # unfiltered


class ShowingMixin:
    """The showing half of :class:`~desktop.search_panel.panel.SearchPanel` (its widgets are made there)."""

    # --- showing -------------------------------------------------------------------

    def _show_busy(self) -> None:
        if self._in_flight is not None:
            self.summary.setText("Searching…")
            self.summary.show()

    def _set_header_for_results(self, visible: bool) -> None:
        self.chip_row.setVisible(visible)
        if not visible:
            self.status_row.hide()
            self.notice.hide()
            self.suggestion.hide()
            self.summary.hide()

    def _show_welcome(self) -> None:
        self.result = None
        self.shown_query = None
        self.model.set_result(None)
        self._set_header_for_results(False)
        if self._index_task is not None and self.stack.currentIndex() == 2:
            return  # the index is being built: keep showing its progress
        self.empty.setText(_tips_html("Search everything in this archive",
                                      "Articles, their claims and notes, and the source documents, page by page. "
                                      "Press Ctrl+K from anywhere to come back here."))
        self.stack.setCurrentWidget(self.empty)

    def _show_problem(self, message: str) -> None:
        self._set_header_for_results(False)
        self.notice.setText(message)
        self.notice.show()
        self.model.set_result(None)
        self.empty.setText(_tips_html("", ""))
        self.stack.setCurrentWidget(self.empty)

    def _show_outcome(self, outcome: _Outcome) -> None:
        result = outcome.result
        self.result = result
        self.shown_query = (outcome.text, outcome.types)
        self.model.set_result(result)
        self.chip_row.setVisible(bool(outcome.total or outcome.types))

        self.type_chips[""].set_count(outcome.total)
        for kind, chip in self.type_chips.items():
            if kind:
                count = outcome.type_counts.get(kind, 0)
                chip.set_count(count)
                chip.setEnabled(count > 0 or chip.isChecked())
        self._show_status_chips(outcome.status_counts if outcome.type_counts.get("claim") else {})

        if result.error:
            message = result.error[:1].upper() + result.error[1:]
            if result.fallback:
                message += " — showing results for the words instead"
                self.notice.setToolTip(f"Searched for: {result.fallback}")
            else:
                self.notice.setToolTip("")
            self.notice.setText(message)
        self.notice.setVisible(bool(result.error))
        if result.suggestion:
            self.suggestion_button.setText(result.suggestion)
            self.suggestion_button.setFixedWidth(
                int(QFontMetricsF(theme.ui_font(10, bold=True)).horizontalAdvance(result.suggestion) + 6))
            self.suggestion_button.setToolTip(f"Search for {result.suggestion}")
        self.suggestion.setVisible(bool(result.suggestion))

        groups = self.model.groups()
        if result.hits:
            shown = len(result.hits)
            kind = self.type_filter
            what = plural(shown, type_style(kind).label.lower()) if kind else plural(shown, "result")
            if result.total > shown:
                what = f"{shown} of {result.total} " + (type_style(kind).plural.lower() if kind else "results")
            self.summary.setText(f"{what} in {plural(len(groups), 'document')}")
            self.summary.show()
            self.stack.setCurrentWidget(self.view)
            self.view.scrollToTop()
        else:
            self.summary.hide()
            self.empty.setText(self._empty_html(outcome))
            self.stack.setCurrentWidget(self.empty)
        self.resultShown.emit(result)

    def _empty_html(self, outcome: _Outcome) -> str:
        text = html.escape(outcome.text)
        if outcome.types and outcome.total:
            kind = type_style(outcome.types[0]).plural.lower()
            return _tips_html(f"No {kind} for “{text}”",
                              f"There {'is' if outcome.total == 1 else 'are'} {plural(outcome.total, 'result')} "
                              f"of other kinds: choose <b>All</b> to see them.")
        return _tips_html(f"No results for “{text}”", "Try fewer or other words, or one of these:")

    def _show_status_chips(self, counts: dict[str, int]) -> None:
        for chip in self.status_chips.values():
            self.status_layout.removeWidget(chip)
            chip.deleteLater()
        self.status_chips = {}
        order = {name: i for i, name in enumerate(theme.STATUSES)}
        for status, count in sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])):
            chip = Chip(theme.status_label(status), status, dot=theme.status_style(status).ink)
            chip.set_count(count)
            chip.setToolTip(f"Only claims whose status is {theme.status_label(status).lower()} "
                            f"(adds status:{status} to the query; click again to remove it)")
            chip.clicked.connect(lambda _checked=False, status=status: self.toggle_status(status))
            self.status_layout.addWidget(chip)
            self.status_chips[status] = chip
        self._update_status_chip_states()
        self.status_row.setVisible(bool(counts))

    def toggle_status(self, status: str) -> None:
        """Add ``status:STATUS`` to the query, or take it out when it is there (one status at a time)."""
        text = self.box.text()
        present = re.search(rf"(?i)(?:^|\s)status:{re.escape(status)}(?=\s|$)", text)
        text = re.sub(r"(?i)(?:^|\s+)status:\S+", "", text).strip()
        if not present:
            text = f"{text} status:{status}".strip()
        self.search(text)

    def _update_status_chip_states(self) -> None:
        text = self.box.text().lower()
        for status, chip in self.status_chips.items():
            chip.setChecked(bool(re.search(rf"(?:^|\s)status:{re.escape(status)}(?=\s|$)", text)))

    def _on_suggestion(self) -> None:
        word = self.suggestion_button.text()
        if word:
            self.search(word)
            self.focus_search()

    def _on_tip(self, link: str) -> None:
        number = int(link.partition(":")[2] or -1)
        if 0 <= number < len(TIPS):
            self.search(TIPS[number][0])
            self.focus_search()

    def _activate_index(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        if hit is not None:
            self.hitActivated.emit(hit)


def _tips_html(title: str, lead: str) -> str:
    code = ("font-family:'DejaVu Sans Mono'; background-color:#eff2f5; color:#1f2328;")
    rows = "".join(f"<tr><td style='padding:3px 12px 3px 0'><a href='tip:{number}' style='text-decoration:none'>"
                   f"<span style=\"{code}\">&nbsp;{html.escape(example)}&nbsp;</span></a></td>"
                   f"<td style='padding:3px 0; color:#57606a'>{html.escape(meaning)}</td></tr>"
                   for number, (example, meaning) in enumerate(TIPS))
    heading = f"<p style='font-size:11pt; font-weight:bold; color:#1f2328; margin:0 0 6px 0'>{title}</p>" if title else ""
    intro = f"<p style='color:#57606a; margin:0 0 10px 0'>{lead}</p>" if lead else ""
    return (f"{heading}{intro}<p style='color:#1f2328; font-weight:bold; margin:6px 0 4px 0'>Search tips "
            f"<span style='font-weight:normal; color:#8c959f'>(click one to try it)</span></p>"
            f"<table cellspacing='0' cellpadding='0'>{rows}</table>")
