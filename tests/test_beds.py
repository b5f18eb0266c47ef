"""The generated beds, measured on their samples: they never repeat in a session, any block
asked for in any order is the same, rain has no hiss above 12 kHz, the drone survives a
mono speaker, and every bed sits at one loudness."""

from __future__ import annotations

import itertools

import numpy as np
import pyloudnorm
import pytest

from backcare_desktop.audio.ambient import AMBIENT_LOUDNESS_LUFS, GENERATORS, generated
from backcare_desktop.audio.signal import RATE

BEDS = sorted(GENERATORS)
ENVELOPE_FRAMES = RATE // 10


def envelope(samples: np.ndarray) -> np.ndarray:
    """RMS per 100 ms, both channels together."""
    usable = samples[: samples.shape[0] // ENVELOPE_FRAMES * ENVELOPE_FRAMES]
    return np.sqrt(np.square(usable, dtype=np.float64).reshape(
        -1, ENVELOPE_FRAMES, usable.shape[1]).mean(axis=(1, 2)))


@pytest.mark.parametrize("name", BEDS)
def test_a_bed_never_repeats_in_a_twenty_minute_session(name: str) -> None:
    bed = generated(name)
    excerpts = [bed.block(seconds * RATE, 10 * RATE)[:, 0].astype(np.float64)
                for seconds in (0, 40, 80, 200, 600, 1190)]
    for index, first in enumerate(excerpts):
        for second in excerpts[index + 1:]:
            difference = np.sqrt(np.mean(np.square(first - second)) / np.mean(np.square(first)))
            assert 20 * np.log10(difference) > -20, "no excerpt comes back"
    level = envelope(bed.block(0, 240 * RATE))
    lags = range(50, 1200)  # 5 s to 2 minutes
    likeness = [np.corrcoef(level[:-lag], level[lag:])[0, 1] for lag in lags]
    assert max(likeness) < 0.9, f"the envelope repeats after {lags[np.argmax(likeness)] / 10} s"


@pytest.mark.parametrize("name", BEDS)
def test_any_blocks_in_any_order_give_the_same_samples(name: str) -> None:
    start, length = 17 * 60 * RATE + 123, 20 * RATE
    whole = generated(name).block(start, length)
    fresh = generated.__wrapped__(name)  # nothing cached: the order is all it sees
    rng = np.random.default_rng(3)
    edges = sorted({0, length, *rng.integers(1, length, size=60).tolist()})
    pieces = list(itertools.pairwise(edges))
    rng.shuffle(pieces)
    rebuilt = np.zeros_like(whole)
    for a, b in pieces:
        rebuilt[a:b] = fresh.block(start + a, b - a)
    np.testing.assert_array_equal(whole, rebuilt)


def test_rain_has_nothing_to_speak_of_above_twelve_kilohertz() -> None:
    rain = generated("rain").block(300 * RATE, 60 * RATE).astype(np.float64)
    power = np.square(np.abs(np.fft.rfft(rain, axis=0))).sum(axis=1)
    frequencies = np.fft.rfftfreq(rain.shape[0], 1 / RATE)
    above = power[frequencies > 12_000].sum() / power.sum()
    assert 10 * np.log10(above) < -40


def test_the_drone_folds_to_mono_within_one_db() -> None:
    drone = generated("drone").block(300 * RATE, 60 * RATE).astype(np.float64)
    stereo = np.mean(np.square(drone))
    mono = np.mean(np.square(drone.mean(axis=1)))
    assert 10 * np.log10(mono / stereo) > -1.0


def test_every_bed_sits_at_the_same_loudness() -> None:
    meter = pyloudnorm.Meter(RATE)
    levels = {name: meter.integrated_loudness(
        generated(name).block(400 * RATE, 120 * RATE).astype(np.float64)) for name in BEDS}
    assert max(levels.values()) - min(levels.values()) < 1.0, levels
    for level in levels.values():
        assert level == pytest.approx(AMBIENT_LOUDNESS_LUFS, abs=1.0)
