"""The main window: library, session and end screen, the shortcuts, and the wiring between
the views, the presenter, the sound and the settings."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backcare_desktop.audio.ambient import (
    SILENCE,
    SUPPORTED_SUFFIXES,
    Ambient,
    AmbientError,
    keep_soundtrack,
    load_ambient,
)
from backcare_desktop.audio.mixer import SoundSettings, Volumes
from backcare_desktop.audio.output import AudioOutput
from backcare_desktop.audio.preview import Preview, PreviewError
from backcare_desktop.audio.signal import RATE
from backcare_desktop.audio.tones import ToneStyle
from backcare_desktop.desktop.inhibit import ScreenKeeper
from backcare_desktop.desktop.instance import Instance
from backcare_desktop.desktop.reminders import Reminders, attach_reminders
from backcare_desktop.desktop.shutdown import quit_on_terminate
from backcare_desktop.durations import format_clock, format_length
from backcare_desktop.errors import BackCareError, Level, Notice
from backcare_desktop.figure.motion import frame_at, scene_of, still_frame
from backcare_desktop.history.recorder import SessionRecorder
from backcare_desktop.history.store import History, HistoryError, open_history
from backcare_desktop.logs import configure_logging, install_exception_hooks
from backcare_desktop.paths import assets_dir, user_soundtracks_dir
from backcare_desktop.routines.loader import Library, load_library
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.live import LiveSession, SessionOutput, SilentOutput, Stage
from backcare_desktop.session.player import State
from backcare_desktop.session.timeline import (
    AdjustmentError,
    Adjustments,
    Timeline,
    compile_timeline,
)
from backcare_desktop.settings import (
    ResumePoint,
    RoutineChoices,
    Settings,
    heal,
    load_settings,
    save_settings,
)
from backcare_desktop.ui import theme
from backcare_desktop.ui.history_view import HistoryView
from backcare_desktop.ui.library import LibraryPage
from backcare_desktop.ui.messages import MessageBar, MessageBridge
from backcare_desktop.ui.mpris import Commands, MediaControls
from backcare_desktop.ui.presenter import MOVING_FIGURE_FPS, SessionPresenter
from backcare_desktop.ui.session_view import EndView, SessionView
from backcare_desktop.ui.settings_dialog import SettingsDialog
from backcare_desktop.ui.volume import VolumeControls
from backcare_desktop.voice.engines import SilentEngine, SpeechEngine, create_engine
from backcare_desktop.voice.prepare import ClipPreparer, let_voices_finish

PREVIEW_SECONDS = 8
BREATH_FIGURE_FPS = 12
SMALLEST = (800, 540)
"""The window's minimum size, the smallest that tests check every screen at: 1920x1080 at
200% is 960x540 logical pixels. On a screen with less free room (that, less a panel) the
minimum shrinks to the screen (see `_fit_to_screen`)."""
PREFERRED = (1180, 780)
RELOAD_DELAY_MS = 300
"""Editors save in bursts (write, rename, touch): the routine folder is read once they are
done."""
VOICE_PREVIEW = "Breathe in slowly, and let your shoulders soften."

log = logging.getLogger(__name__)

_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="window-worker")
"""Soundtracks, previews and voice models are made here, never on the window's thread."""


class _Relay(QObject):
    """Carries results from worker threads to the window's thread."""

    notice = Signal(Notice)
    soundtrack_problem = Signal(str)
    preview_ready = Signal(object, int)
    soundtrack_kept = Signal(object)


class MainWindow(QMainWindow):
    settings_applied = Signal(Settings)

    def __init__(self, output: SessionOutput, settings: Settings, library: Library,
                 save: bool = True, bridge: MessageBridge | None = None,
                 log_path: Path | None = None, history: History | None = None) -> None:
        """Without a `history`, sessions are not recorded (tests, screenshots)."""
        super().__init__()
        self.setWindowTitle("Back Care")
        self._fit_to_screen()
        self.settings = settings
        self.library = library
        self._save_enabled = save
        self._output = output
        self.preview = Preview()
        self.presenter = SessionPresenter(self)
        self.warmer: ClipPreparer | None = None
        """Makes the selected routine's voice into the cache while the person chooses."""
        self._ambients: dict[str, Future[Ambient]] = {}
        self._engine: SpeechEngine | None = None
        self._said_once: set[str] = set()
        self.relay = _Relay(self)
        self.relay.notice.connect(self.show_notice)
        self.bridge = bridge or MessageBridge(self)
        self.messages = MessageBar(log_path=log_path)
        self.relay.preview_ready.connect(self._play_preview)
        self.relay.soundtrack_kept.connect(self._on_soundtrack_kept)
        self.media: MediaControls | None = None
        self._figure_moment: tuple[float, bool, int] | None = None
        """The moment the figure last showed: nothing to draw until it moves on."""
        self.reminders: Reminders | None = None
        self._quitting = False
        self.history = history
        self.recorder: SessionRecorder | None = None
        self._resume_at: float | None = None
        """Where the session being started should begin: a resumed one's step."""
        self._session_choices = RoutineChoices()
        """The choices the session under way runs with: a resume point keeps them."""
        self._watcher = QFileSystemWatcher(self)
        self._reload_soon = QTimer(self)
        self._reload_soon.setSingleShot(True)
        self._reload_soon.setInterval(RELOAD_DELAY_MS)
        self._reload_soon.timeout.connect(self.reload_library)
        self._watcher.directoryChanged.connect(self._reload_soon.start)
        self._watcher.fileChanged.connect(self._reload_soon.start)

        self.stack = QStackedWidget()
        self.library_page = LibraryPage()
        self.session_view = SessionView()
        self.end_view = EndView()
        self.history_view = HistoryView(history)
        for page in (self.library_page, self.session_view, self.end_view, self.history_view):
            self.stack.addWidget(page)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.stack, 1)
        column.addWidget(self.messages)
        self.setCentralWidget(central)
        self.bridge.attach(self.messages)

        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._on_poll)
        self._save_soon = QTimer(self)
        self._save_soon.setSingleShot(True)
        self._save_soon.setInterval(400)
        self._save_soon.timeout.connect(self._save)

        self.relay.soundtrack_problem.connect(self.library_page.setup.show_soundtrack_problem)
        self._connect()
        self._shortcuts()
        self.apply_theme()
        self.library_page.setup.volume.show_volumes(settings.volumes)
        self.session_view.volume.show_volumes(settings.volumes)
        self.session_view.captions = settings.captions
        self.presenter.still_figure = settings.reduced_motion
        self.refresh_library()
        self._watch_user_folders()
        self.library_page.list.focus_current()

    def _fit_to_screen(self) -> None:
        """Opens at a comfortable size that fits the screen it opens on, whatever its
        scale: never larger than 90% of the free area, never smaller than SMALLEST unless
        the screen itself is."""
        free = self.screen().availableGeometry()
        self.setMinimumSize(min(SMALLEST[0], free.width()), min(SMALLEST[1], free.height()))
        self.resize(max(min(PREFERRED[0], round(free.width() * 0.9)), self.minimumWidth()),
                    max(min(PREFERRED[1], round(free.height() * 0.9)), self.minimumHeight()))

    # Wiring -----------------------------------------------------------------------------------

    def _connect(self) -> None:
        page, setup = self.library_page, self.library_page.setup
        page.selected.connect(self.select_routine)
        page.start_requested.connect(self.start_routine)
        page.settings_requested.connect(self.open_settings)
        page.reload_requested.connect(self.reload_library)
        page.resume_bar.resume.connect(self.resume)
        page.resume_bar.forget.connect(self.forget_resume)
        page.history_requested.connect(self.show_history)
        self.history_view.back.connect(self.show_library)
        self.history_view.notice.connect(self.show_notice)
        self.end_view.checkin.answered.connect(self._on_comfort_after)
        setup.choices_changed.connect(self._on_choices_changed)
        setup.fit_requested.connect(self._on_fit_requested)
        setup.volume.changed.connect(lambda: self._on_volumes_changed(setup.volume))
        self.session_view.volume.changed.connect(
            lambda: self._on_volumes_changed(self.session_view.volume))
        setup.preview_requested.connect(self.preview_soundtrack)
        setup.add_soundtrack_requested.connect(self.add_soundtrack_dialog)
        setup.remove_soundtrack_requested.connect(self.remove_soundtrack)
        self.session_view.command.connect(self._on_command)
        self.presenter.changed.connect(self._render_session)
        self.presenter.figure_frame.connect(self._render_figure)
        self.presenter.state_changed.connect(self.session_view.show_state)
        self.presenter.stage_changed.connect(self._on_stage)
        self.presenter.notice.connect(self.show_notice)
        self.end_view.again.connect(lambda: self.start_routine(self.library_page.setup.routine_id))
        self.end_view.library.connect(self.show_library)
        self.stack.currentChanged.connect(self._update_shortcuts)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # follow the desktop when it switches light and dark
            app.styleHints().colorSchemeChanged.connect(lambda _scheme: self.apply_theme())
            app.focusChanged.connect(self._show_focused)

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
        self._end_shortcuts: list[QShortcut] = []
        add([Qt.Key.Key_MediaTogglePlayPause, Qt.Key.Key_MediaPlay, Qt.Key.Key_MediaPause],
            self.play_pause)
        add([Qt.Key.Key_Left, Qt.Key.Key_MediaPrevious], self.presenter.previous_step, True)
        add([Qt.Key.Key_Right, Qt.Key.Key_MediaNext], self.presenter.next_step, True)
        add([Qt.Key.Key_R], self.presenter.restart_step, True)
        add([Qt.Key.Key_W], self.presenter.where_am_i, True)
        add([Qt.Key.Key_Escape], self._on_escape, True)
        for key in (Qt.Key.Key_Escape,):  # the end screen: back to the library
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(self.show_library)
            self._end_shortcuts.append(shortcut)
        add([Qt.Key.Key_MediaStop], self.stop_session, True)
        add([Qt.Key.Key_F11], self.toggle_fullscreen)
        add(["Ctrl+Q"], self.quit)
        add(["Ctrl+,"], self.open_settings)
        self._update_shortcuts()

    def _update_shortcuts(self) -> None:
        in_session = self.stack.currentWidget() is self.session_view
        for shortcut in self._session_shortcuts:
            shortcut.setEnabled(in_session)
        at_end = self.stack.currentWidget() is self.end_view
        for shortcut in self._end_shortcuts:
            shortcut.setEnabled(at_end)

    # Library and set-up -----------------------------------------------------------------------

    def refresh_library(self) -> None:
        self.library_page.show_library(self.library, self._seconds)
        self._show_resume_point()
        self._set_tab_order()

    def reload_library(self) -> None:
        """Reads the routine folders again (Reload, or the user folder changed): a fixed
        file becomes a card, a broken one a greyed card, and the choices that no longer fit
        are forgotten, one line each."""
        self.library = self.library.reloaded()
        for line in heal(self.settings, self.library):
            self.show_message(line, Level.WARNING)
        setup = self.library_page.setup
        current = setup.routine_id
        setup.routine_id = ""  # shown again, from the file as it is now
        if self.warmer is not None:
            self.warmer.cancel()
            self.warmer = None
        self.refresh_library()
        if current and self.library.find(current) is None:
            self.show_message(f"The routine that was selected is gone; showing "
                              f"{setup.routine.title if setup.routine else 'another'}.")
        self.report_broken_files()
        self._watch_user_folders()
        self._save_soon.start()

    def report_broken_files(self) -> None:
        """One line for all the files that did not load, counted by file."""
        broken = {problem.path for problem in self.library.problems}
        if broken:
            self.show_message(f"{len(broken)} routine file{'s' if len(broken) > 1 else ''} "
                              "could not be loaded; see the greyed cards.", Level.WARNING)

    def _watch_user_folders(self) -> None:
        """Watches the user's routine folders and their files (an editor may save in place,
        which only the file's own watch sees)."""
        watched = self._watcher.directories() + self._watcher.files()
        if watched:
            self._watcher.removePaths(watched)
        paths = [str(folder) for folder, bundled in self.library.folders
                 if not bundled and folder.is_dir()]
        paths += [str(file) for folder, bundled in self.library.folders if not bundled
                  and folder.is_dir() for file in sorted(folder.glob("*.toml"))]
        if paths:
            self._watcher.addPaths(paths)

    def _set_tab_order(self) -> None:
        """Tab follows reading order on every screen: the library's left column, then the
        panel top to bottom; the session's header, then its controls; the end screen's
        buttons. Hidden pages drop out of the chain by themselves."""
        view = self.session_view
        stops = [*self.library_page.focus_stops(), view.sound_button,
                 *view.buttons.values(), self.end_view.library_button,
                 self.end_view.again_button]
        for first, second in pairwise(stops):
            QWidget.setTabOrder(first, second)

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A control reached by Tab is scrolled into view, whichever list holds it."""
        if new is None:
            return
        for area in (self.library_page.list, self.library_page.setup.scroll_area):
            inner = area.widget()
            if inner is not None and inner.isAncestorOf(new):
                area.ensureWidgetVisible(new, 8, 8)

    def _seconds(self, routine: Routine) -> float:
        return self._timeline(routine).duration

    def _timeline(self, routine: Routine, choices: RoutineChoices | None = None) -> Timeline:
        choices = choices or self.settings.choices_for(routine.id)
        return compile_timeline(routine, Adjustments(choices.step_durations,
                                                     choices.fit_minutes))

    def _durations(self, routine: Routine, choices: RoutineChoices) -> dict[str, float]:
        return {timed.step.id: timed.duration
                for timed in self._timeline(routine, choices).steps}

    def _on_fit_requested(self, choices: RoutineChoices) -> None:
        """Fit (to a length) or Reset: the panel shows the durations they give."""
        setup = self.library_page.setup
        if setup.routine is None:
            return
        durations = self._durations(setup.routine, choices)
        setup.show_durations(durations)
        self._on_choices_changed()
        if choices.fit_minutes is not None:
            self._say_how_it_fitted(setup.routine, choices.fit_minutes, sum(durations.values()))

    def _say_how_it_fitted(self, routine: Routine, minutes: float, reached: float) -> None:
        """Fit never clamps silently: a length the routine cannot reach is said, with why."""
        if abs(reached - minutes * 60) <= 30:
            return
        bound, limit = ("at most", "longest") if reached < minutes * 60 else (
            "at least", "shortest")
        self.show_message(f"{routine.title} fits to {format_length(reached)} {bound}",
                          Level.INFO, f"Asked for {minutes:g} minutes; every step is at its "
                          f"{limit} (each step's range is set by the routine).")

    def _routine(self, routine_id: str) -> Routine | None:
        found = self.library.find(routine_id)
        return found.routine if found else None

    def select_routine(self, routine_id: str) -> None:
        routine = self._routine(routine_id)
        if routine is None or (routine_id == self.library_page.setup.routine_id
                               and self.warmer is not None):
            return
        self._show_routine(routine, self.settings.choices_for(routine_id))
        self._warm(routine)

    def _show_routine(self, routine: Routine, choices: RoutineChoices) -> None:
        setup = self.library_page.setup
        setup.show_routine(routine, choices, self._durations(routine, choices),
                           self._soundtrack_options())
        self._report_missing_soundtracks()
        self._set_tab_order()

    def _soundtrack_options(self) -> list[tuple[str, str]]:
        """The person's soundtracks; one whose file went missing stays listed, marked, so
        that it can be removed (it is never swapped for another without a word)."""
        return [(path, _soundtrack_title(path) + ("" if Path(path).exists() else " (missing)"))
                for path in self.settings.soundtracks]

    def _report_missing_soundtracks(self) -> None:
        missing = [_soundtrack_title(path) for path in self.settings.soundtracks
                   if not Path(path).exists()]
        self.library_page.setup.show_soundtrack_problem(
            f"The file of your soundtrack \u201c{missing[0]}\u201d is gone (deleted or moved): "
            "choose Remove, or add it again." if len(missing) == 1 else
            f"The files of {len(missing)} of your soundtracks are gone (deleted or moved): "
            "choose each and Remove it, or add them again." if missing else "")

    def remove_soundtrack(self, name: str) -> None:
        """Forgets one of the person's soundtracks, deletes the copy the app kept, and
        gives every routine that used it the default soundtrack."""
        if name in self.settings.soundtracks:
            self.settings.soundtracks.remove(name)
        kept = Path(name)
        if kept.parent == user_soundtracks_dir():
            try:
                kept.unlink(missing_ok=True)
            except OSError as error:
                self.show_message(f"Could not delete the copy of {kept.name}: "
                                  f"{error.strerror or error}", Level.WARNING)
        default = RoutineChoices.model_fields["ambient"].default
        for routine_id, choices in self.settings.routines.items():
            if choices.ambient == name:
                self.settings.routines[routine_id] = choices.model_copy(
                    update={"ambient": default})
        self._ambients.pop(name, None)
        setup = self.library_page.setup
        if setup.routine is not None:
            self._show_routine(setup.routine, self.settings.choices_for(setup.routine_id))
            self._on_choices_changed()
        self.library_page.setup.ambient.setFocus()
        self._save_soon.start()

    def _warm(self, routine: Routine) -> None:
        """Starts making the routine's voice (into the cache) and its soundtrack, in the
        background, so Start is quick; the session itself makes its own clips."""
        if self.warmer is not None:
            self.warmer.cancel()
        self.warmer = ClipPreparer(self._timeline(routine), self.engine(),
                                   self.settings.speaking_rate)
        self.warmer.start()
        self._ambient(self.library_page.setup.ambient.currentData() or "none")
        self._poll.start()
        self._on_poll()

    def _ambient(self, name: str) -> Future[Ambient]:
        """The soundtrack, loading (or loaded) on a worker; one kept at a time."""
        if name not in self._ambients:
            self._ambients = {name: _WORKERS.submit(load_ambient, name)}
        return self._ambients[name]

    @property
    def soundtrack_in_hand(self) -> str:
        """The soundtrack loaded (or loading) for the next session."""
        return next(iter(self._ambients), "")

    def engine(self) -> SpeechEngine:
        if self._engine is None:
            self._engine = create_engine(self.settings.voice)
            self._say_once(self._engine.fallback_reason)
        return self._engine

    def _on_poll(self) -> None:
        """Shows how far the voice is while nothing else moves the window."""
        session = self.presenter.session
        preparing = session is not None and session.stage in (Stage.PREPARING, Stage.READY)
        source = session.preparer if preparing and session else self.warmer
        if source is None:
            self._poll.stop()
            return
        note = "Voice off: captions and tones only." if self.settings.voice == "none" else ""
        self.library_page.setup.show_preparation(source.fraction, note)
        if source is self.warmer:  # a session's own problems come as its notices
            for problem in source.take_problems():
                self._say_once(problem.short)
        if source.done.is_set() and not preparing:
            self._poll.stop()
            self._say_once(self.engine().fallback_reason)

    def _on_choices_changed(self) -> None:
        setup = self.library_page.setup
        if setup.routine is None:
            return
        choices = setup.choices()
        self.settings.routines[setup.routine_id] = choices
        self._ambient(choices.ambient)
        self._save_soon.start()
        self.library_page.refresh_lengths()

    def _on_volumes_changed(self, source: VolumeControls) -> None:
        self.settings.volumes = source.volumes(self.settings.volumes.master)
        for controls in (self.library_page.setup.volume, self.session_view.volume):
            if controls is not source:
                controls.show_volumes(self.settings.volumes)
        if self.presenter.session is not None:
            self.presenter.session.set_volumes(self._volumes())
        self._save_soon.start()

    def _volumes(self) -> Volumes:
        return Volumes(**self.settings.volumes.model_dump())

    def preview_soundtrack(self, name: str) -> None:
        """Loads the soundtrack on a worker and plays its start when it is ready."""
        gain = self.settings.volumes.ambient

        def ready(future: Future[Ambient]) -> None:
            try:
                bed = future.result()
            except AmbientError as error:
                self.relay.soundtrack_problem.emit(f"Cannot preview: {error.short}")
                return
            self.relay.preview_ready.emit(bed.block(0, PREVIEW_SECONDS * RATE) * gain, RATE)

        self._ambient(name).add_done_callback(ready)

    def _play_preview(self, samples: object, rate: int) -> None:
        try:
            self.preview.play(samples, rate)  # type: ignore[arg-type]
        except PreviewError as error:
            self.show_message(str(error))

    def add_soundtrack_dialog(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(self, "Add soundtrack", str(Path.home()),
                                                f"Audio files ({patterns})")
        for file in files:
            self.add_soundtrack(Path(file))

    def add_soundtrack(self, path: Path) -> Future[tuple[Path, Ambient]]:
        """Checks that the file decodes and keeps a copy in the user's folder, on a worker;
        then selects it (see `_on_soundtrack_kept`)."""
        future = _WORKERS.submit(keep_soundtrack, path, user_soundtracks_dir())
        future.add_done_callback(self.relay.soundtrack_kept.emit)
        return future

    def _on_soundtrack_kept(self, future: Future[tuple[Path, Ambient]]) -> None:
        try:
            kept, bed = future.result()
        except AmbientError as error:
            self.library_page.setup.show_soundtrack_problem(
                f"Could not add the soundtrack: {error.short}")
            return
        decoded: Future[Ambient] = Future()
        decoded.set_result(bed)
        self._ambients = {str(kept): decoded}  # decoded once: the session uses it as it is
        if str(kept) not in self.settings.soundtracks:
            self.settings.soundtracks.append(str(kept))
        setup = self.library_page.setup
        if setup.routine is not None:
            choices = setup.choices().model_copy(update={"ambient": str(kept)})
            self.settings.routines[setup.routine_id] = choices
            self._show_routine(setup.routine, choices)
            self._on_choices_changed()
        self.show_message(f"Added the soundtrack {kept.stem}.")
        self._save_soon.start()

    # The session ------------------------------------------------------------------------------

    def start_routine(self, routine_id: str, choices: RoutineChoices | None = None,
                      at: float = 0.0) -> None:
        """Starts a session with the remembered choices (or `choices`, from `at` seconds);
        it plays as soon as its first minute of voice and its soundtrack are ready."""
        if routine_id != self.library_page.setup.routine_id:
            self.select_routine(routine_id)
        routine = self._routine(self.library_page.setup.routine_id)
        if routine is None:
            return
        if self.warmer is not None:
            self.warmer.cancel()
        choices = choices or self.settings.choices_for(routine.id)
        timeline = self._timeline(routine, choices)
        sound = SoundSettings(volumes=self._volumes(),
                              tone_style=ToneStyle(self.settings.tone_style))
        self._resume_at = at or None
        self._session_choices = choices
        session = LiveSession(timeline, ClipPreparer(timeline, self.engine(),
                                                     self.settings.speaking_rate),
                              self._ambient(choices.ambient), sound, self._output)
        self.presenter.attach(session)
        self._record(session, choices.ambient)
        self.session_view.show_timeline(timeline)
        self.presenter.start()
        if session.stage is not Stage.PLAYING:
            self._poll.start()
            self.show_message("Preparing the voice; the session starts in a moment.")

    def _record(self, session: LiveSession, soundtrack: str) -> None:
        """The session goes into the history when it ends, with the check-in's answer (one
        answer, one session: the question is asked afresh next time)."""
        self.recorder = None
        if self.history is not None:
            self.recorder = SessionRecorder(session, self.history, soundtrack, self.show_notice,
                                            self.library_page.setup.checkin.value)
        self.library_page.setup.checkin.clear()

    def _on_comfort_after(self, comfort: int | None) -> None:
        entry = self.recorder.entry if self.recorder else None
        if self.history is None or entry is None or entry.id is None:
            return
        try:
            self.history.set_comfort_after(entry.id, comfort)
        except HistoryError as error:
            self.show_notice(Notice.of(error))

    def _on_stage(self, stage: Stage, reason: str) -> None:
        if stage is Stage.PLAYING and self.stack.currentWidget() is not self.session_view:
            self.preview.stop()
            self.preview.session_active = True
            self.stack.setCurrentWidget(self.session_view)
            self.session_view.buttons["play"].setFocus()  # Space and Enter pause
            if self.settings.start_fullscreen:
                self.showFullScreen()
        elif stage is Stage.FINISHED:
            self._on_finished()
        elif stage is Stage.FAILED:
            self.show_library()

    def show_moment(self, routine: Routine, at: float, end: bool = False) -> None:
        """The session view (or the end screen) at `at` seconds, silent and still: what the
        screenshot command draws."""
        timeline = self._timeline(routine)
        preparer = ClipPreparer(timeline, SilentEngine())
        preparer.run()
        ready: Future[Ambient] = Future()
        ready.set_result(SILENCE)
        session = LiveSession(timeline, preparer, ready, SoundSettings(), SilentOutput(
            self._output.clock))
        self.presenter.attach(session)
        self.session_view.show_timeline(timeline)
        self.presenter.start()
        self.presenter.seek(min(max(at, 0.0), timeline.duration))
        if end:
            self._on_finished()

    def _render_session(self) -> None:
        if self._resume_at is not None and self.presenter.stage is Stage.PLAYING:
            at, self._resume_at = self._resume_at, None
            self.presenter.seek(at)  # once the player has started (it starts at 0)
            return
        snap = self.presenter.snapshot()
        timeline = self.presenter.timeline
        if snap is None or timeline is None:
            return
        self.session_view.show_snapshot(snap, len(timeline.steps),
                                        self.presenter.state is State.PAUSED)
        self._render_figure()

    def _render_figure(self) -> None:
        """The figure at the player's position; only its own widget repaints, and only if
        the pose changed."""
        player, timeline = self.presenter.player, self.presenter.timeline
        if player is None or timeline is None:
            return
        reduced = self.settings.reduced_motion
        step = timeline.steps[timeline.step_index_at(player.position)]
        # A breath moves the chest a few pixels over seconds: a dozen frames a second show
        # it as smoothly as sixty, and the pacer's sixty would cost five times the drawing.
        # Strokes and rolls take seconds each: film's 24 frames a second carry them.
        rate = BREATH_FIGURE_FPS if step.step.breathing is not None else MOVING_FIGURE_FPS
        moment = math.floor(player.position * rate) / rate
        if self._figure_moment == (moment, reduced, id(timeline)):
            return
        self._figure_moment = (moment, reduced, id(timeline))
        following = (timeline.steps[step.index + 1] if step.index + 1 < len(timeline.steps)
                     else None)
        self.session_view.show_figure(frame_at(timeline, max(moment, step.start), reduced),
                                      still_frame(scene_of(following)) if following
                                      else None)

    def _on_command(self, name: str) -> None:
        actions = {"restart": self.presenter.restart_step,
                   "previous": self.presenter.previous_step,
                   "play": self.presenter.toggle_pause, "next": self.presenter.next_step,
                   "stop": self.stop_session}
        actions[name]()

    def play_pause(self) -> None:
        """The media keys and the desktop's media panel: whatever has the focus."""
        if self.stack.currentWidget() is self.session_view:
            self.presenter.toggle_pause()
        else:  # the library or the end screen: start (again)
            self.start_routine(self.library_page.setup.routine_id)

    def _on_escape(self) -> None:
        """Esc leaves full screen first, as everywhere else; only then does it stop."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.stop_session()

    def stop_session(self) -> None:
        """Stops at once and asks nothing: the library offers to resume where it was."""
        self._keep_resume_point()
        self.presenter.stop()
        self.show_library()

    def _keep_resume_point(self, save: bool = True) -> None:
        """Remembers where a session under way was, with its choices, and saves it at once
        unless the caller saves next anyway."""
        session = self.presenter.session
        if session is None or session.stage not in (Stage.PLAYING, Stage.PAUSED):
            return
        position = session.player.position
        if 0 < position < session.timeline.duration:
            self.settings.resume = ResumePoint(routine_id=session.timeline.routine_id,
                                               position=position,
                                               choices=self._session_choices)
            if save:
                self._save()
            self._show_resume_point()

    def _resume_step(self) -> tuple[Routine, Timeline, int] | None:
        """The routine, timeline and step index of the resume point, if it still fits."""
        point = self.settings.resume
        routine = self._routine(point.routine_id) if point else None
        if point is None or routine is None:
            return None
        try:
            timeline = self._timeline(routine, point.choices)
        except AdjustmentError:  # the routine changed under it
            return None
        return routine, timeline, timeline.step_index_at(point.position)

    def _show_resume_point(self) -> None:
        found = self._resume_step()
        text = ""
        if found is not None:
            routine, timeline, index = found
            step = timeline.steps[index]
            text = (f"{routine.title}: step {index + 1} of {len(timeline.steps)}, "
                    f"\u201c{step.step.title}\u201d ({format_clock(step.start)} of "
                    f"{format_clock(timeline.duration)})")
        self.library_page.resume_bar.show_point(text)

    def resume(self) -> None:
        """Starts the stopped session again at the start of the step it was in, with the
        choices it ran with."""
        found = self._resume_step()
        if found is None or self.settings.resume is None:
            return
        routine, timeline, index = found
        self.start_routine(routine.id, self.settings.resume.choices,
                           at=timeline.steps[index].start)

    def forget_resume(self) -> None:
        self.settings.resume = None
        self._show_resume_point()
        self.library_page.list.focus_current()
        self._save()

    def _on_finished(self) -> None:
        session = self.presenter.session
        point = self.settings.resume
        if session is not None and point is not None and (
                point.routine_id == session.timeline.routine_id):
            self.settings.resume = None  # done: nothing left to resume
            self._show_resume_point()
            self._save_soon.start()
        if session is not None:
            timeline = session.timeline
            played = session.seconds_spent > 0  # a still picture (screenshots) played nothing
            self.end_view.show_result(
                timeline, self.palette_,
                session.seconds_spent if played else timeline.duration,
                session.steps_done if played else len(timeline.steps),
                session.steps_skipped if played else 0)
        self.preview.session_active = False
        self._poll.stop()
        if self.isFullScreen():
            self.showNormal()
        self.end_view.checkin.clear()
        self.stack.setCurrentWidget(self.end_view)
        self.end_view.library_button.setFocus()  # Enter goes back to the library

    def media_commands(self) -> Commands:
        """What the desktop's media keys and panel do (see ui.mpris)."""
        def in_session(action: Callable[[], None]) -> Callable[[], None]:
            return lambda: action() if self.stack.currentWidget() is self.session_view else None

        return Commands(play_pause=self.play_pause,
                        next_step=in_session(self.presenter.next_step),
                        previous_step=in_session(self.presenter.previous_step),
                        stop=in_session(self.stop_session), show=self.bring_to_front,
                        quit=self.quit)

    def quit(self) -> None:
        """Ends the app, even where closing the window would leave it in the tray."""
        self._quitting = True
        if self.close():
            QApplication.quit()  # a window hidden in the tray closes without ending the app

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
        self.library_page.list.focus_current()

    def show_history(self) -> None:
        self.history_view.refresh()
        self.stack.setCurrentWidget(self.history_view)
        self.history_view.list.setFocus()

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
        self.presenter.still_figure = settings.reduced_motion
        self.apply_theme()
        if self.presenter.session is not None:
            self.presenter.session.set_volumes(self._volumes())
        if voice_changed:  # from the next session on: the running one keeps its voice
            self._engine = None
            routine = self._routine(self.library_page.setup.routine_id)
            if routine is not None:
                self._warm(routine)
        self._save()
        self.settings_applied.emit(settings)

    def preview_voice(self, voice: str, rate: float) -> None:
        """Speaks a sample sentence, made on a worker with the app's own engine when the
        voice is the one in use (no second model is loaded)."""
        engine = self._engine if voice == self.settings.voice and self._engine else None

        def speak() -> None:
            try:
                speech = (engine or create_engine(voice)).speak(VOICE_PREVIEW, rate)
            except BackCareError as error:
                self.relay.notice.emit(Notice.of(error))
                return
            if speech.samples.size:
                self.relay.preview_ready.emit(speech.samples, speech.rate)
            else:
                self.relay.notice.emit(Notice(Level.INFO, "No voice: cues appear as "
                                              "captions only."))

        _WORKERS.submit(speak)

    def apply_theme(self) -> None:
        self.palette_ = theme.resolve(self.settings.theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, self.palette_)
        self.session_view.set_palette(self.palette_)
        self.history_view.set_palette(self.palette_)
        self.messages.set_palette(self.palette_)
        self._figure_moment = None  # the same moment, in new colours
        self._render_session()

    def _say_once(self, reason: str) -> None:
        """A voice fallback or a lost soundtrack is worth one message, not one per poll."""
        if reason and reason not in self._said_once:
            self._said_once.add(reason)
            self.show_message(reason[0].upper() + reason[1:] + ".")

    def show_message(self, text: str, level: Level = Level.INFO, detail: str = "") -> None:
        """Adds a message below the window's content; none replaces another."""
        self.bridge.post(level, text, detail)

    def show_notice(self, notice: Notice) -> None:
        self.show_message(notice.short, notice.level, notice.detail)

    def save_settings_soon(self) -> None:
        self._save_soon.start()

    def _save(self) -> None:
        if self._save_enabled:
            try:
                save_settings(self.settings)
            except OSError as error:
                self.show_message(f"Could not save your settings: {error}")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys the focused control did not want end up here. Enter presses the focused
        button (buttons outside dialogs pass it on); Space starts or pauses, since no
        control took it (buttons, cards, lists and fields all take Space themselves)."""
        focused = self.focusWidget()
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(focused,
                                                                       QAbstractButton):
            focused.animateClick()
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.play_pause()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and self.reminders is not None and self.reminders.keeps_running:
            event.ignore()  # reminders live on in the tray
            self.stop_session()  # which keeps the place
            self.hide()
            self.reminders.window_hidden()
            return
        self._keep_resume_point(save=False)  # quitting mid-session: the place is kept too
        self.presenter.close()
        self.preview.stop()
        if self.warmer is not None:
            self.warmer.cancel()
        self._save()
        super().closeEvent(event)


def launch(app: QApplication, claim: Instance, background: bool = False,
           splash: QWidget | None = None) -> int:
    """Opens the window in `app`, as the copy holding `claim` (see ui.app); with
    `background`, only the tray icon while reminders keep the app there. The `splash` card
    shown meanwhile goes once the window is up."""
    log_path = configure_logging()
    app.setWindowIcon(QIcon(str(assets_dir() / "icon.svg")))
    bridge = MessageBridge()
    uninstall = install_exception_hooks(bridge.report)
    library = load_library()
    settings, settings_message = load_settings()
    forgotten = heal(settings, library)  # before the window builds any timeline from them
    output = AudioOutput(on_notice=lambda notice: bridge.post(
        notice.level, notice.short, notice.detail))
    history: History | None = None
    history_problem: HistoryError | None = None
    try:
        history, history_problem = open_history()
    except HistoryError as error:
        history_problem = error
    window = MainWindow(output, settings, library, bridge=bridge, log_path=log_path,
                        history=history)
    window.media = MediaControls(window.presenter, window.media_commands())
    claim.activated.connect(window.bring_to_front)
    window.presenter.stage_changed.connect(ScreenKeeper(parent=window).follow)
    reminders = attach_reminders(window)
    undo_terminate = quit_on_terminate(window, window.quit)
    output.open()
    if settings_message:
        window.show_message(settings_message, Level.WARNING)
    if history_problem is not None:
        window.show_notice(Notice.of(history_problem))
    for line in forgotten:
        window.show_message(line, Level.WARNING)
    if forgotten:
        window.save_settings_soon()  # the forgotten choices stay forgotten
    window.report_broken_files()
    if not (background and reminders.keeps_running):
        window.show()
    if splash is not None:
        splash.close()
    try:
        code = app.exec()
    finally:
        undo_terminate()
        output.close()
        if not let_voices_finish():
            log.warning("a voice was still speaking when the app quit")
        uninstall()
        if history is not None:
            history.close()
    return int(code)


def _soundtrack_title(path: str) -> str:
    return Path(path).stem.replace("_", " ")
