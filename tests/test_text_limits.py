"""Every free-text field has a maximum length, in the model and in the form, and a longer text
is refused with a Chinese message that shows the text again (nothing saved)."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from talentpool.text import LONG_TEXT_MAX_LENGTH
from tests.factories import grant_personal_data, make_person

APPS = ("talentpool", "candidates", "training", "evaluation")
FORM_MODULES = (
    "talentpool.forms",
    "talentpool.survey.forms",
    "candidates.forms",
    "training.forms",
    "evaluation.forms",
)
# Text the application writes itself, never typed into a form: why an import failed.
SYSTEM_TEXT = {("talentpool.ImportBatch", "error"), ("talentpool.ImportRow", "message")}
# Checked in LoginForm.clean instead, so that a longer username is a counted failed sign-in.
CHECKED_IN_CLEAN = {("LoginForm", "username")}


def _text_fields():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if any(f.name == "pgh_obj" or f.name == "pgh_label" for f in model._meta.fields):
                continue  # audit event tables copy their model's fields
            if model._meta.proxy:
                continue  # the concrete model's fields (LoginLockout: what django-axes writes)
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField) and field.editable:
                    yield model._meta.label, field


def test_every_text_field_of_every_model_has_a_maximum_length_that_the_model_checks():
    missing = []
    checked = 0
    for label, field in _text_fields():
        if (label, field.name) in SYSTEM_TEXT:
            continue
        checked += 1
        limits = [v for v in field.validators if isinstance(v, MaxLengthValidator)]
        if not field.max_length or not limits:
            missing.append(f"{label}.{field.name}")
    assert checked > 100
    assert missing == []


def _form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for form_name, form_class in vars(module).items():
            if (
                inspect.isclass(form_class)
                and issubclass(form_class, forms.BaseForm)
                and form_class.__module__ == name
            ):
                yield form_name, form_class


def test_every_text_field_of_every_form_has_a_maximum_length():
    missing = []
    checked = 0
    for form_name, form_class in _form_classes():
        for field_name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            if (form_name, field_name) in CHECKED_IN_CLEAN:
                continue
            checked += 1
            limits = [v for v in field.validators if isinstance(v, MaxLengthValidator)]
            if field.max_length is None or not limits:
                missing.append(f"{form_name}.{field_name}")
    assert checked > 50
    assert missing == []


def test_the_model_refuses_a_three_megabyte_remark(township_a):
    person = make_person(township_a)
    person.remark = "很长" * 1_500_000
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "remark" in refused.value.message_dict


def test_an_oversized_remark_is_refused_with_a_chinese_message_and_kept_on_the_page(
    client, county_officer, township_a
):
    person = make_person(township_a, remark="原来的备注")
    client.force_login(grant_personal_data(county_officer))
    typed = "备" * (LONG_TEXT_MAX_LENGTH + 1)
    response = client.post(
        reverse("registry:edit", args=[person.pk]),
        {
            "name": person.name,
            "id_number": person.id_number,
            "gender": person.gender,
            "birth_date": person.birth_date.isoformat(),
            "ethnicity": person.ethnicity,
            "phone": person.phone,
            "township": person.township_id,
            "residence": person.residence,
            "remark": typed,
            "version": person.version,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{LONG_TEXT_MAX_LENGTH}" in page and "字符" in page  # Django's Chinese message
    assert typed in page  # what was typed is shown again, to shorten
    person.refresh_from_db()
    assert person.remark == "原来的备注"
    assert person.version == 1
