"""Text as it should be spoken: numbers as words, abbreviations written out."""

from __future__ import annotations

import re

from num2words import num2words

_ABBREVIATIONS = {
    r"\be\.g\.": "for example",
    r"\bi\.e\.": "that is",
    r"\betc\.": "and so on",
    r"\bapprox\.": "about",
    r"\bsecs?\b\.?": "seconds",
    r"\bmins?\b\.?": "minutes",
    r"\bvs\.?": "versus",
    r"&": " and ",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.]\d)")


def _spoken_number(match: re.Match[str]) -> str:
    value = match.group(1)
    number = float(value) if "." in value else int(value)
    return str(num2words(number, lang="en"))


def normalise_for_speech(text: str) -> str:
    """"Hold 4 secs, e.g. gently" -> "Hold four seconds, for example gently"."""
    spoken = text
    for pattern, replacement in _ABBREVIATIONS.items():
        spoken = re.sub(pattern, replacement, spoken, flags=re.IGNORECASE)
    spoken = _NUMBER.sub(_spoken_number, spoken)
    return re.sub(r"\s+", " ", spoken).strip()


def sentences(text: str) -> list[str]:
    """"Switch sides. Roll over." -> ["Switch sides.", "Roll over."]: each is spoken on its
    own, so the pause between them can be set."""
    return [sentence for sentence in _SENTENCE_END.split(text.strip()) if sentence]
