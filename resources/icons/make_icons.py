"""Draw Footnote's application icon: PNGs at the usual sizes and an SVG, from one set of shapes.

The mark is a page of text with one line highlighted (a cited claim) and a
blue superscript "1" (its footnote) at the page's corner.  Small sizes (16,
24 and 32 px) get a simpler page (fewer lines; at 16 and 24 px a dot for the
footnote), each drawn on its own pixel grid so it stays crisp instead of being
a blurred large icon.

Run from the repository root (the output is committed; run again after a change):

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/make_icons.py

Writes ``footnote-<N>.png`` for N in 16, 24, 32, 48, 64, 128, 256, 512 and
``footnote.svg`` next to this script.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
HERE = Path(__file__).resolve().parent

INK = "#24292f"  # page outline
PAGE = "#ffffff"
TEXT = "#8c959f"  # ordinary lines of text
CLAIM = "#24292f"  # the cited line, darker
HIGHLIGHT = "#f6c744"  # the highlighter behind it
BADGE = "#0b5cad"  # Footnote's accent blue
RING = "#ffffff"


@dataclass(frozen=True)
class Shape:
    kind: str  # "rect" (x, y, w, h, radius), "circle" (cx, cy, r) or "polygon" (x0, y0, x1, y1, ...)
    geometry: tuple[float, ...]
    fill: str
    stroke: str | None = None
    width: float = 0.0


def design(size: int) -> tuple[float, list[Shape]]:
    """The shapes for an icon of ``size`` pixels, on a grid of ``units`` (returned first)."""
    if size <= 16:  # on a 16-unit grid: whole pixels at 16 px
        return 16, [
            Shape("rect", (2.5, 0.5, 10, 15, 1.5), PAGE, INK, 1),
            Shape("rect", (4, 3, 4, 2, 0), TEXT),
            Shape("rect", (3, 6, 9, 3, 0.5), HIGHLIGHT),
            Shape("rect", (4, 7, 7, 1, 0), CLAIM),
            Shape("rect", (4, 11, 7, 1, 0), TEXT),
            Shape("circle", (12, 4, 3.5), BADGE, RING, 1),
        ]
    if size <= 24:  # on a 24-unit grid
        return 24, [
            Shape("rect", (3.5, 0.5, 15, 23, 2), PAGE, INK, 1),
            Shape("rect", (6, 5, 5, 2, 0.5), TEXT),
            Shape("rect", (5, 9, 12, 6, 1), HIGHLIGHT),
            Shape("rect", (6, 11, 10, 2, 0.5), CLAIM),
            Shape("rect", (6, 17, 10, 2, 0.5), TEXT),
            Shape("circle", (18, 6, 5), BADGE, RING, 1.5),
        ]
    if size <= 32:  # on a 32-unit grid: whole pixels at 32 px
        return 32, [
            Shape("rect", (5, 1, 20, 30, 2.5), PAGE, INK, 2),
            Shape("rect", (8, 7, 8, 2, 1), TEXT),
            Shape("rect", (6.5, 12, 16, 6, 1), HIGHLIGHT),
            Shape("rect", (8, 14, 13, 2, 1), CLAIM),
            Shape("rect", (8, 21, 13, 2, 1), TEXT),
            Shape("rect", (8, 25, 8, 2, 1), TEXT),
            Shape("circle", (23.5, 8.5, 7.5), BADGE, RING, 2),
            *_one(23.5, 8.5, 9),
        ]
    return 256, [
        Shape("rect", (40, 14, 152, 228, 18), PAGE, INK, 10),
        Shape("rect", (68, 52, 62, 14, 7), TEXT),
        Shape("rect", (68, 86, 58, 14, 7), TEXT),
        Shape("rect", (56, 112, 124, 40, 8), HIGHLIGHT),
        Shape("rect", (68, 125, 100, 14, 7), CLAIM),
        Shape("rect", (68, 166, 100, 14, 7), TEXT),
        Shape("rect", (68, 200, 60, 14, 7), TEXT),
        Shape("circle", (188, 62, 52), BADGE, RING, 12),
        *_one(188, 62, 60),
    ]


def _one(cx: float, cy: float, height: float) -> list[Shape]:
    """A sans-serif "1" of ``height`` centred on (cx, cy): a stem with a slanted flag."""
    s = height / 60
    points = [(-2, -30), (9, -30), (9, 30), (-5, 30), (-5, -13), (-16, -7), (-21, -17)]
    flat = tuple(v for x, y in points for v in (cx + x * s, cy + y * s))
    return [Shape("polygon", flat, RING)]


# --- PNG through QPainter ------------------------------------------------------------------


def render_png(size: int, path: Path) -> None:
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPolygonF

    units, shapes = design(size)
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / units, size / units)
    for shape in shapes:
        painter.setBrush(QBrush(QColor(shape.fill)))
        if shape.stroke:
            pen = QPen(QColor(shape.stroke), shape.width)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        g = shape.geometry
        if shape.kind == "rect":
            painter.drawRoundedRect(QRectF(g[0], g[1], g[2], g[3]), g[4], g[4])
        elif shape.kind == "circle":
            painter.drawEllipse(QPointF(g[0], g[1]), g[2], g[2])
        else:
            painter.drawPolygon(QPolygonF([QPointF(g[i], g[i + 1]) for i in range(0, len(g), 2)]))
    painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


# --- SVG by hand (the large design) ---------------------------------------------------------


def render_svg(path: Path) -> None:
    units, shapes = design(256)
    body = []
    for shape in shapes:
        g = shape.geometry
        paint = f'fill="{shape.fill}"'
        if shape.stroke:
            paint += f' stroke="{shape.stroke}" stroke-width="{_n(shape.width)}" stroke-linejoin="round"'
        if shape.kind == "rect":
            body.append(f'  <rect x="{_n(g[0])}" y="{_n(g[1])}" width="{_n(g[2])}" height="{_n(g[3])}" '
                        f'rx="{_n(g[4])}" {paint}/>')
        elif shape.kind == "circle":
            body.append(f'  <circle cx="{_n(g[0])}" cy="{_n(g[1])}" r="{_n(g[2])}" {paint}/>')
        else:
            points = " ".join(f"{_n(g[i])},{_n(g[i + 1])}" for i in range(0, len(g), 2))
            body.append(f'  <polygon points="{points}" {paint}/>')
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{units}" height="{units}" viewBox="0 0 {units} {units}">\n'
        "  <title>Footnote</title>\n" + "\n".join(body) + "\n</svg>\n", encoding="utf-8")


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QImage text needs one)
    for size in SIZES:
        render_png(size, HERE / f"footnote-{size}.png")
    render_svg(HERE / "footnote.svg")
    print(f"wrote {len(SIZES)} PNGs and footnote.svg to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
