"""The search panel: a search box always at hand, facet chips, and hits grouped by document.

Typing searches as you type (after a short pause); every query runs on the
:class:`~desktop.tasks.TaskRunner`, never on the UI thread, and a newer query
supersedes one that has not run yet.  Before the first search the index is
checked, and built when it is missing or unusable, with its progress shown in
the panel.

Hits come from :func:`archive.search.query.search`: each is drawn under its
document (an article, with its claims and notes, or a source document) with a
type badge, its page, and its snippet, the matched words highlighted and long
snippets cut to three lines.  ``hitActivated`` hands the chosen
:class:`~archive.search.query.Hit` to the window, which opens it at its place.

Keys: Down from the box goes into the results (Up from the first hit comes
back), Enter or a double click opens a hit, Esc in the results goes back to the
box and Esc in the box clears it.

The package splits the panel by job: :mod:`~desktop.search_panel.style` (type
labels and colours), :mod:`~desktop.search_panel.snippet` (snippet parsing and
layout), :mod:`~desktop.search_panel.model`, :mod:`~desktop.search_panel.delegate`
and :mod:`~desktop.search_panel.view` (the results list),
:mod:`~desktop.search_panel.chips` (facet chips), and
:mod:`~desktop.search_panel.panel` with :mod:`~desktop.search_panel.showing`
(the :class:`SearchPanel`).  Everything is re-exported here, so
``from desktop.search_panel import ...`` works as it always did.
"""

from __future__ import annotations

from desktop.flow_layout import FlowLayout
from desktop.search_panel.chips import Chip
from desktop.search_panel.delegate import SNIPPET_LINES, SearchResultDelegate, draw_pill, draw_type_icon
from desktop.search_panel.model import HitRole, KindRole, RowRole, SearchResultsModel
from desktop.search_panel.panel import BUILD_LABEL, BUSY_DELAY_MS, DEBOUNCE_MS, LIMIT, SearchPanel
from desktop.search_panel.showing import TIPS
from desktop.search_panel.snippet import SnippetLayout, draw_snippet, layout_snippet, parse_snippet
from desktop.search_panel.style import GROUP_BACKGROUND, MARK_BACKGROUND, MARK_INK, TYPES, TypeStyle, type_style
from desktop.search_panel.view import SearchResultsView

__all__ = [
    "BUILD_LABEL", "BUSY_DELAY_MS", "DEBOUNCE_MS", "GROUP_BACKGROUND", "LIMIT", "MARK_BACKGROUND", "MARK_INK",
    "SNIPPET_LINES", "TIPS", "TYPES", "Chip", "FlowLayout", "HitRole", "KindRole", "RowRole", "SearchPanel",
    "SearchResultDelegate", "SearchResultsModel", "SearchResultsView", "SnippetLayout", "TypeStyle", "draw_pill",
    "draw_snippet", "draw_type_icon", "layout_snippet", "parse_snippet", "type_style",
]

