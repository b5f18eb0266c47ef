"""The screenshot command's animated PNG: a looping picture whose frames are the moments
asked for, and a plain line when it cannot be made."""

from __future__ import annotations

import subprocess
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from backcare_desktop.cli import main

SIZE = (240, 180)


def frames_of(path: Path) -> np.ndarray:
    """Every frame, decoded by ffmpeg as any viewer would show it."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, SIZE[1], SIZE[0], 3)


def shoot(out: Path, *more: str) -> int:
    return main(["screenshot", "desk-break", "--at", "60", "--view", "figure", "--size",
                 f"{SIZE[0]}x{SIZE[1]}", "--frames", "6", "--fps", "5", "--out", str(out),
                 *more])


def test_the_screenshot_command_writes_an_animated_figure(tmp_path: Path) -> None:
    out = tmp_path / "moving.png"
    assert shoot(out) == 0
    frames = frames_of(out)
    assert len(frames) == 6
    changes = [int((a != b).any(axis=2).sum()) for a, b in pairwise(frames)]
    assert all(changes), f"shoulder rolls move in every fifth of a second: {changes}"
    still = QImage(str(out))  # a viewer without animation shows the first frame
    assert (still.width(), still.height()) == SIZE
    data = out.read_bytes()
    assert b"acTL" in data[:data.index(b"IDAT")], "an animated PNG, not a plain one"
    assert out.stat().st_size < 60_000


def test_without_ffmpeg_it_says_so_in_a_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg anywhere
    assert shoot(tmp_path / "moving.png") != 0
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "ffmpeg" in said[0], said
