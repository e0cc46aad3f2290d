"""Issue 16, item 2 in the browser: the decision comes after the checklist, a premature 通过
marks each open check beside it, and 全部符合 ticks the rest after the exceptions."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.candidates.factories import make_candidate, make_nomination

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_screening_in_the_order_it_is_filled(
    device, request, township_officer_a, township_a, village_a
):
    page = request.getfixturevalue(device)
    nomination = make_nomination(
        make_candidate(township_a, village_a, name="张维"), village_a, actor=township_officer_a
    )
    log_in(page, township_officer_a.username)
    page.goto(f"/candidates/nominations/{nomination.pk}/")

    checks_top = page.locator("#checks").bounding_box()["y"]
    assert page.locator("#decision").bounding_box()["y"] > checks_top

    decision = page.locator("#decision")
    decision.get_by_label("通过", exact=True).check()
    decision.get_by_role("button", name="提交").click()
    expect(decision).to_contain_text("还有16项须处理，已在资格审查清单中逐项标出")
    expect(page.locator("#checks .table-danger")).to_have_count(16)
    screenshot(page, "errors-beside-checks")

    # One exception with its own evidence, the rest at once.
    first = page.locator("select[data-check-result]").first
    first.select_option("ok")
    page.locator("#checks input[name^=evidence_]").first.fill("户籍在本村，经派出所核实")
    page.get_by_label("共同核查依据").fill("经村党组织、派出所核查，符合条件。")
    page.get_by_role("button", name="全部符合并保存").click()
    expect(page.get_by_text("已保存资格审查记录。")).to_be_visible()
    expect(page.locator("#checks .table-danger")).to_have_count(0)
    screenshot(page, "all-ok")

    decision.get_by_label("通过", exact=True).check()
    decision.get_by_role("button", name="提交").click()
    expect(page.get_by_text("现为“村级评议”")).to_be_visible()
