"""The work record: mentors may record for their mentees, township officers confirm; evidence
files are stored under server-made names and streamed only to those who may see the record."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pghistory.models import Events

from tests.documents import image_bytes, pdf_bytes
from tests.training.factories import make_achievement, make_mentorship, make_reserve
from training.models import Achievement, Evidence


@pytest.fixture
def mentee(township_a, village_a, mentor):
    person = make_reserve(township_a, village_a, name="张维")
    make_mentorship(township_a, [person], mentor=mentor)
    return person


def record_data(person, **overrides):
    data = {
        "person": person.pk,
        "kind": "project",
        "date": "2026-05-01",
        "title": "引进柑橘深加工项目",
        "company": "重庆某农业公司",
        "agreement_signed": "on",
        "investment": "150.5",
    }
    return data | overrides


def test_mentor_records_an_achievement_for_their_mentee(client, mentor, mentee):
    client.force_login(mentor)
    response = client.post(reverse("training:achievement_create"), record_data(mentee))
    record = Achievement.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert (record.recorded_by, record.investment, record.is_confirmed) == (
        mentor,
        Decimal("150.5"),
        False,
    )


def test_mentor_cannot_record_for_someone_not_their_mentee(client, mentor, township_a):
    other = make_reserve(township_a, name="别人")
    client.force_login(mentor)
    response = client.post(reverse("training:achievement_create"), record_data(other))
    assert "所选人员不在您的管辖范围内。" in response.content.decode()
    assert not Achievement.objects.exists()


def test_township_officer_cannot_record_for_another_townships_person(
    client, township_officer_a, township_b
):
    stranger = make_reserve(township_b, name="外镇人")
    client.force_login(township_officer_a)
    response = client.post(reverse("training:achievement_create"), record_data(stranger))
    assert response.status_code == 200
    assert "所选人员不在您的管辖范围内。" in response.content.decode()
    assert not Achievement.objects.exists()


def test_non_project_records_drop_the_project_figures(client, township_officer_a, township_a):
    person = make_reserve(township_a)
    client.force_login(township_officer_a)
    client.post(
        reverse("training:achievement_create"),
        record_data(person, kind="dispute", title="调解邻里宅基地纠纷"),
    )
    record = Achievement.objects.get()
    assert (record.company, record.agreement_signed, record.investment) == ("", False, None)


def test_township_officer_confirms_and_the_mentor_cannot(
    client, mentor, township_officer_a, mentee
):
    record = make_achievement(mentee, recorded_by=mentor)
    url = reverse("training:achievement_confirm", args=[record.pk])
    client.force_login(mentor)
    assert client.post(url).status_code == 403
    client.force_login(township_officer_a)
    response = client.post(url)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.confirmed_by == township_officer_a and record.confirmed_at is not None
    event = Events.objects.tracks(record).filter(pgh_label="update").get()
    assert event.pgh_context["action"] == "training.confirm_achievement"
    assert event.pgh_context["user"] == township_officer_a.pk
    client.post(url)  # confirming again changes nothing
    assert Events.objects.tracks(record).filter(pgh_label="update").count() == 1


def test_a_confirmed_record_can_no_longer_be_edited(client, township_officer_a, mentee):
    record = make_achievement(mentee)
    client.force_login(township_officer_a)
    client.post(reverse("training:achievement_confirm", args=[record.pk]))
    response = client.post(
        reverse("training:achievement_edit", args=[record.pk]), record_data(mentee, title="改")
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "引进柑橘深加工项目"


def test_township_officer_of_another_township_cannot_confirm(client, township_officer_b, mentee):
    record = make_achievement(mentee)
    client.force_login(township_officer_b)
    assert client.post(reverse("training:achievement_confirm", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert not record.is_confirmed


def test_evidence_is_stored_under_a_server_name_and_streamed_to_those_in_scope(
    client, mentor, township_officer_b, mentee
):
    record = make_achievement(mentee, recorded_by=mentor)
    client.force_login(mentor)
    photo = image_bytes("JPEG")
    upload = SimpleUploadedFile("../../签约现场.JPG", photo)
    response = client.post(reverse("training:evidence_add", args=[record.pk]), {"file": upload})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "签约现场.JPG"
    assert evidence.file.name.startswith("training/evidence/")
    assert evidence.file.name.endswith(".jpg") and "签约" not in evidence.file.name
    assert (Path(settings.MEDIA_ROOT) / evidence.file.name).read_bytes() == photo

    download = client.get(reverse("training:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == photo

    client.force_login(township_officer_b)
    assert client.get(reverse("training:evidence_download", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("脚本.html", b"<script>alert(1)</script>", "不支持此类文件"),
        # The extension alone proves nothing: a page renamed .jpg.
        ("合影.jpg", b"<html><script>alert(1)</script></html>", "不是有效的.jpg文件"),
        # The first bytes prove nothing either: a JPEG header followed by a web page.
        ("合影.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script>", "不是有效的.jpg文件"),
        ("协议.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "不是有效的.pdf文件"),
        ("协议.docx", b"PK\x03\x04<html><script>alert(1)</script>", "不是有效的.docx文件"),
    ],
)
def test_evidence_that_is_not_an_office_file_or_photo_is_refused(
    client, township_officer_a, mentee, name, content, message
):
    record = make_achievement(mentee)
    client.force_login(township_officer_a)
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("training:evidence_add", args=[record.pk]), {"file": upload}, follow=True
    )
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_deleted_with_its_file_while_unconfirmed(
    client, township_officer_a, mentee, django_capture_on_commit_callbacks
):
    record = make_achievement(mentee)
    client.force_login(township_officer_a)
    client.post(
        reverse("training:evidence_add", args=[record.pk]),
        {"file": SimpleUploadedFile("协议.pdf", pdf_bytes())},
    )
    evidence = Evidence.objects.get()
    path = Path(settings.MEDIA_ROOT) / evidence.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:evidence_delete", args=[evidence.pk]))
    assert not Evidence.objects.exists()
    assert not path.exists()


def test_evidence_of_a_confirmed_record_cannot_be_deleted(client, township_officer_a, mentee):
    record = make_achievement(mentee, confirmed_at="2026-05-02T10:00:00+08:00")
    evidence = Evidence.objects.create(
        achievement=record,
        file="training/evidence/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
    )
    client.force_login(township_officer_a)
    response = client.post(reverse("training:evidence_delete", args=[evidence.pk]), follow=True)
    assert "该实绩已确认或不是您录入的，不能删除材料。" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_totals_count_confirmed_projects_per_township(
    client, county_officer, township_a, township_b
):
    a1, a2 = make_reserve(township_a, name="甲"), make_reserve(township_a, name="乙")
    b1 = make_reserve(township_b, name="丙")
    confirmed = {"confirmed_at": "2026-05-02T10:00:00+08:00"}
    make_achievement(a1, company="公司甲", investment=Decimal("100"), **confirmed)
    make_achievement(
        a2, company="公司甲", agreement_signed=False, investment=Decimal("50.25"), **confirmed
    )
    make_achievement(b1, company="公司乙", investment=Decimal("10"), **confirmed)
    make_achievement(b1, company="公司丙", investment=Decimal("999"))  # not confirmed
    make_achievement(a1, kind="dispute", title="调解纠纷", **confirmed)
    client.force_login(county_officer)
    response = client.get(reverse("training:achievement_list"))
    totals = response.context["totals"]
    assert totals == {
        "records": 4,
        "people": 3,
        "companies": 2,
        "agreements": 2,
        "investment": Decimal("160.25"),
    }
    by_township = {r["person__township__name"]: r for r in response.context["by_township"]}
    assert by_township["忠州街道"]["investment"] == Decimal("150.25")
    assert by_township["任家镇"]["companies"] == 1
    assert response.context["pending"] == 1
