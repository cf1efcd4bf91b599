"""The status bar's view of background work: what runs, how far it is, and a Cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from archive.errors import Cancelled
from desktop.tasks import Task, TaskRunner


class TaskStatus(QWidget):
    """Hidden while nothing runs; otherwise the task's label, progress and Cancel."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        self.label.setObjectName("taskLabel")
        self.bar = QProgressBar()
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.clicked.connect(runner.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        runner.started.connect(self._on_started)
        runner.progressed.connect(self._on_progress)
        runner.finished.connect(self._on_finished)
        runner.idle.connect(self.hide)
        self.hide()

    def _on_started(self, task: Task) -> None:
        self.label.setText(task.label)
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setEnabled(task.cancellable)
        self.show()

    def _on_progress(self, task: Task, done: int, total: int, label: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        self.label.setText(f"{task.label}: {label}" if label else task.label)

    def _on_finished(self, task: Task) -> None:
        if isinstance(task.error, Cancelled):
            self.label.setText(f"{task.label}: cancelled")
