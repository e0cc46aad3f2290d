"""The person's page shows the reviews and the career steps, in a fixed number of queries."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.actions import Appointment, appoint_to_post, record_career_step
from evaluation.timeline import entries
from tests.candidates.factories import make_incumbency, make_post
from tests.evaluation.factories import make_review, make_round


def test_reviews_and_ladder_steps_are_on_the_persons_page(
    client, county_officer, reserve_a, village_a
):
    make_review(make_round(), reserve_a, "excellent")
    person = reserve_a.person
    secretary, director = make_post(village_a, "secretary"), make_post(village_a, "director")
    make_incumbency(secretary, person, started_on=date(2021, 3, 1))
    appoint_to_post(
        person,
        Appointment(director, "election", date(2026, 3, 15), keep_other_posts=True),
        actor=county_officer,
    )
    record_career_step(person, "full_time", date(2026, 5, 1), actor=county_officer)
    client.force_login(county_officer)
    body = client.get(reverse("registry:detail", args=[person.pk])).content.decode()
    assert "2026年度后备干部考核：优秀（综合得分92.0）" in body
    assert "书记、主任“一肩挑”：香山村村委会主任" in body
    assert "成为专职干部" in body


def test_the_provider_costs_the_same_queries_however_long_the_history(
    county_officer, reserve_a, village_a
):
    person = reserve_a.person

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            entries(person)
        return len(ctx.captured_queries)

    before = count()
    for year in (2023, 2024, 2025):
        make_review(
            make_round(f"{year}年度", starts_on=date(year, 1, 1), ends_on=date(year, 12, 31)),
            reserve_a,
            "competent",
        )
        record_career_step(person, "other", date(year, 6, 1), actor=county_officer, note="表彰")
    assert len(entries(person)) == 6
    assert count() == before == 2
