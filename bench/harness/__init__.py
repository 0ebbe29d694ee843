"""The benchmark harness behind bench/run.py: processes, load, scenarios, results."""
