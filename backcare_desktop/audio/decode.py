"""Reading the start of a person's audio file through ffprobe and ffmpeg, in bounded memory
and time.

A soundtrack only ever uses its first few minutes, so decoding a whole file (as pydub does)
spends gigabytes and tens of seconds of a two-hour recording on nothing. Here ffprobe looks
at the file first, then ffmpeg decodes only the part that is used, already in the mixer's
format, into a buffer of fixed size. Both run as subprocesses with a time limit and a cap on
any one allocation, so a damaged file, a huge sparse one or a stalled drive costs seconds
and megabytes, never a hang. Everything here blocks: it is meant for a worker thread.
"""

from __future__ import annotations

import json
import os
import selectors
import stat
import subprocess
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.signal import RATE, Samples, seconds_to_frames
from backcare_desktop.errors import BackCareError
from backcare_desktop.ffmpeg import FFMPEG

FFPROBE = "ffprobe"
PROBE_TIMEOUT_SECONDS = 10.0
"""ffprobe answers in a fraction of a second for a real audio file; only garbage (a big file
of zeros makes its parser hunt for a frame through every byte) or a stalled drive takes
longer."""
DECODE_TIMEOUT_SECONDS = 30.0
"""ffmpeg decodes minutes of audio in about a second; this leaves room for a slow machine."""
MAX_ALLOC_BYTES = 64 * 1024 * 1024
"""The largest single block ffmpeg may allocate: far above any audio frame, cover picture or
the index of a file many hours long, but it stops a parser that would grow without end on
garbage (gigabytes in seconds, for a big file of zeros)."""
MIN_SECONDS = 2.0
"""Shorter than this, a loop would be heard as a stutter rather than a bed."""

_FRAME_BYTES = 8  # f32le, two channels
_MESSAGE_BYTES = 4096  # the tail of ffmpeg's messages kept for the detail
_READ_BYTES = 65536
_SAID_CHARS = 600


class AmbientError(BackCareError):
    """A soundtrack that cannot be used: a plain line for the person, the reason in `detail`."""


def _not_audio(name: str) -> str:
    return f"{name} is not an audio file Back Care can play"


def read_audio(path: Path, max_seconds: float) -> Samples:
    """The first `max_seconds` of the file's first audio stream, as stereo float32 at RATE.

    Memory is bounded by `max_seconds` whatever the size of the file, and time by the two
    time limits; anything wrong is an AmbientError.
    """
    _check_readable(path)
    duration = probe(path)
    if duration is not None and duration < MIN_SECONDS:
        raise _too_short(path, duration)
    samples = _decode(path, max_seconds)
    if samples.shape[0] < seconds_to_frames(MIN_SECONDS):
        raise _too_short(path, samples.shape[0] / RATE)
    return samples


def probe(path: Path) -> float | None:
    """The file's duration in seconds (None when its container does not say), once ffprobe
    has found an audio stream in it."""
    command = [FFPROBE, "-hide_banner", "-v", "error", "-max_alloc", str(MAX_ALLOC_BYTES),
               "-show_entries", "format=duration:stream=codec_type", "-of", "json",
               _input(path)]
    try:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=PROBE_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise _too_slow(path, f"ffprobe did not finish within {PROBE_TIMEOUT_SECONDS:g} s"
                        ) from None
    except OSError as error:
        raise _tool_missing(path, FFPROBE, error) from None
    if result.returncode != 0:
        reason = _said(result.stderr, path) or f"exited with status {result.returncode}"
        raise AmbientError(_not_audio(_name(path)), f"{path}: ffprobe: {reason}")
    try:
        found = json.loads(result.stdout)
    except ValueError:
        raise AmbientError(_not_audio(_name(path)),
                           f"{path}: ffprobe answered {result.stdout[:200]!r}") from None
    kinds = [str(stream.get("codec_type")) for stream in found.get("streams", [])]
    if "audio" not in kinds:
        streams = ", ".join(kinds) or "none"
        raise AmbientError(_not_audio(_name(path)), f"{path}: no audio stream (streams: {streams})")
    try:
        return float(found["format"]["duration"])
    except (KeyError, TypeError, ValueError):
        return None


def _decode(path: Path, max_seconds: float) -> Samples:
    """Up to `max_seconds` of float32 stereo at RATE, straight from ffmpeg's pipe into a
    buffer of exactly that size, which the result is a view of: no copy is ever made."""
    command = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error",
               "-max_alloc", str(MAX_ALLOC_BYTES), "-i", _input(path),
               "-map", "0:a:0", "-t", f"{max_seconds:g}",
               "-f", "f32le", "-c:a", "pcm_f32le", "-ac", "2", "-ar", str(RATE), "pipe:1"]
    # np.empty maps fresh pages: a short file touches only what it fills.
    buffer = np.empty(seconds_to_frames(max_seconds) * _FRAME_BYTES, dtype=np.uint8)
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
    except OSError as error:
        raise _tool_missing(path, FFMPEG, error) from None
    with process:
        try:
            filled, messages, in_time = _collect(process, buffer,
                                                 time.monotonic() + DECODE_TIMEOUT_SECONDS)
        finally:
            if process.poll() is None:  # out of time, or the buffer is full: nothing more needed
                process.kill()
    decoded = f"{filled / _FRAME_BYTES / RATE:.1f} s of audio"
    if not in_time:
        raise _too_slow(path, f"ffmpeg gave {decoded} in {DECODE_TIMEOUT_SECONDS:g} s")
    if filled < buffer.size and process.returncode != 0:
        reason = _said(messages, path) or f"exited with status {process.returncode}"
        short = (_not_audio(_name(path)) if filled == 0 else
                 f"{_name(path)} could not be read to the end; it may be damaged")
        raise AmbientError(short, f"{path}: ffmpeg: {reason} (after {decoded})")
    if filled == 0:
        raise AmbientError(_not_audio(_name(path)),
                           f"{path}: ffmpeg decoded no audio. {_said(messages, path)}".strip())
    frames = filled // _FRAME_BYTES
    return buffer[: frames * _FRAME_BYTES].view("<f4").reshape(frames, 2)


def _collect(process: subprocess.Popen[bytes], buffer: NDArray[np.uint8],
             deadline: float) -> tuple[int, bytes, bool]:
    """Reads ffmpeg's output into `buffer` (and the tail of its messages, so that it never
    blocks on a full stderr) until it ends or the buffer is full, then waits for it to exit.
    Returns the bytes filled, the messages, and whether all that happened by `deadline`."""
    assert process.stdout is not None and process.stderr is not None
    view = buffer.data
    filled = 0
    messages = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        selector.register(process.stderr, selectors.EVENT_READ)
        while selector.get_map() and filled < len(view):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return filled, messages, False
            for key, _ in selector.select(remaining):
                if key.fileobj is process.stdout:
                    count = os.readv(key.fd, [view[filled:]])
                    filled += count
                else:
                    chunk = os.read(key.fd, _READ_BYTES)
                    count = len(chunk)
                    messages = (messages + chunk)[-_MESSAGE_BYTES:]
                if count == 0:
                    selector.unregister(key.fileobj)
    if filled == len(view):
        return filled, messages, True
    try:
        process.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return filled, messages, False
    return filled, messages, True


def _check_readable(path: Path) -> None:
    """Says plainly what ffprobe would only hint at: a missing file, a folder, a device or a
    FIFO (which would block anyone who opens it), a file the person may not read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise AmbientError(f"{_name(path)}: no such file", f"{path}: no such file") from None
    except OSError as error:
        raise AmbientError(f"{_name(path)} cannot be read", f"{path}: {error.strerror}"
                           ) from None
    if not stat.S_ISREG(mode):
        raise AmbientError(_not_audio(_name(path)), f"{path}: not a regular file")
    try:
        with path.open("rb"):
            pass
    except PermissionError as error:
        raise AmbientError(f"Back Care is not allowed to read {_name(path)}",
                           f"{path}: {error.strerror}") from None
    except OSError as error:
        raise AmbientError(f"{_name(path)} cannot be read", f"{path}: {error.strerror}"
                           ) from None


def _input(path: Path) -> str:
    """The path as ffmpeg and ffprobe must see it: absolute and behind the file: protocol, so
    a name such as `-i.mp3` is never taken for an option, nor `http:x.mp3` for a URL."""
    return f"file:{path.absolute()}"


def _name(path: Path) -> str:
    return path.name or str(path)


def _said(messages: bytes, path: Path) -> str:
    """What a tool said on stderr, on one line, without repeating the path the detail gives."""
    text = messages.decode(errors="replace").replace(f"{_input(path)}: ", "")
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())[-_SAID_CHARS:]


def _too_short(path: Path, seconds: float) -> AmbientError:
    return AmbientError(f"{_name(path)} is too short for a soundtrack (under "
                        f"{MIN_SECONDS:g} seconds)", f"{path}: {seconds:.2f} s of audio")


def _too_slow(path: Path, reason: str) -> AmbientError:
    return AmbientError(f"Reading {_name(path)} took too long; it may be damaged or on a "
                        f"slow drive", f"{path}: {reason}")


def _tool_missing(path: Path, tool: str, error: OSError) -> AmbientError:
    return AmbientError(f"{_name(path)} cannot be played: ffmpeg is not installed "
                        "(`make run` installs it)", f"{tool}: {error.strerror or error}")
