from tests.access import ALL, READERS, WRITERS, allow
from tests.factories import make_person

BUSINESS = frozenset({"county", "township_a", "township_b", "mentor", "leader"})

ACCESS = {
    "home": allow(ALL),
    "login": allow(ALL),
    "password_change": allow(ALL),
    # The second factor's pages answer only roles that use it, and only with REQUIRE_2FA on
    # (off in tests; tests/talentpool/test_two_factor.py turns it on).
    "otp_setup": allow(()),
    "otp_verify": allow(()),
    "otp_qr": allow(()),
    "registry:list": allow(READERS),
    "registry:create": allow(WRITERS),
    "registry:detail": allow(READERS, "person"),
    "registry:edit": allow(WRITERS, "person"),
    "audit:list": allow({"auditor"}),
    "audit:access": allow({"auditor"}),
    "security:exports": allow(BUSINESS),
    "security:export_new": allow(READERS),
}
# Not opened with GET by the matrix: name -> where it is tested.
NOT_GET = {
    "logout": "POST only; tests/talentpool/test_sessions.py",
    "security:reveal": "POST only; tests/talentpool/test_reveal.py",
    "security:export_decide": "POST only; tests/talentpool/test_exports.py",
    "security:export_download": "POST only; tests/talentpool/test_exports.py",
}


def objects(ctx) -> dict[str, dict]:
    return {
        "person": {"pk": make_person(ctx.township_a, ctx.village_a).pk},
    }
