"""A timeline as plain data: what `plan --json` prints and what other tools can read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from backcare_desktop.durations import format_clock
from backcare_desktop.session.timeline import Timeline

SpeechLength = Callable[[str], float | None]


def timeline_to_dict(
    timeline: Timeline, speech_length: SpeechLength | None = None
) -> dict[str, Any]:
    """Times in seconds, to the millisecond; `speech_length` adds each cue's spoken length."""

    def seconds(value: float) -> float:
        return round(value, 3)

    cues = []
    for cue in timeline.cues:
        item: dict[str, Any] = {
            "time": seconds(cue.time), "text": cue.text, "kind": cue.kind.value,
            "step": timeline.steps[cue.step_index].step.id,
        }
        length = speech_length(cue.text) if speech_length else None
        if length is not None:
            item["spoken_seconds"] = seconds(length)
        cues.append(item)
    return {
        "routine": timeline.routine_id,
        "title": timeline.title,
        "duration": seconds(timeline.duration),
        "steps": [
            {
                "id": step.step.id, "title": step.step.title,
                "start": seconds(step.start), "end": seconds(step.end),
                "breathing": step.step.breathing.label if step.step.breathing else None,
                "sides": [
                    {"side": span.side, "start": seconds(span.start), "end": seconds(span.end)}
                    for span in step.sides
                ],
            }
            for step in timeline.steps
        ],
        "cues": cues,
        "breathing_phases": [
            {"start": seconds(phase.start), "end": seconds(phase.end), "kind": phase.kind.value,
             "step": timeline.steps[phase.step_index].step.id}
            for phase in timeline.phases
        ],
    }


def timeline_to_text(timeline: Timeline) -> str:
    lines = [f"{timeline.title} ({timeline.routine_id}): {format_clock(timeline.duration)}"]
    for step in timeline.steps:
        extra = f"  [breathing {step.step.breathing.words}]" if step.step.breathing else ""
        extra += "  [left, then right]" if step.sides else ""
        lines.append(f"{format_clock(step.start):>8}  {step.step.title} "
                     f"({format_clock(step.duration)}){extra}")
        for cue in timeline.cues:
            if cue.step_index == step.index and cue.kind.value != "breath":
                lines.append(f"{format_clock(cue.time):>12}  \u201c{cue.text}\u201d")
    return "\n".join(lines)
