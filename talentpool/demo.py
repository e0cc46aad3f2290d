"""Demo data: the demo county (重庆市忠县), one user per role and a synthetic registry.

Everything is deterministic (a fixed random seed) and idempotent: running it again creates
nothing new. Every person is invented; ID numbers carry valid check characters but belong to
no one. Later stages add their own demo data through `seed_demo`'s hooks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth.models import Permission
from django.db import transaction

from talentpool import codes
from talentpool.data import names
from talentpool.divisions import load_divisions, read_code_list
from talentpool.identity import make_id_number
from talentpool.models import Person, Residence, Role, Township, User, Village

DIVISIONS_FILE = Path(__file__).parent / "data" / "divisions_500233.csv"
DEMO_PASSWORD = "Rcmp@2026demo"  # noqa: S105 - demo data only, printed by `make run`
DEMO_PEOPLE = 5000
SEED = 500233
TOWNSHIP_A = "500233001000"  # 忠州街道
TOWNSHIP_B = "500233104000"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    last_name: str
    first_name: str
    title: str
    township: str | None = None
    personal_data: bool = False
    staff: bool = False


DEMO_USERS = [
    DemoUser("county", Role.COUNTY, "王", "组织", "县委组织部组织科科员", personal_data=True),
    DemoUser("township_a", Role.TOWNSHIP, "陈", "明", "组织委员", township=TOWNSHIP_A),
    DemoUser("township_b", Role.TOWNSHIP, "刘", "芳", "组织委员", township=TOWNSHIP_B),
    DemoUser("mentor", Role.MENTOR, "谭", "书记", "驻村第一书记", township=TOWNSHIP_A),
    DemoUser("leader", Role.LEADER, "秦", "部长", "县委组织部副部长"),
    DemoUser("sysadmin", Role.SYSADMIN, "向", "工", "系统管理员", staff=True),
    DemoUser("secadmin", Role.SECADMIN, "冉", "工", "安全管理员", staff=True),
    DemoUser("auditor", Role.AUDITOR, "熊", "工", "安全审计员"),
]


def seed_places() -> dict[str, int]:
    return load_divisions(read_code_list(DIVISIONS_FILE))


def seed_users() -> list[User]:
    townships = {t.code: t for t in Township.objects.all()}
    view_personal = Permission.objects.get(
        codename="view_personal_data", content_type__app_label="talentpool"
    )
    user_perms = Permission.objects.filter(
        content_type__app_label="talentpool", content_type__model="user"
    )
    users = []
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "role": spec.role,
                "last_name": spec.last_name,
                "first_name": spec.first_name,
                "title": spec.title,
                "township": townships.get(spec.township) if spec.township else None,
                "is_staff": spec.staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if spec.personal_data:
                user.user_permissions.add(view_personal)
            if spec.role == Role.SYSADMIN:
                user.user_permissions.add(*user_perms)
        users.append(user)
    return users


def demo_logins() -> list[dict]:
    """The demo users as `seed_demo --json` prints them."""
    by_name = {u.username: u for u in User.objects.select_related("township")}
    logins = []
    for spec in DEMO_USERS:
        user = by_name.get(spec.username)
        if user is None:
            continue
        logins.append(
            {
                "username": user.username,
                "password": DEMO_PASSWORD,
                "role": user.role,
                "township": user.township.code if user.township else None,
            }
        )
    return logins


def generate_people(villages: list[Village], count: int, rng: random.Random) -> list[Person]:
    """`count` plausible people spread over `villages` (unsaved, derived fields filled)."""
    today = date(2026, 6, 30)
    people: list[Person] = []
    seen: set[str] = set()
    while len(people) < count:
        village = rng.choice(villages)
        gender = "1" if rng.random() < 0.62 else "2"
        age = min(62, max(18, int(rng.gauss(36, 9))))
        birth = today - timedelta(days=age * 365 + rng.randrange(365))
        id_number = make_id_number("500233", birth, rng.randrange(100), gender)
        if id_number in seen:
            continue
        seen.add(id_number)
        residence = rng.choices(
            [Residence.AWAY, Residence.RETURNED, Residence.LOCAL], weights=[70, 20, 10]
        )[0]
        education = rng.choices(
            ["70", "60", "40", "44", "30", "20", "10", "80"],
            weights=[24, 18, 8, 3, 24, 19, 2, 2],
        )[0]
        political = rng.choices(["13", "03", "01", "02"], weights=[55, 20, 22, 3])[0]
        if age > 28 and political == "03":
            political = "13"
        province, city = rng.choice(names.WORK_PLACES)
        person = Person(
            name=names.make_name(rng, gender),
            gender=gender,
            ethnicity=codes.Ethnicity.HAN if rng.random() < 0.94 else "15",
            birth_date=birth,
            id_number=id_number,
            phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            township_id=village.township_id,
            village=village,
            residence=residence,
            work_place=(
                "" if residence != Residence.AWAY else province + (city if city != province else "")
            ),
            industry_unit=f"{rng.choice(names.INDUSTRIES)}/{rng.choice(names.UNITS)}",
            education=education,
            school_major="/".join(rng.choice(names.MAJORS))
            if education in ("10", "20", "30")
            else "",
            political_status=political,
            party_join_date=(
                min(today, birth + timedelta(days=365 * rng.randint(19, max(20, age - 1))))
                if political in codes.PARTY_MEMBER
                else None
            ),
            is_veteran=gender == "1" and rng.random() < 0.08,
            skills="、".join(rng.sample(names.SKILLS, rng.randint(0, 2))),
            return_intention=rng.choices(
                ["willing", "interested", "considering", "unwilling", ""],
                weights=[20, 20, 25, 25, 10],
            )[0],
            village_post_intention=rng.choices(
                ["willing", "interested", "considering", "unwilling", ""],
                weights=[12, 15, 23, 40, 10],
            )[0],
            remark=rng.choice(names.REMARKS) if rng.random() < 0.2 else "",
        )
        person.fill_derived()
        people.append(person)
    return people


@transaction.atomic
def seed(people: int = DEMO_PEOPLE) -> dict[str, int]:
    places = seed_places()
    seed_users()
    villages = list(Village.objects.order_by("code"))
    rng = random.Random(SEED)
    before = Person.objects.count()
    Person.objects.bulk_create(
        generate_people(villages, people, rng), batch_size=1000, ignore_conflicts=True
    )
    return {**places, "people": Person.objects.count() - before}
