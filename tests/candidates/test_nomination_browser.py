"""The pipeline in the browser: a township officer nominates a registry person, the township
and county stages pass it, and the person appears in the pool and in the village's coverage."""

import re

import pytest
from playwright.sync_api import expect

from talentpool.models import Role
from tests.browser import log_in
from tests.candidates.factories import make_post
from tests.factories import make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _decide(page, decision: str) -> None:
    page.locator("#decision").get_by_label(decision, exact=True).check()
    page.locator("#decision").get_by_role("button", name="提交").click()


def test_a_registry_person_goes_from_nomination_to_the_pool_and_coverage(
    page, township_officer_a, county_officer, township_a, village_a
):
    colleague = make_user("colleague_a", Role.TOWNSHIP, township=township_a, last_name="周")
    make_post(village_a, "committee_member")
    make_person(
        township_a,
        village_a,
        name="张维",
        phone="13812345678",
        education="20",
        political_status="01",
    )

    # The township officer finds the person by pinyin initials and nominates them.
    log_in(page, township_officer_a.username)
    page.goto("/candidates/nominations/new/")
    page.get_by_label("在人才信息库中查找：姓名、拼音首字母、身份证号或手机号").fill("zw")
    page.get_by_role("link", name="选择 张维").click()
    page.get_by_label("拟任村（社区）").select_option(label="忠州街道 香山村")
    page.get_by_label("拟任岗位").select_option(label="村委会委员")
    page.get_by_label("推荐人姓名").fill("香山村党支部")
    page.get_by_label("推荐理由").fill("返乡创业，带动乡亲增收。")
    page.get_by_role("button", name="提交推荐").click()
    expect(page.get_by_text("已录入推荐：张维，进入资格审查。")).to_be_visible()

    # Screening: every manual item checked, one common note; then the village stage.
    for select in page.locator("select[data-check-result]").all():
        select.select_option("ok")
    page.get_by_label("共同核查依据").fill("经村党组织、派出所核查，符合条件。")
    page.get_by_role("button", name="保存审查记录").click()
    expect(page.get_by_text("已保存资格审查记录。")).to_be_visible()
    _decide(page, "通过")
    expect(page.get_by_text("现为“村级评议”")).to_be_visible()
    page.get_by_label("党员意见", exact=True).fill("党员一致认可。")
    page.get_by_label("群众意见", exact=True).fill("群众评价好。")
    _decide(page, "通过")
    expect(page.get_by_text("现为“乡镇初审”")).to_be_visible()
    nomination_url = page.url

    # A colleague takes the township preliminary review (nobody approves their own entry).
    page.get_by_role("button", name="退出").click()
    log_in(page, colleague.username)
    page.goto(nomination_url)
    _decide(page, "通过")
    expect(page.get_by_text("现为“县级联审”")).to_be_visible()

    # The county records the departments' answers, passes the joint review, enters the pool.
    page.get_by_role("button", name="退出").click()
    log_in(page, county_officer.username)
    page.goto("/candidates/queue/")
    page.get_by_role("link", name="张维").click()
    page.get_by_label("部门").select_option(label="公安")
    page.get_by_label("征求日期").fill("2026-05-01")
    page.locator("#id_answer").select_option(label="无问题")
    page.get_by_label("回复日期").fill("2026-05-06")
    page.get_by_role("button", name="记录部门意见").click()
    expect(page.get_by_text("已记录公安意见。")).to_be_visible()
    _decide(page, "通过")
    expect(page.get_by_text("现为“审查通过，待入库”")).to_be_visible()
    page.get_by_role("link", name="入库").click()
    page.get_by_label("成熟度").select_option(label="可即时使用")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("张维 已入后备干部库。")).to_be_visible()

    page.goto("/candidates/pool/")
    expect(page.get_by_role("link", name="张维")).to_be_visible()
    expect(page.get_by_role("cell", name="委员后备")).to_be_visible()
    page.goto(f"/candidates/villages/{village_a.pk}/")
    row = page.get_by_role("row", name=re.compile("村委会委员"))
    expect(row.get_by_role("link", name="张维")).to_be_visible()
    expect(row.get_by_role("cell", name="1 / 2")).to_be_visible()
