"""Session sound for a continuous stream, following the player's anchor.

The stream has its own frame count, which is the session clock: the block made for stream
frame F is heard when the clock reads F / RATE. For each block the feed reads the player's
anchor, works out which session frames belong there, and makes them: fading out on pause,
in on resume, and cross-fading on a seek, a skip or a change of session, so nothing clicks.

Only the render thread makes blocks. Other threads change what is followed with `follow`,
which takes effect at the next block; the anchor itself is swapped whole by the player,
never mutated, so reading it needs no lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backcare_desktop.audio.mixer import SessionMix
from backcare_desktop.audio.signal import RATE, Samples, raised_cosine, seconds_to_frames
from backcare_desktop.session.player import Anchor

FADE_FRAMES = seconds_to_frames(0.02)

AnchorSource = Callable[[], Anchor]


@dataclass(frozen=True)
class Sounding:
    """Which session frame of which mix is heard at some stream frame."""

    mix: SessionMix
    frame: int

    def advanced(self, frames: int) -> Sounding:
        return Sounding(self.mix, self.frame + frames)


class LiveFeed:
    def __init__(self) -> None:
        self.mix: SessionMix | None = None
        self._anchor: AnchorSource | None = None
        self._pending: tuple[SessionMix | None, AnchorSource | None] | None = None
        self._pending_lock = threading.Lock()
        self.stream_frame = 0
        """The stream frame the next block starts at."""
        self.sounding: Sounding | None = None
        """What the sound goes on with if nothing changes; None when silent. The render
        thread sets it back when it drops blocks made ahead and makes them again."""

    def follow(self, mix: SessionMix | None, anchor: AnchorSource | None) -> None:
        """Plays `mix` wherever `anchor` (the player's) says, from the next block; None for
        silence. Safe from any thread."""
        with self._pending_lock:
            self._pending = (mix, anchor)

    def apply_pending(self) -> bool:
        """Takes up the last `follow`; True if there was one (the render thread's side)."""
        with self._pending_lock:
            pending, self._pending = self._pending, None
        if pending is None:
            return False
        self.mix, self._anchor = pending
        return True

    def anchor(self) -> Anchor | None:
        return None if self._anchor is None else self._anchor()

    @property
    def sounding_now(self) -> bool:
        """Whether the last block had session sound in it (the bell's tail included)."""
        return self.sounding is not None

    def render(self, frames: int) -> tuple[Samples, Sounding | None]:
        """The next `frames` frames of the stream, and what is heard at their start."""
        heard = self.sounding
        block, heard_new = self._render(frames)
        self.stream_frame += frames
        return block, heard_new if heard_new is not None else heard

    def _render(self, frames: int) -> tuple[Samples, Sounding | None]:
        mix, anchor, old = self.mix, self.anchor(), self.sounding
        start: int | None = None
        if mix is not None and anchor is not None:
            if anchor.moving:
                start = round(anchor.position_at(self.stream_frame / RATE) * RATE)
            elif (old is not None and old.mix is mix
                  and anchor.position >= mix.timeline.duration - 1e-6):
                start = old.frame  # finished: let the closing bell ring out
        if mix is None or (start is not None and start >= mix.total_frames):
            start = None

        if start is None:
            self.sounding = None
            if old is None:
                return np.zeros((frames, 2), dtype=np.float32), None
            return old.mix.render(old.frame, frames, live=True) * _fade(frames, out=True), None
        assert mix is not None
        now = Sounding(mix, start)
        self.sounding = now.advanced(frames)
        if old == now or (old is None and start <= 0):
            # Going on, or the session's own start, which rises from silence by itself.
            return mix.render(start, frames, live=True), now
        # The old sound is made first, so the new block's look at missing clips stands.
        previous = None if old is None else old.mix.render(old.frame, frames, live=True)
        block = mix.render(start, frames, live=True) * _fade(frames, out=False)
        if previous is not None:  # a seek, skip or new session while sounding: cross-fade
            block += previous * _fade(frames, out=True)
        return block, now


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
