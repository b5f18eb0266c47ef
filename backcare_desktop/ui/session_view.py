"""The session view and the end screen: they show a snapshot and offer the controls."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from backcare_desktop.durations import format_clock, format_length
from backcare_desktop.figure.body import Position
from backcare_desktop.figure.motion import Frame, fullness, still_frame
from backcare_desktop.figure.scenes import SCENES
from backcare_desktop.session.player import State
from backcare_desktop.session.snapshot import Snapshot
from backcare_desktop.session.timeline import PhaseKind, Timeline
from backcare_desktop.ui.checkin import ComfortCheckIn
from backcare_desktop.ui.figure_view import FigureView
from backcare_desktop.ui.icons import icon
from backcare_desktop.ui.library import label
from backcare_desktop.ui.theme import LIGHT, Palette
from backcare_desktop.ui.volume import VolumeControls
from backcare_desktop.ui.widgets import SessionBar, StepRing

CONTROLS = (
    # name, icon, accessible name, tooltip
    ("restart", "restart", "Restart step", "Restart this step (R)"),
    ("previous", "previous", "Previous step", "Previous step (Left)"),
    ("play", "pause", "Pause", "Pause or resume (Space)"),
    ("next", "next", "Next step", "Next step (Right)"),
    ("stop", "stop", "Stop session", "Stop and go back to the library (Esc)"),
)
PHASE_WORDS = {PhaseKind.INHALE: "Breathe in", PhaseKind.EXHALE: "Breathe out"}
"""What the pacer says in each phase; both holds are "Hold"."""


class SessionView(QWidget):
    command = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.palette_ = LIGHT
        self.captions = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 20, 48, 16)
        layout.setSpacing(6)

        header = QHBoxLayout()
        self.routine_title = label("", "eyebrow", wrap=True)  # a long name wraps, never cut
        self.step_count = label("", "muted")
        self.session_left = label("", "muted")
        header.addWidget(self.routine_title, 1)
        header.addSpacing(12)
        header.addWidget(self.step_count)
        header.addStretch()
        header.addWidget(self.session_left)
        header.addSpacing(12)
        self.volume = VolumeControls()
        self.sound_button = QToolButton()
        self.sound_button.setText("Sound")
        self.sound_button.setAccessibleName("Sound volumes")
        self.sound_button.setToolTip("Voice, tones and soundtrack volumes")
        self.sound_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.sound_menu = _InsideWindowMenu(self.sound_button)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(14, 10, 14, 10)
        holder_layout.addWidget(self.volume)
        action = QWidgetAction(self.sound_menu)
        action.setDefaultWidget(holder)
        self.sound_menu.addAction(action)
        self.sound_menu.aboutToShow.connect(self.volume.sliders["voice"].setFocus)
        self.sound_button.setMenu(self.sound_menu)
        header.addWidget(self.sound_button)
        layout.addLayout(header)

        body = QHBoxLayout()
        body.setSpacing(32)
        self.figure = FigureView()
        self.figure.setAccessibleName("The step's figure")
        body.addWidget(self.figure, 7)
        self.ring = StepRing()
        self.ring.setAccessibleName("Time left in this step")
        body.addWidget(self.ring, 3)
        layout.addLayout(body, 5)

        self.step_title = label("", "h1", wrap=True)
        self.side = label("", "chip")
        title_row = QHBoxLayout()
        title_row.addWidget(self.step_title)
        title_row.addSpacing(12)
        title_row.addWidget(self.side, alignment=Qt.AlignmentFlag.AlignVCenter)
        title_row.addStretch()
        layout.addLayout(title_row)
        self.instruction = label("", "instruction", wrap=True)
        self.instruction.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.instruction)
        self.description = label("", "muted", wrap=True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setAccessibleName("How to do this step")
        self.description_area = _quiet_scroller(self.description)
        layout.addWidget(self.description_area, 1)
        self.caption = label("", "caption", wrap=True)
        # Its accessible name is its text (a QLabel's default): a screen reader reads what
        # the voice says, and the description says what that line is.
        self.caption.setAccessibleDescription("What the voice is saying")
        self.caption.setMinimumHeight(28)
        layout.addWidget(self.caption)
        self.next_up = label("", "muted")
        self.next_figure = FigureView(detail=False)
        self.next_figure.setAccessibleName("The next step's figure")
        next_row = QHBoxLayout()
        next_row.addWidget(self.next_figure)
        next_row.addWidget(self.next_up, 1)
        layout.addLayout(next_row)

        self.bar = SessionBar()
        layout.addWidget(self.bar)

        controls = QHBoxLayout()
        controls.addStretch()
        self.buttons: dict[str, QToolButton] = {}
        for name, _, accessible, tip in CONTROLS:
            button = QToolButton()
            button.setAccessibleName(accessible)
            button.setToolTip(tip)
            primary = name == "play"
            button.setIconSize(QSize(40, 40) if primary else QSize(26, 26))
            if primary:
                button.setProperty("role", "primary")
                button.setFixedSize(64, 64)
            button.clicked.connect(lambda _=False, command=name: self.command.emit(command))
            controls.addWidget(button)
            controls.addSpacing(6)
            self.buttons[name] = button
        controls.addStretch()
        layout.addLayout(controls)
        self.set_palette(LIGHT)

    def set_palette(self, palette: Palette) -> None:
        self.palette_ = palette
        self.ring.palette_ = palette
        self.bar.palette_ = palette
        for name, icon_name, _, _ in CONTROLS:
            colour = palette.accent_text if name == "play" else palette.text
            self.buttons[name].setIcon(icon(icon_name, colour))
        self.update()

    def show_figure(self, frame: Frame, following: Frame | None) -> None:
        """The step's figure now, and the next step's key pose beside "Next"."""
        self.figure.show_frame(frame, self.palette_)
        self.next_figure.show_frame(following, self.palette_)
        self.next_figure.setVisible(following is not None)

    def show_timeline(self, timeline: Timeline) -> None:
        self.routine_title.setText(timeline.title.upper())
        self.bar.marks = [step.start / timeline.duration for step in timeline.steps[1:]]

    def show_state(self, state: State) -> None:
        running = state is State.RUNNING
        play = self.buttons["play"]
        play.setIcon(icon("pause" if running else "play", self.palette_.accent_text))
        play.setAccessibleName("Pause" if running else "Resume")

    def show_snapshot(self, snap: Snapshot, total_steps: int, paused: bool) -> None:
        step = snap.step.step
        self.step_count.setText(f"Step {snap.step.index + 1} of {total_steps}")
        self.session_left.setText(f"{format_clock(snap.session_left)} left")
        self.step_title.setText(step.title)
        self.instruction.setText(step.instruction)
        self.description.setText(step.description)
        self.description_area.setVisible(bool(step.description))
        self.side.setVisible(snap.side is not None)
        self.side.setText(f"{(snap.side or '').capitalize()} side")
        if paused:
            self.caption.setText("Paused. Press Space to go on.")
        else:
            self.caption.setText(f"\u201c{snap.caption}\u201d" if snap.caption and self.captions
                                 else "")
        time_left = format_clock(snap.step_left)
        self.next_up.setText(f"Next: {snap.next_title} in {time_left}" if snap.next_title
                             else f"Last step: {time_left} left")
        if snap.phase is not None and step.breathing is not None:
            word = PHASE_WORDS.get(snap.phase.kind, "Hold")
            count = f"breath {snap.breath_number} of {snap.breaths}"
            self.ring.show_progress(snap.step_progress, "", step.breathing.words,
                                    (fullness(snap.phase.kind, snap.phase_fraction),
                                     word, count))
            _describe(self.ring, f"{time_left} left in {step.title}; {word.lower()}, {count}")
        else:
            self.ring.show_progress(snap.step_progress, time_left, "paused" if paused else "",
                                    None)
            _describe(self.ring, f"{time_left} left in {step.title}")
        self.bar.show_progress(snap.session_progress)
        _describe(self.bar, f"{format_clock(snap.session_left)} left of the session")


class _InsideWindowMenu(QMenu):
    """A menu that opens inside its window: hung from a button at the window's right edge,
    Qt would open it past the edge (180 px past, for the Sound menu)."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        owner = self.parentWidget()
        if owner is None:
            return
        window = owner.window()
        corner = window.mapToGlobal(QPoint(0, 0))
        right = corner.x() + window.width() - self.width()
        bottom = corner.y() + window.height() - self.height()
        self.move(max(corner.x(), min(self.x(), right)), max(corner.y(), min(self.y(), bottom)))


def _describe(widget: QWidget, text: str) -> None:
    """Sets an accessible description when it changes: each change is an event for the
    screen reader, and the view is drawn up to 30 times a second."""
    if widget.accessibleDescription() != text:
        widget.setAccessibleDescription(text)


def _quiet_scroller(text: QWidget) -> QScrollArea:
    """`text` in a frameless area that scrolls when it is longer than the room left, on the
    page's own background."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(text)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the Sound menu to the controls
    area.setMinimumHeight(36)
    area.setMaximumHeight(120)
    area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    area.viewport().setAutoFillBackground(False)
    text.setAutoFillBackground(False)
    return area


CLOSING: dict[Position, tuple[str, str]] = {
    Position.LYING: ("lying-side", "Take a moment before you get up. Roll to your side, and "
                                   "rise slowly."),
    Position.LYING_SIDE: ("lying-side", "Take a moment, then push yourself up slowly with "
                                        "your arms."),
    Position.SEATED: ("seated-rest", "Take a moment before you stand. Rise slowly, and keep "
                                     "your shoulders soft."),
    Position.SEATED_FLOOR: ("floor-sitting", "Take a moment, then come up slowly, one foot at "
                                             "a time."),
    Position.ALL_FOURS: ("floor-sitting", "Take a moment. Sit down slowly, then come up one "
                                          "foot at a time."),
    Position.STANDING: ("seated-rest", "Take a moment before you move on, and let your "
                                       "shoulders stay soft."),
}
"""The end screen's picture and words, from how the last step left the body."""


class EndView(QWidget):
    """A short, calm end screen."""

    again = Signal()
    library = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)  # fits 1920x1080 at 200% (540 px)
        layout.addStretch(2)
        self.figure = FigureView(detail=False)
        self.figure.setFixedSize(260, 190)
        layout.addWidget(self.figure, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        heading = label("Well done.", "h1")
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(heading)
        self.summary = label("", "muted", wrap=True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.summary)
        self.advice = label("", "caption", wrap=True)
        self.advice.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.advice)
        layout.addSpacing(20)
        self.checkin = ComfortCheckIn("How does your back feel now?")
        self.checkin.setMaximumWidth(460)
        self.checkin.install_keys(self)
        layout.addWidget(self.checkin, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(20)
        row = QHBoxLayout()
        row.addStretch()
        self.library_button = QPushButton("Back to the library")
        self.library_button.clicked.connect(self.library)
        self.again_button = QPushButton("Once more")
        self.again_button.setProperty("role", "primary")
        self.again_button.clicked.connect(self.again)
        row.addWidget(self.library_button)
        row.addSpacing(10)
        row.addWidget(self.again_button)
        row.addStretch()
        layout.addLayout(row)
        layout.addStretch(3)

    def show_result(self, timeline: Timeline, palette: Palette, seconds_spent: float,
                    steps_done: int, steps_skipped: int) -> None:
        """What the person actually did: the time played, the steps done and those skipped
        (skips and pauses leave them short of the plan), and how to get up from where the
        last step left the body."""
        scene_name, words = CLOSING[timeline.steps[-1].step.body_position]
        self.figure.show_frame(still_frame(SCENES[scene_name]), palette)
        self.advice.setText(words)
        total = len(timeline.steps)
        steps = f"all {total} steps" if steps_done == total else f"{steps_done} of {total} steps"
        if steps_skipped:
            steps += f", {steps_skipped} skipped"
        self.summary.setText(f"{timeline.title}  ·  {format_length(seconds_spent)} of "
                             f"{format_length(timeline.duration)}  ·  {steps}")


