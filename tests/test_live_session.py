"""Whole sessions through the session object, on fake devices with a hand-moved clock and on
miniaudio's real null backend: every cue is spoken on time whatever the voice does, a lost
device keeps the clock going, and a clock jump pauses."""

from __future__ import annotations

import errno
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from backcare_desktop.audio.mixer import Volumes
from backcare_desktop.audio.output import STALL_SECONDS
from backcare_desktop.audio.signal import RATE
from backcare_desktop.errors import Level
from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.live import (
    CLOCK_JUMP_REASON,
    RUSH_AHEAD_SECONDS,
    LiveSession,
    Stage,
)
from backcare_desktop.session.player import State
from backcare_desktop.session.timeline import Timeline, compile_timeline
from backcare_desktop.voice import cache as cache_module
from backcare_desktop.voice.cache import ClipCache
from backcare_desktop.voice.engines import Speech
from backcare_desktop.voice.prepare import let_voices_finish
from backcare_desktop.voice.text import normalise_for_speech
from tests.audio_helpers import onsets
from tests.session_helpers import (
    CUE_TIMES,
    FIRST_CUE,
    SHORT_ROUTINE,
    ClickVoice,
    Driver,
    FakeDriver,
    NullDriver,
    clicks_routine,
    make_session,
    wait_until_playing,
)

PLANNED = (0.0, *CUE_TIMES)


@pytest.fixture
def short(tmp_path: Path) -> Timeline:
    path = tmp_path / "short.toml"
    path.write_text(SHORT_ROUTINE)
    routine = resolve_routine(str(path))
    assert isinstance(routine, Routine)
    return compile_timeline(routine)


@pytest.fixture(params=["fake", "null-backend"])
def driver(request: pytest.FixtureRequest) -> Iterator[Driver]:
    made: Driver = FakeDriver() if request.param == "fake" else NullDriver()
    yield made
    made.close()


@pytest.fixture
def fake() -> Iterator[FakeDriver]:
    made = FakeDriver()
    yield made
    made.close()


def play_through(session: LiveSession, driver: Driver) -> np.ndarray:
    wait_until_playing(session, driver)
    driver.run(session.timeline.duration + 0.5, session.tick)
    assert session.stage is Stage.FINISHED
    return driver.heard()


def assert_every_cue_heard_on_time(heard: np.ndarray) -> None:
    found = onsets(heard, threshold=0.1, quiet_frames=960)
    assert len(found) == len(PLANNED), f"heard {len(found)} cues of {len(PLANNED)}"
    errors = np.abs(np.diff(found) / RATE - np.diff(PLANNED))
    assert errors.max() < 1.5 / RATE, f"cue intervals off by up to {errors.max() * 1000:.2f} ms"


def test_every_cue_is_heard_on_its_frame(short: Timeline, driver: Driver) -> None:
    session = make_session(short, driver)
    assert_every_cue_heard_on_time(play_through(session, driver))
    assert session.take_notices() == []


def test_a_failing_voice_falls_back_and_says_so_once(short: Timeline, driver: Driver) -> None:
    session = make_session(short, driver, voice=ClickVoice(fail=True))
    assert_every_cue_heard_on_time(play_through(session, driver))
    notices = [n for n in session.take_notices() if "voice" in n.short]  # a busy machine
    assert len(notices) == 1 and "fallback" in notices[0].short  # may add "breaking up"
    assert notices[0].level is Level.WARNING and "cannot speak" in notices[0].detail


def test_a_voice_that_hangs_never_holds_back_a_cue(short: Timeline, driver: Driver) -> None:
    """The primary voice makes the first cue, then hangs; the session starts anyway (as if
    its first minute were ready): every later cue is made by the fast voice a few seconds
    ahead, and heard on time."""
    gate = threading.Event()
    session = make_session(short, driver, voice=ClickVoice(gate=gate, free=frozenset({FIRST_CUE})))
    first = session.timeline.cues[0].text
    wait_for(lambda: session.preparer.clips.clip(first) is not None)
    session.preparer.ready_through = lambda seconds: True  # type: ignore[method-assign]
    try:
        def tick() -> None:
            session.tick()
            if not driver.real_time:  # a hand-moved clock waits for the fast voice's thread
                soon = session.player.position + RUSH_AHEAD_SECONDS
                wait_for(lambda: all(session.preparer.clips.clip(cue.text) is not None
                                     for cue in session.timeline.cues if cue.time <= soon))

        wait_until_playing(session, driver)
        tick()
        driver.run(session.timeline.duration + 0.5, tick)
        assert_every_cue_heard_on_time(driver.heard())
    finally:
        gate.set()


@pytest.mark.parametrize("failure", [errno.EROFS, errno.ENOSPC])
def test_an_unwritable_cache_is_said_once_and_every_cue_is_spoken(
        short: Timeline, fake: FakeDriver, failure: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def cannot_write(path: Path, data: bytes) -> None:
        raise OSError(failure, "simulated")

    monkeypatch.setattr(cache_module, "write_atomically", cannot_write)
    session = make_session(short, fake)
    assert_every_cue_heard_on_time(play_through(session, fake))
    notices = session.take_notices()
    assert len(notices) == 1 and "cache" in notices[0].short


def test_a_broken_cached_clip_is_made_again(short: Timeline, fake: FakeDriver) -> None:
    voice = ClickVoice()
    cache = ClipCache()
    for cue in short.cues:  # headers that say 1 Hz: a 20 GiB resample if believed
        key = cache.key(cue.text, voice.identity, 1.0)
        path = cache.folder / key[:2] / f"{key}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_wav_header(rate=1, frames=480) + bytes(960))
    session = make_session(short, fake, voice=voice)
    assert_every_cue_heard_on_time(play_through(session, fake))
    assert len(voice.spoken) == len({cue.text for cue in short.cues}), "each one made again"


def test_a_lost_device_keeps_the_clock_going_and_the_sound_comes_back(
        short: Timeline, fake: FakeDriver) -> None:
    notices = []
    fake.output._notify = notices.append  # type: ignore[method-assign]
    session = make_session(short, fake)
    wait_until_playing(session, fake)
    fake.run(1.0, session.tick)
    fake.devices.real_available = False
    fake.run(STALL_SECONDS + 0.5, session.tick, pulling=False)  # the server died
    assert fake.devices.current.name == "Null"
    before = session.player.position
    fake.run(1.0, session.tick)
    assert session.player.position == pytest.approx(before + 1.0, abs=0.05)
    assert session.stage is Stage.PLAYING
    fake.devices.real_available = True
    fake.run(5.0, session.tick)
    assert fake.devices.current.name == "Fake"
    assert [notice.short.split(":")[0] for notice in notices] == [
        "The audio device stopped", "Sound is back (Fake)."]
    assert session.stage is Stage.FINISHED


def test_a_clock_jump_pauses_and_holds_the_sound(short: Timeline, fake: FakeDriver) -> None:
    session = make_session(short, fake)
    wait_until_playing(session, fake)
    fake.run(2.0, session.tick)
    fake.wall.advance(20.0)  # SIGSTOP, or a suspend
    position = session.player.position
    fake.run(1.0)  # the device catches up before the session ticks: it gets silence
    assert fake.output.ahead.holding
    session.tick()
    assert session.stage is Stage.PAUSED
    assert session.player.position == pytest.approx(position, abs=0.25)
    assert any(notice.short == CLOCK_JUMP_REASON for notice in session.take_notices())
    fake.run(1.0, session.tick)
    assert not fake.output.ahead.holding and fake.output.underruns == 0
    session.toggle_pause()
    fake.run(1.0, session.tick)
    assert session.player.state is State.RUNNING


def test_stop_fades_out_and_ends_the_session(short: Timeline, fake: FakeDriver) -> None:
    session = make_session(short, fake)
    wait_until_playing(session, fake)
    fake.run(1.2, session.tick)
    session.stop()
    fake.run(0.5, session.tick)
    assert session.stage is Stage.STOPPED and not fake.output.feed.sounding_now
    tail = fake.heard()[-RATE // 4:]
    assert not tail.any()


def wait_for(condition: Callable[[], bool]) -> None:
    """Waits for worker threads (it measures no timing)."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.005)


def _wav_header(rate: int, frames: int) -> bytes:
    import struct

    data = frames * 2
    return (b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", data))


def test_an_internal_error_fails_the_session_with_one_message(
        short: Timeline, fake: FakeDriver, monkeypatch: pytest.MonkeyPatch) -> None:
    session = make_session(short, fake)
    wait_until_playing(session, fake)
    fake.run(1.0, session.tick)

    def broken() -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(session.player, "tick", broken)
    session.tick()
    assert session.stage is Stage.FAILED
    notices = session.take_notices()
    assert [(n.level, n.short) for n in notices] == [
        (Level.ERROR, "The session stopped because of an internal error.")]
    assert "ZeroDivisionError: a bug" in notices[0].detail
    fake.run(0.5)
    assert not fake.output.feed.sounding_now, "the sound fades out"


def test_a_sound_that_keeps_breaking_up_is_said_once(short: Timeline,
                                                     fake: FakeDriver) -> None:
    session = make_session(short, fake)
    wait_until_playing(session, fake)
    fake.run(0.5, session.tick)
    ahead = fake.output.ahead
    for _ in range(12):  # the render thread starved: the device finds the queue empty
        fake.devices.current.pull(19_200, lambda: ahead.last_block)
        fake.run(0.04, session.tick)
    shorts = [notice.short for notice in session.take_notices()]
    assert shorts == ["The sound is breaking up: the computer is busy. Closing other "
                      "programs helps."]


def test_a_clock_jump_after_the_session_finished_does_not_pause_the_next(
        short: Timeline, fake: FakeDriver) -> None:
    finished = make_session(short, fake)
    play_through(finished, fake)
    fake.run(1.0)
    fake.wall.advance(20.0)  # the computer sleeps on the end screen
    fake.run(1.0)
    assert not fake.output.ahead.holding
    following = make_session(short, fake)
    wait_until_playing(following, fake)
    fake.run(1.0, following.tick)
    assert following.stage is Stage.PLAYING


class AnswerVoice(ClickVoice):
    """The fast voice: every sentence a 0.1 s tone at 0.2, told apart from the cues' clicks."""

    def speak(self, text: str, rate: float) -> Speech:
        self.spoken.append(text)
        return Speech(np.full(RATE // 10, 0.2, dtype=np.float32), RATE)


def test_where_am_i_with_the_voice_turned_right_down_is_shown(timeline: Timeline,
                                                                fake: FakeDriver) -> None:
    """A voice at 0 would answer in silence: the answer is shown instead, as with no voice."""
    session = make_session(timeline, fake)
    spoken: list[np.ndarray] = []
    fake.output.interject = spoken.append  # type: ignore[method-assign]
    wait_until_playing(session, fake)
    session.take_notices()
    session.set_volumes(Volumes(voice=0.0))
    text = session.where_am_i()
    assert [notice.short for notice in session.take_notices()] == [text]
    assert text.startswith("Breathe. ") and not spoken


class FirstAnswerSlow(AnswerVoice):
    """The first time left it is asked to say takes until `gate` opens."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__("fast")
        self.gate = gate
        self.slowed = False

    def speak(self, text: str, rate: float) -> Speech:
        if "left in this step" in text and not self.slowed:
            self.slowed = True
            self.gate.wait(timeout=10)
        return super().speak(text, rate)


def test_of_two_where_am_i_answers_only_the_latest_is_heard(timeline: Timeline,
                                                            fake: FakeDriver) -> None:
    """Asked twice, the first answer made slowly must not follow the second with a time
    that is no longer true."""
    gate = threading.Event()
    session = make_session(timeline, fake, fallback=FirstAnswerSlow(gate))
    heard: list[int] = []
    fake.output.interject = lambda samples: heard.append(len(samples))  # type: ignore
    wait_until_playing(session, fake)
    first = session.where_am_i()
    fake.run(3.0, session.tick)
    second = session.where_am_i()
    assert first != second
    assert let_voices_finish(0.2) is False  # the first is still being made
    gate.set()
    assert let_voices_finish(10.0)
    assert len(heard) == 1, "only the second answer"


def test_where_am_i_is_said_by_the_fast_voice_and_every_cue_keeps_its_frame(
        tmp_path: Path, fake: FakeDriver) -> None:
    planned = (0.0, 1.0, 2.2, 6.5, 8.0)
    path = tmp_path / "gaps.toml"
    path.write_text(clicks_routine("gaps", 10, planned[1:]))
    routine = resolve_routine(str(path))
    assert isinstance(routine, Routine)
    timeline = compile_timeline(routine)
    fast = AnswerVoice("fast")
    session = make_session(timeline, fake, fallback=fast)
    delivered = threading.Event()
    interject = fake.output.interject

    def hand_over(samples: np.ndarray) -> None:
        interject(samples)
        delivered.set()

    fake.output.interject = hand_over  # type: ignore[method-assign]
    wait_until_playing(session, fake)
    fake.run(2.5, session.tick)  # past the cue at 2.2 s; the answer is over before 6.5 s
    asked_at = fake.heard().shape[0]
    text = session.where_am_i()
    assert text.startswith("Only. ") and text.endswith(" seconds left in this step. This is "
                                                       "the last step.")
    assert delivered.wait(timeout=10), "the fast voice never answered"
    assert normalise_for_speech(text.split(". ")[1] + ".") in fast.spoken  # made then
    fake.run(timeline.duration - 2.5 + 0.5, session.tick)
    found = onsets(fake.heard(), threshold=0.1, quiet_frames=960)
    answers = [frame for frame in found if asked_at <= frame < asked_at + 3 * RATE]
    assert len(answers) == 3, found  # three sentences
    assert answers[0] - asked_at < 0.1 * RATE  # within a block, the splice and the dip
    cues = [frame for frame in found if frame not in answers]
    assert len(cues) == len(planned)
    errors = np.abs(np.diff(cues) / RATE - np.diff(planned))
    assert errors.max() < 1.5 / RATE, "a cue moved"
