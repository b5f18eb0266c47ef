"""Desktop media controls over D-Bus (MPRIS), as Blanket does: media keys and the desktop's
media panel reach the session even when the window is not focused, so hands that are busy
and eyes that are closed can still pause.

Everything here is optional: without a session bus it quietly does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Property, QMetaType, QObject, Slot
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
)

from backcare_desktop.desktop.dbus import interface
from backcare_desktop.session.player import State
from backcare_desktop.ui.presenter import SessionPresenter

log = logging.getLogger(__name__)

SERVICE = "org.mpris.MediaPlayer2.backcare"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
PLAYER_INTERFACE = "org.mpris.MediaPlayer2.Player"


@dataclass(frozen=True)
class Commands:
    """What the desktop may ask for; the window decides what each means on each screen."""

    play_pause: Callable[[], None]
    next_step: Callable[[], None]
    previous_step: Callable[[], None]
    stop: Callable[[], None]
    show: Callable[[], None]
    quit: Callable[[], None]


def _qt_property(qt_type: str, getter: Callable[[Any], object]) -> Property:
    """A read-only property of a Qt type given by name, so D-Bus sends the signature MPRIS
    asks for (a list of strings, a dict of variants); PySide6 takes the name, its stubs only
    a Python type."""
    return Property(qt_type, getter)  # type: ignore[arg-type]


# The adaptors' method and property names are the D-Bus interface's own, hence CamelCase.


@interface("org.mpris.MediaPlayer2")
class _Root(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, commands: Commands) -> None:
        super().__init__(parent)
        self._commands = commands

    @Slot()
    def Raise(self) -> None:
        self._commands.show()

    @Slot()
    def Quit(self) -> None:
        self._commands.quit()

    CanQuit = Property(bool, lambda self: True)
    CanRaise = Property(bool, lambda self: True)
    HasTrackList = Property(bool, lambda self: False)
    Identity = Property(str, lambda self: "Back Care")
    DesktopEntry = Property(str, lambda self: "backcare-desktop")
    SupportedUriSchemes = _qt_property("QStringList", lambda self: [])
    SupportedMimeTypes = _qt_property("QStringList", lambda self: [])


@interface(PLAYER_INTERFACE)
class _Player(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, commands: Commands, presenter: SessionPresenter) -> None:
        super().__init__(parent)
        self._commands = commands
        self._presenter = presenter

    @Slot()
    def PlayPause(self) -> None:
        self._commands.play_pause()

    @Slot()
    def Play(self) -> None:
        if self._presenter.state is not State.RUNNING:
            self._commands.play_pause()

    @Slot()
    def Pause(self) -> None:
        if self._presenter.state is State.RUNNING:
            self._commands.play_pause()

    @Slot()
    def Next(self) -> None:
        self._commands.next_step()

    @Slot()
    def Previous(self) -> None:
        self._commands.previous_step()

    @Slot()
    def Stop(self) -> None:
        self._commands.stop()

    def playback_status(self) -> str:
        return {State.RUNNING: "Playing", State.PAUSED: "Paused"}.get(self._presenter.state,
                                                                       "Stopped")

    def metadata(self) -> dict[str, Any]:
        snap, timeline = self._presenter.snapshot(), self._presenter.timeline
        if snap is None or timeline is None:
            return {}
        return {"mpris:trackid": QDBusObjectPath(f"/org/backcare/step/{snap.step.index}"),
                "xesam:title": snap.step.step.title, "xesam:album": timeline.title,
                "xesam:artist": ["Back Care"],
                "mpris:length": round(snap.step.duration * 1_000_000)}

    PlaybackStatus = Property(str, playback_status)
    Metadata = _qt_property("QVariantMap", metadata)
    CanControl = Property(bool, lambda self: True)
    CanPlay = Property(bool, lambda self: True)
    CanPause = Property(bool, lambda self: True)
    CanGoNext = Property(bool, lambda self: True)
    CanGoPrevious = Property(bool, lambda self: True)
    CanSeek = Property(bool, lambda self: False)


class MediaControls(QObject):
    def __init__(self, presenter: SessionPresenter, commands: Commands,
                 connection: QDBusConnection | None = None) -> None:
        super().__init__()
        self._connection = connection or QDBusConnection.sessionBus()
        _Root(self, commands)
        self._player = _Player(self, commands, presenter)
        self.active = (self._connection.isConnected()
                       and self._connection.registerService(SERVICE)
                       and self._connection.registerObject(
                           OBJECT_PATH, self, QDBusConnection.RegisterOption.ExportAdaptors))
        if not self.active:
            log.info("media controls unavailable: no D-Bus session bus")
            return
        presenter.state_changed.connect(self._announce)
        presenter.step_changed.connect(self._announce)

    def _announce(self) -> None:
        """Tells the desktop that the status or the step changed."""
        message = QDBusMessage.createSignal(OBJECT_PATH, "org.freedesktop.DBus.Properties",
                                            "PropertiesChanged")
        nothing_invalidated = QDBusArgument()
        nothing_invalidated.beginArray(QMetaType(QMetaType.Type.QString.value))
        nothing_invalidated.endArray()
        message.setArguments([PLAYER_INTERFACE,
                              {"PlaybackStatus": self._player.playback_status(),
                               "Metadata": self._player.metadata()},
                              nothing_invalidated])
        self._connection.send(message)
