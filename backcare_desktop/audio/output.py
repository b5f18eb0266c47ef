"""The live output: a device fed from sound mixed ahead, kept alive whatever the device does.

`AudioOutput` owns the feed, the queue mixed ahead (`MixAhead`), the render thread and the
device. The device is a miniaudio stream on the sound server or card when there is one,
else miniaudio's null backend, which is paced at real time: the session goes on silently on
the same clock. The render thread also watches: a device that stops asking for sound is
dropped for the null one and a real device is looked for every few seconds (the same watch
covers a device that was never there), and a gap in the thread's own wall-clock time (a
suspend, a SIGSTOP) is reported as a clock jump so the session pauses instead of racing to
catch up.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from backcare_desktop.audio.ahead import MixAhead, StreamClock
from backcare_desktop.audio.feed import AnchorSource, LiveFeed
from backcare_desktop.audio.mixer import SessionMix
from backcare_desktop.audio.signal import RATE, Samples
from backcare_desktop.errors import Level, Notice
from backcare_desktop.session.player import Clock, MonotonicClock

log = logging.getLogger(__name__)

BUFFER_MSEC = 40
"""The device's buffer (PulseAudio asks for all of it at each callback). Measured under two
busy processes (`make bench`, 60 s): 20 ms x 4 periods had 5-8 dropouts, 40 ms 1-2, 100 ms
0-1 but doubles the time a pause takes to be heard; the rare gaps left are the machine
holding the device thread 100-400 ms, which no buffer this short absorbs."""
SERVICE_SECONDS = 0.005
"""How often the render thread looks at the anchor and tops up the queue."""
STALL_SECONDS = 4.0
"""A device that has not asked for sound for this long is taken as lost (a killed sound
server stops asking at once; a starved PulseAudio stream can pause about 3 s after an
underrun while it buffers again, and must not count) ..."""
STALL_AFTER_CALLBACKS = 10
"""... once it has been asking steadily: PulseAudio asks once, then waits about 2 s while
its stream starts."""
CLOCK_JUMP_SECONDS = 2.0
"""A render thread that did not run for this long was stopped with the process."""
RETRY_DEVICE_SECONDS = 5.0
LEAD_IN_SECONDS = 0.15
"""Silence before a session's first word: more than the device's buffer plus a render
pass, so the sound made ahead of the device starts on it."""

Take = Callable[[int], Samples]


class Device(Protocol):
    name: str

    @property
    def real(self) -> bool:
        """False for the null device, which only paces the clock."""
        ...

    def close(self) -> None:
        """Stops pulling from the queue at once; may finish closing in the background."""
        ...


DeviceOpener = Callable[[bool, Take], Device | None]
"""Opens and starts a device pulling from `take`: a real one (True) or the null one (False);
None when no such device can be had."""


class _MiniaudioDevice:
    def __init__(self, device: Any, name: str) -> None:
        self._device = device
        self.name = name
        self.active = True

    @property
    def real(self) -> bool:
        return self.name != "Null"

    def close(self) -> None:
        self.active = False  # from now on it pulls silence, never the queue
        # A device whose server died can hang in close: never on the caller's thread.
        threading.Thread(target=self._device.close, name="audio-close", daemon=True).start()


def _backend_order() -> list[list[object]]:
    """Which miniaudio backends to try, best first, without making ALSA print errors when
    there is no card at all."""
    import miniaudio

    if sys.platform != "linux":
        return [[]]  # miniaudio's own default order
    orders: list[list[object]] = [[miniaudio.Backend.PULSEAUDIO]]
    cards = Path("/proc/asound/cards")
    try:
        has_card = cards.exists() and "no soundcards" not in cards.read_text()
    except OSError:
        has_card = False
    if has_card:
        orders.append([miniaudio.Backend.ALSA])
    return orders


def open_miniaudio(real: bool, take: Take) -> Device | None:
    import miniaudio

    orders = _backend_order() if real else [[miniaudio.Backend.NULL]]
    for backends in orders:
        try:
            device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.FLOAT32, nchannels=2, sample_rate=RATE,
                buffersize_msec=BUFFER_MSEC, backends=backends or None, app_name="Back Care")
        except (miniaudio.MiniaudioError, OSError) as error:
            log.info("audio backend %s unavailable: %s", backends, error)
            continue
        wrapper = _MiniaudioDevice(device, str(device.backend))
        pull = _pull(wrapper, take)
        next(pull)  # miniaudio sends to it at once: it must be started
        try:
            device.start(pull)
        except miniaudio.MiniaudioError as error:
            log.info("audio device %s would not start: %s", device.backend, error)
            device.close()
            continue
        return wrapper
    return None


def _pull(device: _MiniaudioDevice, take: Take) -> Generator[Samples, int, None]:
    frames = yield np.zeros((0, 2), dtype=np.float32)
    silence = np.zeros((RATE, 2), dtype=np.float32)
    while True:
        if device.active:
            frames = yield take(frames)
        else:
            frames = yield silence[:min(frames, RATE)]


class AudioOutput:
    lead_in = LEAD_IN_SECONDS

    def __init__(self, on_notice: Callable[[Notice], None] | None = None, *,
                 opener: DeviceOpener = open_miniaudio, wall: Clock | None = None) -> None:
        self._wall = wall or MonotonicClock()
        self.feed = LiveFeed()
        self.ahead = MixAhead(self.feed, self._wall)
        self.clock = StreamClock(self.ahead, self._wall)
        self._notify = on_notice or self._keep
        self._kept: list[Notice] = []
        self._open = opener
        self._device: Device | None = None
        self._device_lock = threading.Lock()
        self._closed = threading.Event()
        self._last_service = self._wall.now()
        self._last_callbacks = -1
        self._callbacks_at_open = 0
        self._last_callback_at = self._wall.now()
        self._next_retry = 0.0
        self._jumped = False
        self._threads: list[threading.Thread] = []

    # Public ------------------------------------------------------------------------------

    @property
    def device_name(self) -> str:
        device = self._device
        return device.name if device is not None else ""

    @property
    def has_device(self) -> bool:
        device = self._device
        return device is not None and device.real

    def open(self, real: bool = True, threaded: bool = True) -> None:
        """Starts a device (a real one when `real` and one is there, else the null one) and,
        when `threaded`, the render and device-watch threads; tests call `service` and
        `look_for_device` themselves instead."""
        self.ahead.fill()  # the first callback comes at once: it finds sound ready
        if not (real and self._switch_to(real=True)):
            self._switch_to(real=False)
            if real:
                self._notify(Notice(Level.WARNING, "No audio device: the session runs "
                                    "silently, with captions, until one appears."))
        self._next_retry = self._wall.now() + RETRY_DEVICE_SECONDS
        if threaded:
            self._start_thread(self._render_loop, "audio-render")
            self._start_thread(self._watch_loop, "audio-device-watch")

    def close(self) -> None:
        self._closed.set()
        for thread in self._threads:
            thread.join(timeout=1)
        with self._device_lock:
            device, self._device = self._device, None
        if device is not None:
            device.close()

    def follow(self, mix: SessionMix | None, anchor: AnchorSource | None) -> None:
        """Plays `mix` wherever `anchor` says, from the next chunk; None for silence. A clock
        jump not yet taken belonged to the session before: it is forgotten."""
        self._jumped = False
        self.feed.follow(mix, anchor)

    def interject(self, samples: Samples) -> None:
        """Says `samples` over the session at once, without moving it (see LiveFeed)."""
        self.feed.interject(samples)

    def take_clock_jump(self) -> bool:
        """True once after a clock jump; the caller pauses the session, and sound is made
        again from there (until then the render thread holds, so nothing races ahead)."""
        jumped, self._jumped = self._jumped, False
        return jumped

    @property
    def underruns(self) -> int:
        return self.ahead.underruns

    def take_notices(self) -> list[Notice]:
        """Notices kept for a caller that gave no `on_notice` (the terminal polls them)."""
        kept, self._kept = self._kept, []
        return kept

    def _keep(self, notice: Notice) -> None:
        self._kept.append(notice)

    # The render thread ---------------------------------------------------------------------

    def service(self) -> None:
        """One pass of the render thread: spot a clock jump or a lost device, then top up
        the queue."""
        now = self._wall.now()
        gap, self._last_service = now - self._last_service, now
        if gap > CLOCK_JUMP_SECONDS and (
                (anchor := self.feed.anchor()) is not None and anchor.moving):
            log.warning("clock jump of %.1f s: holding the session", gap)
            self._jumped = True
        self.ahead.holding = self._jumped
        if self._jumped:
            self._last_callback_at = now
            return
        self._watch_device(now)
        self.ahead.fill()

    def _watch_device(self, now: float) -> None:
        callbacks = self.ahead.callbacks
        if callbacks != self._last_callbacks:
            self._last_callbacks, self._last_callback_at = callbacks, now
            return
        started = callbacks - self._callbacks_at_open >= STALL_AFTER_CALLBACKS
        if not started or now - self._last_callback_at <= STALL_SECONDS:
            return
        lost = self._device
        log.warning("audio device %s stopped asking for sound", lost.name if lost else "-")
        self._last_callback_at = now
        if self._switch_to(real=False):
            self._notify(Notice(Level.WARNING, "The audio device stopped: the session goes "
                                "on silently and the sound comes back with the device."))
        self._next_retry = now + RETRY_DEVICE_SECONDS

    def look_for_device(self) -> None:
        """Moves to a real device if the current one is the null one and a real one opens."""
        now = self._wall.now()
        if self.has_device or now < self._next_retry or self._closed.is_set():
            return
        self._next_retry = now + RETRY_DEVICE_SECONDS
        if self._switch_to(real=True):
            self._notify(Notice(Level.INFO, f"Sound is back ({self.device_name})."))

    def _switch_to(self, real: bool) -> bool:
        """Opens the new device before letting the old one go, so the clock never stops for
        longer than the switch; the old one stops pulling the moment it is let go."""
        with self._device_lock:
            device = self._open(real, self.ahead.take)
            if device is None:
                return False
            old, self._device = self._device, device
            self._callbacks_at_open = self.ahead.callbacks
        if old is not None:
            old.close()
        return True

    def _render_loop(self) -> None:
        while not self._closed.wait(SERVICE_SECONDS):
            try:
                self.service()
            except Exception:  # the stream must outlive any one bad block
                log.exception("render thread")

    def _watch_loop(self) -> None:
        while not self._closed.wait(1.0):
            try:
                self.look_for_device()
            except Exception:
                log.exception("device watch")

    def _start_thread(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

