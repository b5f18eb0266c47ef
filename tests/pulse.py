"""A private PulseAudio daemon with a null sink, for recording what the app really plays.

It uses its own socket and folder, never the user's sound server, and stops every process
it started. Recipe and figures: shared/notes/real-playback-capture.md.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class PulseUnavailable(RuntimeError):
    pass


@dataclass
class PrivatePulse:
    folder: Path
    server: str

    @contextlib.contextmanager
    def record(self, out: Path) -> Iterator[None]:
        """Records the null sink's monitor, mono 16-bit at 48 kHz, while the block runs."""
        recorder = subprocess.Popen(
            ["parec", "-d", "capture.monitor", "--format=s16le", "--rate=48000",
             "--channels=1", "--latency-msec=5", "--file-format=wav", str(out)],
            env={**os.environ, "PULSE_SERVER": self.server},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.3)  # let the recorder attach before anything plays
            yield
            time.sleep(0.3)
        finally:
            recorder.terminate()
            recorder.wait(timeout=5)


@contextlib.contextmanager
def private_pulse(folder: Path) -> Iterator[PrivatePulse]:
    for tool in ("pulseaudio", "parec", "pactl"):
        if shutil.which(tool) is None:
            raise PulseUnavailable(f"{tool} is not installed")
    socket = folder / "pulse.sock"
    (folder / "pa.pa").write_text(
        "load-module module-null-sink sink_name=capture rate=48000 channels=2\n"
        "set-default-sink capture\n"
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n")
    env = {**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder)}
    daemon = subprocess.Popen(
        ["pulseaudio", "-n", "-F", str(folder / "pa.pa"), "--exit-idle-time=-1",
         "--daemonize=no", "--disallow-exit", "--use-pid-file=no",
         f"--log-target=file:{folder / 'pa.log'}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = f"unix:{socket}"
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], env={**env, "PULSE_SERVER": server},
                             capture_output=True, check=False).returncode != 0:
            if daemon.poll() is not None or time.monotonic() > deadline:
                log = (folder / "pa.log").read_text(errors="replace")[-300:] if (
                    folder / "pa.log").exists() else ""
                raise PulseUnavailable(f"PulseAudio did not start: {log.strip()}")
            time.sleep(0.05)
        yield PrivatePulse(folder, server)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=5)
        except subprocess.TimeoutExpired:
            daemon.kill()
