"""Benchmarks that score the product against held-out data."""
