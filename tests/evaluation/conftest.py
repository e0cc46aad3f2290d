from datetime import date

import pytest

from tests.candidates.factories import make_incumbency, make_post
from tests.evaluation.factories import make_reserve, make_round
from tests.factories import make_person


@pytest.fixture
def round_a(township_a):
    """A township-only round of township A."""
    return make_round("忠州街道2026年第二季度回头看", township=township_a, period="quarter")


@pytest.fixture
def county_round(db):
    return make_round()


@pytest.fixture
def reserve_a(township_a, village_a):
    return make_reserve(township_a, village_a, name="李明")


@pytest.fixture
def reserve_b(township_b, village_b):
    return make_reserve(township_b, village_b, name="王芳", gender="2")


CHANGEOVER = date(2026, 3, 15)  # 换届
BEFORE = date(2026, 3, 14)


@pytest.fixture
def committees(township_a, township_b, village_a, village_b):
    """Township A's village before and after 换届, and one unchanged secretary in township B.

    Before (14 March): 55 高中 man, 50 大专 woman, 35 初中 man          -> 46.7, 33.33%
    After (15 March): X 31 本科 (secretary and director, 一肩挑), the same 35, Y 30 大专 woman
                                                                        -> 32.0, 66.67%
    Township B: a 46-year-old postgraduate on both dates.
    County: 46.5 and 50% before; 35.5 and 75% after."""
    secretary = make_post(village_a, "secretary")
    director = make_post(village_a, "director")
    member1 = make_post(village_a, "committee_member", 1)
    member2 = make_post(village_a, "committee_member", 2)
    old = {"started_on": date(2021, 3, 1), "ended_on": CHANGEOVER, "end_reason": "election"}

    def p(name, born, **fields):
        return make_person(township_a, village_a, name=name, birth_date=born, **fields)

    make_incumbency(
        secretary, p("甲", date(1970, 5, 1), education="60", political_status="01"), **old
    )
    make_incumbency(
        director,
        p("乙", date(1976, 1, 10), gender="2", education="30", political_status="13"),
        **old,
    )
    make_incumbency(
        member1, p("丙", date(1990, 12, 1), education="70"), started_on=date(2021, 3, 1)
    )
    # born 16 March 1994: still 31 on the 15th; born 15 March 1996: 30 that very day
    x = p("徐", date(1994, 3, 16), education="20", political_status="01")
    make_incumbency(secretary, x, started_on=CHANGEOVER)
    make_incumbency(director, x, started_on=CHANGEOVER)
    y = p("杨", date(1996, 3, 15), gender="2", education="30", political_status="02")
    make_incumbency(member2, y, started_on=CHANGEOVER)
    b_secretary = make_post(village_b, "secretary")
    m = make_person(township_b, village_b, name="孟", birth_date=date(1980, 1, 1), education="10")
    make_incumbency(b_secretary, m, started_on=date(2016, 3, 1))
    return {"township_a": township_a, "village_a": village_a, "x": x, "y": y}
