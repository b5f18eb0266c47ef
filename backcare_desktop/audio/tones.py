"""The sounds made by code: breathing pacing tones, the step chime and the closing bell.

Each is a mono float32 clip at RATE with an attack and a release, so none can click where it
starts or stops. Struck sounds (the bowl, the chime, the bell) ring out on their own: every
partial has decayed to -60 dB before the clip's short release, so nothing is cut off while
it still sounds. They are pure functions of their arguments and cached, because a session
asks for the same few tones hundreds of times.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.signal import RATE, Samples, envelope, seconds_to_frames


class ToneStyle(StrEnum):
    SOFT = "soft"
    BOWL = "bowl"
    OFF = "off"


TONE_PEAK = 0.22
"""Pacing tones sit well under the voice: they carry the rhythm, not the attention."""
RING_OUT_DB = -60.0
"""Where a struck sound counts as silent: its clip may end only after this."""
_RELEASE_SECONDS = 0.05
_DECAY_PER_T60 = np.log(10 ** (-RING_OUT_DB / 20))
"""A partial decaying as exp(-t / tau) reaches RING_OUT_DB at tau times this (6.9)."""


def _glide(frames: int, start_hz: float, end_hz: float) -> NDArray[np.float64]:
    """The phase of a sine whose pitch moves smoothly (on a log scale) from start to end."""
    ratio = np.linspace(0.0, 1.0, frames)
    frequency = start_hz * (end_hz / start_hz) ** ratio
    return 2 * np.pi * np.cumsum(frequency) / RATE


def _bell(seconds: float, fundamental: float, partials: tuple[tuple[float, float, float], ...],
          peak: float) -> Samples:
    """A struck bell `seconds` long: inharmonic partials (ratio, level, ring), each decaying
    exponentially to RING_OUT_DB at `ring` times the clip's length (ring <= 0.9), so the last
    release only finishes what is already inaudible."""
    frames = seconds_to_frames(seconds)
    t = np.arange(frames) / RATE
    sound = np.zeros(frames)
    for ratio, level, ring in partials:
        tau = ring * seconds / _DECAY_PER_T60
        sound += level * np.sin(2 * np.pi * fundamental * ratio * t) * np.exp(-t / tau)
    sound *= envelope(frames, seconds_to_frames(0.006), seconds_to_frames(_RELEASE_SECONDS))
    return np.asarray(sound / np.max(np.abs(sound)) * peak, dtype=np.float32)


_BOWL_PARTIALS = ((1.0, 1.0, 0.85), (2.76, 0.45, 0.5), (5.4, 0.2, 0.3), (1.003, 0.5, 0.9))


@lru_cache(maxsize=64)
def breath_tone(style: ToneStyle | str, rising: bool, seconds: float) -> Samples:
    """The tone under one in-breath (rising) or out-breath (falling), as long as the breath
    (a bowl rings out within it, up to 3.5 s). Settings and the command line hand over plain
    strings: "bowl" and ToneStyle.BOWL are one cache entry, made as the member."""
    style = ToneStyle(style)
    if style is ToneStyle.OFF:
        return np.zeros(0, dtype=np.float32)
    if style is ToneStyle.BOWL:
        return _bell(min(seconds, 3.5), 392.0 if rising else 293.7, _BOWL_PARTIALS, TONE_PEAK)
    frames = seconds_to_frames(seconds)
    phase = _glide(frames, 220.0, 330.0) if rising else _glide(frames, 330.0, 220.0)
    sound = np.sin(phase) + 0.18 * np.sin(2 * phase) + 0.06 * np.sin(3 * phase)
    shape = envelope(frames, seconds_to_frames(min(0.6, seconds / 3)),
                     seconds_to_frames(min(1.2, seconds / 2)))
    return (sound * shape * (TONE_PEAK / 1.2)).astype(np.float32)


@lru_cache(maxsize=4)
def hold_tick(style: ToneStyle | str) -> Samples:
    """A quiet tick where the breath is held, so the hold has an edge without a voice."""
    if ToneStyle(style) is ToneStyle.OFF:
        return np.zeros(0, dtype=np.float32)
    frames = seconds_to_frames(0.06)
    t = np.arange(frames) / RATE
    sound = np.sin(2 * np.pi * 1320.0 * t) * envelope(frames, seconds_to_frames(0.004),
                                                       seconds_to_frames(0.05))
    return (sound * TONE_PEAK * 0.35).astype(np.float32)


_CHIME_PARTIALS = ((1.0, 1.0, 0.85), (2.0, 0.25, 0.5), (3.01, 0.1, 0.35))


@lru_cache(maxsize=1)
def step_chime() -> Samples:
    """A light two-note chime at every step change, silent (-60 dB) within 2.5 s, so by the
    announcement it leads by CHIME_LEAD_SECONDS it is already well down."""
    high = _bell(2.2, 1046.5, _CHIME_PARTIALS, 0.16)
    low = _bell(2.2, 784.0, _CHIME_PARTIALS, 0.16)
    offset = seconds_to_frames(0.16)
    chime = np.zeros(offset + low.shape[0], dtype=np.float32)
    chime[: high.shape[0]] += high
    chime[offset:] += low
    return chime


@lru_cache(maxsize=1)
def closing_bell() -> Samples:
    """A deep bell that rings the session out, to silence within the session's tail."""
    return _bell(6.5, 261.6, ((1.0, 1.0, 0.8), (2.76, 0.5, 0.45), (5.4, 0.25, 0.25),
                              (1.004, 0.6, 0.88), (0.5, 0.3, 0.9)), 0.3)
