"""Security rules: HTTP hardening, authentication, secrets and dangerous code."""
