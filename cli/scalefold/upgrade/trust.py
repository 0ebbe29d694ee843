"""Copier's trust list: templates whose migrations and tasks Copier runs without asking.

``scalefold update`` trusts the configured template source itself; a project that records another
source is trusted when the user's Copier settings trust it (the same list plain ``copier update``
reads), or with ``--trust``. Entries are matched as Copier documents them: an entry ending in ``/``
trusts every repository under that prefix, any other entry trusts that repository alone.
"""

from __future__ import annotations

import warnings

from scalefold.upgrade.source import TemplateSource


def _trust_list() -> list[str]:
    from copier import load_settings  # imported late: it is the slowest import of the tool

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a settings path that does not exist is not our concern here
            return list(load_settings().trust)
    except Exception:  # an unreadable settings file: trust nothing, Copier will say why if it matters
        return []


def is_trusted(entries: list[str], source: TemplateSource) -> bool:
    for entry in entries:
        if entry.endswith("/"):
            prefix = TemplateSource.parse(entry).location.rstrip("/") + "/"
            if source.location.startswith(prefix):
                return True
        elif TemplateSource.parse(entry).same_as(source):
            return True
    return False


def trusted_by_copier(source: TemplateSource) -> bool:
    return is_trusted(_trust_list(), source)
