"""Audio engine figures: render speed, live stream CPU, start-to-sound, pause latency, the
device callback's work and underruns, and live cue onset error for the miniaudio stream next
to simpleaudio one-shots."""

from __future__ import annotations

import os
import tempfile
import time
import wave
from pathlib import Path
from unittest.mock import patch

import numpy as np

from backcare_desktop.audio.ambient import generated
from backcare_desktop.audio.export import blocks
from backcare_desktop.audio.mixer import SessionMix
from backcare_desktop.audio.output import BUFFER_MSEC, AudioOutput
from backcare_desktop.audio.signal import RATE
from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.player import Player
from backcare_desktop.session.timeline import Timeline, compile_timeline
from backcare_desktop.voice.engines import create_engine
from backcare_desktop.voice.prepare import prepare_clips
from benchmarks.common import CallbackLog, DeviceTap, Report, cpu_share, percentile, rss_mb
from tests.audio_helpers import click_clips, onsets, quiet_mix
from tests.pulse import PulseUnavailable, private_pulse


def _timeline(routine_id: str, fit: float | None = None) -> Timeline:
    from backcare_desktop.session.timeline import Adjustments

    routine = resolve_routine(routine_id)
    assert isinstance(routine, Routine)
    return compile_timeline(routine, Adjustments(fit_minutes=fit))


def render_speed(report: Report) -> None:
    timeline = _timeline("full-back-care")
    clips = prepare_clips(timeline, create_engine("piper"))
    mix = SessionMix(timeline, clips, generated("rain"))
    began, before = time.perf_counter(), rss_mb()
    for _ in blocks(mix):
        pass
    seconds = time.perf_counter() - began
    report.add("render full-back-care (20 min, clips cached)",
               f"{timeline.duration / seconds:.0f}x real time ({seconds:.2f} s)")
    long = _timeline("full-back-care", fit=40)
    mix = SessionMix(long, clips, generated("rain"))
    for _ in blocks(mix):
        pass
    report.add("memory growth rendering 20 min, then 40 min", f"{rss_mb() - before:+.1f} MB")


def _play(output: AudioOutput, timeline: Timeline, mix: SessionMix) -> Player:
    """Starts `mix` on `output` as a session does: after the output's lead-in of silence."""
    player = Player(timeline, output.clock)
    output.follow(mix, lambda: player.anchor)
    player.start(lead_in=output.lead_in)
    return player


def live_stream(report: Report) -> None:
    """On miniaudio's null backend, which is paced at real time without a sound card."""
    timeline = _timeline("desk-break")
    mix = SessionMix(timeline, click_clips(timeline), generated("rain"))
    tap = DeviceTap()
    output = AudioOutput(opener=tap.open)
    output.open(real=False)
    callbacks = CallbackLog(output.ahead)
    time.sleep(0.3)
    pressed = time.perf_counter()
    player = _play(output, timeline, mix)
    report.add("Start to first sound handed to the device",
               f"{(tap.first(True, pressed) - pressed) * 1000:.1f} ms (the "
               f"{output.lead_in * 1000:.0f} ms lead-in included; + the device buffer, "
               f"{BUFFER_MSEC} ms)")
    with cpu_share() as share:
        time.sleep(5)
        report.add("live stream CPU (mixing rain + tones + voice, null device)",
                   f"{share() * 100:.1f}% of one core")
    paused = time.perf_counter()
    player.pause()
    report.add("pause to silence handed to the device",
               f"{(tap.first(False, paused) - paused) * 1000:.1f} ms (20 ms fade inside)")
    output.close()
    times = callbacks.summary()
    report.add(f"device callback work (p50 / p99 / max, {times['callbacks']:.0f} callbacks)",
               f"{times['p50_us']:.0f} / {times['p99_us']:.0f} / {times['max_us']:.0f} us")
    ahead = output.ahead
    report.add("underruns (the queue mixed ahead ran dry)",
               f"{ahead.underruns} ({ahead.underrun_frames / RATE * 1000:.0f} ms)")


def onset_errors(report: Report) -> None:
    """Clicks on a 0.5 s schedule, through a private PulseAudio null sink, recorded."""
    import simpleaudio

    with tempfile.TemporaryDirectory() as folder:
        try:
            with (private_pulse(Path(folder)) as pulse,
                  patch.dict(os.environ, {"PULSE_SERVER": pulse.server})):
                stream = _miniaudio_clicks(pulse, Path(folder) / "stream.wav")
                shots = _simpleaudio_clicks(pulse, Path(folder) / "shots.wav", simpleaudio)
        except PulseUnavailable as error:
            report.add("live cue onset error", f"not measured: {error}")
            return
    for name, errors in (("miniaudio stream", stream), ("simpleaudio one-shots", shots)):
        report.add(f"cue onset error, {name} (p50 / p99 / max, {len(errors)} cues)",
                   f"{percentile(errors, 50):.2f} / {percentile(errors, 99):.2f} / "
                   f"{max(errors):.2f} ms")


CLICK_GAP = 0.5
CLICKS = 20


def _interval_errors(path: Path) -> list[float]:
    with wave.open(str(path)) as recorded:
        samples = np.frombuffer(recorded.readframes(recorded.getnframes()), dtype="<i2") / 32768
    found = onsets(samples, threshold=0.1, quiet_frames=960)
    return [abs(gap / RATE - CLICK_GAP) * 1000 for gap in np.diff(found)]


def _miniaudio_clicks(pulse: object, out: Path) -> list[float]:
    text = "\n".join(
        ['id = "c"', 'title = "c"', "[[steps]]", 'id = "c"', 'title = "c"', 'instruction = "c"',
         f"duration = {CLICK_GAP * CLICKS + 1}", 'figure = { scene = "seated-tall" }', "cues = ["
         + ", ".join(f'{{ at = {CLICK_GAP * i}, text = "c{i}" }}' for i in range(1, CLICKS))
         + "]"])
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as file:
        file.write(text)
    routine = resolve_routine(file.name)
    assert isinstance(routine, Routine)
    timeline = compile_timeline(routine)
    mix = quiet_mix(timeline, click_clips(timeline))
    output = AudioOutput()
    with pulse.record(out):  # type: ignore[attr-defined]
        output.open()
        time.sleep(0.5)
        player = _play(output, timeline, mix)
        while player.position < timeline.duration - 0.3:
            player.tick()
            time.sleep(0.02)
        output.close()
    return _interval_errors(out)


def _simpleaudio_clicks(pulse: object, out: Path, simpleaudio: object) -> list[float]:
    click = (np.full(480, 0.5) * 32767).astype("<i2").tobytes()
    with pulse.record(out):  # type: ignore[attr-defined]
        began = time.monotonic() + 0.3
        for index in range(CLICKS):
            while time.monotonic() < began + index * CLICK_GAP:
                time.sleep(0.0005)
            simpleaudio.play_buffer(click, 1, 2, RATE)  # type: ignore[attr-defined]
        time.sleep(0.5)
    return _interval_errors(out)


def run() -> Report:
    report = Report("Audio engine")
    print(report.title, flush=True)
    render_speed(report)
    live_stream(report)
    onset_errors(report)
    return report
