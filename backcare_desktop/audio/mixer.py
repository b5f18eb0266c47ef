"""The mixer: a compiled timeline, the session's sound settings and a frame range in; that
block of stereo samples out.

Everything is placed by frame number, so any block can be made in any order and comes out
the same: the live stream, the file export and the tests all pull from this one function.
Two things are deliberately live-only and leave offline renders untouched: volume changes,
which ramp from block to block, and a cue whose clip was not ready when its first frame was
mixed, which then stays silent (its caption still shows) rather than starting mid-word or
holding back the cues after it (see `_note_missed_cues`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.ambient import Ambient
from backcare_desktop.audio.clips import MAX_CLIP_SECONDS, ClipSource
from backcare_desktop.audio.signal import (
    Samples,
    db_to_gain,
    raised_cosine,
    seconds_to_frames,
)
from backcare_desktop.audio.tones import (
    ToneStyle,
    breath_tone,
    closing_bell,
    hold_tick,
    step_chime,
)
from backcare_desktop.session.timeline import PhaseKind, Timeline

TAIL_SECONDS = 7.0
"""Sound after the last step: the closing bell rings out while the bed fades."""
AMBIENT_FADE_IN_SECONDS = 3.0
AMBIENT_FADE_OUT_SECONDS = 5.0
CHIME_LEAD_SECONDS = 0.9
"""The step chime sounds this long before a step starts, so the announcement follows it."""
DUCK_ATTACK_SECONDS = 0.25
DUCK_RELEASE_SECONDS = 0.6
VOLUME_RAMP_SECONDS = 0.03
LIMIT_THRESHOLD = 0.8
LIMIT_CEILING = 0.98


@dataclass(frozen=True)
class Volumes:
    """Linear gains, 0 to 1. People see a cubic (perceptual) scale; see `from_slider`."""

    voice: float = 1.0
    tones: float = 0.7
    ambient: float = 0.6
    master: float = 1.0

    @staticmethod
    def from_slider(position: float) -> float:
        """A 0-100 slider to a linear gain: equal slider steps sound like equal steps."""
        return float(min(max(position, 0.0), 100.0) / 100.0) ** 3

    @staticmethod
    def to_slider(gain: float) -> float:
        return float(min(max(gain, 0.0), 1.0) ** (1 / 3) * 100)


@dataclass(frozen=True)
class SoundSettings:
    volumes: Volumes = field(default_factory=Volumes)
    tone_style: ToneStyle = ToneStyle.SOFT
    chimes: bool = True
    duck_db: float = 8.0


@dataclass(frozen=True)
class _Sound:
    """A clip placed at a frame on one bus."""

    frame: int
    samples: Samples


class SessionMix:
    def __init__(self, timeline: Timeline, clips: ClipSource, ambient: Ambient,
                 settings: SoundSettings | None = None) -> None:
        self.timeline = timeline
        self.clips = clips
        self.ambient = ambient
        self.settings = settings or SoundSettings()
        self.total_frames = seconds_to_frames(timeline.duration + TAIL_SECONDS)
        self.cue_frames = [seconds_to_frames(cue.time) for cue in timeline.cues]
        self._tones = _tone_sounds(timeline, self.settings)
        self._tone_frames = [sound.frame for sound in self._tones]
        self._longest_tone = max((sound.samples.shape[0] for sound in self._tones), default=0)
        self._gains = self._target_gains()
        self._missed: set[int] = set()

    # Live controls --------------------------------------------------------------------------

    def set_volumes(self, volumes: Volumes) -> None:
        """Takes effect at the next block, ramped over VOLUME_RAMP_SECONDS."""
        self.settings = replace(self.settings, volumes=volumes)

    @property
    def missed_cues(self) -> int:
        """Cues played live without their clip (captions only), so the session can say so."""
        return len(self._missed)

    # The mix --------------------------------------------------------------------------------

    def render(self, start: int, frames: int, *, live: bool = False) -> Samples:
        """Frames [start, start + frames) of the session as (frames, 2) float32.

        `live` remembers a cue whose clip was missing when its first frame was mixed, so the
        clip never starts mid-word if it arrives a moment later; offline renders are made
        with every clip ready and are unaffected.
        """
        end = start + frames
        if live:
            self._note_missed_cues(start, end)
        voice, speech_spans = self._voice(start, end)
        tones = self._tone_bus(start, end)
        bed = self.ambient.block(start, frames) * self._ambient_shape(start, frames)[:, None]
        bed *= self._ducking(start, frames, speech_spans)[:, None]

        target = self._target_gains()
        voice_gain, tone_gain, bed_gain, master = (
            _ramp(current, wanted, frames) for current, wanted in zip(self._gains, target,
                                                                       strict=True))
        self._gains = target
        mono = voice * voice_gain + tones * tone_gain
        mixed = mono[:, None] + bed * bed_gain[:, None]
        return _limit(mixed * master[:, None]).astype(np.float32)

    def speech_spans(self) -> list[tuple[int, int, str]]:
        """(start frame, end frame, text) of every cue whose clip is ready: captions use it."""
        spans = []
        for index, cue in enumerate(self.timeline.cues):
            clip = self.clips.clip(cue.text)
            if clip is not None and index not in self._missed:
                begin = self.cue_frames[index]
                spans.append((begin, begin + clip.shape[0], cue.text))
        return spans

    # Buses ----------------------------------------------------------------------------------

    def _voice(self, start: int, end: int) -> tuple[NDArray[np.float64], list[tuple[int, int]]]:
        """The voice bus for the block, and the speech spans near it (for ducking)."""
        bus = np.zeros(end - start)
        spans: list[tuple[int, int]] = []
        lookback = seconds_to_frames(MAX_CLIP_SECONDS + DUCK_RELEASE_SECONDS)
        lookahead = seconds_to_frames(DUCK_ATTACK_SECONDS)
        first = bisect.bisect_left(self.cue_frames, start - lookback)
        last = bisect.bisect_left(self.cue_frames, end + lookahead)
        for index in range(first, last):
            if index in self._missed:
                continue
            clip = self.clips.clip(self.timeline.cues[index].text)
            if clip is None or clip.size == 0:  # not ready, or "no voice": nothing to duck for
                continue
            begin = self.cue_frames[index]
            spans.append((begin, begin + clip.shape[0]))
            _add(bus, start, begin, clip)
        return bus, spans

    def _tone_bus(self, start: int, end: int) -> NDArray[np.float64]:
        bus = np.zeros(end - start)
        first = bisect.bisect_left(self._tone_frames, start - self._longest_tone)
        last = bisect.bisect_left(self._tone_frames, end)
        for sound in self._tones[first:last]:
            _add(bus, start, sound.frame, sound.samples)
        return bus

    def _ambient_shape(self, start: int, frames: int) -> NDArray[np.float64]:
        """Fades the bed in at the start and out at the very end of the session."""
        positions = np.arange(start, start + frames, dtype=np.float64)
        fade_in = np.clip(positions / seconds_to_frames(AMBIENT_FADE_IN_SECONDS), 0, 1)
        fade_out = np.clip((self.total_frames - positions)
                           / seconds_to_frames(AMBIENT_FADE_OUT_SECONDS), 0, 1)
        shape = np.minimum(fade_in, fade_out)
        return 0.5 - 0.5 * np.cos(np.pi * shape)

    def _ducking(self, start: int, frames: int,
                 spans: list[tuple[int, int]]) -> NDArray[np.float64]:
        """The bed's gain under speech: it starts to dip just before a cue (the mix can look
        ahead) and comes back slowly after it, on a raised-cosine curve."""
        depth = np.zeros(frames)
        attack = seconds_to_frames(DUCK_ATTACK_SECONDS)
        release = seconds_to_frames(DUCK_RELEASE_SECONDS)
        positions = np.arange(start, start + frames, dtype=np.float64)
        for begin, finish in spans:
            if finish + release < start or begin - attack > start + frames:
                continue
            rising = np.clip((positions - (begin - attack)) / attack, 0, 1)
            falling = np.clip(((finish + release) - positions) / release, 0, 1)
            depth = np.maximum(depth, np.minimum(rising, falling))
        shaped = 0.5 - 0.5 * np.cos(np.pi * depth)
        floor = db_to_gain(-self.settings.duck_db)
        return 1 - (1 - floor) * shaped

    def _target_gains(self) -> tuple[float, float, float, float]:
        volumes = self.settings.volumes
        return volumes.voice, volumes.tones, volumes.ambient, volumes.master

    def _note_missed_cues(self, start: int, end: int) -> None:
        """Marks cues starting in this block whose clip is not ready: they stay silent.

        A seek back before a missed cue makes it due again, with whatever clip it has then.
        """
        self._missed = {i for i in self._missed if self.cue_frames[i] < start}
        first = bisect.bisect_left(self.cue_frames, start)
        last = bisect.bisect_left(self.cue_frames, end)
        for index in range(first, last):
            if self.clips.clip(self.timeline.cues[index].text) is None:
                self._missed.add(index)


def _tone_sounds(timeline: Timeline, settings: SoundSettings) -> list[_Sound]:
    """Every tone the session plays, by frame: pacing tones, step chimes and the last bell."""
    sounds: list[_Sound] = []
    style = settings.tone_style
    for phase in timeline.phases:
        frame = seconds_to_frames(phase.start)
        if phase.kind in (PhaseKind.INHALE, PhaseKind.EXHALE):
            clip = breath_tone(style, phase.kind is PhaseKind.INHALE, round(phase.seconds, 3))
        else:
            clip = hold_tick(style)
        if clip.size:
            sounds.append(_Sound(frame, clip))
    if settings.chimes:
        for step in timeline.steps[1:]:
            sounds.append(_Sound(seconds_to_frames(step.start - CHIME_LEAD_SECONDS),
                                 step_chime()))
        sounds.append(_Sound(seconds_to_frames(timeline.duration), closing_bell()))
    sounds.sort(key=lambda sound: sound.frame)
    return sounds


def _add(bus: NDArray[np.float64], block_start: int, frame: int, clip: Samples) -> None:
    """Adds the part of `clip` (placed at `frame`) that falls inside the block."""
    offset = frame - block_start
    lo = max(0, offset)
    hi = min(bus.shape[0], offset + clip.shape[0])
    if lo < hi:
        bus[lo:hi] += clip[lo - offset: hi - offset]


def _ramp(current: float, target: float, frames: int) -> NDArray[np.float64]:
    """A gain per frame: a short smooth ramp to the new value, then the value itself."""
    gains = np.full(frames, target, dtype=np.float64)
    if current != target:
        length = min(frames, seconds_to_frames(VOLUME_RAMP_SECONDS))
        gains[:length] = current + (target - current) * raised_cosine(length)
    return gains


def _limit(mixed: NDArray[np.float64]) -> NDArray[np.float64]:
    """A memoryless soft limiter: linear below the threshold, bending smoothly towards the
    ceiling above it, so peaks never reach full scale and any block is still pure."""
    magnitude = np.abs(mixed)
    over = magnitude > LIMIT_THRESHOLD
    if not over.any():
        return mixed
    room = LIMIT_CEILING - LIMIT_THRESHOLD
    bent = LIMIT_THRESHOLD + room * np.tanh((magnitude[over] - LIMIT_THRESHOLD) / room)
    limited = mixed.copy()
    limited[over] = np.sign(mixed[over]) * bent
    return limited
