"""At phone size: a mentor logs a talk with a mentee, and the compliance view updates."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.training.factories import make_mentorship, make_reserve, make_talk, mentee_of
from training.models import TalkLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentor_logs_a_talk_on_a_phone_and_the_compliance_view_updates(
    phone_page, mentor, township_a, village_a
):
    page = phone_page
    today = date.today()
    person = make_reserve(township_a, village_a, name="张维")
    pairing = make_mentorship(
        township_a, [person], mentor=mentor, start_on=today - timedelta(days=90)
    )
    make_talk(mentee_of(pairing, person), today - timedelta(days=40))
    log_in(page, mentor.username)

    page.goto("/training/mentoring/compliance/")
    expect(page.locator("#count-no-contact")).to_have_text("1")
    row = page.locator("tr.compliance-row", has_text="张维")
    expect(row).to_have_attribute("data-status", "no_contact")

    page.get_by_role("link", name="张维").click()
    page.get_by_role("link", name="记一次谈话").click()
    expect(page.get_by_label("日期")).to_have_value(today.isoformat())
    button = page.locator("label", has_text="入户走访")
    assert button.bounding_box()["height"] >= 44  # a thumb-sized target
    button.click()
    page.get_by_label("谈话内容").fill("入户了解家庭情况，鼓励参加村民代表会议")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/training/mentoring/mine/$"))
    expect(page.get_by_text("已记录与张维的入户走访")).to_be_visible()
    page.get_by_role("link", name="查看谈话频次").click()
    expect(page.locator("#count-no-contact")).to_have_text("0")
    expect(row).not_to_have_attribute("data-status", "no_contact")
    expect(row).to_contain_text("1/")

    talk = TalkLog.objects.get(date=today)
    assert (talk.kind, talk.recorded_by_id) == ("visit", mentor.pk)
