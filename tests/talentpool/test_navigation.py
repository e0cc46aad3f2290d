from django.urls import reverse

from talentpool.context_processors import NAVIGATION, QUICK


def test_every_navigation_entry_names_a_real_page(db):
    for _group, entries in NAVIGATION:
        for name, _label, _roles in entries:
            assert reverse(name)
    for names in QUICK.values():
        for name in names:
            assert reverse(name)


def test_the_menu_is_grouped_by_stage(client, county_officer):
    client.force_login(county_officer)
    groups = client.get("/").context["nav_groups"]
    assert [g["label"] for g in groups] == [
        "首页",
        "人才库",
        "推荐审查",
        "培养",
        "考核任用",
        "统计",
        "导出申请",  # the 系统 group holds one entry for this role
    ]
    training = next(g for g in groups if g["label"] == "培养")
    assert [label for _u, label, _a in training["items"]] == [
        "培训",
        "导师帮带",
        "岗位锻炼",
        "工作实绩",
    ]


def test_navigation_follows_the_role(client, township_officer_a, mentor, auditor):
    client.force_login(township_officer_a)
    labels = [label for _u, label, _a in client.get("/").context["nav_items"]]
    assert "人才信息库" in labels
    assert "审计日志" not in labels
    client.force_login(auditor)
    labels = [label for _u, label, _a in client.get("/").context["nav_items"]]
    assert labels[:1] == ["首页"] and "人才信息库" not in labels


def test_a_mentors_daily_pages_are_one_tap_away(client, mentor):
    client.force_login(mentor)
    context = client.get("/").context
    assert [label for _u, label, _a in context["nav_quick"]] == ["我的帮带对象", "谈话频次"]
    # a group with a single entry for this user is that entry itself, not a menu of one
    assert [g["label"] for g in context["nav_groups"]] == ["首页", "培养", "导出申请"]


def test_only_the_most_specific_entry_is_current(client, county_officer):
    client.force_login(county_officer)
    context = client.get(reverse("candidates:pool")).context
    assert [label for _u, label, active in context["nav_items"] if active] == ["后备干部库"]
    assert [g["label"] for g in context["nav_groups"] if g["active"]] == ["人才库"]
