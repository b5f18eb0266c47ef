"""Preparing a session's spoken cues before they are needed.

Cues are made in timeline order, so the session can start as soon as the first minute is
ready while the rest keep coming ahead of the playhead. Each clip comes from the disk cache
when it can; after the last one the voice model is released, so a running session does not
carry its memory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from backcare_desktop.audio.clips import CueClips
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.voice.cache import ClipCache
from backcare_desktop.voice.engines import SpeechEngine, VoiceUnavailable
from backcare_desktop.voice.text import normalise_for_speech

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
START_AHEAD_SECONDS = 60.0
"""A session may start once every cue in its first minute is ready."""


class ClipPreparer:
    def __init__(self, timeline: Timeline, engine: SpeechEngine, rate: float = 1.0,
                 cache: ClipCache | None = None, clips: CueClips | None = None) -> None:
        self.timeline = timeline
        self.engine = engine
        self.rate = rate
        self.cache = cache or ClipCache()
        self.clips = clips if clips is not None else CueClips()
        self.texts = list(dict.fromkeys(cue.text for cue in timeline.cues))
        self._first_time: dict[str, float] = {}
        for cue in timeline.cues:
            self._first_time.setdefault(cue.text, cue.time)
        self.done = threading.Event()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.synthesised = 0
        self.from_cache = 0
        self.seconds_spent = 0.0

    @property
    def fraction(self) -> float:
        return len(self.clips) / len(self.texts) if self.texts else 1.0

    def ready_through(self, seconds: float) -> bool:
        """Whether every cue up to `seconds` into the session has its clip."""
        return all(text in self.clips for text in self.texts
                   if self._first_time[text] <= seconds)

    @property
    def ready_to_start(self) -> bool:
        return self.ready_through(START_AHEAD_SECONDS)

    def start(self, progress: Progress | None = None) -> None:
        """Prepares in a background thread."""
        self._thread = threading.Thread(target=self.run, args=(progress,),
                                        name="voice-preparer", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def run(self, progress: Progress | None = None) -> CueClips:
        began = time.perf_counter()
        try:
            for index, text in enumerate(self.texts):
                if self._cancel.is_set():
                    break
                if text not in self.clips:
                    self._prepare(text)
                if progress is not None:
                    progress("voice", (index + 1) / len(self.texts))
        finally:
            self.engine.release()
            self.cache.trim()  # keeps the cache under its cap after every preparation
            self.seconds_spent = time.perf_counter() - began
            self.done.set()
        return self.clips

    def _prepare(self, text: str) -> None:
        key = self.cache.key(text, self.engine.identity, self.rate)
        speech = self.cache.get(key)
        if speech is not None:
            self.from_cache += 1
        else:
            try:
                speech = self.engine.speak(normalise_for_speech(text), self.rate)
            except VoiceUnavailable as error:
                log.error("cannot speak %r: %s", text, error)
                # Silent but ready, so the cues after it are still spoken.
                self.clips.add(text, np.zeros(0, dtype=np.float32), 22_050)
                return
            self.synthesised += 1
            if speech.samples.size:
                self.cache.put(self.cache.key(text, self.engine.identity, self.rate), speech)
        self.clips.add(text, speech.samples, speech.rate)


def cached_speech_seconds(engine: SpeechEngine, rate: float = 1.0,
                          cache: ClipCache | None = None) -> Callable[[str], float | None]:
    """How long each cue is spoken, for the cues this voice has already made (None for the
    others): `plan --json` reports it without synthesising anything."""
    cache = cache or ClipCache()

    def seconds(text: str) -> float | None:
        speech = cache.get(cache.key(text, engine.identity, rate))
        return None if speech is None else speech.samples.size / speech.rate

    return seconds


def prepare_clips(timeline: Timeline, engine: SpeechEngine, rate: float = 1.0,
                  progress: Progress | None = None) -> CueClips:
    """Every clip of a session, made now: the command line's way."""
    return ClipPreparer(timeline, engine, rate).run(progress)
