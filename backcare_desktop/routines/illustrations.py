"""The illustration names a routine may use; each has an SVG in assets/illustrations."""

ILLUSTRATIONS: tuple[str, ...] = (
    "breathing-at-rest",
    "seated-posture",
    "lying-on-side",
    "palms-lower-back",
    "strokes-upper-back",
    "fingertips-neck",
    "shoulder-rolls",
    "scalp-temples",
    "tennis-ball-wall",
    "knuckles-beside-spine",
    "knee-rolls",
    "pelvic-tilt",
    "knee-to-chest",
    "cat-cow",
    "childs-pose",
)
