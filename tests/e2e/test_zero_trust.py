"""End to end: no service trusts the network, in the presets with more than one deployable.

Microservices: the users service signs access tokens with an Ed25519 key and publishes its public keys
(JWKS); the gateway, users and orders each verify every bearer token themselves, so a service reached
directly, without the gateway, refuses a token from any other key (the old shared HS256 secret
included), an unsigned identity header, and a validly signed token whose subject is not a user id.
Key rotation: a token signed by the previous key verifies while that key is published, and nowhere once
it is removed. Metrics are served on each service's METRICS_PORT, not on its API port. Extracted: the API that signs and verifies its own tokens refuses the same forgeries.

Before this change, the users service answered a forged `x-authenticated-user` header with 200 and the
named account, and the gateway accepted any token signed with the shared HS256 secret.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.test_monolith import _signed_up
from tests.support.built import built_project
from tests.support.http import Response, free_port, request, wait_until_ok
from tests.support.processes import LogTail
from tests.support.processes import start as _start
from tests.support.services import REDIS_URL, fresh_database, port_open
from tests.support.tokens import claims, ed25519_key, kid_of, public_pem, sign_eddsa, sign_hs256, unsigned

pytestmark = [pytest.mark.e2e]

#: The issuer and audience the services of a generated project named `shop` sign and expect.
SYSTEM = "shop"
#: How long the gateway and orders keep the published keys here: a removed key stops verifying after it.
KEY_CACHE_MS = 1000
#: The protected route of each service, reached directly.
PROTECTED = {"users": "/v1/users/me", "orders": "/v1/orders?limit=5"}
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672"
#: The tests of one built microservices project run on one worker.
MICROSERVICES = pytest.mark.xdist_group("microservices-rabbitmq")


@dataclass
class Services:
    """users, orders and the gateway of a built microservices project, started as in production."""

    project: Path
    node_env: dict[str, str]
    envs: dict[str, dict[str, str]]
    tails: dict[str, LogTail] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.envs[name]['PORT']}"

    def start(self, name: str) -> None:
        self.tails[name] = _start(self.project / "services" / name, self.envs[name], "node", "dist/server.js")
        wait_until_ok(f"{self.url(name)}/health/ready", process=self.tails[name].process)

    def restart_users(self, **env: str) -> None:
        assert self.tails["users"].stop() == 0
        self.envs["users"].update(env)
        self.start("users")

    def sign(self, private_pem: str, sub: str, kid: str | None = None) -> str:
        payload = claims(sub, issuer=SYSTEM, audience=SYSTEM)
        return sign_eddsa(self.project / "services" / "users", self.node_env, private_pem, payload, kid)

    def kid(self, private_pem: str) -> str:
        return kid_of(self.project / "services" / "users", self.node_env, private_pem)

    def answers(self, token: str | None = None, headers: dict[str, str] | None = None) -> dict[str, Response]:
        """The answer of each protected route, at each service directly and through the gateway."""
        sent = {**(headers or {}), **({} if token is None else {"authorization": f"Bearer {token}"})}
        answers = {}
        for service, path in PROTECTED.items():
            answers[service] = request("GET", f"{self.url(service)}{path}", headers=sent)
            answers[f"gateway→{service}"] = request("GET", f"{self.url('gateway')}{path}", headers=sent)
        return answers

    def explained(self, case: str, answers: dict[str, Response]) -> str:
        """Each answer in full, and the services' last log lines: what a failure needs to be understood."""
        lines = [f"{case}: not 401 everywhere"]
        lines += [f"  {where}: {answer.status} {answer.headers.get('x-request-id')} {answer.text}"
                  for where, answer in answers.items()]
        lines += [f"--- {name}\n{tail.output(3000)}" for name, tail in self.tails.items()]
        return "\n".join(lines)

    def statuses(self, token: str | None = None, headers: dict[str, str] | None = None) -> dict[str, int]:
        return {where: answer.status for where, answer in self.answers(token, headers).items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, node_env: dict[str, str]) -> Path:
    return built_project(tmp_path_factory, node_env, "microservices", "rabbitmq")


@pytest.fixture
def services(built: Path, node_env: dict[str, str], services_available: None) -> Iterator[Services]:
    if not port_open("127.0.0.1", 5672):
        pytest.fail("RabbitMQ is not answering on 127.0.0.1:5672; the end-to-end tests need it")
    prefix = f"e2e-{uuid.uuid4().hex[:8]}"
    with fresh_database() as users_db, fresh_database() as orders_db:
        common = {**node_env, "NODE_ENV": "production", "HOST": "127.0.0.1", "LOG_LEVEL": "warn",
                  "JWT_ISSUER": SYSTEM, "JWT_AUDIENCE": SYSTEM, "RATE_LIMIT_MAX": "10000"}
        users = {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()), "DATABASE_URL": users_db, "JWT_PRIVATE_KEY": ed25519_key(),
                 "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": f"{prefix}-users"}
        jwks = f"http://127.0.0.1:{users['PORT']}/.well-known/jwks.json"
        orders = {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()), "DATABASE_URL": orders_db, "BROKER_URL": RABBITMQ_URL,
                  "BROKER_NAMESPACE": prefix, "JWKS_URL": jwks, "JWKS_CACHE_MAX_AGE_MS": str(KEY_CACHE_MS),
                  "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": f"{prefix}-orders"}
        gateway = {**common, "PORT": str(free_port()), "METRICS_PORT": str(free_port()), "JWKS_CACHE_MAX_AGE_MS": str(KEY_CACHE_MS),
                   "USERS_SERVICE_URL": f"http://127.0.0.1:{users['PORT']}",
                   "ORDERS_SERVICE_URL": f"http://127.0.0.1:{orders['PORT']}"}
        running = Services(built, node_env, {"users": users, "orders": orders, "gateway": gateway})
        try:
            yield running
        finally:
            for tail in reversed(running.tails.values()):
                if tail.process.poll() is None:
                    tail.stop()


def _started(services: Services, **users_env: str) -> Services:
    services.envs["users"].update(users_env)
    for name in ("users", "orders", "gateway"):
        services.start(name)
    return services


ALL_200 = dict.fromkeys(["users", "gateway→users", "orders", "gateway→orders"], 200)
ALL_401 = dict.fromkeys(ALL_200, 401)


@MICROSERVICES
def test_a_token_from_any_other_key_is_refused_by_every_service_reached_directly(services: Services) -> None:
    _started(services)
    _, auth = _signed_up(services.url("gateway"))
    token = auth["authorization"].removeprefix("Bearer ")
    assert services.statuses(token) == ALL_200, "the token the users service signed verifies everywhere"
    me = request("GET", f"{services.url('users')}/v1/users/me", headers=auth).json()
    forged_claims = claims(str(me["id"]), issuer=SYSTEM, audience=SYSTEM)

    real_kid = services.kid(services.envs["users"]["JWT_PRIVATE_KEY"])
    forgeries = {
        "the old shared HS256 secret": sign_hs256(secrets.token_urlsafe(48), forged_claims),
        "another Ed25519 key under the real kid": services.sign(ed25519_key(), str(me["id"]), kid=real_kid),
        "another Ed25519 key under its own kid": services.sign(ed25519_key(), str(me["id"])),
        "no signature (alg none)": unsigned(forged_claims),
    }
    for name, forged in forgeries.items():
        assert services.statuses(forged) == ALL_401, name


@MICROSERVICES
def test_an_identity_header_without_a_token_gets_401_from_every_service(services: Services) -> None:
    _started(services)
    email, auth = _signed_up(services.url("gateway"))
    me = request("GET", f"{services.url('users')}/v1/users/me", headers=auth).json()
    identity = json.dumps({"id": me["id"], "email": email, "name": me["name"]}).encode()
    header = {"x-authenticated-user": base64.urlsafe_b64encode(identity).rstrip(b"=").decode()}
    assert services.statuses(headers=header) == ALL_401
    placed = request("POST", f"{services.url('orders')}/v1/orders", headers=header,
                     json_body={"items": [{"sku": "BOOK-SRE", "quantity": 1}]})
    assert placed.status == 401, placed.text


@MICROSERVICES
def test_a_validly_signed_token_whose_subject_is_not_a_user_id_gets_401(services: Services) -> None:
    _started(services)
    key = services.envs["users"]["JWT_PRIVATE_KEY"]
    assert services.statuses(services.sign(key, str(uuid.uuid4()))) == {
        "users": 404, "gateway→users": 404, "orders": 200, "gateway→orders": 200,
    }, "the same token with a user id verifies (no such account: 404 at users)"
    for subject in ("not-a-uuid", "1 OR 1=1", ""):
        answers = services.answers(services.sign(key, subject))
        if {where: answer.status for where, answer in answers.items()} != ALL_401:
            pytest.fail(services.explained(f"subject {subject!r}", answers))


@MICROSERVICES
def test_a_rotated_key_verifies_while_it_is_published_and_nowhere_once_removed(services: Services) -> None:
    previous, current = ed25519_key(), ed25519_key()
    _started(services, JWT_PRIVATE_KEY=current, JWT_PREVIOUS_PUBLIC_KEYS=public_pem(previous))
    published = request("GET", f"{services.url('users')}/.well-known/jwks.json").json()["keys"]
    assert [key["kid"] for key in published] == [services.kid(current), services.kid(previous)]
    assert all("d" not in key for key in published), "no private part is published"

    subject = str(uuid.uuid4())
    by_previous, by_current = services.sign(previous, subject), services.sign(current, subject)
    listed = {"users": 404, "gateway→users": 404, "orders": 200, "gateway→orders": 200}
    assert services.statuses(by_previous) == listed
    assert services.statuses(by_current) == listed

    # The previous key is removed: the users service restarts with the current one alone.
    services.restart_users(JWT_PREVIOUS_PUBLIC_KEYS="")
    assert len(request("GET", f"{services.url('users')}/.well-known/jwks.json").json()["keys"]) == 1
    deadline = time.monotonic() + KEY_CACHE_MS / 1000 + 10
    while (answers := services.statuses(by_previous)) != ALL_401:
        assert time.monotonic() < deadline, f"the removed key still verifies: {answers}"
        time.sleep(0.2)
    assert services.statuses(by_current) == listed, "the current key verifies throughout"


@MICROSERVICES
def test_metrics_are_served_on_the_metrics_port_and_not_on_the_api_port(services: Services) -> None:
    _started(services)
    for name in ("gateway", "users", "orders"):
        request("GET", f"{services.url(name)}/health/live")
        assert request("GET", f"{services.url(name)}/metrics").status == 404, name
        scraped = request("GET", f"http://127.0.0.1:{services.envs[name]['METRICS_PORT']}/metrics")
        assert scraped.status == 200, name
        assert "nodejs_eventloop_lag_seconds" in scraped.text, name
        assert 'route="unmatched"' in scraped.text, f"{name}: the API's requests are measured"


@pytest.fixture(scope="module", params=[pytest.param("extracted", marks=pytest.mark.xdist_group("extracted-rabbitmq")),
                                        pytest.param("monolith", marks=pytest.mark.xdist_group("monolith"))])
def single_issuer_api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                      node_env: dict[str, str]) -> tuple[str, Path]:
    """The API that signs and verifies its own tokens (HS256, its secret never leaves the process)."""
    preset: str = request.param
    project = built_project(tmp_path_factory, node_env, preset, None if preset == "monolith" else "rabbitmq")
    return preset, project / ("apps/api" if preset == "extracted" else ".")


def test_the_api_that_issues_its_own_tokens_refuses_forgeries_and_non_uuid_subjects(
    single_issuer_api: tuple[str, Path], node_env: dict[str, str], services_available: None
) -> None:
    preset, api = single_issuer_api
    secret, issuer = secrets.token_urlsafe(48), f"shop-{preset}"
    with fresh_database() as database:
        env = {**node_env, "NODE_ENV": "production", "HOST": "127.0.0.1", "PORT": str(free_port()),
               "LOG_LEVEL": "warn", "DATABASE_URL": database, "JWT_SECRET": secret, "JWT_ISSUER": issuer,
               "JWT_AUDIENCE": issuer, "BROKER_URL": RABBITMQ_URL, "BROKER_NAMESPACE": f"e2e-{uuid.uuid4().hex[:8]}"}
        tail = _start(api, env, "node", "dist/server.js")
        try:
            base = f"http://127.0.0.1:{env['PORT']}"
            wait_until_ok(f"{base}/health/ready", process=tail.process)
            email, auth = _signed_up(base)
            me = request("GET", f"{base}/v1/users/me", headers=auth)
            assert me.status == 200, me.text
            user_id = str(me.json()["id"])

            def status(token: str | None = None, headers: dict[str, str] | None = None) -> int:
                sent = {**(headers or {}), **({} if token is None else {"authorization": f"Bearer {token}"})}
                return request("GET", f"{base}/v1/users/me", headers=sent).status

            assert status(sign_hs256(secret, claims(user_id, issuer=issuer, audience=issuer))) == 200
            assert status(sign_hs256(secrets.token_urlsafe(48), claims(user_id, issuer=issuer, audience=issuer))) == 401
            identity = json.dumps({"id": user_id, "email": email, "name": "Grace"}).encode()
            assert status(headers={"x-authenticated-user": base64.urlsafe_b64encode(identity).decode()}) == 401
            for subject in ("not-a-uuid", "1 OR 1=1"):
                assert status(sign_hs256(secret, claims(subject, issuer=issuer, audience=issuer))) == 401, subject
        finally:
            assert tail.stop() == 0
