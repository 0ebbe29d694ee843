"""Each preset's HTTP services, built once per run and started as in production for contract tests."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.http import free_port, request, wait_until_ok
from tests.support.processes import LogTail, start
from tests.support.project import delete_redis_keys
from tests.support.services import REDIS_URL, fresh_database
from tests.support.tokens import claims, ed25519_key, sign_eddsa, sign_hs256

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672"

#: The HTTP services of each preset that publish an OpenAPI document: name -> path of the document.
#: (The notifications service has probes and metrics only, no API.)
DOCUMENTED_SERVICES = {
    "monolith": {"api": "/docs/json"},
    "extracted": {"api": "/docs/json"},
    "microservices": {"gateway": "/openapi.json", "users": "/docs/json", "orders": "/docs/json"},
}


@dataclass
class Service:
    name: str
    base: str
    document_path: str

    @property
    def document_url(self) -> str:
        return f"{self.base}{self.document_path}"


@dataclass
class System:
    """The running services of one preset; `entry` is where clients call (the API or the gateway)."""

    preset: str
    services: dict[str, Service]
    jwt_secret: str
    jwt_issuer: str
    processes: dict[str, LogTail] = field(default_factory=dict)
    #: microservices: the users service's Ed25519 signing key, and where to run jose to sign with it.
    signing_key: str | None = None
    users_workspace: Path | None = None
    node_env: dict[str, str] = field(default_factory=dict)

    @property
    def entry(self) -> Service:
        return self.services["gateway" if "gateway" in self.services else "api"]

    def signed_up(self) -> dict[str, str]:
        """A new account's bearer header, obtained through the entry point."""
        email, password = f"contract-{secrets.token_hex(4)}@example.com", "correct horse battery staple"
        created = request("POST", f"{self.entry.base}/v1/users",
                          json_body={"email": email, "password": password, "name": "Contract"})
        assert created.status == 201, created.text
        login = request("POST", f"{self.entry.base}/v1/auth/login", json_body={"email": email, "password": password})
        assert login.status == 200, login.text
        return {"authorization": f"Bearer {login.json()['accessToken']}"}

    def token_with_subject(self, subject: str) -> str:
        """A token signed as the services sign theirs for `subject`: Ed25519 by the users service's key
        (microservices), HS256 with the API's secret (monolith, extracted)."""
        payload = claims(subject, issuer=self.jwt_issuer, audience=self.jwt_issuer, email="mallory@example.com",
                         name="Mallory", lifetime=600)
        if self.signing_key is not None and self.users_workspace is not None:
            return sign_eddsa(self.users_workspace, self.node_env, self.signing_key, payload)
        return sign_hs256(self.jwt_secret, payload)

    def dead(self) -> dict[str, str]:
        return {name: tail.output(2000) for name, tail in self.processes.items() if not tail.alive}


@contextmanager
def running_system(preset: str, project: Path, node_env: dict[str, str]) -> Iterator[System]:
    """The preset's HTTP services on fresh databases, a Redis key prefix and broker namespace of their own."""
    key_prefix, namespace = f"contract-{uuid.uuid4().hex[:8]}", f"contract-{uuid.uuid4().hex[:8]}"
    jwt_secret = secrets.token_urlsafe(48)
    signing_key = ed25519_key() if preset == "microservices" else ""
    issuer = "shop"  # the generated project's name (`scalefold new … shop`), the default issuer and audience
    common = {
        **node_env,
        "NODE_ENV": "production",
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "warn",
        "REDIS_URL": REDIS_URL,
        "BROKER_NAMESPACE": namespace,
        "CORS_ORIGINS": "https://app.example.com",
        # Neither the rate limits nor load shedding are under test: a fuzzer must not meet them.
        "RATE_LIMIT_MAX": "1000000",
        "AUTH_RATE_LIMIT_MAX": "1000000",
        "MAX_EVENT_LOOP_DELAY_MS": "0",
        "JWT_ISSUER": issuer,
        "JWT_AUDIENCE": issuer,
    }
    workspace = project if preset == "monolith" else project / "services" / "notifications"  # has ioredis
    prefixes = [key_prefix] if preset != "microservices" else [f"{key_prefix}-{name}" for name in DOCUMENTED_SERVICES[preset]]
    with ExitStack() as stack:
        for prefix in prefixes:  # deleted once every process has stopped
            stack.callback(delete_redis_keys, workspace, node_env, REDIS_URL, prefix)
        processes: dict[str, LogTail] = {}
        services: dict[str, Service] = {}

        def launch(name: str, folder: Path, env: dict[str, str]) -> None:
            tail = start(folder, env, "node", "dist/server.js")
            processes[name] = tail
            stack.callback(tail.stop)
            wait_until_ok(f"http://127.0.0.1:{env['PORT']}/health/ready", process=tail.process)
            services[name] = Service(name, f"http://127.0.0.1:{env['PORT']}", DOCUMENTED_SERVICES[preset][name])

        if preset in ("monolith", "extracted"):
            folder = project if preset == "monolith" else project / "apps" / "api"
            database = stack.enter_context(fresh_database("scalefold_contract"))
            launch("api", folder, {**common, "PORT": str(free_port()), "DATABASE_URL": database,
                                   "JWT_SECRET": jwt_secret, "BROKER_URL": BROKER_URL,
                                   "REDIS_KEY_PREFIX": key_prefix})
        else:
            users_db = stack.enter_context(fresh_database("scalefold_contract"))
            orders_db = stack.enter_context(fresh_database("scalefold_contract"))
            users = {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()),
                     "DATABASE_URL": users_db, "JWT_PRIVATE_KEY": signing_key,
                     "REDIS_KEY_PREFIX": f"{key_prefix}-users"}
            jwks = f"http://127.0.0.1:{users['PORT']}/.well-known/jwks.json"
            orders = {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()),
                      "DATABASE_URL": orders_db, "BROKER_URL": BROKER_URL, "JWKS_URL": jwks,
                      "REDIS_KEY_PREFIX": f"{key_prefix}-orders"}
            launch("users", project / "services" / "users", users)
            launch("orders", project / "services" / "orders", orders)
            launch("gateway", project / "services" / "gateway",
                   {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()),
                    "REDIS_KEY_PREFIX": f"{key_prefix}-gateway",
                    "USERS_SERVICE_URL": f"http://127.0.0.1:{users['PORT']}",
                    "ORDERS_SERVICE_URL": f"http://127.0.0.1:{orders['PORT']}"})
        yield System(preset, services, jwt_secret, issuer, processes,
                     signing_key=signing_key if preset == "microservices" else None,
                     users_workspace=project / "services" / "users", node_env=node_env)
