"""Writing a file through ffmpeg, fed a piece at a time: a session's sound (`render`) and the
screenshot command's animation both stream into it, so neither is ever held whole."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Sequence

FFMPEG = "ffmpeg"

Write = Callable[[bytes], object]


class FfmpegFailed(Exception):
    """ffmpeg ended in failure; the text is the end of what it said."""


def feed_ffmpeg(arguments: Sequence[str], feed: Callable[[Write], None]) -> None:
    """Runs ffmpeg with `arguments` (whose input is `pipe:0` or `-`) while `feed` writes its
    input. Raises FileNotFoundError when ffmpeg is not installed, and FfmpegFailed with what
    it said when it fails; the process is always waited for, whatever `feed` raises."""
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *arguments]
    # What ffmpeg says goes to a file, not a pipe: a pipe nobody reads until the input is
    # all written would stall both sides once ffmpeg had said 64 KB.
    with tempfile.TemporaryFile() as said, subprocess.Popen(
            command, stdin=subprocess.PIPE, stderr=said) as encoder:
        assert encoder.stdin is not None
        try:
            feed(encoder.stdin.write)
        except BrokenPipeError:
            pass  # ffmpeg stopped reading; why comes below
        except BaseException:
            encoder.kill()
            raise
        encoder.communicate()
        said.seek(0)
        words = said.read()
    if encoder.returncode != 0:
        raise FfmpegFailed(words.decode(errors="replace").strip()[-400:])
