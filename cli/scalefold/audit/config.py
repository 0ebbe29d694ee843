"""The per-project configuration file, `.scalefold.yml`: rules on/off, severities, excluded paths.

Every entry that hides something needs a `reason`, and any entry may carry `until: YYYY-MM-DD`:
after that day it no longer applies, and the report says so (``AuditConfig.expire``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scalefold.audit.files import glob_match
from scalefold.audit.model import Severity
from scalefold.audit.parsers.yamlloc import ParseError, load_yaml_documents
from scalefold.audit.registry import get_rule
from scalefold.audit.suppressions import parse_until
from scalefold.errors import UsageError

CONFIG_NAMES = (".scalefold.yml", ".scalefold.yaml")


@dataclass(frozen=True)
class RuleSettings:
    enabled: bool = True
    severity: Severity | None = None
    reason: str = ""
    until: date | None = None  # the last day the entry applies
    paths: tuple[str, ...] = ()  # switched off only for these globs (the rest is still audited)

    @property
    def disabled(self) -> bool:
        """Switched off for the whole project (not only for some paths)."""
        return not self.enabled and not self.paths

    def suppresses(self, path: str) -> bool:
        """Whether a finding in ``path`` is switched off by this entry."""
        return not self.enabled and (not self.paths or any(glob_match(p, path) for p in self.paths))


@dataclass(frozen=True)
class Exclusion:
    path: str
    reason: str
    until: date | None = None


@dataclass
class AuditConfig:
    path: Path | None = None
    rules: dict[str, RuleSettings] = field(default_factory=dict)
    exclude: list[Exclusion] = field(default_factory=list)

    def settings(self, rule_id: str) -> RuleSettings:
        return self.rules.get(rule_id, RuleSettings())

    def expire(self, today: date) -> list[str]:
        """Drop the entries whose `until` date has passed; what was dropped, one message each."""
        expired: list[str] = []
        for rule_id, settings in list(self.rules.items()):
            if settings.until is not None and today > settings.until:
                del self.rules[rule_id]
                expired.append(
                    f"rules.{rule_id} expired on {settings.until.isoformat()} and no longer applies "
                    "(fix the findings, or renew it with a new date and reason)"
                )
        for item in [e for e in self.exclude if e.until is not None and today > e.until]:
            self.exclude.remove(item)
            assert item.until is not None
            expired.append(
                f"exclude {item.path!r} expired on {item.until.isoformat()}: those files are audited again"
            )
        return expired


def _fail(path: Path, message: str) -> UsageError:
    return UsageError(f"{path.name}: {message}")


def _severity(path: Path, where: str, value: Any) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        raise _fail(path, f"{where}: severity must be error, warning or note, not {value!r}") from None


def _until(path: Path, where: str, value: Any) -> date | None:
    if value is None:
        return None
    try:
        return parse_until(value)
    except ValueError as exc:
        raise _fail(path, f"{where}.until: {exc}") from None


def _paths(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise _fail(path, f"{where}.paths: expected a list of path globs")
    return tuple(i.strip() for i in items)


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
    unknown = set(value) - {"enabled", "severity", "reason", "until", "paths"}
    if unknown:
        raise _fail(
            path, f"{where}: unknown key {min(unknown)!r} (use enabled, severity, reason, until, paths)"
        )
    enabled = value.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _fail(path, f"{where}.enabled must be true or false")
    reason = str(value.get("reason") or "").strip()
    if not enabled and not reason:
        raise _fail(path, f"{where}: turning a rule off needs a `reason`")
    severity = _severity(path, where, value["severity"]) if "severity" in value else None
    paths = _paths(path, where, value.get("paths"))
    if paths and enabled:
        raise _fail(path, f"{where}.paths: `paths` says where the rule is switched off: add `enabled: false`")
    return RuleSettings(
        enabled=enabled,
        severity=severity,
        reason=reason,
        until=_until(path, where, value.get("until")),
        paths=paths,
    )


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
        where = f"exclude[{index}]"
        if not isinstance(item, dict) or not item.get("path") or not str(item.get("reason") or "").strip():
            raise _fail(path, f"{where}: each entry needs a `path` glob and a `reason`")
        unknown = set(item) - {"path", "reason", "until"}
        if unknown:
            raise _fail(path, f"{where}: unknown key {min(unknown)!r} (use path, reason, until)")
        config.exclude.append(
            Exclusion(str(item["path"]), str(item["reason"]).strip(), _until(path, where, item.get("until")))
        )
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
