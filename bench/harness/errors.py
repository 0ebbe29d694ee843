"""The benchmark's one error type."""


class BenchError(Exception):
    """A step of the benchmark that cannot go on; the message is one line for the user."""
