"""The load run: a real session played through a private PulseAudio null sink while two other
processes keep the CPU busy and the voice is synthesised in the same process from a cold
cache, recorded, and compared with an offline render of the same mix.

The session runs in a child process (`python -m benchmarks.load VARIANT SECONDS FOLDER`), so
its voice cache and settings folders are fresh ones from before it starts, and it is driven
as the app drives it: the terminal's `play` loop, and the window started by the MPRIS
PlayPause command. The child saves its mix rendered offline after the run; this side owns
the sound server, the recorder and the busy processes, and stops every one of them.

What the recording is compared for, with the project's targets beside the figures:
dropouts (silence of 5 ms or more where the render has sound; target none), clock drift
(the recording's offset from the render along the run; target under 0.1 %), underruns
counted by the output, and the device callback's work (target p99 under 0.2 ms). Beside
them, how late the callbacks came (a tap on the device's pull): work inside the callback
cannot show a device thread that was kept waiting.
`BENCH_LOAD_SECONDS` (default 180) shortens the run; the window's is at most 60 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from math import ceil
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.ambient import Ambient, load_ambient
from backcare_desktop.audio.export import BLOCK_FRAMES, blocks
from backcare_desktop.audio.mixer import SoundSettings
from backcare_desktop.audio.output import AudioOutput
from backcare_desktop.audio.signal import RATE, seconds_to_frames
from backcare_desktop.errors import Notice
from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.live import LiveSession, Stage
from backcare_desktop.session.timeline import compile_timeline
from backcare_desktop.terminal import TICK_SECONDS
from backcare_desktop.voice.engines import create_engine
from backcare_desktop.voice.prepare import ClipPreparer
from benchmarks.common import CallbackLog, DeviceTap, Report, child_figures, cpu_share
from tests.pulse import PrivatePulse, PulseUnavailable, private_pulse

LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "180"))
WINDOW_SECONDS = min(60.0, LOAD_SECONDS)
BUSY_PROCESSES = 2
ROUTINE = "desk-break"
PAST_END_SECONDS = 0.5
"""The child plays this much longer than is compared: the end of what reached the sound
server may be cut when the device closes."""

SILENT_LEVEL = 2 / 32768
"""A recorded sample this close to zero is silence (16-bit recording)."""
SOUND_LEVEL = 0.003
"""The render has sound where it peaks above this (about -50 dBFS)."""
DROPOUT_SECONDS = 0.005
ALIGN_SECONDS = 2.0
"""How much of the render is matched at each point of the recording."""
SEARCH_SECONDS = 2.0
"""How far from the expected place a match is looked for: more than the sound a device
switch or a long stall can add or lose between two points."""
DRIFT_POINTS = 12
LATE_MS = 10.0
"""A device callback this much later than its period is late: on PulseAudio the device asks
for its whole buffer's worth at each callback, so there is little slack."""

Mono = NDArray[np.float64]


# This side: the sound server, the busy processes, the recording and the comparison -------


@contextmanager
def _busy(count: int) -> Iterator[None]:
    """`count` processes that each keep a core busy, stopped by their own ids on the way out."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(count)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def _read_wav(path: Path) -> Mono:
    with wave.open(str(path)) as recorded:
        assert recorded.getframerate() == RATE and recorded.getnchannels() == 1
        pcm = np.frombuffer(recorded.readframes(recorded.getnframes()), dtype="<i2")
    return pcm / 32768


def _match(reference: Mono, recording: Mono, guess: int, search: int) -> tuple[int, float]:
    """Where `reference` best fits in `recording` within `search` frames of `guess`, and how
    well (normalised cross-correlation: 1.0 is the same samples, at any level)."""
    size = reference.size
    low = max(guess - search, 0)
    window = recording[low:guess + search + size]
    if window.size < size:
        return guess, 0.0
    fft_size = 1 << int(np.ceil(np.log2(window.size + size)))
    spectrum = np.fft.rfft(window, fft_size) * np.conj(np.fft.rfft(reference, fft_size))
    correlation = np.fft.irfft(spectrum, fft_size)[:window.size - size + 1]
    energy = np.concatenate(([0.0], np.cumsum(window ** 2)))
    local = energy[size:] - energy[:-size]
    score = correlation / np.sqrt(np.maximum(local, 1e-9) * max(reference @ reference, 1e-9))
    best = int(np.argmax(score))
    return low + best, float(score[best])


@dataclass(frozen=True)
class Comparison:
    offsets: list[tuple[float, float, float]]
    """(session seconds, offset from the first point in ms, correlation) along the run."""
    dropouts: list[float]
    """How long each dropout lasted, in ms."""

    @property
    def drift_percent(self) -> float:
        (first, start, _), (last, end, _) = self.offsets[0], self.offsets[-1]
        return (end - start) / 1000 / (last - first) * 100


def compare(recording: Mono, render: Mono, seconds: float) -> Comparison:
    """Aligns the render with the recording where sound first starts (a guess from the
    first sound in each, made exact by cross-correlation), follows the offset along the run
    the same way from point to point, and looks for silence in the recording where the
    render has sound."""
    align, search = seconds_to_frames(ALIGN_SECONDS), seconds_to_frames(SEARCH_SECONDS)
    sounding = int(np.argmax(np.abs(render) > SOUND_LEVEL))
    offset = int(np.argmax(np.abs(recording) > SOUND_LEVEL)) - sounding
    frames, offsets, points = [], [], []
    for second in np.linspace(sounding / RATE, seconds - ALIGN_SECONDS, DRIFT_POINTS):
        frame = seconds_to_frames(float(second))
        at, score = _match(render[frame:frame + align], recording, frame + offset, search)
        offset = at - frame  # where the render's frame 0 is in the recording, here
        frames.append(frame)
        offsets.append(offset)
        points.append((float(second), (offset - offsets[0]) / RATE * 1000, score))

    def offset_at(recorded: NDArray[np.int64]) -> NDArray[np.float64]:
        return np.interp(recorded, np.add(frames, offsets), offsets)

    end = seconds_to_frames(seconds)
    span = recording[offsets[0]:end + offsets[-1]]
    quiet = np.concatenate(([0], (np.abs(span) <= SILENT_LEVEL).astype(np.int8), [0]))
    edges = np.diff(quiet)
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = stops - starts >= seconds_to_frames(DROPOUT_SECONDS)
    starts, stops = starts[long] + offsets[0], stops[long] + offsets[0]
    dropouts = []
    for begin, length, shift in zip(starts, stops - starts, offset_at(starts), strict=True):
        frame = max(int(begin - shift), 0)
        if np.abs(render[frame:frame + length]).max(initial=0.0) > SOUND_LEVEL:
            dropouts.append(float(length / RATE * 1000))
    return Comparison(points, dropouts)


def _measure(report: Report, pulse: PrivatePulse, folder: Path, variant: str,
             seconds: float) -> None:
    """Plays one variant in a child process while the sink is recorded, then compares."""
    folder.mkdir()
    recording = folder / "recording.wav"
    env = {"PULSE_SERVER": pulse.server, "QT_QPA_PLATFORM": "offscreen",
           **{name: str(folder / name.lower()) for name in
              ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")}}
    label = {"terminal": "terminal `play`",
             "window": "window, started by MPRIS PlayPause"}[variant]
    try:
        with pulse.record(recording):
            figures = child_figures("benchmarks.load", [variant, str(seconds), str(folder)],
                                    env, timeout=seconds * 4 + 600)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        report.add(label, f"not measured: {error}")
        return
    result = compare(_read_wav(recording), np.load(folder / "render.npy"), seconds)
    report.add(f"{label}: {seconds:.0f} s on {figures['device']}, Start to playing",
               f"{figures['started']:.1f} s (cold voice cache); app CPU "
               f"{figures['cpu'] * 100:.0f}% of one core; load average "
               f"{os.getloadavg()[0]:.1f} (the busy processes count {BUSY_PROCESSES})")
    dropouts = result.dropouts
    report.add("  dropouts >= 5 ms where the render has sound (target: none)",
               f"{len(dropouts)} ({sum(dropouts):.0f} ms in all, longest "
               f"{max(dropouts, default=0):.0f} ms)")
    offsets = result.offsets
    report.add("  clock drift, recording against render (target < 0.1 %)",
               f"{result.drift_percent:+.4f} % ({offsets[-1][1]:+.1f} ms over "
               f"{offsets[-1][0] - offsets[0][0]:.0f} s, the dropouts {sum(dropouts):.0f} ms; "
               f"correlation >= {min(score for _, _, score in offsets):.3f} at "
               f"{len(offsets)} points)")
    report.add("  underruns counted by the output",
               f"{figures['underruns']} ({figures['underrun_ms']:.0f} ms)")
    gaps = np.asarray(figures["gaps_ms"])
    period = float(np.median(gaps))
    late = gaps[gaps > period + LATE_MS]
    report.add(f"  callbacks > {LATE_MS:.0f} ms late (period {period:.0f} ms)",
               f"{late.size} of {gaps.size}, longest gap {gaps.max():.0f} ms; "
               f"{(late - period).sum():.0f} ms late in all")
    report.add("  callback work p50 / p99 / max (target p99 < 0.2 ms)",
               f"{figures['p50_us'] / 1000:.3f} / {figures['p99_us'] / 1000:.3f} / "
               f"{figures['max_us'] / 1000:.3f} ms ({figures['callbacks']:.0f} callbacks)")
    report.add("  cues shown as captions only; what the person was told",
               f"{figures['missed_cues']}; {'; '.join(figures['notices']) or 'nothing'}")


def run() -> Report:
    report = Report(f"Under load: {ROUTINE} live through PulseAudio, {BUSY_PROCESSES} busy "
                    "processes, cold voice cache")
    print(report.title, flush=True)
    with tempfile.TemporaryDirectory() as name:
        try:
            with private_pulse(Path(name)) as pulse, _busy(BUSY_PROCESSES):
                for variant, seconds in (("terminal", LOAD_SECONDS), ("window", WINDOW_SECONDS)):
                    _measure(report, pulse, Path(name) / variant, variant, seconds)
        except PulseUnavailable as error:
            report.add("load run", f"not measured: {error}")
    return report


# The child: one session, played as the app plays it, then rendered offline --------------


class _Watch:
    """What the child notes while the session plays (the session itself, when it started,
    the device callbacks, what the person was told) and when it has played enough."""

    def __init__(self, output: AudioOutput, seconds: float) -> None:
        self.seconds = seconds
        self.callbacks = CallbackLog(output.ahead)
        self.notices: list[str] = []
        self.pressed = 0.0
        self.started: float | None = None
        self.session: LiveSession | None = None

    def press(self) -> None:
        """Notes the moment the person asks for the session."""
        self.pressed = time.perf_counter()

    def tell(self, notice: Notice) -> None:
        self.notices.append(notice.short)

    def done(self, session: LiveSession | None) -> bool:
        self.callbacks.gather()
        if session is None:
            return False
        self.session = session  # the window lets go of its session when it closes
        if session.stage is Stage.PLAYING and self.started is None:
            self.started = time.perf_counter() - self.pressed
        return session.stage.ended or (session.stage is Stage.PLAYING and
                                       session.player.position >= self.seconds + PAST_END_SECONDS)


def _play_in_terminal(output: AudioOutput, watch: _Watch) -> None:
    """As `backcare-desktop play` does: a LiveSession on the output, ticked every
    TICK_SECONDS."""
    routine = resolve_routine(ROUTINE)
    assert isinstance(routine, Routine)
    timeline = compile_timeline(routine)
    ambient: Future[Ambient] = Future()
    ambient.set_result(load_ambient("rain"))
    session = LiveSession(timeline, ClipPreparer(timeline, create_engine("piper")), ambient,
                          SoundSettings(), output)
    watch.press()
    session.start()
    while not watch.done(session):
        for notice in session.take_notices():
            watch.tell(notice)
        time.sleep(TICK_SECONDS)
        session.tick()


def _play_in_window(output: AudioOutput, watch: _Watch) -> None:
    """The real window, offscreen, with the routine selected in the library and the session
    started as the desktop's media controls start it (MPRIS PlayPause)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from backcare_desktop.routines.loader import load_library
    from backcare_desktop.settings import Settings
    from backcare_desktop.ui.main_window import MainWindow

    app = QApplication([])
    window = MainWindow(output, Settings(), load_library(), save=False)
    window.presenter.notice.connect(watch.tell)
    window.show()
    window.select_routine(ROUTINE)
    watch.press()
    window.media_commands().play_pause()
    timer = QTimer()
    timer.timeout.connect(lambda: watch.done(window.presenter.session) and app.quit())
    timer.start(50)
    app.exec()


def _child(variant: str, seconds: float, folder: Path) -> dict[str, Any]:
    tap = DeviceTap()
    output = AudioOutput(opener=tap.open)
    output.open()
    watch = _Watch(output, seconds)
    play = {"terminal": _play_in_terminal, "window": _play_in_window}[variant]
    with cpu_share() as share:
        play(output, watch)
        cpu = share()
    device = output.device_name
    output.close()
    session = watch.session
    assert session is not None
    session.close()
    # Every cue up to here was mixed live with its clip or marked missed (and stays silent
    # offline too), so the mix renders now exactly what was played.
    mix = session.mix
    assert mix is not None, f"the session never played ({session.stage})"
    frames = seconds_to_frames(seconds + PAST_END_SECONDS)
    render = np.concatenate(list(islice(blocks(mix), ceil(frames / BLOCK_FRAMES))))
    np.save(folder / "render.npy", render[:frames].mean(axis=1))
    session.preparer.done.wait(timeout=60)  # the voice worker must not die mid-clip
    for notice in output.take_notices():
        watch.tell(notice)
    assert watch.started is not None
    ahead = output.ahead
    return {"device": device, "started": watch.started, "cpu": cpu,
            "gaps_ms": list(tap.gaps(since=watch.pressed + watch.started)),
            "underruns": ahead.underruns, "underrun_ms": ahead.underrun_frames / RATE * 1000,
            **watch.callbacks.summary(), "missed_cues": mix.missed_cues,
            "notices": watch.notices}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], float(sys.argv[2]), Path(sys.argv[3]))))
