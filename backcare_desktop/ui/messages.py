"""Messages for the person at the window: a bridge any thread can post to, and a bar that
stacks them at the bottom of the window.

The status line showed one message at a time, so at start "no audio device", "settings
moved aside" and "2 routine files could not be loaded" overwrote each other and only the
last was ever read. Here nothing overwrites anything: messages stack, the harmless ones go
by themselves after a while, errors stay until they are dismissed. The shape follows
qutebrowser's `utils/message.py`: whoever has something to say posts it to a bridge, which
logs it and holds it until a view is attached.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from backcare_desktop.errors import Level, Notice
from backcare_desktop.session.player import Clock, MonotonicClock
from backcare_desktop.ui.theme import LIGHT, Palette

_log = logging.getLogger("backcare_desktop.messages")


LIFETIME: dict[Level, float | None] = {Level.INFO: 10.0, Level.WARNING: 20.0,
                                       Level.ERROR: None}
"""Seconds a message stays; an error stays until it is dismissed (None)."""
VISIBLE_ROWS = 3
"""Rows the bar shows before it folds the older ones into "+N more": the session's picture
matters more than the messages."""

_LOGGING_LEVEL = {Level.INFO: logging.INFO, Level.WARNING: logging.WARNING,
                  Level.ERROR: logging.ERROR}
# The palette has no alarm colours yet; these sit beside its accent in each theme.
_ALARM = {"light": {Level.WARNING: "#B7791F", Level.ERROR: "#C8433A"},
          "dark": {Level.WARNING: "#E8B454", Level.ERROR: "#F07A6E"}}


def _same(one: Notice, other: Notice) -> bool:
    """Whether two messages are the same one said twice: the detail (a traceback, say) may
    differ in ways nobody reading the bar would notice."""
    return (one.level, one.short) == (other.level, other.short)


class MessageView(Protocol):
    """Where the bridge delivers, on the thread it lives in (the GUI thread)."""

    def show_message(self, message: Notice) -> None: ...

    def show_crash(self, message: Notice) -> None:
        """An uncaught exception, worth more than a row when nothing else is alarming."""
        ...


class MessageBridge(QObject):
    """Takes messages from any thread and hands them to the view on its own thread,
    holding them until a view is attached.

    Delivery is always queued, even from the GUI thread: a post made while the view is
    busy (or from inside an excepthook, in the middle of a paint) reaches it afterwards,
    never half-way through.
    """

    _arrived = Signal(object, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view: MessageView | None = None
        self._pending: list[tuple[Notice, bool]] = []
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def post(self, level: Level, text: str, detail: str = "") -> None:
        """Logs the message and shows it; safe from any thread."""
        if detail:
            _log.log(_LOGGING_LEVEL[level], "%s\n%s", text, detail)
        else:
            _log.log(_LOGGING_LEVEL[level], "%s", text)
        self._arrived.emit(Notice(level, text, detail), False)

    def report(self, short: str, detail: str) -> None:
        """Shows an uncaught exception (the `report` of `logs.install_exception_hooks`,
        which has logged it already); safe from any thread."""
        self._arrived.emit(Notice(Level.ERROR, short, detail), True)

    def attach(self, view: MessageView) -> None:
        """Delivers what waited, in order, and everything after it."""
        self._view = view
        pending, self._pending = self._pending, []
        for message, crash in pending:
            self._hand_over(view, message, crash)

    @Slot(object, bool)
    def _deliver(self, message: Notice, crash: bool) -> None:
        if self._view is not None:
            self._hand_over(self._view, message, crash)
        elif all(not _same(waiting, message) for waiting, _ in self._pending):
            self._pending.append((message, crash))

    @staticmethod
    def _hand_over(view: MessageView, message: Notice, crash: bool) -> None:
        if crash:
            view.show_crash(message)
        else:
            view.show_message(message)


# The bar -------------------------------------------------------------------------------------


def _colour(level: Level, palette: Palette) -> str:
    if level is Level.INFO:
        return palette.accent
    return _ALARM.get(palette.name, _ALARM["light"])[level]


def _mark(level: Level, palette: Palette, size: int = 16) -> QPixmap:
    """A circle, a triangle or a diamond: the level told by shape as well as colour, for
    whoever does not see the difference between amber and red."""
    ratio = 2.0
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(_colour(level, palette)))
    s = float(size)
    if level is Level.INFO:
        painter.drawEllipse(QRectF(s * 0.12, s * 0.12, s * 0.76, s * 0.76))
    else:
        path = QPainterPath()
        if level is Level.WARNING:
            corners = [QPointF(s * 0.5, s * 0.08), QPointF(s * 0.94, s * 0.88),
                       QPointF(s * 0.06, s * 0.88)]
        else:
            corners = [QPointF(s * 0.5, s * 0.02), QPointF(s * 0.98, s * 0.5),
                       QPointF(s * 0.5, s * 0.98), QPointF(s * 0.02, s * 0.5)]
        path.moveTo(corners[0])
        for corner in corners[1:]:
            path.lineTo(corner)
        path.closeSubpath()
        painter.drawPath(path)
    painter.end()
    return pixmap


class _Row(QFrame):
    def __init__(self, message: Notice, on_close: Callable[[], None],
                 on_details: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("message")
        self.setProperty("role", "note")
        # Screen readers announce the row as one sentence, level first.
        self.setAccessibleName(f"{message.level.value.capitalize()}: {message.short}")
        if message.detail:
            self.setAccessibleDescription("Details available.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 4, 4)
        layout.setSpacing(10)
        self.mark = QLabel()
        self.mark.setFixedSize(16, 16)
        self.mark.setAccessibleName(message.level.value.capitalize())
        text = QLabel(message.short)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.mark)
        layout.addWidget(text, 1)
        if message.detail:
            details = QToolButton()
            details.setText("Details")
            details.setAccessibleName(f"Details of: {message.short}")
            details.clicked.connect(on_details)
            layout.addWidget(details)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAccessibleName(f"Dismiss: {message.short}")
        close.clicked.connect(on_close)
        layout.addWidget(close)


@dataclass
class _Entry:
    message: Notice
    deadline: float | None
    row: _Row


class MessageBar(QWidget):
    """The current messages, oldest at the top, at most VISIBLE_ROWS of them unfolded; it
    hides itself when there is nothing to say.

    Expiry reads `clock`, so a test moves a ManualClock and calls `expire()` instead of
    waiting; the bar's own timer calls `expire()` when the next message is due, and waits
    while the pointer rests on the bar, as someone may be reading.
    """

    def __init__(self, clock: Clock | None = None, log_path: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock or MonotonicClock()
        self.log_path = log_path
        """Named by the crash dialog, so a report can come with the log."""
        self._palette = LIGHT
        self._entries: list[_Entry] = []
        self._expanded = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self.setAccessibleName("Messages")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 6, 16, 8)
        self._layout.setSpacing(6)
        self._more = QPushButton()
        self._more.setFlat(True)
        self._more.clicked.connect(self._toggle_expanded)
        self._layout.addWidget(self._more, 0, Qt.AlignmentFlag.AlignLeft)
        self._refresh()

    def set_palette(self, palette: Palette) -> None:
        self._palette = palette
        for entry in self._entries:
            entry.row.mark.setPixmap(_mark(entry.message.level, palette))

    def messages(self) -> list[Notice]:
        """What the bar holds, oldest first, folded or not."""
        return [entry.message for entry in self._entries]

    def show_message(self, message: Notice) -> None:
        """Adds a row, or gives a message already showing its full time again."""
        lifetime = LIFETIME[message.level]
        deadline = None if lifetime is None else self._clock.now() + lifetime
        for entry in self._entries:
            if _same(entry.message, message):
                entry.deadline = deadline
                break
        else:
            row = _Row(message, lambda: self.dismiss(message),
                       lambda: self._show_details(message))
            row.mark.setPixmap(_mark(message.level, self._palette))
            self._layout.addWidget(row)
            self._entries.append(_Entry(message, deadline, row))
        self._refresh()

    def show_crash(self, message: Notice) -> None:
        """The crash dialog, or a row when one is open already: one dialog is enough to
        say that something broke, a stack of them only hides the window."""
        if not show_error_dialog(self.window(), message.short, message.detail, self.log_path):
            self.show_message(message)

    def dismiss(self, message: Notice) -> None:
        for entry in self._entries:
            if _same(entry.message, message):
                self._entries.remove(entry)
                entry.row.hide()
                entry.row.deleteLater()
                break
        self._refresh()

    def expire(self) -> None:
        """Drops every message whose time is up."""
        now = self._clock.now()
        for entry in list(self._entries):
            if entry.deadline is not None and entry.deadline <= now:
                self.dismiss(entry.message)
        self._refresh()

    def _on_timeout(self) -> None:
        if self.underMouse():
            self._timer.start(2000)
        else:
            self.expire()

    def _toggle_expanded(self) -> None:
        self._expanded = not self._expanded
        self._refresh()

    def _show_details(self, message: Notice) -> None:
        dialog = _DetailsDialog(self.window(), "Notice details", message.short,
                                message.detail)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _refresh(self) -> None:
        count = len(self._entries)
        if count <= VISIBLE_ROWS:
            self._expanded = False
        shown = count if self._expanded else min(count, VISIBLE_ROWS)
        for index, entry in enumerate(self._entries):
            entry.row.setVisible(index >= count - shown)
        folded = count - shown
        self._more.setVisible(count > VISIBLE_ROWS)
        self._more.setText("Show fewer" if self._expanded else f"+{folded} more")
        self._more.setAccessibleName("Show fewer messages" if self._expanded
                                     else f"Show {folded} more messages")
        self.setVisible(count > 0)
        self._schedule()

    def _schedule(self) -> None:
        deadlines = [entry.deadline for entry in self._entries if entry.deadline is not None]
        if not deadlines:
            self._timer.stop()
            return
        wait = max(0.0, min(deadlines) - self._clock.now())
        self._timer.start(math.ceil(wait * 1000))


# Dialogs -------------------------------------------------------------------------------------


class _DetailsDialog(QDialog):
    """A short line, an optional note, and the detail in a box that can be selected and
    copied, for a report."""

    def __init__(self, parent: QWidget | None, title: str, short: str, detail: str,
                 note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(620, 380)
        layout = QVBoxLayout(self)
        heading = QLabel(short)
        heading.setWordWrap(True)
        heading.setProperty("role", "h2")
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(heading)
        if note:
            remark = QLabel(note)
            remark.setWordWrap(True)
            remark.setProperty("role", "muted")
            remark.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(remark)
        text = QPlainTextEdit(detail)
        text.setReadOnly(True)
        text.setAccessibleName("Details")
        text.setFont(QFont("monospace"))
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(
            f"{short}\n\n{detail}"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


_crash_dialog: QDialog | None = None
"""The one crash dialog that may be open; a module global because there is one screen."""


def show_error_dialog(parent: QWidget | None, short: str, detail: str,
                      log_path: Path | None) -> bool:
    """Opens a crash dialog without blocking (no nested event loop inside an excepthook) and
    says True; says False, opening nothing, while the previous one is still open. Call it on
    the GUI thread."""
    global _crash_dialog
    if (_crash_dialog is not None and shiboken6.isValid(_crash_dialog)
            and _crash_dialog.isVisible()):
        return False
    note = (f"The details are also in the log, {log_path}." if log_path is not None else
            "No log file could be written; copy the details if you report this.")
    dialog = _DetailsDialog(parent, "Something went wrong", short, detail, note)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _crash_dialog = dialog
    dialog.show()
    dialog.raise_()
    return True
