"""Driving live sessions in tests: fake devices on a hand-moved wall clock, or miniaudio's
real null backend; fake voices that speak a click per cue.

A device pulls fixed blocks as a sound card would; what it plays is kept, real frames
only (the silence an underrun pads with is left out), so the heard stream can be compared
sample for sample with an offline render however busy the machine was.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np

from backcare_desktop.audio.ambient import SILENCE, Ambient
from backcare_desktop.audio.mixer import SoundSettings, Volumes
from backcare_desktop.audio.output import AudioOutput, Device, Take, open_miniaudio
from backcare_desktop.audio.signal import RATE, Samples
from backcare_desktop.audio.tones import ToneStyle
from backcare_desktop.session.live import LiveSession
from backcare_desktop.session.player import ManualClock
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.voice.engines import Speech
from backcare_desktop.voice.prepare import ClipPreparer

BLOCK = 1920  # 40 ms, as the real device asks for
CLICK = np.full(480, 0.5, dtype=np.float32)
FIRST_CUE = "Start."

def clicks_routine(routine_id: str, seconds: int, cue_times: tuple[float, ...]) -> str:
    """A routine of one step announced with FIRST_CUE at 0 and a cue at each of
    `cue_times`: with clicks for a voice, its cue intervals can be measured exactly."""
    cues = ", ".join(f'{{ at = {t}, text = "Cue {i}." }}' for i, t in enumerate(cue_times))
    return f"""
id = "{routine_id}"
title = "{routine_id.title()}"
[[steps]]
id = "only"
title = "Only"
instruction = "{FIRST_CUE}"
duration = {seconds}
figure = {{ scene = "seated-tall" }}
cues = [{cues}]
"""


CUE_TIMES = (1.0, 2.2, 3.5, 4.1, 5.0)
SHORT_ROUTINE = clicks_routine("short", 6, CUE_TIMES)
"""One step of 6 s with a cue at 0 (the announcement, FIRST_CUE) and at each of CUE_TIMES."""


class ClickVoice:
    """A voice that says every text as a 10 ms click; it can fail, or wait for a gate."""

    fallback_reason = ""

    def __init__(self, name: str = "click", fail: bool = False,
                 gate: threading.Event | None = None, free: frozenset[str] = frozenset()
                 ) -> None:
        """With a `gate`, every text but those in `free` waits for it to open."""
        self.name = name
        self.identity = f"{name}-voice"
        self.fail = fail
        self.gate = gate
        self.free = free
        self.spoken: list[str] = []

    def speak(self, text: str, rate: float) -> Speech:
        if self.gate is not None and text not in self.free:
            self.gate.wait(timeout=30)
        if self.fail:
            raise RuntimeError(f"{self.name} cannot speak")
        self.spoken.append(text)
        return Speech(CLICK.copy(), RATE)

    def release(self) -> None:
        pass


def quiet_sound() -> SoundSettings:
    return SoundSettings(volumes=Volumes(voice=1.0, tones=0.0, ambient=0.0),
                         tone_style=ToneStyle.OFF, chimes=False)


def ready_ambient(ambient: Ambient = SILENCE) -> Future[Ambient]:
    future: Future[Ambient] = Future()
    future.set_result(ambient)
    return future


class FakeDevice:
    def __init__(self, take: Take, real: bool, heard: list[Samples]) -> None:
        self._take = take
        self.name = "Fake" if real else "Null"
        self.real = real
        self.closed = False
        self._heard = heard
        self._taker: Callable[[], int] | None = None

    def close(self) -> None:
        self.closed = True

    def pull(self, frames: int, last_block: Callable[[], int]) -> None:
        block = self._take(frames)
        self._heard.append(block[:last_block()].copy())


class FakeDevices:
    """The output's device opener: a real device while `real_available`, else None."""

    def __init__(self) -> None:
        self.real_available = True
        self.opened: list[FakeDevice] = []
        self.heard: list[Samples] = []

    def __call__(self, real: bool, take: Take) -> Device | None:
        if real and not self.real_available:
            return None
        device = FakeDevice(take, real, self.heard)
        self.opened.append(device)
        return device

    @property
    def current(self) -> FakeDevice:
        return next(device for device in reversed(self.opened) if not device.closed)


class FakeDriver:
    """An output on fake devices and a hand-moved wall clock: each block the render thread
    runs once, the device pulls, and the session ticks."""

    real_time = False

    def __init__(self) -> None:
        self.wall = ManualClock(1000.0)
        self.devices = FakeDevices()
        self.output = AudioOutput(opener=self.devices, wall=self.wall)
        self.output.open(threaded=False)

    def run(self, seconds: float, tick: Callable[[], None] = lambda: None,
            pulling: bool = True) -> None:
        for _ in range(round(seconds * RATE / BLOCK)):
            self.wall.advance(BLOCK / RATE)
            self.output.service()
            self.output.look_for_device()
            if pulling:
                self.devices.current.pull(BLOCK, lambda: self.output.ahead.last_block)
            tick()

    def heard(self) -> Samples:
        return np.concatenate(self.devices.heard) if self.devices.heard else np.zeros((0, 2))

    def close(self) -> None:
        self.output.close()


class NullDriver:
    """The real output on miniaudio's null backend, paced at real time by miniaudio, with
    the render thread running; what the device takes is kept through a tap."""

    real_time = True

    def __init__(self) -> None:
        self._heard: list[Samples] = []
        self.output = AudioOutput(opener=self._open)
        self.output.open(real=False)

    def _open(self, real: bool, take: Take) -> Device | None:
        def tapped(frames: int) -> Samples:
            block = take(frames)
            self._heard.append(block[:self.output.ahead.last_block].copy())
            return block

        return open_miniaudio(False, tapped)

    def run(self, seconds: float, tick: Callable[[], None] = lambda: None,
            pulling: bool = True) -> None:
        """Waits until the stream has played `seconds` more, ticking meanwhile; it checks
        no timing, and gives up (failing the test) only after a generous deadline."""
        target = self.output.ahead.taken + round(seconds * RATE)
        deadline = time.monotonic() + seconds * 4 + 10
        while self.output.ahead.taken < target:
            assert time.monotonic() < deadline, "the null device stopped playing"
            tick()
            time.sleep(0.01)
        tick()

    def heard(self) -> Samples:
        return np.concatenate(self._heard) if self._heard else np.zeros((0, 2))

    def close(self) -> None:
        self.output.close()


Driver = FakeDriver | NullDriver


def make_session(timeline: Timeline, driver: Driver, voice: ClickVoice | None = None,
                 fallback: ClickVoice | None = None) -> LiveSession:
    preparer = ClipPreparer(timeline, voice or ClickVoice(),
                            fallback=fallback or ClickVoice("fallback"))
    return LiveSession(timeline, preparer, ready_ambient(), quiet_sound(), driver.output)


def wait_until_playing(session: LiveSession, driver: Driver) -> None:
    """Preparation runs on worker threads: this waits for it (it measures no timing)."""
    deadline = time.monotonic() + 20
    session.start()
    while session.player.state.value != "running":
        assert time.monotonic() < deadline, f"never started: {session.stage}"
        driver.run(0.04 if driver.real_time else 0.0)
        time.sleep(0.005)
        session.tick()
