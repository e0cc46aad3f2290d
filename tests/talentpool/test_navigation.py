from django.urls import reverse

from talentpool.context_processors import NAVIGATION


def test_every_navigation_entry_names_a_real_page(db):
    for name, _label, _roles in NAVIGATION:
        assert reverse(name)


def test_navigation_follows_the_role(client, township_officer_a, mentor, auditor):
    client.force_login(township_officer_a)
    labels = [label for _u, label, _a in client.get("/").context["nav_items"]]
    assert "人才信息库" in labels
    assert "审计日志" not in labels
    client.force_login(auditor)
    labels = [label for _u, label, _a in client.get("/").context["nav_items"]]
    assert labels[:1] == ["首页"] and "人才信息库" not in labels


def test_only_the_most_specific_entry_is_current(client, county_officer):
    client.force_login(county_officer)
    items = client.get(reverse("candidates:pool")).context["nav_items"]
    assert [label for _u, label, active in items if active] == ["后备干部库"]
