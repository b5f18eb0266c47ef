"""`make bench`: every benchmark, one after the other; figures, never pass or fail."""

from __future__ import annotations

import sys

from benchmarks import audio, bundle, load, sound, soundtrack, ui, voice

SUITES = {"audio": audio.run, "voice": voice.run, "ui": ui.run,
          "soundtrack": soundtrack.run, "sound": sound.run, "load": load.run,
          "bundle": bundle.run}


def main(names: list[str]) -> int:
    for name in names or list(SUITES):
        SUITES[name]()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
