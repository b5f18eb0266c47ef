"""Animated PNG, written by hand: the screenshot command's moving preview, with no image
library to depend on.

Frames share one palette of their 256 most used colours (the figure is drawn in a handful
of theme colours and their antialiased blends), and each frame after the first stores only
the rectangle that changed, so a few seconds of a moving figure stay small.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Pixels = npt.NDArray[np.uint8]
"""Height x width x 3, RGB."""
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def apng(frames: Sequence[Pixels], fps: int) -> bytes:
    """The frames, shown `fps` a second, looping for ever."""
    height, width, _ = frames[0].shape
    wide = [frame.astype(np.uint32) for frame in frames]
    codes = [((frame[..., 0] << 16) | (frame[..., 1] << 8) | frame[..., 2]).astype(np.uint32)
             for frame in wide]
    palette, indexed = _palette(codes)
    parts = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
             _chunk(b"PLTE", b"".join(struct.pack(">I", colour)[1:] for colour in palette))]
    shown: list[tuple[Pixels, int, int, int]] = []  # image, left, top, frames it stays
    for index, image in enumerate(indexed):
        if index == 0:
            shown.append((image, 0, 0, 1))
            continue
        changed = np.argwhere(image != indexed[index - 1])
        if changed.size == 0:
            last = shown[-1]
            shown[-1] = (last[0], last[1], last[2], last[3] + 1)
            continue
        (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0) + 1
        shown.append((image[top:bottom, left:right], int(left), int(top), 1))
    parts.append(_chunk(b"acTL", struct.pack(">II", len(shown), 0)))
    sequence = 0
    for number, (image, left, top, lasting) in enumerate(shown):
        rows, columns = image.shape
        parts.append(_chunk(b"fcTL", struct.pack(">IIIIIHHBB", sequence, columns, rows, left,
                                                  top, lasting, fps, 0, 0)))
        sequence += 1
        data = zlib.compress(np.hstack([np.zeros((rows, 1), np.uint8), image]).tobytes(), 9)
        if number == 0:
            parts.append(_chunk(b"IDAT", data))
        else:
            parts.append(_chunk(b"fdAT", struct.pack(">I", sequence) + data))
            sequence += 1
    parts.append(_chunk(b"IEND", b""))
    return _SIGNATURE + b"".join(parts)


def _palette(codes: list[npt.NDArray[np.uint32]]) -> tuple[list[int], list[Pixels]]:
    """The 256 most used colours, and each frame as indices into them (a colour left out
    becomes the nearest one kept)."""
    colours, counts = np.unique(np.concatenate([code.ravel() for code in codes]),
                                return_counts=True)
    kept = colours[np.argsort(-counts, kind="stable")[:256]]
    rgb = np.stack([(kept >> 16) & 255, (kept >> 8) & 255, kept & 255], axis=1).astype(np.int32)
    every = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255],
                     axis=1).astype(np.int32)
    nearest = np.empty(len(colours), np.uint8)
    for start in range(0, len(colours), 4096):
        block = every[start:start + 4096]
        distance = ((block[:, None, :] - rgb[None, :, :]) ** 2).sum(axis=2)
        nearest[start:start + 4096] = distance.argmin(axis=1)
    indexed = [nearest[np.searchsorted(colours, code)] for code in codes]
    return [int(colour) for colour in kept], indexed


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
