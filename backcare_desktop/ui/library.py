"""The library: routine cards on the left, the chosen routine's set-up panel on the right.

The panel is skippable: double-click or Enter on a card starts the routine with the choices
remembered for it. A file that failed to load is shown greyed, with one plain line and its
problems on request.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

from backcare_desktop.audio.ambient import GENERATORS
from backcare_desktop.routines.loader import Library, RoutineProblem
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.plan import format_clock
from backcare_desktop.settings import RoutineChoices
from backcare_desktop.ui.checkin import ComfortCheckIn
from backcare_desktop.ui.volume import VolumeControls


class QuietSpinBox(QSpinBox):
    """A number field that lets the wheel scroll the list it sits in unless it has the
    focus: scrolling past a step's duration must not change it (and save it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def minimumSizeHint(self) -> QSize:
        """A styled spin box claims to need 2 px more height than its own size hint (which
        is what layouts give it and what it draws well in): the hint is the truth."""
        least = super().minimumSizeHint()
        return QSize(least.width(), min(least.height(), super().sizeHint().height()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def is_own_soundtrack(name: str) -> bool:
    """A file the person added, as opposed to a bundled soundtrack or none."""
    return name != "none" and name not in GENERATORS


def label(text: str, role: str = "", wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


def minutes_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes else f"{round(seconds)} s"


def _meta(routine: Routine, seconds: float, bundled: bool) -> str:
    origin = "" if bundled else "  ·  your routine"
    return f"{minutes_text(seconds)}  ·  {len(routine.steps)} steps{origin}"


class Card(QRadioButton):
    """A routine's card: a screen reader hears a radio button named after the routine,
    checked when it is the one chosen. As in any radio group, Tab stops at the chosen card
    only and Up and Down move between cards; Space or a click chooses one; Enter or a
    double click starts it."""

    activated = Signal()
    moved = Signal(int)

    def __init__(self, routine_id: str, title: str, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.routine_id = routine_id
        self.setProperty("role", "card")
        self.setAutoExclusive(True)  # one chosen at a time; a click never unchecks it
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(18, 14, 18, 16)
        self._column.setSpacing(4)
        self._column.addWidget(label(title, "h2", wrap=True))
        self.lines = [label(text, role, wrap=True) for text, role in lines]
        for line in self.lines:
            self._column.addWidget(line)
        self.setAccessibleName(title)
        self.setAccessibleDescription(" ".join(text for text, _ in lines))

    def set_selected(self, selected: bool) -> None:
        self.setChecked(selected)
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)

    # A button with a layout inside: its size is its layout's, its look the stylesheet's.

    def sizeHint(self) -> QSize:
        return self._column.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._column.minimumSize()

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)

    def paintEvent(self, event: QPaintEvent) -> None:
        option = QStyleOption()
        option.initFrom(self)
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.activated.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.moved.emit(-1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)


class BrokenCard(QFrame):
    """A routine file that did not load: its name, one plain line, and the problems
    themselves only when asked for (Details)."""

    def __init__(self, problems: list[RoutineProblem]) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.setProperty("broken", True)
        name = problems[0].path.name
        count = len(problems)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(4)
        layout.addWidget(label(name, "h2", wrap=True))
        row = QHBoxLayout()
        summary = (f"This file could not be loaded ({count} problem{'s' if count > 1 else ''}); "
                   "fix it and press Reload.")
        row.addWidget(label(summary, "muted", wrap=True), 1)
        self.details_button = QPushButton("Details")
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName(f"Details of {name}")
        row.addWidget(self.details_button, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.details = label("\n".join(str(problem) for problem in problems), "muted", wrap=True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setVisible(False)
        self.details_button.toggled.connect(self.details.setVisible)
        layout.addWidget(self.details)
        self.setAccessibleName(f"Broken routine file {name}")
        self.setAccessibleDescription(summary)


class CardList(QScrollArea):
    """Cards in a column that only ever scrolls up and down (titles wrap)."""

    current_changed = Signal(str)
    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cards take the focus, one by one
        self.cards: list[Card] = []
        self.broken: list[BrokenCard] = []
        self.current = -1

    def set_cards(self, cards: list[Card], broken: list[BrokenCard]) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(2, 2, 8, 2)  # room for the focus border
        column.setSpacing(10)
        for index, card in enumerate(cards):
            column.addWidget(card)
            card.clicked.connect(lambda _=False, i=index: self.set_current(i))
            card.activated.connect(lambda i=index: self._activate(i))
            card.moved.connect(lambda step, i=index: self._move(i + step))
        for item in broken:
            column.addWidget(item)
        column.addStretch()
        self.cards, self.broken = cards, broken
        self.current = -1
        self.setWidget(box)  # deletes the previous cards

    def focus_stops(self) -> list[QWidget]:
        """The cards, then each broken card's Details, in reading order."""
        return [*self.cards, *(item.details_button for item in self.broken)]

    @property
    def current_id(self) -> str:
        return self.cards[self.current].routine_id if 0 <= self.current < len(self.cards) else ""

    def set_current(self, index: int) -> None:
        if not 0 <= index < len(self.cards):
            return
        self.current = index
        for position, card in enumerate(self.cards):
            card.set_selected(position == index)
            card.setFocusPolicy(Qt.FocusPolicy.StrongFocus if position == index
                                else Qt.FocusPolicy.ClickFocus)  # Tab: the chosen card
        self.ensureWidgetVisible(self.cards[index])
        self.current_changed.emit(self.cards[index].routine_id)

    def focus_current(self) -> None:
        if 0 <= self.current < len(self.cards):
            self.cards[self.current].setFocus(Qt.FocusReason.OtherFocusReason)

    def _move(self, index: int) -> None:
        if 0 <= index < len(self.cards):
            self.set_current(index)
            self.cards[index].setFocus(Qt.FocusReason.TabFocusReason)

    def _activate(self, index: int) -> None:
        self.set_current(index)
        self.activated.emit(self.current_id)


class ResumeBar(QFrame):
    """'Resume where you left off': the routine and step a stopped session reached."""

    resume = Signal()
    forget = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "note")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 10, 10)
        self.text = label("", wrap=True)
        row.addWidget(self.text, 1)
        self.resume_button = QPushButton("Resume where you left off")
        self.resume_button.setProperty("role", "primary")
        self.resume_button.clicked.connect(self.resume)
        self.forget_button = QPushButton("Forget")
        self.forget_button.setToolTip("Forget where you left off")
        self.forget_button.setAccessibleName("Forget where you left off")
        self.forget_button.clicked.connect(self.forget)
        row.addWidget(self.resume_button)
        row.addWidget(self.forget_button)
        self.setVisible(False)

    def show_point(self, text: str) -> None:
        self.text.setText(text)
        self.resume_button.setAccessibleDescription(text)
        self.setVisible(bool(text))


class LibraryPage(QWidget):
    start_requested = Signal(str)
    selected = Signal(str)
    settings_requested = Signal()
    reload_requested = Signal()
    history_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        left = QVBoxLayout()
        left.setContentsMargins(32, 24, 20, 16)
        header = QHBoxLayout()  # the buttons beside the eyebrow: the title keeps the width
        header.addWidget(label("BACK CARE", "eyebrow"), 1, Qt.AlignmentFlag.AlignBottom)
        self.reload_button = QPushButton("Reload")
        self.reload_button.setToolTip("Read the routine files again (they are also read again "
                                      "when your routine folder changes)")
        self.reload_button.setAccessibleName("Reload routines")
        self.reload_button.clicked.connect(self.reload_requested)
        self.settings_button = QPushButton("Settings")
        self.settings_button.setAccessibleName("Settings")
        self.settings_button.setToolTip("Voice, sound, theme and captions (Ctrl+,)")
        self.settings_button.clicked.connect(self.settings_requested)
        self.history_button = QPushButton("History")
        self.history_button.setToolTip("Your sessions, streak and check-ins")
        self.history_button.clicked.connect(self.history_requested)
        for button in (self.reload_button, self.history_button):
            header.addWidget(button)
            header.addSpacing(6)
        header.addWidget(self.settings_button)
        left.addLayout(header)
        left.addWidget(label("Choose a session", "h1", wrap=True))
        left.addSpacing(12)
        self.resume_bar = ResumeBar()
        left.addWidget(self.resume_bar)
        self.list = CardList()
        self.list.setAccessibleName("Routines")
        self.list.current_changed.connect(self.selected)
        self.list.activated.connect(self.start_requested)
        left.addWidget(self.list, 1)
        outer.addLayout(left, 3)

        self.setup = SetupPanel()
        self.setup.start_button.clicked.connect(
            lambda: self.start_requested.emit(self.setup.routine_id))
        outer.addWidget(self.setup, 2)
        self.setup.checkin.install_keys(self)

    def show_library(self, library: Library, seconds: Callable[[Routine], float]) -> None:
        self._library, self._seconds = library, seconds
        current = self.setup.routine_id
        cards = [Card(item.routine.id, item.routine.title, [
            (_meta(item.routine, seconds(item.routine), item.bundled), "muted"),
            (item.routine.summary, ""),
        ]) for item in library.routines]
        by_file: dict[Path, list[RoutineProblem]] = {}
        for problem in library.problems:
            by_file.setdefault(problem.path, []).append(problem)
        self.list.set_cards(cards, [BrokenCard(problems) for problems in by_file.values()])
        ids = [card.routine_id for card in cards]
        self.list.set_current(ids.index(current) if current in ids else 0)

    def refresh_lengths(self) -> None:
        """Updates the length on each card after the person changed durations."""
        for card in self.list.cards:
            found = self._library.find(card.routine_id)
            if found is not None:
                card.lines[0].setText(_meta(found.routine, self._seconds(found.routine),
                                            found.bundled))

    def focus_stops(self) -> list[QWidget]:
        """Every control of the page in reading order: left column, then the panel."""
        bar = self.resume_bar
        return [self.reload_button, self.history_button, self.settings_button,
                bar.resume_button, bar.forget_button,
                *self.list.focus_stops(), *self.setup.focus_stops()]


class SetupPanel(QFrame):
    """Before starting: step durations, fit to a length, soundtrack, volumes. Everything but
    Start scrolls as one column, so nothing is ever squeezed: the safety note and every step
    keep their full height at any window size, and Start stays in reach."""

    choices_changed = Signal()
    fit_requested = Signal(RoutineChoices)
    """Fit or Reset: the window works out the durations and shows them (`show_durations`)."""
    preview_requested = Signal(str)
    add_soundtrack_requested = Signal()
    remove_soundtrack_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.routine_id = ""
        self.routine: Routine | None = None
        self._spins: dict[str, QSpinBox] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(1, 0, 0, 0)  # the panel's left border
        outer.setSpacing(0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self.scroll_area, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 24, 20, 12)
        layout.setSpacing(10)
        self.title = label("", "h2", wrap=True)
        self.length = label("", "muted", wrap=True)
        layout.addWidget(self.title)
        layout.addWidget(self.length)

        self.safety = label("", "muted", wrap=True)
        self.safety.setAccessibleName("Safety note")
        note = QFrame()
        note.setProperty("role", "note")
        note_layout = QVBoxLayout(note)
        note_layout.setContentsMargins(12, 10, 12, 10)
        note_layout.addWidget(self.safety)
        layout.addWidget(note)

        fit_row = QHBoxLayout()
        fit_row.addWidget(label("Fit to"))
        self.fit = QuietSpinBox()
        self.fit.setRange(1, 240)
        self.fit.setSuffix(" min")
        self.fit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.fit.setAccessibleName("Target session length in minutes")
        self.fit.setToolTip("Scale every step so the session takes about this long "
                            "(1 to 240 min)")
        self.fit.lineEdit().returnPressed.connect(self._apply_fit)  # Enter fits, as Fit does
        fit_row.addWidget(self.fit)
        self.fit_button = QPushButton("Fit")
        self.fit_button.setAccessibleName("Fit the session to this length")
        self.fit_button.setToolTip("Fit the whole session to this length")
        self.fit_button.clicked.connect(self._apply_fit)
        fit_row.addWidget(self.fit_button)
        fit_row.addStretch()
        self.reset_button = QPushButton("Reset")
        self.reset_button.setAccessibleName("Reset the durations")
        self.reset_button.setToolTip("Back to the routine's own durations")
        self.reset_button.clicked.connect(self._reset)
        fit_row.addWidget(self.reset_button)
        layout.addLayout(fit_row)

        self.steps_box = QWidget()
        self._body = layout
        layout.addWidget(self.steps_box)

        sound_row = QHBoxLayout()
        sound_row.addWidget(label("Soundtrack"))
        self.ambient = QComboBox()
        self.ambient.setAccessibleName("Ambient soundtrack")
        self.ambient.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.ambient.setMinimumContentsLength(8)
        self.ambient.currentIndexChanged.connect(self._on_ambient)
        sound_row.addWidget(self.ambient, 1)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setAccessibleName("Preview the soundtrack")
        self.preview_button.setToolTip("Hear a few seconds of this soundtrack")
        self.preview_button.clicked.connect(
            lambda: self.preview_requested.emit(self.ambient.currentData() or "none"))
        sound_row.addWidget(self.preview_button)
        layout.addLayout(sound_row)
        own_row = QHBoxLayout()
        self.add_button = QPushButton("Add soundtrack…")
        self.add_button.setAccessibleName("Add a soundtrack")
        self.add_button.setToolTip("Use your own audio file (wav, flac, ogg, mp3)")
        self.add_button.clicked.connect(self.add_soundtrack_requested)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove this soundtrack")
        self.remove_button.setToolTip("Forget this soundtrack of yours and delete its copy")
        self.remove_button.clicked.connect(self._remove)
        own_row.addWidget(self.add_button)
        own_row.addWidget(self.remove_button)
        own_row.addStretch()
        layout.addLayout(own_row)
        self.soundtrack_note = label("", "problem", wrap=True)
        self.soundtrack_note.setVisible(False)
        layout.addWidget(self.soundtrack_note)

        self.volume = VolumeControls()
        layout.addWidget(self.volume)
        self.checkin = ComfortCheckIn("How does your back feel?")
        layout.addWidget(self.checkin)
        layout.addStretch()
        self.scroll_area.setWidget(body)

        bottom = QVBoxLayout()
        bottom.setContentsMargins(24, 8, 20, 16)
        bottom.setSpacing(6)
        self.voice_status = label("", "muted", wrap=True)
        self.voice_progress = QProgressBar()
        self.voice_progress.setRange(0, 100)
        self.voice_progress.setTextVisible(False)
        self.voice_progress.setFixedHeight(6)
        self.voice_progress.setAccessibleName("Voice preparation")
        bottom.addWidget(self.voice_status)
        bottom.addWidget(self.voice_progress)
        self.start_button = QPushButton("Start session")
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Start session")
        self.start_button.setToolTip("Start (Space, or Enter on a card)")
        bottom.addWidget(self.start_button)
        outer.addLayout(bottom)

    def minimumSizeHint(self) -> QSize:
        """As wide as the column's widest row and its scroll bar: it never scrolls sideways
        (a scroll area alone would let the window squeeze it)."""
        hint = super().minimumSizeHint()
        column = self.scroll_area.widget()
        if column is None:
            return hint
        bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        return QSize(column.minimumSizeHint().width() + bar + 2, hint.height())

    def focus_stops(self) -> list[QWidget]:
        """The panel's controls in reading order."""
        return [self.fit, self.fit_button, self.reset_button, *self._spins.values(),
                self.ambient, self.preview_button, self.add_button, self.remove_button,
                *self.volume.sliders.values(), self.start_button]

    # Filling it in ----------------------------------------------------------------------------

    def show_routine(self, routine: Routine, choices: RoutineChoices,
                     durations: dict[str, float], soundtracks: list[tuple[str, str]]) -> None:
        """Shows `routine` with the `durations` its `choices` give (worked out by the
        window: the panel only presents them)."""
        self.routine, self.routine_id = routine, routine.id
        self.title.setText(routine.title)
        self.safety.setText(routine.safety_note or "Stop if anything hurts.")
        steps_box = QWidget()
        grid = QGridLayout(steps_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 1)
        self._spins.clear()
        for row, step in enumerate(routine.steps):
            shortest, longest = round(step.shortest), round(step.longest)
            spin = QuietSpinBox()
            spin.setRange(shortest, longest)
            spin.setSingleStep(5)
            spin.setSuffix(" s")
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            spin.setAccessibleName(f"{step.title}: duration in seconds")
            spin.setAccessibleDescription(f"{shortest} to {longest} seconds")
            spin.setToolTip(f"{shortest} to {longest} s")
            spin.valueChanged.connect(self._on_step_changed)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(label(step.title, wrap=True))
            cell.addWidget(label(f"{shortest} to {longest} s", "hint", wrap=True))
            grid.addLayout(cell, row, 0)
            grid.addWidget(spin, row, 1, alignment=Qt.AlignmentFlag.AlignTop)
            self._spins[step.id] = spin
        self._body.replaceWidget(self.steps_box, steps_box)
        self.steps_box.hide()
        self.steps_box.deleteLater()  # the previous routine's rows
        self.steps_box = steps_box
        steps_box.show()  # now, not after the event loop comes round (Tab must find it)
        with QSignalBlocker(self.ambient):
            self.ambient.clear()
            for value, title in [*((key, title) for key, (title, _) in GENERATORS.items()),
                                 *soundtracks, ("none", "None")]:
                self.ambient.addItem(title, value)
            index = self.ambient.findData(choices.ambient)
            self.ambient.setCurrentIndex(index if index >= 0 else 0)
        self._update_remove()
        self.show_durations(durations)

    def show_soundtrack_problem(self, text: str) -> None:
        """A soundtrack problem in plain words, under the list it is about ('' hides it)."""
        self.soundtrack_note.setText(text)
        self.soundtrack_note.setVisible(bool(text))

    def show_preparation(self, fraction: float, note: str = "") -> None:
        self.voice_progress.setValue(round(fraction * 100))
        if note:
            self.voice_status.setText(note)
        elif fraction >= 1.0:
            self.voice_status.setText("Voice ready")
        else:
            self.voice_status.setText(f"Preparing the voice… {fraction:.0%}")
        self.voice_progress.setVisible(fraction < 1.0 and not note)  # no voice: no wait

    def choices(self) -> RoutineChoices:
        assert self.routine is not None
        changed = {step_id: float(spin.value()) for step_id, spin in self._spins.items()
                   if spin.value() != round(self.routine.step(step_id).duration)}
        return RoutineChoices(step_durations=changed, ambient=self.ambient.currentData() or "none")

    # Reacting --------------------------------------------------------------------------------

    def show_durations(self, durations: dict[str, float]) -> None:
        for step_id, seconds in durations.items():
            spin = self._spins[step_id]
            with QSignalBlocker(spin):
                spin.setValue(round(seconds))
        with QSignalBlocker(self.fit):
            self.fit.setValue(max(1, round(sum(durations.values()) / 60)))
        self._update_length()

    def _update_length(self) -> None:
        total = sum(spin.value() for spin in self._spins.values())
        self.length.setText(f"{format_clock(total)}  ·  {len(self._spins)} steps")

    def _on_step_changed(self) -> None:
        self._update_length()
        self.choices_changed.emit()

    def _on_ambient(self) -> None:
        self._update_remove()
        self.choices_changed.emit()

    def _update_remove(self) -> None:
        """Only the person's own soundtracks can be removed."""
        self.remove_button.setEnabled(is_own_soundtrack(self.ambient.currentData() or "none"))

    def _remove(self) -> None:
        name = self.ambient.currentData() or "none"
        if is_own_soundtrack(name):
            self.remove_soundtrack_requested.emit(name)

    def _apply_fit(self) -> None:
        self.fit_requested.emit(RoutineChoices(step_durations={}, fit_minutes=self.fit.value()))

    def _reset(self) -> None:
        self.fit_requested.emit(RoutineChoices())
