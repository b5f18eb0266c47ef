"""Renders the app icon's SVG to the PNG sizes desktops still ask for, at install time.

The PNGs are made from the one SVG in the repository rather than committed, so the icon has
a single source and no binaries to keep in step with it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (48, 64, 128, 256)


def render(svg: Path, hicolor: Path, name: str) -> Iterator[Path]:
    """Writes `hicolor`/NxN/apps/`name`.png for each size, yielding each file once written
    (the installer lists it at once, so a failure half-way is undone whole)."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = hicolor / f"{size}x{size}" / "apps" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path)):
            raise SystemExit(f"render_icons: cannot write {path}")
        yield path


def main(argv: list[str]) -> int:
    svg, hicolor, name = argv
    _app = QGuiApplication(["render_icons", "-platform", "offscreen"])  # Qt's painting needs one
    for path in render(Path(svg), Path(hicolor), name):
        print(path, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
