"""What the running service offers (read from its OpenAPI document) and the data the scenarios need.

The scenario set adapts to the template version: the orders scenarios run when the document lists
`POST /v1/orders` and `GET /v1/orders/{id}`, and a valid order is built from the request schema.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from harness.errors import BenchError
from tests.support.http import Response
from tests.support.http import request as send

# A service that has just started may shed load for a moment (its load shedding reads the start-up's
# long event-loop stall as overload): the set-up requests answered 503 with Retry-After are retried
# this long. Load itself is never retried: a 503 under load counts as a non-2xx answer.
SHED_RETRY_SECONDS = 10.0

HEALTH_LIVE = "/health/live"
HEALTH_READY = "/health/ready"
OPENAPI_PATH = "/docs/json"
ORDERS = "/v1/orders"
ORDER = "/v1/orders/{id}"
# Public reads that say nothing about the service's work.
NOT_A_PUBLIC_READ = ("/health/", "/metrics", "/docs")
# The template's public cached read (the product catalogue): measured when the service has it.
PUBLIC_READ = "/v1/products"


def request(method: str, url: str, **options: Any) -> Response:
    """One set-up request, retried while the service sheds load right after its start."""
    deadline = time.monotonic() + SHED_RETRY_SECONDS
    while True:
        response = send(method, url, **options)
        if response.status != 503 or "retry-after" not in response.headers or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def _expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise BenchError(f"{what}: expected {status}, got {response.status}: {response.text[:200]}")
    return response


def example_of(schema: dict[str, Any]) -> Any:
    """A value valid for a JSON schema as @fastify/swagger prints TypeBox schemas: examples first."""
    for variants in ("anyOf", "oneOf"):
        if schema.get(variants):
            return example_of(schema[variants][0])
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", []))
        return {
            name: example_of(sub) for name, sub in schema.get("properties", {}).items() if name in required
        }
    if kind == "array":
        return [example_of(schema.get("items", {})) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "string":
        return {
            "uuid": str(uuid.uuid4()),
            "email": "bench@example.com",
            "date-time": datetime.now(UTC).isoformat(),
        }.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))
    return None


@dataclass(frozen=True)
class ServiceApi:
    """The routes of the OpenAPI document the service serves."""

    paths: dict[str, dict[str, Any]]

    @classmethod
    def fetch(cls, base_url: str) -> ServiceApi:
        document = _expect(request("GET", base_url + OPENAPI_PATH), 200, f"GET {OPENAPI_PATH}").json()
        return cls(document.get("paths", {}))

    def has(self, method: str, path: str) -> bool:
        return method.lower() in self.paths.get(path, {})

    @property
    def has_orders(self) -> bool:
        return self.has("post", ORDERS) and self.has("get", ORDER)

    def body_example(self, method: str, path: str) -> Any:
        operation = self.paths[path][method.lower()]
        schema = (
            operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        )
        return example_of(schema)

    def public_reads(self) -> list[str]:
        """GET routes with no security requirement and no path parameter: PUBLIC_READ, then API routes."""
        found = [
            path
            for path, operations in self.paths.items()
            if "get" in operations
            and not operations["get"].get("security")
            and "{" not in path
            and not path.startswith(NOT_A_PUBLIC_READ)
        ]
        return sorted(found, key=lambda path: (path != PUBLIC_READ, not path.startswith("/v1/"), path))


@dataclass(frozen=True)
class Session:
    """A registered user and an access token for them."""

    token: str
    claims: dict[str, Any]

    @property
    def authorization(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


def register_and_login(base_url: str) -> Session:
    email = f"bench-{secrets.token_hex(6)}@example.com"
    password = secrets.token_urlsafe(18)
    _expect(
        request(
            "POST", base_url + "/v1/users", json_body={"email": email, "password": password, "name": "Bench"}
        ),
        201,
        "POST /v1/users",
    )
    login = _expect(
        request("POST", base_url + "/v1/auth/login", json_body={"email": email, "password": password}),
        200,
        "POST /v1/auth/login",
    )
    token = login.json()["accessToken"]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return Session(token, claims)


def place_order(base_url: str, session: Session, body: Any) -> str:
    """Places an order; its id."""
    created = _expect(
        request("POST", base_url + ORDERS, json_body=body, headers=session.authorization),
        201,
        f"POST {ORDERS}",
    )
    return created.json()["id"]


def get(base_url: str, path: str, headers: dict[str, str] | None = None) -> Response:
    """One GET that must answer 200 (also fills the service's cache for cached reads)."""
    return _expect(request("GET", base_url + path, headers=headers), 200, f"GET {path}")
