"""Building blocks for the role x URL matrix (tests/test_url_matrix.py).

Each app's tests hold an `access.py` with
    ACCESS: dict[url name, Rule]
    def objects(ctx) -> dict[object key, reverse kwargs]   # objects of township A
so the matrix covers every URL without one file that every app edits."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "county",
    "township_a",
    "township_b",
    "mentor",
    "leader",
    "sysadmin",
    "secadmin",
    "auditor",
)
READERS = frozenset({"county", "township_a", "township_b", "leader"})
WRITERS = frozenset({"county", "township_a", "township_b"})
COUNTY = frozenset({"county"})
ALL = frozenset(ROLES)


@dataclass(frozen=True)
class Rule:
    """Who may GET a URL. `obj` names an object of township A that the URL is built with:
    township B's officer then gets 404 rather than 200. `expect` overrides single roles."""

    allowed: frozenset[str]
    obj: str | None = None
    expect: dict[str, int] = field(default_factory=dict)
    # Some URLs answer a GET with a redirect (e.g. a download that is prepared first).
    ok_status: int = 200

    def status_for(self, role: str) -> int:
        if role in self.expect:
            return self.expect[role]
        if role not in self.allowed:
            return 403
        if self.obj and role == "township_b":
            return 404
        return self.ok_status


def allow(roles, obj: str | None = None, **expect: int) -> Rule:
    return Rule(frozenset(roles), obj, dict(expect))
