"""docs/rules/ is generated from the catalogue and committed: it must match the code."""

from __future__ import annotations

from pathlib import Path

from scalefold.audit import catalogue
from scalefold.audit.docs import generate

DOCS = Path(__file__).parents[2] / "docs" / "rules"


def test_committed_rule_pages_are_up_to_date(tmp_path: Path) -> None:
    generate(tmp_path)
    expected = {p.name: p.read_text() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text() for p in DOCS.glob("*.md")}
    stale = sorted(
        name for name in expected.keys() | committed.keys() if expected.get(name) != committed.get(name)
    )
    assert not stale, f"regenerate with `python -m scalefold.audit.docs docs/rules`: {stale}"


def test_every_rule_has_a_page_with_rationale_and_fix() -> None:
    for rule in catalogue():
        page = (DOCS / f"{rule.id}.md").read_text()
        assert rule.rationale in page and rule.fix in page
        assert f"scalefold-ignore {rule.id}:" in page
