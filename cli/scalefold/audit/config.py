"""The per-project configuration file, `.scalefold.yml`: rules on/off, severities, excluded paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scalefold.audit.model import Severity
from scalefold.audit.parsers.yamlloc import ParseError, load_yaml_documents
from scalefold.audit.registry import get_rule
from scalefold.errors import UsageError

CONFIG_NAMES = (".scalefold.yml", ".scalefold.yaml")


@dataclass(frozen=True)
class RuleSettings:
    enabled: bool = True
    severity: Severity | None = None
    reason: str = ""


@dataclass(frozen=True)
class Exclusion:
    path: str
    reason: str


@dataclass
class AuditConfig:
    path: Path | None = None
    rules: dict[str, RuleSettings] = field(default_factory=dict)
    exclude: list[Exclusion] = field(default_factory=list)

    def settings(self, rule_id: str) -> RuleSettings:
        return self.rules.get(rule_id, RuleSettings())


def _fail(path: Path, message: str) -> UsageError:
    return UsageError(f"{path.name}: {message}")


def _severity(path: Path, where: str, value: Any) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        raise _fail(path, f"{where}: severity must be error, warning or note, not {value!r}") from None


def _rule_settings(path: Path, rule_id: str, value: Any) -> RuleSettings:
    where = f"rules.{rule_id}"
    if value is False or value == "off":
        raise _fail(
            path, f'{where}: turning a rule off needs a reason: use `{{ enabled: false, reason: "…" }}`'
        )
    if isinstance(value, str):
        return RuleSettings(severity=_severity(path, where, value))
    if not isinstance(value, dict):
        raise _fail(path, f"{where}: expected a mapping with enabled, severity and reason")
    unknown = set(value) - {"enabled", "severity", "reason"}
    if unknown:
        raise _fail(path, f"{where}: unknown key {min(unknown)!r} (use enabled, severity, reason)")
    enabled = value.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _fail(path, f"{where}.enabled must be true or false")
    reason = str(value.get("reason") or "").strip()
    if not enabled and not reason:
        raise _fail(path, f"{where}: turning a rule off needs a `reason`")
    severity = _severity(path, where, value["severity"]) if "severity" in value else None
    return RuleSettings(enabled=enabled, severity=severity, reason=reason)


def parse_config(path: Path, text: str) -> AuditConfig:
    try:
        documents = load_yaml_documents(text)
    except ParseError as exc:
        raise _fail(path, str(exc)) from None
    data = documents[0] if documents else {}
    if not isinstance(data, dict):
        raise _fail(path, "expected a mapping with `rules` and `exclude`")
    unknown = set(data) - {"version", "rules", "exclude"}
    if unknown:
        raise _fail(path, f"unknown key {min(unknown)!r} (use version, rules, exclude)")
    if data.get("version", 1) != 1:
        raise _fail(path, f"unsupported version {data.get('version')!r} (this scalefold reads version 1)")
    config = AuditConfig(path=path)
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise _fail(path, "`rules` must be a mapping of rule ids")
    for key, value in rules.items():
        found = get_rule(str(key))
        if found is None:
            raise _fail(path, f"rules: unknown rule {key!r} (see `scalefold rules`)")
        config.rules[found.id] = _rule_settings(path, found.id, value)
    excludes = data.get("exclude") or []
    if not isinstance(excludes, list):
        raise _fail(path, "`exclude` must be a list of `{ path, reason }`")
    for index, item in enumerate(excludes):
        if not isinstance(item, dict) or not item.get("path") or not str(item.get("reason") or "").strip():
            raise _fail(path, f"exclude[{index}]: each entry needs a `path` glob and a `reason`")
        config.exclude.append(Exclusion(str(item["path"]), str(item["reason"]).strip()))
    return config


def load_config(root: Path, explicit: Path | None = None) -> AuditConfig:
    """Read `--config FILE`, else `.scalefold.yml` at the audited root; no file means defaults."""
    candidates = [explicit] if explicit is not None else [root / name for name in CONFIG_NAMES]
    for path in candidates:
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"cannot read {path}: {exc}") from None
            return parse_config(path, text)
        if explicit is not None:
            raise UsageError(f"config file not found: {explicit}")
    return AuditConfig()
