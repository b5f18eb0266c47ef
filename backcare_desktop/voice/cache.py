"""Synthesised cues on disk, so a routine's voice is made once and then starts instantly.

An entry is a 16-bit mono WAV named by a hash of everything that shapes the sound: the
text, the engine and its voice model, the speaking rate, and CACHE_VERSION. Entries are
written atomically. Every entry read is checked (format, rate, length, size), because a bad
header can ask for gigabytes when the clip is resampled: one that fails is dropped and made
again. Reading an entry touches it, and `trim` removes the least recently used ones above
the size cap. The cache is an optimisation only: a read-only folder or a full disk costs
speed, never a cue, and nothing here raises for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import time
import wave
from pathlib import Path

import numpy as np

from backcare_desktop.audio.clips import MAX_CLIP_SECONDS
from backcare_desktop.paths import cache_dir, write_atomically
from backcare_desktop.voice.engines import Speech, VoiceProblem

CACHE_VERSION = 3
"""3: paced, with sentence pauses, and levelled by loudness (2 was peak-levelled)."""
DEFAULT_CAP_BYTES = 200 * 1024 * 1024
MIN_RATE, MAX_RATE = 8_000, 96_000
"""Sample rates an entry may have; anything else is a damaged header."""
ORPHAN_SECONDS = 3600.0
"""A temporary file this old was left by a write that died, not one in progress."""


class ClipCache:
    def __init__(self, folder: Path | None = None, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.folder = folder or cache_dir() / "voice"
        self.cap_bytes = cap_bytes
        self.problem: VoiceProblem | None = None
        """Why entries are no longer written, once a write has failed."""

    def key(self, text: str, identity: str, rate: float) -> str:
        material = f"{CACHE_VERSION}\n{identity}\n{rate:.3f}\n{text}"
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Speech | None:
        path = self._path(key)
        try:
            speech = _read_entry(path)
        except FileNotFoundError:
            return None
        except Exception:  # any damage at all: drop it, and the caller makes it again
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):  # a read-only cache still serves its entries
            os.utime(path)
        return speech

    def put(self, key: str, speech: Speech) -> None:
        if self.problem is not None:
            return
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as clip:
            clip.setnchannels(1)
            clip.setsampwidth(2)
            clip.setframerate(speech.rate)
            pcm = np.round(np.clip(speech.samples, -1, 1) * 32767).astype("<i2")
            clip.writeframes(pcm.tobytes())
        try:
            write_atomically(self._path(key), buffer.getvalue())
        except OSError as error:
            # Trying again for every clip would only repeat the failure, slowly.
            self.problem = VoiceProblem(
                f"The voice cache cannot be written ({error.strerror or error}); "
                "clips are made fresh each time.", f"{self.folder}: {error}")

    def trim(self) -> int:
        """Removes abandoned temporary files, then least recently used entries until the
        cache fits its cap; returns bytes freed. Never raises: it runs after every
        preparation, and a cache it cannot tidy is still a working cache."""
        freed = 0
        with contextlib.suppress(OSError):
            entries, total = [], 0
            orphaned_before = time.time() - ORPHAN_SECONDS
            for path in [*self.folder.glob("*/*.wav"), *self.folder.glob("*/.*.tmp")]:
                try:
                    status = path.stat()
                except OSError:
                    continue
                total += status.st_size
                if path.suffix == ".wav":
                    entries.append((status.st_mtime, status.st_size, path))
                elif status.st_mtime < orphaned_before and _removed(path):
                    freed += status.st_size
            for _, size, path in sorted(entries):
                if total - freed <= self.cap_bytes:
                    break
                if _removed(path):
                    freed += size
        return freed


def _read_entry(path: Path) -> Speech:
    with wave.open(str(path), "rb") as clip:
        width, channels = clip.getsampwidth(), clip.getnchannels()
        rate, frames = clip.getframerate(), clip.getnframes()
        if width != 2 or channels != 1:
            raise wave.Error(f"{width * 8}-bit, {channels} channels")
        if not MIN_RATE <= rate <= MAX_RATE:
            raise wave.Error(f"{rate} Hz")
        if frames > (MAX_CLIP_SECONDS + 1) * rate:
            raise wave.Error(f"{frames} frames")
        data = clip.readframes(frames)
    if len(data) != 2 * frames:
        raise wave.Error("truncated")
    return Speech((np.frombuffer(data, dtype="<i2") / 32767).astype(np.float32), rate)


def _removed(path: Path) -> bool:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return False
    return True
