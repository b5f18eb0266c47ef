from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from backcare_desktop.audio.clips import CueClips
from backcare_desktop.audio.export import ExportError, export_session, webvtt
from backcare_desktop.audio.signal import RATE, seconds_to_frames
from backcare_desktop.cli import main
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
    export_session(mix, tmp_path / "s.wav", progress=lambda _, done: seen.append(done))
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
