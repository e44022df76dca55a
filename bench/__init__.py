"""Benchmarks: run each script directly (python bench/<name>.py); they print their figures."""
