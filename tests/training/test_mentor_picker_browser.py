"""Issue 16, item 5 in the browser: the mentor picker searches as one types (htmx), and works
as a plain search form without script."""

import pytest
from playwright.sync_api import expect

from talentpool.models import Role
from tests.browser import log_in, screenshot
from tests.factories import make_user
from training import forms as training_forms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mentors(monkeypatch, township_a, township_b):
    monkeypatch.setattr(training_forms, "PICKER_THRESHOLD", 3)
    for i, name in enumerate(["张明", "张华", "李强", "王军", "赵刚"]):
        make_user(f"m{i}", Role.MENTOR, township=township_a, last_name=name[0], first_name=name[1:])
    make_user("mb", Role.MENTOR, township=township_b, last_name="张", first_name="外")


def _labels(page):
    return page.locator("#id_mentor option").all_inner_texts()


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_mentor_picker_searches_as_one_types(device, request, township_officer_a, mentors):
    page = request.getfixturevalue(device)
    log_in(page, township_officer_a.username)
    page.goto("/training/mentoring/new/")
    expect(page.locator("#id_mentor option")).to_have_count(1)  # nothing listed before a search
    page.locator("#id_mentor_q").press_sequentially("张")
    expect(page.locator("#id_mentor option")).to_have_count(3)
    assert sorted(_labels(page)[1:]) == ["张华", "张明"]  # township A's only, not 张外
    page.locator("#id_mentor").select_option(label="张明")
    screenshot(page, "mentor-picker")


def test_the_mentor_picker_works_without_script(browser, live_server, township_officer_a, mentors):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        java_script_enabled=False,
        viewport={"width": 1280, "height": 800},
    )
    page = context.new_page()
    try:
        log_in(page, township_officer_a.username)
        page.goto("/training/mentoring/new/")
        page.locator("#id_mentor_q").fill("李")
        page.locator("#id_mentor_q").press("Enter")
        page.wait_for_url("**mentor_q=*")
        assert _labels(page)[1:] == ["李强"]
        screenshot(page, "mentor-picker-no-script")
    finally:
        context.close()
