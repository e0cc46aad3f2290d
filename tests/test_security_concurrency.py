"""Two people save the same record at the same moment: exactly one wins, the other is told,
and the database holds one consistent version. Run on two real connections (threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from talentpool.models import Person
from tests.factories import make_person, make_township

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*jobs) -> list:
    """Run each job in its own thread (so on its own database connection), all released at
    once; return their results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_concurrent_saves_of_one_version_exactly_one_wins():
    person = make_person(make_township("500233001000", "忠州街道"), skills="")

    def save(skills):
        def job():
            mine = Person.objects.get(pk=person.pk)
            mine.skills = skills
            with transaction.atomic():
                return mine.save_checked(person.version)

        return job

    for _round in range(5):
        person.refresh_from_db()
        results = _race(save("养蜂"), save("电商"))
        assert sorted(results) == [False, True], results
    person.refresh_from_db()
    assert person.version == 6
    assert person.skills in ("养蜂", "电商")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM talentpool_personevent WHERE pgh_obj_id = %s "
            "AND pgh_label = 'update'",
            [person.pk],
        )
        assert cursor.fetchone()[0] == 5  # one audit row per winning save, none for losers


def test_two_concurrent_registrations_of_one_id_number_exactly_one_is_stored():
    township = make_township("500233001000", "忠州街道")
    template = make_person(township, save=False)

    def register():
        person = Person(
            name="张维",
            gender=template.gender,
            birth_date=template.birth_date,
            id_number=template.id_number,
            township=township,
        )
        with transaction.atomic():
            person.save()
        return True

    results = _race(register, register)
    assert results.count(True) == 1
    assert sum(isinstance(r, IntegrityError) for r in results) == 1
    assert Person.objects.filter(id_number=template.id_number).count() == 1
