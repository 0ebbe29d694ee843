"""Presets: named answer sets shipped with scalefold, or a user's own YAML file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scalefold.errors import UsageError
from scalefold.questions import Question, validate_answers
from scalefold.resources import presets_dir


@dataclass(frozen=True)
class Preset:
    """An answer set plus the words that explain the architecture it produces."""

    name: str
    summary: str
    answers: dict[str, Any]
    architecture: list[str] = field(default_factory=list)
    source: Path | None = None


def _from_mapping(name: str, data: Any, source: Path) -> Preset:
    if not isinstance(data, Mapping):
        raise UsageError(f"preset {source.name}: expected a YAML mapping of answers")
    # A preset file is either {summary, architecture, answers: {...}} or a plain mapping of answers.
    if "answers" in data:
        answers = data.get("answers") or {}
        if not isinstance(answers, Mapping):
            raise UsageError(f"preset {source.name}: 'answers' must be a mapping")
        extra = sorted(set(data) - {"name", "summary", "architecture", "answers"})
        if extra:
            raise UsageError(f"preset {source.name}: unknown key {extra[0]!r} (expected summary, architecture, answers)")
        summary = str(data.get("summary", ""))
        architecture = [str(line) for line in data.get("architecture") or []]
    else:
        answers, summary, architecture = data, "", []
    return Preset(
        name=str(data.get("name", name)) if "answers" in data else name,
        summary=summary,
        answers=dict(answers),
        architecture=architecture,
        source=source,
    )


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read preset {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise UsageError(f"preset {path} is not valid YAML{where}") from None


def builtin_presets() -> list[Preset]:
    """The presets shipped with scalefold, in the order of the migration path."""
    order = {"monolith": 0, "extracted": 1, "microservices": 2}
    presets = [_from_mapping(path.stem, _read(path), path) for path in presets_dir().glob("*.yml")]
    return sorted(presets, key=lambda preset: (order.get(preset.name, 99), preset.name))


def _validated(preset: Preset, questions: Mapping[str, Question] | None) -> Preset:
    """Check the preset's answers against the template's questions, naming the file on error."""
    try:
        validate_answers(preset.answers, questions)
    except UsageError as exc:
        where = preset.source.name if preset.source else preset.name
        raise UsageError(f"preset {where}: {exc}") from None
    return preset


def load_preset(name_or_path: str, questions: Mapping[str, Question] | None = None) -> Preset:
    """A built-in preset by name, or a user's preset file by path, with its answers validated.

    ``questions``: the template version's questions to validate against (default: this scalefold's).
    """
    candidate = Path(name_or_path).expanduser()
    looks_like_path = candidate.suffix in {".yml", ".yaml"} or "/" in name_or_path or "\\" in name_or_path
    if looks_like_path:
        if not candidate.is_file():
            raise UsageError(f"preset file {name_or_path} does not exist")
        return _validated(_from_mapping(candidate.stem, _read(candidate), candidate), questions)
    for preset in builtin_presets():
        if preset.name == name_or_path:
            return _validated(preset, questions)
    available = ", ".join(preset.name for preset in builtin_presets())
    raise UsageError(f"unknown preset {name_or_path!r}; available: {available} (or a path to a .yml file)")
