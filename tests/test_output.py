"""The live feed through a fake output that pulls blocks, as the audio device would."""

from __future__ import annotations

import time

import numpy as np
import pytest

from backcare_desktop.audio.ahead import AHEAD_FRAMES, SPLICE_MARGIN_FRAMES, StreamClock
from backcare_desktop.audio.ambient import Ambient
from backcare_desktop.audio.feed import ASIDE_ATTACK_SECONDS, FADE_FRAMES
from backcare_desktop.audio.mixer import DUCK_RELEASE_SECONDS, SessionMix
from backcare_desktop.audio.signal import RATE
from backcare_desktop.errors import Notice
from backcare_desktop.session.player import ManualClock, Player, State
from backcare_desktop.session.timeline import Timeline
from tests.audio_helpers import click_clips, quiet_mix
from tests.session_helpers import BLOCK, FakeDevices, FakeDriver

LEAD_IN_BLOCKS = 5


class FakeOutput:
    """The output on a fake device: the render thread runs once a block, then the device
    pulls and the player ticks, as in the app."""

    def __init__(self, timeline: Timeline, mix: SessionMix) -> None:
        self.driver = FakeDriver()
        self.output = self.driver.output
        self.feed = self.output.feed
        self.player = Player(timeline, StreamClock(self.output.ahead, smooth=False))
        self.output.follow(mix, lambda: self.player.anchor)

    def start(self) -> None:
        """Starts the session a whole number of blocks ahead, as the app does (the queue
        made ahead plays out first), and drops that lead-in from what was heard."""
        self.player.start(lead_in=LEAD_IN_BLOCKS * BLOCK / RATE)
        self.play(LEAD_IN_BLOCKS * BLOCK / RATE)
        self.driver.devices.heard.clear()

    def play(self, seconds: float) -> np.ndarray:
        start = sum(block.shape[0] for block in self.driver.devices.heard)
        self.driver.run(seconds, self.player.tick)
        return self.driver.heard()[start:]


def noisy_mix(timeline: Timeline) -> SessionMix:
    rng = np.random.default_rng(3)
    bed = Ambient("noise", (rng.standard_normal((RATE * 3, 2)) * 0.1).astype(np.float32))
    return quiet_mix(timeline, click_clips(timeline), ambient=bed)


def test_pause_fades_out_and_resume_continues_from_the_paused_frame(timeline: Timeline) -> None:
    mix = noisy_mix(timeline)
    output = FakeOutput(timeline, mix)
    output.start()
    before = output.play(5.0)
    output.player.pause()
    held = output.player.position
    paused = output.play(2.0)
    assert output.player.position == held
    fade_out, silence = paused[:BLOCK], paused[BLOCK:]
    assert not silence.any(), "silence while paused"
    assert np.abs(fade_out[FADE_FRAMES:]).max() == 0 and np.abs(fade_out[:10]).max() > 0
    output.player.resume()
    after = output.play(3.0)

    stopped_at = before.shape[0]  # the session frame where sound stopped
    offline = mix.render(0, stopped_at + after.shape[0])
    np.testing.assert_allclose(before, offline[:stopped_at], atol=1e-6)
    np.testing.assert_allclose(after[FADE_FRAMES:], offline[stopped_at + FADE_FRAMES:],
                               atol=1e-6)
    assert np.abs(after[:FADE_FRAMES]).max() <= np.abs(offline[stopped_at:][:FADE_FRAMES]).max()


def test_a_skip_cross_fades_without_a_jump(timeline: Timeline) -> None:
    bed = Ambient("constant", np.full((RATE, 2), 0.4, dtype=np.float32))
    mix = quiet_mix(timeline, click_clips(timeline, level=0.0), ambient=bed)
    output = FakeOutput(timeline, mix)
    output.start()
    output.play(4.0)
    output.player.seek(30.0)
    audio = output.play(0.48)
    np.testing.assert_allclose(audio[:, 0], 0.4, atol=1e-5)  # old and new sum to the same level
    assert output.player.position == pytest.approx(30.48, abs=1e-6)


def test_the_picture_follows_the_frames_heard(timeline: Timeline) -> None:
    output = FakeOutput(timeline, noisy_mix(timeline))
    output.start()
    output.play(12.0)
    assert output.player.position == pytest.approx(12.0 - BLOCK / RATE)
    assert output.player.current_phase is not None  # 12 s is in an exhale


def test_the_closing_bell_rings_out_after_the_last_step(timeline: Timeline) -> None:
    mix = noisy_mix(timeline)
    output = FakeOutput(timeline, mix)
    output.start()
    output.player.seek(timeline.duration - 1)
    output.play(2.0)
    assert output.player.state is State.FINISHED
    assert output.feed.sounding
    tail = output.play(7.5)
    assert np.abs(tail[: RATE]).max() > 0, "the tail keeps sounding after the finish"
    assert not output.feed.sounding
    assert not tail[-BLOCK:].any()


def test_with_no_audio_device_the_session_runs_silently_and_says_so() -> None:
    from backcare_desktop.audio.output import AudioOutput

    devices = FakeDevices()
    devices.real_available = False
    notices: list[Notice] = []
    out = AudioOutput(notices.append, opener=devices, wall=ManualClock())
    out.open(threaded=False)
    try:
        assert not out.has_device and out.device_name == "Null"
        assert [notice.short for notice in notices] == [
            "No audio device: the session runs silently, with captions, until one appears."]
    finally:
        out.close()


def test_with_no_audio_device_miniaudio_plays_on_its_null_backend(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from backcare_desktop.audio import output as output_module

    monkeypatch.setattr(output_module, "_backend_order", lambda: [])  # no real device at all
    out = output_module.AudioOutput()
    out.open()
    try:
        assert out.device_name == "Null"
        began = out.ahead.taken
        deadline = time.monotonic() + 10
        while out.ahead.taken < began + RATE // 10:  # waits for frames; times nothing
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        out.close()


def test_an_underrun_pads_silence_but_does_not_move_the_clock(timeline: Timeline) -> None:
    output = FakeOutput(timeline, noisy_mix(timeline))
    output.start()
    output.play(1.0)
    ahead = output.output.ahead
    held = output.player.position
    for _ in range(10):  # the render thread starved: the device pulls from an emptying queue
        output.driver.devices.current.pull(BLOCK, lambda: ahead.last_block)
    assert ahead.underruns > 0 and ahead.underrun_frames > 0
    queued = AHEAD_FRAMES / RATE
    assert output.player.position <= held + queued + BLOCK / RATE
    after = output.play(1.0)
    assert after.shape[0] == RATE - RATE % BLOCK  # the stream goes on where it stopped


def test_the_device_callback_only_copies(timeline: Timeline,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    mix = noisy_mix(timeline)
    output = FakeOutput(timeline, mix)
    output.start()
    output.play(0.5)
    renders = []
    monkeypatch.setattr(mix, "render", lambda *args, **kwargs: renders.append(args))
    ahead = output.output.ahead
    for _ in range(3):
        ahead.take(BLOCK)
    assert renders == [] and ahead.underruns == 0


def test_a_pause_is_heard_within_the_device_buffer(timeline: Timeline) -> None:
    """Sound made ahead is dropped and made again on a command: the fade starts a few
    milliseconds past what the device has taken, not 200 ms later."""
    output = FakeOutput(timeline, noisy_mix(timeline))
    output.start()
    output.play(2.0)
    output.player.pause()
    paused = output.play(0.2)
    silent = np.flatnonzero(np.abs(paused).max(axis=1) > 0)
    assert silent.size and silent[-1] < SPLICE_MARGIN_FRAMES + FADE_FRAMES + BLOCK


def test_previews_are_refused_while_a_session_plays() -> None:
    from backcare_desktop.audio.preview import Preview, PreviewError

    preview = Preview()
    preview.session_active = True
    with pytest.raises(PreviewError, match="off while a session plays"):
        preview.play(np.zeros(RATE, dtype=np.float32))
    assert not preview.playing


def test_an_interjection_is_laid_over_the_session_and_moves_no_cue(timeline: Timeline) -> None:
    """"Where am I?": the answer is heard within a block of being handed over, the session
    ducks under it, and before and after it every sample is the session's own, on its frame."""
    mix = noisy_mix(timeline)
    output = FakeOutput(timeline, mix)
    output.start()
    before = output.play(3.0)
    answer = np.full(RATE // 2, 0.3, dtype=np.float32)
    output.output.interject(answer)
    after = output.play(6.0)
    heard = np.concatenate([before, after])
    offline = mix.render(0, heard.shape[0])
    changed = np.flatnonzero(np.abs(heard - offline).max(axis=1) > 1e-6)
    first, last = int(changed[0]), int(changed[-1])
    assert before.shape[0] <= first <= before.shape[0] + SPLICE_MARGIN_FRAMES + BLOCK
    begins = first + round(ASIDE_ATTACK_SECONDS * RATE)
    np.testing.assert_allclose((heard - offline)[begins + 100:begins + answer.size - 100].mean(),
                               0.3, atol=0.05)
    assert last < begins + answer.size + round(DUCK_RELEASE_SECONDS * RATE)
    np.testing.assert_allclose(heard[:first], offline[:first], atol=1e-6)
    np.testing.assert_allclose(heard[last + 1:], offline[last + 1:], atol=1e-6)  # cues in place
    assert output.player.position == pytest.approx(9.0 - BLOCK / RATE)
