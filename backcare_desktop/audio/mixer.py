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
import itertools
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
from backcare_desktop.session.timeline import CueKind, PhaseKind, Timeline

TAIL_SECONDS = 7.0
"""Sound after the last step: the closing bell rings out while the bed fades."""
AMBIENT_FADE_IN_SECONDS = 3.0
AMBIENT_FADE_OUT_SECONDS = 5.0
CHIME_LEAD_SECONDS = 0.9
"""The step chime sounds this long before a step starts, so the announcement follows it."""
DUCK_ATTACK_SECONDS = 0.25
DUCK_RELEASE_SECONDS = 0.6
PHRASE_GAP_SECONDS = 1.5
"""Speech starting less than this after the speech before it belongs to the same utterance,
and the bed ducks once for the whole of it instead of pumping between the words."""
BREATH_PHRASE_GAP_SECONDS = 12.0
"""The counted breaths of one step ("Breathe in." ... "Hold." ... "Breathe out.") are one
phrase when each follows the last within this: the bed stays down through the counting."""
VOLUME_RAMP_SECONDS = 0.03
LIMIT_THRESHOLD = 0.8
LIMIT_CEILING = 0.98


@dataclass(frozen=True)
class Volumes:
    """Linear gains, 0 to 1. People see a cubic (perceptual) scale; see `from_slider`.

    The defaults are the app's and the command line's (settings.VolumeSettings takes them
    from here). They are set by loudness: voice clips arrive at about -18 LUFS and beds at
    about -30 LUFS, so a bed at 0.63 (-4 dB) sits 15-20 LU under the voice however the
    mono voice is counted (-15 LUFS in the stereo mix, or -18), and tones at 0.3 (-10.5 dB)
    at least 8 LU under it: they carry the rhythm, not the attention.
    tests/test_loudness.py measures the balance on renders.
    """

    voice: float = 1.0
    tones: float = 0.3
    ambient: float = 0.63
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
        self._pacing = _Bus(_pacing_sounds(timeline, self.settings))
        self._chimes = _Bus(_chime_sounds(timeline, self.settings))
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
        voice = self._voice(start, end)
        ducking = duck_gains(start, frames, self.phrases(start, end), self.settings.duck_db)
        tones = self._pacing.block(start, end) + self._chimes.block(start, end) * ducking
        bed = self.ambient.block(start, frames) * self._ambient_shape(start, frames)[:, None]
        bed *= ducking[:, None]

        target = self._target_gains()
        voice_gain, tone_gain, bed_gain, master = (
            _ramp(current, wanted, frames) for current, wanted in zip(self._gains, target,
                                                                       strict=True))
        self._gains = target
        mono = voice * voice_gain + tones * tone_gain
        mixed = mono[:, None] + bed * bed_gain[:, None]
        return limit(mixed * master[:, None]).astype(np.float32)

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

    def phrases(self, start: int, end: int) -> list[tuple[int, int]]:
        """(first frame, last frame) of each utterance whose ducking reaches frames
        [start, end): runs of spoken cues that follow each other closely (see `_joins`).

        Worked out from the timeline and the clips' lengths alone, never from what was
        rendered before, so any block in any order ducks the same: a run is followed back
        and forward from the cues near the block until a gap ends it.
        """
        reach = seconds_to_frames(MAX_CLIP_SECONDS + DUCK_RELEASE_SECONDS)
        first = bisect.bisect_left(self.cue_frames, start - reach)
        last = bisect.bisect_left(self.cue_frames, end + seconds_to_frames(DUCK_ATTACK_SECONDS))
        spoken = [(index, span) for index in range(first, last)
                  if (span := self._speech(index)) is not None]
        if not spoken:  # a run covering the block would have a cue within `reach` before it
            return []
        before = self._neighbour(*spoken[0], step=-1)
        while before is not None:
            spoken.insert(0, before)
            before = self._neighbour(*before, step=-1)
        after = self._neighbour(*spoken[-1], step=1)
        while after is not None:
            spoken.append(after)
            after = self._neighbour(*after, step=1)
        runs = [[spoken[0]]]
        for previous, current in itertools.pairwise(spoken):
            if self._joins(previous, current):
                runs[-1].append(current)
            else:
                runs.append([current])
        return [(run[0][1][0], max(finish for _, (_, finish) in run)) for run in runs]

    def _speech(self, index: int) -> tuple[int, int] | None:
        """The frames cue `index` is heard over; None when it is silent (its clip is not
        ready, was missed live, or is empty: "no voice" has nothing to duck for)."""
        if index in self._missed:
            return None
        clip = self.clips.clip(self.timeline.cues[index].text)
        if clip is None or clip.size == 0:
            return None
        begin = self.cue_frames[index]
        return begin, begin + clip.shape[0]

    def _neighbour(self, index: int, span: tuple[int, int],
                   step: int) -> _Spoken | None:
        """The spoken cue before (step -1) or after (step 1) this one, if it is in the same
        utterance. Silent cues between are passed over; once cues are too far away for any
        clip to bridge the gap, the search stops."""
        horizon = seconds_to_frames(MAX_CLIP_SECONDS + BREATH_PHRASE_GAP_SECONDS)
        other = index + step
        while 0 <= other < len(self.cue_frames):
            if abs(self.cue_frames[other] - span[0]) > horizon:
                return None
            found = self._speech(other)
            if found is not None:
                pair = ((other, found), (index, span)) if step < 0 else ((index, span),
                                                                         (other, found))
                return (other, found) if self._joins(*pair) else None
            other += step
        return None

    def _joins(self, earlier: _Spoken, later: _Spoken) -> bool:
        """Whether `later` is heard as part of the same utterance as `earlier`."""
        gap = later[1][0] - earlier[1][1]
        first, second = self.timeline.cues[earlier[0]], self.timeline.cues[later[0]]
        if (first.kind is CueKind.BREATH and second.kind is CueKind.BREATH
                and first.step_index == second.step_index):
            return gap < seconds_to_frames(BREATH_PHRASE_GAP_SECONDS)
        return gap < seconds_to_frames(PHRASE_GAP_SECONDS)

    def _voice(self, start: int, end: int) -> NDArray[np.float64]:
        bus = np.zeros(end - start)
        lookback = seconds_to_frames(MAX_CLIP_SECONDS)
        first = bisect.bisect_left(self.cue_frames, start - lookback)
        last = bisect.bisect_left(self.cue_frames, end)
        for index in range(first, last):
            if index in self._missed:
                continue
            clip = self.clips.clip(self.timeline.cues[index].text)
            if clip is not None:
                _add(bus, start, self.cue_frames[index], clip)
        return bus

    def _ambient_shape(self, start: int, frames: int) -> NDArray[np.float64]:
        """Fades the bed in at the start and out at the very end of the session."""
        positions = np.arange(start, start + frames, dtype=np.float64)
        fade_in = np.clip(positions / seconds_to_frames(AMBIENT_FADE_IN_SECONDS), 0, 1)
        fade_out = np.clip((self.total_frames - positions)
                           / seconds_to_frames(AMBIENT_FADE_OUT_SECONDS), 0, 1)
        shape = np.minimum(fade_in, fade_out)
        return 0.5 - 0.5 * np.cos(np.pi * shape)

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


def duck_gains(start: int, frames: int, spans: list[tuple[int, int]], duck_db: float,
               attack_seconds: float = DUCK_ATTACK_SECONDS) -> NDArray[np.float64]:
    """The gain, per frame of [start, start + frames), of what ducks under speech heard over
    `spans`: it starts to dip `attack_seconds` before the speech (the mix can look ahead) and
    comes back slowly after it, on a raised-cosine curve, to `duck_db` below full at the
    deepest."""
    depth = np.zeros(frames)
    attack = seconds_to_frames(attack_seconds)
    release = seconds_to_frames(DUCK_RELEASE_SECONDS)
    positions = np.arange(start, start + frames, dtype=np.float64)
    for begin, finish in spans:
        if finish + release < start or begin - attack > start + frames:
            continue
        rising = np.clip((positions - (begin - attack)) / attack, 0, 1)
        falling = np.clip(((finish + release) - positions) / release, 0, 1)
        depth = np.maximum(depth, np.minimum(rising, falling))
    shaped = 0.5 - 0.5 * np.cos(np.pi * depth)
    floor = db_to_gain(-duck_db)
    return 1 - (1 - floor) * shaped


_Spoken = tuple[int, tuple[int, int]]
"""A cue's index and the frames its speech is heard over."""


class _Bus:
    """Sounds placed by frame, any block of which can be mixed on its own."""

    def __init__(self, sounds: list[_Sound]) -> None:
        self.sounds = sorted(sounds, key=lambda sound: sound.frame)
        self.frames = [sound.frame for sound in self.sounds]
        self.longest = max((sound.samples.shape[0] for sound in self.sounds), default=0)

    def block(self, start: int, end: int) -> NDArray[np.float64]:
        bus = np.zeros(end - start)
        first = bisect.bisect_left(self.frames, start - self.longest)
        last = bisect.bisect_left(self.frames, end)
        for sound in self.sounds[first:last]:
            _add(bus, start, sound.frame, sound.samples)
        return bus


def _pacing_sounds(timeline: Timeline, settings: SoundSettings) -> list[_Sound]:
    """The tones that carry the breathing, on the breath: never ducked, they are the beat."""
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
    return sounds


def _chime_sounds(timeline: Timeline, settings: SoundSettings) -> list[_Sound]:
    """The step chimes and the closing bell: they ring on under the announcement that
    follows them, so they duck with the bed rather than compete with the words."""
    if not settings.chimes:
        return []
    sounds = [_Sound(seconds_to_frames(step.start - CHIME_LEAD_SECONDS), step_chime())
              for step in timeline.steps[1:]]
    sounds.append(_Sound(seconds_to_frames(timeline.duration), closing_bell()))
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


def limit(mixed: NDArray[np.float64]) -> NDArray[np.float64]:
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
