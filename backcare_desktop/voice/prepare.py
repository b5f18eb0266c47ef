"""Preparing a session's spoken cues before they are needed.

Cues are made in timeline order, so the session can start as soon as the first minute is
ready while the rest keep coming ahead of the playhead. Each clip comes from the disk cache
when it can; after the last one the voice model is released, so a running session does not
carry its memory.

Nothing here may stop the voice: a text the voice cannot speak is made with the fast
fallback voice (espeak-ng), or else left as captions only, and the failure comes back as a
`VoiceProblem` value from `take_problems`. A worker that died would leave the window at
"Preparing the voice" for ever and every later cue silent.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from backcare_desktop.audio.clips import CueClips
from backcare_desktop.audio.signal import RATE, Samples, resample
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.voice.cache import ClipCache
from backcare_desktop.voice.engines import (
    EspeakEngine,
    SilentEngine,
    Speech,
    SpeechEngine,
    VoiceProblem,
    VoiceUnavailable,
)
from backcare_desktop.voice.sound import join_sentences
from backcare_desktop.voice.text import normalise_for_speech

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
START_AHEAD_SECONDS = 60.0
"""A session may start once every cue in its first minute is ready."""


def _fast_fallback(engine: SpeechEngine) -> SpeechEngine | None:
    """The voice to use when `engine` fails or is too slow: espeak-ng, which makes any cue
    in a fraction of a second. None when voice is off (it must stay silent) or espeak-ng is
    not installed."""
    if isinstance(engine, SilentEngine):
        return None
    if isinstance(engine, EspeakEngine):
        return engine
    try:
        return EspeakEngine()
    except VoiceUnavailable:
        return None


class ClipPreparer:
    def __init__(self, timeline: Timeline, engine: SpeechEngine, rate: float = 1.0,
                 cache: ClipCache | None = None, clips: CueClips | None = None,
                 fallback: SpeechEngine | None = None) -> None:
        """`fallback` (for failures and `rush`) defaults to espeak-ng, unless voice is off."""
        self.timeline = timeline
        self.engine = engine
        self.rate = rate
        self.cache = cache or ClipCache()
        self.clips = clips if clips is not None else CueClips()
        self.texts = list(dict.fromkeys(cue.text for cue in timeline.cues))
        self._first_time: dict[str, float] = {}
        for cue in timeline.cues:
            self._first_time.setdefault(cue.text, cue.time)
        self._fallback = fallback if fallback is not None else _fast_fallback(engine)
        self.done = threading.Event()
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._rushing: set[str] = set()
        self._problems: list[VoiceProblem] = []
        self._said: set[str] = set()
        self.synthesised = 0
        self.from_cache = 0
        self.seconds_spent = 0.0

    @property
    def fraction(self) -> float:
        if not self.texts:
            return 1.0
        return sum(text in self.clips for text in self.texts) / len(self.texts)

    def ready_through(self, seconds: float) -> bool:
        """Whether every cue up to `seconds` into the session has its clip."""
        return all(text in self.clips for text in self.texts
                   if self._first_time[text] <= seconds)

    @property
    def ready_to_start(self) -> bool:
        return self.ready_through(START_AHEAD_SECONDS)

    def start(self, progress: Progress | None = None) -> None:
        """Prepares in a background thread."""
        _spawn("voice-preparer", self.run, progress)

    def cancel(self) -> None:
        """Stops after the clip in hand, without waiting for it: the UI thread calls this,
        and a stuck voice must not freeze the window."""
        self._cancel.set()

    def take_problems(self) -> list[VoiceProblem]:
        """Problems not yet taken, each distinct short line once; safe from any thread."""
        if self.cache.problem is not None:
            self._report(self.cache.problem)
        with self._lock:
            taken, self._problems = self._problems, []
        return taken

    def rush(self, texts: Iterable[str]) -> threading.Event:
        """Makes these texts' clips now, with the fast fallback voice, on a thread of their
        own, skipping those already there or already rushed: the session calls this a few
        seconds before a cue whose clip is still missing, so no cue waits behind a slow or
        stuck primary voice. The returned event is set once they have been tried."""
        finished = threading.Event()
        fallback = self._fallback
        with self._lock:
            wanted = [text for text in dict.fromkeys(texts)
                      if text not in self.clips and text not in self._rushing]
            if fallback is not None:
                self._rushing.update(wanted)
        if fallback is None or not wanted:
            finished.set()
            return finished
        _spawn("voice-rush", self._rush, fallback, wanted, finished)
        return finished

    def speak_aside(self, sentences: Sequence[str], deliver: Callable[[Samples], None]) -> bool:
        """Says `sentences` with the fast voice on a thread of their own and hands the
        samples, at the mixer's rate, to `deliver`: an answer wanted now ("where am I?"),
        which no cue waits behind. A sentence said before comes from the cache, so only
        what changes (the time left) is made then. False when there is no voice to say it
        with (voice off)."""
        return self._aside(sentences, deliver)

    def warm_aside(self, sentences: Iterable[str]) -> None:
        """Makes these sentences with the fast voice into the cache, in the background, so
        a later `speak_aside` finds them (and the voice's program loaded) and answers in a
        fraction of a second."""
        self._aside(list(dict.fromkeys(sentences)), None)

    def _aside(self, sentences: Sequence[str],
               deliver: Callable[[Samples], None] | None) -> bool:
        """Says `sentences` with the fast voice on a thread of their own; joined and
        resampled only when there is somebody to `deliver` them to."""
        fallback = self._fallback
        if fallback is None:
            return False

        def speak() -> None:
            try:
                parts = [self._speech(sentence, fallback)[0] for sentence in sentences]
            except Exception as error:
                log.warning("the %s voice cannot speak %r: %s", fallback.name, sentences, error)
                return
            if deliver is not None:
                deliver(join_sentences([resample(part.samples, part.rate) for part in parts],
                                       RATE))

        _spawn("voice-aside", speak)
        return True

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
            # A cancelled run leaves the model loaded: the preparation that replaces it is
            # likely using the same engine already.
            if not self._cancel.is_set():
                try:
                    self.engine.release()
                except Exception:
                    log.exception("cannot release the %s voice", self.engine.name)
            self.cache.trim()  # keeps the cache under its cap after every preparation
            self.seconds_spent = time.perf_counter() - began
            self.done.set()
        return self.clips

    def _prepare(self, text: str) -> None:
        try:
            self._make(text, self.engine)
            return
        except Exception as error:
            log.warning("the %s voice cannot speak %r: %s", self.engine.name, text, error)
            failure = error
        fallback = self._fallback
        if fallback is not None and fallback is not self.engine:
            try:
                self._make(text, fallback)
            except Exception as error:
                log.warning("the %s voice cannot speak %r: %s", fallback.name, text, error)
            else:
                self._report(VoiceProblem(
                    f"The {self.engine.name} voice failed; some cues use the {fallback.name} "
                    "voice.", str(failure)))
                return
        # Silent but ready, so the cues after it are still spoken.
        self.clips.add(text, np.zeros(0, dtype=np.float32), 22_050)
        self._report(VoiceProblem("Some cues cannot be spoken; they are shown as captions only.",
                                  str(failure)))

    def _rush(self, fallback: SpeechEngine, texts: list[str], finished: threading.Event) -> None:
        try:
            for text in texts:
                if self._cancel.is_set():
                    break
                if text in self.clips:
                    continue
                try:
                    self._make(text, fallback)
                except Exception as error:  # the main worker still gives it a clip or none
                    log.warning("the %s voice cannot speak %r: %s", fallback.name, text, error)
        finally:
            with self._lock:
                self._rushing.difference_update(texts)
            finished.set()

    def _make(self, text: str, engine: SpeechEngine) -> None:
        speech, cached = self._speech(text, engine)
        with self._lock:
            if cached:
                self.from_cache += 1
            else:
                self.synthesised += 1
        self.clips.add(text, speech.samples, speech.rate)

    def _speech(self, text: str, engine: SpeechEngine) -> tuple[Speech, bool]:
        """`text` said by `engine`, and whether it came from the cache; one made is kept."""
        speech = self.cache.get(self.cache.key(text, engine.identity, self.rate))
        if speech is not None:
            return speech, True
        speech = engine.speak(normalise_for_speech(text), self.rate)
        if speech.samples.size:  # the identity again: a FallbackEngine may have switched
            self.cache.put(self.cache.key(text, engine.identity, self.rate), speech)
        return speech, False

    def _report(self, problem: VoiceProblem) -> None:
        with self._lock:
            if problem.short not in self._said:
                self._said.add(problem.short)
                self._problems.append(problem)


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


_VOICE_THREADS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
"""Every thread a preparer started that may still be inside a voice's native code."""


def _spawn(name: str, target: Callable[..., object], *arguments: object) -> None:
    thread = threading.Thread(target=target, args=arguments, name=name, daemon=True)
    _VOICE_THREADS.add(thread)
    thread.start()


QUIT_WAIT_SECONDS = 5.0
"""At quit, how long the voice may take to finish the sentence in hand (Piper: well under
a second) before the process ends anyway."""


def let_voices_finish(seconds: float = QUIT_WAIT_SECONDS) -> bool:
    """At quit, after every preparer was cancelled: waits up to `seconds` for the clips in
    hand to be finished; True when no voice thread is left. A process that exits while
    Piper's onnxruntime is mid-sentence aborts in its C++ teardown ("terminate called
    without an active exception"), which a desktop reports as a crash."""
    deadline = time.monotonic() + seconds
    for thread in list(_VOICE_THREADS):
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in _VOICE_THREADS)
