"""The management commands of the core: seed_demo and load_divisions."""

import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from talentpool.identity import parse_id_number
from talentpool.models import Person, Role, Township, User, Village


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_is_idempotent_and_prints_users_as_json(db):
    run("seed_demo", "--people", "60")
    counts = (Township.objects.count(), Village.objects.count(), Person.objects.count())
    run("seed_demo", "--people", "60")
    assert (Township.objects.count(), Village.objects.count(), Person.objects.count()) == counts
    assert counts[0] == 29 and counts[1] >= 300
    # 60 registry people, plus the incumbents the candidates stage invents for the demo posts
    assert counts[2] >= 60

    users = json.loads(run("seed_demo", "--json"))
    roles = {u["role"] for u in users}
    assert {"county", "township", "mentor", "leader", "sysadmin", "auditor"} <= roles
    township_users = [u for u in users if u["role"] == "township"]
    assert len({u["township"] for u in township_users}) == 2
    assert all(len(u["township"]) == 12 for u in township_users)
    assert all(u["township"] is None for u in users if u["role"] in ("county", "leader"))
    for entry in users:
        user = User.objects.get(username=entry["username"])
        assert user.check_password(entry["password"])
        assert not user.is_superuser


def test_demo_people_have_valid_ids_that_agree_with_their_records(db):
    run("seed_demo", "--people", "60")
    for person in Person.objects.select_related("village"):
        info = parse_id_number(person.id_number)
        assert info.birth_date == person.birth_date
        assert info.gender == person.gender
        assert person.village.township_id == person.township_id


def test_demo_users_roles_match_their_scope(db):
    run("seed_demo", "--people", "10")
    assert User.objects.get(username="township_a").role == Role.TOWNSHIP
    assert User.objects.get(username="township_a").township.code == "500233001000"


def test_load_divisions_from_csv_and_xlsx(db, tmp_path):
    csv_file = tmp_path / "codes.csv"
    csv_file.write_text(
        "区划代码,名称\n500233000000,忠县\n500233001000,忠州街道\n500233001001,香山社区\n",
        encoding="gb18030",
    )
    assert "村（社区） 1 个" in run("load_divisions", str(csv_file))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ("code", "name"),
        (500233000000, "忠县"),
        ("500233001000", "忠州街道"),
        ("500233001002", "郑公社区"),
    ]:
        sheet.append(row)
    xlsx = tmp_path / "codes.xlsx"
    book.save(xlsx)
    run("load_divisions", str(xlsx))
    assert sorted(Village.objects.values_list("name", flat=True)) == ["郑公社区", "香山社区"]
    assert Village.objects.get(name="郑公社区").township.name == "忠州街道"


def test_load_divisions_finds_its_columns_by_heading_and_names_the_unread_ones(db, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "忠县统计用区划代码\n序号,名称,城乡分类,统计用区划代码\n"
        "1,忠县,,500233000000\n2,忠州街道,111,500233001000\n3,香山社区,111,500233001001\n",
        encoding="utf-8",
    )
    out = run("load_divisions", str(path))
    assert "村（社区） 1 个" in out
    assert "第A列“序号”有3行填写了内容" in out and "第C列“城乡分类”有2行填写了内容" in out
    assert Village.objects.get(code="500233001001").name == "香山社区"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name\n500233000000,忠县\n5002330010,乡\n", "不是12位数字"),
        ("code,name\n500233001000,忠州街道\n", "所属的县不在文件中"),
        ("code,name\n500233000000,忠县\n500233001001,香山社区\n", "所属的乡镇不在文件中"),
    ],
)
def test_load_divisions_refuses_bad_files_with_a_chinese_reason(db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("load_divisions", str(path))
    assert not Township.objects.exists() or message != "所属的乡镇不在文件中"
