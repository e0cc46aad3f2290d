from tests.access import ALL, READERS, WRITERS, allow
from tests.factories import make_person

ACCESS = {
    "home": allow(ALL),
    "login": allow(ALL),
    "registry:list": allow(READERS),
    "registry:create": allow(WRITERS),
    "registry:detail": allow(READERS, "person"),
    "registry:edit": allow(WRITERS, "person"),
    "audit:list": allow({"auditor"}),
}
# Not opened with GET by the matrix: name -> where it is tested.
NOT_GET = {"logout": "POST only; tests/talentpool/test_auth.py"}


def objects(ctx) -> dict[str, dict]:
    return {"person": {"pk": make_person(ctx.township_a, ctx.village_a).pk}}
