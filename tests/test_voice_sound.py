"""How the voice sounds, judged by measuring it: pace, pauses, loudness, resampling."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from backcare_desktop.audio.signal import RATE, resample
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.timeline import compile_timeline
from backcare_desktop.voice.cache import ClipCache
from backcare_desktop.voice.engines import EspeakEngine, PiperEngine, Speech, SpeechEngine
from backcare_desktop.voice.sound import loudness_lufs
from backcare_desktop.voice.text import normalise_for_speech

SAMPLE_EVERY = 5
"""Every fifth of the bundled routines' cue texts: fifteen cues, short and long, shared
with `check --voice` through the run's voice cache, so they cost no extra synthesis."""


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    return PiperEngine()


def bundled_cue_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(bundled_routines_dir().glob("*.toml")):
        routine = resolve_routine(str(path))
        assert isinstance(routine, Routine)
        texts += [cue.text for cue in compile_timeline(routine).cues]
    texts = list(dict.fromkeys(texts))
    return texts[::SAMPLE_EVERY]


def spoken(cache: ClipCache, engine: SpeechEngine, text: str) -> Speech:
    """The cue as the app makes it at the default rate, from the cache when already made."""
    key = cache.key(text, engine.identity, 1.0)
    speech = cache.get(key)
    if speech is None:
        speech = engine.speak(normalise_for_speech(text), 1.0)
        cache.put(key, speech)
    return speech


def longest_silence(speech: Speech) -> float:
    """Seconds of the longest run of 10 ms windows 40 dB or more below the loudest one."""
    window = speech.rate // 100
    frames = speech.samples[: speech.samples.size // window * window].reshape(-1, window)
    levels = 10 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-12)
    longest = run = 0
    for quiet in levels < levels.max() - 40:
        run = run + 1 if quiet else 0
        longest = max(longest, run)
    return longest / 100


def test_the_default_pace_is_that_of_a_guided_session(piper: PiperEngine,
                                                      voice_cache: ClipCache) -> None:
    texts = bundled_cue_texts()
    assert len(texts) >= 10
    words = seconds = 0.0
    for text in texts:
        speech = spoken(voice_cache, piper, text)
        words += len(normalise_for_speech(text).split())
        seconds += speech.samples.size / speech.rate
    # Words over time spoken, pauses included: what a listener hears as the pace.
    assert 120 <= words * 60 / seconds <= 150


@pytest.mark.parametrize("engine_name", ["piper", "espeak"])
def test_sentences_are_parted_by_a_clear_pause(engine_name: str, piper: PiperEngine,
                                               voice_cache: ClipCache) -> None:
    engine: SpeechEngine = piper if engine_name == "piper" else EspeakEngine()
    speech = spoken(voice_cache, engine, "Nothing to do now. Just rest.")
    assert 0.6 <= longest_silence(speech) <= 1.0


def test_cues_are_equally_loud_and_never_near_full_scale(piper: PiperEngine,
                                                         voice_cache: ClipCache) -> None:
    clips = [spoken(voice_cache, piper, text) for text in bundled_cue_texts()]
    loudness = [loudness_lufs(speech.samples, speech.rate) for speech in clips]
    assert max(loudness) - min(loudness) <= 3, f"{sorted(loudness)} LUFS"
    assert all(-20 <= level <= -16 for level in loudness)
    assert max(float(np.abs(speech.samples).max()) for speech in clips) <= 10 ** (-1 / 20)


def power_spectrum(samples: NDArray[np.float32], rate: int,
                   segment: int = 4096) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Frequencies and power density, averaged over Hann-windowed segments."""
    window = np.hanning(segment)
    count = samples.size // segment
    frames = samples[: count * segment].reshape(count, segment) * window
    power = np.mean(np.abs(np.fft.rfft(frames, axis=1)) ** 2, axis=0)
    return np.fft.rfftfreq(segment, 1 / rate), power / (rate * np.sum(window**2))


def test_resampled_speech_has_no_images_and_a_flat_passband() -> None:
    source_rate = 22_050
    noise = np.random.default_rng(7).standard_normal(4 * source_rate).astype(np.float32) * 0.1
    converted = resample(noise, source_rate)
    assert converted.size == round(noise.size * RATE / source_rate)
    frequencies, power = power_spectrum(converted, RATE)
    passband = power[(frequencies >= 100) & (frequencies <= 9_000)].mean()
    images = power[frequencies >= 11_100]
    assert 10 * np.log10(images.max() / passband) < -60, "images above 11 kHz"

    seconds = np.arange(source_rate) / source_rate
    response = []
    for frequency in (100, 500, 1_000, 2_000, 4_000, 6_000, 8_000, 9_000):
        tone = (0.5 * np.sin(2 * np.pi * frequency * seconds)).astype(np.float32)
        middle = resample(tone, source_rate)[RATE // 4: -RATE // 4]
        response.append(20 * np.log10(np.sqrt(np.mean(middle**2)) / (0.5 / np.sqrt(2))))
    assert max(np.abs(response)) <= 0.5, f"{np.round(response, 2)} dB at 100 Hz to 9 kHz"
