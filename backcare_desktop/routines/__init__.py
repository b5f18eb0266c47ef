"""Routine files: the validated model and the loader that turns files into it."""
