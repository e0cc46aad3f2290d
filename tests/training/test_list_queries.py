"""List pages keep the same number of queries however many rows they show."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.training.factories import (
    enrol,
    make_achievement,
    make_course,
    make_mentorship,
    make_post,
    make_reserve,
    mark,
)
from training.models import Course


def build(township, n: int) -> None:
    course = make_course(None, sessions=[(date(2026, 3, 1), "4")])
    people = [make_reserve(township, name=f"学员{i}") for i in range(n)]
    make_mentorship(township, people, mentor_name="老支书")
    for i, person in enumerate(people):
        mark(enrol(course, person), course.sessions.get())
        start = date(2026, 1, 1) + timedelta(days=i)
        make_post(person, start, start + timedelta(days=90))
        make_achievement(person, company=f"公司{i}")


@pytest.mark.parametrize(
    "name",
    [
        "training:hours",
        "training:post_list",
        "training:achievement_list",
        "training:mentorship_list",
        "training:course_detail",
        "training:attendance",
    ],
)
def test_list_page_query_count_is_flat(client, county_officer, township_a, name):
    def count(n: int) -> int:
        build(township_a, n)
        kwargs = None
        if name in ("training:course_detail", "training:attendance"):
            kwargs = {"pk": Course.objects.latest("pk").pk}
        client.force_login(county_officer)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name, kwargs=kwargs), {"year": 2026}).status_code == 200
        return len(ctx)

    assert count(2) == count(20)
