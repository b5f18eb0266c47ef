"""The thin Qt adapter over a `LiveSession`: its events become typed signals, the window's
actions become session commands, and a timer wakes only when something on screen changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from backcare_desktop.errors import Notice
from backcare_desktop.figure.motion import scene_of
from backcare_desktop.session.live import LiveSession, SessionEvent, Stage, StageChanged
from backcare_desktop.session.player import (
    CueDue,
    Player,
    State,
    StateChanged,
    StepChanged,
)
from backcare_desktop.session.snapshot import Snapshot, snapshot_at
from backcare_desktop.session.timeline import Timeline

FRAME_MS = 33
"""The pacer's frame interval while a breathing step plays: 30 a second moves the bubble
and the ring by about a pixel at a time, and each frame repaints only what moved."""
MOVING_FIGURE_FPS = 24
FIGURE_FRAME_MS = 1000 // MOVING_FIGURE_FPS
"""The figure's frame interval while a movement plays (24 a second): smooth for strokes
and rolls that take seconds each."""
PREPARING_POLL_MS = 100


class SessionPresenter(QObject):
    changed = Signal()
    """Something on screen may look different now."""
    stage_changed = Signal(Stage, str)
    state_changed = Signal(State)
    step_changed = Signal(int)
    cue_spoken = Signal(str)
    finished = Signal()
    notice = Signal(Notice)
    figure_frame = Signal()
    """Only the moving figure looks different now."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: LiveSession | None = None
        self._wake = QTimer(self)
        self._wake.setSingleShot(True)
        self._wake.timeout.connect(self.tick)
        self._frames = QTimer(self)
        self._frames.setInterval(FRAME_MS)
        self._frames.timeout.connect(self.tick)
        self._figure_frames = QTimer(self)
        self._figure_frames.setInterval(FIGURE_FRAME_MS)
        self._figure_frames.timeout.connect(self.figure_frame)
        self.still_figure = False
        """Reduced motion: the figure needs no frames of its own."""

    # What the window reads -------------------------------------------------------------------

    @property
    def player(self) -> Player | None:
        return self.session.player if self.session else None

    @property
    def timeline(self) -> Timeline | None:
        return self.session.timeline if self.session else None

    @property
    def state(self) -> State:
        return self.session.player.state if self.session else State.IDLE

    @property
    def stage(self) -> Stage | None:
        return self.session.stage if self.session else None

    def snapshot(self) -> Snapshot | None:
        if self.session is None:
            return None
        return _snapshot(self.session)

    @property
    def animating(self) -> bool:
        return self._frames.isActive()

    # Commands --------------------------------------------------------------------------------

    def attach(self, session: LiveSession) -> None:
        """Presents `session` from now on (the previous one is closed)."""
        self.close()
        self.session = session
        session.subscribe(self._on_event)
        self.changed.emit()
        self.tick()

    def start(self) -> None:
        self._command(LiveSession.start)

    def toggle_pause(self) -> None:
        self._command(LiveSession.toggle_pause)

    def next_step(self) -> None:
        self._command(LiveSession.next_step)

    def previous_step(self) -> None:
        self._command(LiveSession.previous_step)

    def restart_step(self) -> None:
        self._command(LiveSession.restart_step)

    def where_am_i(self) -> None:
        self._command(LiveSession.where_am_i)

    def seek(self, seconds: float) -> None:
        if self.session is not None:
            self.session.seek(seconds)
            self.tick()

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()
        self._wake.stop()
        self._frames.stop()
        self._figure_frames.stop()

    def close(self) -> None:
        """Stops the session and lets go of it."""
        self.stop()
        self.session = None

    def _command(self, command: Callable[[LiveSession], object]) -> None:
        if self.session is None:
            return
        command(self.session)
        self.tick()

    # Time ------------------------------------------------------------------------------------

    def tick(self) -> None:
        """Moves the session on, repaints, and sleeps until the next change."""
        session = self.session
        if session is None:
            return
        session.tick()
        for notice in session.take_notices():
            self.notice.emit(notice)
        if self.session is not session:  # a listener ended it and moved on
            return
        self.changed.emit()
        if session.stage in (Stage.PREPARING, Stage.READY):
            self._frames.stop()
            self._figure_frames.stop()
            self._wake.start(PREPARING_POLL_MS)
            return
        player = session.player
        running = player.state is State.RUNNING
        breathing = running and player.current_step.step.breathing is not None
        _keep_running(self._frames, breathing)
        moving = (running and not breathing and not self.still_figure
                  and scene_of(player.current_step).moves)
        _keep_running(self._figure_frames, moving)
        if running:
            self._wake.start(self._milliseconds_to_next_change(session))
        elif session.stage is Stage.PAUSED:
            self._wake.start(PREPARING_POLL_MS * 5)  # notices still come while paused
        else:
            self._wake.stop()

    @property
    def figure_moving(self) -> bool:
        return self._figure_frames.isActive()

    @staticmethod
    def _milliseconds_to_next_change(session: LiveSession) -> int:
        player = session.player
        position = player.position
        step_left = player.current_step.end - position
        waits = [step_left - math.floor(step_left - 1e-6) if step_left > 0 else 1.0]
        if player.next_event_time is not None:
            waits.append(player.next_event_time - position)
        snapshot = _snapshot(session)
        if snapshot.caption:
            waits.append(snapshot.caption_ends - position)
        wait = min(max(min(waits), 0.005), 1.0)
        return max(1, round(wait * 1000) + 2)

    def _on_event(self, event: SessionEvent) -> None:
        if isinstance(event, StageChanged):
            self.stage_changed.emit(event.stage, event.reason)
        elif isinstance(event, StateChanged):
            self.state_changed.emit(event.state)
        elif isinstance(event, StepChanged):
            self.step_changed.emit(event.step.index)
        elif isinstance(event, CueDue):
            self.cue_spoken.emit(event.cue.text)
        if isinstance(event, StageChanged) and event.stage is Stage.FINISHED:
            self.finished.emit()


def _snapshot(session: LiveSession) -> Snapshot:
    return snapshot_at(session.timeline, session.player.position, session.speech_seconds)


def _keep_running(timer: QTimer, wanted: bool) -> None:
    if wanted and not timer.isActive():
        timer.start()
    elif not wanted:
        timer.stop()
