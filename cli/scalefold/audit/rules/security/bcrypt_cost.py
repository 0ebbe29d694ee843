"""SEC-004: hash passwords with bcrypt cost 12 or more."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings

_BCRYPT = {"bcrypt", "bcryptjs", "@node-rs/bcrypt"}
MIN_BCRYPT_COST = 12


# What a bcrypt call hashes, told by its function's name: a random key or token has the entropy a
# password lacks, so a low cost does not make it crackable.
_RANDOM_SECRET = re.compile(r"(key|token|session|nonce|otp)", re.IGNORECASE)
_PASSWORD = re.compile(r"pass|pwd", re.IGNORECASE)


def _hashes_a_random_value(file: JsFile, call: Call) -> bool:
    fn = next(iter(file.enclosing_functions(call.node)), None)
    name_node = fn.child_by_field_name("name") if fn is not None else None
    name = file.text(name_node) if name_node is not None else ""
    body = file.text(fn) if fn is not None else ""
    return bool(_RANDOM_SECRET.search(name)) and not _PASSWORD.search(body)


@on_call("hash", "hashSync", "genSalt", "genSaltSync")
def _bcrypt_cost(file: JsFile, call: Call) -> Iterator[Hit]:
    module, _ = file.call_module(call)
    if module not in _BCRYPT or _hashes_a_random_value(file, call):
        return
    index = 1 if call.name.startswith("hash") else 0
    if len(call.args) <= index:
        if call.name.startswith("genSalt"):
            yield file.hit(
                call.node,
                f"`{call.name}()` uses the default cost 10: pass a cost of at least {MIN_BCRYPT_COST}",
            )
        return
    cost = file.number_value(call.args[index])
    if cost is not None and cost < MIN_BCRYPT_COST:
        yield file.hit(
            call.args[index],
            f"bcrypt cost {int(cost)} is too fast to resist offline cracking: use at least {MIN_BCRYPT_COST}",
        )


RULE = Rule(
    id="SEC-004",
    name="security-bcrypt-cost",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Hash passwords with bcrypt cost 12 or more",
    rationale="""Each step of the cost doubles the work of an attacker who stole the hashes. Cost 10
        (the library default) is cracked an order of magnitude faster than the OWASP
        recommendation.""",
    fix="""Use `bcrypt.hash(password, 12)` or higher (read the cost from configuration, with a minimum
        of 12).""",
    check=source_findings,
    visitors=(_bcrypt_cost,),
)
