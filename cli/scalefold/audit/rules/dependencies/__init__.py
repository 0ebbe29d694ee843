"""Dependency rules (`--deps`): known vulnerabilities from npm audit and pip-audit."""
