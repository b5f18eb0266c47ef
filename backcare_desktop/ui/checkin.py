"""The comfort check-in: "How does your back feel?", answered 0 to 10 with a row of chips
or the keys 0-9, before a session (on the set-up panel) and after it (on the end screen).

It asks and never waits: nothing is modal, an unanswered question is a skipped one, and
Space or Enter start or leave as they always do. The chips take no keyboard focus, so Space
never lands on one by accident; the digit keys are the keyboard's way in, and a digit typed
into a number field still goes to that field (Qt offers it to the field first).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from backcare_desktop.history.store import COMFORT_RANGE

HINT = "0 very sore · 10 no trouble at all · optional (keys 0\u20139)"


class ComfortCheckIn(QFrame):
    answered = Signal(object)
    """The person's answer, or None when they took it back (int | None)."""

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(QLabel(question))
        row = QHBoxLayout()
        row.setSpacing(4)
        self.chips: list[QPushButton] = []
        for value in COMFORT_RANGE:
            chip = QPushButton(str(value))
            chip.setProperty("role", "chip")
            chip.setCheckable(True)
            chip.setFixedSize(28, 28)  # eleven fit the set-up panel of an 800 px window
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chip.setAccessibleName(f"{question} {value} of 10")
            chip.clicked.connect(lambda _=False, value=value: self._choose(value))
            row.addWidget(chip)
            self.chips.append(chip)
        layout.addLayout(row)
        hint = QLabel(HINT)  # the library's `label` is not used: the library imports this
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.setAccessibleName(question)

    def install_keys(self, scope: QWidget) -> None:
        """The digits answer (and Backspace takes the answer back) while the focus is
        anywhere in `scope`, the page the check-in sits on."""
        for value in range(10):
            self._key(scope, str(value), lambda value=value: self._choose(value, toggle=False))
        for key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self._key(scope, key, lambda: self._choose(None))

    @staticmethod
    def _key(scope: QWidget, key: str | Qt.Key, action: object) -> None:
        shortcut = QShortcut(QKeySequence(key), scope)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(action)

    def clear(self) -> None:
        """A new question: the last answer is not carried over to the next session."""
        self._show(None)

    def _choose(self, value: int | None, toggle: bool = True) -> None:
        """A click on the chosen chip takes the answer back; a key always sets it."""
        if toggle and value == self.value:
            value = None
        self._show(value)
        self.answered.emit(value)

    def _show(self, value: int | None) -> None:
        self.value = value
        for number, chip in enumerate(self.chips):
            chip.setChecked(number == value)
