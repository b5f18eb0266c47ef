"""One running session, from preparation to its end.

A `LiveSession` owns everything one session needs: its timeline, its own clip preparation,
the soundtrack, the mix, the player and the binding to the output. Its lifecycle is
explicit (preparing -> ready -> playing <-> paused -> finished | stopped | failed) and
every problem comes back as a `Notice`, never as an exception on a worker thread.

It is Qt-free: the window wraps it in a thin adapter with typed signals, the terminal's
`play` drives it directly, and tests drive whole sessions with a hand-moved clock.

Cues never wait for one another. A clip still missing a few seconds before its cue is
made at once by the fast fallback voice; one still missing when its cue is mixed stays
silent and its caption carries it, and the cues after it play on time.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from backcare_desktop.audio.ambient import SILENCE, Ambient
from backcare_desktop.audio.feed import AnchorSource
from backcare_desktop.audio.mixer import SessionMix, SoundSettings, Volumes
from backcare_desktop.audio.signal import RATE, Samples
from backcare_desktop.errors import BackCareError, Level, Notice
from backcare_desktop.session.player import (
    Clock,
    Event,
    Player,
    State,
    StateChanged,
    StepChanged,
)
from backcare_desktop.session.snapshot import snapshot_at
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.session.whereabouts import phrases, where_am_i
from backcare_desktop.voice.prepare import ClipPreparer

log = logging.getLogger(__name__)

RUSH_AHEAD_SECONDS = 4.0
"""A cue whose clip is still missing this long before it is due is made by the fast voice."""
UNDERRUN_WINDOW_SECONDS = 10.0
UNDERRUNS_WORTH_SAYING = 5
CLOCK_JUMP_REASON = "Paused: the computer was asleep or busy. Press play to go on."


class Stage(StrEnum):
    PREPARING = "preparing"
    READY = "ready"
    PLAYING = "playing"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def ended(self) -> bool:
        return self in (Stage.FINISHED, Stage.STOPPED, Stage.FAILED)


@dataclass(frozen=True)
class StageChanged:
    stage: Stage
    reason: str = ""


SessionEvent = Event | StageChanged
Listener = Callable[[SessionEvent], None]


class SessionOutput(Protocol):
    """What a session needs of the live output (`audio.output.AudioOutput`)."""

    @property
    def clock(self) -> Clock: ...

    @property
    def lead_in(self) -> float:
        """Seconds of silence a session starts with, so sound made ahead starts on its first
        word."""
        ...

    def follow(self, mix: SessionMix | None, anchor: AnchorSource | None) -> None: ...

    def interject(self, samples: Samples) -> None:
        """Says mono `samples` over the session at once, without moving it."""
        ...

    def take_clock_jump(self) -> bool: ...

    @property
    def underruns(self) -> int: ...


class LiveSession:
    def __init__(self, timeline: Timeline, preparer: ClipPreparer,
                 ambient: Future[Ambient], sound: SoundSettings,
                 output: SessionOutput) -> None:
        self.timeline = timeline
        self.preparer = preparer
        self._ambient = ambient
        self._sound = sound
        self._output = output
        self.player = Player(timeline, output.clock)
        self.player.subscribe(self._on_player_event)
        self.mix: SessionMix | None = None
        self.stage = Stage.PREPARING
        self._listeners: list[Listener] = []
        self._start_wanted = False
        self._notices: list[Notice] = []
        self._answers_asked = 0
        """"Where am I?" answers asked for: only the latest is heard."""
        self._said: set[str] = set()
        self._underruns_seen = 0
        self._recent_underruns: deque[float] = deque()
        """Session-clock times of the underruns in the last UNDERRUN_WINDOW_SECONDS."""
        self._heard_by_step = [0.0] * len(timeline.steps)
        self._last_heard_at: float | None = None
        self._furthest_step = 0
        preparer.start()

    # What the views read ----------------------------------------------------------------

    @property
    def fraction(self) -> float:
        """How much of the voice is ready, 0 to 1."""
        return self.preparer.fraction

    @property
    def ready(self) -> bool:
        return self.preparer.ready_to_start and self._ambient.done()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def seconds_spent(self) -> float:
        """Session time actually played (pauses and skipped parts left out)."""
        return sum(self._heard_by_step)

    @property
    def steps_done(self) -> int:
        """Steps played for at least nine tenths of their length."""
        return sum(self._done())

    @property
    def steps_skipped(self) -> int:
        """Steps the session moved past without playing them through (skipped, or sought
        over); those it never reached before it stopped are not counted."""
        passed = len(self.timeline.steps) if self.stage is Stage.FINISHED else (
            self._furthest_step)
        return passed - sum(self._done()[:passed])

    def _done(self) -> list[bool]:
        return [heard >= 0.9 * step.duration
                for heard, step in zip(self._heard_by_step, self.timeline.steps, strict=True)]

    def speech_seconds(self, text: str) -> float | None:
        """How long the voice says `text`; None before its clip is made."""
        clip = self.preparer.clips.clip(text)
        return None if clip is None else clip.shape[0] / RATE

    def take_notices(self) -> list[Notice]:
        """What the person should be told since the last call, each thing once."""
        for problem in self.preparer.take_problems():
            self._say(Notice(Level.WARNING, problem.short, problem.detail))
        notices, self._notices = self._notices, []
        return notices

    # Commands ----------------------------------------------------------------------------

    def start(self) -> None:
        """Plays as soon as the first minute of the voice and the soundtrack are ready."""
        if self.stage.ended:
            return
        self._start_wanted = True
        self.tick()

    def toggle_pause(self) -> None:
        if self.stage in (Stage.PLAYING, Stage.PAUSED):
            self.player.toggle_pause()
        elif self.stage in (Stage.PREPARING, Stage.READY):
            self.start()

    def pause(self) -> None:
        self.player.pause()

    def resume(self) -> None:
        self.player.resume()

    def next_step(self) -> None:
        if self._playing_or_paused():
            self.player.next_step()

    def previous_step(self) -> None:
        if self._playing_or_paused():
            self.player.previous_step()

    def restart_step(self) -> None:
        if self._playing_or_paused():
            self.player.restart_step()

    def seek(self, seconds: float) -> None:
        if self._playing_or_paused():
            self.player.seek(seconds)

    def set_volumes(self, volumes: Volumes) -> None:
        self._sound = SoundSettings(volumes, self._sound.tone_style, self._sound.chimes,
                                    self._sound.duck_db)
        if self.mix is not None:
            self.mix.set_volumes(volumes)

    def where_am_i(self) -> str:
        """Says, over the session and without moving any of its cues, where it is: the step
        and side, the time left in it and what comes next (with the voice off or turned right
        down, it is shown).
        Returns the words, or "" before the session plays."""
        if not self._playing_or_paused():
            return ""
        sentences = where_am_i(snapshot_at(self.timeline, self.player.position))
        text = " ".join(sentences)
        volumes = self._sound.volumes
        heard = volumes.voice * volumes.master > 0  # a voice turned right down says nothing
        self._answers_asked += 1
        asked = self._answers_asked

        def deliver(samples: Samples) -> None:
            if asked == self._answers_asked:  # a slower, older answer would say a stale time
                self._output.interject(samples)

        if not (heard and self.preparer.speak_aside(sentences, deliver)):
            self._notices.append(Notice(Level.INFO, text))
        return text

    def stop(self) -> None:
        """Ends the session where it is; the output falls silent with a short fade."""
        if self.stage.ended:
            return
        if self.player.state is not State.IDLE:
            self.player.stop()
        self._end(Stage.STOPPED)

    # Time --------------------------------------------------------------------------------

    def tick(self) -> None:
        """Moves the session on: starts it when ready, pauses on a clock jump, makes missing
        clips in time, and lets the player announce what is due."""
        try:
            self._tick()
        except Exception as error:  # a bug must end the session as a message, not a freeze
            log.exception("session tick")
            self._fail(BackCareError("The session stopped because of an internal error.",
                                     f"{type(error).__name__}: {error}"))

    def _tick(self) -> None:
        if self.stage.ended:
            return
        if self.stage is Stage.PREPARING and self.ready:
            self._set_stage(Stage.READY)
        if self.stage is Stage.READY and self._start_wanted:
            self._play()
        if not self._playing_or_paused():
            return
        if self._output.take_clock_jump():
            self.player.pause(CLOCK_JUMP_REASON)
            self._notices.append(Notice(Level.INFO, CLOCK_JUMP_REASON))  # said every time
        self._count_heard()
        self.player.tick()
        self._rush_missing_clips()
        self._watch_sound()

    # Internals -----------------------------------------------------------------------------

    def _play(self) -> None:
        ambient = SILENCE
        error = self._ambient.exception()
        if error is None:
            ambient = self._ambient.result()
        else:
            detail = error.detail if isinstance(error, BackCareError) else ""
            self._say(Notice(Level.WARNING, f"The soundtrack cannot play ({error}); "
                             "the session goes on without it.", detail))
        self.mix = SessionMix(self.timeline, self.preparer.clips, ambient, self._sound)
        player = self.player
        self._output.follow(self.mix, lambda: player.anchor)
        self.player.start(lead_in=self._output.lead_in)
        self.preparer.warm_aside(phrases(self.timeline))

    def _count_heard(self) -> None:
        """Adds the clock time since the last tick to the step playing, while playing."""
        now = self._output.clock.now()
        last, self._last_heard_at = self._last_heard_at, now
        if last is not None and self.player.state is State.RUNNING:
            self._heard_by_step[self.player.current_step.index] += max(0.0, now - last)

    def _rush_missing_clips(self) -> None:
        position = self.player.position
        due = [cue.text for cue in self.timeline.cues
               if position <= cue.time <= position + RUSH_AHEAD_SECONDS
               and self.preparer.clips.clip(cue.text) is None]
        if due:
            self.preparer.rush(due)

    def _watch_sound(self) -> None:
        """Says once when cues went unspoken, and when the sound keeps breaking up."""
        if self.mix is not None and self.mix.missed_cues:
            self._say(Notice(Level.WARNING, "Some cues are shown as captions only: their "
                             "voice was not ready in time."))
        now = self._output.clock.now()
        underruns = self._output.underruns
        self._recent_underruns.extend([now] * (underruns - self._underruns_seen))
        self._underruns_seen = underruns
        while self._recent_underruns and now - self._recent_underruns[0] > UNDERRUN_WINDOW_SECONDS:
            self._recent_underruns.popleft()
        if len(self._recent_underruns) >= UNDERRUNS_WORTH_SAYING:
            self._say(Notice(Level.WARNING, "The sound is breaking up: the computer is busy. "
                             "Closing other programs helps."))

    def _on_player_event(self, event: Event) -> None:
        if isinstance(event, StateChanged):
            stage = {State.RUNNING: Stage.PLAYING, State.PAUSED: Stage.PAUSED,
                     State.FINISHED: Stage.FINISHED}.get(event.state)
            if stage is Stage.FINISHED:
                self._end(Stage.FINISHED)
            elif stage is not None:
                self._set_stage(stage, event.reason)
        elif isinstance(event, StepChanged):
            self._furthest_step = max(self._furthest_step, event.step.index)
        self._emit(event)

    def _fail(self, error: BackCareError) -> None:
        self._say(Notice.of(error, Level.ERROR))
        if self.player.state is not State.IDLE:
            self.player.stop()
        self._end(Stage.FAILED, error.short)

    def _end(self, stage: Stage, reason: str = "") -> None:
        if stage is not Stage.FINISHED:  # a finished session lets its bell ring out
            self._output.follow(None, None)
        self.preparer.cancel()
        self._set_stage(stage, reason)

    def _playing_or_paused(self) -> bool:
        return self.stage in (Stage.PLAYING, Stage.PAUSED)

    def _set_stage(self, stage: Stage, reason: str = "") -> None:
        if stage is not self.stage:
            self.stage = stage
            self._emit(StageChanged(stage, reason))

    def _say(self, notice: Notice) -> None:
        if notice.short in self._said:
            return
        self._said.add(notice.short)
        self._notices.append(notice)

    def _emit(self, event: SessionEvent) -> None:
        for listener in list(self._listeners):
            listener(event)


class SilentOutput:
    """An output that plays nothing, on a clock the caller moves: the window's tests and
    the screenshot command use it."""

    lead_in = 0.0
    underruns = 0

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def follow(self, mix: SessionMix | None, anchor: AnchorSource | None) -> None:
        pass

    def interject(self, samples: Samples) -> None:
        pass

    def take_clock_jump(self) -> bool:
        return False
