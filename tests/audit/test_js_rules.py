"""Edge cases of the source-code rules: configuration objects, constants, helpers built elsewhere."""

from __future__ import annotations

from scalefold.audit.model import Status

from .conftest import BASE, audit

APP = (BASE / "src" / "app.ts").read_text()


def _run(project, rule_id: str, files: dict[str, str]):
    report = audit(project(files=files), rules=frozenset({rule_id}))
    (result,) = report.results
    return result


def test_cors_origin_with_a_wildcard_fallback_is_open(project) -> None:
    app = APP.replace("{ origin: config.corsOrigins }", "{ origin: process.env.CORS_ORIGIN ?? '*' }")
    result = _run(project, "SEC-002", {"src/app.ts": app})
    assert result.status is Status.FAIL
    assert "falls back" in result.findings[0].message


def test_cors_options_built_in_another_module_are_trusted(project) -> None:
    app = APP.replace("{ origin: config.corsOrigins }", "corsOptions(config)")
    assert _run(project, "SEC-002", {"src/app.ts": app}).status is Status.PASS


def test_route_options_imported_from_another_file_are_trusted(project) -> None:
    routes = (
        "import type { FastifyInstance } from 'fastify';\nimport "
        "{ createOrder } from './orders.schemas.js';\n\n"
        "export async function r(app: FastifyInstance) "
        "{\n  app.post('/x', createOrder, async () => ({}));\n}\n"
    )
    assert _run(project, "SEC-009", {"src/modules/orders/extra.routes.ts": routes}).status is Status.PASS


def test_express_routes_need_validation_middleware_or_a_parse_in_the_handler(project) -> None:
    bad = (
        "const express = require('express');\nconst router = express.Router();\n"
        "router.post('/orders', authenticate, (req, res) => res.json(req.body));\n"
    )
    good = bad.replace(
        "(req, res) => res.json(req.body)", "(req, res) => res.json(OrderSchema.parse(req.body))"
    )
    assert _run(project, "SEC-009", {"src/legacy/orders.js": bad}).status is Status.FAIL
    assert _run(project, "SEC-009", {"src/legacy/orders.js": good}).status is Status.PASS


def test_health_routes_declared_with_constants_count(project) -> None:
    app = (
        APP.replace("app.get('/health/live'", "app.get(LIVE")
        .replace("app.get('/health/ready'", "app.get(READY")
        .replace(
            "export async function buildApp",
            "const LIVE = '/health/live';\nconst READY = '/health/ready';\n\nexport async function buildApp",
        )
    )
    assert _run(project, "REL-004", {"src/app.ts": app}).status is Status.PASS


def test_sync_calls_at_start_up_or_in_helpers_are_fine(project) -> None:
    code = (
        "import { readFileSync } from 'node:fs';\n\nconst KEY = readFileSync('/run/secrets/key');\n\n"
        "export function loadTemplates(dir: string) {\n  return readFileSync(dir + '/a.html', 'utf8');\n}\n"
    )
    assert _run(project, "PERF-001", {"src/templates.ts": code}).status is Status.PASS


def test_console_error_before_the_logger_exists_is_allowed(project) -> None:
    code = "try {\n  start();\n} catch (error) {\n  console.error('cannot start', error);\n"
    code += "  process.exit(1);\n}\n"
    assert _run(project, "OBS-002", {"src/main.ts": code}).status is Status.PASS


def test_a_helper_function_that_closes_the_server_satisfies_graceful_shutdown(project) -> None:
    server = (
        (BASE / "src" / "server.ts")
        .read_text()
        .replace(
            "process.once('SIGTERM', async () => {\n  await app.close();\n  process.exit(0);\n});",
            "import { stopAll } from './lifecycle.js';\nprocess.once('SIGTERM', () => stopAll(app));",
        )
    )
    assert _run(project, "REL-003", {"src/server.ts": server}).status is Status.PASS


def test_console_in_a_front_end_package_of_a_monorepo_is_not_server_code(project) -> None:
    web = '{ "name": "web", "dependencies": { "react": "^19.0.0", "react-dom": "^19.0.0" } }\n'
    component = "export function Button() {\n  console.log('render');\n  return null;\n}\n"
    files = {"apps/web/package.json": web, "apps/web/src/button.tsx": component}
    assert _run(project, "OBS-002", files).status is Status.PASS
    files["src/debug.ts"] = "export const debug = () => console.log('x');\n"
    assert [f.path for f in _run(project, "OBS-002", files).findings] == ["src/debug.ts"]


def test_a_lookup_route_is_not_an_unbounded_list(project) -> None:
    routes = (
        "import type { FastifyInstance } from 'fastify';\n\nconst flags = [{ id: 'a' }];\n\n"
        "export async function r(app: FastifyInstance) {\n"
        "  app.get('/v1/flags/current', async () => flags.find((f) => f.id === 'a'));\n}\n"
    )
    assert _run(project, "PERF-004", {"src/modules/flags/flags.routes.ts": routes}).status is Status.PASS


def test_a_body_route_that_never_reads_the_body_needs_no_body_schema(project) -> None:
    routes = (
        "import type { FastifyInstance } from 'fastify';\n\n"
        "export async function r(app: FastifyInstance, service: { cancel(id: string): unknown }) {\n"
        "  app.post('/orders/:id/cancel', { schema: { params: IdParams } }, async (request) =>\n"
        "    service.cancel((request.params as { id: string }).id));\n"
        "  app.post('/logout', async (_request, reply) => reply.code(204).send());\n"
        "  app.post('/orders/:id/notes', { schema: { params: IdParams } }, async (request) => request.body);\n"
        "}\n"
    )
    result = _run(project, "SEC-009", {"src/modules/orders/cancel.routes.ts": routes})
    assert [f.line for f in result.findings] == [7]
