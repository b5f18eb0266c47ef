"""Compiling a routine and the user's adjustments into a timeline of absolute times.

This is a pure function of its inputs: the player, the mixer, the file export and the
screenshots all read the same timeline, so they cannot disagree about when anything happens.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from backcare_desktop.routines.breathing import BreathingPattern
from backcare_desktop.routines.model import Routine, Step


class CueKind(StrEnum):
    ANNOUNCE = "announce"
    CUE = "cue"
    SWITCH = "switch"
    BREATH = "breath"


class PhaseKind(StrEnum):
    INHALE = "inhale"
    HOLD_IN = "hold_in"
    EXHALE = "exhale"
    HOLD_OUT = "hold_out"

    @property
    def spoken(self) -> str:
        return {"inhale": "Breathe in.", "exhale": "Breathe out."}.get(self.value, "Hold.")

    @property
    def label(self) -> str:
        return {"inhale": "In", "exhale": "Out"}.get(self.value, "Hold")


@dataclass(frozen=True)
class SideSpan:
    side: str
    start: float
    end: float


@dataclass(frozen=True)
class TimedStep:
    index: int
    step: Step
    start: float
    end: float
    sides: tuple[SideSpan, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start

    def side_at(self, time: float) -> str | None:
        return next((span.side for span in self.sides if span.start <= time < span.end), None)


@dataclass(frozen=True)
class TimedCue:
    time: float
    text: str
    kind: CueKind
    step_index: int


@dataclass(frozen=True)
class BreathPhase:
    start: float
    end: float
    kind: PhaseKind
    step_index: int
    cycle: int

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Timeline:
    routine_id: str
    title: str
    steps: tuple[TimedStep, ...]
    cues: tuple[TimedCue, ...]
    phases: tuple[BreathPhase, ...]
    duration: float
    _step_starts: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _phase_starts: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _cue_times: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_step_starts", tuple(step.start for step in self.steps))
        object.__setattr__(self, "_phase_starts", tuple(phase.start for phase in self.phases))
        object.__setattr__(self, "_cue_times", tuple(cue.time for cue in self.cues))

    def step_index_at(self, time: float) -> int:
        """The step playing at `time`; the last step once the session has ended."""
        return max(0, bisect.bisect_right(self._step_starts, time) - 1)

    def last_cue_index_at(self, time: float) -> int | None:
        """The most recent cue at or before `time`, if any."""
        index = bisect.bisect_right(self._cue_times, time) - 1
        return index if index >= 0 else None

    def phase_index_at(self, time: float) -> int | None:
        index = bisect.bisect_right(self._phase_starts, time) - 1
        if index >= 0 and time < self.phases[index].end:
            return index
        return None


@dataclass(frozen=True)
class Adjustments:
    """What the user changed: per-step durations in seconds, and an optional session length."""

    step_durations: Mapping[str, float] = field(default_factory=dict)
    fit_minutes: float | None = None


class AdjustmentError(ValueError):
    """An adjustment that names something the routine does not have."""


def compile_timeline(routine: Routine, adjustments: Adjustments | None = None) -> Timeline:
    durations = resolve_durations(routine, adjustments or Adjustments())
    steps: list[TimedStep] = []
    cues: list[TimedCue] = []
    phases: list[BreathPhase] = []
    start = 0.0
    for index, (step, duration) in enumerate(zip(routine.steps, durations, strict=True)):
        end = start + duration
        steps.append(TimedStep(index, step, start, end, _sides(step, start, end)))
        cues.extend(_step_cues(index, step, start, end))
        if step.breathing is not None:
            step_phases = _breath_phases(index, step.breathing, start, end)
            phases.extend(step_phases)
            cues.extend(
                TimedCue(phase.start, phase.kind.spoken, CueKind.BREATH, index)
                for phase in step_phases
                if phase.cycle < step.breathing.spoken_cycles
            )
        start = end
    cues.sort(key=lambda cue: (cue.time, _CUE_ORDER[cue.kind]))
    return Timeline(routine.id, routine.title, tuple(steps), tuple(cues), tuple(phases), start)


_CUE_ORDER = {CueKind.ANNOUNCE: 0, CueKind.SWITCH: 1, CueKind.CUE: 2, CueKind.BREATH: 3}


def resolve_durations(routine: Routine, adjustments: Adjustments) -> list[float]:
    """Each step's duration: the user's choice held to the step's bounds, then fitted if asked."""
    known = {step.id for step in routine.steps}
    unknown = sorted(set(adjustments.step_durations) - known)
    if unknown:
        raise AdjustmentError(
            f"routine {routine.id!r} has no step {unknown[0]!r} (steps: {', '.join(sorted(known))})"
        )
    base = [
        _clamp(adjustments.step_durations.get(step.id, step.duration), step.shortest, step.longest)
        for step in routine.steps
    ]
    if adjustments.fit_minutes is None:
        return base
    if not 0 < adjustments.fit_minutes <= 24 * 60:
        raise AdjustmentError(
            f"fit must be between 0 and 1440 minutes, got {adjustments.fit_minutes:g}")
    return _fit(routine.steps, base, adjustments.fit_minutes * 60)


def _fit(steps: Sequence[Step], base: list[float], target: float) -> list[float]:
    """Scales every step by one factor within its bounds so the total meets `target`.

    Afterwards breathing steps are snapped to whole cycles and the other steps to whole
    seconds, and the rounding error is spread over the steps that still have room.
    """
    def total(scale: float) -> float:
        return sum(_clamp(d * scale, s.shortest, s.longest)
                   for d, s in zip(base, steps, strict=True))

    low, high = 0.0, 1.0
    while total(high) < target and high < 1e6:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if total(middle) < target else (low, middle)
    fitted = [_clamp(d * high, s.shortest, s.longest) for d, s in zip(base, steps, strict=True)]
    snapped = [_snap(step, duration) for step, duration in zip(steps, fitted, strict=True)]
    _spread_remainder(steps, snapped, target)
    return snapped


def _snap(step: Step, duration: float) -> float:
    pattern = step.breathing
    if pattern is None:
        return float(_clamp(round(duration), math.ceil(step.shortest), math.floor(step.longest)))
    cycles = round((duration - pattern.lead_in) / pattern.cycle)
    fewest = math.ceil((step.shortest - pattern.lead_in) / pattern.cycle)
    most = math.floor((step.longest - pattern.lead_in) / pattern.cycle)
    cycles = int(_clamp(cycles, fewest, max(fewest, most)))
    return _clamp(pattern.lead_in + cycles * pattern.cycle, step.shortest, step.longest)


def _spread_remainder(steps: Sequence[Step], durations: list[float], target: float) -> None:
    adjustable = [i for i, step in enumerate(steps) if step.breathing is None]
    remainder = round(target - sum(durations))
    while remainder and adjustable:
        unit = 1 if remainder > 0 else -1
        moved = False
        for i in sorted(adjustable, key=lambda i: -durations[i]):
            if remainder == 0:
                break
            if steps[i].shortest <= durations[i] + unit <= steps[i].longest:
                durations[i] += unit
                remainder -= unit
                moved = True
        if not moved:
            break


def _sides(step: Step, start: float, end: float) -> tuple[SideSpan, ...]:
    if not step.sides:
        return ()
    half = start + (end - start) / 2
    return (SideSpan("left", start, half), SideSpan("right", half, end))


def _step_cues(index: int, step: Step, start: float, end: float) -> list[TimedCue]:
    cues = [TimedCue(start, step.instruction, CueKind.ANNOUNCE, index)]
    if step.sides:
        cues.append(TimedCue(start + (end - start) / 2, step.switch_text, CueKind.SWITCH, index))
    for cue in step.cues:
        time = end - cue.before_end if cue.before_end is not None else start + (cue.at or 0.0)
        cues.append(TimedCue(time, cue.text, CueKind.CUE, index))
    return cues


def _breath_phases(
    index: int, pattern: BreathingPattern, start: float, end: float
) -> list[BreathPhase]:
    parts = [
        (kind, seconds)
        for kind, seconds in (
            (PhaseKind.INHALE, pattern.inhale),
            (PhaseKind.HOLD_IN, pattern.hold_in),
            (PhaseKind.EXHALE, pattern.exhale),
            (PhaseKind.HOLD_OUT, pattern.hold_out),
        )
        if seconds > 0
    ]
    phases: list[BreathPhase] = []
    cycles = pattern.cycles_in(end - start)
    time = start + pattern.lead_in
    for cycle in range(cycles):
        for kind, seconds in parts:
            phases.append(BreathPhase(time, time + seconds, kind, index, cycle))
            time += seconds
    return phases


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
