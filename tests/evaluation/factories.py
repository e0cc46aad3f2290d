"""Factory helpers for the evaluation stage."""

from __future__ import annotations

from datetime import date

from candidates.models import PoolMembership
from evaluation.models import Review, ReviewRound, ReviewStatus
from talentpool.models import Township, Village
from tests.candidates.factories import make_membership
from tests.factories import make_person

SCORES = {"excellent": 92, "competent": 80, "basic": 66, "incompetent": 50}


def make_round(
    name: str = "2026年度后备干部考核",
    *,
    township: Township | None = None,
    starts_on: date = date(2026, 1, 1),
    ends_on: date = date(2026, 12, 31),
    **fields,
) -> ReviewRound:
    fields.setdefault("period", "year")
    return ReviewRound.objects.create(
        name=name, township=township, starts_on=starts_on, ends_on=ends_on, **fields
    )


def make_reserve(
    township: Township, village: Village, name: str = "李明", **fields
) -> PoolMembership:
    """A person of township A's village and their active pool membership."""
    entered_on = fields.pop("entered_on", date(2025, 3, 1))
    readiness = fields.pop("readiness", "soon")
    person = make_person(township, village, name=name, **fields)
    return make_membership(person, village, entered_on=entered_on, readiness=readiness)


def make_review(
    round: ReviewRound,
    membership: PoolMembership,
    conclusion: str = "competent",
    *,
    status: str = ReviewStatus.CONFIRMED,
    score: int | None = None,
) -> Review:
    """A review straight in `status`, every dimension scored alike (no action, no proposal)."""
    value = SCORES[conclusion] if score is None else score
    scores = dict.fromkeys(round.dimension_keys, value)
    return Review.objects.create(
        round=round,
        membership=membership,
        person_id=membership.person_id,
        township_id=membership.village.township_id,
        scores=scores,
        score=round.overall(scores),
        conclusion=conclusion,
        status=status,
    )


def row_data(
    membership: PoolMembership,
    round: ReviewRound,
    value=85,
    conclusion="competent",
    version=0,
    **extra,
) -> dict:
    """POST data of one row of the review sheet."""
    prefix = f"m{membership.pk}"
    data = {f"{prefix}-dim_{key}": value for key in round.dimension_keys}
    data.update(
        {
            f"{prefix}-conclusion": conclusion,
            f"{prefix}-reviewer": extra.pop("reviewer", "镇考核组"),
            f"{prefix}-evidence": extra.pop("evidence", "参与产业项目，群众评价好。"),
            f"{prefix}-version": version,
        }
    )
    data.update(extra)
    return data
