"""Issue 16, item 3 in the browser: confirming a round and leaving the pool ask first, on a page
of their own listing what will happen."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.evaluation.factories import make_reserve, make_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_confirming_a_round_and_leaving_the_pool_ask_first(
    device, request, county_officer, county_round, township_a, village_a
):
    page = request.getfixturevalue(device)
    reserve = make_reserve(township_a, village_a, name="张维")
    make_review(county_round, reserve, "incompetent", status="submitted")
    log_in(page, county_officer.username)

    page.goto(f"/evaluation/rounds/{county_round.pk}/")
    page.get_by_role("button", name="确认（1人）").click()
    confirm = page.locator(".confirm-step")
    expect(confirm.get_by_role("heading", name="确认考核结果：忠州街道")).to_be_visible()
    expect(confirm).to_contain_text("确认1人的考核结果，确认后不能再修改")
    expect(confirm).to_contain_text("对1人提出调整出库建议：张维")
    screenshot(page, "round-confirm")
    confirm.get_by_role("button", name="确认考核结果").click()
    expect(page.get_by_text("已确认忠州街道1人的考核结果")).to_be_visible()

    page.goto(f"/candidates/pool/{reserve.pk}/leave/")
    page.get_by_label("出库时间").fill(date.today().isoformat())
    page.get_by_label("出库原因").select_option(label="考核不合格")
    page.get_by_role("button", name="保存").click()
    expect(confirm).to_contain_text("张维自")
    expect(confirm).to_contain_text("离开后备干部库，原因：考核不合格")
    screenshot(page, "leave-confirm")
    confirm.get_by_role("link", name="返回，不办理").click()
    expect(page.get_by_text("在库")).to_be_visible()
