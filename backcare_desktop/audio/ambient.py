"""Ambient soundtracks: generated beds (nothing to license) and the user's own audio files.

A bed is a stereo loop the mixer reads modulo its length. The generated ones are shaped in
the frequency domain, which makes them periodic by construction: the loop point is as
seamless as any other instant. Any slow movement (surf, gusts, a pad's swell) uses periods
that divide the loop, for the same reason. Of the user's files only the first minutes are
decoded (by ffmpeg, in bounded memory and time: see `decode`), levelled, and folded into a
loop with a cross-fade.
"""

from __future__ import annotations

import errno
import filecmp
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.decode import AmbientError as AmbientError
from backcare_desktop.audio.decode import read_audio
from backcare_desktop.audio.signal import (
    RATE,
    Samples,
    db_to_gain,
    make_seamless_loop,
    normalise_rms,
    seconds_to_frames,
)

AMBIENT_LEVEL_DBFS = -24.0
"""Every bed, generated or the user's, is levelled to this RMS before its own volume."""

LOOP_SECONDS = 40
USER_FILE_MAX_SECONDS = 180
"""Longer files are cut to this: a bed repeats unnoticed, and memory stays bounded."""
USER_LOOP_CROSSFADE_SECONDS = 3.0
SUPPORTED_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a")
_COPY_CHUNK_BYTES = 1024 * 1024


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


# Generated beds ---------------------------------------------------------------------------


Shape = Callable[[NDArray[np.float64]], NDArray[np.float64]]
"""A spectral shape: gain as a function of frequency in Hz."""


def _shaped_noise(rng: np.random.Generator, frames: int, gain: Shape) -> NDArray[np.float64]:
    """White noise given a spectral shape (a function of frequency in Hz); periodic in `frames`."""
    spectrum = np.fft.rfft(rng.standard_normal(frames))
    frequencies = np.asarray(np.fft.rfftfreq(frames, 1 / RATE), dtype=np.float64)
    shaped = np.fft.irfft(spectrum * gain(frequencies), n=frames)
    return np.asarray(shaped / (np.std(shaped) or 1.0), dtype=np.float64)


def _band(low: float, high: float, tilt: float = 0.0) -> Shape:
    """A smooth band-pass with a spectral tilt (dB per octave above `low`)."""

    def gain(f: NDArray[np.float64]) -> NDArray[np.float64]:
        f = np.maximum(f, 1.0)
        shape = 1 / (1 + (low / f) ** 4) / (1 + (f / high) ** 4)
        return shape * (f / low) ** (tilt / 6.02)

    return gain


def _slow(frames: int, *cycles_and_weights: tuple[int, float, float]) -> NDArray[np.float64]:
    """A slow movement from whole numbers of cycles per loop (so it loops cleanly), 0..1."""
    t = np.arange(frames) / frames
    movement = sum(weight * np.sin(2 * np.pi * cycles * t + phase)
                   for cycles, weight, phase in cycles_and_weights)
    movement = np.asarray(movement, dtype=np.float64)
    span = np.ptp(movement) or 1.0
    return np.asarray((movement - movement.min()) / span, dtype=np.float64)


def _stereo(rng: np.random.Generator, frames: int, gain: Shape,
            width: float = 0.6) -> NDArray[np.float64]:
    """Two partly independent channels: wide, but still one sound in the middle."""
    shared = _shaped_noise(rng, frames, gain)
    left, right = _shaped_noise(rng, frames, gain), _shaped_noise(rng, frames, gain)
    return np.stack([(1 - width) * shared + width * left,
                     (1 - width) * shared + width * right], axis=1)


def _brown(rng: np.random.Generator, frames: int) -> NDArray[np.float64]:
    return _stereo(rng, frames, _band(25, 2500, tilt=-6.0))


def _rain(rng: np.random.Generator, frames: int) -> NDArray[np.float64]:
    bed = _stereo(rng, frames, _band(400, 9000, tilt=-2.0))
    drops = np.zeros((frames, 2))
    drop_frames = seconds_to_frames(0.012)
    drop = np.hanning(drop_frames) * rng.standard_normal(drop_frames)
    for position in rng.integers(0, frames, size=LOOP_SECONDS * 25):
        pan = rng.uniform(0.1, 0.9)
        level = rng.uniform(0.3, 1.6)
        indices = (position + np.arange(drop_frames)) % frames
        drops[indices, 0] += drop * level * (1 - pan)
        drops[indices, 1] += drop * level * pan
    return bed + 0.8 * drops


def _ocean(rng: np.random.Generator, frames: int) -> NDArray[np.float64]:
    swell = _slow(frames, (4, 1.0, 0.0), (3, 0.35, 1.3), (7, 0.15, 0.4)) ** 2
    deep = _stereo(rng, frames, _band(30, 500, tilt=-4.0))
    foam = _stereo(rng, frames, _band(300, 6000, tilt=-3.0))
    return deep * (0.35 + 0.65 * swell[:, None]) + foam * (swell[:, None] ** 1.5) * 0.8


def _wind(rng: np.random.Generator, frames: int) -> NDArray[np.float64]:
    gusts = _slow(frames, (2, 1.0, 0.0), (5, 0.5, 2.1), (11, 0.2, 0.7))
    low = _stereo(rng, frames, _band(80, 700, tilt=-3.0), width=0.8)
    whistle = _stereo(rng, frames, _band(500, 1400), width=0.9)
    return low * (0.4 + 0.6 * gusts[:, None]) + whistle * (gusts[:, None] ** 2) * 0.45


def _drone(rng: np.random.Generator, frames: int) -> NDArray[np.float64]:
    t = np.arange(frames) / RATE
    sound = np.zeros((frames, 2))
    # Frequencies are whole cycles per loop (multiples of 1 / LOOP_SECONDS) so the pad loops.
    for index, (hz, level) in enumerate(((110.0, 1.0), (165.0, 0.6), (220.0, 0.45),
                                         (277.5, 0.25), (330.0, 0.2))):
        swell = 0.55 + 0.45 * _slow(frames, (index + 1, 1.0, index * 0.9))
        for channel, detune in ((0, 0.0), (1, 0.05 * (index + 1))):
            sound[:, channel] += level * swell * np.sin(2 * np.pi * (hz + detune) * t)
    air = _stereo(rng, frames, _band(200, 1200, tilt=-6.0))
    return sound + 0.08 * air


GENERATORS: dict[str, tuple[str, Callable[[np.random.Generator, int], NDArray[np.float64]]]] = {
    "rain": ("Soft rain", _rain),
    "ocean": ("Ocean waves", _ocean),
    "wind": ("Wind", _wind),
    "brown-noise": ("Brown noise", _brown),
    "drone": ("Warm drone", _drone),
}
"""The bundled soundtracks: id -> (title shown to people, generator)."""


@lru_cache(maxsize=2)
def generated(name: str, seed: int = 7) -> Ambient:
    """A bundled bed, the same samples every time for the same name and seed."""
    try:
        _, generator = GENERATORS[name]
    except KeyError:
        known = ", ".join([*GENERATORS, "none"])
        raise AmbientError(f"no soundtrack named {name!r} (known: {known}, or a file)") from None
    frames = LOOP_SECONDS * RATE
    rng = np.random.default_rng(seed)
    return Ambient(name, normalise_rms(generator(rng, frames), AMBIENT_LEVEL_DBFS))


# The user's files -------------------------------------------------------------------------


def decode_file(path: Path) -> Ambient:
    """The file's first USER_FILE_MAX_SECONDS as a levelled, seamless bed; anything wrong is
    an AmbientError. Blocks for up to a few seconds: call it from a worker thread."""
    samples = read_audio(path, USER_FILE_MAX_SECONDS)
    loop = _fold_in_place(samples, seconds_to_frames(USER_LOOP_CROSSFADE_SECONDS))
    return Ambient(path.name, _level_in_place(loop, AMBIENT_LEVEL_DBFS))


# Three minutes of stereo float32 are 69 MB, and make_seamless_loop and normalise_rms each
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


def _level_in_place(samples: Samples, target_dbfs: float) -> Samples:
    """normalise_rms, measuring a second at a time and scaling in place."""
    energy = sum(float(np.square(samples[start:start + RATE], dtype=np.float64).sum())
                 for start in range(0, samples.shape[0], RATE))
    level = 10 * np.log10(energy / samples.size) if energy > 0 else float("-inf")
    if np.isfinite(level):
        samples *= np.float32(db_to_gain(target_dbfs - level))
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
    """Copies under a temporary name, syncs, then renames: the folder never shows half a file
    under the real name, and a failed copy (a full disk) leaves nothing behind to fill it."""
    temporary: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".partial")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as sink, source.open("rb") as stream:
            shutil.copyfileobj(stream, sink, _COPY_CHUNK_BYTES)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise AmbientError(_copy_failure(source.name, error),
                           f"{target}: {error.strerror or error}; nothing was left behind"
                           ) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


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
