"""The OpenAPI documents are the contract: schemathesis (every check) against each running HTTP service.

Each preset is generated, built once per run (tests.support.built) and started as in production on the
local PostgreSQL, Redis and RabbitMQ. Schemathesis then derives requests from each service's own
document — valid and invalid ones, NUL characters in strings included, unknown methods, stateful
sequences — once with a valid bearer token and once without, and every answer must be one the
document lists: no server error, no undocumented status, no response off its schema. Two cases are
then asked directly, in every preset: a NUL character in a string field, and a validly signed token
whose subject is not a UUID, both client errors.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.contract.systems import DOCUMENTED_SERVICES, Service, System, running_system
from tests.support.built import built_project
from tests.support.http import request as http_request

pytestmark = [pytest.mark.e2e]

#: Bounds of one schemathesis run (one service, with or without a token): test cases per operation
#: and phase, and the whole run's wall-clock limit.
MAX_EXAMPLES = 15
RUN_TIMEOUT_S = 240
#: A fixed seed: a failure found once is found again on the next run.
SEED = 20261206
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _presets() -> list[object]:
    return [pytest.param(preset, marks=pytest.mark.xdist_group(f"contract-{preset}"), id=preset)
            for preset in DOCUMENTED_SERVICES]


@pytest.fixture(scope="module", params=_presets())
def system(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           node_env: dict[str, str], services_available: None) -> Iterator[System]:
    preset: str = request.param
    project = built_project(tmp_path_factory, node_env, preset, None if preset == "monolith" else "rabbitmq")
    with running_system(preset, project, node_env) as running:
        yield running


@dataclass
class Exchange:
    method: str
    path: str
    status: int


@dataclass
class Run:
    label: str
    exit_code: int
    output: str
    exchanges: list[Exchange]

    def server_errors(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.status >= 500]


#: Schema-valid requests the business rules refuse with a documented 400: a product that is not in
#: the catalogue or is listed twice, a cursor this API never issued. The schema cannot say either.
BUSINESS_RULE_400S = """
[[operations]]
include-path = "/v1/orders"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
"""


def _schemathesis(service: Service, token: str | None, folder: Path, label: str) -> Run:
    """Every check against `service`, bounded in examples and time; each exchange read from the HAR report."""
    config, report = folder / "schemathesis.toml", folder / "requests.har"
    folder.mkdir(parents=True)
    # The token through the document's own security scheme, so the ignored_auth check can leave it out.
    config.write_text(BUSINESS_RULE_400S + ("" if token is None else f'\n[auth.openapi.bearerAuth]\nbearer = "{token}"\n'))
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [
        executable, "--config-file", str(config), "run", service.document_url, "--checks", "all",
        "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "2", "--request-timeout", "10",
        "--generation-allow-x00", "true", "--suppress-health-check", "all", "--generation-database", "none",
        "--no-color", "--report", "har", "--report-har-path", str(report),
    ]
    # In the run's folder: schemathesis keeps a cache of its own in its working directory.
    result = subprocess.run(command, check=False, cwd=folder, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    entries = json.loads(report.read_text())["log"]["entries"] if report.is_file() else []
    exchanges = [Exchange(e["request"]["method"], urlsplit(e["request"]["url"]).path, e["response"]["status"])
                 for e in entries]
    return Run(label, result.returncode, result.stdout[-12000:] + result.stderr[-3000:], exchanges)


def _documented(document: dict) -> list[tuple[str, re.Pattern[str], set[str]]]:
    """(method, path pattern, documented statuses) for every operation of `document`."""
    operations = []
    for template, item in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]*", re.escape(template)) + "$")
        for method, operation in item.items():
            if method in HTTP_METHODS:
                operations.append((method.upper(), pattern, set(operation["responses"])))
    return operations


def _undocumented(run: Run, document: dict) -> list[Exchange]:
    """Answers whose status the document does not list for their operation. A method the path lacks
    must be answered 405 (what schemathesis's unsupported_method check asks). OPTIONS and HEAD are
    left out, as schemathesis does: CORS preflights and HEAD are the framework's, not operations."""
    operations = _documented(document)
    found = []
    for exchange in run.exchanges:
        if exchange.method in ("OPTIONS", "HEAD"):
            continue
        path_matches = [(m, statuses) for m, pattern, statuses in operations if pattern.match(exchange.path)]
        statuses = next((s for m, s in path_matches if m == exchange.method), None)
        allowed = {"405"} if statuses is None else statuses
        if str(exchange.status) not in allowed and "default" not in allowed:
            found.append(exchange)
    return found


def test_schemathesis_finds_no_server_error_and_no_undocumented_status(
    system: System, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = system.signed_up()["authorization"].removeprefix("Bearer ")
    runs: list[tuple[Run, dict]] = []
    for service in system.services.values():
        document = http_request("GET", service.document_url).json()
        for label, bearer in (("with a token", token), ("without a token", None)):
            name = f"{system.preset} {service.name} {label}"
            runs.append((_schemathesis(service, bearer, tmp_path / f"run-{len(runs)}", name), document))

    assert not system.dead(), f"a process died: {system.dead()}"
    with capsys.disabled():
        for run, document in runs:
            print(f"\n{run.label}: {len(run.exchanges)} requests, {len(run.server_errors())} server errors, "
                  f"{len(_undocumented(run, document))} undocumented statuses, schemathesis exit {run.exit_code}")
    for run, document in runs:
        assert run.exchanges, f"{run.label}: no request made\n{run.output}"
        assert not run.server_errors(), f"{run.label}: {run.server_errors()[:5]}\n{run.output}"
        assert not _undocumented(run, document), f"{run.label}: {_undocumented(run, document)[:5]}\n{run.output}"
        assert run.exit_code == 0, f"{run.label}: schemathesis found failures\n{run.output}"


def test_a_nul_character_in_a_string_field_is_a_client_error(system: System) -> None:
    base = system.entry.base
    account = {"email": "nul@example.com", "password": "correct horse battery staple", "name": "Ada\u0000Lovelace"}
    answers = {
        "name": http_request("POST", f"{base}/v1/users", json_body=account),
        "password": http_request("POST", f"{base}/v1/users",
                            json_body={**account, "name": "Ada", "password": "correct horse\u0000battery"}),
        "login password": http_request("POST", f"{base}/v1/auth/login",
                                  json_body={"email": "nul@example.com", "password": "pass\u0000word"}),
        "cursor": http_request("GET", f"{base}/v1/orders?cursor={quote(chr(0))}", headers=system.signed_up()),
    }
    for field, answer in answers.items():
        assert answer.status == 400, f"{field}: {answer.status} {answer.text}"
        body = answer.json()
        assert body["code"] == "VALIDATION_FAILED" and body["requestId"], f"{field}: {answer.text}"
    assert not system.dead(), f"a process died: {system.dead()}"


def test_a_validly_signed_token_whose_subject_is_not_a_uuid_is_a_401(system: System) -> None:
    document = http_request("GET", system.entry.document_url).json()
    token = {"authorization": f"Bearer {system.token_with_subject('not-a-uuid')}"}
    protected = [(method.upper(), path) for path, item in document["paths"].items()
                 for method, operation in item.items() if method in HTTP_METHODS and operation.get("security")]
    assert protected, "the document lists no protected operation"
    answers = {}
    for method, path in protected:
        url = system.entry.base + path.replace("{id}", "8f1f7f5e-0000-4000-8000-000000000000")
        body = {} if method == "POST" else None
        answers[f"{method} {path}"] = http_request(method, url, headers=token, json_body=body).status
    assert set(answers.values()) == {401}, answers
