"""Colours, labels and fonts shared by every pane, so a claim status looks the same everywhere.

Status colours follow the Okabe-Ito palette (blue / orange / vermillion, told
apart by people with the common colour-vision deficiencies), and every status
also has a word and an underline style, so colour is never the only cue.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from PySide6.QtGui import QColor, QFont, QTextCharFormat

UI_FAMILY = "DejaVu Sans"
READING_FAMILY = "DejaVu Serif"

TEXT = QColor("#1f2328")
MUTED = QColor("#57606a")
FAINT = QColor("#8c959f")
BORDER = QColor("#d8dee4")
ACCENT = QColor("#0b5cad")
SELECTION = QColor("#e4eefb")
HOVER = QColor("#f3f5f8")
WARNING_BG = QColor("#fff4d6")


@dataclass(frozen=True)
class StatusStyle:
    """How one claim status is drawn: highlight behind text, badge colours and a word."""

    label: str
    background: QColor  # the highlight behind claim text in the reader
    strong: QColor  # the highlight of the claim that is selected
    ink: QColor  # badge background and underline colour (dark enough for white text)
    underline: QTextCharFormat.UnderlineStyle
    meaning: str


STATUSES: dict[str, StatusStyle] = {
    "no_source": StatusStyle(
        "No source", QColor("#e9e2f7"), QColor("#cdbdf0"), QColor("#5e4b8b"),
        QTextCharFormat.UnderlineStyle.DotLine, "no cited source has a document yet"),
    "verified": StatusStyle(
        "Verified", QColor("#d5e8f6"), QColor("#a9cff0"), QColor("#005a8f"),
        QTextCharFormat.UnderlineStyle.SingleUnderline, "the cited sources back the claim"),
    "partial": StatusStyle(
        "Partial", QColor("#fbe6b3"), QColor("#f5cf73"), QColor("#8a5a00"),
        QTextCharFormat.UnderlineStyle.DashUnderline, "the cited sources back only part of it"),
    "not_found": StatusStyle(
        "Not found", QColor("#f9d7c8"), QColor("#f2b096"), QColor("#a63d00"),
        QTextCharFormat.UnderlineStyle.WaveUnderline, "the cited sources do not contain it"),
}


def status_style(status: str) -> StatusStyle:
    """The style of ``status``; an unknown status (from a newer Footnote) looks like ``no_source``."""
    return STATUSES.get(status, STATUSES["no_source"])


def status_label(status: str) -> str:
    known = STATUSES.get(status)
    return known.label if known else status.replace("_", " ").capitalize()


def ui_font(point_size: float = 10, *, bold: bool = False) -> QFont:
    font = QFont(UI_FAMILY)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def reading_font(point_size: float = 12.5) -> QFont:
    font = QFont(READING_FAMILY)
    font.setPointSizeF(point_size)
    return font


def stylesheet() -> str:
    """The application stylesheet shipped in ``resources/styles/app.qss``."""
    return (resources.files("resources") / "styles" / "app.qss").read_text(encoding="utf-8")
