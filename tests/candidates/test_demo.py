import random
from statistics import mean

from candidates import demo
from candidates.models import Incumbency, Nomination, PoolMembership, Status, VillagePost
from talentpool import codes
from talentpool import demo as core_demo
from talentpool.models import Person
from tests.factories import make_village


def _small_county(township_a, township_b):
    villages = [make_village(township_a, n, f"甲{n}村") for n in range(201, 205)]
    villages += [make_village(township_b, n, f"乙{n}村") for n in range(201, 205)]
    people = core_demo.generate_people(villages, 400, random.Random(1))
    Person.objects.bulk_create(people)


def test_demo_fills_every_village_shows_the_before_and_is_idempotent(
    personas, township_a, township_b
):
    _small_county(township_a, township_b)

    first = demo.seed()
    again = demo.seed()

    assert first["posts"] == VillagePost.objects.count() > 0
    assert again == {"posts": 0, "incumbents": 0, "reserves": 0, "nominations": 0}
    assert not VillagePost.objects.filter(village__posts__isnull=True).exists()
    incumbents = {i.person for i in Incumbency.objects.active(demo.TODAY).select_related("person")}
    assert 45 <= mean(p.age(demo.TODAY) for p in incumbents) <= 52
    college = sum(p.education in codes.COLLEGE_OR_ABOVE for p in incumbents) / len(incumbents)
    assert 0.15 <= college <= 0.45
    assert Incumbency.objects.holding_both_posts(demo.TODAY).exists()
    stages = set(Nomination.objects.values_list("status", flat=True))
    assert {Status.SCREENING, Status.TOWNSHIP, Status.COUNTY, Status.POOLED} <= stages
    assert PoolMembership.objects.active().exists()
