"""The history view, reached from the library: this week day by day, the streak, the
minutes this month, comfort before and after over the last weeks, and every session in a
list, with CSV export and deleting one entry or all of them (each after a question).

It owns the reading and deleting of the history it is given; the figures come from
`history.figures`, the CSV from `history.export` (the command line's writer).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backcare_desktop.errors import Level, Notice
from backcare_desktop.history.export import minutes_and_seconds, write_csv
from backcare_desktop.history.figures import (
    WeekComfort,
    month_minutes,
    streak,
    week_minutes,
    weekly_comfort,
)
from backcare_desktop.history.store import Ending, Entry, History, HistoryError
from backcare_desktop.paths import write_atomically
from backcare_desktop.ui.library import label
from backcare_desktop.ui.theme import LIGHT, Palette

COLUMNS = ("When", "Routine", "Played", "Steps", "Ended", "Comfort")
_ENDINGS = {Ending.FINISHED: "Finished", Ending.STOPPED: "Stopped", Ending.FAILED: "Failed"}


def _card(*widgets: QWidget) -> QFrame:
    card = QFrame()
    card.setProperty("role", "card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(4)
    for widget in widgets:
        layout.addWidget(widget)
    return card


def _when(entry: Entry) -> str:
    return entry.started_at.astimezone().strftime("%a %d %b %Y, %H:%M")


def _comfort(entry: Entry) -> str:
    if entry.comfort_before is None and entry.comfort_after is None:
        return ""
    return " \u2192 ".join("\u2013" if value is None else str(value)
                           for value in (entry.comfort_before, entry.comfort_after))


class HistoryView(QWidget):
    back = Signal()
    notice = Signal(Notice)

    def __init__(self, history: History | None, parent: QWidget | None = None) -> None:
        """With no history (it could not be opened), the view says so and offers nothing."""
        super().__init__(parent)
        self.setObjectName("page")
        self.history = history
        self.entries: list[Entry] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 24)
        layout.setSpacing(14)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(label("BACK CARE", "eyebrow"))
        titles.addWidget(label("Your sessions", "h1"))
        header.addLayout(titles)
        header.addStretch()
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save every session as a spreadsheet file")
        self.export_button.clicked.connect(self.export_dialog)
        self.delete_all_button = QPushButton("Delete all…")
        self.delete_all_button.setToolTip("Forget every session on this computer")
        self.delete_all_button.clicked.connect(self.delete_all)
        self.back_button = QPushButton("Back to the library")
        self.back_button.setProperty("role", "primary")
        self.back_button.setToolTip("Back to the routines (Esc)")
        self.back_button.clicked.connect(self.back)
        for button in (self.export_button, self.delete_all_button, self.back_button):
            header.addWidget(button, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        top = QHBoxLayout()
        top.setSpacing(14)
        figures = QVBoxLayout()
        figures.setSpacing(14)
        self.week = WeekStrip()
        figures.addWidget(_card(label("This week", "muted"), self.week))
        numbers = QHBoxLayout()
        numbers.setSpacing(14)
        self.streak_value = label("", "h2")
        self.streak_value.setAccessibleName("Current streak")
        self.month_value = label("", "h2")
        self.month_value.setAccessibleName("Minutes this month")
        numbers.addWidget(_card(label("Current streak", "muted"), self.streak_value))
        numbers.addWidget(_card(label("This month", "muted"), self.month_value))
        figures.addLayout(numbers)
        top.addLayout(figures, 2)
        self.chart = ComfortChart()
        top.addWidget(_card(label("How your back felt, before and after", "muted"), self.chart),
                      3)
        layout.addLayout(top)

        self.list = QTreeWidget()
        self.list.setHeaderLabels(list(COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAccessibleName("Sessions, newest first")
        header_view = self.list.header()
        header_view.setStretchLastSection(False)
        header_view.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the routine
        self.list.itemSelectionChanged.connect(self._on_selection)
        layout.addWidget(self.list, 1)

        footer = QHBoxLayout()
        self.empty_note = label("", "muted")
        footer.addWidget(self.empty_note)
        footer.addStretch()
        self.delete_button = QPushButton("Delete entry")
        self.delete_button.setToolTip("Forget the selected session (Delete)")
        self.delete_button.clicked.connect(self.delete_selected)
        footer.addWidget(self.delete_button)
        layout.addLayout(footer)

        for key, action in ((Qt.Key.Key_Delete, self.delete_selected),
                            (Qt.Key.Key_Escape, self.back.emit)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        self.set_palette(LIGHT)

    def set_palette(self, palette: Palette) -> None:
        self.week.palette_ = self.chart.palette_ = palette
        self.update()

    # Showing ---------------------------------------------------------------------------------

    def refresh(self, today: date | None = None) -> None:
        """Reads the history again and shows it as of `today` (the local date by default)."""
        today = today or date.today()
        self.entries = self._read()
        self.week.show_days(week_minutes(self.entries, today), today)
        days = streak(self.entries, today)
        self.streak_value.setText(f"{days} day{'' if days == 1 else 's'}")
        self.month_value.setText(f"{round(month_minutes(self.entries, today))} min")
        self.chart.show_weeks(weekly_comfort(self.entries, today))
        self.list.clear()
        for entry in self.entries:
            steps = f"{entry.steps_done} of {entry.steps_total}" + (
                f" · {entry.steps_skipped} skipped" if entry.steps_skipped else "")
            item = QTreeWidgetItem([
                _when(entry), entry.routine_title,
                f"{minutes_and_seconds(entry.spent_seconds)} of "
                f"{minutes_and_seconds(entry.planned_seconds)}",
                steps, _ENDINGS[entry.ending], _comfort(entry)])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
            sound = f"{entry.soundtrack}, {entry.voice} voice"
            for column in range(len(COLUMNS)):
                item.setToolTip(column, sound)
            self.list.addTopLevelItem(item)
        if self.history is None:
            note = "The history could not be opened, so sessions are not recorded."
        elif not self.entries:
            note = "No sessions yet: each one you play is kept here, on this computer only."
        else:
            note = f"{len(self.entries)} session{'s' if len(self.entries) > 1 else ''}, " \
                   "kept on this computer only."
        self.empty_note.setText(note)
        self.export_button.setEnabled(bool(self.entries))
        self.delete_all_button.setEnabled(bool(self.entries))
        self._on_selection()

    def _read(self) -> list[Entry]:
        if self.history is None:
            return []
        try:
            return self.history.entries()
        except HistoryError as error:
            self.notice.emit(Notice.of(error))
            return []

    def _on_selection(self) -> None:
        self.delete_button.setEnabled(self._selected_id() is not None)

    def _selected_id(self) -> int | None:
        items = self.list.selectedItems()
        value = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        return value if isinstance(value, int) else None

    # Acting ----------------------------------------------------------------------------------

    def delete_selected(self) -> None:
        entry_id = self._selected_id()
        if entry_id is None or self.history is None:
            return
        if self._confirm("Delete this session?", "It is removed from your history for good."):
            self._change(lambda history: history.delete(entry_id))

    def delete_all(self) -> None:
        if not self.entries or self.history is None:
            return
        count = len(self.entries)
        if self._confirm(f"Delete all {count} sessions?",
                         "Your whole history, check-ins included, is removed for good. "
                         "Export it first if you may want it."):
            self._change(History.delete_all)

    def _change(self, change: Callable[[History], None]) -> None:
        assert self.history is not None
        try:
            change(self.history)
        except HistoryError as error:
            self.notice.emit(Notice.of(error))
        self.refresh(self.week.today)

    def _confirm(self, question: str, detail: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, question, question,
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText(detail)
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is delete

    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export history",
                                              str(Path.home() / "back-care-history.csv"),
                                              "CSV files (*.csv)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Writes every session (the list as shown) to `path` as CSV, atomically."""
        def write(stream: BinaryIO) -> None:
            text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
            write_csv(self.entries, text)
            text.detach()  # the caller syncs and closes the file

        try:
            write_atomically(path, write)
        except OSError as error:
            self.notice.emit(Notice(Level.WARNING, f"Could not export the history: "
                                                   f"{error.strerror or error}", str(path)))
            return
        self.notice.emit(Notice(Level.INFO, f"Exported {len(self.entries)} sessions to "
                                            f"{path.name}.", str(path)))


def _mean(value: float | None) -> str:
    return "no answer" if value is None else f"{value:.1f}"


class WeekStrip(QWidget):
    """Monday to Sunday as circles: filled on a day with a session, its minutes inside;
    today ringed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[tuple[date, float]] = []
        self.today = date.today()
        self.palette_ = LIGHT
        self.setMinimumHeight(74)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("This week")

    def show_days(self, days: list[tuple[date, float]], today: date) -> None:
        self.days, self.today = days, today
        self.setAccessibleDescription(", ".join(
            f"{day:%A} {round(minutes)} minutes" for day, minutes in days))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.days:
            return
        p = self.palette_
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        slot = self.width() / len(self.days)
        radius = min(slot * 0.36, 19.0)
        small = QFont(self.font())
        small.setPixelSize(12)
        for index, (day, minutes) in enumerate(self.days):
            centre = QPointF(slot * (index + 0.5), 22 + radius)
            painter.setFont(small)
            painter.setPen(QColor(p.accent if day == self.today else p.muted))
            painter.drawText(QRectF(slot * index, 0, slot, 16), Qt.AlignmentFlag.AlignCenter,
                             day.strftime("%a")[:2])
            played = minutes > 0
            painter.setBrush(QColor(p.accent if played else p.track))
            painter.setPen(QPen(QColor(p.accent), 2) if day == self.today else Qt.PenStyle.NoPen)
            painter.drawEllipse(centre, radius, radius)
            if played:
                painter.setPen(QColor(p.accent_text))
                painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius,
                                        2 * radius), Qt.AlignmentFlag.AlignCenter,
                                 str(max(1, round(minutes))))


class ComfortChart(QWidget):
    """The weekly mean answer before sessions and after them, 0 to 10, over the last weeks:
    two lines, a gap where a week has no answers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weeks: list[WeekComfort] = []
        self.palette_ = LIGHT
        self.setMinimumSize(320, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Comfort before and after sessions, week by week")

    def show_weeks(self, weeks: list[WeekComfort]) -> None:
        self.weeks = weeks
        self.setAccessibleDescription("; ".join(
            f"week of {week.monday:%d %B}: before {_mean(week.before)}, after "
            f"{_mean(week.after)}" for week in weeks))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = self.palette_
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPixelSize(12)
        painter.setFont(small)
        plot = QRectF(28, 26, self.width() - 40, self.height() - 50)
        if not any(week.before is not None or week.after is not None for week in self.weeks):
            painter.setPen(QColor(p.muted))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "Answer the check-in before and after a session\n"
                             "to see how your back feels over the weeks.")
            return
        for level in (0, 5, 10):
            y = plot.bottom() - plot.height() * level / 10
            painter.setPen(QPen(QColor(p.border), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(p.muted))
            painter.drawText(QRectF(0, y - 8, plot.left() - 8, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(level))
        step = plot.width() / len(self.weeks)
        xs = [plot.left() + step * (index + 0.5) for index in range(len(self.weeks))]
        for x, week in zip(xs, self.weeks, strict=True):
            painter.setPen(QColor(p.muted))
            painter.drawText(QRectF(x - step / 2, plot.bottom() + 6, step, 16),
                             Qt.AlignmentFlag.AlignCenter, f"{week.monday.day} {week.monday:%b}")
        self._line(painter, plot, xs, [week.before for week in self.weeks], p.muted, hollow=True)
        self._line(painter, plot, xs, [week.after for week in self.weeks], p.accent)
        self._legend(painter, plot)

    def _line(self, painter: QPainter, plot: QRectF, xs: Sequence[float],
              values: Sequence[float | None], colour: str, hollow: bool = False) -> None:
        points = [None if value is None else QPointF(x, plot.bottom() - plot.height() * value / 10)
                  for x, value in zip(xs, values, strict=True)]
        path = QPainterPath()
        joined = False
        for point in points:
            if point is None:
                joined = False
            elif joined:
                path.lineTo(point)
            else:
                path.moveTo(point)
                joined = True
        pen = QPen(QColor(colour), 2.5)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(QColor(self.palette_.surface if hollow else colour))
        for point in points:
            if point is not None:
                painter.drawEllipse(point, 4.5, 4.5)

    def _legend(self, painter: QPainter, plot: QRectF) -> None:
        p = self.palette_
        x = plot.right()
        for text, colour, hollow in (("after", p.accent, False), ("before", p.muted, True)):
            width = painter.fontMetrics().horizontalAdvance(text)
            x -= width
            painter.setPen(QColor(p.muted))
            painter.drawText(QRectF(x, 2, width, 16), Qt.AlignmentFlag.AlignVCenter, text)
            painter.setPen(QPen(QColor(colour), 2.5))
            painter.setBrush(QColor(p.surface if hollow else colour))
            painter.drawEllipse(QPointF(x - 10, 10), 4.5, 4.5)
            x -= 30
