"""Between the player and the window: the player's events become Qt signals, the window's
actions become player commands, and a timer wakes only when something on screen changes.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QTimer, Signal

from backcare_desktop.session.player import (
    Clock,
    CueDue,
    Event,
    Finished,
    Player,
    State,
    StateChanged,
    StepChanged,
)
from backcare_desktop.session.snapshot import Snapshot, snapshot_at
from backcare_desktop.session.timeline import Timeline

FRAME_MS = 16
"""The pacer's frame interval while a breathing step plays (about the display's rate)."""


class SessionPresenter(QObject):
    changed = Signal()
    """Something on screen may look different now."""
    state_changed = Signal(str)
    step_changed = Signal(int)
    cue_spoken = Signal(str)
    finished = Signal()

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.player: Player | None = None
        self._wake = QTimer(self)
        self._wake.setSingleShot(True)
        self._wake.timeout.connect(self.tick)
        self._frames = QTimer(self)
        self._frames.setInterval(FRAME_MS)
        self._frames.timeout.connect(self.tick)

    # What the window reads -------------------------------------------------------------------

    @property
    def timeline(self) -> Timeline | None:
        return self.player.timeline if self.player else None

    @property
    def state(self) -> State:
        return self.player.state if self.player else State.IDLE

    def snapshot(self) -> Snapshot | None:
        if self.player is None:
            return None
        return snapshot_at(self.player.timeline, self.player.position)

    @property
    def animating(self) -> bool:
        return self._frames.isActive()

    # Commands --------------------------------------------------------------------------------

    def load(self, timeline: Timeline) -> None:
        self.stop()
        self.player = Player(timeline, self._clock)
        self.player.subscribe(self._on_event)
        self.changed.emit()

    def start(self) -> None:
        self._command("start")

    def toggle_pause(self) -> None:
        self._command("toggle_pause")

    def next_step(self) -> None:
        self._command("next_step")

    def previous_step(self) -> None:
        self._command("previous_step")

    def restart_step(self) -> None:
        self._command("restart_step")

    def seek(self, seconds: float) -> None:
        if self.player is not None:
            self.player.seek(seconds)
            self.tick()

    def stop(self) -> None:
        if self.player is not None and self.player.state is not State.IDLE:
            self.player.stop()
        self._wake.stop()
        self._frames.stop()

    def _command(self, name: str) -> None:
        if self.player is None:
            return
        getattr(self.player, name)()
        self.tick()

    # Time ------------------------------------------------------------------------------------

    def tick(self) -> None:
        """Lets the player announce what is due, repaints, and sleeps until the next change."""
        player = self.player
        if player is None:
            return
        player.tick()
        self.changed.emit()
        running = player.state is State.RUNNING
        breathing = running and player.current_step.step.breathing is not None
        if breathing and not self._frames.isActive():
            self._frames.start()
        elif not breathing:
            self._frames.stop()
        if running:
            self._wake.start(self._milliseconds_to_next_change(player))
        else:
            self._wake.stop()

    @staticmethod
    def _milliseconds_to_next_change(player: Player) -> int:
        position = player.position
        step_left = player.current_step.end - position
        waits = [step_left - math.floor(step_left - 1e-6) if step_left > 0 else 1.0]
        if player.next_event_time is not None:
            waits.append(player.next_event_time - position)
        snapshot = snapshot_at(player.timeline, position)
        if snapshot.caption:
            waits.append(snapshot.caption_ends - position)
        wait = min(max(min(waits), 0.005), 1.0)
        return max(1, round(wait * 1000) + 2)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, StateChanged):
            self.state_changed.emit(event.state.value)
        elif isinstance(event, StepChanged):
            self.step_changed.emit(event.step.index)
        elif isinstance(event, CueDue):
            self.cue_spoken.emit(event.cue.text)
        elif isinstance(event, Finished):
            self.finished.emit()
