"""Customers of a running service: an account, and the bearer token of its login."""

from __future__ import annotations

import secrets

from tests.support.http import request


def signed_up(base: str, name: str = "Grace") -> tuple[str, dict[str, str]]:
    """Registers a new customer at `base` and logs in: (e-mail, Authorization header)."""
    email, password = f"{name.lower()}-{secrets.token_hex(4)}@example.com", "correct horse battery staple"
    created = request("POST", f"{base}/v1/users", json_body={"email": email, "password": password, "name": name})
    assert created.status == 201, created.text
    login = request("POST", f"{base}/v1/auth/login", json_body={"email": email, "password": password})
    assert login.status == 200, login.text
    return email, {"authorization": f"Bearer {login.json()['accessToken']}"}
