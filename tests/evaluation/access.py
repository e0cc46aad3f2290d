"""The evaluation URLs in the role x URL matrix (tests/test_url_matrix.py)."""

from __future__ import annotations

from tests.access import READERS, WRITERS, Rule, allow
from tests.evaluation.factories import make_round
from tests.factories import make_person

ACCESS = {
    "evaluation:dashboard": allow(READERS),
    "evaluation:export": allow(READERS),
    "evaluation:structure": allow(READERS),
    "evaluation:round_list": allow(READERS),
    "evaluation:round_create": allow(WRITERS),
    "evaluation:round_detail": allow(READERS, "round"),
    "evaluation:round_edit": allow(WRITERS, "round"),
    "evaluation:round_sheet": allow(WRITERS, "round"),
    # The .xlsx is an export: the URL sends its writers to the export request page.
    "evaluation:round_workbook": Rule(WRITERS, "round", ok_status=302),
    "evaluation:round_import": allow(WRITERS, "round"),
    "evaluation:grid": allow(READERS),
    "evaluation:proposal_list": allow(READERS),
    "evaluation:appointment_list": allow(READERS),
    "evaluation:appoint": allow(WRITERS, "person"),
    "evaluation:career_step_create": allow(WRITERS, "person"),
    "evaluation:person_record": allow(READERS, "person"),
    "evaluation:roster": allow(READERS),
}
NOT_GET = {
    "evaluation:round_row": "POST only (htmx); tests/evaluation/test_round_sheet.py",
    "evaluation:round_submit": "POST only; tests/evaluation/test_round_sheet.py",
    "evaluation:round_confirm": "POST only, county; tests/evaluation/test_round_detail.py",
    "evaluation:round_return": "POST only, county; tests/evaluation/test_round_detail.py",
    "evaluation:proposal_accept": "POST only, county; tests/evaluation/test_proposals.py",
    "evaluation:proposal_dismiss": "POST only, county; tests/evaluation/test_proposals.py",
}


def objects(ctx) -> dict[str, dict]:
    round_a = make_round("忠州街道回头看", township=ctx.township_a, period="quarter")
    return {
        "round": {"pk": round_a.pk},
        "person": {"pk": make_person(ctx.township_a, ctx.village_a).pk},
    }
