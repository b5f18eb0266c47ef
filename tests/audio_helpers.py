"""Helpers for audio tests: synthetic cue clips and onset finding on rendered samples."""

from __future__ import annotations

import numpy as np

from backcare_desktop.audio.ambient import SILENCE, Ambient
from backcare_desktop.audio.clips import CueClips
from backcare_desktop.audio.mixer import SessionMix, SoundSettings, Volumes
from backcare_desktop.audio.signal import RATE
from backcare_desktop.audio.tones import ToneStyle
from backcare_desktop.session.timeline import Timeline

CLICK_FRAMES = 480


def click_clips(timeline: Timeline, level: float = 0.5) -> CueClips:
    """Every cue as a 10 ms burst that starts at full level on its first sample."""
    clips = CueClips()
    burst = np.full(CLICK_FRAMES, level, dtype=np.float32)
    for cue in timeline.cues:
        clips.add(cue.text, burst, RATE)
    return clips


def quiet_mix(timeline: Timeline, clips: CueClips, ambient: Ambient = SILENCE,
              tones: ToneStyle = ToneStyle.OFF, chimes: bool = False,
              volumes: Volumes | None = None) -> SessionMix:
    settings = SoundSettings(volumes=volumes or Volumes(voice=1.0, tones=1.0, ambient=1.0),
                             tone_style=tones, chimes=chimes)
    return SessionMix(timeline, clips, ambient, settings)


def onsets(samples: np.ndarray, threshold: float = 0.05, quiet_frames: int = 960) -> list[int]:
    """Frames where the level first rises above `threshold` after `quiet_frames` of quiet."""
    mono = np.abs(samples if samples.ndim == 1 else samples.max(axis=1))
    loud = np.flatnonzero(mono > threshold)
    found: list[int] = []
    last = -quiet_frames - 1
    for frame in loud:
        if frame - last > quiet_frames:
            found.append(int(frame))
        last = frame
    return found


def render_all(mix: SessionMix, block: int = RATE) -> np.ndarray:
    return np.concatenate([mix.render(start, min(block, mix.total_frames - start))
                           for start in range(0, mix.total_frames, block)])
