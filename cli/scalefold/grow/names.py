"""Which names a new domain module may have.

The name is written as it stands into a folder, a URL path (``/v1/NAME``), an OpenAPI tag, TypeScript
identifiers (``createNAMEModule``) and an unquoted SQL table name, so it is kept to what is safe in all
of them: lowercase letters and digits, starting with a letter.
"""

from __future__ import annotations

import re

from scalefold.errors import UsageError

_NAME = re.compile(r"^[a-z][a-z0-9]{1,39}$")

#: The template's own modules, tables, route prefixes and source folders: a module of that name would
#: collide with one of them.
TEMPLATE_NAMES = frozenset(
    {
        "users", "orders", "notifications", "webhooks", "products", "auth", "outbox", "events", "history",
        "health", "metrics", "docs", "jobs", "modules", "shared", "infrastructure", "platform", "contracts",
        "gateway", "api", "app", "test",
    }
)

#: PostgreSQL's reserved key words (its documentation, appendix C) that a module name could be: none
#: of them is a table name without quotes.
SQL_RESERVED = frozenset(
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
        "binary", "both", "case", "cast", "check", "collate", "collation", "column", "concurrently",
        "constraint", "create", "cross", "default", "deferrable", "desc", "distinct", "do", "else", "end",
        "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having",
        "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading",
        "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset",
        "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning",
        "right", "select", "similar", "some", "symmetric", "table", "tablesample", "then", "to", "trailing",
        "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with"
    }
)


def check_module_name(name: str) -> None:
    """Refuse a name that is not a lowercase identifier, or one the template or SQL keeps for itself."""
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"invalid module name {name!r}: use 2 to 40 lowercase letters and digits, starting with a letter "
            "(e.g. inventory)"
        )
    if name in TEMPLATE_NAMES:
        raise UsageError(f"invalid module name {name!r}: the template already uses this name")
    if name in SQL_RESERVED:
        raise UsageError(f"invalid module name {name!r}: it is an SQL key word, and the module's table bears its name")
