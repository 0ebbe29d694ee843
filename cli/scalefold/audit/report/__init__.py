"""Renderers of an audit report: Rich table (default), JSON, SARIF 2.1.0, JUnit XML and Markdown."""

from __future__ import annotations

from typing import Protocol

from scalefold.audit.report.json_report import render_json
from scalefold.audit.report.junit import render_junit
from scalefold.audit.report.markdown import render_markdown
from scalefold.audit.report.sarif import render_sarif
from scalefold.audit.results import Report

FORMATS = ("table", "json", "sarif", "junit", "markdown")


class TextRenderer(Protocol):
    def __call__(self, report: Report, *, fail_on: str = "error") -> str: ...


TEXT_RENDERERS: dict[str, TextRenderer] = {
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "markdown": render_markdown,
}

__all__ = ["FORMATS", "TEXT_RENDERERS", "TextRenderer"]
