"""Where things live: bundled data beside the package, user data in the platform's folders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

APP_NAME = "backcare-desktop"
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled_routines_dir() -> Path:
    return _PROJECT_ROOT / "routines"


def assets_dir() -> Path:
    return _PROJECT_ROOT / "assets"


def user_routines_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "routines"


def user_soundtracks_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "soundtracks"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME))


def write_atomically(path: Path, data: bytes) -> None:
    """Writes to a temporary file beside `path`, syncs it, then renames it over `path`.

    A crash at any moment leaves either the old file or the new one, never half of either.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
