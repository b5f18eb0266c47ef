"""A child process for the history's crash test: it forks writers and kills each with
SIGKILL at a random moment, most often in the middle of a write.

    python tests/history_crash.py DATABASE ROUNDS SEED

Each writer opens the history and records entries one after another, each write its own
transaction, telling this process over a pipe the number of every entry whose write has
returned. Each round prints how many were told and how the writer ended, as one JSON line.
Forking here (a small, single-threaded process) rather than starting a Python per round keeps
a hundred rounds within a second or two.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from backcare_desktop.history.store import Ending, Entry, open_history


def _write_for_ever(database: Path, round_number: int, told: int) -> None:
    history, _ = open_history(database)
    for number in range(1_000_000):
        history.record(Entry(f"round-{round_number}", str(number), datetime.now(UTC), 600.0,
                             300.0, 5, 2, 1, Ending.STOPPED, "Soft rain", "piper", 3, None))
        os.write(told, f"{number}\n".encode())


def main() -> None:
    database, rounds, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    chance = random.Random(seed)
    for round_number in range(rounds):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                _write_for_ever(database, round_number, write)
            finally:
                os._exit(3)
        os.close(write)
        time.sleep(chance.uniform(0.0, 0.015))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        told = b""
        while chunk := os.read(read, 65536):
            told += chunk
        os.close(read)
        print(json.dumps({"round": round_number, "told": len(told.split()),
                          "killed": os.WIFSIGNALED(status)}), flush=True)


if __name__ == "__main__":
    main()
