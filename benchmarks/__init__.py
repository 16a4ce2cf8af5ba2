"""Benchmark scripts (corpus generator, runner); importable by the tests."""
