from __future__ import annotations

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from backcare_desktop.audio.ambient import generated
from backcare_desktop.audio.clips import CueClips
from backcare_desktop.audio.export import (
    TARGET_LUFS,
    ExportError,
    LoudnessMeter,
    blocks,
    export_session,
    webvtt,
)
from backcare_desktop.audio.signal import RATE, seconds_to_frames
from backcare_desktop.audio.tones import ToneStyle
from backcare_desktop.cli import DEFAULT_LOUDNESS_LUFS, main
from backcare_desktop.session.timeline import Timeline
from tests.audio_helpers import CLICK_FRAMES, click_clips, onsets, quiet_mix
from tests.conftest import WriteRoutine


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        assert clip.getframerate() == RATE and clip.getnchannels() == 2
        data = clip.readframes(clip.getnframes())
    return np.frombuffer(data, dtype="<i2").reshape(-1, 2) / 32767.0


def test_a_wav_export_holds_the_whole_mix_sample_for_sample(timeline: Timeline,
                                                             tmp_path: Path) -> None:
    mix = quiet_mix(timeline, click_clips(timeline))
    seen: list[float] = []
    export_session(mix, tmp_path / "s.wav", progress=lambda _, done: seen.append(done),
                   loudness=None)
    audio = read_wav(tmp_path / "s.wav")
    assert audio.shape[0] == mix.total_frames
    np.testing.assert_allclose(audio, mix.render(0, mix.total_frames), atol=1 / 32767)
    assert onsets(audio, quiet_frames=100) == sorted(
        {seconds_to_frames(cue.time) for cue in timeline.cues})
    assert seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize("suffix", [".ogg", ".flac", ".mp3"])
def test_compressed_exports_decode_to_the_session_length(timeline: Timeline, tmp_path: Path,
                                                         suffix: str) -> None:
    from pydub import AudioSegment

    mix = quiet_mix(timeline, click_clips(timeline))
    out = tmp_path / f"s{suffix}"
    export_session(mix, out)
    decoded = AudioSegment.from_file(str(out))
    assert abs(len(decoded) - mix.total_frames * 1000 / RATE) < 60  # ms: encoder padding
    assert decoded.frame_rate == RATE and decoded.channels == 2
    assert decoded.max_dBFS > -12
    assert not list(tmp_path.glob(".*partial"))


def true_peak_dbtp(audio: np.ndarray) -> float:
    """4x oversampled, as BS.1770 estimates it, over the whole file at once."""
    from scipy.signal import resample_poly

    return float(20 * np.log10(np.abs(resample_poly(audio, 4, 1, axis=0)).max()))


def test_the_streamed_loudness_matches_pyloudnorm(timeline: Timeline) -> None:
    import pyloudnorm

    mix = quiet_mix(timeline, click_clips(timeline), ambient=generated("ocean"),
                    tones=ToneStyle.SOFT, chimes=True)
    meter = LoudnessMeter()
    for block in blocks(mix, block_frames=4321):  # blocks that cut gating steps anywhere
        meter.add(block)
    whole = mix.render(0, mix.total_frames).astype(np.float64)
    expected = pyloudnorm.Meter(RATE).integrated_loudness(whole)
    assert meter.integrated() == pytest.approx(expected, abs=0.1)
    assert LoudnessMeter().integrated() == float("-inf")


@pytest.mark.parametrize("target", [-18.0, -23.0])
def test_an_export_is_levelled_to_its_loudness_under_the_true_peak_ceiling(
        timeline: Timeline, tmp_path: Path, target: float) -> None:
    import pyloudnorm

    clips = CueClips()  # a full-scale click (the limiter has work), then a held tone
    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(RATE // 2) / RATE)
    speech = np.concatenate([np.ones(CLICK_FRAMES), tone]).astype(np.float32)
    for cue in timeline.cues:
        clips.add(cue.text, speech, RATE)
    mix = quiet_mix(timeline, clips)
    export_session(mix, tmp_path / "s.wav", loudness=target)
    audio = read_wav(tmp_path / "s.wav")
    assert audio.shape[0] == mix.total_frames
    assert pyloudnorm.Meter(RATE).integrated_loudness(audio) == pytest.approx(target, abs=0.5)
    assert true_peak_dbtp(audio) <= -1.0 + 0.05  # 16-bit rounding
    assert onsets(audio, quiet_frames=100) == sorted(
        {seconds_to_frames(cue.time) for cue in timeline.cues}), "to the sample, as mixed"


def test_render_levels_to_minus_18_unless_told_otherwise(write_routine: WriteRoutine,
                                                         tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    import pyloudnorm

    assert DEFAULT_LOUDNESS_LUFS == TARGET_LUFS == -18.0
    meter = pyloudnorm.Meter(RATE)
    levels = {}
    for loudness in ("-18", "off", "-23"):
        out = tmp_path / f"s{loudness}.wav"
        argv = ["render", str(write_routine()), "--voice", "none", "--ambient", "rain",
                "--out", str(out), "--fit", "1", "--loudness", loudness]
        assert main(argv) == 0
        levels[loudness] = meter.integrated_loudness(read_wav(out))
    assert levels["-18"] == pytest.approx(-18, abs=0.5)
    assert levels["-23"] == pytest.approx(-23, abs=0.5)
    assert abs(levels["off"] + 18) > 1, "off: the mix as it is"
    for bad in ("loud", "-80", "nan"):
        argv = ["render", str(write_routine()), "--out", str(tmp_path / "x.wav"),
                "--loudness", bad]
        assert main(argv) == 1
        assert "--loudness" in capsys.readouterr().err


def caption_seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_captions_give_every_spoken_cue_at_its_time_for_at_least_a_second(
        timeline: Timeline) -> None:
    long_text, long_seconds = "Keep it light.", 2.5
    clips = CueClips()
    clips.add(long_text, np.full(round(RATE * long_seconds), 0.5, dtype=np.float32), RATE)
    for cue in timeline.cues:  # every other cue a 10 ms click: far shorter than a second
        clips.add(cue.text, np.full(CLICK_FRAMES, 0.5, dtype=np.float32), RATE)
    text = webvtt(quiet_mix(timeline, clips))
    assert text.startswith("WEBVTT\n\n")
    assert "7\n00:00:45.000 --> 00:00:47.500\nKeep it light.\n" in text
    blocks = [block.split("\n") for block in text.strip().split("\n\n")[1:]]
    assert [(int(number), caption) for number, _, caption in blocks] == [
        (number, cue.text) for number, cue in enumerate(timeline.cues, 1)]
    for (_, span, _), cue in zip(blocks, timeline.cues, strict=True):
        start, end = (caption_seconds(stamp) for stamp in span.split(" --> "))
        shown = long_seconds if cue.text == long_text else 1.0  # clicks still get a second
        assert (start, end) == (pytest.approx(cue.time), pytest.approx(cue.time + shown))


def test_a_bad_output_name_is_a_clear_error(timeline: Timeline, tmp_path: Path) -> None:
    mix = quiet_mix(timeline, click_clips(timeline))
    with pytest.raises(ExportError, match=r"choose a \.wav, \.flac, \.ogg or \.mp3"):
        export_session(mix, tmp_path / "s.aiff")
    with pytest.raises(ExportError, match="no such folder"):
        export_session(mix, tmp_path / "missing" / "s.wav")


def test_without_ffmpeg_or_when_it_fails_the_export_says_so(
        timeline: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mix = quiet_mix(timeline, click_clips(timeline))
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    tools = {name: shutil.which(name) for name in ("head", "tr", "cat")}  # before PATH goes
    monkeypatch.setenv("PATH", str(bin_folder))
    with pytest.raises(ExportError, match="ffmpeg is not installed"):
        export_session(mix, tmp_path / "s.ogg")
    failing = bin_folder / "ffmpeg"
    failing.write_text("#!/bin/sh\necho 'Unknown encoder libvorbis' >&2\nexit 1\n")
    failing.chmod(0o755)
    with pytest.raises(ExportError, match=r"s\.ogg: ffmpeg could not encode it "
                                          r"\(Unknown encoder libvorbis\)"):
        export_session(mix, tmp_path / "s.ogg")
    # One that says a lot before it reads its input: what it says must never fill a pipe
    # that nobody reads while the session is still being written to it.
    failing.write_text(f"#!/bin/sh\n{tools['head']} -c 300000 /dev/zero | {tools['tr']} "
                       f"'\\0' x >&2\n{tools['cat']} > /dev/null\nexit 1\n")
    with pytest.raises(ExportError, match=r"ffmpeg could not encode it \(x+\)"):
        export_session(mix, tmp_path / "s.ogg")


def test_render_command_writes_audio_and_captions(write_routine: WriteRoutine, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out, captions = tmp_path / "s.wav", tmp_path / "s.vtt"
    argv = ["render", str(write_routine()), "--voice", "none", "--ambient", "brown-noise",
            "--out", str(out), "--captions", str(captions), "--fit", "1"]
    assert main(argv) == 0
    audio = read_wav(out)
    assert audio.shape[0] == seconds_to_frames(60 + 7)
    assert -40 < 20 * np.log10(np.sqrt(np.mean(audio[RATE * 5: RATE * 50] ** 2))) < -15
    assert "Keep it light." in captions.read_text()


def test_render_with_a_missing_soundtrack_file_is_one_line(write_routine: WriteRoutine,
                                                           tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    argv = ["render", str(write_routine()), "--voice", "none", "--ambient",
            str(tmp_path / "nope.mp3"), "--out", str(tmp_path / "s.wav")]
    assert main(argv) == 1
    assert capsys.readouterr().err.strip().endswith("nope.mp3: no such file")


def test_render_plays_the_tone_style_it_is_given(write_routine: WriteRoutine,
                                                  timeline: Timeline, tmp_path: Path) -> None:
    """Through the command line: `--tones off` has no tone at the breath phases, `soft` and
    `bowl` each have theirs (the command line once ignored the option)."""
    phases = [seconds_to_frames(phase.start) for phase in timeline.phases]
    heard = {}
    for style in ("soft", "bowl", "off"):
        out = tmp_path / f"{style}.wav"
        assert main(["render", str(write_routine()), "--voice", "none", "--ambient", "none",
                     "--loudness", "off", "--tones", style, "--out", str(out)]) == 0
        audio = read_wav(out)
        heard[style] = np.array([audio[frame:frame + RATE // 2] for frame in phases])
    assert not heard["off"].any()
    assert all(np.abs(window).max() > 0.01 for window in heard["soft"])
    assert all(np.abs(window).max() > 0.01 for window in heard["bowl"])
    assert not np.allclose(heard["soft"], heard["bowl"], atol=0.01)
