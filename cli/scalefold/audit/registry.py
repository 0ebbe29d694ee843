"""The rule catalogue: every rule and detector, listed explicitly, in report order (the registry).

Adding a rule means writing its module under ``rules/<category>/`` and adding its ``RULE`` here;
nothing registers itself when imported.
"""

from __future__ import annotations

from functools import cache

from scalefold.audit.detectors import SERVER
from scalefold.audit.model import Category
from scalefold.audit.rule import Detector, Rule
from scalefold.audit.rules.architecture import (
    no_import_cycles,
    repositories_data_only,
    routes_no_database,
    services_no_http,
)
from scalefold.audit.rules.ci import (
    build,
    dependency_audit,
    dependency_updates,
    deploy_after_checks,
    least_privilege,
    no_event_injection,
    pinned_actions,
    post_deploy_health,
    production_environment,
    pull_request_target_checkout,
    staging_before_production,
    tests_on_push_and_pr,
)
from scalefold.audit.rules.dependencies import npm_audit, pip_audit
from scalefold.audit.rules.docker import (
    base_digest,
    base_tag,
    cmd_node,
    copy_not_add,
    dockerignore,
    healthcheck,
    multi_stage,
    no_secrets,
    node_env,
    non_root,
    npm_ci,
    production_deps,
)
from scalefold.audit.rules.docker import tls_verification as docker_tls_verification
from scalefold.audit.rules.kubernetes import (
    cpu_limit,
    distinct_probes,
    drop_capabilities,
    image_tag,
    memory_limit,
    no_privilege_escalation,
    not_privileged,
    probes,
    read_only_root,
    resource_requests,
    run_as_non_root,
    seccomp,
)
from scalefold.audit.rules.observability import (
    log_level_from_config,
    log_redaction,
    metrics,
    no_console,
    otel_preload,
    request_id,
    structured_logger,
)
from scalefold.audit.rules.performance import (
    bounded_lists,
    cache_layer,
    connection_pool,
    no_sync_in_handlers,
    redos,
)
from scalefold.audit.rules.reliability import (
    engines_node,
    graceful_shutdown,
    health_checks_served,
    health_routes,
    node_version_matches_image,
    nvmrc,
    uncaught_exception,
    unhandled_rejection,
    valid_package_json,
)
from scalefold.audit.rules.reliability.process_events import PROCESS_EVENTS
from scalefold.audit.rules.security import (
    bcrypt_cost,
    body_limit,
    body_limit_bound,
    central_error_handler,
    child_process_literal,
    cors_allow_list,
    helmet,
    jwt_algorithms,
    jwt_expiry,
    jwt_secret_from_env,
    literal_require,
    lockfile,
    no_committed_env,
    no_error_leak,
    no_eval,
    no_fast_password_hash,
    rate_limit,
    response_schemas,
    route_schemas,
    trust_proxy,
)
from scalefold.audit.rules.security import tls_verification as code_tls_verification
from scalefold.audit.rules.security.error_handlers import ERROR_HANDLERS

RULES: tuple[Rule, ...] = (
    # docker
    multi_stage.RULE,
    non_root.RULE,
    base_tag.RULE,
    base_digest.RULE,
    dockerignore.RULE,
    cmd_node.RULE,
    npm_ci.RULE,
    production_deps.RULE,
    no_secrets.RULE,
    docker_tls_verification.RULE,
    copy_not_add.RULE,
    healthcheck.RULE,
    node_env.RULE,
    # ci
    tests_on_push_and_pr.RULE,
    dependency_audit.RULE,
    build.RULE,
    staging_before_production.RULE,
    production_environment.RULE,
    post_deploy_health.RULE,
    least_privilege.RULE,
    pinned_actions.RULE,
    no_event_injection.RULE,
    dependency_updates.RULE,
    pull_request_target_checkout.RULE,
    deploy_after_checks.RULE,
    # security
    helmet.RULE,
    cors_allow_list.RULE,
    rate_limit.RULE,
    bcrypt_cost.RULE,
    no_fast_password_hash.RULE,
    jwt_algorithms.RULE,
    jwt_expiry.RULE,
    jwt_secret_from_env.RULE,
    route_schemas.RULE,
    central_error_handler.RULE,
    no_error_leak.RULE,
    lockfile.RULE,
    no_committed_env.RULE,
    no_eval.RULE,
    child_process_literal.RULE,
    literal_require.RULE,
    body_limit.RULE,
    code_tls_verification.RULE,
    trust_proxy.RULE,
    response_schemas.RULE,
    body_limit_bound.RULE,
    # observability
    structured_logger.RULE,
    no_console.RULE,
    log_level_from_config.RULE,
    metrics.RULE,
    otel_preload.RULE,
    request_id.RULE,
    log_redaction.RULE,
    # performance
    no_sync_in_handlers.RULE,
    redos.RULE,
    connection_pool.RULE,
    bounded_lists.RULE,
    cache_layer.RULE,
    # reliability
    unhandled_rejection.RULE,
    uncaught_exception.RULE,
    graceful_shutdown.RULE,
    health_routes.RULE,
    engines_node.RULE,
    nvmrc.RULE,
    node_version_matches_image.RULE,
    valid_package_json.RULE,
    health_checks_served.RULE,
    # architecture
    routes_no_database.RULE,
    services_no_http.RULE,
    repositories_data_only.RULE,
    no_import_cycles.RULE,
    # kubernetes
    probes.RULE,
    distinct_probes.RULE,
    resource_requests.RULE,
    memory_limit.RULE,
    cpu_limit.RULE,
    run_as_non_root.RULE,
    no_privilege_escalation.RULE,
    drop_capabilities.RULE,
    read_only_root.RULE,
    image_tag.RULE,
    seccomp.RULE,
    not_privileged.RULE,
    # dependencies
    npm_audit.RULE,
    pip_audit.RULE,
)

# Visitors whose marks several rules read; they run whatever rules are selected.
DETECTORS: tuple[Detector, ...] = (SERVER, PROCESS_EVENTS, ERROR_HANDLERS)


@cache
def catalogue() -> tuple[Rule, ...]:
    """Every rule, grouped by category in report order, by id within a category."""
    order = {category: index for index, category in enumerate(Category)}
    rules = tuple(sorted(RULES, key=lambda r: (order[r.category], r.id)))
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate rule ids in the catalogue: {duplicates}")
    return rules


def get_rule(rule_id: str) -> Rule | None:
    wanted = rule_id.strip().upper()
    return next((r for r in catalogue() if r.id == wanted or r.name == rule_id.strip().lower()), None)
