"""Issue 16, item 9: the menu grouped by stage fits on one line at 1280 px, and on a phone a
mentor's daily pages are one tap away."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _one_line(page) -> bool:
    tops = page.locator(".app-navbar .nav-link, .app-navbar .btn").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => Math.round(e.getBoundingClientRect().top))"
    )
    heights = page.locator(".app-navbar .nav-link, .app-navbar .btn").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getClientRects().length)"
    )
    return max(tops) - min(tops) <= 8 and set(heights) == {1}


def test_the_county_menu_fits_on_one_line_at_1280(page, county_officer):
    log_in(page, county_officer.username)
    page.goto("/candidates/pool/")
    nav = page.locator(".app-navbar")
    for group in ("人才库", "推荐审查", "培养", "考核任用", "统计"):
        expect(nav.get_by_role("button", name=group)).to_be_visible()
    assert _one_line(page)
    assert nav.bounding_box()["height"] < 70
    # no label broken across two lines (修改密/码, 退/出)
    for label in ("退出",):
        box = nav.get_by_role("button", name=label).bounding_box()
        assert box["height"] < 40
    page.get_by_role("button", name="人才库").click()
    expect(nav.get_by_role("link", name="后备干部库")).to_have_attribute("aria-current", "page")
    screenshot(page, "menu-open")
    nav.get_by_role("link", name="人才信息库").click()
    page.wait_for_url("**/registry/")


def test_a_mentor_on_a_phone_reaches_their_pages_in_one_tap(phone_page, mentor):
    page = phone_page
    log_in(page, mentor.username)
    quick = page.locator(".app-nav-quick")
    expect(quick.get_by_role("link", name="我的帮带对象")).to_be_visible()
    expect(quick.get_by_role("link", name="谈话频次")).to_be_visible()
    expect(page.locator("#nav")).to_be_hidden()  # the rest waits behind the menu button
    screenshot(page, "mentor-phone")
    quick.get_by_role("link", name="谈话频次").click()
    page.wait_for_url("**/training/mentoring/compliance/")
    page.locator(".navbar-toggler").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    screenshot(page, "mentor-phone-menu")


def test_a_mentor_at_1280_sees_one_line_too(page, mentor):
    log_in(page, mentor.username)
    expect(page.locator(".app-nav-quick")).to_be_hidden()
    assert _one_line(page)
    screenshot(page, "mentor-desktop")
