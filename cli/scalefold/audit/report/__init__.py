"""Renderers of an audit report: Rich table (default), JSON, SARIF 2.1.0, JUnit XML and Markdown."""

from __future__ import annotations

from collections.abc import Callable

from scalefold.audit.engine import Report
from scalefold.audit.report.json_report import render_json
from scalefold.audit.report.junit import render_junit
from scalefold.audit.report.markdown import render_markdown
from scalefold.audit.report.sarif import render_sarif

FORMATS = ("table", "json", "sarif", "junit", "markdown")

TEXT_RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "markdown": render_markdown,
}

__all__ = ["FORMATS", "TEXT_RENDERERS"]
