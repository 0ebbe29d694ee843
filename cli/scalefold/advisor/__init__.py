"""The scale advisor: questions about load and teams in, a preset and options with reasons out.

Plain library code with no terminal I/O except :mod:`scalefold.advisor.panel`, which builds
(but does not print) the Rich panel. The rules live in :mod:`scalefold.advisor.rules` as tables.
"""

from scalefold.advisor.answers import (
    QUESTIONS,
    InvalidAnswer,
    MissingAnswers,
    ScaleAnswers,
    ScaleQuestion,
    complete_answers,
    parse_answers,
)
from scalefold.advisor.recommend import Recommendation, SwitchedOn, recommend
from scalefold.advisor.report import (
    ADVICE_FILE,
    SCHEMA_VERSION,
    advice_file_text,
    build_report,
    read_answers_file,
)

__all__ = [
    "ADVICE_FILE",
    "QUESTIONS",
    "SCHEMA_VERSION",
    "InvalidAnswer",
    "MissingAnswers",
    "Recommendation",
    "ScaleAnswers",
    "ScaleQuestion",
    "SwitchedOn",
    "advice_file_text",
    "build_report",
    "complete_answers",
    "parse_answers",
    "read_answers_file",
    "recommend",
]
