"""The advisor's machine-readable report (``advise --json``), the record kept in a generated project,
and answers files, which may be either of those or a plain mapping of answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from scalefold import __version__
from scalefold.advisor.answers import InvalidAnswer, ScaleAnswers
from scalefold.advisor.recommend import Recommendation

#: Bumped when a key of the report changes meaning or disappears; new keys do not bump it.
#: 2: the recommendation's ``options`` became ``template_answers`` and ``advice``, apart.
SCHEMA_VERSION = 2
#: Where ``scalefold new`` records the advice inside the project it creates.
ADVICE_FILE = ".scalefold/advice.yml"

_REPORT_KEYS = {
    "schema_version",
    "scalefold_version",
    "answers",
    "defaulted",
    "recommendation",
    "shipped_presets",
    "chosen_preset",
}


def build_report(
    answers: ScaleAnswers,
    recommendation: Recommendation,
    *,
    shipped_presets: Sequence[str],
    defaulted: Sequence[str] = (),
    chosen_preset: str | None = None,
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "scalefold_version": __version__,
        "answers": answers.to_dict(),
        "defaulted": list(defaulted),
        "recommendation": {**recommendation.to_dict(), "shipped": recommendation.preset in shipped_presets},
        "shipped_presets": list(shipped_presets),
    }
    if chosen_preset is not None:
        report["chosen_preset"] = chosen_preset
    return report


def advice_file_text(report: Mapping[str, Any]) -> str:
    """The YAML recorded at :data:`ADVICE_FILE`; ``scalefold advise --answers`` reads it back."""
    header = (
        "# The scale advisor's answers and recommendation that produced this project, written by\n"
        "# `scalefold new`. Replay or revise them with: scalefold advise --answers .scalefold/advice.yml\n"
        "# The template's own answers are in .copier-answers.yml (replayed by `copier update`).\n"
    )
    return header + yaml.safe_dump(dict(report), sort_keys=False, allow_unicode=True, width=100)


def read_answers_file(path: Path) -> dict[str, Any]:
    """The raw answers in a YAML or JSON file: a plain mapping of answers, an ``advise --json``
    report, or a project's advice record (both keep the answers under ``answers``)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML, so one parser reads both
    except OSError as exc:
        raise InvalidAnswer(f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InvalidAnswer(f"{path} is not valid YAML or JSON{where}") from None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InvalidAnswer(f"{path}: expected a mapping of answers")
    if "answers" in data:
        unknown = sorted(set(data) - _REPORT_KEYS)
        if unknown:
            raise InvalidAnswer(f"{path}: unknown key {unknown[0]!r} beside 'answers'")
        data = data["answers"]
        if not isinstance(data, Mapping):
            raise InvalidAnswer(f"{path}: 'answers' must be a mapping")
    return dict(data)
