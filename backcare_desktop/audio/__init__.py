"""Sound: the pure mixer that turns a timeline into samples, and outputs that play or save it."""
