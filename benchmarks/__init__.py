"""Benchmarks: figures and ratios, never pass or fail. Run with `make bench`."""
