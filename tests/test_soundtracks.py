"""The person's own soundtracks: only the part that is used is decoded, in bounded memory and
time, whatever the file; every failure is one plain line with the reason behind it; and
keeping a copy never leaves half a file behind.

Test audio is made by ffmpeg itself (a sine of a known pitch, so every check is on samples).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from backcare_desktop.audio import decode
from backcare_desktop.audio.ambient import (
    AMBIENT_LOUDNESS_LUFS,
    USER_FILE_MAX_SECONDS,
    USER_LOOP_CROSSFADE_SECONDS,
    AmbientError,
    decode_file,
    keep_soundtrack,
    load_ambient,
    loudness,
)
from backcare_desktop.audio.signal import (
    RATE,
    db_to_gain,
    make_seamless_loop,
    seconds_to_frames,
)
from backcare_desktop.errors import BackCareError
from backcare_desktop.ui.main_window import MainWindow
from tests.ui_helpers import EventLoopBeat

ROOT = Path(__file__).resolve().parent.parent
LOOP_FRAMES = seconds_to_frames(USER_FILE_MAX_SECONDS - USER_LOOP_CROSSFADE_SECONDS)


def make_tone(path: Path, seconds: float, hz: int = 440, *codec: str) -> Path:
    """A stereo sine at 44.1 kHz (so the decoder also resamples), encoded by its suffix."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency={hz}:sample_rate=44100:duration={seconds}",
                    "-ac", "2", *codec, f"file:{path.absolute()}"], check=True)
    return path


def pitch(samples: np.ndarray) -> int:
    """The strongest frequency in the first second, to the nearest hertz."""
    return int(np.argmax(np.abs(np.fft.rfft(samples[:RATE, 0]))))


def fake_tool(folder: Path, name: str, script: str) -> str:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture(scope="module")
def two_hours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-hour MP3 made in about a second: one minute encoded, then repeated by copying."""
    folder = tmp_path_factory.mktemp("long")
    minute = make_tone(folder / "minute.mp3", 60, 440, "-b:a", "32k")
    long = folder / "two_hours.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "119",
                    "-i", f"file:{minute}", "-c", "copy", f"file:{long}"], check=True)
    return long


CHILD = """
import json, resource, sys, time
from pathlib import Path
from backcare_desktop.audio import decode
from backcare_desktop.audio.ambient import AmbientError, decode_file, loudness
from backcare_desktop.audio.loudness import LoudnessMeter
import numpy as np

LoudnessMeter()  # loads pyloudnorm and scipy, which load on first use: imports, not decoding

def kb(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])

decode.PROBE_TIMEOUT_SECONDS = float(sys.argv[2])
Path("/proc/self/clear_refs").write_text("5")  # the peak so far (imports) is forgotten
before = kb("VmRSS")
start = time.perf_counter()
try:
    loop = decode_file(Path(sys.argv[1])).loop
except AmbientError as error:
    loop, short = None, error.short
result = {"seconds": time.perf_counter() - start, "growth_mb": (kb("VmHWM") - before) / 1024,
          "tools_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
if loop is None:
    result["short"] = short
else:  # measured after the peak is read: checking costs memory too
    result.update(frames=loop.shape[0], level=loudness(loop),
                  hz=int(np.argmax(np.abs(np.fft.rfft(loop[:48000, 0])))))
print(json.dumps(result))
"""


def decode_in_child(path: Path, probe_timeout: float = decode.PROBE_TIMEOUT_SECONDS
                    ) -> dict[str, float | str]:
    """decode_file in a fresh process, with its peak memory (and that of ffprobe and ffmpeg)
    over what it held before: the test process's own memory cannot skew it."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(probe_timeout)],
                          capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    result: dict[str, float | str] = json.loads(done.stdout)
    return result


def test_a_two_hour_soundtrack_decodes_its_first_minutes_in_bounded_memory(
        two_hours: Path) -> None:
    assert (decode.probe(two_hours) or 0) > 7000
    result = decode_in_child(two_hours)
    print(f"2-hour MP3: {result}")
    assert result["frames"] == LOOP_FRAMES
    assert result["hz"] == 440
    assert result["level"] == pytest.approx(AMBIENT_LOUDNESS_LUFS, abs=0.05)
    assert float(result["growth_mb"]) < 150  # the issue asks for under 300; it is about 85
    assert float(result["tools_mb"]) < 300
    assert float(result["seconds"]) < 10


def test_exactly_the_used_minutes_are_decoded_and_levelled_as_before(two_hours: Path) -> None:
    samples = decode.read_audio(two_hours, USER_FILE_MAX_SECONDS)
    assert samples.shape == (USER_FILE_MAX_SECONDS * RATE, 2)
    assert pitch(samples[-RATE:]) == 440
    reference = make_seamless_loop(samples.copy(), seconds_to_frames(USER_LOOP_CROSSFADE_SECONDS))
    reference *= db_to_gain(AMBIENT_LOUDNESS_LUFS - loudness(reference))
    bed = decode_file(two_hours)
    assert bed.name == "two_hours.mp3"
    np.testing.assert_allclose(bed.loop, reference, atol=1e-5)
    assert loudness(bed.loop) == pytest.approx(AMBIENT_LOUDNESS_LUFS, abs=0.05)
    assert load_ambient(str(two_hours)).loop.shape == reference.shape


def test_the_calling_thread_is_free_while_a_worker_decodes(two_hours: Path) -> None:
    """What lets the window stay responsive: decoding on a worker never holds the
    interpreter long enough to stall the thread that runs the window."""
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(len(decode_file(two_hours).loop)))
    gaps: list[float] = []
    worker.start()
    last = time.perf_counter()
    while worker.is_alive():
        time.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    assert result == [LOOP_FRAMES]
    assert_responsive(gaps)


def assert_responsive(gaps: list[float]) -> None:
    """Nine in ten wake-ups within 100 ms and none held a second (a busy machine can delay
    a few; decoding on the window's thread held it 13 s)."""
    print(f"longest wait {max(gaps) * 1000:.0f} ms, 90th percentile "
          f"{np.percentile(gaps, 90) * 1000:.0f} ms over {len(gaps)} wake-ups")
    assert np.percentile(gaps, 90) < 0.1
    assert max(gaps) < 1.0


def test_adding_a_two_hour_soundtrack_in_the_window_keeps_it_responsive(
        two_hours: Path, window: MainWindow, qtbot: QtBot) -> None:
    beat = EventLoopBeat()
    future = window.add_soundtrack(two_hours)
    qtbot.waitUntil(lambda: len(window.settings.soundtracks) == 1, timeout=30_000)
    gaps = beat.stop()
    kept, bed = future.result()
    assert bed.loop.shape[0] == LOOP_FRAMES and kept.parent.name == "soundtracks"
    assert window.library_page.setup.ambient.currentData() == str(kept)
    assert_responsive(gaps)


def test_a_huge_sparse_file_is_refused_in_bounded_memory_and_time(tmp_path: Path) -> None:
    """Five gigabytes of nothing: ffprobe's parser hunts through it for a frame; the time
    limit (here 1 s) stops it, and no single allocation may grow past the cap meanwhile."""
    sparse = tmp_path / "huge.mp3"
    with sparse.open("wb") as stream:
        stream.truncate(5 * 1024**3)
    result = decode_in_child(sparse, probe_timeout=1.0)
    print(f"5 GB sparse file: {result}")
    assert result["short"] == ("Reading huge.mp3 took too long; it may be damaged or on a "
                               "slow drive")
    assert float(result["seconds"]) < 3
    assert float(result["growth_mb"]) < 50
    assert float(result["tools_mb"]) < 300


@pytest.fixture
def tool_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[list[str]]]:
    """ffprobe and ffmpeg behind wrappers that write down their arguments, then run the real
    tools: what each was given, one list per run."""
    log = tmp_path / "tools" / "calls.log"
    log.parent.mkdir()
    for name in ("ffprobe", "ffmpeg"):
        real = shutil.which(name)
        assert real is not None
        wrapper = fake_tool(log.parent, name,
                            f'printf "%s\\0" {name} "$@" >> "{log}"; echo >> "{log}"\n'
                            f'exec "{real}" "$@"')
        monkeypatch.setattr(decode, name.upper(), wrapper)

    def calls() -> list[list[str]]:
        if not log.exists():
            return []
        return [line.rstrip("\0").split("\0") for line in log.read_text().splitlines()]

    return calls


def test_a_name_like_an_option_is_read_as_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        tool_calls: Callable[[], list[list[str]]]) -> None:
    monkeypatch.chdir(tmp_path)
    make_tone(tmp_path / "-i.mp3", 3, 660)
    bed = decode_file(Path("-i.mp3"))
    assert bed.name == "-i.mp3"
    assert pitch(bed.loop) == 660
    assert loudness(bed.loop) == pytest.approx(AMBIENT_LOUDNESS_LUFS, abs=0.05)
    calls = tool_calls()
    assert [call[0] for call in calls] == ["ffprobe", "ffmpeg"]
    for call in calls:
        named = [argument for argument in call if "-i.mp3" in argument]
        assert named == [f"file:{tmp_path / '-i.mp3'}"]


def test_keeping_a_soundtrack_decodes_it_once_and_copies_it_once(
        tmp_path: Path, tool_calls: Callable[[], list[list[str]]]) -> None:
    source = make_tone(tmp_path / "my_song.ogg", 5, 330)
    folder = tmp_path / "soundtracks"
    kept, bed = keep_soundtrack(source, folder)
    assert kept == folder / "my_song.ogg"
    assert kept.read_bytes() == source.read_bytes()
    assert bed.name == "my_song.ogg" and pitch(bed.loop) == 330
    assert [call[0] for call in tool_calls()] == ["ffprobe", "ffmpeg"]
    first = kept.stat()
    for again in (source, kept):  # the same file, by its original or the kept copy
        assert keep_soundtrack(again, folder)[0] == kept
        assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == (first.st_ino,
                                                                first.st_mtime_ns)
    (tmp_path / "other").mkdir()
    replacement = make_tone(tmp_path / "other" / "my_song.ogg", 5, 550)
    kept, bed = keep_soundtrack(replacement, folder)  # a different file of the same name
    assert kept.read_bytes() == replacement.read_bytes() and pitch(bed.loop) == 550
    assert sorted(path.name for path in folder.iterdir()) == ["my_song.ogg"]


def full_disk_while_copying(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills half-way: some bytes are written, then the write fails."""
    def copy(source: IO[bytes], sink: IO[bytes], length: int = 0) -> None:
        sink.write(source.read(65536))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shutil, "copyfileobj", copy)


def full_quota_at_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Delayed allocation: every write succeeds and the space runs out when synced."""
    def sync(descriptor: int) -> None:
        raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))

    monkeypatch.setattr(os, "fsync", sync)


def read_only_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("tempfile.mkstemp", refuse)


@pytest.mark.parametrize(("failure", "short"), [
    (full_disk_while_copying, "Not enough disk space to keep a copy of my_song.mp3."),
    (full_quota_at_sync, "Not enough disk space to keep a copy of my_song.mp3."),
    (read_only_folder,
     "Back Care may not write in its soundtracks folder to keep a copy of my_song.mp3."),
])
def test_a_copy_that_fails_leaves_nothing_behind_and_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        failure: Callable[[pytest.MonkeyPatch], None], short: str) -> None:
    source = make_tone(tmp_path / "my_song.mp3", 3)
    folder = tmp_path / "soundtracks"
    folder.mkdir()
    failure(monkeypatch)
    with pytest.raises(AmbientError) as raised:
        keep_soundtrack(source, folder)
    assert raised.value.short == short
    assert "nothing was left behind" in raised.value.detail
    assert str(folder) in raised.value.detail
    assert list(folder.iterdir()) == []


def write_text(path: Path) -> Path:
    path.write_text("Shopping list: oats, apples.\n" * 50)
    return path


def write_picture(path: Path) -> Path:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
                    "-i", "color=c=teal:s=16x16", "-frames:v", "1", str(path)], check=True)
    return path


@pytest.mark.parametrize(("name", "make", "short", "reason"), [
    ("my_song.mp3", write_text, "my_song.mp3 is not an audio file Back Care can play",
     ": ffprobe: "),
    ("cover.png", write_picture, "cover.png is not an audio file Back Care can play",
     "no audio stream (streams: video)"),
    ("blip.wav", lambda path: make_tone(path, 1),
     "blip.wav is too short for a soundtrack (under 2 seconds)", "1.00 s of audio"),
    ("gone.ogg", lambda path: path, "gone.ogg: no such file", "no such file"),
    ("folder.flac", lambda path: path.mkdir(), "folder.flac is not an audio file Back Care "
     "can play", "not a regular file"),
])
def test_a_file_that_cannot_be_a_soundtrack_is_one_plain_line(
        tmp_path: Path, name: str, make: Callable[[Path], object], short: str,
        reason: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(AmbientError) as raised:
        decode_file(path)
    assert isinstance(raised.value, BackCareError)
    assert raised.value.short == str(raised.value) == short
    assert str(tmp_path) not in raised.value.short
    assert str(path) in raised.value.detail and reason in raised.value.detail


def test_without_ffmpeg_the_line_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_tone(tmp_path / "my_song.mp3", 3)
    monkeypatch.setattr(decode, "FFPROBE", str(tmp_path / "bin" / "ffprobe"))
    with pytest.raises(AmbientError) as raised:
        decode_file(source)
    assert raised.value.short == ("my_song.mp3 cannot be played: ffmpeg is not installed "
                                  "(`make run` installs it)")
    assert os.strerror(errno.ENOENT) in raised.value.detail


@pytest.mark.parametrize(("tool", "limit"), [("FFPROBE", "PROBE_TIMEOUT_SECONDS"),
                                             ("FFMPEG", "DECODE_TIMEOUT_SECONDS")])
def test_a_tool_that_hangs_is_stopped_at_its_time_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str, limit: str) -> None:
    source = make_tone(tmp_path / "my_song.flac", 3)
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(decode, tool, fake_tool(tmp_path, "slow", f'echo $$ > "{pid_file}"\n'
                                                                  "exec sleep 60"))
    monkeypatch.setattr(decode, limit, 0.3)
    start = time.monotonic()
    with pytest.raises(AmbientError) as raised:
        decode_file(source)
    assert time.monotonic() - start < 3
    assert raised.value.short == ("Reading my_song.flac took too long; it may be damaged or "
                                  "on a slow drive")
    assert "0.3 s" in raised.value.detail
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left running
        os.kill(int(pid_file.read_text()), 0)


@pytest.mark.parametrize(("script", "short", "reason"), [
    ('head -c 1152000 /dev/zero; echo "Error reading input: Input/output error" >&2; exit 1',
     "my_song.mp3 could not be read to the end; it may be damaged",
     "Input/output error (after 3.0 s of audio)"),
    ("exit 0", "my_song.mp3 is not an audio file Back Care can play", "decoded no audio"),
    ('echo "Conversion failed!" >&2; exit 1',
     "my_song.mp3 is not an audio file Back Care can play", "Conversion failed!"),
])
def test_a_decoder_that_stops_early_is_an_error_not_a_short_bed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, short: str,
        reason: str) -> None:
    source = make_tone(tmp_path / "my_song.mp3", 10)
    monkeypatch.setattr(decode, "FFMPEG", fake_tool(tmp_path, "ffmpeg", script))
    with pytest.raises(AmbientError) as raised:
        decode_file(source)
    assert raised.value.short == short
    assert reason in raised.value.detail
