"""One-shot previews (a soundtrack, a tone style, a voice) through simpleaudio.

simpleaudio cannot stream without gaps, so it never plays a session; it is right for a
few seconds of sound on demand. Starting a preview stops the previous one, and a preview
is refused while a session plays.
"""

from __future__ import annotations

import numpy as np

from backcare_desktop.audio.signal import RATE, Samples, envelope, seconds_to_frames
from backcare_desktop.errors import BackCareError


class PreviewError(BackCareError):
    """A preview that cannot play, said in one line."""


class Preview:
    def __init__(self) -> None:
        self._playing: object | None = None
        self.session_active = False

    def play(self, samples: Samples, rate: int = RATE) -> None:
        """Plays mono (n,) or stereo (n, 2) float samples, faded in and out."""
        if self.session_active:
            raise PreviewError("Previews are off while a session plays.")
        self.stop()
        import simpleaudio

        channels = 1 if samples.ndim == 1 else samples.shape[1]
        fade = envelope(samples.shape[0], seconds_to_frames(0.05), seconds_to_frames(0.3))
        shaped = samples * (fade if samples.ndim == 1 else fade[:, None])
        pcm = (np.clip(shaped, -1, 1) * 32767).astype("<i2").tobytes()
        try:
            self._playing = simpleaudio.play_buffer(pcm, channels, 2, rate)
        except Exception as error:  # simpleaudio raises its own bare error types
            raise PreviewError(f"Cannot play a preview: {error}") from None

    def stop(self) -> None:
        playing, self._playing = self._playing, None
        if playing is not None:
            playing.stop()  # type: ignore[attr-defined]

    @property
    def playing(self) -> bool:
        return self._playing is not None and bool(
            self._playing.is_playing())  # type: ignore[attr-defined]
