"""Benchmarks (`make bench`, `make bench-scale`, `make bench-import`): figures, not tests."""
