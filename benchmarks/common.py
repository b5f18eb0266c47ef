"""Shared measuring helpers: process CPU and memory, percentiles, and a tidy report."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


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


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


@dataclass
class Report:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        self.rows.append((name, value))
        print(f"  {name:<58} {value}", flush=True)
