"""Issue 16, item 6: labels say what they show: compared dates by their dates unless they are
the election's, one name for a village post, a future birth date said as such, and Chinese
messages from the server for empty required fields."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_compared_dates_are_labelled_by_date_and_posts_by_one_name(
    device, request, county_officer, committees, township_a, village_a
):
    page = request.getfixturevalue(device)
    log_in(page, county_officer.username)

    page.goto("/evaluation/")
    committee = page.locator('table[data-figure="committee"]')
    expect(committee.get_by_role("columnheader", name="2026-03-14（换届前）")).to_be_attached()
    page.goto("/evaluation/?before=2015-01-01&after=2026-03-14")
    expect(committee.get_by_role("columnheader", name="2015-01-01", exact=True)).to_be_attached()
    expect(committee.get_by_role("columnheader", name="2026-03-14", exact=True)).to_be_attached()
    expect(page.get_by_text("换届前")).to_have_count(0)
    screenshot(page, "dashboard-dates")

    page.goto(f"/evaluation/?township={township_a.pk}")
    short = page.locator('table[data-figure="short_posts"]')
    expect(short.get_by_role("cell", name="村委会委员1", exact=True)).to_be_attached()
    page.goto(f"/candidates/villages/{village_a.pk}/")
    posts = page.locator("table.village-posts")
    expect(posts.get_by_role("rowheader", name="村委会委员1", exact=True)).to_be_visible()
    expect(posts.get_by_role("rowheader", name="村委会委员2", exact=True)).to_be_visible()
    screenshot(page, "village-posts")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_registry_form_says_empty_and_future_in_chinese(
    device, request, township_officer_a, village_a
):
    page = request.getfixturevalue(device)
    log_in(page, township_officer_a.username)

    page.goto("/registry/new/")
    page.get_by_role("button", name=re.compile("保存")).click()
    # no browser bubble: the server answered, beside the field
    expect(page.locator("#id_name ~ .invalid-feedback")).to_have_text("这个字段是必填项。")
    tomorrow = date.today() + timedelta(days=1)
    page.locator("#id_name").fill("李明")
    page.locator("#id_birth_date").fill(tomorrow.isoformat())
    page.get_by_role("button", name=re.compile("保存")).click()
    expect(page.get_by_text("出生日期不能晚于今天。")).to_be_visible()
    screenshot(page, "registry-errors")
