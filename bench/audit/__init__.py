"""Benchmark of `scalefold check` on a synthetic 10,000-file monorepo (see bench/audit/README.md)."""
