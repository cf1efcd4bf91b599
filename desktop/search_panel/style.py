"""How each kind of hit is labelled and tinted, and the colours of highlights and document headers.

One table shared by the results model (tooltips), the delegate (badges,
icons), and the panel (facet chips, summaries).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from desktop import theme

@dataclass(frozen=True)
class TypeStyle:
    """How a hit type is labelled and tinted (GitHub Primer label colours: dark ink on a light tint)."""

    label: str  # the badge word
    plural: str  # the facet chip word
    tint: QColor
    ink: QColor


TYPES: dict[str, TypeStyle] = {
    "article": TypeStyle("Article", "Articles", QColor("#ddf4ff"), QColor("#0550ae")),
    "claim": TypeStyle("Claim", "Claims", QColor("#f3e8ff"), QColor("#6639ba")),
    "source": TypeStyle("Source", "Sources", QColor("#dafbe1"), QColor("#116329")),
    "note": TypeStyle("Note", "Notes", QColor("#fff8c5"), QColor("#7d4e00")),
}
MARK_BACKGROUND = QColor("#fff0a8")
MARK_INK = QColor("#1f2328")
GROUP_BACKGROUND = QColor("#f6f7f9")


def type_style(kind: str) -> TypeStyle:
    return TYPES.get(kind, TypeStyle(kind.capitalize(), kind.capitalize() + "s", QColor("#eaeef2"), theme.MUTED))
