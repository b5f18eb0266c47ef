"""Integrated loudness (ITU-R BS.1770-4) of stereo audio fed block by block, in constant
memory: the exports level to it, and the beds and the user's soundtracks are set by it.

pyloudnorm and scipy.signal are imported when a meter is first made, not with the module:
they take over a second to import, and the window would wait for them before its first
frame although it only meters soundtracks later, on a worker.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from backcare_desktop.audio.signal import RATE, seconds_to_frames

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
_GATE_STEP = seconds_to_frames(0.1)
_GATE_STEPS = 4
"""BS.1770 gating blocks are 400 ms long and overlap by 75 %: four 100 ms steps each."""
_BIN_LU = 0.01
_TOP_LUFS = 10.0


class LoudnessMeter:
    """Integrated loudness (ITU-R BS.1770-4) of stereo audio fed block by block.

    The K-weighting filters are pyloudnorm's coefficients run through lfilter with their
    state carried from block to block; the gating blocks' energies go into a histogram of
    0.01 LU bins rather than a list, so two hours cost what five minutes do. Only the
    relative gate is placed to a bin, which moves the result by well under 0.01 LU.
    """

    def __init__(self) -> None:
        import pyloudnorm
        from scipy.signal import lfilter

        self._lfilter = lfilter
        stages = pyloudnorm.Meter(RATE)._filters.values()  # the K-weighting pair
        self._stages = [(float(stage.passband_gain), np.asarray(stage.b), np.asarray(stage.a))
                        for stage in stages]
        self._states = [np.zeros((max(b.size, a.size) - 1, 2)) for _, b, a in self._stages]
        self._partial = np.zeros((0, 2))
        self._steps: list[NDArray[np.float64]] = []
        bins = round((_TOP_LUFS - ABSOLUTE_GATE_LUFS) / _BIN_LU) + 1
        self._counts = np.zeros(bins)
        self._powers = np.zeros(bins)

    def add(self, block: NDArray[np.floating]) -> None:
        weighted = np.asarray(block, dtype=np.float64)
        for index, (gain, b, a) in enumerate(self._stages):
            weighted, self._states[index] = self._lfilter(b, a, weighted, axis=0,
                                                    zi=self._states[index])
            weighted = weighted * gain
        pending = np.concatenate([self._partial, weighted])
        whole = pending.shape[0] // _GATE_STEP * _GATE_STEP
        self._partial = pending[whole:]
        energies = np.square(pending[:whole]).reshape(-1, _GATE_STEP, 2).sum(axis=1)
        for energy in energies:
            self._steps = [*self._steps[-(_GATE_STEPS - 1):], energy]
            if len(self._steps) == _GATE_STEPS:
                self._gate_block(float(np.sum(self._steps)) / (_GATE_STEP * _GATE_STEPS))

    def _gate_block(self, power: float) -> None:
        loudness = _lufs(power)
        if loudness <= ABSOLUTE_GATE_LUFS:
            return
        index = min(int((loudness - ABSOLUTE_GATE_LUFS) / _BIN_LU), self._counts.size - 1)
        self._counts[index] += 1
        self._powers[index] += power

    def integrated(self) -> float:
        """LUFS; -inf when nothing rose above the absolute gate (silence)."""
        if not self._counts.any():
            return float("-inf")
        relative = _lufs(self._powers.sum() / self._counts.sum()) + RELATIVE_GATE_LU
        centres = ABSOLUTE_GATE_LUFS + (np.arange(self._counts.size) + 0.5) * _BIN_LU
        kept = centres > relative
        return _lufs(self._powers[kept].sum() / self._counts[kept].sum())


def _lufs(power: float) -> float:
    return -0.691 + 10 * float(np.log10(power)) if power > 0 else float("-inf")


def loudness(samples: NDArray[np.floating], block_frames: int = 20 * RATE) -> float:
    """The integrated loudness of stereo samples in one call (LUFS; -inf for silence), fed to
    the meter a block at a time so a long soundtrack is never copied whole."""
    meter = LoudnessMeter()
    for start in range(0, samples.shape[0], block_frames):
        meter.add(samples[start:start + block_frames])
    return meter.integrated()
