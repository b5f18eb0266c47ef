"""Synthesised cues on disk, so a routine's voice is made once and then starts instantly.

An entry is a 16-bit mono WAV named by a hash of everything that shapes the sound: the
text, the engine and its voice model, the speaking rate, and CACHE_VERSION. Entries are
written atomically; one that cannot be read is dropped and made again. Reading an entry
touches it, and `trim` removes the least recently used ones above the size cap.
"""

from __future__ import annotations

import hashlib
import io
import os
import wave
from pathlib import Path

import numpy as np

from backcare_desktop.paths import cache_dir, write_atomically
from backcare_desktop.voice.engines import Speech

CACHE_VERSION = 2
DEFAULT_CAP_BYTES = 200 * 1024 * 1024


class ClipCache:
    def __init__(self, folder: Path | None = None, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.folder = folder or cache_dir() / "voice"
        self.cap_bytes = cap_bytes

    def key(self, text: str, identity: str, rate: float) -> str:
        material = f"{CACHE_VERSION}\n{identity}\n{rate:.3f}\n{text}"
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Speech | None:
        path = self._path(key)
        try:
            with wave.open(str(path), "rb") as clip:
                if clip.getsampwidth() != 2 or clip.getnchannels() != 1:
                    raise wave.Error("unexpected format")
                rate = clip.getframerate()
                frames = clip.readframes(clip.getnframes())
            if len(frames) != 2 * clip.getnframes():
                raise wave.Error("truncated")
        except FileNotFoundError:
            return None
        except (wave.Error, EOFError, OSError):
            path.unlink(missing_ok=True)  # corrupt: drop it, and the caller makes it again
            return None
        os.utime(path)
        samples = (np.frombuffer(frames, dtype="<i2") / 32767).astype(np.float32)
        return Speech(samples, rate)

    def put(self, key: str, speech: Speech) -> None:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as clip:
            clip.setnchannels(1)
            clip.setsampwidth(2)
            clip.setframerate(speech.rate)
            pcm = np.round(np.clip(speech.samples, -1, 1) * 32767).astype("<i2")
            clip.writeframes(pcm.tobytes())
        write_atomically(self._path(key), buffer.getvalue())

    def trim(self) -> int:
        """Removes least recently used entries until the cache fits its cap; returns bytes freed."""
        entries = []
        for path in self.folder.glob("*/*.wav"):
            try:
                status = path.stat()
            except OSError:
                continue
            entries.append((status.st_mtime, status.st_size, path))
        total = sum(size for _, size, _ in entries)
        freed = 0
        for _, size, path in sorted(entries):
            if total - freed <= self.cap_bytes:
                break
            path.unlink(missing_ok=True)
            freed += size
        return freed
