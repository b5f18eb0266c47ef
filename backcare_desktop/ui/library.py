"""The library: routine cards on the left, the chosen routine's set-up panel on the right.

The panel is skippable: double-click or Enter on a card starts the routine with the choices
remembered for it. A file that failed to load is shown greyed, with its one-line reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
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

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


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


class Card(QFrame):
    """A routine's card, or a greyed one for a file that did not load (`routine_id` empty)."""

    clicked = Signal()
    double_clicked = Signal()

    def __init__(self, routine_id: str, title: str, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.routine_id = routine_id
        self.setProperty("role", "card")
        self.setProperty("broken", not routine_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.setSpacing(4)
        layout.addWidget(label(title, "h2"))
        self.lines = [label(text, role, wrap=True) for text, role in lines]
        for line in self.lines:
            layout.addWidget(line)
        self.setAccessibleName(title)

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.double_clicked.emit()


class CardList(QScrollArea):
    """Cards in a column: click or Up/Down selects, double-click or Enter starts."""

    current_changed = Signal(str)
    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.cards: list[Card] = []
        self.current = -1

    def set_cards(self, cards: list[Card]) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 6, 0)
        column.setSpacing(10)
        for index, card in enumerate(cards):
            column.addWidget(card)
            if card.routine_id:
                card.clicked.connect(lambda i=index: self.set_current(i))
                card.double_clicked.connect(lambda i=index: self._activate(i))
            else:
                card.setEnabled(False)
        column.addStretch()
        self.cards = cards
        self.current = -1
        self.setWidget(box)  # deletes the previous cards

    @property
    def current_id(self) -> str:
        return self.cards[self.current].routine_id if 0 <= self.current < len(self.cards) else ""

    def set_current(self, index: int) -> None:
        if not 0 <= index < len(self.cards) or not self.cards[index].routine_id:
            return
        self.current = index
        for position, card in enumerate(self.cards):
            card.set_selected(position == index)
        self.ensureWidgetVisible(self.cards[index])
        self.current_changed.emit(self.cards[index].routine_id)

    def _activate(self, index: int) -> None:
        self.set_current(index)
        self.activated.emit(self.current_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_id:
            self.activated.emit(self.current_id)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if key == Qt.Key.Key_Up else 1
            index = self.current + step
            while 0 <= index < len(self.cards) and not self.cards[index].routine_id:
                index += step
            self.set_current(index)
        else:
            super().keyPressEvent(event)


class LibraryPage(QWidget):
    start_requested = Signal(str)
    selected = Signal(str)
    settings_requested = Signal()
    history_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        left = QVBoxLayout()
        left.setContentsMargins(40, 32, 28, 24)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(label("BACK CARE", "eyebrow"))
        titles.addWidget(label("Choose a session", "h1"))
        header.addLayout(titles)
        header.addStretch()
        self.settings_button = QPushButton("Settings")
        self.settings_button.setAccessibleName("Settings")
        self.settings_button.setToolTip("Voice, sound, theme and captions (Ctrl+,)")
        self.settings_button.clicked.connect(self.settings_requested)
        self.history_button = QPushButton("History")
        self.history_button.setToolTip("Your sessions, streak and check-ins")
        self.history_button.clicked.connect(self.history_requested)
        header.addWidget(self.history_button, alignment=Qt.AlignmentFlag.AlignTop)
        header.addSpacing(8)
        header.addWidget(self.settings_button, alignment=Qt.AlignmentFlag.AlignTop)
        left.addLayout(header)
        left.addSpacing(16)
        self.list = CardList()
        self.list.setAccessibleName("Routines")
        self.list.current_changed.connect(self.selected)
        self.list.activated.connect(self.start_requested)
        left.addWidget(self.list)
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
        cards += [_broken_card(problems) for problems in by_file.values()]
        self.list.set_cards(cards)
        ids = [card.routine_id for card in cards]
        self.list.set_current(ids.index(current) if current and current in ids else 0)

    def refresh_lengths(self) -> None:
        """Updates the length on each card after the person changed durations."""
        for card in self.list.cards:
            found = self._library.find(card.routine_id) if card.routine_id else None
            if found is not None:
                card.lines[0].setText(_meta(found.routine, self._seconds(found.routine),
                                            found.bundled))


def _broken_card(problems: list[RoutineProblem]) -> Card:
    """One greyed card per file, with each problem on its own line."""
    reasons = [f"{problem.where + ': ' if problem.where else ''}{problem.message}"
               for problem in problems]
    name = problems[0].path.name
    card = Card("", name, [("Could not be loaded", "muted"),
                           *((reason, "muted") for reason in reasons)])
    card.setToolTip("\n".join(str(problem) for problem in problems))
    card.setAccessibleName(f"Broken routine file {name}: {'; '.join(reasons)}")
    return card


class SetupPanel(QFrame):
    """Before starting: step durations, fit to a length, soundtrack, volumes."""

    choices_changed = Signal()
    fit_requested = Signal(RoutineChoices)
    """Fit or Reset: the window works out the durations and shows them (`show_durations`)."""
    preview_requested = Signal(str)
    add_soundtrack_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.routine_id = ""
        self.routine: Routine | None = None
        self._spins: dict[str, QSpinBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 32, 28, 24)
        layout.setSpacing(10)
        self.title = label("", "h2", wrap=True)
        self.length = label("", "muted")
        layout.addWidget(self.title)
        layout.addWidget(self.length)

        self.safety = label("", "muted", wrap=True)
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
        self.fit.setFixedWidth(92)
        self.fit.setAccessibleName("Target session length in minutes")
        self.fit.setToolTip("Scale every step so the session takes about this long")
        self.fit.lineEdit().returnPressed.connect(self._apply_fit)  # Enter fits, as Fit does
        fit_row.addWidget(self.fit)
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Fit the whole session to this length")
        self.fit_button.clicked.connect(self._apply_fit)
        fit_row.addWidget(self.fit_button)
        fit_row.addStretch()
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the routine's own durations")
        self.reset_button.clicked.connect(self._reset)
        fit_row.addWidget(self.reset_button)
        layout.addLayout(fit_row)

        self.steps_scroll = QScrollArea()
        self.steps_scroll.setWidgetResizable(True)
        self.steps_scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.steps_scroll, 1)

        sound_row = QHBoxLayout()
        sound_row.addWidget(label("Soundtrack"))
        self.ambient = QComboBox()
        self.ambient.setAccessibleName("Ambient soundtrack")
        self.ambient.currentIndexChanged.connect(self._on_ambient)
        sound_row.addWidget(self.ambient, 1)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip("Hear a few seconds of this soundtrack")
        self.preview_button.clicked.connect(
            lambda: self.preview_requested.emit(self.ambient.currentData() or "none"))
        sound_row.addWidget(self.preview_button)
        layout.addLayout(sound_row)
        self.add_button = QPushButton("Add soundtrack…")
        self.add_button.setToolTip("Use your own audio file (wav, flac, ogg, mp3)")
        self.add_button.clicked.connect(self.add_soundtrack_requested)
        layout.addWidget(self.add_button, alignment=Qt.AlignmentFlag.AlignLeft)

        self.volume = VolumeControls()
        layout.addWidget(self.volume)

        self.checkin = ComfortCheckIn("How does your back feel?")
        layout.addWidget(self.checkin)

        self.voice_status = label("", "muted")
        self.voice_progress = QProgressBar()
        self.voice_progress.setRange(0, 100)
        self.voice_progress.setAccessibleName("Voice preparation")
        layout.addWidget(self.voice_status)
        layout.addWidget(self.voice_progress)
        self.start_button = QPushButton("Start session")
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Start session")
        self.start_button.setToolTip("Start (Space, or Enter on a card)")
        layout.addWidget(self.start_button)

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
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(0, 1)
        self._spins.clear()
        for row, step in enumerate(routine.steps):
            spin = QuietSpinBox()
            spin.setRange(round(step.shortest), round(step.longest))
            spin.setSingleStep(5)
            spin.setSuffix(" s")
            spin.setFixedWidth(92)
            spin.setAccessibleName(f"{step.title} duration in seconds")
            spin.setToolTip(f"{format_clock(step.shortest)} to {format_clock(step.longest)}")
            spin.valueChanged.connect(self._on_step_changed)
            grid.addWidget(label(step.title), row, 0)
            grid.addWidget(spin, row, 1)
            self._spins[step.id] = spin
        self.steps_scroll.setWidget(steps_box)  # the scroll area deletes the previous one
        with QSignalBlocker(self.ambient):
            self.ambient.clear()
            for value, title in [*((key, title) for key, (title, _) in GENERATORS.items()),
                                 *soundtracks, ("none", "None")]:
                self.ambient.addItem(title, value)
            index = self.ambient.findData(choices.ambient)
            self.ambient.setCurrentIndex(index if index >= 0 else 0)
        self.show_durations(durations)

    def show_preparation(self, fraction: float, note: str = "") -> None:
        self.voice_progress.setValue(round(fraction * 100))
        if note:
            self.voice_status.setText(note)
        elif fraction >= 1.0:
            self.voice_status.setText("Voice ready")
        else:
            self.voice_status.setText(f"Preparing the voice… {fraction:.0%}")
        self.voice_progress.setVisible(fraction < 1.0)

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
        self.choices_changed.emit()

    def _apply_fit(self) -> None:
        self.fit_requested.emit(RoutineChoices(step_durations={}, fit_minutes=self.fit.value()))

    def _reset(self) -> None:
        self.fit_requested.emit(RoutineChoices())
