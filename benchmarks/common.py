"""Shared measuring helpers: process CPU and memory, percentiles, device callback times,
figures from a child process, and a tidy report."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # the window probes import this module: keep their start-up lean
    from backcare_desktop.audio.ahead import MixAhead
    from backcare_desktop.audio.output import Device, Take
    from backcare_desktop.audio.signal import Samples


def rss_mb() -> float:
    """Resident memory now, from /proc (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def cpu_share() -> Iterator[Callable[[], float]]:
    """Yields a function giving CPU time used per wall second (1.0 = one core) so far."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield lambda: (cpu_seconds() - cpu) / max(time.perf_counter() - wall, 1e-9)


def percentile(values: Sequence[float] | NDArray[np.float64], q: float) -> float:
    array = np.asarray(values, dtype=np.float64)
    return float(np.percentile(array, q)) if array.size else float("nan")


class CallbackLog:
    """Every device callback's duration over a run, in microseconds.

    `MixAhead` keeps only the most recent few thousand (a ring indexed by callback number),
    so a long run gathers the new ones now and then, well before the ring wraps (it holds
    more than a minute of callbacks).
    """

    def __init__(self, ahead: MixAhead) -> None:
        self._ahead = ahead
        self._seen = ahead.callbacks
        self._parts: list[NDArray[np.float64]] = []

    def gather(self) -> None:
        count = self._ahead.callbacks
        recent = self._ahead.callback_microseconds()
        if count > self._seen and recent.size:
            self._parts.append(recent[np.arange(self._seen, count) % recent.size])
        self._seen = count

    def summary(self) -> dict[str, float]:
        """p50, p99 and max in microseconds, and how many callbacks, as JSON-ready numbers."""
        self.gather()
        times = np.concatenate(self._parts) if self._parts else np.zeros(0)
        return {"callbacks": float(times.size), "p50_us": percentile(times, 50),
                "p99_us": percentile(times, 99),
                "max_us": float(times.max()) if times.size else float("nan")}


class DeviceTap:
    """The device's pull, watched: when each block was handed over and whether it had sound.

    Start-to-sound and pause-to-silence are then timed at the device, not where sound is
    made (some 200 ms ahead of it), and a long gap between callbacks shows a device thread
    kept waiting, which no figure inside the callback can show.
    """

    def __init__(self) -> None:
        self.blocks: list[tuple[float, bool]] = []

    def open(self, real: bool, take: Take) -> Device | None:
        """An `AudioOutput` opener: miniaudio's device, pulling through the tap."""
        from backcare_desktop.audio.output import open_miniaudio

        def watched(frames: int) -> Samples:
            block = take(frames)
            self.blocks.append((time.perf_counter(), bool(block.any())))
            return block

        return open_miniaudio(real, watched)

    def first(self, sounding: bool, since: float, timeout: float = 5.0) -> float:
        """When the first block handed over after `since` had sound (or had none)."""
        seen = 0
        while time.perf_counter() < since + timeout:
            blocks = self.blocks[seen:]
            for at, loud in blocks:
                if at >= since and loud is sounding:
                    return at
            seen += len(blocks)
            time.sleep(0.0005)
        raise RuntimeError(f"the device was never handed {'sound' if sounding else 'silence'}")

    def gaps(self, since: float) -> NDArray[np.float64]:
        """Milliseconds between one callback and the next, from `since` on."""
        times = np.array([at for at, _ in self.blocks if at >= since])
        return np.diff(times) * 1000


def child_figures(module: str, args: list[str], env: Mapping[str, str] | None = None,
                  timeout: float | None = None) -> dict[str, Any]:
    """Runs `python -m module args` and returns the JSON object on its last line of output:
    a fresh process per figure, so nothing loaded by one measurement colours the next."""
    result = subprocess.run([sys.executable, "-m", module, *args],
                            env={**os.environ, **(env or {})}, capture_output=True,
                            text=True, check=False, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed: {result.stderr.strip()[-800:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@dataclass
class Report:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        self.rows.append((name, value))
        print(f"  {name:<58} {value}", flush=True)
