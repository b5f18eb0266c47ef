"""Sound mixed ahead: a short queue between the render thread and the device callback.

The device callback runs Python, so anything it does competes with every other thread for
the interpreter; when it came late while mixing inside it, the stream dropped out under
load. Here the render thread mixes some 200 ms ahead in small chunks and the callback only
copies them out, with the lock held for the copy alone and nothing allocated.

The stream frames the callback has taken are the session clock. An underrun (the queue ran
dry) pads the device with silence but does not move the clock, so the picture waits for the
sound rather than drifting from it. When a command changes the anchor (pause, seek, skip,
a new session, a volume change) the chunks not yet taken are dropped from a few
milliseconds ahead of the device and made again, so the command is heard within the
device's own buffer.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.feed import LiveFeed, Sounding
from backcare_desktop.audio.signal import RATE, Samples, seconds_to_frames
from backcare_desktop.session.player import Anchor, Clock, MonotonicClock

CHUNK_FRAMES = seconds_to_frames(0.01)
AHEAD_FRAMES = seconds_to_frames(0.2)
"""How far the render thread stays ahead of the device: many times a render's cost, and
short enough that dropping and re-making it on a command is cheap."""
SPLICE_MARGIN_FRAMES = seconds_to_frames(0.004)
"""Re-made sound starts this far past what the device has taken, the time to make it."""
_MAX_CALLBACK_FRAMES = RATE
_TIMINGS = 8192


@dataclass(frozen=True)
class _Chunk:
    start: int
    samples: Samples
    heard: Sounding | None

    @property
    def end(self) -> int:
        return self.start + int(self.samples.shape[0])


class MixAhead:
    def __init__(self, feed: LiveFeed, wall: Clock | None = None,
                 ahead_frames: int = AHEAD_FRAMES) -> None:
        self.feed = feed
        self._wall = wall or MonotonicClock()
        self.ahead_frames = ahead_frames
        self._chunks: deque[_Chunk] = deque()
        self._lock = threading.Lock()
        self._out = np.zeros((_MAX_CALLBACK_FRAMES, 2), dtype=np.float32)
        self.taken = 0
        """Stream frames handed to the device: the session clock."""
        self.last_block = 0
        self.taken_at = self._wall.now()
        self.callbacks = 0
        self.holding = False
        """Set while rendering is held on purpose (a clock jump): an empty queue is then
        not an underrun."""
        self.underruns = 0
        self.underrun_frames = 0
        self._timings: NDArray[np.int64] = np.zeros(_TIMINGS, dtype=np.int64)
        self._seen: tuple[Anchor | None, object, object] = (None, None, None)

    # The device's side ------------------------------------------------------------------

    def take(self, frames: int) -> Samples:
        """The device callback: the next `frames` frames, silence where none are ready.

        The array returned is reused by the next call: copy it to keep it.
        """
        began = time.perf_counter_ns()
        out = self._out[:frames] if frames <= _MAX_CALLBACK_FRAMES else np.zeros(
            (frames, 2), dtype=np.float32)
        filled = 0
        with self._lock:
            chunks = self._chunks
            while filled < frames and chunks:
                chunk = chunks[0]
                offset = self.taken - chunk.start
                count = min(frames - filled, chunk.samples.shape[0] - offset)
                out[filled:filled + count] = chunk.samples[offset:offset + count]
                filled += count
                self.taken += count
                if offset + count == chunk.samples.shape[0]:
                    chunks.popleft()
            self.last_block = filled
            self.taken_at = self._wall.now()
        if filled < frames:
            out[filled:] = 0.0
            if not self.holding:
                self.underruns += 1
                self.underrun_frames += frames - filled
        self._timings[self.callbacks % _TIMINGS] = time.perf_counter_ns() - began
        self.callbacks += 1
        return out

    def callback_microseconds(self) -> NDArray[np.float64]:
        """How long recent callbacks took (the last few thousand), for benchmarks."""
        count = min(self.callbacks, _TIMINGS)
        return np.asarray(self._timings[:count], dtype=np.float64) / 1000.0

    # The render thread's side -----------------------------------------------------------

    def fill(self) -> None:
        """Re-makes what a command changed, then renders up to the target ahead."""
        changed = self.feed.apply_pending()
        mix = self.feed.mix
        seen = (self.feed.anchor(), mix, None if mix is None else mix.settings)
        if changed or any(now is not before for now, before in zip(seen, self._seen,
                                                                     strict=True)):
            self._seen = seen
            self._splice()
        while True:
            with self._lock:
                end = self._chunks[-1].end if self._chunks else self.taken
                if end - self.taken >= self.ahead_frames:
                    return
            self.feed.stream_frame = end
            block, heard = self.feed.render(CHUNK_FRAMES)
            with self._lock:
                self._chunks.append(_Chunk(end, block, heard))

    def _splice(self) -> None:
        """Drops the chunks not yet taken from just ahead of the device on, and makes the
        first new one, retrying if the device took past the splice meanwhile."""
        while True:
            with self._lock:
                at = self.taken + SPLICE_MARGIN_FRAMES
                heard = self.feed.sounding
                end = self._chunks[-1].end if self._chunks else self.taken
                if at >= end:
                    at = end
                else:
                    chunk = next(c for c in self._chunks if c.start <= at < c.end)
                    heard = None if chunk.heard is None else chunk.heard.advanced(
                        at - chunk.start)
            self.feed.stream_frame, self.feed.sounding = at, heard
            block, first = self.feed.render(CHUNK_FRAMES)
            with self._lock:
                if self.taken > at:
                    continue
                kept = [c for c in self._chunks if c.start < at]
                if kept and kept[-1].end > at:
                    last = kept[-1]
                    kept[-1] = _Chunk(last.start, last.samples[:at - last.start], last.heard)
                self._chunks = deque(kept)
                self._chunks.append(_Chunk(at, block, first))
                return


class StreamClock:
    """Seconds of sound heard so far: frames taken, less the block still in the device.

    Between callbacks it advances with the wall clock (never past one block), so a 60 Hz
    pacer moves smoothly, and it never goes backwards.
    """

    def __init__(self, ahead: MixAhead, wall: Clock | None = None, smooth: bool = True) -> None:
        self._ahead = ahead
        self._wall = wall or MonotonicClock()
        self._smooth = smooth
        self._last = 0.0

    def now(self) -> float:
        ahead = self._ahead
        heard = (ahead.taken - ahead.last_block) / RATE
        since = 0.0
        if self._smooth:
            since = min(self._wall.now() - ahead.taken_at, ahead.last_block / RATE)
        self._last = max(self._last, heard + since)
        return self._last

