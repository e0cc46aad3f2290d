"""Entering a nomination in the browser: the fast path, duplicates, quotas, scope, attachments."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Nomination, NominationAttachment, Status
from talentpool.identity import make_id_number
from talentpool.models import Person
from tests.candidates.factories import make_candidate, make_leader, make_nomination
from tests.documents import pdf_bytes
from tests.factories import make_person, make_village


def _post(client, **data):
    defaults = {
        "post_kind": "committee_member",
        "year": "2026",
        "channel": "organization",
        "recommender_name": "香山村党支部",
        "recommender_position": "",
        "reason": "返乡创业带动就业。",
    }
    return client.post(reverse("candidates:nomination_create"), {**defaults, **data})


def test_township_officer_nominates_a_registry_person(
    client, township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a, name="张维")
    client.force_login(township_officer_a)

    response = _post(client, person=person.pk, village=village_a.pk)

    nomination = Nomination.objects.get(person=person)
    assert response.status_code == 302 and response.url == nomination.get_absolute_url()
    assert nomination.status == Status.SCREENING
    assert (nomination.township, nomination.created_by) == (township_a, township_officer_a)
    assert nomination.review_events.get().decision == "submit"
    assert nomination.events.filter(pgh_label="insert").exists()


def test_picking_a_person_from_the_search_opens_the_nomination_form(
    client, township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a, name="张维", phone="13812345678")
    client.force_login(township_officer_a)
    found = client.get(reverse("candidates:person_search"), {"q": "zw"}).content.decode()
    assert "张维" in found and f"?person={person.pk}" in found and "138****5678" in found
    page = client.get(reverse("candidates:nomination_create"), {"person": person.pk})
    assert 'name="reason"' in page.content.decode()


@pytest.mark.parametrize("query", ["张", "zw", "5678", "13812345678"])
def test_autocomplete_finds_by_name_initials_and_phone(
    client, township_officer_a, township_a, village_a, query
):
    make_candidate(township_a, village_a, name="张维", phone="13812345678")
    client.force_login(township_officer_a)
    assert "张维" in client.get(reverse("candidates:person_search"), {"q": query}).content.decode()


def test_autocomplete_finds_by_id_number_and_never_outside_the_township(
    client, township_officer_a, township_a, township_b, village_a
):
    mine = make_candidate(township_a, village_a, name="张维")
    make_candidate(township_b, name="张伟")
    client.force_login(township_officer_a)
    assert (
        "张维"
        in client.get(reverse("candidates:person_search"), {"q": mine.id_number}).content.decode()
    )
    found = client.get(reverse("candidates:person_search"), {"q": "张"}).content.decode()
    assert "张维" in found and "张伟" not in found


def test_a_second_nomination_for_the_same_post_and_year_gets_a_clear_message(
    client, township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a, name="张维")
    make_nomination(person, village_a, actor=township_officer_a)
    client.force_login(township_officer_a)

    response = _post(client, person=person.pk, village=village_a.pk)

    body = response.content.decode()
    assert response.status_code == 200
    assert "张维 已于" in body and "同一年度同一岗位不再重复推荐" in body
    assert Nomination.objects.filter(person=person).count() == 1


def test_the_database_refuses_a_duplicate_nomination_too(township_officer_a, township_a, village_a):
    from django.db import IntegrityError

    person = make_candidate(township_a, village_a)
    first = make_nomination(person, village_a, actor=township_officer_a)
    first.pk = None
    with pytest.raises(IntegrityError):
        first.save()


def test_the_same_person_may_be_nominated_for_another_post_or_year(
    township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a)
    make_nomination(person, village_a, actor=township_officer_a)
    make_nomination(person, village_a, actor=township_officer_a, post_kind="director")
    make_nomination(person, village_a, actor=township_officer_a, year=2027)
    assert Nomination.objects.filter(person=person).count() == 3


def test_a_person_is_registered_on_the_spot_and_nominated(
    client, township_officer_a, township_a, village_a
):
    client.force_login(township_officer_a)
    number = make_id_number("500233", date(1996, 4, 5), 21, "1")
    response = _post(
        client,
        new="1",
        **{
            "p-name": "新人甲",
            "p-id_number": number,
            "p-village": village_a.pk,
            "p-residence": "away",
            "p-education": "20",
            "p-political_status": "01",
        },
        village=village_a.pk,
    )
    person = Person.objects.get(id_number=number)
    assert response.status_code == 302
    assert person.township == township_a and person.birth_date == date(1996, 4, 5)
    assert Nomination.objects.get(person=person).status == Status.SCREENING


def test_a_refused_nomination_does_not_leave_a_new_person_behind(
    client, township_officer_a, township_a, village_a
):
    leader = make_leader(township_a)
    for i in range(2):
        make_nomination(
            make_candidate(township_a, village_a, name=f"已推{i}"),
            village_a,
            actor=township_officer_a,
            channel="leader",
            leader=leader,
        )
    client.force_login(township_officer_a)
    number = make_id_number("500233", date(1996, 4, 5), 22, "1")
    response = _post(
        client,
        new="1",
        **{"p-name": "新人乙", "p-id_number": number, "p-residence": "away"},
        village=village_a.pk,
        channel="leader",
        leader=leader.pk,
    )
    assert "已达每年2人的上限" in response.content.decode()
    assert not Person.objects.filter(id_number=number).exists()


def test_leader_recommendation_takes_the_leaders_real_name_and_position(
    client, township_officer_a, township_a, village_a
):
    leader = make_leader(township_a, "李强", "党委副书记")
    person = make_candidate(township_a, village_a)
    client.force_login(township_officer_a)
    _post(client, person=person.pk, village=village_a.pk, channel="leader", leader=leader.pk)
    nomination = Nomination.objects.get(person=person)
    assert (nomination.leader, nomination.recommender_name) == (leader, "李强")
    assert nomination.recommender_position == "党委副书记"


def test_leader_recommendation_needs_a_leader(client, township_officer_a, township_a, village_a):
    person = make_candidate(township_a, village_a)
    client.force_login(township_officer_a)
    response = _post(client, person=person.pk, village=village_a.pk, channel="leader")
    assert "须选择推荐的领导班子成员" in response.content.decode()
    assert not Nomination.objects.exists()


def test_joint_recommendation_needs_the_number_of_co_signers(
    client, township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a)
    client.force_login(township_officer_a)
    response = _post(client, person=person.pk, village=village_a.pk, channel="joint")
    assert "联名推荐须填写联名人数" in response.content.decode()
    _post(client, person=person.pk, village=village_a.pk, channel="joint", co_signers="12")
    assert Nomination.objects.get(person=person).co_signers == 12


@pytest.mark.parametrize("field", ["person", "village", "leader"])
def test_township_b_ids_in_form_fields_are_refused(
    client, township_officer_a, township_a, township_b, village_a, field
):
    mine = make_candidate(township_a, village_a)
    theirs = {
        "person": make_candidate(township_b, name="外乡人").pk,
        "village": make_village(township_b, 202, "别村").pk,
        "leader": make_leader(township_b, "外乡领导").pk,
    }
    data = {"person": mine.pk, "village": village_a.pk}
    data[field] = theirs[field]
    if field == "leader":
        data["channel"] = "leader"
    client.force_login(township_officer_a)

    response = _post(client, **data)

    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Nomination.objects.exists()


def test_attachments_are_stored_under_a_server_name_and_streamed_in_scope(
    client, township_officer_a, township_officer_b, leader, township_a, village_a, settings
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    client.force_login(township_officer_a)
    document = pdf_bytes()
    upload = SimpleUploadedFile("../../推荐表.pdf", document, "text/html")

    response = client.post(
        reverse("candidates:attachment_upload", args=[nomination.pk]), {"file": upload}
    )

    assert response.status_code == 302
    attachment = NominationAttachment.objects.get()
    assert attachment.original_name == "推荐表.pdf"
    assert attachment.content_type == "application/pdf"
    assert ".." not in attachment.file.name and "推荐表" not in attachment.file.name
    assert (settings.MEDIA_ROOT / attachment.file.name).exists()
    download = client.get(reverse("candidates:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == document
    assert download["Content-Type"] == "application/pdf"
    assert "attachment;" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(township_officer_b)
    assert client.get(reverse("candidates:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(leader)
    assert client.get(reverse("candidates:attachment", args=[attachment.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("脚本.html", b"<script>", "只能上传PDF、图片"),
        ("假的.pdf", b"MZ\x90\x00", "不是有效的.pdf文件"),
        # Checked whole: a PDF header followed by a web page is no PDF.
        ("推荐表.pdf", b"%PDF-1.7\n<html><body><script>alert(1)</script>", "不是有效的.pdf文件"),
        ("照片.png", b"\x89PNG\r\n\x1a\n<html>", "不是有效的.png文件"),
        ("推荐表.xlsx", b"PK\x03\x04<html>", "不是有效的.xlsx文件"),
    ],
)
def test_unsafe_attachments_are_refused(
    client, township_officer_a, township_a, village_a, name, content, message
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:attachment_upload", args=[nomination.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NominationAttachment.objects.exists()


def test_nomination_list_shows_only_the_users_township(
    client, township_officer_a, township_officer_b, township_a, township_b, village_a, village_b
):
    make_nomination(
        make_candidate(township_a, village_a, name="甲乡人"), village_a, actor=township_officer_a
    )
    make_nomination(
        make_candidate(township_b, village_b, name="乙乡人"), village_b, actor=township_officer_b
    )
    client.force_login(township_officer_a)
    body = client.get(reverse("candidates:nominations")).content.decode()
    assert "甲乡人" in body and "乙乡人" not in body


def test_the_self_recommendation_names_the_person_as_recommender(
    client, township_officer_a, township_a, village_a
):
    person = make_person(township_a, village_a, name="自荐人")
    client.force_login(township_officer_a)
    _post(client, person=person.pk, village=village_a.pk, channel="self", recommender_name="")
    nomination = Nomination.objects.get(person=person)
    assert (nomination.recommender_name, nomination.recommender_position) == ("自荐人", "本人")
