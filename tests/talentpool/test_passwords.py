"""Password policy (GB/T 22239 身份鉴别): complexity, age and first-login change."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from talentpool.demo import DEMO_PASSWORD
from talentpool.models import Role, User
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize(
    "password",
    ["Ab1!", "abcdefgh1", "ABCDEFGH1", "abcdEFGH", "12345678!", "password"],
)
def test_weak_passwords_are_refused_with_a_chinese_message(db, password):
    with pytest.raises(ValidationError) as error:
        validate_password(password, User(username="zhangsan"))
    assert any("密码" in m for m in error.value.messages)


def test_password_like_the_username_is_refused(db):
    with pytest.raises(ValidationError):
        validate_password("Zhangsan2026!", User(username="zhangsan2026"))


@pytest.mark.parametrize("password", [PASSWORD, DEMO_PASSWORD, "xian#zhong8A", "村干部Ab12x"])
def test_strong_passwords_pass(db, password):
    validate_password(password, User(username="officer"))


def test_set_password_records_when(db):
    user = make_user("wang", Role.LEADER)
    user.password_changed_at = timezone.now() - timedelta(days=100)
    user.set_password("New#pass2026")
    assert timezone.now() - user.password_changed_at < timedelta(seconds=5)


def test_expired_password_sends_the_user_to_change_it(client, leader):
    User.objects.filter(pk=leader.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    client.force_login(leader)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert "90天" in page.content.decode()


def test_password_of_89_days_is_still_good(client, leader):
    User.objects.filter(pk=leader.pk).update(
        password_changed_at=timezone.now() - timedelta(days=89)
    )
    client.force_login(leader)
    assert client.get(reverse("home")).status_code == 200


def test_htmx_request_with_expired_password_is_redirected_whole_page(client, leader):
    User.objects.filter(pk=leader.pk).update(must_change_password=True)
    client.force_login(leader)
    response = client.get(reverse("registry:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("password_change")


def test_account_made_by_administrator_must_change_password_first(client, leader):
    User.objects.filter(pk=leader.pk).update(must_change_password=True)
    client.force_login(leader)
    assert client.get(reverse("registry:list")).url == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh#2026ab",
            "new_password2": "Fresh#2026ab",
        },
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert not leader.must_change_password
    assert leader.check_password("Fresh#2026ab")
    # The session survives the change.
    assert client.get(reverse("registry:list")).status_code == 200


def test_new_password_must_differ_and_follow_policy(client, leader):
    client.force_login(leader)
    same = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert "不能与当前密码相同" in same.content.decode()
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert weak.status_code == 200
    assert "至少3类" in weak.content.decode()
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)


def test_demo_password_is_valid_under_the_policy(db):
    from talentpool.demo import DEMO_USERS

    for spec in DEMO_USERS:
        validate_password(DEMO_PASSWORD, User(username=spec.username))
