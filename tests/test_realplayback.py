"""Real playback: the live stream played through PulseAudio, recorded, and measured."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import numpy as np
import pytest

from backcare_desktop.audio.output import AudioOutput
from backcare_desktop.routines.loader import load_routine_file
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.player import Player
from backcare_desktop.session.timeline import compile_timeline
from tests.audio_helpers import click_clips, onsets, quiet_mix
from tests.pulse import PulseUnavailable, private_pulse

pytestmark = pytest.mark.realplayback

CUE_TIMES = (1.0, 2.5, 3.7, 5.2, 6.0, 7.9, 9.3)
ROUTINE = f"""
id = "clicks"
title = "Clicks"
[[steps]]
id = "clicks"
title = "Clicks"
instruction = "Start."
duration = 12
illustration = "seated-posture"
cues = [{", ".join(f'{{ at = {t}, text = "Cue {i}." }}' for i, t in enumerate(CUE_TIMES))}]
"""


def test_cue_intervals_through_a_real_output_match_the_plan(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    path = tmp_path / "clicks.toml"
    path.write_text(ROUTINE)
    routine = load_routine_file(path)
    assert isinstance(routine, Routine)
    timeline = compile_timeline(routine)
    mix = quiet_mix(timeline, click_clips(timeline))
    capture = tmp_path / "capture.wav"
    try:
        pulse_context = private_pulse(tmp_path)
        pulse = pulse_context.__enter__()
    except PulseUnavailable as error:
        print(f"skipped: {error}")
        pytest.skip(str(error))
    try:
        monkeypatch.setenv("PULSE_SERVER", pulse.server)
        output = AudioOutput()
        with pulse.record(capture):
            output.open()  # as in the app: the stream runs before a session starts
            assert output.has_device, f"played on {output.device_name}, not PulseAudio"
            time.sleep(0.5)
            player = Player(timeline, output.clock)
            output.follow(mix, lambda: player.anchor)
            player.start(lead_in=output.lead_in)
            while player.position < 10.0:  # playing takes real time; timing is measured below
                player.tick()
                time.sleep(0.02)
            output.close()
    finally:
        pulse_context.__exit__(None, None, None)

    with wave.open(str(capture)) as recorded:
        assert recorded.getframerate() == 48_000
        samples = np.frombuffer(recorded.readframes(recorded.getnframes()), dtype="<i2") / 32768
    found = onsets(samples, threshold=0.1, quiet_frames=960)
    planned = [0.0, *CUE_TIMES]
    assert len(found) == len(planned), f"heard {len(found)} clicks, planned {len(planned)}"
    heard_intervals = np.diff(found) / 48_000
    planned_intervals = np.diff(planned)
    errors_ms = np.abs(heard_intervals - planned_intervals) * 1000
    print(f"cue interval error: max {errors_ms.max():.3f} ms over {errors_ms.size} intervals")
    assert errors_ms.max() < 1.0
