"""How a spoken cue should sound once an engine has made it: sentences apart, at one loudness.

Both engines hand their sentences here, so Piper and espeak-ng cues pause alike between
sentences and sit at the same measured loudness, whatever level the engine speaks at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.signal import db_to_gain

SENTENCE_PAUSE_SECONDS = 0.75
"""The silence between two sentences of one cue: a guide's breath, not a reader's full stop
(the engines' own 0.2-0.4 s sounded hurried)."""
TARGET_LUFS = -18.0
"""Every clip is brought to this integrated loudness (ITU-R BS.1770), so a short "Breathe
in." and a long soft sentence sound equally loud; peak levelling left them 7 LU apart."""
PEAK_CEILING = db_to_gain(-1.0)
"""No clip's sample peak goes above -1 dBFS. Piper's speech peaks 15-22 dB above its
loudness, so at TARGET_LUFS a few plosives would pass it: they are limited, not the clip."""
LIMITER_SECONDS = 0.01
"""The limiter's gain changes no faster than over this: smooth enough not to click, short
enough to touch only the peak itself."""
EDGE_PAD_SECONDS = 0.01
"""Kept before the first and after the last sound, so the first consonant stays whole."""
SILENCE_BELOW_PEAK = 0.01
"""Samples under this fraction of the peak (-40 dB) count as silence when trimming."""
METER_BLOCK_SECONDS = 0.4
"""BS.1770's gating block: a shorter clip is measured over copies of itself."""


def trim(samples: NDArray[np.floating[Any]], rate: int) -> NDArray[np.float32]:
    """The sound without the silence around it, so a cue starts on its time."""
    samples = np.asarray(samples, dtype=np.float32)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak <= 0.0:
        return np.zeros(0, dtype=np.float32)
    loud = np.flatnonzero(np.abs(samples) > SILENCE_BELOW_PEAK * peak)
    pad = round(EDGE_PAD_SECONDS * rate)
    return samples[max(0, loud[0] - pad): loud[-1] + pad]


def join_sentences(sentences: Sequence[NDArray[np.floating[Any]]],
                   rate: int) -> NDArray[np.float32]:
    """The sentences trimmed and joined with SENTENCE_PAUSE_SECONDS of silence between them."""
    spoken = [clip for clip in (trim(sentence, rate) for sentence in sentences) if clip.size]
    if not spoken:
        return np.zeros(0, dtype=np.float32)
    pause = np.zeros(round(SENTENCE_PAUSE_SECONDS * rate), dtype=np.float32)
    pieces = [spoken[0]]
    for clip in spoken[1:]:
        pieces += [pause, clip]
    return np.concatenate(pieces)


def loudness_lufs(samples: NDArray[np.floating[Any]], rate: int) -> float:
    """Integrated loudness (BS.1770, K-weighted and gated); -inf for silence.

    A clip shorter than the meter's block ("Hold.") is measured as the clip looped: padding
    it with silence instead would read it as quieter than it sounds.
    """
    import pyloudnorm  # over a second to import (scipy): not before the window's first frame

    data = np.asarray(samples, dtype=np.float64)
    if data.size == 0 or not np.any(data):
        return float("-inf")
    block = round(METER_BLOCK_SECONDS * rate) + 1
    if data.size < block:
        data = np.tile(data, -(-block // data.size))
    return float(pyloudnorm.Meter(rate, block_size=METER_BLOCK_SECONDS).integrated_loudness(data))


def level(samples: NDArray[np.floating[Any]], rate: int) -> NDArray[np.float32]:
    """Trimmed and brought to TARGET_LUFS under PEAK_CEILING, on the 16-bit grid so that a
    clip read back from the cache is identical to the one first made."""
    samples = trim(samples, rate)
    loudness = loudness_lufs(samples, rate)
    if not np.isfinite(loudness):
        return np.zeros(0, dtype=np.float32)
    gain_db = TARGET_LUFS - loudness
    loud = _limit(samples * db_to_gain(gain_db), rate)
    # Limiting a peaky clip takes some of its loudness (up to 2 dB): asked once more for it.
    shortfall = TARGET_LUFS - loudness_lufs(loud, rate)
    if shortfall > 0.1:
        loud = _limit(samples * db_to_gain(gain_db + shortfall), rate)
    levelled = np.clip(np.round(loud * 32767), -32767, 32767) / 32767
    return np.asarray(levelled, dtype=np.float32)


def _limit(samples: NDArray[np.float32], rate: int) -> NDArray[np.float32]:
    """Samples above PEAK_CEILING brought down to it by a smooth gain dip.

    The gain is the sliding minimum of what each sample needs, averaged over a window half
    as wide: the average at any sample only takes windows that cover it, so it never lets a
    sample through above the ceiling, and it falls and rises over LIMITER_SECONDS.
    """
    ceiling = np.floor(PEAK_CEILING * 32767) / 32767  # still under it on the 16-bit grid
    needed = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-9))
    if needed.min() >= 1.0:
        return samples
    half = max(1, round(LIMITER_SECONDS * rate) // 2)
    padded = np.pad(needed, 3 * half, mode="edge")
    floor = np.lib.stride_tricks.sliding_window_view(padded, 4 * half + 1).min(axis=1)
    sums = np.concatenate([[0.0], np.cumsum(floor, dtype=np.float64)])
    gain = (sums[2 * half + 1:] - sums[:-2 * half - 1]) / (2 * half + 1)
    return np.asarray(samples * gain, dtype=np.float32)
