"""Ambient soundtracks: generated beds (nothing to license) and the user's own audio files.

A generated bed never repeats: it is made a segment at a time, and everything in a segment
(which stretch of noise, where the waves break, how hard it rains) follows from the bed's
seed and the segment's index alone, so any block asked for in any order comes out the same,
and the live stream and a rendered file stay identical. Noise is read from a few seconds of
shaped noise (a bank) at a random offset per segment and cross-faded into the next: fresh
noise per segment would cost more than the whole mix on a slow machine (18 ns a sample, so
seconds per session), while the bank costs a copy. Slow movement (swells, gusts, the rain's
intensity) comes from random knots or randomly spaced events, never from a period.

Of the user's files only the first minutes are decoded (by ffmpeg, in bounded memory and
time: see `decode`), folded into a loop with a cross-fade: that bed repeats, which is fine.
Every bed, generated or the user's, is levelled to the same integrated loudness (BS.1770).
"""

from __future__ import annotations

import errno
import filecmp
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.decode import AmbientError as AmbientError
from backcare_desktop.audio.decode import read_audio
from backcare_desktop.audio.loudness import LoudnessMeter, loudness
from backcare_desktop.audio.signal import (
    RATE,
    Samples,
    db_to_gain,
    make_seamless_loop,
    raised_cosine,
    seconds_to_frames,
)
from backcare_desktop.paths import write_atomically

AMBIENT_LOUDNESS_LUFS = -30.0
"""Every bed, generated or the user's, is levelled to this integrated loudness before its
own volume, so switching soundtracks never changes how loud the bed sits under the voice."""

USER_FILE_MAX_SECONDS = 180
"""Longer files are cut to this: a bed repeats unnoticed, and memory stays bounded."""
USER_LOOP_CROSSFADE_SECONDS = 3.0
SUPPORTED_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a")
_COPY_CHUNK_BYTES = 1024 * 1024

SEGMENT_FRAMES = 8192
"""Generated beds are made (and cached) this many frames at a time: 170 ms."""
_CROSSFADE_FRAMES = 1024
_BANK_FRAMES = 2**19
"""Eleven seconds of shaped noise per layer, read at a random offset for every segment."""
_CONTROL_STEP = 512
"""Slow movements are computed every this many frames and interpolated between."""
_MEASURE_SECONDS = 180
"""How much of a generated bed is measured to level it: long enough to hold many waves."""

Stereo = NDArray[np.float32]


@dataclass(frozen=True)
class Ambient:
    name: str
    loop: Samples
    """Stereo (frames, 2) float32, played end to start forever; empty means silence."""

    def block(self, start: int, frames: int) -> Samples:
        """Frames [start, start + frames) of the endless loop."""
        if self.loop.shape[0] == 0:
            return np.zeros((frames, 2), dtype=np.float32)
        indices = (np.arange(start, start + frames) % self.loop.shape[0])
        return np.asarray(self.loop[indices], dtype=np.float32)


SILENCE = Ambient("none", np.zeros((0, 2), dtype=np.float32))


# Randomness found from an index --------------------------------------------------------

_MASK = 2**64 - 1


def _unit(*keys: int) -> float:
    """A number in [0, 1) that depends only on the integer keys (splitmix64 over them): any
    segment, wave or knot finds its own randomness from its index, in any order."""
    state = 0x9E3779B97F4A7C15
    for key in keys:
        state = (state ^ (key & _MASK)) + 0x9E3779B97F4A7C15 & _MASK
        state = (state ^ (state >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
        state = (state ^ (state >> 27)) * 0x94D049BB133111EB & _MASK
        state ^= state >> 31
    return (state >> 11) / 2**53


def _drift(seed: int, salt: int, spacing: float, times: NDArray[np.float64]
           ) -> NDArray[np.float64]:
    """A slow random movement, 0..1: random knots `spacing` seconds apart joined by smooth
    steps. Different spacings never line up, so the sum of a few never repeats."""
    position = times / spacing
    first = int(np.floor(position[0]))
    knots = np.array([_unit(seed, salt, knot)
                      for knot in range(first, int(np.floor(position[-1])) + 2)])
    index = np.floor(position).astype(np.int64) - first
    fraction = position - np.floor(position)
    fraction = fraction * fraction * (3 - 2 * fraction)
    return np.asarray(knots[index] + (knots[index + 1] - knots[index]) * fraction)


# Spectral shapes and noise banks -------------------------------------------------------

Shape = Callable[[NDArray[np.float64]], NDArray[np.float64]]
"""A spectral shape: gain as a function of frequency in Hz."""


def _band(low: float, high: float, tilt: float = 0.0, ceiling: float | None = None) -> Shape:
    """A smooth band-pass with a spectral tilt (dB per octave above `low`); a `ceiling`
    takes everything above it out entirely (a steep taper over the last 30 %)."""

    def gain(f: NDArray[np.float64]) -> NDArray[np.float64]:
        f = np.maximum(f, 1.0)
        shape = 1 / (1 + (low / f) ** 4) / (1 + (f / high) ** 4) * (f / low) ** (tilt / 6.02)
        if ceiling is not None:
            shape *= np.clip((ceiling - f) / (0.3 * ceiling), 0.0, 1.0) ** 2
        return shape

    return gain


def _frequencies(frames: int) -> NDArray[np.float64]:
    return np.asarray(np.fft.rfftfreq(frames, 1 / RATE), dtype=np.float64)


def _shaped_noise(rng: np.random.Generator, frames: int, gain: Shape) -> NDArray[np.float64]:
    """White noise given a spectral shape, unit RMS; periodic in `frames` (so a bank can be
    read across its end)."""
    spectrum = np.fft.rfft(rng.standard_normal(frames))
    shaped = np.fft.irfft(spectrum * gain(_frequencies(frames)), n=frames)
    return np.asarray(shaped / (np.std(shaped) or 1.0), dtype=np.float64)


class _Texture:
    """Shaped stereo noise that never repeats: each segment is a stretch of the bank from a
    random offset, cross-faded (equal power) into the stretch the next segment starts."""

    def __init__(self, rng: np.random.Generator, gain: Shape, width: float, salt: int,
                 seed: int) -> None:
        shared = _shaped_noise(rng, _BANK_FRAMES, gain)
        left, right = (_shaped_noise(rng, _BANK_FRAMES, gain) for _ in range(2))
        mixed = np.stack([(1 - width) * shared + width * left,
                          (1 - width) * shared + width * right], axis=1)
        self.bank: Stereo = (mixed / np.sqrt((1 - width) ** 2 + width ** 2)).astype(np.float32)
        self.salt, self.seed = salt, seed
        fade = raised_cosine(_CROSSFADE_FRAMES)
        self.fade_in = np.sqrt(fade).astype(np.float32)[:, None]
        self.fade_out = np.sqrt(1 - fade).astype(np.float32)[:, None]

    def _offset(self, index: int) -> int:
        room = _BANK_FRAMES - SEGMENT_FRAMES - _CROSSFADE_FRAMES
        return int(_unit(self.seed, self.salt, index) * room)

    def segment(self, index: int) -> Stereo:
        start, previous = self._offset(index), self._offset(index - 1) + SEGMENT_FRAMES
        out = self.bank[start:start + SEGMENT_FRAMES].copy()
        out[:_CROSSFADE_FRAMES] *= self.fade_in
        out[:_CROSSFADE_FRAMES] += self.bank[previous:previous + _CROSSFADE_FRAMES] * self.fade_out
        return out


# The beds ------------------------------------------------------------------------------


class _Bed:
    """One generated soundtrack: `segment(index)` gives frames [index, index + 1) *
    SEGMENT_FRAMES as float32 stereo, from the seed and the index alone."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self._textures = 0

    def segment(self, index: int) -> Stereo:
        raise NotImplementedError

    def _texture(self, gain: Shape, width: float = 0.6) -> _Texture:
        """A noise layer with its own bank and its own offsets (a salt per layer)."""
        self._textures += 1
        return _Texture(self.rng, gain, width, self._textures, self.seed)


def _control_times(index: int) -> NDArray[np.float64]:
    """The instants (seconds) slow movements are computed at for a segment, both ends in."""
    start = index * SEGMENT_FRAMES
    return np.arange(start, start + SEGMENT_FRAMES + 1, _CONTROL_STEP, dtype=np.float64) / RATE


_STEP_FRACTION = (np.arange(_CONTROL_STEP) / _CONTROL_STEP).astype(np.float32)


def _gains(control: NDArray[np.float64]) -> NDArray[np.float32]:
    """Slow movements at the control rate (..., steps + 1), linearly interpolated to one
    gain per frame (..., SEGMENT_FRAMES): several at once, for the cost of one."""
    values = control.astype(np.float32)
    low, high = values[..., :-1, None], values[..., 1:, None]
    return (low + (high - low) * _STEP_FRACTION).reshape(*control.shape[:-1], SEGMENT_FRAMES)


def _per_frame(control: NDArray[np.float64]) -> NDArray[np.float32]:
    """One slow movement as a per-frame gain column, for a stereo segment."""
    return _gains(control)[:, None]


class _Brown(_Bed):
    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.noise = self._texture(_band(25, 2500, tilt=-6.0))

    def segment(self, index: int) -> Stereo:
        breath = 0.88 + 0.12 * _drift(self.seed, 1, 13.7, _control_times(index))
        return self.noise.segment(index) * _per_frame(breath)


class _Rain(_Bed):
    """A hiss (nothing above 11 kHz) and drops whose loudness and number follow one slowly
    changing intensity: showers come and go."""

    DROP_FRAMES = 512

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.hiss = self._texture(_band(400, 7000, tilt=-2.0, ceiling=11000))
        self.drops = np.stack([self._drop() for _ in range(24)])
        self._drop_segment = lru_cache(maxsize=4)(self._make_drops)

    def _drop(self) -> NDArray[np.float32]:
        """A drop: a short burst with a random colour, band-limited after it is shaped, so
        it has nothing above 11 kHz either."""
        frames = self.DROP_FRAMES
        t = np.arange(frames // 2) / RATE
        burst = self.rng.standard_normal(frames // 2) * np.exp(-t / self.rng.uniform(0.001, 0.004))
        centre = self.rng.uniform(1200, 5000)
        shape = _band(centre / 2, centre * 1.4, ceiling=10000)
        drop = np.fft.irfft(np.fft.rfft(burst, n=frames)
                            * shape(_frequencies(frames)), n=frames)
        return np.asarray(drop / np.abs(drop).max(), dtype=np.float32)

    def _intensity(self, times: NDArray[np.float64]) -> NDArray[np.float64]:
        return 0.55 * _drift(self.seed, 1, 7.3, times) + 0.45 * _drift(self.seed, 2, 23.9, times)

    def _make_drops(self, index: int) -> NDArray[np.float32]:
        """The drops that start in segment `index`, placed from its start; they run up to
        DROP_FRAMES past its end, into the next segment."""
        span = SEGMENT_FRAMES + self.DROP_FRAMES
        out = np.zeros((span, 2), dtype=np.float32)
        intensity = float(self._intensity(_control_times(index)[:1])[0])
        rng = np.random.default_rng((self.seed, 3, index & _MASK))
        count = rng.poisson((8 + 60 * intensity ** 2) * SEGMENT_FRAMES / RATE)
        if count == 0:
            return out
        where = rng.integers(0, SEGMENT_FRAMES, count)[:, None] + np.arange(self.DROP_FRAMES)
        sound = self.drops[rng.integers(0, len(self.drops), count)] * rng.uniform(
            0.2, 1.0, count)[:, None] ** 2
        pan = rng.uniform(0.1, 0.9, count)[:, None]
        for channel, side in enumerate((1 - pan, pan)):
            out[:, channel] = np.bincount(where.ravel(), (sound * side).ravel(), minlength=span)
        return out

    def segment(self, index: int) -> Stereo:
        intensity = self._intensity(_control_times(index))
        out = self.hiss.segment(index) * _per_frame(0.65 + 0.35 * intensity)
        out += 1.2 * self._drop_segment(index)[:SEGMENT_FRAMES]
        out[:self.DROP_FRAMES] += 1.2 * self._drop_segment(index - 1)[SEGMENT_FRAMES:]
        return out


class _Ocean(_Bed):
    """Swells at random spacing (about every 11 s), each rising in 1.5-3.5 s and drawing
    back over 4-8 s, over a wash that never stops."""

    PERIOD = 11.0
    LONGEST = 3.5 + 8.0

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.deep = self._texture(_band(30, 500, tilt=-4.0))
        self.foam = self._texture(_band(300, 6000, tilt=-3.0))
        self._wave = lru_cache(maxsize=16)(self._make_wave)

    def _make_wave(self, number: int) -> tuple[float, float, float, float]:
        """Wave `number`: when it starts, how high it gets, how long it rises and falls."""
        jitter, height, rise, fall = (_unit(self.seed, 10, number, key) for key in range(4))
        return ((number + 0.8 * (jitter - 0.5)) * self.PERIOD, 0.4 + 0.6 * height,
                1.5 + 2.0 * rise, 4.0 + 4.0 * fall)

    def _swell(self, times: NDArray[np.float64]) -> NDArray[np.float64]:
        swell = np.zeros_like(times)
        first = int(np.floor((times[0] - self.LONGEST) / self.PERIOD)) - 1
        for number in range(first, int(np.floor(times[-1] / self.PERIOD)) + 2):
            onset, height, rise, fall = self._wave(number)
            x = times - onset
            rising = 0.5 - 0.5 * np.cos(np.pi * np.clip(x / rise, 0, 1))
            falling = 0.5 + 0.5 * np.cos(np.pi * np.clip((x - rise) / fall, 0, 1))
            swell += height * np.where(x < rise, rising, falling)
        return swell

    def segment(self, index: int) -> Stereo:
        swell = self._swell(_control_times(index))
        return (self.deep.segment(index) * _per_frame(0.35 + 0.65 * swell)
                + self.foam.segment(index) * _per_frame(0.3 + 0.8 * swell ** 1.5))


class _Wind(_Bed):
    """A low rush that gusts, and a whistle that rises in pitch and level with the gusts."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.low = self._texture(_band(80, 700, tilt=-3.0), width=0.8)
        self.whistle = self._texture(_band(450, 900), width=0.9)
        self.howl = self._texture(_band(900, 1700), width=0.9)

    def segment(self, index: int) -> Stereo:
        times = _control_times(index)
        gust = (0.6 * _drift(self.seed, 1, 3.1, times) ** 1.5
                + 0.4 * _drift(self.seed, 2, 11.7, times))
        out = self.low.segment(index) * _per_frame(0.35 + 0.65 * gust)
        out += self.whistle.segment(index) * _per_frame(0.5 * gust ** 2)
        out += self.howl.segment(index) * _per_frame(0.3 * gust ** 3)
        return out


class _Drone(_Bed):
    """A warm chord whose partials swell and drift in the stereo field on their own slow
    schedules. Each partial is the same, in phase, in both channels (panned by level only),
    so the drone folds to mono without losing anything."""

    CYCLE = 4 * RATE
    """The partials are whole cycles in four seconds (so they are read from a table); their
    swells are not, and neither is the sound."""
    PARTIALS = ((110.0, 1.0), (165.0, 0.6), (220.0, 0.45), (277.5, 0.25), (330.0, 0.2))
    DETUNE = (0.25, 0.5, 0.25, 0.75, 0.5)
    """A quieter twin of each partial this many hertz up: a slow chorus, in both channels."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        n = np.arange(self.CYCLE + SEGMENT_FRAMES) / RATE
        self.tables = np.stack([level * (np.sin(2 * np.pi * hz * n)
                                         + 0.35 * np.sin(2 * np.pi * (hz + detune) * n))
                                for (hz, level), detune in zip(self.PARTIALS, self.DETUNE,
                                                               strict=True)
                                ]).astype(np.float32)
        self.air = self._texture(_band(200, 1200, tilt=-6.0))

    def segment(self, index: int) -> Stereo:
        times = _control_times(index)
        start = index * SEGMENT_FRAMES % self.CYCLE
        tones = self.tables[:, start:start + SEGMENT_FRAMES]
        swells = np.stack([
            0.45 + 0.55 * _drift(self.seed, 20 + number, 5.3 + 2.1 * number, times)
            for number in range(len(tones))])
        pans = np.stack([
            0.3 * (_drift(self.seed, 40 + number, 9.7 + 3.3 * number, times) - 0.5)
            for number in range(len(tones))])
        left, right = _gains(np.concatenate([swells * (1 - pans), swells * (1 + pans)])
                             ).reshape(2, len(tones), SEGMENT_FRAMES)
        out = 0.06 * self.air.segment(index)
        out[:, 0] += np.einsum("pf,pf->f", tones, left)
        out[:, 1] += np.einsum("pf,pf->f", tones, right)
        return out


class GeneratedAmbient(Ambient):
    """A generated bed: endless and never repeating (its `loop` is empty), levelled once by
    measuring its first minutes."""

    _segment: Callable[[int], Stereo]

    def __init__(self, name: str, bed: _Bed) -> None:
        super().__init__(name, np.zeros((0, 2), dtype=np.float32))
        meter = LoudnessMeter()  # a segment at a time: the minutes are never held whole
        measured = _MEASURE_SECONDS * RATE
        for index in range(-(-measured // SEGMENT_FRAMES)):
            meter.add(bed.segment(index)[:measured - index * SEGMENT_FRAMES])
        gain = np.float32(db_to_gain(AMBIENT_LOUDNESS_LUFS - meter.integrated()))
        object.__setattr__(self, "_segment", lru_cache(maxsize=4)(
            lambda index: bed.segment(index) * gain))

    def block(self, start: int, frames: int) -> Samples:
        """Frames [start, start + frames) of the bed; the same for any way of asking. Only
        the parts of the (levelled, cached) segments that the block covers are copied."""
        pieces = []
        position, end = start, start + frames
        while position < end:
            index, offset = divmod(position, SEGMENT_FRAMES)
            taken = min(end - position, SEGMENT_FRAMES - offset)
            pieces.append(self._segment(index)[offset:offset + taken])
            position += taken
        if not pieces:
            return np.zeros((0, 2), dtype=np.float32)
        return np.concatenate(pieces)


GENERATORS: dict[str, tuple[str, Callable[[int], _Bed]]] = {
    "rain": ("Soft rain", _Rain),
    "ocean": ("Ocean waves", _Ocean),
    "wind": ("Wind", _Wind),
    "brown-noise": ("Brown noise", _Brown),
    "drone": ("Warm drone", _Drone),
}
"""The bundled soundtracks: id -> (title shown to people, generator)."""


@lru_cache(maxsize=2)
def generated(name: str, seed: int = 7) -> GeneratedAmbient:
    """A bundled bed, the same samples every time for the same name and seed. Takes about
    half a second (it measures its own loudness): call it from a worker thread."""
    try:
        _, bed = GENERATORS[name]
    except KeyError:
        known = ", ".join([*GENERATORS, "none"])
        raise AmbientError(f"no soundtrack named {name!r} (known: {known}, or a file)") from None
    return GeneratedAmbient(name, bed(seed))


# The user's files -------------------------------------------------------------------------


def decode_file(path: Path) -> Ambient:
    """The file's first USER_FILE_MAX_SECONDS as a levelled, seamless bed; anything wrong is
    an AmbientError. Blocks for up to a few seconds: call it from a worker thread."""
    samples = read_audio(path, USER_FILE_MAX_SECONDS)
    loop = _fold_in_place(samples, seconds_to_frames(USER_LOOP_CROSSFADE_SECONDS))
    return Ambient(path.name, _level_in_place(loop, AMBIENT_LOUDNESS_LUFS))


# Three minutes of stereo float32 are 69 MB, and make_seamless_loop and a loudness meter each
# hold float64 copies of their input: together they would quadruple a soundtrack's memory.
# Only the seam and one gain change, so the two below work on the decoded samples in place.


def _fold_in_place(samples: Samples, crossfade: int) -> Samples:
    """make_seamless_loop, without copying the whole: the seam is folded on its own (the
    first two cross-fades and the last one) and written over the start; the rest is as
    decoded, and the loop is a view of it."""
    length = samples.shape[0] - crossfade
    if length < 2 * crossfade:
        return make_seamless_loop(samples, crossfade)
    ends = np.concatenate([samples[: 2 * crossfade], samples[length:]])
    samples[:crossfade] = make_seamless_loop(ends, crossfade)[:crossfade]
    return samples[:length]


def _level_in_place(samples: Samples, target_lufs: float) -> Samples:
    """Scales in place to an integrated loudness (see `loudness`); silence stays silent."""
    level = loudness(samples)
    if np.isfinite(level):
        samples *= np.float32(db_to_gain(target_lufs - level))
    return samples


def keep_soundtrack(source: Path, folder: Path) -> tuple[Path, Ambient]:
    """Checks that `source` plays and keeps a copy of it in `folder` (the user's soundtracks),
    so that it still plays after the original moves. Returns the copy and its decoded bed, so
    nobody needs to decode it again. A file already there is not copied again; a different
    one of the same name is replaced. Blocks: call it from a worker thread."""
    ambient = decode_file(source)
    kept = folder / source.name
    if not _same_file(source, kept):
        _copy_atomically(source, kept)
    return kept, ambient


def _same_file(source: Path, kept: Path) -> bool:
    try:
        return kept.samefile(source) or filecmp.cmp(source, kept, shallow=False)
    except OSError:  # nothing kept under that name yet
        return False


def _copy_atomically(source: Path, target: Path) -> None:
    """The folder never shows half a file under the real name, and a failed copy (a full
    disk) leaves nothing behind to fill it (see `write_atomically`)."""
    try:
        with source.open("rb") as stream:
            write_atomically(target, lambda sink: shutil.copyfileobj(stream, sink,
                                                                     _COPY_CHUNK_BYTES))
    except OSError as error:
        raise AmbientError(_copy_failure(source.name, error),
                           f"{target}: {error.strerror or error}; nothing was left behind"
                           ) from None


def _copy_failure(name: str, error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Not enough disk space to keep a copy of {name}."
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"Back Care may not write in its soundtracks folder to keep a copy of {name}."
    return f"Could not keep a copy of {name}."


def load_ambient(name: str) -> Ambient:
    """A bundled name, 'none', or the path of an audio file."""
    if name in ("", "none"):
        return SILENCE
    if name in GENERATORS:
        return generated(name)
    path = Path(name).expanduser()
    if path.suffix.lower() in SUPPORTED_SUFFIXES or path.exists():
        return decode_file(path)
    return generated(name)
