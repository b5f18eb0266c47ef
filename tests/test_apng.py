"""The screenshot command's animated PNG: a valid file whose frames are the pictures given."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from backcare_desktop.cli import main
from backcare_desktop.ui.apng import apng


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = [], 8
    while at < len(data):
        (size,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + size]
        (crc,) = struct.unpack(">I", data[at + 8 + size:at + 12 + size])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        found.append((kind, body))
        at += 12 + size
    return found


def test_frames_keep_their_colours_and_only_changes_are_stored() -> None:
    first = np.zeros((20, 30, 3), np.uint8)
    first[...] = (246, 244, 240)
    first[5:10, 5:10] = (46, 58, 79)
    second = first.copy()
    second[12:15, 20:24] = (74, 123, 216)
    found = chunks(apng([first, second, second, first], fps=12))
    kinds = [kind for kind, _ in found]
    assert kinds == [b"IHDR", b"PLTE", b"acTL", b"fcTL", b"IDAT", b"fcTL", b"fdAT", b"fcTL",
                     b"fdAT", b"IEND"]
    assert struct.unpack(">II", found[2][1]) == (3, 0), "a still frame lengthens the one before"
    palette = np.frombuffer(found[1][1], np.uint8).reshape(-1, 3)
    rows = np.frombuffer(zlib.decompress(found[4][1]), np.uint8).reshape(20, 31)
    assert (rows[:, 0] == 0).all()
    assert (palette[rows[:, 1:]] == first).all()
    sequence, width, height, left, top, lasting, rate = struct.unpack(
        ">IIIIIHH", found[5][1][:24])
    assert (sequence, width, height, left, top, lasting, rate) == (1, 4, 3, 20, 12, 2, 12)
    changed = np.frombuffer(zlib.decompress(found[6][1][4:]), np.uint8).reshape(3, 5)
    assert (palette[changed[:, 1:]] == (74, 123, 216)).all()


def test_the_screenshot_command_writes_an_animated_figure(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    out = tmp_path / "moving.png"
    assert main(["screenshot", "desk-break", "--at", "60", "--view", "figure", "--size",
                 "240x180", "--frames", "6", "--fps", "5", "--out", str(out)]) == 0
    found = chunks(out.read_bytes())
    frames = struct.unpack(">II", next(body for kind, body in found if kind == b"acTL"))[0]
    assert 2 <= frames <= 6, "shoulder rolls move"
    still = QImage(str(out))
    assert (still.width(), still.height()) == (240, 180)
    assert out.stat().st_size < 60_000
