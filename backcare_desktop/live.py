"""Getting a session's sound ready while the person is still choosing: the ambient bed and
the voice clips are made in the background, and the mix is built once they are ready.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from backcare_desktop.audio.ambient import SILENCE, Ambient, AmbientError, load_ambient
from backcare_desktop.audio.mixer import SessionMix, SoundSettings
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.voice.engines import SpeechEngine
from backcare_desktop.voice.prepare import ClipPreparer

_WORKERS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ambient")


class PreparedSession:
    def __init__(self, timeline: Timeline, engine: SpeechEngine, speaking_rate: float,
                 ambient: str) -> None:
        self.voice = ClipPreparer(timeline, engine, speaking_rate)
        self.voice.start()
        self.ambient_name = ambient
        self._ambient: Future[Ambient] = _WORKERS.submit(load_ambient, ambient)

    def use_ambient(self, name: str) -> None:
        """Starts loading another soundtrack; the voice clips are kept."""
        if name != self.ambient_name:
            self.ambient_name = name
            self._ambient = _WORKERS.submit(load_ambient, name)

    @property
    def fraction(self) -> float:
        return self.voice.fraction

    @property
    def ready_to_start(self) -> bool:
        return self.voice.ready_to_start and self._ambient.done()

    @property
    def problem(self) -> str:
        """Why the soundtrack could not be used ('' when it could)."""
        if not self._ambient.done():
            return ""
        error = self._ambient.exception()
        return str(error) if isinstance(error, AmbientError) else ""

    def mix(self, timeline: Timeline, settings: SoundSettings) -> SessionMix:
        """The mix for `timeline` (the same cues, perhaps other durations than were prepared);
        call once `ready_to_start`. A soundtrack that failed to load plays as silence."""
        try:
            ambient = self._ambient.result()
        except AmbientError:
            ambient = SILENCE
        return SessionMix(timeline, self.voice.clips, ambient, settings)

    def cancel(self) -> None:
        self.voice.cancel()
