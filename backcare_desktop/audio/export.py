"""Writing a whole session to a file, block by block, so a two-hour session costs no more
memory than a five-minute one.

An export is levelled to the integrated loudness spoken word is published at (-18 LUFS by
default, EBU R128 / ITU-R BS.1770) with true peaks held at or under -1 dBTP, so it plays at
the level of the listener's other podcasts and survives lossy encoding without clipping.
That takes two passes over the streamed blocks (the mixer makes any block on demand): the
first measures, the second applies the gain through a look-ahead true-peak limiter. Both
keep only a few blocks of state, so memory still does not grow with the session.

WAV is written by the standard library; FLAC, Ogg Vorbis and MP3 stream raw samples into
the ffmpeg that pydub uses, so nothing ever holds the whole session.
"""

from __future__ import annotations

import contextlib
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import minimum_filter1d
from scipy.signal import firwin, resample_poly

from backcare_desktop.audio.loudness import LoudnessMeter
from backcare_desktop.audio.mixer import SessionMix
from backcare_desktop.audio.signal import RATE, Samples, db_to_gain, seconds_to_frames
from backcare_desktop.errors import BackCareError
from backcare_desktop.ffmpeg import FfmpegFailed, feed_ffmpeg
from backcare_desktop.paths import write_atomically

BLOCK_FRAMES = RATE  # one second: large enough for numpy to be efficient, small in memory
Progress = Callable[[str, float], None]

TARGET_LUFS = -18.0
"""Spoken-word audio is published at -16 to -19 LUFS; -18 leaves room for the quiet bed."""
TRUE_PEAK_CEILING_DBTP = -1.0
"""Headroom for the inter-sample peaks a lossy encoder's reconstruction adds (EBU R128)."""

_ENCODERS = {
    ".flac": ["-c:a", "flac", "-f", "flac"],
    ".ogg": ["-c:a", "libvorbis", "-q:a", "5", "-f", "ogg"],
    ".mp3": ["-c:a", "libmp3lame", "-q:a", "3", "-f", "mp3"],
}


class ExportError(BackCareError):
    """A file that cannot be written, said in one line."""


def blocks(mix: SessionMix, block_frames: int = BLOCK_FRAMES) -> Iterator[Samples]:
    """The session from its first frame to its last, in blocks."""
    for start in range(0, mix.total_frames, block_frames):
        yield mix.render(start, min(block_frames, mix.total_frames - start))


def to_pcm16(block: Samples) -> bytes:
    return (np.clip(block, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def export_session(mix: SessionMix, out: Path, captions: Path | None = None,
                   progress: Progress | None = None,
                   loudness: float | None = TARGET_LUFS) -> None:
    """Writes the session to `out`, levelled to `loudness` LUFS (None: as mixed)."""
    suffix = out.suffix.lower()
    if suffix != ".wav" and suffix not in _ENCODERS:
        raise ExportError(f"{out.name}: choose a .wav, .flac, .ogg or .mp3 file name")
    if not out.parent.exists():
        raise ExportError(f"{out.parent}: no such folder")
    temporary = out.with_name(f".{out.name}.partial")
    try:
        gain = None if loudness is None else _gain_to(loudness, mix, progress)
        if suffix == ".wav":
            _write_wav(mix, temporary, progress, gain)
        else:
            _encode(mix, temporary, _ENCODERS[suffix], progress, gain, out.name)
        temporary.replace(out)
    except OSError as error:
        raise ExportError(f"{out}: cannot write ({error.strerror or error})") from None
    finally:
        with contextlib.suppress(OSError):  # e.g. the "folder" is a file: nothing was made
            temporary.unlink(missing_ok=True)
    if captions is not None:
        try:
            write_atomically(captions, webvtt(mix).encode("utf-8"))
        except OSError as error:
            raise ExportError(f"{captions}: cannot write ({error.strerror or error})"
                              ) from None


def _report(progress: Progress | None, label: str, frames_done: int, mix: SessionMix) -> None:
    if progress is not None:
        progress(label, frames_done / mix.total_frames)


def _gain_to(loudness: float, mix: SessionMix, progress: Progress | None) -> float:
    """The first pass: the gain that brings the session to `loudness` LUFS; a silent
    session is left as it is."""
    meter = LoudnessMeter()
    done = 0
    for block in blocks(mix):
        meter.add(block)
        done += block.shape[0]
        _report(progress, "measuring", done, mix)
    measured = meter.integrated()
    return db_to_gain(loudness - measured) if np.isfinite(measured) else 1.0


def _stream(mix: SessionMix, write: Callable[[bytes], object],
            progress: Progress | None, gain: float | None) -> None:
    """The (second) pass that writes: blocks as mixed, or gained and true-peak limited."""
    limiter = TruePeakLimiter(db_to_gain(TRUE_PEAK_CEILING_DBTP))
    done = 0
    for block in blocks(mix):
        write(to_pcm16(block if gain is None else limiter.push(block * gain)))
        done += block.shape[0]
        _report(progress, "rendering", done, mix)
    if gain is not None:
        write(to_pcm16(limiter.finish()))


def _write_wav(mix: SessionMix, path: Path, progress: Progress | None,
               gain: float | None) -> None:
    with wave.open(str(path), "wb") as sink:
        sink.setnchannels(2)
        sink.setsampwidth(2)
        sink.setframerate(RATE)
        _stream(mix, sink.writeframesraw, progress, gain)


def _encode(mix: SessionMix, path: Path, codec: list[str], progress: Progress | None,
            gain: float | None, name: str) -> None:
    """Encodes into `path`, a temporary file: messages name the file asked for, `name`."""
    arguments = ["-f", "s16le", "-ar", str(RATE), "-ac", "2", "-i", "pipe:0", *codec, str(path)]
    try:
        feed_ffmpeg(arguments, lambda write: _stream(mix, write, progress, gain))
    except FileNotFoundError:
        raise ExportError("ffmpeg is not installed; `make run` installs it, or write a .wav"
                          ) from None
    except FfmpegFailed as failure:
        raise ExportError(f"{name}: ffmpeg could not encode it ({str(failure)[:160]})"
                          ) from None


def _timestamp(frames: int) -> str:
    millis = round(frames * 1000 / RATE)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def webvtt(mix: SessionMix) -> str:
    """Captions of every spoken cue, from when its speech starts to when it ends."""
    lines = ["WEBVTT", ""]
    minimum = RATE  # a caption stays up at least a second, so it can be read
    for number, (start, end, text) in enumerate(mix.speech_spans(), 1):
        lines += [str(number), f"{_timestamp(start)} --> {_timestamp(max(end, start + minimum))}",
                  text, ""]
    return "\n".join(lines)


# True peak, in constant memory -----------------------------------------------------------

_OVERSAMPLING = 4
_FILTER_REACH = 16
"""Frames on each side that resample_poly's interpolation filter reads (10 at 4x)."""
_TAPS = firwin(2 * 10 * _OVERSAMPLING + 1, 1 / _OVERSAMPLING, window=("kaiser", 5.0))
_OVERSHOOT = float(max(np.abs(_TAPS[phase::_OVERSAMPLING]).sum() * _OVERSAMPLING
                       for phase in range(_OVERSAMPLING)))
"""No interpolated point exceeds the sample peak around it by more than this (resample_poly's
own filter, about 2.2): where samples stay under ceiling / _OVERSHOOT, nothing is
oversampled, which makes quiet stretches (most of a session) cheap."""
_SEGMENT = seconds_to_frames(0.05)


def true_peaks(samples: NDArray[np.floating]) -> NDArray[np.float64]:
    """Each frame's peak over both channels and the three points interpolated after it
    (4x oversampling, as BS.1770 estimates true peak); the first and last _FILTER_REACH
    frames lack context and read low."""
    upsampled = resample_poly(np.asarray(samples, dtype=np.float64), _OVERSAMPLING, 1, axis=0)
    return np.asarray(np.abs(upsampled).max(axis=1).reshape(-1, _OVERSAMPLING).max(axis=1))


class TruePeakLimiter:
    """Holds true peaks at or under `ceiling` (linear) on a stream of blocks, in step.

    The gain needed at each frame (ceiling over its true peak) is held for HOLD after it and
    reached LOOKAHEAD before it, then smoothed over LOOKAHEAD: the gain is fully down by the
    time the peak arrives, with no corner to click. Output frames match input frames one to
    one; the last LOOKAHEAD + _FILTER_REACH of each block wait for the next (or `finish`).
    """

    LOOKAHEAD = seconds_to_frames(0.005)
    HOLD = seconds_to_frames(0.05)
    _MARGIN = 0.995
    """Aims a hair under the ceiling: the gain's slope shifts interpolated peaks a little."""

    def __init__(self, ceiling: float) -> None:
        self.ceiling = ceiling * self._MARGIN
        self._past = self.LOOKAHEAD + self.HOLD + _FILTER_REACH
        self._future = self.LOOKAHEAD + _FILTER_REACH
        self._buffer = np.zeros((self._past, 2))
        """The last `_past` frames already out (zeros before the start), then the frames
        still to come out."""

    def push(self, block: NDArray[np.floating]) -> Samples:
        """The frames that can be finished now (fewer than given, by up to `_future`)."""
        self._buffer = np.concatenate([self._buffer, np.asarray(block, dtype=np.float64)])
        ready = self._buffer.shape[0] - self._past - self._future
        if ready <= 0:
            return np.zeros((0, 2), dtype=np.float32)
        out = self._buffer[self._past: self._past + ready] * self._gains(ready)[:, None]
        self._buffer = self._buffer[ready:]
        return out.astype(np.float32)

    def finish(self) -> Samples:
        """The frames still held back, up to the end of the stream."""
        held = self._buffer.shape[0] - self._past
        return self.push(np.zeros((self._future, 2)))[:held]

    def _gains(self, ready: int) -> NDArray[np.float64]:
        peaks = self._peaks()
        if peaks.max() <= self.ceiling:
            return np.ones(ready)
        needed = np.minimum(1.0, self.ceiling / np.maximum(peaks, 1e-12))
        # held[k] = the least gain needed over [k - HOLD, k + LOOKAHEAD]
        width = self.HOLD + self.LOOKAHEAD + 1
        centred = minimum_filter1d(needed, width | 1, mode="nearest")
        shift = (width | 1) // 2 - self.LOOKAHEAD
        held = np.concatenate([np.ones(shift), centred[:-shift]])
        # gains[n] = the mean of held over [n - LOOKAHEAD, n], for the frames going out
        sums = np.concatenate([[0.0], np.cumsum(held)])
        first = self._past
        ends = np.arange(first, first + ready) + 1
        return np.asarray((sums[ends] - sums[ends - self.LOOKAHEAD - 1]) / (self.LOOKAHEAD + 1))

    def _peaks(self) -> NDArray[np.float64]:
        """true_peaks of the buffer, worked out only in segments that could reach the
        ceiling; elsewhere the sample peak stands in (it is under the ceiling too)."""
        magnitude = np.abs(self._buffer).max(axis=1)
        peaks = magnitude.copy()
        for start in range(0, magnitude.shape[0], _SEGMENT):
            lo, hi = max(0, start - _FILTER_REACH), start + _SEGMENT + _FILTER_REACH
            if magnitude[lo:hi].max() * _OVERSHOOT > self.ceiling:
                end = min(start + _SEGMENT, magnitude.shape[0])
                peaks[start:end] = true_peaks(self._buffer[lo:hi])[start - lo: end - lo]
        return np.asarray(peaks, dtype=np.float64)
