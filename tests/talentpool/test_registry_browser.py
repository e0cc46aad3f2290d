import re

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_officer_logs_in_searches_and_opens_a_person(
    page, township_officer_a, township_a, village_a, township_b
):
    make_person(township_a, village_a, name="张维", phone="13812345678")
    make_person(township_a, village_a, name="李四")
    make_person(township_b, name="张伟")  # another township: never shown
    log_in(page, township_officer_a.username)

    page.get_by_role("button", name="人才库").click()  # the menu groups pages by stage
    page.get_by_role("link", name="人才信息库", exact=True).click()
    expect(page.get_by_text("共 2 人")).to_be_visible()
    page.get_by_label("姓名、拼音首字母、身份证号或手机号").fill("zw")
    # htmx replaces the results without a page load, and the URL follows the search
    expect(page.get_by_text("共 1 人")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=zw"))
    expect(page.get_by_role("cell", name="138****5678")).to_be_visible()

    page.get_by_role("link", name="张维").click()
    expect(page.get_by_role("heading", name=re.compile("张维"))).to_be_visible()
    expect(page.get_by_text("138****5678")).to_be_visible()
