"""Writing a whole session to a file, block by block, so a two-hour session costs no more
memory than a five-minute one.

WAV is written by the standard library; FLAC, Ogg Vorbis and MP3 stream raw samples into
the ffmpeg that pydub uses, so nothing ever holds the whole session.
"""

from __future__ import annotations

import contextlib
import subprocess
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from backcare_desktop.audio.mixer import SessionMix
from backcare_desktop.audio.signal import RATE, Samples
from backcare_desktop.errors import BackCareError
from backcare_desktop.paths import write_atomically

BLOCK_FRAMES = RATE  # one second: large enough for numpy to be efficient, small in memory
Progress = Callable[[str, float], None]

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
                   progress: Progress | None = None) -> None:
    suffix = out.suffix.lower()
    if suffix != ".wav" and suffix not in _ENCODERS:
        raise ExportError(f"{out.name}: choose a .wav, .flac, .ogg or .mp3 file name")
    if not out.parent.exists():
        raise ExportError(f"{out.parent}: no such folder")
    temporary = out.with_name(f".{out.name}.partial")
    try:
        if suffix == ".wav":
            _write_wav(mix, temporary, progress)
        else:
            _encode(mix, temporary, _ENCODERS[suffix], progress)
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


def _report(progress: Progress | None, frames_done: int, mix: SessionMix) -> None:
    if progress is not None:
        progress("rendering", frames_done / mix.total_frames)


def _stream(mix: SessionMix, write: Callable[[bytes], object],
            progress: Progress | None) -> None:
    done = 0
    for block in blocks(mix):
        write(to_pcm16(block))
        done += block.shape[0]
        _report(progress, done, mix)


def _write_wav(mix: SessionMix, path: Path, progress: Progress | None) -> None:
    with wave.open(str(path), "wb") as sink:
        sink.setnchannels(2)
        sink.setsampwidth(2)
        sink.setframerate(RATE)
        _stream(mix, sink.writeframesraw, progress)


def _encode(mix: SessionMix, path: Path, codec: list[str], progress: Progress | None) -> None:
    from pydub.utils import get_encoder_name

    command = [get_encoder_name(), "-hide_banner", "-loglevel", "error", "-y",
               "-f", "s16le", "-ar", str(RATE), "-ac", "2", "-i", "pipe:0", *codec, str(path)]
    try:
        encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise ExportError("ffmpeg is not installed; `make run` installs it, or write a .wav"
                          ) from None
    assert encoder.stdin is not None and encoder.stderr is not None
    try:
        _stream(mix, encoder.stdin.write, progress)
    except BrokenPipeError:
        pass
    finally:
        encoder.stdin.close()
    with encoder.stderr:
        message = encoder.stderr.read().decode(errors="replace").strip()
    if encoder.wait() != 0:
        raise ExportError(f"{path.name}: ffmpeg could not encode it ({message[:160]})")


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
