"""The whole bundled session, rendered with the real voice, judged by measuring it."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from backcare_desktop.audio.ambient import AMBIENT_LOUDNESS_LUFS
from backcare_desktop.audio.mixer import TAIL_SECONDS
from backcare_desktop.cli import main
from backcare_desktop.voice.cache import ClipCache

RATE = 48_000


def read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        data = clip.readframes(clip.getnframes())
    return np.frombuffer(data, dtype="<i2").reshape(-1, 2).mean(axis=1) / 32767


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12))


@pytest.fixture
def shared_cache(voice_cache: ClipCache, monkeypatch: pytest.MonkeyPatch) -> ClipCache:
    """Points the command line's cache at the run's shared one: test_voice checks the same
    cues with the same voice, so Piper makes each of them once."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(voice_cache.folder.parents[1]))
    assert ClipCache().folder == voice_cache.folder
    return voice_cache


@pytest.mark.usefixtures("shared_cache")
def test_full_back_care_renders_with_speech_at_every_cue_and_a_continuous_bed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "full-back-care", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    session, captions = tmp_path / "session.wav", tmp_path / "session.vtt"
    assert main(["render", "full-back-care", "--out", str(session),
                 "--captions", str(captions)]) == 0
    audio = read(session)
    assert audio.size == round((plan["duration"] + TAIL_SECONDS) * RATE)
    assert np.abs(audio).max() < 1.0
    windows = audio[: audio.size // 4800 * 4800].reshape(-1, 4800)
    levels = 20 * np.log10(np.sqrt(np.mean(windows**2, axis=1)) + 1e-12)
    # The bed sits at AMBIENT_LOUDNESS_LUFS before its volume and ducking under speech.
    assert levels[30:-50].min() > AMBIENT_LOUDNESS_LUFS - 24, "the ambient bed never drops out"
    assert captions.read_text().count(" --> ") == len(plan["cues"])

    voice_only = tmp_path / "voice.wav"
    assert main(["render", "full-back-care", "--out", str(voice_only), "--ambient", "none",
                 "--tones", "off"]) == 0
    speech = read(voice_only)
    silent = [cue["text"] for cue in plan["cues"]
              if rms_db(speech[int(cue["time"] * RATE):][: int(0.4 * RATE)]) < -35]
    assert silent == [], "every cue is spoken at its time"
