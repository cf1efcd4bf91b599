"""The flow layout shared by the search panel's chips and the inspector's buttons."""

from __future__ import annotations

import desktop  # noqa: F401  (first: guards PySide6 on CPython 3.11)

from PySide6.QtWidgets import QPushButton, QWidget

from desktop.flow_layout import FlowLayout


def _row(qtbot, right: int = 0) -> tuple[QWidget, FlowLayout, list[QPushButton]]:
    host = QWidget()
    qtbot.addWidget(host)
    layout = FlowLayout(host, spacing=6)
    buttons = []
    for number in range(5):
        if number == 5 - right:
            layout.add_stretch()
        button = QPushButton(f"Button {number}")
        button.setFixedSize(80, 24 + 4 * (number % 2))  # odd ones are taller: lines centre them
        layout.addWidget(button)
        buttons.append(button)
    return host, layout, buttons


def test_wraps_onto_more_lines_as_the_pane_narrows(qtbot) -> None:
    host, layout, buttons = _row(qtbot)
    assert layout.sizeHint().width() == 5 * 80 + 4 * 6  # one line
    assert layout.heightForWidth(500) == 28
    assert layout.heightForWidth(260) == 28 + 6 + 28  # three buttons fit on a line of 260 px
    host.resize(260, layout.heightForWidth(260))
    layout.setGeometry(host.rect())
    assert [b.geometry().topLeft().toTuple() for b in buttons] == [(0, 2), (86, 0), (172, 2), (0, 34), (86, 36)]
    assert layout.minimumSize().width() == 80


def test_items_after_a_stretch_keep_to_the_right_and_hidden_ones_take_no_room(qtbot) -> None:
    host, layout, buttons = _row(qtbot, right=1)
    host.resize(600, 40)
    layout.setGeometry(host.rect())
    assert buttons[4].geometry().right() == 599
    assert buttons[3].geometry().left() == 3 * 86
    buttons[1].hide()
    layout.setGeometry(host.rect())
    assert buttons[2].geometry().left() == 86
    assert layout.sizeHint().width() == 4 * 80 + 3 * 6
    taken = layout.takeAt(0)  # the stretch stays before the same item
    assert taken is not None and taken.widget() is buttons[0]
    layout.setGeometry(host.rect())
    assert buttons[4].geometry().right() == 599 and buttons[3].geometry().right() < 300


def test_items_keep_inside_the_margins(qtbot) -> None:
    host, layout, buttons = _row(qtbot)
    layout.setContentsMargins(18, 8, 18, 8)
    assert layout.sizeHint().width() == 5 * 80 + 4 * 6 + 36
    assert layout.heightForWidth(5 * 80 + 4 * 6 + 36) == 28 + 16  # one line, margins above and below
    assert layout.heightForWidth(300) == 2 * 28 + 6 + 16  # three to a line in 300 - 36 (80+6+80+6+80 = 252)
    host.resize(300, layout.heightForWidth(300))
    host.show()
    qtbot.waitExposed(host)
    inside = host.rect().adjusted(18, 8, -18, -8)
    assert all(inside.contains(button.geometry()) for button in buttons)


def test_the_status_legend_wraps_its_chips_instead_of_clipping_them(qtbot) -> None:
    from desktop.reader import StatusLegend

    legend = StatusLegend()
    qtbot.addWidget(legend)
    legend.resize(260, legend.heightForWidth(260))
    legend.show()
    qtbot.waitExposed(legend)
    chips = list(legend.chips.values())
    assert all(legend.rect().contains(chip.geometry()) for chip in chips)
    assert len({chip.geometry().top() for chip in chips}) > 1  # more than one line at this width
