"""Issue 16, item 4: one 打印 click opens one print dialog, and the printable 一人一档 is one
click from every place that names the person."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.evaluation.factories import make_reserve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNT_PRINTS = "window.printCalls = 0; window.print = () => { window.printCalls += 1; };"


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_roster_name_leads_to_the_person_page_whose_record_prints_once(
    device, request, county_officer, township_a, village_a
):
    page = request.getfixturevalue(device)
    reserve = make_reserve(township_a, village_a, name="张维")
    page.add_init_script(COUNT_PRINTS)
    log_in(page, county_officer.username)

    page.goto("/evaluation/roster/")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printCalls") == 1
    screenshot(page, "roster")

    page.get_by_role("link", name="张维").click()
    page.wait_for_url(f"**/registry/{reserve.person_id}/")
    expect(page.get_by_role("heading", name="张维")).to_be_visible()
    screenshot(page, "person")
    page.get_by_role("link", name="打印一人一档登记表").click()
    expect(page.get_by_role("heading", name="村级后备干部登记表")).to_be_visible()
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printCalls") == 1
    screenshot(page, "record")
