"""Starting with the session (XDG autostart), so reminders come without opening the app first.

The entry starts the app in the background (in the tray, no window) with this very Python
(or this very binary, in a bundle), so it works from a virtual environment as well as from
a system install.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from backcare_desktop.paths import write_atomically

FILE_NAME = "backcare-desktop.desktop"
BACKGROUND_FLAG = "--background"


def autostart_dir() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart"


def set_autostart(enabled: bool, folder: Path | None = None) -> None:
    """Writes the entry (atomically) or removes it; raises OSError when the folder cannot
    be written."""
    path = (folder or autostart_dir()) / FILE_NAME
    if not enabled:
        path.unlink(missing_ok=True)
        return
    program = [sys.executable] if getattr(sys, "frozen", False) else [  # a bundle's binary
        sys.executable, "-m", "backcare_desktop"]
    command = " ".join(_quoted(part) for part in (*program, BACKGROUND_FLAG))
    write_atomically(path, "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=Back Care",
        "Comment=Desk-break reminders with a guided routine",
        f"Exec={command}",
        "Icon=backcare-desktop",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ]).encode("utf-8"))


def _quoted(argument: str) -> str:
    """An Exec argument as the Desktop Entry Specification quotes it: in double quotes when
    it holds a reserved character, with \\ " ` $ escaped; a % doubled in any case."""
    argument = argument.replace("%", "%%")
    if not any(char in argument for char in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join(f"\\{char}" if char in '"`$\\' else char for char in argument)
    return f'"{escaped}"'
