"""Dates are the deployment's local dates (Asia/Shanghai): between 00:00 and 08:00 Beijing time
the UTC date is still yesterday, and a date taken from it is a day early."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from candidates.models import Incumbency
from talentpool.identity import make_id_number, parse_id_number
from talentpool.timeline import entries_for
from tests.candidates.factories import make_incumbency, make_post
from tests.factories import make_person

# Small hours in Beijing, far from the day the tests really run.
EARLY = [(2024, 3, 5, 0, 30), (2024, 3, 5, 7, 59)]
LOCAL_DAY = date(2024, 3, 5)


@pytest.mark.parametrize("moment", EARLY, ids=["00:30", "07:59"])
def test_the_clock_fixture_is_a_day_ahead_of_utc(local_clock, moment):
    local_clock(*moment)
    assert timezone.localdate() == LOCAL_DAY
    assert timezone.now().date() == date(2024, 3, 4)


@pytest.mark.parametrize("moment", EARLY, ids=["00:30", "07:59"])
def test_a_person_registered_early_in_the_morning_is_registered_that_day(
    local_clock, township_a, moment
):
    local_clock(*moment)
    person = make_person(township_a)
    registered = [e for e in entries_for(person) if e.kind == "登记"]
    assert [e.date for e in registered] == [LOCAL_DAY]


@pytest.mark.parametrize("moment", EARLY, ids=["00:30", "07:59"])
def test_age_turns_on_the_local_birthday(local_clock, township_a, moment):
    local_clock(*moment)
    person = make_person(township_a, birth_date=date(2000, 3, 5))
    assert person.age() == 24


@pytest.mark.parametrize("moment", EARLY, ids=["00:30", "07:59"])
def test_someone_born_today_local_time_is_not_born_in_the_future(local_clock, moment):
    local_clock(*moment)
    info = parse_id_number(make_id_number("500233", LOCAL_DAY, 1, "1"))
    assert info.birth_date == LOCAL_DAY


@pytest.mark.parametrize("moment", EARLY, ids=["00:30", "07:59"])
def test_an_incumbency_starting_today_is_running_today(local_clock, township_a, village_a, moment):
    local_clock(*moment)
    incumbency = make_incumbency(make_post(village_a), make_person(township_a), LOCAL_DAY)
    assert incumbency.is_active()
    assert Incumbency.objects.active().filter(pk=incumbency.pk).exists()


@pytest.mark.parametrize("moment", EARLY, ids=["00:30", "07:59"])
def test_the_registry_age_filter_counts_from_the_local_day(
    local_clock, client, county_officer, township_a, moment
):
    local_clock(*moment)
    # 25 today (local), still 24 by the UTC date.
    make_person(township_a, name="周岁满", birth_date=date(1999, 3, 5))
    client.force_login(county_officer)
    page = client.get(reverse("registry:list"), {"age_band": "25-29"}).content.decode()
    assert "周岁满" in page


SOURCES = [
    path
    for app in ("talentpool", "candidates", "training", "evaluation")
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
    if "migrations" not in path.parts
]
MACHINE_CLOCK = re.compile(
    r"\bdate\.today\(\)|\bdatetime\.(now|today|utcnow)\(\)|timezone\.now\(\)\.date\(\)"
    r"|_at\.date\(\)"
)


def test_no_code_takes_a_date_from_the_machine_clock_or_utc():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}"
        for path in SOURCES
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if MACHINE_CLOCK.search(line)
    ]
    assert SOURCES and offenders == []
