"""Voice figures: model load, per-cue synthesis, preparing each routine cold and warm,
memory with the model and after release, Start-to-speech cold and warm, and the time from
the "where am I?" key to its answer."""

from __future__ import annotations

import gc
import tempfile
import threading
import time
from pathlib import Path

from backcare_desktop.audio.ahead import SPLICE_MARGIN_FRAMES
from backcare_desktop.audio.feed import ASIDE_ATTACK_SECONDS
from backcare_desktop.audio.output import BUFFER_MSEC
from backcare_desktop.audio.signal import RATE
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import load_library
from backcare_desktop.session.snapshot import snapshot_at
from backcare_desktop.session.timeline import Timeline, compile_timeline
from backcare_desktop.session.whereabouts import phrases, where_am_i
from backcare_desktop.voice.cache import ClipCache
from backcare_desktop.voice.engines import EspeakEngine, PiperEngine
from backcare_desktop.voice.prepare import ClipPreparer
from benchmarks.common import Report, percentile, rss_mb

CUES = ["Breathe in.", "Ten seconds left.", "Switch sides. Use your other hand.",
        "Place your palms on your lower back, either side of the spine.",
        "Stay beside the spine, never on it.", "Let your shoulders soften.",
        "Roll your shoulders up, back, and down.", "Hold for a breath, then back to the middle.",
        "When you're ready, roll to your side and come up slowly.", "Well done."]


def _ready_seconds(preparer: ClipPreparer) -> float:
    began = time.perf_counter()
    preparer.start()
    while not preparer.ready_to_start:
        time.sleep(0.002)
    ready = time.perf_counter() - began
    preparer.done.wait()
    return ready


def _where_am_i_ms(timeline: Timeline, cache: ClipCache) -> list[float]:
    """Key to answer heard, at ten moments of a session: the fast voice's time (the time
    left made then, the rest from the cache) plus the splice, the dip before the answer and
    the device's buffer."""
    preparer = ClipPreparer(timeline, PiperEngine(), fallback=EspeakEngine(), cache=cache)
    warmed = threading.Event()
    preparer.speak_aside(phrases(timeline), lambda _samples: warmed.set())  # as a session
    warmed.wait(timeout=30)                                                # does at its start
    fixed = (SPLICE_MARGIN_FRAMES / RATE + ASIDE_ATTACK_SECONDS) * 1000 + BUFFER_MSEC
    times = []
    for moment in range(10):
        sentences = where_am_i(snapshot_at(timeline, timeline.duration * (moment + 0.5) / 10))
        answered = threading.Event()
        began = time.perf_counter()
        preparer.speak_aside(sentences, lambda _samples, done=answered: done.set())
        answered.wait(timeout=10)
        times.append((time.perf_counter() - began) * 1000 + fixed)
    return times


def run() -> Report:
    report = Report("Voice")
    print(report.title, flush=True)
    before = rss_mb()
    engine = PiperEngine()
    began = time.perf_counter()
    engine.speak("Warm up.", 1.0)
    report.add("cold model load and first cue", f"{time.perf_counter() - began:.2f} s")
    report.add("memory with the model loaded", f"{rss_mb() - before:+.0f} MB")
    times, factors = [], []
    for text in CUES:
        began = time.perf_counter()
        speech = engine.speak(text, 1.0)
        spent = time.perf_counter() - began
        times.append(spent * 1000)
        factors.append(spent / (speech.samples.size / speech.rate))
    report.add("synthesis per cue (p50 / max)",
               f"{percentile(times, 50):.0f} / {max(times):.0f} ms, real-time factor "
               f"{percentile(factors, 50):.3f}")
    engine.release()
    gc.collect()
    report.add("memory after the model is released", f"{rss_mb() - before:+.0f} MB")

    library = load_library(bundled_routines_dir(), Path("/nonexistent"))
    with tempfile.TemporaryDirectory() as folder:
        cache = ClipCache(Path(folder))
        for item in library.routines:
            timeline = compile_timeline(item.routine)
            cold = ClipPreparer(timeline, PiperEngine(), cache=cache)
            cold_ready = _ready_seconds(cold)
            warm = ClipPreparer(timeline, PiperEngine(), cache=cache)
            warm_ready = _ready_seconds(warm)
            report.add(f"prepare {item.routine.id} ({len(cold.texts)} cues) cold / warm",
                       f"{cold.seconds_spent:.2f} s / {warm.seconds_spent * 1000:.0f} ms")
            report.add(f"  Start-to-speech for {item.routine.id}, cold / warm",
                       f"{cold_ready:.2f} s / {warm_ready * 1000:.0f} ms "
                       "(+ ~40 ms device buffer)")
        times = _where_am_i_ms(compile_timeline(library.routines[0].routine), cache)
        report.add("W (where am I?) to the answer heard, p50 / max",
                   f"{percentile(times, 50):.0f} / {max(times):.0f} ms (target <= 300 ms)")
    return report
