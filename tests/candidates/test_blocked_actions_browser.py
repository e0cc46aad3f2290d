"""Issue 16, item 1 in the browser: the enterer of a nomination sees why 通过 is not offered and
who can act; the county turns on its setting and acts for a one-officer township."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.candidates.factories import make_candidate, make_nomination, put_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_a_lone_officer_is_told_why_and_the_county_takes_over_the_township_stage(
    device, request, township_officer_a, county_officer, township_a, village_a
):
    page = request.getfixturevalue(device)
    nomination = put_at(
        make_nomination(
            make_candidate(township_a, village_a, name="张维"), village_a, actor=township_officer_a
        ),
        "township",
    )
    url = f"/candidates/nominations/{nomination.pk}/"

    log_in(page, township_officer_a.username)
    page.goto(url)
    decision = page.locator("#decision")
    expect(decision).to_contain_text("不能审批自己录入的推荐")
    expect(decision).to_contain_text("本乡镇（街道）没有第二名工作人员")
    expect(decision.get_by_label("通过", exact=True)).to_have_count(0)
    screenshot(page, "enterer")
    page.context.clear_cookies()

    log_in(page, county_officer.username)
    page.goto("/candidates/coverage/settings/")
    page.get_by_label("乡镇（街道）只有一名工作人员时，由县委组织部代办乡镇环节").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存后备干部工作设置。")).to_be_visible()
    page.goto(url)
    expect(decision).to_contain_text("乡镇初审由县委组织部代为办理")
    screenshot(page, "county-acts")
    decision.get_by_label("通过", exact=True).check()
    decision.get_by_role("button", name="提交").click()
    expect(page.get_by_text("现为“县级联审”")).to_be_visible()
