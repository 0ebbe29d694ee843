"""Observability rules: logs, metrics, traces and request ids."""
