"""Laying out wrapped, elided text for the list delegates.

Item delegates must know an item's height before painting it; doing both with
the same function keeps the two from disagreeing (which clips text).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QTextLayout, QTextOption

from desktop.utf16 import utf16_length, utf16_slice


def wrap_lines(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines of ``width`` pixels; the last one elided if cut."""
    text = " ".join(text.split())
    if not text or width <= 0:
        return []
    units = utf16_length(text)
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    lines: list[str] = []
    layout.beginLayout()
    try:
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, end = line.textStart(), line.textStart() + line.textLength()
            if len(lines) == max_lines - 1 and end < units:
                rest = utf16_slice(text, start, units)
                lines.append(QFontMetricsF(font).elidedText(rest, Qt.TextElideMode.ElideRight, width))
                break
            lines.append(utf16_slice(text, start, end).rstrip())
    finally:
        layout.endLayout()
    return lines


def line_height(font: QFont) -> float:
    return QFontMetricsF(font).lineSpacing()


def draw_lines(painter: QPainter, lines: list[str], font: QFont, left: float, top: float, width: float) -> float:
    """Draw ``lines`` one under the other from ``top``; returns the y just below the last one."""
    painter.setFont(font)
    step = line_height(font)
    for line in lines:
        painter.drawText(QRectF(QPointF(left, top), QPointF(left + width, top + step)),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), line)
        top += step
    return top
