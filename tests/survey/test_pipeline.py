"""The import pipeline against the database: the preview, the write, rollback."""

from __future__ import annotations

import datetime

import pytest
from pghistory.models import Events

from talentpool.models import AccessLog, Person
from talentpool.survey import pipeline
from talentpool.survey.models import BatchStatus, ImportBatch, ImportRow, RowAction
from tests.factories import make_person, make_village

from .factories import first_row, new_id, person, survey_xlsx, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def shibao(township_a):
    return make_village(township_a, 202, "石宝村")


def row_for(existing: Person, **cells) -> dict[str, object]:
    """A survey row about a registered person (the 出生年月 cell agreeing with the ID)."""
    cells.setdefault("name", existing.name)
    return person(id_number=existing.id_number, birth=existing.birth_date, **cells)


def rows(batch: ImportBatch, action: str) -> list[ImportRow]:
    return list(ImportRow.objects.filter(batch=batch, action=action).order_by("row_number"))


def write(batch: ImportBatch, user) -> ImportBatch:
    from talentpool.survey.actions import confirm_batch

    assert confirm_batch(batch, actor=user) is None
    batch.refresh_from_db()
    return batch


# ---------------------------------------------------------------------------
# The preview


def test_preview_counts_new_updated_unchanged_rejected_and_ignored_rows_and_writes_nothing(
    township_a, village_a, township_officer_a
):
    same = make_person(township_a, village_a, name="李芳", phone="13900000000")
    changed = make_person(township_a, village_a, name="王明", phone="13900000001")
    people = [
        person(name="新人甲"),
        row_for(
            same,
            name="李芳",
            phone="13900000000",
            village="香山村",
            political_status=None,
            education=None,
            school_major=None,
            work_place=None,
            industry_unit=None,
            skills=None,
            is_veteran=None,
            return_intention=None,
            village_post_intention=None,
        ),
        row_for(changed, name="王明", phone="13911112222"),
        person(name=None),
    ]
    data = survey_xlsx(people)
    before = Person.objects.count()
    batch = upload(data + b"", township=township_a, user=township_officer_a)

    assert batch.status == BatchStatus.PREVIEWED
    assert (batch.new_count, batch.updated_count, batch.unchanged_count) == (1, 1, 1)
    assert batch.rejected_count == 1
    assert batch.data_rows == 4
    assert Person.objects.count() == before
    assert ImportRow.objects.get(batch=batch, action=RowAction.REJECTED).reason == "missing_name"


def test_preview_lists_the_changes_of_updated_people_field_by_field(
    township_a, village_a, township_officer_a
):
    existing = make_person(
        township_a, village_a, name="王明", phone="13900000001", education="60", remark="旧备注"
    )
    data = survey_xlsx(
        [
            row_for(
                existing,
                name="王明",
                phone="13911112222",
                education="大学本科",
                remark=None,
                political_status="党员",
            )
        ]
    )
    batch = upload(data, township=township_a, user=township_officer_a)
    (row,) = rows(batch, RowAction.UPDATE)
    assert row.person_id == existing.pk
    assert row.changes["phone"] == ["13900000001", "13911112222"]
    assert row.changes["education"] == ["60", "20"]
    assert row.changes["political_status"] == ["", "01"]
    assert "remark" not in row.changes  # a blank cell is no change


def test_a_blank_cell_never_erases_a_stored_value(township_a, village_a, township_officer_a):
    existing = make_person(
        township_a,
        village_a,
        name="王明",
        phone="13900000001",
        skills="木工",
        education="60",
        remark="旧备注",
        is_veteran=True,
    )
    data = survey_xlsx(
        [
            row_for(
                existing,
                name="王明",
                phone=None,
                skills=None,
                education=None,
                remark="新备注",
                is_veteran=None,
                village=None,
            )
        ]
    )
    batch = write(upload(data, township=township_a, user=township_officer_a), township_officer_a)
    assert batch.status == BatchStatus.DONE
    existing.refresh_from_db()
    assert existing.remark == "新备注"
    assert (existing.phone, existing.skills, existing.education) == ("13900000001", "木工", "60")
    assert existing.is_veteran is True
    assert existing.village == village_a


def test_an_id_registered_in_another_township_is_refused_revealing_nothing(
    township_a, township_b, township_officer_a
):
    elsewhere = make_person(township_b, name="赵其他", phone="13700000000")
    data = survey_xlsx([row_for(elsewhere, name="张维")])
    batch = upload(data, township=township_a, user=township_officer_a)
    assert batch.rows_to_write == 0
    (row,) = rows(batch, RowAction.REJECTED)
    assert row.reason == "registered_in_other_township"
    assert "其他乡镇" in row.message
    for secret in (township_b.name, "赵其他", "13700000000"):
        assert secret not in row.message
    elsewhere.refresh_from_db()
    assert elsewhere.name == "赵其他" and elsewhere.township == township_b


def test_a_county_import_names_the_other_township(township_a, township_b, county_officer):
    elsewhere = make_person(township_b, name="赵其他")
    data = survey_xlsx([row_for(elsewhere, name="张维")])
    batch = upload(data, township=township_a, user=county_officer)
    (row,) = rows(batch, RowAction.REJECTED)
    assert township_b.name in row.message


def test_the_same_id_twice_with_the_same_name_keeps_the_first_row(township_a, township_officer_a):
    number = new_id()
    data = survey_xlsx(
        [
            person(name="张维", id_number=number, remark="第一次"),
            person(name="张 维", id_number=number, remark="第二次"),
        ]
    )
    batch = write(upload(data, township=township_a, user=township_officer_a), township_officer_a)
    (rejected,) = rows(batch, RowAction.REJECTED)
    assert rejected.row_number == first_row() + 1
    assert rejected.reason == "duplicate_in_file"
    assert f"第{first_row()}行" in rejected.message
    assert Person.objects.get(id_number=number).remark == "第一次"


def test_the_same_id_with_different_names_refuses_every_row(township_a, township_officer_a):
    number = new_id()
    data = survey_xlsx(
        [
            person(name="张维", id_number=number),
            person(name="李四"),
            person(name="张伟", id_number=number),
        ]
    )
    batch = write(upload(data, township=township_a, user=township_officer_a), township_officer_a)
    refused = rows(batch, RowAction.REJECTED)
    assert [r.row_number for r in refused] == [first_row(), first_row() + 2]
    assert {r.reason for r in refused} == {"duplicate_in_file"}
    assert all("姓名不同" in r.message for r in refused)
    # The first row's cells, read again from the file, are in the report.
    assert refused[0].raw[1] == "张维"
    assert not Person.objects.filter(id_number=number).exists()
    assert (batch.new_count, batch.rejected_count) == (1, 2)


def test_different_names_refuse_an_unchanged_first_row_too(
    township_a, village_a, township_officer_a
):
    existing = make_person(township_a, village_a, name="张维")
    data = survey_xlsx(
        [
            row_for(
                existing,
                name="张维",
                phone=None,
                village=None,
                political_status=None,
                education=None,
                school_major=None,
                work_place=None,
                industry_unit=None,
                skills=None,
                is_veteran=None,
                return_intention=None,
                village_post_intention=None,
            ),
            row_for(existing, name="张伟"),
        ]
    )
    batch = upload(data, township=township_a, user=township_officer_a)
    assert (batch.unchanged_count, batch.rejected_count) == (0, 2)


def test_unmatched_village_names_are_kept_and_listed(township_a, village_a, township_officer_a):
    data = survey_xlsx([person(village="桃源村"), person(village="桃源村"), person(village="香山")])
    batch = write(upload(data, township=township_a, user=township_officer_a), township_officer_a)
    assert batch.report["unmatched_villages"] == [["桃源村", 2]]
    assert any("对不上" in w for w in batch.report["warnings"])
    people = Person.objects.filter(township=township_a).order_by("village_text")
    assert [(p.village_id, p.village_text) for p in people] == [
        (village_a.pk, ""),
        (None, "桃源村"),
        (None, "桃源村"),
    ]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"%PDF-1.7\n", "登记表.xlsx", "not_a_spreadsheet"),
        ("姓名,身份证号\n".encode(), "登记表.csv", "no_data_rows"),
        (b"PK\x03\x04" + bytes(100), "登记表.xlsx", "not_a_spreadsheet"),
    ],
)
def test_a_whole_file_failure_is_reported_and_imports_nothing(
    township_a, township_officer_a, data, name, reason
):
    batch = upload(data, township=township_a, user=township_officer_a, name=name)
    assert batch.status == BatchStatus.FILE_REJECTED
    assert batch.file_error["reason"] == reason
    assert batch.file_error["message"]
    assert not ImportRow.objects.filter(batch=batch).exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    township_a, township_officer_a, settings
):
    settings.SURVEY_MAX_UPLOAD_BYTES = 1000
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    assert batch.file_error["reason"] == "file_too_large"


def test_uploading_the_same_file_again_is_recognised(township_a, township_officer_a):
    data = survey_xlsx([person()])
    first = write(upload(data, township=township_a, user=township_officer_a), township_officer_a)
    again = upload(data, township=township_a, user=township_officer_a)
    assert again.sha256 == first.sha256
    assert again.repeat_of == first
    assert (again.new_count, again.unchanged_count) == (0, 1)


def test_the_same_file_for_another_township_is_not_a_repeat(township_a, township_b, county_officer):
    data = survey_xlsx([person()])
    upload(data, township=township_a, user=county_officer)
    assert upload(data, township=township_b, user=county_officer).repeat_of is None


# ---------------------------------------------------------------------------
# The write


def test_confirming_writes_people_with_derived_fields_and_an_audit_trail(
    township_a, village_a, township_officer_a
):
    data = survey_xlsx([person(name="曾国藩", remark='=HYPERLINK("x")', education="硕士")])
    batch = write(upload(data, township=township_a, user=township_officer_a), township_officer_a)
    assert batch.status == BatchStatus.DONE
    assert batch.confirmed_by == township_officer_a
    assert batch.rows_done == 1
    new = Person.objects.get(name="曾国藩")
    assert (new.name_initials, new.name_pinyin) == ("zgf", "zengguofan")
    assert new.remark == '=HYPERLINK("x")'
    assert new.education == "10"
    assert new.village == village_a
    assert new.birth_date == datetime.date(1990, 5, 3)
    assert new.version == 1
    event = Events.objects.filter(pgh_obj_model="talentpool.Person", pgh_obj_id=str(new.pk)).get()
    assert event.pgh_label == "insert"
    assert event.pgh_context["import_batch"] == batch.pk
    assert event.pgh_context["user"] == township_officer_a.pk
    log = AccessLog.objects.filter(action="import", detail__stage="written").get()
    assert log.detail["sha256"] == batch.sha256
    assert log.detail["new"] == 1


def test_an_update_bumps_the_version_and_is_audited(township_a, village_a, township_officer_a):
    existing = make_person(township_a, village_a, name="王明", phone="13900000001")
    data = survey_xlsx([row_for(existing, name="王明", phone="13911112222")])
    write(upload(data, township=township_a, user=township_officer_a), township_officer_a)
    existing.refresh_from_db()
    assert (existing.phone, existing.version) == ("13911112222", 2)
    labels = Events.objects.filter(
        pgh_obj_model="talentpool.Person", pgh_obj_id=str(existing.pk)
    ).values_list("pgh_label", flat=True)
    assert sorted(labels) == ["insert", "update"]


def test_a_person_edited_after_the_preview_is_skipped_not_overwritten(
    township_a, village_a, township_officer_a
):
    existing = make_person(township_a, village_a, name="王明", phone="13900000001")
    data = survey_xlsx([row_for(existing, name="王明", phone="13911112222")])
    batch = upload(data, township=township_a, user=township_officer_a)
    existing.remark = "有人刚改过"
    assert existing.save_checked(existing.version)
    batch = write(batch, township_officer_a)
    existing.refresh_from_db()
    assert existing.phone == "13900000001"
    assert (batch.updated_count, batch.skipped_count) == (0, 1)
    (row,) = rows(batch, RowAction.SKIPPED)
    assert row.reason == "changed_since_preview"


def test_an_id_registered_after_the_preview_is_skipped(township_a, township_officer_a):
    number = new_id()
    batch = upload(
        survey_xlsx([person(id_number=number)]), township=township_a, user=township_officer_a
    )
    make_person(township_a, name="别人", id_number=number)
    batch = write(batch, township_officer_a)
    assert (batch.new_count, batch.skipped_count) == (0, 1)
    assert Person.objects.get(id_number=number).name == "别人"


def test_a_cancelled_write_writes_nothing(township_a, township_officer_a):
    batch = upload(survey_xlsx([person(), person()]), township=township_a, user=township_officer_a)
    before = Person.objects.count()
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED, cancel_requested=True)
    batch = pipeline.write(batch)
    assert batch.status == BatchStatus.CANCELLED
    assert Person.objects.count() == before


def test_confirming_twice_writes_once(township_a, township_officer_a):
    from talentpool.survey.actions import confirm_batch

    batch = write(
        upload(survey_xlsx([person()]), township=township_a, user=township_officer_a),
        township_officer_a,
    )
    assert confirm_batch(batch, actor=township_officer_a) == "state"
    assert Person.objects.filter(township=township_a).count() == 1


def test_only_one_batch_of_a_township_is_written_at_a_time(township_a, township_officer_a):
    from talentpool.survey.actions import confirm_batch

    first = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    second = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    ImportBatch.objects.filter(pk=first.pk).update(status=BatchStatus.RUNNING)
    assert confirm_batch(second, actor=township_officer_a) == "busy"
    second.refresh_from_db()
    assert second.status == BatchStatus.PREVIEWED


# ---------------------------------------------------------------------------
# Rolling back


def test_rollback_removes_created_people_and_restores_changed_values(
    township_a, village_a, county_officer
):
    existing = make_person(township_a, village_a, name="王明", phone="13900000001")
    data = survey_xlsx(
        [
            person(name="新人"),
            row_for(existing, name="王明", phone="13911112222", remark="导入的备注"),
        ]
    )
    batch = write(upload(data, township=township_a, user=county_officer), county_officer)
    created = Person.objects.get(name="新人")
    block = pipeline.rollback(batch, actor_id=county_officer.pk)
    assert not block
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert batch.rolled_back_by == county_officer
    assert not Person.objects.filter(pk=created.pk).exists()
    existing.refresh_from_db()
    assert (existing.phone, existing.remark) == ("13900000001", "")
    deleted = Events.objects.get(
        pgh_obj_model="talentpool.Person", pgh_obj_id=str(created.pk), pgh_label="delete"
    )
    assert deleted.pgh_context["rollback"] is True


def test_rollback_stops_and_names_people_edited_since(township_a, village_a, county_officer):
    data = survey_xlsx([person(name="新人"), person(name="另一人")])
    batch = write(upload(data, township=township_a, user=county_officer), county_officer)
    edited = Person.objects.get(name="新人")
    edited.remark = "后来改的"
    assert edited.save_checked(edited.version)
    block = pipeline.rollback(batch, actor_id=county_officer.pk)
    assert block.edited_total == 1
    assert block.edited == [(edited.pk, "新人")]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Person.objects.filter(name__in=["新人", "另一人"]).count() == 2


# ---------------------------------------------------------------------------
# One pass (the command line) and the worker thread


def test_one_pass_writes_as_it_goes_and_takes_back_late_duplicates(
    township_a, township_officer_a, tmp_path
):
    number = new_id()
    path = tmp_path / "s.xlsx"
    path.write_bytes(
        survey_xlsx(
            [
                person(name="张维", id_number=number),
                person(name="李四"),
                person(name="张伟", id_number=number),
            ]
        )
    )
    batch = ImportBatch.objects.create(
        township=township_a, original_name="s.xlsx", sha256="0" * 64, source="command"
    )
    monkey_chunk = pipeline.CHUNK_ROWS
    pipeline.CHUNK_ROWS = 1  # the first row is written before its duplicate is read
    try:
        batch = pipeline.analyse(batch, path, apply=True)
    finally:
        pipeline.CHUNK_ROWS = monkey_chunk
    assert batch.status == BatchStatus.DONE
    assert (batch.new_count, batch.rejected_count) == (1, 2)
    assert not Person.objects.filter(id_number=number).exists()
    assert Person.objects.filter(name="李四").exists()


def test_a_batch_deleted_under_a_one_pass_run_writes_nothing(township_a, tmp_path):
    path = tmp_path / "s.xlsx"
    path.write_bytes(survey_xlsx([person(name="李四")]))
    batch = ImportBatch.objects.create(
        township=township_a, original_name="s.xlsx", sha256="0" * 64, source="command"
    )
    ImportBatch.objects.filter(pk=batch.pk).delete()
    with pytest.raises(pipeline.StaleBatch):
        pipeline.analyse(batch, path, apply=True)
    assert not Person.objects.filter(name="李四").exists()
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
