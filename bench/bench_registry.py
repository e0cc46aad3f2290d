"""Registry search on a registry the size of a county's (default 300,000 people)."""

from __future__ import annotations

import os
import random
import statistics
import time

from bench import report


def ensure_people(count: int) -> None:
    from talentpool import demo
    from talentpool.models import Person, Village

    have = Person.objects.count()
    if have >= count:
        return
    demo.seed_places()
    demo.seed_users()
    from bench.bench_import import IMPORT_TOWNSHIPS

    # Not in the import bench's townships: it deletes their people before and after each run,
    # and pool rows made by the dashboard bench would hold on to them.
    villages = list(Village.objects.exclude(township__code__in=IMPORT_TOWNSHIPS))
    rng = random.Random(have + 1)
    batch = 20_000
    while have < count:
        people = demo.generate_people(villages, min(batch, count - have), rng)
        Person.objects.bulk_create(people, batch_size=5000, ignore_conflicts=True)
        have = Person.objects.count()


def run() -> None:
    from django.db import connection
    from django.test import Client, override_settings

    from talentpool.models import Person, User

    size = int(os.environ.get("BENCH_PEOPLE", "300000"))
    started = time.perf_counter()
    ensure_people(size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE talentpool_person")
    report("registry.people", Person.objects.count(), "people")
    report("registry.setup", time.perf_counter() - started, "s")

    client = Client()
    client.force_login(User.objects.get(username="county"))
    # This measures the searches themselves: 40 identifier look-ups in a few seconds would meet
    # the per-user limit (talentpool.lookup), which is not what is being timed.
    override_settings(IDENTIFIER_LOOKUPS_PER_MINUTE=10**6).enable()
    sample = list(
        Person.objects.order_by("?").values("name", "name_initials", "phone", "id_number")[:20]
    )
    queries = {
        "name": [p["name"] for p in sample],
        "initials": [p["name_initials"] for p in sample],
        "phone_tail": [p["phone"][-4:] for p in sample],
        "id_number": [p["id_number"] for p in sample],
    }
    for kind, terms in queries.items():
        timings = []
        for term in terms:
            t0 = time.perf_counter()
            response = client.get("/registry/", {"q": term})
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        report(f"registry.search.{kind}.median", statistics.median(timings), "ms")
        report(f"registry.search.{kind}.max", max(timings), "ms")
    t0 = time.perf_counter()
    client.get("/registry/", {"education": "20", "age_band": "30-34", "sort": "age"})
    report("registry.filter.page", (time.perf_counter() - t0) * 1000, "ms")
