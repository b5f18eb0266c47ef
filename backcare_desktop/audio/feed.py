"""Session sound for a continuous stream, following the player's anchor.

The stream has its own frame count, which is the session clock: the block made for stream
frame F is heard when the clock reads F / RATE. For each block the feed reads the player's
anchor, works out which session frames belong there, and makes them: fading out on pause,
in on resume, and cross-fading on a seek, a skip or a change of session, so nothing clicks.

Only the render thread makes blocks. Other threads change what is followed with `follow`,
which takes effect at the next block; the anchor itself is swapped whole by the player,
never mutated, so reading it needs no lock.

An interjection ("where am I?") is laid over the stream, not the session: it is placed by
stream frame, the session's sound ducks under it, and the session's position, and with it
every cue, moves on exactly as it would without it (it is heard while paused, too).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backcare_desktop.audio.mixer import DUCK_RELEASE_SECONDS, SessionMix, duck_gains, limit
from backcare_desktop.audio.signal import RATE, Samples, raised_cosine, seconds_to_frames
from backcare_desktop.session.player import Anchor

FADE_FRAMES = seconds_to_frames(0.02)
ASIDE_ATTACK_SECONDS = 0.05
"""An interjection starts this long after its block, while the session's sound dips under
it: quick enough to answer at once, slow enough that the bed does not click down."""

AnchorSource = Callable[[], Anchor]


@dataclass(frozen=True)
class Sounding:
    """Which session frame of which mix is heard at some stream frame."""

    mix: SessionMix
    frame: int

    def advanced(self, frames: int) -> Sounding:
        return Sounding(self.mix, self.frame + frames)


@dataclass(frozen=True)
class _Interjection:
    start: int
    """The stream frame it starts at: just after the first block made after it came."""
    samples: Samples

    @property
    def end(self) -> int:
        return self.start + int(self.samples.shape[0])


class LiveFeed:
    def __init__(self) -> None:
        self.mix: SessionMix | None = None
        self._anchor: AnchorSource | None = None
        self._pending: tuple[SessionMix | None, AnchorSource | None] | None = None
        self._pending_aside: Samples | None = None
        self._aside_due: Samples | None = None
        self._aside: _Interjection | None = None
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

    def interject(self, samples: Samples) -> None:
        """Lays mono `samples` (at RATE) over the stream from the next block, the session
        ducked under them; a new one replaces one still playing. Safe from any thread."""
        with self._pending_lock:
            self._pending_aside = samples

    def apply_pending(self) -> bool:
        """Takes up the last `follow` and `interject`; True if there was either (the render
        thread's side: it then makes the sound ahead again)."""
        with self._pending_lock:
            pending, self._pending = self._pending, None
            aside, self._pending_aside = self._pending_aside, None
        if aside is not None:
            self._aside_due = aside
        if pending is not None:
            self.mix, self._anchor = pending
        return pending is not None or aside is not None

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
        block = self._lay_aside(block)
        self.stream_frame += frames
        return block, heard_new if heard_new is not None else heard

    def _lay_aside(self, block: Samples) -> Samples:
        """The interjection over `block` (which starts at `stream_frame`), the session's
        sound ducked under it as under any speech."""
        if self._aside_due is not None:
            self._aside = _Interjection(
                self.stream_frame + seconds_to_frames(ASIDE_ATTACK_SECONDS), self._aside_due)
            self._aside_due = None
        aside, mix = self._aside, self.mix
        if aside is None or mix is None:
            return block
        start, frames = self.stream_frame, block.shape[0]
        if start >= aside.end + seconds_to_frames(DUCK_RELEASE_SECONDS):
            self._aside = None
            return block
        settings = mix.settings
        ducking = duck_gains(start, frames, [(aside.start, aside.end)], settings.duck_db,
                             ASIDE_ATTACK_SECONDS)
        voice = np.zeros(frames)
        lo, hi = max(start, aside.start), min(start + frames, aside.end)
        if lo < hi:
            voice[lo - start:hi - start] = aside.samples[lo - aside.start:hi - aside.start]
        voice *= settings.volumes.voice * settings.volumes.master
        return limit(block * ducking[:, None] + voice[:, None]).astype(np.float32)

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
