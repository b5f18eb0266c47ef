"""The cue-clip interface between the voice and the mixer.

The voice fills it (text -> samples) ahead of the playhead; the mixer asks for a cue's clip
when it reaches the cue. A clip that is not there yet is `None`, never a wait: the mixer
must never block the audio thread.
"""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

from backcare_desktop.audio.signal import Samples, resample

MAX_CLIP_SECONDS = 20.0
"""No cue is longer than this; the mixer looks this far back for clips still sounding."""


class ClipSource(Protocol):
    def clip(self, text: str) -> Samples | None:
        """Mono float32 samples at the mixer's RATE, or None while the clip is not ready."""
        ...


class CueClips:
    """Clips by cue text, filled from any thread and read by the audio thread."""

    def __init__(self) -> None:
        self._clips: dict[str, Samples] = {}
        self._lock = threading.Lock()

    def add(self, text: str, samples: np.ndarray, rate: int) -> bool:
        """Keeps the first clip made for a text and returns whether this one was it: a clip
        the mixer may be playing is never swapped for a later (say, better-voiced) one."""
        if text in self._clips:
            return False
        clip = resample(np.asarray(samples, dtype=np.float32), rate)
        with self._lock:
            return self._clips.setdefault(text, clip) is clip

    def clip(self, text: str) -> Samples | None:
        return self._clips.get(text)

    def __contains__(self, text: object) -> bool:
        return text in self._clips

    def __len__(self) -> int:
        return len(self._clips)
