"""The window, driven headless with a clock the test moves by hand."""

from __future__ import annotations

import gc
import json
import sys
import threading
import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from backcare_desktop.cli import main
from backcare_desktop.durations import format_length
from backcare_desktop.errors import Level
from backcare_desktop.paths import bundled_routines_dir, settings_path
from backcare_desktop.routines.loader import load_library
from backcare_desktop.session.live import SilentOutput
from backcare_desktop.session.player import ManualClock, State
from backcare_desktop.settings import (
    RoutineChoices,
    Settings,
    load_settings,
    save_settings,
)
from backcare_desktop.ui.main_window import MainWindow
from tests.ui_helpers import advance, start


def test_the_library_shows_every_routine_and_the_broken_file(window: MainWindow,
                                                            qtbot: QtBot) -> None:
    cards = window.library_page.list.cards
    assert [card.accessibleName() for card in cards] == [
        "Breathe and unwind", "Desk break: neck and shoulders", "Full back care"]
    [broken] = window.library_page.list.broken
    assert broken.accessibleName() == "Broken routine file broken.toml"
    assert not broken.details.isVisible(), "one plain line; the problems on request"
    broken.details_button.setFocus()
    qtbot.keyClick(broken.details_button, Qt.Key.Key_Space)
    assert broken.details.isVisible()
    assert broken.details.text().endswith("broken.toml: steps: must not be empty")


def test_starting_a_routine_advances_steps_and_the_ring(window: MainWindow, qtbot: QtBot,
                                                        clock: ManualClock) -> None:
    start(window, qtbot)
    view = window.session_view
    assert view.step_title.text() == "Sit tall"
    assert view.step_count.text() == "Step 1 of 5"
    advance(window, clock, 20)
    assert view.ring.progress == pytest.approx(20 / 48, abs=0.02)
    assert view.ring.breath is not None, "the first step has a breathing pacer"
    advance(window, clock, 30)
    assert view.step_title.text() == "Shoulder rolls"
    assert view.ring.breath is None
    assert view.ring.centre_text == "0:58"
    assert view.caption.text() == "", "the announcement is the instruction already shown"
    assert view.instruction.text() == "Let your arms hang loose by your sides."


def test_a_two_sided_step_names_the_side_and_changes_the_acting_hand(
        window: MainWindow, qtbot: QtBot, clock: ManualClock) -> None:
    start(window, qtbot)
    window.presenter.seek(48 + 60 + 5)  # neck strokes, left side
    view = window.session_view
    assert view.figure.frame is not None
    assert view.side.text() == "Left side" and view.figure.frame.scene.active == ("l_hand",)
    advance(window, clock, 35)
    assert view.side.text() == "Right side" and view.figure.frame.scene.active == ("r_hand",)


def test_a_whole_session_ends_on_the_end_screen(window: MainWindow, qtbot: QtBot,
                                                clock: ManualClock) -> None:
    start(window, qtbot)
    timeline = window.presenter.timeline
    assert timeline is not None
    advance(window, clock, timeline.duration + 1, step=1.0)
    assert window.stack.currentWidget() is window.end_view
    assert "Desk break" in window.end_view.summary.text()


@pytest.mark.parametrize(("routine_id", "words", "scene"), [
    ("desk-break", "Take a moment before you stand.", "seated-rest"),
    ("breathe-and-unwind", "Take a moment before you get up. Roll to your side", "lying-side"),
])
def test_the_end_screen_closes_with_words_for_how_the_last_step_left_the_body(
        window: MainWindow, routine_id: str, words: str, scene: str) -> None:
    found = window.library.find(routine_id)
    assert found is not None
    window.show_moment(found.routine, 0, end=True)
    assert window.end_view.advice.text().startswith(words)
    frame = window.end_view.figure.frame
    assert frame is not None and frame.scene.name == scene


def test_the_settings_dialog_keeps_reduced_motion(qtbot: QtBot) -> None:
    from backcare_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(reduced_motion=False))
    qtbot.addWidget(dialog)
    assert not dialog.reduced_motion.isChecked()
    dialog.reduced_motion.setChecked(True)
    assert dialog.result_settings().reduced_motion is True


def test_the_figure_moves_on_its_own_frames_only_while_a_movement_plays(
        window: MainWindow, qtbot: QtBot, clock: ManualClock) -> None:
    start(window, qtbot)
    presenter, figure = window.presenter, window.session_view.figure
    advance(window, clock, 5)  # sitting tall: the pacer's frames move the breathing figure
    assert presenter.animating and not presenter.figure_moving
    presenter.seek(48 + 10)  # shoulder rolls
    assert presenter.figure_moving and not presenter.animating
    before = figure.frame
    clock.advance(0.5)
    presenter.figure_frame.emit()
    assert figure.frame != before
    assert window.session_view.next_figure.frame is not None
    presenter.toggle_pause()
    assert not presenter.figure_moving
    paused = figure.frame
    advance(window, clock, 2)
    assert figure.frame == paused, "paused means still"
    presenter.toggle_pause()
    window.apply_settings(window.settings.model_copy(update={"reduced_motion": True}))
    presenter.tick()
    assert not presenter.figure_moving
    still = figure.frame
    advance(window, clock, 1.5)
    assert figure.frame == still, "reduced motion shows the key pose still"


def test_every_shortcut_does_what_it_says(window: MainWindow, qtbot: QtBot,
                                          clock: ManualClock) -> None:
    start(window, qtbot)
    advance(window, clock, 5)
    assert QApplication.focusWidget() is window.session_view.buttons["play"]
    qtbot.keyClick(window, Qt.Key.Key_Space)  # presses Pause, which has the focus
    qtbot.waitUntil(lambda: window.presenter.state is State.PAUSED)  # the click is animated
    assert window.session_view.caption.text().startswith("Paused")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.presenter.state is State.RUNNING)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.session_view.step_title.text() == "Shoulder rolls"
    advance(window, clock, 10)
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.presenter.player is not None
    assert window.presenter.player.position == pytest.approx(48)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.session_view.step_title.text() == "Sit tall"
    qtbot.keyClick(window, Qt.Key.Key_MediaNext)
    assert window.session_view.step_title.text() == "Shoulder rolls"
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.library_page
    assert window.presenter.state is State.IDLE


def test_controls_have_names_and_tooltips_with_their_shortcuts(window: MainWindow) -> None:
    for button in window.session_view.buttons.values():
        assert button.accessibleName()
        assert "(" in button.toolTip()


def test_the_duration_editor_clamps_and_fits(window: MainWindow) -> None:
    window.library_page.list.set_current(2)  # full back care
    setup = window.library_page.setup
    assert setup.routine_id == "full-back-care"
    spin = setup._spins["settle"]
    spin.setValue(5000)
    assert spin.value() == 180  # the step's maximum
    assert window.settings.routines["full-back-care"].step_durations["settle"] == 180
    setup.fit.setValue(12)
    setup.fit_button.click()
    total = sum(s.value() for s in setup._spins.values())
    assert abs(total - 12 * 60) <= 10
    assert setup.length.text().startswith("12 min")
    setup.reset_button.click()
    assert setup._spins["settle"].value() == 70


def test_volume_sliders_reach_the_settings_and_each_other(window: MainWindow) -> None:
    window.library_page.setup.volume.sliders["ambient"].setValue(50)
    assert window.settings.volumes.ambient == pytest.approx(0.125)
    in_session = window.session_view.volume.sliders
    assert in_session["ambient"].value() == 50
    in_session["voice"].setValue(80)
    assert window.settings.volumes.voice == pytest.approx(0.512)
    assert window.library_page.setup.volume.sliders["voice"].value() == 80


def test_an_undecodable_soundtrack_is_said_beside_the_list_and_changes_nothing(
        window: MainWindow, tmp_path: Path, qtbot: QtBot) -> None:
    bad = tmp_path / "noise.mp3"
    bad.write_bytes(b"not audio at all" * 100)
    before = window.settings.model_copy(deep=True)
    window.add_soundtrack(bad)
    note = window.library_page.setup.soundtrack_note
    qtbot.waitUntil(note.isVisible)
    assert note.text().startswith("Could not add the soundtrack: noise.mp3")
    assert "ffmpeg" not in note.text() and str(tmp_path) not in note.text()
    assert window.settings == before


def test_messages_at_start_stack_instead_of_overwriting(window: MainWindow,
                                                        qtbot: QtBot) -> None:
    said = ["No audio device: the session runs silently.", "Settings file moved aside.",
            "1 routine file could not be loaded; see the greyed cards."]
    for text in said:
        window.show_message(text, Level.WARNING)
    qtbot.waitUntil(lambda: [m.short for m in window.messages.messages()] == said)
    assert window.messages.isVisible()


def test_a_voice_change_mid_session_keeps_every_later_cue(
        qtbot: QtBot, user_routines: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing the voice or its rate in Settings while a session plays applies from the
    next session: every cue of the running one is still heard, on its frame."""
    from backcare_desktop.ui import main_window
    from backcare_desktop.voice import prepare
    from tests.audio_helpers import onsets
    from tests.session_helpers import (
        CUE_TIMES,
        FIRST_CUE,
        SHORT_ROUTINE,
        ClickVoice,
        FakeDriver,
    )

    gate = threading.Event()  # the voice makes the first cue, then waits for the change
    monkeypatch.setattr(main_window, "create_engine",
                        lambda name: ClickVoice(name, gate=gate, free=frozenset({FIRST_CUE})))
    monkeypatch.setattr(prepare, "START_AHEAD_SECONDS", 0.5)
    monkeypatch.setattr(prepare, "_fast_fallback", lambda engine: ClickVoice("fallback"))
    folder = user_routines.parent / "mine"
    folder.mkdir()
    (folder / "short.toml").write_text(SHORT_ROUTINE)
    driver = FakeDriver()
    settings = Settings(theme="light", tone_style="off")
    settings.volumes.tones = 0.0  # the chimes and bell: only the voice is measured here
    settings.routines["short"] = RoutineChoices(ambient="none")
    win = MainWindow(driver.output, settings, load_library(bundled_routines_dir(), folder),
                     save=False)
    qtbot.addWidget(win)
    win.start_routine("short")
    qtbot.waitUntil(lambda: win.presenter.state is State.RUNNING)
    driver.run(0.5, win.presenter.tick)
    win.apply_settings(settings.model_copy(update={"voice": "espeak", "speaking_rate": 0.9}))
    gate.set()
    session = win.presenter.session
    assert session is not None
    qtbot.waitUntil(lambda: session.preparer.done.is_set())
    driver.run(7.0, win.presenter.tick)
    found = onsets(driver.heard(), threshold=0.1, quiet_frames=960)
    planned = (0.0, *CUE_TIMES)
    assert len(found) == len(planned)
    assert np.abs(np.diff(found) / 48_000 - np.diff(planned)).max() < 1.5 / 48_000
    driver.close()


def test_a_good_soundtrack_is_kept_and_selected(window: MainWindow, tmp_path: Path,
                                                qtbot: QtBot) -> None:
    good = tmp_path / "my_waves.wav"
    with wave.open(str(good), "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(22050)
        tone = np.sin(np.arange(22050 * 4) * 2 * np.pi * 220 / 22050) * 8000
        clip.writeframes(tone.astype("<i2").tobytes())
    window.add_soundtrack(good)
    qtbot.waitUntil(lambda: len(window.settings.soundtracks) == 1)  # decoded on a worker
    kept = window.settings.soundtracks[-1]
    assert Path(kept).exists() and Path(kept).name == "my_waves.wav"
    setup = window.library_page.setup
    assert setup.ambient.currentData() == kept and not setup.soundtrack_note.isVisible()
    Path(kept).unlink()  # the file goes missing: said beside the list, never swapped silently
    window.library_page.list.set_current(1)
    window.library_page.list.set_current(0)
    assert setup.ambient.currentData() == kept
    assert setup.ambient.currentText() == "my waves (missing)"
    assert setup.soundtrack_note.isVisible()
    assert "\u201cmy waves\u201d is gone" in setup.soundtrack_note.text()
    setup.remove_button.setFocus()
    qtbot.keyClick(setup.remove_button, Qt.Key.Key_Space)  # Remove, from the keyboard
    assert window.settings.soundtracks == []
    assert setup.ambient.currentData() == "rain" and not setup.soundtrack_note.isVisible()
    assert window.soundtrack_in_hand == "rain"
    assert not setup.remove_button.isEnabled(), "a bundled soundtrack cannot be removed"


def test_settings_round_trip_and_survive_corruption(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(theme="dark", speaking_rate=0.9)
    settings.routines["desk-break"] = RoutineChoices(step_durations={"sit-tall": 60},
                                                     ambient="ocean")
    save_settings(settings, path)
    loaded, message = load_settings(path)
    assert loaded == settings and message == ""
    path.write_text("{ not json")
    loaded, message = load_settings(path)
    assert loaded == Settings()
    assert "is damaged" in message and "moved it to settings.json." in message
    assert not path.exists() and list(tmp_path.glob("settings.json.*.bad"))
    path.write_text(json.dumps({"version": 99}))
    loaded, message = load_settings(path)
    assert "unknown version (99)" in message


def test_the_window_saves_choices_in_the_config_folder(qtbot: QtBot, clock: ManualClock,
                                                       user_routines: Path) -> None:
    library = load_library(bundled_routines_dir(), user_routines)
    window = MainWindow(SilentOutput(clock), Settings(voice="none"), library, save=True)
    qtbot.addWidget(window)
    window.library_page.setup._spins["arrive"].setValue(90)
    window.close()
    saved, message = load_settings(settings_path())
    assert message == ""
    assert saved.routines["breathe-and-unwind"].step_durations == {"arrive": 90}


def test_the_screenshot_command_draws_different_moments(tmp_path: Path) -> None:
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    assert main(["screenshot", "desk-break", "--at", "10", "--out", str(first)]) == 0
    assert main(["screenshot", "desk-break", "--at", "100", "--out", str(second),
                 "--size", "1000x700", "--theme", "dark"]) == 0
    a, b = QImage(str(first)), QImage(str(second))
    assert (a.width(), a.height()) == (1280, 800) and (b.width(), b.height()) == (1000, 700)
    colours = {a.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 800, 37)}
    assert len(colours) > 5, "not blank"
    third = tmp_path / "c.png"
    assert main(["screenshot", "desk-break", "--at", "100", "--out", str(third)]) == 0
    assert QImage(str(third)) != a
    assert main(["screenshot", "desk-break", "--size", "300x200", "--out", str(third)]) == 1


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_painting_does_not_leak_references_to_none(window: MainWindow, qtbot: QtBot) -> None:
    """PySide6 6.12.0 dropped a reference to None on every void call, which crashed the app
    (on Python 3.11) after a few minutes of a session. Guard the pinned version."""
    start(window, qtbot)
    view = window.session_view
    view.repaint()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(200):
        view.repaint()
    gc.collect()
    assert sys.getrefcount(None) - before > -50


def test_a_remembered_duration_for_a_renamed_step_no_longer_stops_the_app(
        qtbot: QtBot, clock: ManualClock, user_routines: Path) -> None:
    from backcare_desktop.settings import heal

    library = load_library(bundled_routines_dir(), user_routines)
    settings = Settings(voice="none")
    settings.routines["desk-break"] = RoutineChoices(
        ambient="none", step_durations={"renamed-step": 60, "shoulder-rolls": 70})
    forgotten = heal(settings, library)  # as launch() does before the window opens
    assert len(forgotten) == 1 and "Desk break" in forgotten[0]
    window = MainWindow(SilentOutput(clock), settings, library, save=False)
    qtbot.addWidget(window)
    assert settings.routines["desk-break"].step_durations == {"shoulder-rolls": 70}


def test_esc_in_full_screen_leaves_full_screen_and_keeps_the_session(
        window: MainWindow, qtbot: QtBot, clock: ManualClock) -> None:
    start(window, qtbot)
    advance(window, clock, 5)
    window.showFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isFullScreen()
    assert window.stack.currentWidget() is window.session_view
    assert window.presenter.state is State.RUNNING
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.library_page


def test_space_presses_the_focused_button_instead_of_starting(window: MainWindow,
                                                              qtbot: QtBot) -> None:
    window.library_page.list.set_current(2)  # full back care
    setup = window.library_page.setup
    setup._spins["settle"].setValue(150)
    setup.reset_button.setFocus()
    qtbot.keyClick(setup.reset_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: setup._spins["settle"].value() == 70)  # the click is animated
    assert window.stack.currentWidget() is window.library_page
    assert window.presenter.session is None


def test_the_media_key_starts_the_session_whatever_has_the_focus(window: MainWindow,
                                                                 qtbot: QtBot) -> None:
    window.library_page.setup.reset_button.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_MediaPlay)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.session_view)


def test_enter_presses_the_focused_button(window: MainWindow, qtbot: QtBot) -> None:
    window.library_page.list.set_current(2)  # full back care
    setup = window.library_page.setup
    setup._spins["settle"].setValue(150)
    setup.reset_button.setFocus()
    qtbot.keyClick(setup.reset_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: setup._spins["settle"].value() == 70)


def test_the_end_screen_answers_enter_and_esc(window: MainWindow, qtbot: QtBot,
                                              clock: ManualClock) -> None:
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        window.show_moment(window.library.routines[1].routine, 0.0, end=True)
        assert window.stack.currentWidget() is window.end_view
        qtbot.keyClick(QApplication.focusWidget() or window, key)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.library_page)


def test_the_wheel_over_a_duration_scrolls_instead_of_changing_it(window: MainWindow,
                                                                  qtbot: QtBot) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    window.library_page.list.set_current(2)
    spin = window.library_page.setup._spins["settle"]
    before = spin.value()
    wheel = QWheelEvent(QPointF(5, 5), QPointF(spin.mapToGlobal(QPoint(5, 5))), QPoint(0, 0),
                        QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(spin, wheel)
    assert spin.value() == before and window.settings.routines.get(
        "full-back-care", RoutineChoices(ambient="none")).step_durations.get("settle") is None
    spin.setFocus()
    QApplication.sendEvent(spin, wheel)
    assert spin.value() != before


def test_fit_says_what_it_reached_when_the_routine_cannot_stretch(window: MainWindow,
                                                                  qtbot: QtBot) -> None:
    window.library_page.list.set_current(1)  # desk break: at most about 10 minutes
    setup = window.library_page.setup
    setup.fit.setValue(20)
    setup.fit.setFocus()
    qtbot.keyClick(setup.fit, Qt.Key.Key_Return)  # Enter in the box fits, as Fit does
    qtbot.waitUntil(lambda: any(m.short.startswith("Desk break: neck and shoulders fits to ")
                                and m.short.endswith("at most")
                                for m in window.messages.messages()))
    assert sum(spin.value() for spin in setup._spins.values()) < 20 * 60


def test_the_end_screen_tells_the_time_played_and_the_steps_done(
        window: MainWindow, qtbot: QtBot, clock: ManualClock) -> None:
    start(window, qtbot)
    timeline = window.presenter.timeline
    assert timeline is not None
    advance(window, clock, 10)
    qtbot.keyClick(window, Qt.Key.Key_Right)  # skip the rest of the first step (48 s)
    advance(window, clock, timeline.duration, step=1.0)
    assert window.stack.currentWidget() is window.end_view
    played = 10 + timeline.duration - 48  # the first 10 s, then every step after it
    assert window.end_view.summary.text() == (
        f"Desk break: neck and shoulders  ·  {format_length(played)} of "
        f"{format_length(timeline.duration)}  ·  4 of 5 steps, 1 skipped")


def test_the_session_shows_the_description_and_a_pacer_that_counts_breaths(
        window: MainWindow, qtbot: QtBot, clock: ManualClock) -> None:
    start(window, qtbot)
    view = window.session_view
    assert view.description.text().startswith("Let the chair take your weight.")
    assert view.description_area.isVisible()
    advance(window, clock, 21.5)  # "calm 4-6" after an 8 s lead-in: the second in-breath
    assert view.ring.breath is not None
    _, word, count = view.ring.breath
    assert (word, count) == ("Breathe in", "breath 2 of 4")
    assert view.ring.under_text == "in for 4, out for 6"
    assert view.caption.text() == "", "the pacer says the phase; no caption contradicts it"
    assert view.next_up.text() == "Next: Shoulder rolls in 0:26"


def test_captions_progress_and_controls_speak_to_assistive_technology(
        window: MainWindow, qtbot: QtBot, clock: ManualClock) -> None:
    from PySide6.QtGui import QAccessible

    start(window, qtbot)
    view = window.session_view
    advance(window, clock, 48 + 7)  # "Roll your shoulders up, back, and down." at 6 s
    caption = QAccessible.queryAccessibleInterface(view.caption)
    assert caption.text(QAccessible.Text.Name) == view.caption.text() != ""
    assert "Roll your shoulders" in caption.text(QAccessible.Text.Name)
    assert caption.text(QAccessible.Text.Description) == "What the voice is saying"
    timeline = window.presenter.timeline
    assert timeline is not None
    for widget, value in ((view.ring, 12), (view.bar, round(55 / timeline.duration * 100))):
        accessible = QAccessible.queryAccessibleInterface(widget)
        assert accessible.role() is QAccessible.Role.ProgressBar
        assert accessible.text(QAccessible.Text.Name)
        assert accessible.valueInterface().currentValue() == value
    assert "0:53 left in Shoulder rolls" in view.ring.accessibleDescription()


def test_the_session_controls_and_the_sound_menu_are_reached_from_the_keyboard(
        window: MainWindow, qtbot: QtBot, clock: ManualClock) -> None:
    start(window, qtbot)
    view = window.session_view
    window.setGeometry(-580, 0, 1180, 780)  # its right edge well inside the screen (800 wide)
    assert QApplication.focusWidget() is view.buttons["play"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.buttons["next"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter presses it
    qtbot.waitUntil(lambda: view.step_title.text() == "Shoulder rolls")
    view.sound_button.setFocus()
    menu, slider = view.sound_menu, view.volume.sliders["voice"]
    seen: dict[str, object] = {}

    def inside_the_menu() -> None:  # the menu runs its own event loop while it is open
        seen["geometry"], seen["focus"] = menu.geometry(), QApplication.focusWidget()
        before = slider.value()
        QTest.keyClick(slider, Qt.Key.Key_Left)
        seen["moved"] = slider.value() < before
        QTest.keyClick(slider, Qt.Key.Key_Escape)

    menu.aboutToShow.connect(lambda: QTimer.singleShot(0, inside_the_menu))
    qtbot.keyClick(view.sound_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "moved" in seen and not menu.isVisible())
    inside = window.geometry()
    assert inside.contains(seen["geometry"]), (seen["geometry"], inside)  # type: ignore[arg-type]
    assert seen["focus"] is slider and seen["moved"]
    assert window.settings.volumes.voice < 1.0
    assert window.stack.currentWidget() is view, "Esc closes the menu, not the session"


def test_w_says_where_the_session_is_without_moving_it(window: MainWindow, qtbot: QtBot,
                                                       clock: ManualClock) -> None:
    start(window, qtbot)
    advance(window, clock, 48 + 60 + 10)  # neck strokes (70 s), left side, 60 s left
    assert window.presenter.player is not None
    position = window.presenter.player.position
    window.activateWindow()  # shortcuts need the window active (offscreen, after a popup)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_W)
    # With the voice off the answer is shown where the person is looking.
    answer = "Neck strokes, left side. 1 minute left in this step. Next: Warm the lower back."
    qtbot.waitUntil(lambda: answer in [m.short for m in window.messages.messages()])
    assert window.presenter.player.position == position
    assert window.presenter.state is State.RUNNING



def test_a_fixed_routine_file_appears_without_a_restart(window: MainWindow, qtbot: QtBot,
                                                        user_routines: Path) -> None:
    from tests.conftest import VALID_ROUTINE

    page = window.library_page
    assert len(page.list.broken) == 1
    (user_routines / "broken.toml").write_text(VALID_ROUTINE)  # fixed in an editor
    qtbot.waitUntil(lambda: "Tiny" in [card.accessibleName() for card in page.list.cards])
    assert page.list.broken == []
    (user_routines / "two.toml").write_text('id = "two"\ntitle = 5\nsteps = 1\n')
    page.reload_button.setFocus()
    qtbot.keyClick(page.reload_button, Qt.Key.Key_Space)  # Reload, from the keyboard
    qtbot.waitUntil(lambda: len(page.list.broken) == 1)
    assert len(window.library.problems) > 1, "two problems, in one file"
    qtbot.waitUntil(lambda: any(message.short.startswith("1 routine file could not be loaded")
                                for message in window.messages.messages()))


def test_each_duration_says_its_range_in_seconds(window: MainWindow) -> None:
    from PySide6.QtWidgets import QLabel

    window.library_page.list.set_current(2)  # full back care: settle in is 60 to 180 s
    setup = window.library_page.setup
    texts = [widget.text() for widget in setup.steps_box.findChildren(QLabel)]
    assert texts[:2] == ["Settle in", "60 to 180 s"]
    assert setup._spins["settle"].accessibleDescription() == "60 to 180 seconds"


def test_the_settings_dialog_has_no_stock_icons_and_tabs_in_reading_order(
        window: MainWindow, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QPushButton

    from backcare_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    buttons = dialog.findChildren(QPushButton)
    # Desktops whose theme puts icons on dialog buttons (the green tick and red
    # cross) are told not to by the stylesheet; offscreen there are none to begin with.
    assert buttons and all(button.icon().isNull() for button in buttons)
    dialog.voice.setFocus()
    order = [dialog.voice]
    for _ in range(7):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        order.append(dialog.focusWidget())
    assert order[:7] == [dialog.voice, dialog.rate, buttons[0], dialog.master, dialog.tones,
                         dialog.theme, dialog.fullscreen]
