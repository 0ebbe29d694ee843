"""Reading the scale answers from text, files and flags, with a clear reason for each refusal."""

from __future__ import annotations

import pytest
from scalefold.advisor import InvalidAnswer, MissingAnswers, ScaleAnswers, complete_answers, parse_answers
from scalefold.advisor.answers import (
    QUESTIONS,
    describe,
    parse_background,
    parse_independent,
    parse_read_ratio,
    parse_rps,
    parse_target,
    parse_teams,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("raw", "expected"), [("500", 500), (" 5,000 ", 5000), ("10_000", 10000), (1, 1), (250, 250)]
)
def test_rps(raw: object, expected: int) -> None:
    assert parse_rps(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("0", "at least 1"),
        ("-5", "whole number"),
        ("5k", "whole number"),
        ("", "whole number"),
        (2.5, "whole number"),
        (True, "whole number"),
    ],
)
def test_rps_refusals(raw: object, reason: str) -> None:
    with pytest.raises(InvalidAnswer, match=reason):
        parse_rps(raw)


def test_teams_must_be_at_least_one() -> None:
    assert parse_teams("3") == 3
    with pytest.raises(InvalidAnswer, match="must be at least 1, got 0"):
        parse_teams("0")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("notifications", ("notifications",)),
        ("Orders, notifications", ("orders", "notifications")),
        (["notifications", "users,orders"], ("users", "orders", "notifications")),  # in the modules' order
        ("orders,orders", ("orders",)),
        ("none", ()),
        ("", ()),
        ([], ()),
        (None, ()),
    ],
)
def test_independent_parts(raw: object, expected: tuple[str, ...]) -> None:
    assert parse_independent(raw) == expected


def test_an_unknown_part_names_the_choices() -> None:
    with pytest.raises(
        InvalidAnswer, match=r"unknown part 'billing'; choose from users, orders, notifications"
    ):
        parse_independent("orders,billing")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.9", 0.9),
        ("90%", 0.9),
        ("9:1", 0.9),
        ("1:1", 0.5),
        ("0", 0.0),
        ("100%", 1.0),
        (0.75, 0.75),
        ("3:0", 1.0),
    ],
)
def test_read_ratio_forms(raw: object, expected: float) -> None:
    assert parse_read_ratio(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1.5", "between 0 and 1"),
        ("150%", "between 0 and 1"),
        ("-0.1", "between 0 and 1"),
        ("0:0", "between 0 and 1"),
        ("many", "such as 0.9, 90% or 9:1"),
        ("9:x", "such as 0.9"),
        ("nan", "between 0 and 1"),
        (True, "such as"),
    ],
)
def test_read_ratio_refusals(raw: object, reason: str) -> None:
    with pytest.raises(InvalidAnswer, match=reason):
        parse_read_ratio(raw)


def test_choices_are_case_insensitive_and_named_on_error() -> None:
    assert parse_background("HEAVY") == "heavy"
    assert parse_target(" Kubernetes ") == "kubernetes"
    with pytest.raises(
        InvalidAnswer,
        match="unknown deployment target 'k8s'; choose one of: single-host, kubernetes, bare-metal",
    ):
        parse_target("k8s")
    with pytest.raises(
        InvalidAnswer, match="unknown background work 'lots'; choose one of: none, light, heavy"
    ):
        parse_background("lots")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("y", True), ("Yes", True), (True, True), ("n", False), ("no", False), (False, False)],
)
def test_yes_no(raw: object, expected: bool) -> None:
    assert parse_yes_no(raw) is expected


def test_yes_no_refusal() -> None:
    with pytest.raises(InvalidAnswer, match="answer yes or no, got 'maybe'"):
        parse_yes_no("maybe")


def test_parse_answers_names_the_key() -> None:
    assert parse_answers({"rps": "1,000", "target": "bare-metal"}) == {"rps": 1000, "target": "bare-metal"}
    with pytest.raises(InvalidAnswer, match="^teams: expected a whole number"):
        parse_answers({"teams": "two"})
    with pytest.raises(InvalidAnswer, match="unknown answer 'rsp'; the scale questions are: rps, teams"):
        parse_answers({"rsp": 10})


def test_complete_answers_fills_defaults_and_says_which() -> None:
    answers, defaulted = complete_answers({"rps": 10, "teams": 2, "realtime": True})
    assert answers == ScaleAnswers(rps=10, teams=2, realtime=True)
    assert defaulted == ["independent", "read_ratio", "background", "webhooks", "audit_trail", "target"]


def test_complete_answers_needs_rps_and_teams() -> None:
    with pytest.raises(MissingAnswers) as missing:
        complete_answers({"target": "kubernetes"})
    assert [q.key for q in missing.value.questions] == ["rps", "teams"]
    assert str(missing.value) == "--rps, --teams"


def test_every_default_survives_being_shown_and_typed_back() -> None:
    """Prompts show a default as text; pressing Enter parses that text, which must give the default back."""
    for question in QUESTIONS:
        if not question.required:
            assert question.parse(question.show(question.default)) == question.default, question.key


def test_describe_is_one_line_of_the_answers() -> None:
    text = describe(
        ScaleAnswers(
            rps=2500, teams=1, independent=("orders",), read_ratio=0.9, realtime=True, target="kubernetes"
        )
    )
    assert text == (
        "2,500 req/s peak · 1 team · independent: orders · 90% reads · light background work · "
        "real-time · kubernetes"
    )
