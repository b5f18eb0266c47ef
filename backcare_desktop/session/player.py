"""Walking a timeline in time: the session's state machine.

The player never reads the wall clock itself. In production its clock is the audio stream's
frame count, so what the window shows and what the speakers play come from one source; in
tests it is a clock the test moves by hand.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from backcare_desktop.session.timeline import BreathPhase, TimedCue, TimedStep, Timeline

PREVIOUS_RESTARTS_AFTER = 2.0
"""Seconds into a step after which "previous" restarts it rather than going back, as in music
players."""

LARGE_CLOCK_JUMP = 5.0
"""A gap between ticks longer than this (a laptop waking from sleep) pauses rather than catching
up."""


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to: tests, renders and screenshots use it."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._now += seconds


class State(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


@dataclass(frozen=True)
class StepChanged:
    step: TimedStep


@dataclass(frozen=True)
class CueDue:
    cue: TimedCue


@dataclass(frozen=True)
class BreathingPhaseChanged:
    phase: BreathPhase | None


@dataclass(frozen=True)
class StateChanged:
    state: State
    reason: str = ""


@dataclass(frozen=True)
class Finished:
    pass


Event = StepChanged | CueDue | BreathingPhaseChanged | StateChanged | Finished
Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Anchor:
    """Where the session was at one moment of the clock, and whether it is moving.

    Swapped whole, never mutated, so the audio thread can read a consistent pair.
    """

    position: float
    clock_time: float
    moving: bool

    def position_at(self, clock_time: float) -> float:
        return self.position + (clock_time - self.clock_time if self.moving else 0.0)


@dataclass(frozen=True)
class _Mark:
    """One moment in the timeline at which the player has something to announce."""

    time: float
    order: int
    event: Event


class Player:
    def __init__(self, timeline: Timeline, clock: Clock) -> None:
        self.timeline = timeline
        self._clock = clock
        self._listeners: list[Listener] = []
        self._marks = _marks(timeline)
        self._mark_times = [mark.time for mark in self._marks]
        self._state = State.IDLE
        self.anchor = Anchor(0.0, clock.now(), moving=False)
        self._next_mark = 0
        self._step: TimedStep | None = None
        self._phase: BreathPhase | None = None
        self._last_tick = clock.now()

    # What the views read -------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def position(self) -> float:
        return min(max(self.anchor.position_at(self._clock.now()), 0.0), self.timeline.duration)

    @property
    def current_step(self) -> TimedStep:
        return self._step or self.timeline.steps[0]

    @property
    def current_phase(self) -> BreathPhase | None:
        return self._phase

    @property
    def next_event_time(self) -> float | None:
        """Session time of the next thing to announce, so a view can sleep until then."""
        if self._next_mark < len(self._marks):
            return self._marks[self._next_mark].time
        return self.timeline.duration if self._state is State.RUNNING else None

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    # Commands ------------------------------------------------------------------------

    def start(self, lead_in: float = 0.0) -> None:
        """Starts from the beginning (also after finishing or stopping).

        `lead_in` seconds of silence come first: sound is made a little ahead of the
        device, so without them the first word would start a few milliseconds in.
        """
        self._step = None
        self._phase = None
        self._set_state(State.RUNNING)
        self._jump(0.0)
        if lead_in > 0:
            self._move_from(-lead_in)

    def pause(self, reason: str = "") -> None:
        if self._state is State.RUNNING:
            self.tick()
            if self._state is State.RUNNING:
                self._hold(self.position)
                self._set_state(State.PAUSED, reason)

    def resume(self) -> None:
        if self._state is State.PAUSED:
            self._move_from(self.anchor.position)
            self._set_state(State.RUNNING)

    def toggle_pause(self) -> None:
        if self._state is State.IDLE or self._state is State.FINISHED:
            self.start()
        elif self._state is State.RUNNING:
            self.pause()
        else:
            self.resume()

    def stop(self) -> None:
        self._hold(0.0)
        self._next_mark = 0
        self._step = None
        self._phase = None
        self._set_state(State.IDLE)

    def seek(self, position: float) -> None:
        if self._state is State.IDLE or self._state is State.FINISHED:
            self._set_state(State.PAUSED)
        self._jump(min(max(position, 0.0), self.timeline.duration))

    def next_step(self) -> None:
        index = self.current_step.index + 1
        if index < len(self.timeline.steps):
            self.seek(self.timeline.steps[index].start)
        elif self._state in (State.RUNNING, State.PAUSED):
            self.seek(self.timeline.duration)

    def previous_step(self) -> None:
        step = self.current_step
        if self.position - step.start > PREVIOUS_RESTARTS_AFTER or step.index == 0:
            self.seek(step.start)
        else:
            self.seek(self.timeline.steps[step.index - 1].start)

    def restart_step(self) -> None:
        self.seek(self.current_step.start)

    def tick(self) -> None:
        """Announces everything the playhead has reached since the last tick."""
        now = self._clock.now()
        gap, self._last_tick = now - self._last_tick, now
        if self._state is not State.RUNNING:
            return
        if gap > LARGE_CLOCK_JUMP:
            self._hold(self.anchor.position_at(now - gap))
            self._set_state(State.PAUSED, "the clock jumped (the computer may have slept)")
            return
        self._fire_until(self.position)

    # Internals -----------------------------------------------------------------------

    def _jump(self, position: float) -> None:
        if self._state is State.RUNNING:
            self._move_from(position)
        else:
            self._hold(position)
        self._announce(StepChanged(self.timeline.steps[self.timeline.step_index_at(position)]))
        phase_index = self.timeline.phase_index_at(position)
        self._announce(BreathingPhaseChanged(
            None if phase_index is None else self.timeline.phases[phase_index]))
        self._next_mark = bisect.bisect_left(self._mark_times, position)
        self._fire_until(position)

    def _fire_until(self, position: float) -> None:
        while self._next_mark < len(self._marks) and self._marks[self._next_mark].time <= position:
            mark = self._marks[self._next_mark]
            self._next_mark += 1
            self._announce(mark.event)
        if position >= self.timeline.duration and self._state is State.RUNNING:
            self._hold(self.timeline.duration)
            self._set_state(State.FINISHED)
            self._emit(Finished())

    def _announce(self, event: Event) -> None:
        """Emits a step or phase change only when it changes something, so none repeats."""
        if isinstance(event, StepChanged):
            if self._step == event.step:
                return
            self._step = event.step
        elif isinstance(event, BreathingPhaseChanged):
            if self._phase == event.phase:
                return
            self._phase = event.phase
        self._emit(event)

    def _hold(self, position: float) -> None:
        self.anchor = Anchor(position, self._clock.now(), moving=False)

    def _move_from(self, position: float) -> None:
        now = self._clock.now()
        self._last_tick = now
        self.anchor = Anchor(position, now, moving=True)

    def _set_state(self, state: State, reason: str = "") -> None:
        if state is not self._state:
            self._state = state
            self._emit(StateChanged(state, reason))

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)


def _marks(timeline: Timeline) -> list[_Mark]:
    marks = [_Mark(step.start, 0, StepChanged(step)) for step in timeline.steps]
    for index, phase in enumerate(timeline.phases):
        marks.append(_Mark(phase.start, 1, BreathingPhaseChanged(phase)))
        following = timeline.phases[index + 1] if index + 1 < len(timeline.phases) else None
        if following is None or following.start > phase.end + 1e-9:
            marks.append(_Mark(phase.end, 1, BreathingPhaseChanged(None)))
    marks.extend(_Mark(cue.time, 2, CueDue(cue)) for cue in timeline.cues)
    marks.sort(key=lambda mark: (mark.time, mark.order))
    return marks
