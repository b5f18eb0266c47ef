"""Spoken cues: speech engines, the clip cache, and preparing a session's clips ahead of time."""
