"""The classes of false positives and misses the labelled corpus showed, each on a small fixture.

False positives: library packages of a monorepo and scaffolding templates audited as servers,
registrations made by a shared workspace package not followed, test and workspace Dockerfiles
audited as the service's image, framework defaults ignored, command-line scripts audited as
server code. Misses: `console.error` at run time, NODE_ENV set through ARG defaults.
"""

from __future__ import annotations

import json
import re
import shutil

from scalefold.audit.model import Status

from .conftest import BASE, audit

APP = (BASE / "src" / "app.ts").read_text()


def _result(root, rule_id: str):
    (result,) = audit(root, rules=frozenset({rule_id})).results
    return result


def _paths(result) -> list[str]:
    return sorted(f.location.path for f in result.findings)


def _package(name: str, deps: dict[str, str], **extra: object) -> str:
    return json.dumps({"name": name, "version": "1.0.0", "dependencies": deps, **extra}, indent=2)


# --------------------------------------------------------------------------- monorepo libraries


def _monorepo(project, plugin_registers_helmet: bool):
    plugin = (
        "import helmet from '@fastify/helmet';\nimport type { FastifyInstance } from 'fastify';\n"
        "export async function setupBase(app: FastifyInstance) { await app.register(helmet); }\n"
        if plugin_registers_helmet
        else "import type { FastifyInstance } from 'fastify';\nexport async function setupBase(app: FastifyInstance) {}\n"
    )
    return project(
        files={
            # a plugin package the app builds on: fastify as a dependency, no start script
            "packages/base/package.json": _package(
                "@acme/base", {"fastify": "^5.0.0", "@fastify/helmet": "^13.0.0"}
            ),
            "packages/base/src/index.ts": plugin,
            # a plugin package nobody uses yet: fastify as a peer
            "packages/auth/package.json": _package(
                "@acme/auth", {}, peerDependencies={"fastify": "^5.0.0"}, scripts={"test": "vitest"}
            ),
            "packages/auth/src/index.ts": "export const auth = () => {};\n",
            # the template a generator copies into new apps
            "tooling/templates/api/package.json": _package(
                "@acme/template-api", {"fastify": "^5.0.0"}, scripts={"start": "node dist/index.js"}
            ),
            "tooling/templates/api/src/index.ts": "import Fastify from 'fastify';\nFastify().listen({ port: 3000 });\n",
            # the deployed app
            "apps/api/package.json": _package(
                "api",
                {"fastify": "^5.0.0", "@acme/base": "workspace:*"},
                scripts={"start": "node dist/index.js"},
            ),
            "apps/api/src/index.ts": (
                "import Fastify from 'fastify';\nimport { setupBase } from '@acme/base';\n"
                "const app = Fastify({ logger: true });\nawait setupBase(app);\nawait app.listen({ port: 3000 });\n"
            ),
        }
    )


def test_library_packages_and_templates_of_a_monorepo_are_not_servers(project) -> None:
    result = _result(_monorepo(project, plugin_registers_helmet=False), "SEC-001")
    flagged = _paths(result)
    assert "apps/api/src/index.ts" in flagged  # the app itself still needs helmet
    assert not any(p.startswith(("packages/", "tooling/")) for p in flagged), flagged


def test_helmet_registered_by_a_shared_workspace_package_counts_for_the_app(project) -> None:
    result = _result(_monorepo(project, plugin_registers_helmet=True), "SEC-001")
    assert not any(p.startswith("apps/") for p in _paths(result)), _paths(result)


def test_process_handlers_in_a_library_do_not_count_for_the_app(project) -> None:
    root = _monorepo(project, plugin_registers_helmet=True)
    (root / "packages/base/src/process.ts").write_text(
        "export function listen() { process.on('unhandledRejection', () => process.exit(1)); }\n"
    )
    assert "apps/api/src/index.ts" in _paths(_result(root, "REL-001"))


def test_a_shutdown_library_imported_by_a_shared_workspace_package_counts_for_the_app(project) -> None:
    root = _monorepo(project, plugin_registers_helmet=True)
    (root / "packages/base/src/process.ts").write_text(
        "import closeWithGrace from 'close-with-grace';\n"
        "export function installGracefulShutdown() { closeWithGrace(async () => {}); }\n"
    )
    for rule_id in ("REL-001", "REL-002", "REL-003"):
        assert "apps/api/src/index.ts" not in _paths(_result(root, rule_id)), rule_id


def test_rate_limit_metrics_and_health_routes_of_a_shared_workspace_package_count_for_the_app(project) -> None:
    root = _monorepo(project, plugin_registers_helmet=True)
    assert "apps/api/src/index.ts" in _paths(_result(root, "SEC-003"))  # without them, the app is flagged
    (root / "packages/base/src/platform.ts").write_text(
        "import rateLimit from '@fastify/rate-limit';\n"
        "import { collectDefaultMetrics, Registry } from 'prom-client';\n"
        "import type { FastifyInstance } from 'fastify';\n"
        "export async function setupPlatform(app: FastifyInstance) {\n"
        "  await app.register(rateLimit, { max: 100 });\n"
        "  const registry = new Registry();\n"
        "  collectDefaultMetrics({ register: registry });\n"
        "  app.get('/health/live', async () => ({ status: 'ok' }));\n"
        "  app.get('/health/ready', async () => ({ status: 'ok' }));\n"
        "  app.get('/metrics', async () => registry.metrics());\n"
        "}\n"
    )
    for rule_id in ("SEC-003", "OBS-004", "REL-004"):
        assert "apps/api/src/index.ts" not in _paths(_result(root, rule_id)), rule_id


# --------------------------------------------------------------------------- Dockerfiles


def test_test_harness_ci_and_gitpod_dockerfiles_are_not_the_service_image(project) -> None:
    harness = 'FROM node:lts\nWORKDIR /app\nADD . .\nCMD ["./tests.sh"]\n'
    root = project(
        files={
            "tests/Dockerfile": harness,
            "ci/Dockerfile": harness,
            ".gitpod.Dockerfile": "FROM gitpod/workspace-full\n",
        }
    )
    for rule_id in ("DKR-002", "DKR-003", "DKR-006", "DKR-013"):
        assert _paths(_result(root, rule_id)) == [], rule_id


def _with_runtime(project, env_lines: str, cmd: str = 'CMD ["node", "dist/server.js"]'):
    dockerfile = (BASE / "Dockerfile").read_text().replace("ENV NODE_ENV=production\n", env_lines)
    dockerfile = dockerfile.replace('CMD ["node", "--import", "./dist/telemetry.js", "dist/server.js"]', cmd)
    return project(files={"Dockerfile": dockerfile})


def test_node_env_from_an_arg_default_is_production(project) -> None:
    root = _with_runtime(project, "ARG NODE_ENV=production\nENV NODE_ENV $NODE_ENV\n")
    assert _result(root, "DKR-013").status is Status.PASS


def test_node_env_with_a_production_fallback_is_production(project) -> None:
    root = _with_runtime(
        project, "ENV NODE_ENV=${DEBUG:+development}\nENV NODE_ENV=${NODE_ENV:-production}\n"
    )
    assert _result(root, "DKR-013").status is Status.PASS


def test_node_env_from_an_arg_without_default_is_empty(project) -> None:
    root = _with_runtime(project, "ARG NODE_ENV\nENV NODE_ENV $NODE_ENV\n")
    result = _result(root, "DKR-013")
    assert result.status is Status.FAIL
    assert "`empty`" in result.findings[0].message


def test_node_env_set_by_the_start_script_the_image_runs(project) -> None:
    root = _with_runtime(project, "ARG NODE_ENV\nENV NODE_ENV $NODE_ENV\n", 'CMD ["yarn", "docker:start"]')
    package = json.loads((root / "package.json").read_text())
    package["scripts"]["docker:start"] = "cross-env NODE_ENV=production node dist/server.js"
    (root / "package.json").write_text(json.dumps(package))
    assert _result(root, "DKR-013").status is Status.PASS


# --------------------------------------------------------------------------- error handlers


def test_fastify_default_error_handler_is_central(project) -> None:
    root = project(files={"src/app.ts": APP.replace("app.setErrorHandler", "app.setNotFoundHandler")})
    assert _result(root, "SEC-010").status is Status.PASS


EXPRESS_PACKAGE = _package("legacy", {"express": "^4.21.0"}, scripts={"start": "node src/index.js"})


def _express(project, registration: str):
    return project(
        files={
            "package.json": EXPRESS_PACKAGE,
            "src/index.js": (
                "const express = require('express');\nconst error = require('./middlewares/error');\n"
                f"const app = express();\napp.get('/', (req, res) => res.send('ok'));\n{registration}\n"
                "app.listen(3000);\n"
            ),
            "src/middlewares/error.js": (
                "exports.handler = (err, req, res, next) => { res.status(500).json({ message: 'failed' }); };\n"
            ),
        },
        remove=("src/app.ts", "src/server.ts"),
    )


def test_express_error_handler_imported_from_another_file_counts(project) -> None:
    assert _result(_express(project, "app.use(error.handler);"), "SEC-010").status is Status.PASS


def test_express_without_an_error_handler_is_flagged(project) -> None:
    assert _result(_express(project, ""), "SEC-010").status is Status.FAIL


# --------------------------------------------------------------------------- console and scripts


def test_console_error_at_run_time_is_flagged_at_start_up_it_is_not(project) -> None:
    code = (
        "import Fastify from 'fastify';\n"
        "const app = Fastify({ logger: true });\n"
        "app.get('/x', async () => { console.error('lookup failed'); return {}; });\n"
        "process.on('unhandledRejection', (err) => { console.error(err); });\n"
        "app.listen({ port: 3000 }).catch((err) => { console.error(err); process.exit(1); });\n"
        "connect(() => { console.warn('waiting for the database'); });\n"
    )
    result = _result(project(files={"src/extra.ts": code}), "OBS-002")
    lines = sorted(f.location.line for f in result.findings if f.location.path == "src/extra.ts")
    assert lines == [3, 4]


def test_bin_and_commands_scripts_are_not_server_code(project) -> None:
    script = "console.log('seeding');\n"
    root = project(
        files={"bin/seed.js": script, "src/commands/migrate.js": script, "first-time-setup.js": script}
    )
    assert _paths(_result(root, "OBS-002")) == []


# --------------------------------------------------------------------------- CI beyond GitHub Actions

TRAVIS = "language: node_js\nnode_js: ['24']\nscript:\n  - npm test\n"
GITLAB = """\
image: node:24
stages: [test, build, deploy]
test:
  stage: test
  script: [npm ci, npm test, npm audit --audit-level=high]
build:
  stage: build
  script: [npm run build]
deploy-production:
  stage: deploy
  image: bitnami/kubectl
  script: [kubectl apply -k k8s/overlays/production]
"""


def _ci(project, files: dict[str, str]):
    """The base project with these CI files instead of its GitHub workflows."""
    root = project()
    shutil.rmtree(root / ".github" / "workflows")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_travis_without_an_audit_is_checked_not_not_applicable(project) -> None:
    result = _result(_ci(project, {".travis.yml": TRAVIS}), "CI-002")
    assert result.status is Status.FAIL
    assert _paths(result) == [".travis.yml"]
    audited = TRAVIS.replace("  - npm test\n", "  - npm test\n  - npm audit --audit-level=high\n")
    assert _result(_ci(project, {".travis.yml": audited}), "CI-002").status is Status.PASS


def test_travis_runs_npm_test_by_default(project) -> None:
    root = _ci(project, {".travis.yml": "language: node_js\nnode_js: ['24']\n"})
    assert _result(root, "CI-001").status is Status.PASS


def test_gitlab_production_deploy_without_staging_environment_or_health_check(project) -> None:
    root = _ci(project, {".gitlab-ci.yml": GITLAB})
    assert _result(root, "CI-002").status is Status.PASS
    assert _result(root, "CI-003").status is Status.PASS
    for rule_id in ("CI-004", "CI-005", "CI-006"):
        result = _result(root, rule_id)
        assert result.status is Status.FAIL, rule_id
        assert [f.location.line for f in result.findings] == [9], rule_id
    images = _result(root, "CI-008")
    assert [(f.location.path, f.location.line) for f in images.findings] == [(".gitlab-ci.yml", 11)]


def test_gitlab_production_deploy_through_an_environment_after_staging(project) -> None:
    staged = GITLAB.replace(
        "deploy-production:\n  stage: deploy\n  image: bitnami/kubectl\n",
        "deploy-staging:\n  stage: staging\n  environment: staging\n  script: [./deploy.sh staging, curl --fail https://staging/health/ready]\n"
        "deploy-production:\n  stage: deploy\n  image: bitnami/kubectl:1.31\n  environment: {name: production}\n",
    ).replace("stages: [test, build, deploy]", "stages: [test, build, staging, deploy]")
    staged = staged.replace(
        "script: [kubectl apply -k k8s/overlays/production]",
        "script: [kubectl apply -k k8s/overlays/production, curl --fail https://prod/health/ready]",
    )
    root = _ci(project, {".gitlab-ci.yml": staged})
    for rule_id in ("CI-004", "CI-005", "CI-006", "CI-008"):
        assert _result(root, rule_id).status is Status.PASS, rule_id


def test_circleci_jobs_no_workflow_runs_are_ignored(project) -> None:
    config = """\
version: 2.1
jobs:
  test:
    docker: [{image: cimg/node:24.0}]
    steps: [checkout, {run: npm test}]
  deploy-production:
    docker: [{image: cimg/node:24.0}]
    steps: [checkout, {run: ./deploy.sh}]
workflows:
  main:
    jobs: [test]
"""
    root = _ci(project, {".circleci/config.yml": config})
    assert _result(root, "CI-001").status is Status.PASS
    assert _result(root, "CI-005").status is Status.NOT_APPLICABLE


def test_azure_and_bitbucket_pipelines_are_read(project) -> None:
    azure = "trigger: [main]\npr: [main]\nsteps:\n  - script: npm ci\n  - script: npm test\n"
    assert _result(_ci(project, {"azure-pipelines.yml": azure}), "CI-002").status is Status.FAIL
    bitbucket = """\
pipelines:
  default:
    - step: {name: test, script: [npm ci, npm test, npm audit --audit-level=high]}
    - step: {name: deploy, deployment: production, script: [./deploy.sh]}
"""
    root = _ci(project, {"bitbucket-pipelines.yml": bitbucket})
    assert _result(root, "CI-002").status is Status.PASS
    assert _result(root, "CI-004").status is Status.FAIL  # production without staging first


def test_a_job_that_publishes_documentation_is_not_a_deploy(project) -> None:
    workflow = """\
name: docs
on: {push: {branches: [main]}}
permissions: {contents: read}
jobs:
  deploy:
    name: Deploy Docusaurus to GitHub Pages
    runs-on: ubuntu-latest
    steps:
      - run: npm run build
"""
    root = _ci(project, {".github/workflows/docs.yml": workflow})
    assert _result(root, "CI-005").status is Status.NOT_APPLICABLE


# --------------------------------------------------------------------------- JWT strategies


def _jwt(project, code: str, deps: dict[str, str]):
    package = json.loads((BASE / "package.json").read_text())
    package["dependencies"].update(deps)
    return project(files={"src/auth/strategy.js": code, "package.json": json.dumps(package)})


def test_passport_jwt_strategy_options_without_algorithms(project) -> None:
    code = (
        "const JwtStrategy = require('passport-jwt').Strategy;\n"
        "const options = {\n  secretOrKey: process.env.JWT_SECRET,\n  jwtFromRequest: fromHeader,\n};\n"
        "exports.jwt = new JwtStrategy(options, verify);\n"
    )
    result = _result(_jwt(project, code, {"passport-jwt": "^4.0.0"}), "SEC-006")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("src/auth/strategy.js", 2)]
    pinned = code.replace(
        "jwtFromRequest: fromHeader,", "jwtFromRequest: fromHeader,\n  algorithms: ['HS256'],"
    )
    assert _result(_jwt(project, pinned, {"passport-jwt": "^4.0.0"}), "SEC-006").status is Status.PASS


def test_express_jwt_and_koa_jwt_middleware_without_algorithms(project) -> None:
    express = "const expressJwt = require('express-jwt');\nrouter.get('/r', expressJwt({ secret: s }), h);\n"
    koa = "import jwt from 'koa-jwt';\napp.use(jwt({ secret: s }));\n"
    assert _result(_jwt(project, express, {"express-jwt": "^6.0.0"}), "SEC-006").status is Status.FAIL
    assert _result(_jwt(project, koa, {"koa-jwt": "^4.0.0"}), "SEC-006").status is Status.FAIL
    koa_pinned = koa.replace("{ secret: s }", "{ secret: s, algorithms: ['HS256'] }")
    assert _result(_jwt(project, koa_pinned, {"koa-jwt": "^4.0.0"}), "SEC-006").status is Status.PASS


def test_jsonwebtoken_verify_with_a_callback_has_no_options(project) -> None:
    code = "const jwt = require('jsonwebtoken');\njwt.verify(token, secret, (err, payload) => done(err, payload));\n"
    assert _result(_jwt(project, code, {"jsonwebtoken": "^9.0.0"}), "SEC-006").status is Status.FAIL


# --------------------------------------------------------------------------- errors sent to clients


def test_err_message_sent_by_an_error_middleware_in_another_file(project) -> None:
    root = _express(project, "app.use(error.handler);")
    (root / "src/middlewares/error.js").write_text(
        "exports.handler = (err, req, res, next) => {\n"
        "  const response = { message: err.message || 'failed' };\n"
        "  res.status(err.status || 500).json(response);\n"
        "};\n"
    )
    result = _result(root, "SEC-011")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("src/middlewares/error.js", 2)]


def test_err_message_chosen_for_public_errors_only_is_not_a_leak(project) -> None:
    root = _express(project, "app.use(error.handler);")
    (root / "src/middlewares/error.js").write_text(
        "exports.handler = (err, req, res, next) => {\n"
        "  res.status(err.status).json({ message: err.isPublic ? err.message : 'failed',\n"
        "    stack: process.env.NODE_ENV === 'development' ? err.stack : {} });\n"
        "};\n"
    )
    assert _paths(_result(root, "SEC-011")) == []


def test_koa_catch_that_answers_with_err_message(project) -> None:
    code = (
        "import Koa from 'koa';\nconst app = new Koa();\n"
        "app.use(async (ctx, next) => {\n  try {\n    await next();\n  } catch (err) {\n"
        "    ctx.status = err.status || 500;\n    ctx.body = err.message;\n  }\n});\n"
    )
    result = _result(project(files={"src/koa.ts": code}), "SEC-011")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("src/koa.ts", 8)]


def test_framework_default_handlers_that_leak(project) -> None:
    fastify = project(files={"src/app.ts": APP.replace("app.setErrorHandler", "app.setNotFoundHandler")})
    assert "default replies with `error.message`" in _result(fastify, "SEC-011").findings[0].message
    express = _express(project, "")
    (express / "Dockerfile").unlink()
    assert "stack trace" in _result(express, "SEC-011").findings[0].message


# --------------------------------------------------------------------------- logs


def test_secrets_interpolated_or_passed_into_log_messages(project) -> None:
    code = (
        "import { logger } from '../infrastructure/logger.js';\n"
        "export function login(email: string, password: string) {\n"
        "  logger.info(`login ${email} ${password}`);\n"
        "  logger.info(`login ${email}`);\n"
        "  console.log(`ADMIN: ${ADMIN_SECRET}`);\n"
        "  const jwtSettings = this.config.get('auth.jwt');\n"
        "  console.log(jwtSettings);\n"
        "  logger.error('invalid token');\n"
        "}\n"
    )
    result = _result(project(files={"src/modules/users/login.ts": code}), "OBS-001")
    lines = sorted(
        f.location.line for f in result.findings if f.location.path == "src/modules/users/login.ts"
    )
    assert lines == [3, 5, 7]


def test_request_body_logged_on_sign_in_but_not_on_sign_out(project) -> None:
    code = (
        "export default (route, logger) => {\n"
        "  route.post('/signin', (req, res) => { logger.debug('sign-in %o', req.body); });\n"
        "  route.post('/logout', (req, res) => { logger.debug('sign-out %o', req.body); });\n"
        "};\n"
    )
    result = _result(project(files={"src/api/routes/auth.ts": code}), "OBS-001")
    assert [f.location.line for f in result.findings if f.location.path == "src/api/routes/auth.ts"] == [2]


def test_fastify_logger_carries_a_request_id_by_default(project) -> None:
    app = APP
    for option in ("genReqId", "requestIdHeader"):
        app = re.sub(rf"\n\s*{option}:[^\n]*", "", app)
    assert "genReqId" not in app and "logger" in app
    assert _result(project(files={"src/app.ts": app}), "OBS-006").status is Status.PASS


def test_fastify_cli_starts_fastify_with_its_logger(project) -> None:
    package = json.loads((BASE / "package.json").read_text())
    package["dependencies"]["fastify-cli"] = "^7.0.0"
    package["scripts"]["start"] = "fastify start dist/app.js"
    app = APP.replace("logger:", "loggerDisabled:")
    root = project(files={"package.json": json.dumps(package), "src/app.ts": app})
    assert _result(root, "OBS-001").status is Status.PASS


def test_fastify_without_a_logger_or_fastify_cli_has_no_structured_logger(project) -> None:
    root = project(files={"src/app.ts": APP.replace("logger:", "loggerDisabled:")})
    assert _result(root, "OBS-001").status is Status.FAIL


# --------------------------------------------------------------------------- floating images, secrets, CORS


def test_base_images_that_name_no_version_float(project) -> None:
    for image, floating in (
        ("node:lts-alpine3.16", True),
        ("node:alpine", True),
        ("node:iron-slim", False),
        ("node:24-slim", False),
    ):
        dockerfile = (
            (BASE / "Dockerfile")
            .read_text()
            .replace(
                "FROM node:24-slim@sha256:0d2b1f6d2b2e8e8a2b4f5c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f AS runtime",
                f"FROM {image} AS runtime",
            )
        )
        result = _result(project(files={"Dockerfile": dockerfile}), "DKR-003")
        assert (result.status is Status.FAIL) is floating, image


def test_kubernetes_image_without_a_version_floats(project) -> None:
    manifests = sorted((BASE / "k8s").rglob("*.yaml"))
    target = next(m for m in manifests if "image:" in m.read_text())
    rel = target.relative_to(BASE).as_posix()
    text = target.read_text()
    image_line = next(line for line in text.splitlines() if "image:" in line)
    floating = text.replace(image_line, image_line.split("image:")[0] + "image: redis:alpine")
    assert _result(project(files={rel: floating}), "K8S-010").status is Status.FAIL


def test_jwt_secret_fallbacks_in_configuration(project) -> None:
    config = (
        "export default {\n  jwtSecret: process.env.JWT_SECRET || 'your-secret-whatever',\n"
        "  jwtTokenSecret: { doc: 'secret', format: 'String', default: 'just-a-default-secret' },\n"
        "  refreshTokenSecret: process.env.REFRESH_SECRET,\n};\n"
    )
    result = _result(project(files={"src/settings.ts": config}), "SEC-008")
    assert sorted(f.location.line for f in result.findings if f.location.path == "src/settings.ts") == [2, 3]


def test_cors_opened_through_a_configuration_object(project) -> None:
    config = "module.exports = { origins: (process.env.CORS_ORIGINS || '*').split(',') };\n"
    options = "export const corsOptions = {\n  origin: true,\n  credentials: true,\n};\n"
    allow_list = (
        "module.exports = { origins: (process.env.CORS_ORIGINS || 'https://app.example.com').split(',') };\n"
    )
    root = project(
        files={"src/cors-config.js": config, "src/cors-options.ts": options, "src/allowed.js": allow_list}
    )
    result = _result(root, "SEC-002")
    assert sorted((f.location.path, f.location.line) for f in result.findings) == [
        ("src/cors-config.js", 1),
        ("src/cors-options.ts", 2),
    ]


def test_koa_cors_without_options_reflects_every_origin(project) -> None:
    code = "import Koa from 'koa';\nimport cors from '@koa/cors';\nconst app = new Koa();\napp.use(cors());\n"
    assert _paths(_result(project(files={"src/koa.ts": code}), "SEC-002")) == ["src/koa.ts"]


def test_an_arn_naming_a_secret_is_not_a_secret(project) -> None:
    dockerfile = (
        (BASE / "Dockerfile")
        .read_text()
        .replace(
            "ENV NODE_ENV=production\n",
            "ENV NODE_ENV=production\nARG secret_manager_arn\nENV SECRET_MANAGER_ARN=$secret_manager_arn\n",
        )
    )
    assert _result(project(files={"Dockerfile": dockerfile}), "DKR-009").status is Status.PASS


def test_an_organisations_shared_workflows_are_its_own(project) -> None:
    workflow = (BASE / ".github/workflows/ci.yml").read_text()
    assert "jobs:" in workflow
    caller = (
        "name: build\non: [push]\npermissions: {contents: read}\njobs:\n  image:\n"
        "    uses: acme/.github/.github/workflows/docker-build.yaml@main\n"
    )
    root = project(files={".github/workflows/image.yml": caller})
    assert ".github/workflows/image.yml" not in _paths(_result(root, "CI-008"))


def test_nest_application_on_express_is_judged_as_nest(project) -> None:
    package = _package(
        "nest-api",
        {"@nestjs/core": "^11.0.0", "@nestjs/platform-express": "^11.0.0", "express": "^5.0.0"},
        scripts={"start": "node dist/main.js"},
    )
    main = "import { NestFactory } from '@nestjs/core';\nconst app = await NestFactory.create(AppModule);\nawait app.listen(3000);\n"
    root = project(
        files={"package.json": package, "src/main.ts": main}, remove=("src/app.ts", "src/server.ts")
    )
    assert _result(root, "SEC-010").status is Status.PASS  # Nest's exception layer is central
    assert "nestjs-pino" in _result(root, "OBS-001").findings[0].message  # Nest's own logger is plain text


# --------------------------------------------------------------------------- unbounded reads


def test_orm_read_without_arguments_in_a_controller(project) -> None:
    code = (
        "export default class UserController {\n  static async getUsers(ctx) {\n"
        "    const users = await userRepository.find();\n    const one = await userRepository.find({ where: { id: 1 } });\n"
        "    ctx.body = users;\n  }\n}\n"
    )
    result = _result(project(files={"src/controller/user.ts": code}), "PERF-004")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("src/controller/user.ts", 3)]


def test_a_page_size_without_a_maximum(project) -> None:
    code = (
        "const Joi = require('joi');\nmodule.exports = {\n  query: {\n    limit: Joi.number().default(20),\n"
        "    take: Joi.number().min(1).max(100).default(20),\n  },\n};\n"
    )
    result = _result(project(files={"src/api/users.js": code}), "PERF-004")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("src/api/users.js", 4)]


# --------------------------------------------------------------------------- advice


def test_advice_is_reported_apart_and_never_fails_the_run(project) -> None:
    from scalefold.audit.report.json_report import report_dict

    root = project(files={"src/app.ts": APP.replace("bodyLimit: config.bodyLimitBytes,", "")})
    report = audit(root, rules=frozenset({"SEC-017"}))
    (result,) = report.results
    assert result.status is Status.PASS and result.findings == []
    assert [a.rule_id for a in report.advice] == ["SEC-017"]
    document = report_dict(report)
    assert document["results"] == [] and document["advice"][0]["rule_id"] == "SEC-017"
    assert document["summary"]["exit_code"] == 0


# --------------------------------------------------------------------------- health routes, Koa, contexts, bodies


def test_a_stateless_service_needs_one_health_route(project) -> None:
    package = _package("stateless", {"fastify": "^5.0.0"}, scripts={"start": "node dist/server.js"})
    code = (
        "import Fastify from 'fastify';\nconst app = Fastify({ logger: true });\n"
        "app.get('/health', async () => ({ ok: true }));\nawait app.listen({ port: 3000 });\n"
    )
    root = project(files={"package.json": package, "src/app.ts": code}, remove=("src/server.ts",))
    assert _result(root, "REL-004").status is Status.PASS
    stateful = json.loads(package)
    stateful["dependencies"]["pg"] = "^8.13.0"
    (root / "package.json").write_text(json.dumps(stateful))
    assert _result(root, "REL-004").status is Status.FAIL


def test_koa_try_await_next_catch_middleware_is_the_central_handler(project) -> None:
    package = _package("koa-api", {"koa": "^2.15.0"}, scripts={"start": "node src/server.js"})
    server = "import Koa from 'koa';\nimport { logging } from './logging.js';\nconst app = new Koa();\napp.use(logging());\napp.listen(3000);\n"
    logging = (
        "import { Context } from 'koa';\nexport const logging = () => async (ctx: Context, next) => {\n"
        "  try {\n    await next();\n  } catch (err) {\n    ctx.status = 500;\n  }\n};\n"
    )
    root = project(
        files={"package.json": package, "src/server.ts": server, "src/logging.ts": logging},
        remove=("src/app.ts",),
    )
    assert _result(root, "SEC-010").status is Status.PASS
    (root / "src/logging.ts").write_text(
        "export const logging = () => async (ctx, next) => { await next(); };\n"
    )
    assert _result(root, "SEC-010").status is Status.FAIL


def test_a_dockerfile_that_copies_named_files_only_needs_no_dockerignore(project) -> None:
    dockerfile = (
        "FROM node:24-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\n"
        'USER node\nCMD ["node", "server.js"]\n'
    )
    root = project(files={"Dockerfile": dockerfile})
    (root / ".dockerignore").unlink()
    assert _result(root, "DKR-005").status is Status.PASS
    (root / "Dockerfile").write_text(dockerfile.replace("COPY package.json package-lock.json ./", "COPY . ."))
    assert _result(root, "DKR-005").status is Status.FAIL


def test_a_body_only_logged_is_not_read(project) -> None:
    code = (
        "const express = require('express');\nconst router = express.Router();\n"
        "router.post('/logout', (req, res) => { logger.debug('sign-out %o', req.body); res.status(200).end(); });\n"
    )
    assert _result(project(files={"src/legacy/auth.js": code}), "SEC-009").status is Status.PASS


# --------------------------------------------------------------------------- cross-layer


def test_compose_healthcheck_of_the_built_service_calls_a_served_route(project) -> None:
    compose = (
        "services:\n  api:\n    build: .\n    healthcheck:\n"
        '      test: ["CMD", "node", "-e", "fetch(\'http://127.0.0.1:3000/healthz\')"]\n'
        "  jaeger:\n    image: jaegertracing/all-in-one:1.60\n    healthcheck:\n"
        '      test: ["CMD", "wget", "-q", "http://127.0.0.1:14269/status"]\n'
    )
    root = project(files={"compose.yaml": compose})
    result = _result(root, "REL-009")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("compose.yaml", 5)]
    (root / "compose.yaml").write_text(compose.replace("/healthz", "/health/live"))
    assert _result(root, "REL-009").status is Status.PASS


def test_gitlab_deploy_without_a_test_stage_before_it(project) -> None:
    untested = GITLAB.replace(
        "  script: [npm ci, npm test, npm audit --audit-level=high]\n", "  script: [npm ci]\n"
    )
    result = _result(_ci(project, {".gitlab-ci.yml": untested}), "CI-012")
    assert [f.location.line for f in result.findings] == [9]
    assert _result(_ci(project, {".gitlab-ci.yml": GITLAB}), "CI-012").status is Status.PASS


# --------------------------------------------------------------------------- Fastify settings


def test_trust_proxy_true_but_not_a_named_proxy_or_hop_count(project) -> None:
    for value, flagged in (("true", True), ("1", False), ("'10.0.0.0/8'", False)):
        app = APP.replace(
            "    bodyLimit: config.bodyLimitBytes,",
            f"    bodyLimit: config.bodyLimitBytes,\n    trustProxy: {value},",
        )
        result = _result(project(files={"src/app.ts": app}), "SEC-019")
        assert (result.status is Status.FAIL) is flagged, value


def test_headers_logged_need_redaction_fastify_default_does_not(project) -> None:
    serializers = "serializers: { req: (req) => ({ url: req.url, headers: req.headers }) }"
    logged = APP.replace("redact: ['req.headers.authorization']", serializers)
    redacted = APP.replace(
        "redact: ['req.headers.authorization']", f"{serializers}, redact: ['req.headers.authorization']"
    )
    default = APP.replace(", redact: ['req.headers.authorization']", "")
    assert _result(project(files={"src/app.ts": logged}), "OBS-007").status is Status.FAIL
    assert _result(project(files={"src/app.ts": redacted}), "OBS-007").status is Status.PASS
    assert (
        _result(project(files={"src/app.ts": default}), "OBS-007").status is Status.PASS
    )  # no headers logged


def test_production_compose_starting_the_service_through_the_package_manager(project) -> None:
    prod = "services:\n  api:\n    command: yarn start\n    environment:\n      - NODE_ENV=production\n"
    dev = "services:\n  api:\n    command: npm run dev\n"
    root = project(files={"docker-compose.prod.yml": prod, "docker-compose.dev.yml": dev})
    result = _result(root, "DKR-006")
    assert [(f.location.path, f.location.line) for f in result.findings] == [("docker-compose.prod.yml", 3)]


def test_hapi_route_security_headers_and_bcrypt_of_a_random_key(project) -> None:
    package = _package(
        "hapi-api", {"@hapi/hapi": "^21.0.0", "bcrypt": "^6.0.0"}, scripts={"start": "node server.js"}
    )
    manifest = "module.exports = {\n  server: {\n    port: 3000,\n    routes: {\n      security: true,\n    },\n  },\n};\n"
    server = "const Hapi = require('@hapi/hapi');\nconst server = new Hapi.Server(require('./manifest').server);\nserver.start();\n"
    session = (
        "const Bcrypt = require('bcrypt');\nclass Session {\n  static async generateKeyHash() {\n"
        "    const key = uuid();\n    const salt = await Bcrypt.genSalt(10);\n    return Bcrypt.hash(key, salt);\n  }\n"
        "  static async hashPassword(password) {\n    return Bcrypt.hash(password, 10);\n  }\n}\n"
    )
    root = project(
        files={
            "package.json": package,
            "manifest.js": manifest,
            "server.js": server,
            "models/session.js": session,
        },
        remove=("src/app.ts", "src/server.ts"),
    )
    assert _result(root, "SEC-001").status is Status.PASS
    assert [
        f.location.line for f in _result(root, "SEC-004").findings if f.location.path == "models/session.js"
    ] == [9]


def test_a_reusable_build_workflow_builds(project) -> None:
    caller = "name: build\non: [push]\njobs:\n  image:\n    uses: acme/.github/.github/workflows/reusable-docker-build.yaml@main\n"
    assert _result(_ci(project, {".github/workflows/image.yml": caller}), "CI-003").status is Status.PASS
