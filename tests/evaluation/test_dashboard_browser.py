import re

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.evaluation.factories import make_reserve, make_review, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_officer_compares_two_dates_and_prints_a_persons_form(
    page, county_officer, committees
):
    reserve = make_reserve(committees["township_a"], committees["village_a"], name="张维")
    make_review(make_round(), reserve, "excellent")
    log_in(page, county_officer.username)

    page.goto("/evaluation/")
    expect(page.get_by_role("heading", name="全县村级后备干部工作统计")).to_be_visible()
    # ECharts drew the charts from the JSON beside them (no inline script)
    expect(page.locator("#figure-committee .chart-ready svg")).to_be_visible()
    committee = page.locator('table[data-figure="committee"]')
    # the last 换届 is found by itself: 14 and 15 March 2026
    expect(committee.get_by_role("row", name=re.compile("平均年龄"))).to_contain_text("46.5")
    expect(committee.get_by_role("row", name=re.compile("平均年龄"))).to_contain_text("35.5")

    page.get_by_label("对比日期：较早").fill("2015-01-01")
    page.get_by_label("对比日期：较晚").fill("2026-03-14")
    page.get_by_role("button", name="对比").click()
    expect(page).to_have_url(re.compile(r"before=2015-01-01"))
    # on 1 January 2015 nobody held a post yet; on 14 March 2026 the old committee did
    row = committee.get_by_role("row", name=re.compile("平均年龄"))
    expect(row.get_by_role("cell").nth(0)).to_have_text("—")
    expect(row.get_by_role("cell").nth(1)).to_have_text("46.5")

    page.goto(f"/evaluation/people/{reserve.person_id}/record/")
    expect(page.get_by_role("heading", name="村级后备干部登记表")).to_be_visible()
    expect(page.get_by_text("2026年度后备干部考核：优秀")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印")).to_be_hidden()  # no buttons on paper
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000
