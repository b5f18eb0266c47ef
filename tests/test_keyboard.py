"""The keyboard model, by real keys on real widgets: Space and Enter act on the focused
control, Space starts or pauses only where no control takes it, Tab follows reading order
through named stops, and every control shows that it has the focus."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import load_library
from backcare_desktop.session.live import SilentOutput
from backcare_desktop.session.player import ManualClock, State
from backcare_desktop.settings import RoutineChoices, Settings, load_settings, settings_path
from backcare_desktop.ui.main_window import MainWindow
from tests.ui_helpers import advance, start


def focused(window: MainWindow) -> QWidget:
    widget = window.focusWidget()
    assert widget is not None
    return widget


def walk(window: MainWindow, qtbot: QtBot, first: QWidget, steps: int) -> list[QWidget]:
    """The stops Tab reaches from `first`, in order."""
    first.setFocus(Qt.FocusReason.TabFocusReason)
    stops = [first]
    for _ in range(steps):
        qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
        stops.append(focused(window))
    return stops


def test_the_first_focus_is_the_chosen_card_and_space_there_starts_nothing(
        window: MainWindow, qtbot: QtBot) -> None:
    cards = window.library_page.list.cards
    assert focused(window) is cards[0]
    qtbot.keyClick(cards[0], Qt.Key.Key_Down)
    assert focused(window) is cards[1] and window.library_page.setup.routine_id == "desk-break"
    qtbot.keyClick(cards[1], Qt.Key.Key_Up)
    assert window.library_page.setup.routine_id == "breathe-and-unwind"
    cards[2].setFocus()
    qtbot.keyClick(cards[2], Qt.Key.Key_Space)  # Space chooses the focused card
    assert window.library_page.list.current_id == "full-back-care"
    assert window.presenter.session is None
    qtbot.keyClick(cards[2], Qt.Key.Key_Return)  # Enter starts it
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.session_view)
    assert window.presenter.timeline is not None
    assert window.presenter.timeline.routine_id == "full-back-care"


@pytest.mark.parametrize("control", ["reload", "fit", "ambient", "spin"])
def test_space_on_a_control_that_takes_it_never_starts_a_session(
        window: MainWindow, qtbot: QtBot, control: str) -> None:
    setup = window.library_page.setup
    widget = {"reload": window.library_page.reload_button, "fit": setup.fit,
              "ambient": setup.ambient, "spin": next(iter(setup._spins.values()))}[control]
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    setup.ambient.hidePopup()
    assert window.presenter.session is None
    assert window.stack.currentWidget() is window.library_page


def test_space_where_no_control_takes_it_starts_and_then_pauses(window: MainWindow,
                                                                qtbot: QtBot) -> None:
    slider = window.library_page.setup.volume.sliders["voice"]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Space)  # a slider has no use for Space
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.session_view)
    play = window.session_view.buttons["play"]
    assert focused(window) is play, "the session opens with the focus on Pause"
    qtbot.keyClick(play, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.presenter.state is State.PAUSED)
    qtbot.keyClick(play, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.presenter.state is State.RUNNING)


@pytest.mark.parametrize("button", ["fit_button", "reset_button", "preview_button",
                                    "add_button"])
def test_every_set_up_button_is_pressed_by_space_and_by_enter(
        window: MainWindow, qtbot: QtBot, button: str, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = window.library_page.setup
    widget = getattr(setup, button)
    pressed: list[bool] = []
    widget.clicked.connect(lambda: pressed.append(True))
    monkeypatch.setattr(window, "add_soundtrack_dialog", lambda: None)  # no modal dialog
    monkeypatch.setattr(window, "preview_soundtrack", lambda name: None)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return):
        widget.setFocus()
        qtbot.keyClick(widget, key)
    qtbot.waitUntil(lambda: len(pressed) == 2)
    assert window.presenter.session is None


def test_space_on_the_end_screen_presses_the_focused_button_not_again(
        window: MainWindow, qtbot: QtBot) -> None:
    window.show_moment(window.library.routines[1].routine, 0.0, end=True)
    button = focused(window)
    assert button is window.end_view.library_button
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.library_page)


def test_tab_walks_the_library_in_reading_order_and_every_stop_is_named(
        window: MainWindow, qtbot: QtBot) -> None:
    page, setup = window.library_page, window.library_page.setup
    page.list.set_current(1)
    chosen = page.list.cards[1]
    # One stop for the cards, as for any group of radio buttons: the chosen one (Up and
    # Down move between them).
    expected = [stop for stop in page.focus_stops() if stop.isVisible() and stop.isEnabled()
                and (stop not in page.list.cards or stop is chosen)]
    assert expected[:4] == [page.reload_button, page.history_button, page.settings_button,
                            chosen]
    stops = walk(window, qtbot, expected[0], len(expected))
    assert stops[:-1] == expected, [stop.accessibleName() for stop in stops]
    assert stops[-1] is expected[0], "Tab comes round to the start"
    assert expected.index(setup.fit) > expected.index(page.list.broken[0].details_button)
    assert expected.index(next(iter(setup._spins.values()))) < expected.index(setup.ambient)
    assert expected[-1] is setup.start_button
    for stop in stops:
        name = QAccessible.queryAccessibleInterface(stop).text(QAccessible.Text.Name)
        assert name, f"{type(stop).__name__} has no accessible name"


def test_tab_reaches_the_session_controls(window: MainWindow, qtbot: QtBot) -> None:
    start(window, qtbot)
    view = window.session_view
    stops = walk(window, qtbot, view.sound_button, 12)
    assert stops[:6] == [view.sound_button, *view.buttons.values()]
    again = stops.index(view.sound_button, 1)
    assert all(window.messages.isAncestorOf(stop) for stop in stops[6:again]), \
        "after the controls, only the messages below them (their Close buttons)"
    assert all(stop.accessibleName() for stop in stops)


def test_cards_are_radio_buttons_with_a_name_and_a_checked_state(window: MainWindow) -> None:
    cards = window.library_page.list.cards
    window.library_page.list.set_current(1)
    for index, card in enumerate(cards):
        face = QAccessible.queryAccessibleInterface(card)
        assert face.role() == QAccessible.Role.RadioButton
        assert face.text(QAccessible.Text.Name) == card.accessibleName()
        assert face.state().focusable and bool(face.state().checked) == (index == 1)
    assert "min" in cards[1].accessibleDescription()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_kind_of_control_shows_the_focus(qtbot: QtBot, clock: ManualClock,
                                               user_routines: Path, theme: str) -> None:
    settings = Settings(voice="none", theme=theme)
    window = MainWindow(SilentOutput(clock), settings,
                        load_library(bundled_routines_dir(), user_routines), save=False)
    qtbot.addWidget(window)
    window.show()
    setup = window.library_page.setup
    controls = [window.library_page.list.cards[1], window.library_page.settings_button,
                setup.fit, next(iter(setup._spins.values())), setup.ambient,
                setup.volume.sliders["voice"], setup.start_button]
    for control in controls:
        window.library_page.list.cards[0].setFocus()
        QApplication.processEvents()
        before = control.grab().toImage()
        control.setFocus()
        QApplication.processEvents()
        after = control.grab().toImage()
        assert _differs(before, after), f"{type(control).__name__} looks the same focused"


def _differs(first: QImage, second: QImage) -> bool:
    return first.size() != second.size() or first != second


def test_a_stopped_session_resumes_where_it_was_even_after_a_restart(
        qtbot: QtBot, clock: ManualClock, user_routines: Path) -> None:
    library = load_library(bundled_routines_dir(), user_routines)
    settings = Settings(voice="none")
    settings.routines["desk-break"] = RoutineChoices(ambient="none",
                                                     step_durations={"sit-tall": 40})
    window = MainWindow(SilentOutput(clock), settings, library, save=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # shortcuts (Esc) work in the active window
    qtbot.waitUntil(window.isActiveWindow)
    start(window, qtbot)
    advance(window, clock, 40 + 60 + 10)  # into the third step
    assert window.session_view.step_count.text() == "Step 3 of 5"
    window.presenter.toggle_pause()
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # stops at once: nothing is asked
    assert window.stack.currentWidget() is window.library_page
    saved, _ = load_settings(settings_path())  # saved at once, not at quit
    assert saved.resume is not None and saved.resume.routine_id == "desk-break"
    assert saved.resume.position == pytest.approx(110, abs=1)
    assert saved.resume.choices.step_durations == {"sit-tall": 40}
    window.close()

    settings, _ = load_settings(settings_path())  # the app opens again
    settings.routines["desk-break"] = RoutineChoices(ambient="none")  # choices changed since
    again = MainWindow(SilentOutput(clock), settings, library, save=True)
    qtbot.addWidget(again)
    again.show()
    bar = again.library_page.resume_bar
    assert bar.isVisible() and "step 3 of 5" in bar.text.text()
    bar.resume_button.setFocus()
    qtbot.keyClick(bar.resume_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: again.stack.currentWidget() is again.session_view)
    assert again.session_view.step_count.text() == "Step 3 of 5"
    assert again.presenter.player is not None
    assert again.presenter.player.position == pytest.approx(40 + 60, abs=0.5), \
        "the step starts again, in the session that was stopped (its 40 s first step)"
    timeline = again.presenter.timeline
    assert timeline is not None
    advance(again, clock, timeline.duration, step=1.0)
    assert again.stack.currentWidget() is again.end_view
    assert again.settings.resume is None and not bar.isVisible()


def test_the_sound_menu_is_reached_and_worked_from_the_keyboard(window: MainWindow,
                                                                 qtbot: QtBot) -> None:
    start(window, qtbot)
    view = window.session_view
    sliders = view.volume.sliders
    seen: list[str] = []

    def in_the_menu() -> None:  # the menu runs its own loop while it is open
        def key(which: Qt.Key) -> None:
            target = QApplication.focusWidget()
            assert target is not None
            qtbot.keyClick(target, which)  # as a real key: to the popup's focused control
            seen.append(QApplication.focusWidget().accessibleName()
                        if QApplication.focusWidget() else "")

        seen.append(QApplication.focusWidget().accessibleName()
                    if QApplication.focusWidget() else "")
        key(Qt.Key.Key_Left)
        key(Qt.Key.Key_Tab)
        key(Qt.Key.Key_Tab)
        key(Qt.Key.Key_Escape)

    before = sliders["voice"].value()
    view.sound_button.setFocus()
    QTimer.singleShot(50, in_the_menu)
    qtbot.keyClick(view.sound_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert seen == ["Voice volume", "Voice volume", "Tones volume", "Soundtrack volume",
                    "Sound volumes"]
    assert sliders["voice"].value() == before - 1
    assert window.stack.currentWidget() is view, "Esc closed the menu, not the session"
