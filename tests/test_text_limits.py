"""Every free text has a maximum length, in the models, the database and the forms alike
(`networks.lib.limits`); the API's side is walked in tests/security/test_strict_input.py."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

import networks.forms
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH, clip
from networks.models import Diagnosis

pytestmark = pytest.mark.django_db

# Sessions hold Django's signed session data; no request body reaches them as text.
FRAMEWORK_MODELS = {"UserSession"}
# Not names: an Idempotency-Key header is checked against its own limit (255, as is customary).
MACHINE_COLUMNS = {("IdempotencyKey", "key")}
# Written by the app, never from a user's text: a notification's link (a path on this site) and
# the mail server's last error.
MACHINE_COLUMNS |= {("Notification", "url"), ("Notification", "mail_error")}


def _text_fields():
    for model in apps.get_app_config("networks").get_models():
        if model.__name__.startswith("Historical"):
            continue  # copies of the fields below, written only from them
        if model.__name__ in FRAMEWORK_MODELS:
            continue  # written by Django and knox, never from a user's text
        for field in model._meta.get_fields():
            if (model.__name__, field.name) in MACHINE_COLUMNS:
                continue
            if isinstance(field, models.TextField):
                yield model, field


def test_every_long_text_has_the_limit_a_validator_and_a_database_check():
    found = list(_text_fields())
    assert len(found) >= 18
    for model, field in found:
        where = f"{model.__name__}.{field.name}"
        assert field.max_length == TEXT_MAX_LENGTH, where
        assert any(getattr(v, "limit_value", None) == TEXT_MAX_LENGTH for v in field.validators), (
            where
        )
        names = {c.name for c in model._meta.constraints}
        assert f"{model.__name__.lower()}_{field.name}_max_length" in names, where


def test_every_name_is_a_bounded_column():
    for model in apps.get_app_config("networks").get_models():
        for field in model._meta.get_fields():
            if (model.__name__, field.name) in MACHINE_COLUMNS:
                continue
            if isinstance(field, models.CharField) and not isinstance(field, models.EmailField):
                assert field.max_length is not None, f"{model.__name__}.{field.name}"
                assert field.max_length <= NAME_MAX_LENGTH, f"{model.__name__}.{field.name}"


def test_the_database_refuses_a_long_text_over_the_limit(network):
    """Whatever path writes (a service, a shell, a bulk update), PostgreSQL holds the limit."""
    Diagnosis.objects.update_or_create(
        network=network, defaults={"problems": "p" * TEXT_MAX_LENGTH}
    )
    rows = Diagnosis.objects.filter(network=network)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(problems="p" * (TEXT_MAX_LENGTH + 1))
    assert len(rows.get().problems) == TEXT_MAX_LENGTH


def test_model_validation_names_the_limit(network):
    diagnosis = Diagnosis(network=network, opportunities="o" * (TEXT_MAX_LENGTH + 1))
    with pytest.raises(ValidationError) as caught:
        diagnosis.full_clean()
    message = caught.value.message_dict["opportunities"][0]
    assert "20000" in message and "20001" in message


def _form_classes():
    for module_info in pkgutil.iter_modules(networks.forms.__path__):
        module = importlib.import_module(f"networks.forms.{module_info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_text_of_every_form_has_a_maximum_length():
    checked = 0
    for form in _form_classes():
        for name, field in form.base_fields.items():
            if type(field) is forms.CharField and not isinstance(field.widget, forms.HiddenInput):
                checked += 1
                assert field.max_length is not None, f"{form.__name__}.{name}"
                assert field.max_length <= TEXT_MAX_LENGTH, f"{form.__name__}.{name}"
    assert checked >= 30


def test_a_derived_text_is_clipped_to_its_column():
    assert clip("r" * 10) == "r" * 10
    clipped = clip("Application rejected: " + "r" * TEXT_MAX_LENGTH)
    assert len(clipped) == TEXT_MAX_LENGTH and clipped.endswith("…")


def test_a_rejection_with_a_reason_at_the_limit_keeps_it_whole_and_clips_the_timeline(
    network, officer
):
    from networks.models import PhaseTransition
    from networks.services import lifecycle as lifecycle_services
    from tests.builders import make_submitted

    make_submitted(network)
    reason = "r" * TEXT_MAX_LENGTH
    application = lifecycle_services.application_decide(
        application=network.application, actor=officer, decision="reject", reason=reason
    )
    assert application.decision_reason == reason
    transition = PhaseTransition.objects.filter(network=network).latest("pk")
    assert len(transition.reason) == TEXT_MAX_LENGTH
