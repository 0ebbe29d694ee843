"""The alerting rules (`monitoring/alert-rules.yml`), their runbooks, the PrometheusRule and the
Grafana dashboard, in every preset, and in the monolith with webhooks (which adds their alerts).

The rules are checked by Prometheus's own `promtool check rules`, and each alert is run by
`promtool test rules` against series that must make it fire and series that must not (a brief blip,
a ratio under the threshold, the other window of a burn rate, a state the alert ignores). promtool
comes from Debian's `prometheus` package (`.ci/run` installs the binary alone). The other checks read
the rendered files: every metric an alert or a panel reads is one the generated services export, every
runbook link lands on a section, and the Kubernetes and compose copies load the same rules.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

from tests.support.delivery import kustomize

PROJECT_NAME = "shop"
# The answers of each rendering: the presets, and the monolith with the optional feature that has alerts.
VARIANTS = {
    "monolith": {"preset": "monolith"},
    "monolith-webhooks": {"preset": "monolith", "webhooks": True},
    "extracted": {"preset": "extracted"},
    "microservices": {"preset": "microservices"},
}
# Metrics a process exports without the template defining them: prom-client's default metrics, and
# Prometheus's own `up` for each scrape target.
BUILT_IN_METRIC = re.compile(r"^(nodejs_|process_|up$)")
PROMQL_FUNCTIONS = {"sum", "max", "rate", "delta", "histogram_quantile", "and"}

pytestmark = pytest.mark.xdist_group("alerting")


@dataclass(frozen=True)
class Case:
    """Series that make `alert` fire at `at` with `labels`, and series under which it stays silent."""

    alert: str
    at: str
    fires: dict[str, str]
    silent: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)


API = 'job="api",instance="api:9464"'
SEND = 'job="worker",queue="mail",exported_job="send"'
CASES = [
    # 10% of requests fail, over both windows.
    Case(
        "ErrorBudgetBurnFast",
        "70m",
        fires={
            f'http_request_duration_seconds_count{{{API},status_code="500"}}': "0+10x70",
            f'http_request_duration_seconds_count{{{API},status_code="200"}}': "0+90x70",
        },
        # The errors stopped ten minutes ago: the hour still burns, the short window does not.
        silent={
            f'http_request_duration_seconds_count{{{API},status_code="500"}}': "0+10x60 600+0x10",
            f'http_request_duration_seconds_count{{{API},status_code="200"}}': "0+90x70",
        },
        labels={"job": "api"},
    ),
    Case(
        "ErrorBudgetBurnFast",
        "70m",
        fires={
            f'http_request_duration_seconds_count{{{API},status_code="503"}}': "0+8x70",
            f'http_request_duration_seconds_count{{{API},status_code="200"}}': "0+92x70",
        },
        # 5%: a slow burn, not a fast one.
        silent={
            f'http_request_duration_seconds_count{{{API},status_code="500"}}': "0+5x70",
            f'http_request_duration_seconds_count{{{API},status_code="200"}}': "0+95x70",
        },
        labels={"job": "api"},
    ),
    Case(
        "ErrorBudgetBurnSlow",
        "90m",
        fires={
            f'http_request_duration_seconds_count{{{API},status_code="500"}}': "0+5x90",
            f'http_request_duration_seconds_count{{{API},status_code="200"}}': "0+95x90",
        },
        # 2%, and 4xx answers are the client's errors, not the service's.
        silent={
            f'http_request_duration_seconds_count{{{API},status_code="500"}}': "0+2x90",
            f'http_request_duration_seconds_count{{{API},status_code="404"}}': "0+30x90",
            f'http_request_duration_seconds_count{{{API},status_code="200"}}': "0+68x90",
        },
        labels={"job": "api"},
    ),
    Case(
        "HighRequestLatency",
        "20m",
        fires={
            f'http_request_duration_seconds_bucket{{{API},le="0.5"}}': "0+90x20",
            f'http_request_duration_seconds_bucket{{{API},le="1"}}': "0+100x20",
            f'http_request_duration_seconds_bucket{{{API},le="+Inf"}}': "0+100x20",
        },
        silent={
            f'http_request_duration_seconds_bucket{{{API},le="0.5"}}': "0+100x20",
            f'http_request_duration_seconds_bucket{{{API},le="1"}}': "0+100x20",
            f'http_request_duration_seconds_bucket{{{API},le="+Inf"}}': "0+100x20",
        },
        labels={"job": "api"},
    ),
    Case(
        "InstanceDown",
        "5m",
        fires={f"up{{{API}}}": "0x5"},
        silent={f"up{{{API}}}": "1 0 1 1 1 1"},
        labels={"job": "api", "instance": "api:9464"},
    ),
    Case(
        "DependencyDown",
        "5m",
        fires={f'dependency_up{{{API},dependency="postgres"}}': "0x5"},
        silent={f'dependency_up{{{API},dependency="postgres"}}': "1 0 1 1 1 1"},
        labels={"job": "api", "instance": "api:9464", "dependency": "postgres"},
    ),
    Case(
        "EventLoopLagHigh",
        "10m",
        fires={f"nodejs_eventloop_lag_p99_seconds{{{API}}}": "0.5x10"},
        silent={f"nodejs_eventloop_lag_p99_seconds{{{API}}}": "0.05x10"},
        labels={"job": "api", "instance": "api:9464"},
    ),
    Case(
        "MemoryHigh",
        "15m",
        fires={f"process_resident_memory_bytes{{{API}}}": "262144000x15"},
        silent={f"process_resident_memory_bytes{{{API}}}": "104857600x15"},
        labels={"job": "api", "instance": "api:9464"},
    ),
    Case(
        "GarbageCollectionHigh",
        "20m",
        fires={f'nodejs_gc_duration_seconds_sum{{{API},kind="major"}}': "0+12x20"},
        silent={f'nodejs_gc_duration_seconds_sum{{{API},kind="major"}}': "0+1x20"},
        labels={"job": "api", "instance": "api:9464"},
    ),
    Case(
        "DatabasePoolSaturated",
        "10m",
        fires={f'db_pool_connections{{{API},pool="primary",state="waiting"}}': "3x10"},
        # Waiting now and then, and a full pool nobody waits for.
        silent={
            f'db_pool_connections{{{API},pool="primary",state="waiting"}}': "3 0 3 0 3 0 3 0 3 0 3",
            f'db_pool_connections{{{API},pool="primary",state="total"}}': "10x10",
        },
        labels={"job": "api", "instance": "api:9464", "pool": "primary"},
    ),
    Case(
        "JobQueueBacklog",
        "15m",
        # The API and the worker both report the queue: one alert per queue.
        fires={
            'jobs_queue_depth{job="api",instance="api:9464",queue="mail",state="waiting"}': "5000x15",
            'jobs_queue_depth{job="worker",instance="worker:8081",queue="mail",state="waiting"}': "5000x15",
        },
        silent={
            'jobs_queue_depth{job="worker",instance="worker:8081",queue="mail",state="waiting"}': "50x15",
            'jobs_queue_depth{job="worker",instance="worker:8081",queue="mail",state="failed"}': "5000x15",
        },
        labels={"queue": "mail"},
    ),
    Case(
        "JobsFailing",
        "40m",
        fires={
            f'jobs_processed_total{{{SEND},outcome="failed"}}': "0+1x40",
            f'jobs_processed_total{{{SEND},outcome="completed"}}': "0+9x40",
        },
        # 1% fail for good; retries that later succeed are not failures.
        silent={
            f'jobs_processed_total{{{SEND},outcome="failed"}}': "0+1x40",
            f'jobs_processed_total{{{SEND},outcome="retried"}}': "0+50x40",
            f'jobs_processed_total{{{SEND},outcome="completed"}}': "0+99x40",
        },
        labels={"queue": "mail", "exported_job": "send"},
    ),
    Case(
        "OutboxStalled",
        "15m",
        fires={f"outbox_oldest_pending_age_seconds{{{API}}}": "0+60x15"},
        # Events waiting a few seconds, as they do while the relay works.
        silent={f"outbox_oldest_pending_age_seconds{{{API}}}": "5 0 3 0 8 0 2 0 5 0 1 0 4 0 2 0"},
        labels={"job": "api"},
    ),
    # A third of the attempts fail, three a minute.
    Case(
        "WebhookDeliveriesFailing",
        "35m",
        fires={
            f'webhook_delivery_attempts_total{{{API},result="retry"}}': "0+2x35",
            f'webhook_delivery_attempts_total{{{API},result="failed"}}': "0+1x35",
            f'webhook_delivery_attempts_total{{{API},result="delivered"}}': "0+6x35",
        },
        # 2% fail: one receiver down among many.
        silent={
            f'webhook_delivery_attempts_total{{{API},result="retry"}}': "0+2x35",
            f'webhook_delivery_attempts_total{{{API},result="delivered"}}': "0+98x35",
        },
        labels={"job": "api"},
    ),
    Case(
        "WebhookDeliveriesFailing",
        "35m",
        fires={
            f'webhook_delivery_attempts_total{{{API},result="retry"}}': "0+2x35",
            f'webhook_delivery_attempts_total{{{API},result="delivered"}}': "0+2x35",
        },
        # A quiet system: half the attempts fail, but one every five minutes.
        silent={
            f'webhook_delivery_attempts_total{{{API},result="retry"}}': "0+0.2x35",
            f'webhook_delivery_attempts_total{{{API},result="delivered"}}': "0+0.2x35",
        },
        labels={"job": "api"},
    ),
    # Each instance reports the same backlog, read from the database: one alert.
    Case(
        "WebhookBacklogGrowing",
        "50m",
        fires={
            f"webhook_pending_deliveries{{{API}}}": "500+50x50",
            'webhook_pending_deliveries{job="api",instance="api-2:9464"}': "500+50x50",
        },
        # Large but draining, as after an outage of the receivers.
        silent={f"webhook_pending_deliveries{{{API}}}": "5000-50x50"},
        labels={"job": "api"},
    ),
    Case(
        "WebhookBacklogGrowing",
        "50m",
        fires={f"webhook_pending_deliveries{{{API}}}": "1200+5x50"},
        # Growing, but small: a receiver down while its deliveries wait for their retries.
        silent={f"webhook_pending_deliveries{{{API}}}": "0+10x50"},
        labels={"job": "api"},
    ),
    Case(
        "EventConsumptionFailing",
        "20m",
        fires={
            'events_consumed_total{job="notifications",type="order.placed",outcome="failed"}': "0+1x20",
        },
        silent={
            'events_consumed_total{job="notifications",type="order.placed",outcome="handled"}': "0+100x20",
            'events_consumed_total{job="notifications",type="order.placed",outcome="failed"}': "0x20",
        },
        labels={"job": "notifications", "type": "order.placed"},
    ),
]


def render(template_dir: Path, dest: Path, answers: dict[str, Any]) -> Path:
    run_copy(
        str(template_dir),
        dest,
        data={"project_name": PROJECT_NAME, "kubernetes": True, **answers},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dest


@pytest.fixture(scope="module", params=VARIANTS)
def project(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template_dir: Path
) -> Path:
    dest = tmp_path_factory.mktemp(request.param) / PROJECT_NAME
    return render(template_dir, dest, VARIANTS[request.param])


@pytest.fixture(scope="session")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail(
            "promtool is not on PATH: install Debian's `prometheus` package (apt-get install prometheus), "
            "or its binary alone as .ci/run does",
            pytrace=False,
        )
    return found


def rules_path(project: Path) -> Path:
    return project / "monitoring" / "alert-rules.yml"


def alert_rules(project: Path) -> list[dict[str, Any]]:
    groups = yaml.safe_load(rules_path(project).read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def metrics_read(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (without the histogram and counter suffixes)."""
    without_labels = re.sub(r"\{[^}]*\}|\[[^\]]*\]|by \([^)]*\)", " ", expr)
    names = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", without_labels)) - PROMQL_FUNCTIONS
    return {re.sub(r"_(bucket|count|sum)$", "", name) for name in names}


def exported_metrics(project: Path) -> set[str]:
    """The metric names the generated TypeScript defines (prom-client's `name: '...'`)."""
    found: set[str] = set()
    for source in project.rglob("src/**/*.ts"):
        if "node_modules" not in source.parts:
            found |= set(re.findall(r"name: '([a-z_]+)'", source.read_text()))
    return found


def expected_alert(rule: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """The alert promtool must report: the rule's labels and its annotations with `$labels` filled in."""

    def fill(text: str) -> str:
        return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m[1]], text)

    return {
        "exp_labels": {**labels, **rule["labels"]},
        "exp_annotations": {key: fill(value) for key, value in rule["annotations"].items()},
    }


def promtool_test(project: Path, rules: dict[str, dict[str, Any]], cases: list[Case]) -> dict[str, Any]:
    tests = []
    for case in cases:
        rule = rules[case.alert]
        tests.append(
            {
                "interval": "1m",
                "input_series": [{"series": s, "values": v} for s, v in case.fires.items()],
                "alert_rule_test": [
                    {
                        "eval_time": case.at,
                        "alertname": case.alert,
                        "exp_alerts": [expected_alert(rule, case.labels)],
                    }
                ],
            }
        )
        tests.append(
            {
                "interval": "1m",
                "input_series": [{"series": s, "values": v} for s, v in case.silent.items()],
                "alert_rule_test": [{"eval_time": case.at, "alertname": case.alert, "exp_alerts": []}],
            }
        )
    return {"rule_files": [str(rules_path(project))], "evaluation_interval": "1m", "tests": tests}


def test_promtool_accepts_the_rules(project: Path, promtool: str) -> None:
    result = subprocess.run(
        [promtool, "check", "rules", str(rules_path(project))], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alert_rules(project))} rules found" in result.stdout


def test_each_alert_fires_on_its_signal_and_stays_silent_otherwise(
    project: Path, promtool: str, tmp_path: Path
) -> None:
    rules = {rule["alert"]: rule for rule in alert_rules(project)}
    cases = [case for case in CASES if case.alert in rules]
    assert {case.alert for case in cases} == set(rules), "every alert needs a case"
    tests_file = tmp_path / "alert-rules.test.yml"
    tests_file.write_text(yaml.safe_dump(promtool_test(project, rules, cases), sort_keys=False))
    result = subprocess.run(
        [promtool, "test", "rules", str(tests_file)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_consumer_alerts_exist_where_a_broker_does(project: Path) -> None:
    alerts = {rule["alert"] for rule in alert_rules(project)}
    has_broker = (project / "services" / "notifications").is_dir()
    assert ("EventConsumptionFailing" in alerts) == has_broker
    assert {"ErrorBudgetBurnFast", "DatabasePoolSaturated", "JobsFailing", "OutboxStalled"} <= alerts


def test_webhook_alerts_exist_where_webhooks_do(project: Path) -> None:
    webhook_alerts = {"WebhookDeliveriesFailing", "WebhookBacklogGrowing"}
    has_webhooks = (project / "src" / "modules" / "webhooks").is_dir()
    alerts = {rule["alert"] for rule in alert_rules(project)}
    assert alerts & webhook_alerts == (webhook_alerts if has_webhooks else set())
    dashboard = (project / "monitoring" / "grafana-dashboard.json").read_text()
    assert ("webhook_pending_deliveries" in dashboard) == has_webhooks


def test_every_rule_has_a_duration_a_severity_and_a_runbook_section(project: Path) -> None:
    runbooks = (project / "docs" / "runbooks.md").read_text()
    anchors = {heading.lower() for heading in re.findall(r"^## (\w+)$", runbooks, flags=re.MULTILINE)}
    thresholds = runbooks.split("## Thresholds")[1].split("\n## ")[0]
    for rule in alert_rules(project):
        assert rule["for"], rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
        runbook, anchor = rule["annotations"]["runbook_url"].split("#")
        assert (project / runbook).is_file() and anchor in anchors, rule["alert"]
        assert f"| {rule['alert']} |" in thresholds, rule["alert"]


def test_alerts_and_panels_read_only_metrics_the_services_export(project: Path) -> None:
    exported = exported_metrics(project)
    dashboard = json.loads((project / "monitoring" / "grafana-dashboard.json").read_text())
    panel_exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    in_rules: set[str] = set()
    for expr in [rule["expr"] for rule in alert_rules(project)] + panel_exprs:
        for metric in metrics_read(expr):
            assert metric in exported or BUILT_IN_METRIC.match(metric), f"{metric} is not exported: {expr}"
    for rule in alert_rules(project):
        in_rules |= metrics_read(rule["expr"])
    charted = set().union(*(metrics_read(expr) for expr in panel_exprs))
    assert in_rules <= charted, "every alerting signal has a panel"


def test_kubernetes_gets_the_same_rules_as_a_prometheus_rule(project: Path, kubectl: str) -> None:
    (rule,) = kustomize(kubectl, project / "deploy" / "k8s" / "monitoring")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["kind"] == "PrometheusRule"
    assert rule["metadata"]["name"] == f"{PROJECT_NAME}-alerts"
    assert rule["spec"] == yaml.safe_load(rules_path(project).read_text())
    base = (project / "deploy" / "k8s" / "base" / "kustomization.yaml").read_text()
    assert "monitoring" not in base, "the base must apply on clusters without the Prometheus Operator"


def test_the_compose_prometheus_loads_the_rules(project: Path) -> None:
    if not (project / "observability" / "prometheus.yml").is_file():
        # Only the microservices preset runs Prometheus in compose.yaml.
        assert "prometheus" not in yaml.safe_load((project / "compose.yaml").read_text())["services"]
        return
    prometheus = yaml.safe_load((project / "observability" / "prometheus.yml").read_text())
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    mounted = {c["target"]: c["source"] for c in compose["services"]["prometheus"]["configs"]}
    (rule_file,) = prometheus["rule_files"]
    assert compose["configs"][mounted[rule_file]]["file"] == "monitoring/alert-rules.yml"
