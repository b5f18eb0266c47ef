"""Where things live: bundled data inside the package, user data in the platform's folders."""

from __future__ import annotations

import fnmatch
import glob
import os
import stat
import tempfile
import time
import warnings
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import BinaryIO

import platformdirs

APP_NAME = "backcare-desktop"
LEFTOVER_SECONDS = 10.0
"""A temporary file of write_atomically untouched this long belongs to a write that died: a
live one is written in one call and renamed milliseconds later."""
_TEMPORARY_SUFFIX = ".tmp"


def bundled_routines_dir() -> Path:
    return _bundled("routines")


def assets_dir() -> Path:
    return _bundled("assets")


def _bundled(name: str) -> Path:
    """A folder of the package data, wherever the package is: a checkout, an installed wheel
    or a PyInstaller bundle, never found from the current directory or the source tree.

    Qt and the routine loader open files by name, so the folder must be a real one; it is in
    every way the app is installed (none imports it from a zip file).
    """
    folder = resources.files("backcare_desktop._data") / name
    assert isinstance(folder, Path), f"package data is not on disk: {folder}"
    return folder


def user_routines_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "routines"


def user_soundtracks_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "soundtracks"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def settings_path() -> Path:
    return config_dir() / "settings.json"


MAX_SETTINGS_BYTES = 1024 * 1024
"""A person's choices take a few kilobytes. A bigger file is not ours, and a valid one of
71 MB cost up to 2.3 GB to parse and validate; only this much (and one byte) is ever read."""


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME))


def runtime_dir() -> Path:
    """The per-login folder for sockets and locks (XDG_RUNTIME_DIR); platformdirs falls back
    to a folder in /tmp where that is unset, and warns, which is no news for the person."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Path(platformdirs.user_runtime_dir(APP_NAME))


class UnreadableFile(Exception):
    """Why a file that is there cannot be taken in: the reason reads after its name."""


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, if it is a regular file once symlinks are followed, read only to one
    byte past `limit`: a FIFO would block the reader for ever, and /dev/zero would never end
    while its size reads as 0. Opening without blocking, and reading no further than the
    limit, keep a file swapped between the look and the read harmless.

    Raises FileNotFoundError when there is no file (often no problem at all), and
    UnreadableFile, with the reason, for anything else in the way.
    """
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableFile("is a folder")
        if not stat.S_ISREG(mode):
            raise UnreadableFile("is not a regular file (a pipe, a device or such)")
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as stream:
            raw = stream.read(limit + 1)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from None
    if len(raw) > limit:
        raise UnreadableFile(f"is over the size limit of {limit // 1024} KB")
    return raw


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Writes `data` (bytes, or a function that writes to the stream it is given) to a
    temporary file beside `path`, syncs it, then renames it over `path`.

    A crash at any moment leaves either the old file or the new one, never half of either;
    a process killed outright also leaves its temporary file, which clean_leftovers removes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=_TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            if callable(data):
                data(stream)
            else:
                stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def clean_leftovers(folder: Path, name: str | None = None,
                    older_than: float = LEFTOVER_SECONDS) -> int:
    """Removes the temporary files write_atomically left in `folder` when its process was
    killed mid-write (kill -9, a power cut), for the file `name` or for any file; returns
    how many went.

    Nothing else removes them, so without this they pile up beside the real file for ever.
    A file younger than `older_than` seconds is left alone: it may be a write still going
    on in another thread or process. Anything that cannot be listed or removed is skipped.
    """
    pattern = f".{glob.escape(name) if name else '*'}.*{_TEMPORARY_SUFFIX}"
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    removed = 0
    for entry in entries:
        if not fnmatch.fnmatchcase(entry.name, pattern):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(status.st_mode) and now - status.st_mtime >= older_than:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed
