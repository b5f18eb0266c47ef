"""The main window: library, session and end screen, the shortcuts, and the wiring between
the views, the presenter, the sound and the settings."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QStackedWidget

from backcare_desktop.audio.ambient import (
    SUPPORTED_SUFFIXES,
    AmbientError,
    decode_file,
    load_ambient,
)
from backcare_desktop.audio.mixer import SessionMix, SoundSettings, Volumes
from backcare_desktop.audio.output import AudioOutput, LiveFeed
from backcare_desktop.audio.preview import Preview, PreviewError
from backcare_desktop.audio.signal import RATE
from backcare_desktop.audio.tones import ToneStyle
from backcare_desktop.live import PreparedSession
from backcare_desktop.paths import assets_dir, user_soundtracks_dir
from backcare_desktop.routines.loader import Library, load_library
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.player import Clock, State
from backcare_desktop.session.timeline import Adjustments, Timeline, compile_timeline
from backcare_desktop.settings import Settings, load_settings, save_settings
from backcare_desktop.ui import theme
from backcare_desktop.ui.library import LibraryPage
from backcare_desktop.ui.mpris import Commands, MediaControls
from backcare_desktop.ui.presenter import SessionPresenter
from backcare_desktop.ui.session_view import EndView, SessionView
from backcare_desktop.ui.settings_dialog import SettingsDialog
from backcare_desktop.ui.volume import VolumeControls
from backcare_desktop.voice.engines import SpeechEngine, create_engine

PREVIEW_SECONDS = 8
VOICE_PREVIEW = "Breathe in slowly, and let your shoulders soften."


class _StatusRelay(QObject):
    """Carries messages from audio threads to the window's thread."""

    message = Signal(str)


class MainWindow(QMainWindow):
    def __init__(self, clock: Clock, feed: LiveFeed | None, settings: Settings,
                 library: Library, save: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("Back Care")
        self.resize(1180, 780)
        self.setMinimumSize(900, 620)
        self.settings = settings
        self.library = library
        self._save_enabled = save
        self._feed = feed
        self.preview = Preview()
        self.presenter = SessionPresenter(clock, self)
        self.prepared: PreparedSession | None = None
        self._engine: SpeechEngine | None = None
        self._mix: SessionMix | None = None
        self._pending_start = False
        self._said_once: set[str] = set()
        self.media: MediaControls | None = None

        self.stack = QStackedWidget()
        self.library_page = LibraryPage()
        self.session_view = SessionView()
        self.end_view = EndView()
        for page in (self.library_page, self.session_view, self.end_view):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)
        self.statusBar().setSizeGripEnabled(False)

        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._on_poll)
        self._save_soon = QTimer(self)
        self._save_soon.setSingleShot(True)
        self._save_soon.setInterval(400)
        self._save_soon.timeout.connect(self._save)

        self._connect()
        self._shortcuts()
        self.apply_theme()
        self.library_page.setup.volume.show_volumes(settings.volumes)
        self.session_view.volume.show_volumes(settings.volumes)
        self.session_view.captions = settings.captions
        self.refresh_library()

    # Wiring -----------------------------------------------------------------------------------

    def _connect(self) -> None:
        page, setup = self.library_page, self.library_page.setup
        page.selected.connect(self.select_routine)
        page.start_requested.connect(self.start_routine)
        page.settings_requested.connect(self.open_settings)
        setup.choices_changed.connect(self._on_choices_changed)
        setup.volume.changed.connect(lambda: self._on_volumes_changed(setup.volume))
        self.session_view.volume.changed.connect(
            lambda: self._on_volumes_changed(self.session_view.volume))
        setup.preview_requested.connect(self.preview_soundtrack)
        setup.add_soundtrack_requested.connect(self.add_soundtrack_dialog)
        self.session_view.command.connect(self._on_command)
        self.presenter.changed.connect(self._render_session)
        self.presenter.state_changed.connect(
            lambda state: self.session_view.show_state(State(state)))
        self.presenter.finished.connect(self._on_finished)
        self.end_view.again.connect(lambda: self.start_routine(self.library_page.setup.routine_id))
        self.end_view.library.connect(self.show_library)
        self.stack.currentChanged.connect(self._update_shortcuts)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # follow the desktop when it switches light and dark
            app.styleHints().colorSchemeChanged.connect(lambda _scheme: self.apply_theme())

    def _shortcuts(self) -> None:
        def add(keys: Sequence[QKeySequence | Qt.Key | str], action: object,
                session_only: bool = False) -> None:
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(action)
                if session_only:
                    self._session_shortcuts.append(shortcut)

        self._session_shortcuts: list[QShortcut] = []
        add([Qt.Key.Key_Space], self._on_space)
        add([Qt.Key.Key_MediaTogglePlayPause, Qt.Key.Key_MediaPlay, Qt.Key.Key_MediaPause],
            self._on_space)
        add([Qt.Key.Key_Left, Qt.Key.Key_MediaPrevious], self.presenter.previous_step, True)
        add([Qt.Key.Key_Right, Qt.Key.Key_MediaNext], self.presenter.next_step, True)
        add([Qt.Key.Key_R], self.presenter.restart_step, True)
        add([Qt.Key.Key_Escape, Qt.Key.Key_MediaStop], self.stop_session, True)
        add([Qt.Key.Key_F11], self.toggle_fullscreen)
        add(["Ctrl+Q"], self.close)
        add(["Ctrl+,"], self.open_settings)
        self._update_shortcuts()

    def _update_shortcuts(self) -> None:
        in_session = self.stack.currentWidget() is self.session_view
        for shortcut in self._session_shortcuts:
            shortcut.setEnabled(in_session)

    # Library and set-up -----------------------------------------------------------------------

    def refresh_library(self) -> None:
        self.library_page.show_library(self.library, self._seconds)

    def _seconds(self, routine: Routine) -> float:
        return self._timeline(routine).duration

    def _timeline(self, routine: Routine) -> Timeline:
        choices = self.settings.choices_for(routine.id)
        return compile_timeline(routine, Adjustments(choices.step_durations,
                                                     choices.fit_minutes))

    def _routine(self, routine_id: str) -> Routine | None:
        found = self.library.find(routine_id)
        return found.routine if found else None

    def select_routine(self, routine_id: str) -> None:
        routine = self._routine(routine_id)
        if routine is None or (routine_id == self.library_page.setup.routine_id
                               and self.prepared is not None):
            return
        choices = self.settings.choices_for(routine_id)
        self.library_page.setup.show_routine(routine, choices, self._soundtrack_options())
        self._prepare(routine)

    def _soundtrack_options(self) -> list[tuple[str, str]]:
        return [(path, Path(path).stem.replace("_", " ")) for path in self.settings.soundtracks
                if Path(path).exists()]

    def _prepare(self, routine: Routine) -> None:
        """Starts making the voice and the soundtrack ready, in the background."""
        if self.prepared is not None:
            self.prepared.cancel()
        ambient = self.library_page.setup.ambient.currentData() or "none"  # what is shown
        self.prepared = PreparedSession(self._timeline(routine), self.engine(),
                                        self.settings.speaking_rate, ambient)
        self._poll.start()
        self._on_poll()

    def engine(self) -> SpeechEngine:
        if self._engine is None:
            self._engine = create_engine(self.settings.voice)
            self._say_once(self._engine.fallback_reason)
        return self._engine

    def _on_poll(self) -> None:
        prepared = self.prepared
        if prepared is None:
            self._poll.stop()
            return
        note = "Voice off: captions and tones only." if self.settings.voice == "none" else ""
        self.library_page.setup.show_preparation(prepared.fraction, note)
        self._say_once(prepared.problem)
        if self._pending_start and prepared.ready_to_start:
            self._pending_start = False
            self._begin()
        if prepared.voice.done.is_set() and not self._pending_start:
            self._poll.stop()
            self._say_once(self.engine().fallback_reason)

    def _on_choices_changed(self) -> None:
        setup = self.library_page.setup
        if setup.routine is None:
            return
        choices = setup.choices()
        self.settings.routines[setup.routine_id] = choices
        if self.prepared is not None:
            self.prepared.use_ambient(choices.ambient)
        self._save_soon.start()
        self.library_page.refresh_lengths()

    def _on_volumes_changed(self, source: VolumeControls) -> None:
        self.settings.volumes = source.volumes(self.settings.volumes.master)
        for controls in (self.library_page.setup.volume, self.session_view.volume):
            if controls is not source:
                controls.show_volumes(self.settings.volumes)
        if self._mix is not None:
            self._mix.set_volumes(self._volumes())
        self._save_soon.start()

    def _volumes(self) -> Volumes:
        return Volumes(**self.settings.volumes.model_dump())

    def preview_soundtrack(self, name: str) -> None:
        try:
            bed = load_ambient(name)
            samples = bed.block(0, PREVIEW_SECONDS * RATE) * self.settings.volumes.ambient
            self.preview.play(samples)
        except (AmbientError, PreviewError) as error:
            self.show_message(str(error))

    def add_soundtrack_dialog(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(self, "Add soundtrack", str(Path.home()),
                                                f"Audio files ({patterns})")
        for file in files:
            self.add_soundtrack(Path(file))

    def add_soundtrack(self, path: Path) -> bool:
        """Checks that the file decodes, keeps a copy in the user's folder, and selects it."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            decode_file(path)
        except AmbientError as error:
            self.show_message(f"Could not add the soundtrack: {error}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        folder = user_soundtracks_dir()
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / path.name
        if kept.resolve() != path.resolve():
            partial = kept.with_name(f".{kept.name}.partial")
            shutil.copyfile(path, partial)
            partial.replace(kept)
        if str(kept) not in self.settings.soundtracks:
            self.settings.soundtracks.append(str(kept))
        setup = self.library_page.setup
        if setup.routine is not None:
            choices = setup.choices().model_copy(update={"ambient": str(kept)})
            self.settings.routines[setup.routine_id] = choices
            setup.show_routine(setup.routine, choices, self._soundtrack_options())
            self._on_choices_changed()
        self.show_message(f"Added the soundtrack {kept.stem}.")
        self._save_soon.start()
        return True

    # The session ------------------------------------------------------------------------------

    def start_routine(self, routine_id: str) -> None:
        if routine_id != self.library_page.setup.routine_id:
            self.select_routine(routine_id)
        if self.prepared is None:
            return
        if self.prepared.ready_to_start:
            self._begin()
        else:
            self._pending_start = True
            self._poll.start()
            self.show_message("Preparing the voice; the session starts in a moment.")

    def _begin(self) -> None:
        routine = self._routine(self.library_page.setup.routine_id)
        if routine is None or self.prepared is None:
            return
        timeline = self._timeline(routine)
        settings = SoundSettings(volumes=self._volumes(),
                                 tone_style=ToneStyle(self.settings.tone_style))
        self._mix = self.prepared.mix(timeline, settings)
        self.presenter.load(timeline)
        self.session_view.show_timeline(timeline)
        if self._feed is not None and self.presenter.player is not None:
            player = self.presenter.player
            self._feed.follow(self._mix, lambda: player.anchor)
        self.preview.stop()
        self.preview.session_active = True
        self.stack.setCurrentWidget(self.session_view)
        if self.settings.start_fullscreen:
            self.showFullScreen()
        self.presenter.start()

    def show_moment(self, routine: Routine, at: float, end: bool = False) -> None:
        """The session view (or the end screen) at `at` seconds, silent and still: what the
        screenshot command draws."""
        timeline = self._timeline(routine)
        self.presenter.load(timeline)
        self.session_view.show_timeline(timeline)
        self.stack.setCurrentWidget(self.session_view)
        self.presenter.start()
        self.presenter.seek(min(max(at, 0.0), timeline.duration))
        if end:
            self._on_finished()

    def _render_session(self) -> None:
        snap = self.presenter.snapshot()
        timeline = self.presenter.timeline
        if snap is None or timeline is None:
            return
        self.session_view.show_snapshot(snap, len(timeline.steps),
                                        self.presenter.state is State.PAUSED)

    def _on_command(self, name: str) -> None:
        actions = {"restart": self.presenter.restart_step,
                   "previous": self.presenter.previous_step,
                   "play": self.presenter.toggle_pause, "next": self.presenter.next_step,
                   "stop": self.stop_session}
        actions[name]()

    def _on_space(self) -> None:
        if self.stack.currentWidget() is self.session_view:
            self.presenter.toggle_pause()
        else:  # the library or the end screen: start (again)
            self.start_routine(self.library_page.setup.routine_id)

    def stop_session(self) -> None:
        """Stops at once, asks nothing; the choices are already saved."""
        self.presenter.stop()
        self.show_library()

    def _on_finished(self) -> None:
        timeline = self.presenter.timeline
        if timeline is not None:
            self.end_view.show_result(timeline, self.palette_)
        self.preview.session_active = False
        if self.isFullScreen():
            self.showNormal()
        self.stack.setCurrentWidget(self.end_view)

    def media_commands(self) -> Commands:
        """What the desktop's media keys and panel do (see ui.mpris)."""
        def in_session(action: Callable[[], None]) -> Callable[[], None]:
            return lambda: action() if self.stack.currentWidget() is self.session_view else None

        return Commands(play_pause=self._on_space,
                        next_step=in_session(self.presenter.next_step),
                        previous_step=in_session(self.presenter.previous_step),
                        stop=in_session(self.stop_session), show=self.bring_to_front,
                        quit=self.close)

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def show_library(self) -> None:
        self.preview.session_active = False
        if self.isFullScreen():
            self.showNormal()
        self.stack.setCurrentWidget(self.library_page)
        self.library_page.list.setFocus()

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    # Settings ---------------------------------------------------------------------------------

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.preview_voice.connect(self.preview_voice)
        if dialog.exec():
            self.apply_settings(dialog.result_settings())

    def apply_settings(self, settings: Settings) -> None:
        voice_changed = (settings.voice, settings.speaking_rate) != (
            self.settings.voice, self.settings.speaking_rate)
        self.settings = settings
        self.session_view.captions = settings.captions
        self.apply_theme()
        if self._mix is not None:
            self._mix.set_volumes(self._volumes())
        if voice_changed:
            self._engine = None
            routine = self._routine(self.library_page.setup.routine_id)
            if routine is not None:
                self._prepare(routine)
        self._save()

    def preview_voice(self, voice: str, rate: float) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            engine = create_engine(voice)
            speech = engine.speak(VOICE_PREVIEW, rate)
            if speech.samples.size:
                self.preview.play(speech.samples, speech.rate)
            else:
                self.show_message("No voice: cues appear as captions only.")
        except PreviewError as error:
            self.show_message(str(error))
        finally:
            QGuiApplication.restoreOverrideCursor()

    def apply_theme(self) -> None:
        self.palette_ = theme.resolve(self.settings.theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, self.palette_)
        self.session_view.set_palette(self.palette_)
        self._render_session()

    def _say_once(self, reason: str) -> None:
        """A voice fallback or a lost soundtrack is worth one message, not one per poll."""
        if reason and reason not in self._said_once:
            self._said_once.add(reason)
            self.show_message(reason[0].upper() + reason[1:] + ".")

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 12_000)

    def _save(self) -> None:
        if self._save_enabled:
            try:
                save_settings(self.settings)
            except OSError as error:
                self.show_message(f"Could not save your settings: {error}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.presenter.stop()
        self.preview.stop()
        if self.prepared is not None:
            self.prepared.cancel()
        self._save()
        super().closeEvent(event)


def launch(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Back Care")
    app.setDesktopFileName("backcare-desktop")
    app.setWindowIcon(QIcon(str(assets_dir() / "icon.svg")))
    settings, settings_message = load_settings()
    feed = LiveFeed()
    relay = _StatusRelay()
    output = AudioOutput(feed, on_status=relay.message.emit)
    window = MainWindow(output.clock, feed, settings, load_library())
    relay.message.connect(window.show_message)
    window.media = MediaControls(window.presenter, window.media_commands())
    output.open()
    if settings_message:
        window.show_message(settings_message)
    problems = len(window.library.problems)
    if problems:
        window.show_message(f"{problems} routine file{'s' if problems > 1 else ''} could not "
                            "be loaded; see the greyed cards.")
    window.show()
    code = app.exec()
    output.close()
    return int(code)
