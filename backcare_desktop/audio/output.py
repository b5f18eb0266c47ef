"""The live output: a continuous callback stream whose frame count is the session clock.

`LiveFeed` is the part with the logic and no device: for each block the device asks for,
it reads the player's anchor and renders the session frames that belong there, fading
out on pause, in on resume, and cross-fading on a seek or skip. Because the player's clock
is this same frame count (`StreamClock`), the window and the speakers cannot drift apart.

`AudioOutput` binds a feed to a miniaudio device. With no usable device it runs the feed
on miniaudio's null backend, which is paced at real time: the session goes on silently on
the same clock, and a device that appears later is picked up without a jump.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import numpy as np

from backcare_desktop.audio.mixer import SessionMix
from backcare_desktop.audio.signal import RATE, Samples, raised_cosine, seconds_to_frames
from backcare_desktop.session.player import Anchor

log = logging.getLogger(__name__)

FADE_FRAMES = seconds_to_frames(0.02)
BUFFER_MSEC = 40
"""The device's buffer: short enough for a quick pause, long enough not to underrun
(see the real-playback note and `make bench`)."""
RETRY_DEVICE_SECONDS = 5.0


class LiveFeed:
    """Session audio for a continuous stream, following the player's anchor."""

    def __init__(self) -> None:
        self.mix: SessionMix | None = None
        self._anchor: Callable[[], Anchor] | None = None
        self.frames_delivered = 0
        self.last_block = 0
        self.delivered_at = time.monotonic()
        self._next_session_frame: int | None = None
        """Where the session would continue if nothing changed; None when silent."""
        self._lock = threading.Lock()

    def follow(self, mix: SessionMix | None, anchor: Callable[[], Anchor] | None) -> None:
        """Plays `mix` wherever `anchor` (the player's) says; None for silence."""
        with self._lock:
            self.mix, self._anchor = mix, anchor
            self._next_session_frame = None

    @property
    def sounding(self) -> bool:
        """Whether the last block had session sound in it (the bell's tail included)."""
        return self._next_session_frame is not None

    def pull(self, frames: int) -> Samples:
        """The next `frames` frames of the stream."""
        with self._lock:
            block = self._render(frames)
            self.frames_delivered += frames
            self.last_block = frames
            self.delivered_at = time.monotonic()
        return block

    def _render(self, frames: int) -> Samples:
        mix, follow = self.mix, self._anchor
        silence = np.zeros((frames, 2), dtype=np.float32)
        if mix is None or follow is None:
            return silence
        anchor = follow()
        continuing = self._next_session_frame
        if anchor.moving:
            start = round(anchor.position_at(self.frames_delivered / RATE) * RATE)
        elif continuing is not None and anchor.position >= mix.timeline.duration - 1e-6:
            start = continuing  # finished: let the closing bell ring out
        else:
            start = None
        if start is not None and start >= mix.total_frames:
            start = None

        if start is None:
            self._next_session_frame = None
            if continuing is None:
                return silence
            return mix.render(continuing, frames, live=True) * _fade(frames, out=True)
        self._next_session_frame = start + frames
        block = mix.render(start, frames, live=True)
        if continuing == start or (continuing is None and start == 0):
            return block  # continuing, or the session's own start, which rises from silence
        block *= _fade(frames, out=False)
        if continuing is not None:  # a seek or skip while playing: cross-fade
            block += mix.render(continuing, frames, live=True) * _fade(frames, out=True)
        return block


def _fade(frames: int, out: bool) -> Samples:
    length = min(frames, FADE_FRAMES)
    shape = np.ones(frames, dtype=np.float32)
    curve = raised_cosine(length).astype(np.float32)
    if out:
        shape[:length] = curve[::-1]
        shape[length:] = 0.0
    else:
        shape[:length] = curve
    return shape[:, None]


class StreamClock:
    """Seconds of sound heard so far: frames delivered, less the block still in the device.

    Between callbacks it advances with the monotonic clock (never past one block), so a
    60 Hz pacer moves smoothly, and it never goes backwards.
    """

    def __init__(self, feed: LiveFeed, smooth: bool = True) -> None:
        self._feed = feed
        self._smooth = smooth
        self._last = 0.0

    def now(self) -> float:
        feed = self._feed
        heard = (feed.frames_delivered - feed.last_block) / RATE
        since = 0.0
        if self._smooth:
            since = min(time.monotonic() - feed.delivered_at, feed.last_block / RATE)
        self._last = max(self._last, heard + since)
        return self._last


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


class AudioOutput:
    """A miniaudio stream fed by a LiveFeed; silent (on the null backend) without a device."""

    def __init__(self, feed: LiveFeed, on_status: Callable[[str], None] | None = None) -> None:
        self.feed = feed
        self.clock = StreamClock(feed)
        self._on_status = on_status or (lambda message: None)
        self._device: Any = None
        self.device_name = ""
        self._retry: threading.Timer | None = None
        self._closed = False

    @property
    def has_device(self) -> bool:
        return bool(self.device_name) and self.device_name != "Null"

    def open(self) -> None:
        if not self._open_real():
            self.open_silent()
            self._on_status("No audio device: the session runs silently, with captions.")
            self._schedule_retry()

    def close(self) -> None:
        self._closed = True
        if self._retry is not None:
            self._retry.cancel()
        self._close_device()

    def _generator(self) -> Generator[Samples, int, None]:
        frames = yield np.zeros((0, 2), dtype=np.float32)
        while True:
            frames = yield self.feed.pull(frames)

    def _start(self, backends: list[object]) -> bool:
        """Opens a device on these backends and moves the feed to it; False if none opens."""
        import miniaudio

        try:
            device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.FLOAT32, nchannels=2, sample_rate=RATE,
                buffersize_msec=BUFFER_MSEC, backends=backends or None,
                app_name="Back Care")
        except (miniaudio.MiniaudioError, OSError) as error:
            log.info("audio backend %s unavailable: %s", backends, error)
            return False
        self._close_device()  # the old device stops before the new one pulls from the feed
        generator = self._generator()
        next(generator)
        try:
            device.start(generator)
        except miniaudio.MiniaudioError as error:
            log.info("audio device %s would not start: %s", device.backend, error)
            device.close()
            return False
        self._device = device
        self.device_name = str(device.backend)
        return True

    def _open_real(self) -> bool:
        return any(self._start(backends) for backends in _backend_order())

    def open_silent(self) -> None:
        """The null device: paced at real time, no sound card needed (benchmarks use it)."""
        import miniaudio

        self._start([miniaudio.Backend.NULL])

    def _close_device(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            device.close()

    def _schedule_retry(self) -> None:
        def retry() -> None:
            if self._closed:
                return
            if self._open_real():
                self._on_status(f"Audio device found ({self.device_name}).")
                return
            if self._device is None:
                self.open_silent()
            self._schedule_retry()

        self._retry = threading.Timer(RETRY_DEVICE_SECONDS, retry)
        self._retry.daemon = True
        self._retry.start()
