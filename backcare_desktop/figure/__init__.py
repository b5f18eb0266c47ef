"""The figure: an articulated person, the scenes each step shows, and their motion in time."""
