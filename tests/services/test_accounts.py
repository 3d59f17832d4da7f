"""networks/services/accounts.py: the user's own account. The language e-mails are written in is
saved through the service (the language switch calls it), never by a view saving the user."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.models import User
from networks.services import accounts as account_services

pytestmark = pytest.mark.django_db


def test_the_language_is_saved_on_the_user(officer):
    account_services.user_language_set(user=officer, language="es")
    assert User.objects.get(pk=officer.pk).language == "es"


def test_an_unknown_language_is_refused_and_nothing_changes(officer):
    before = User.objects.get(pk=officer.pk).language
    with pytest.raises(ValidationError) as refused:
        account_services.user_language_set(user=officer, language="xx")
    assert refused.value.message_dict == {"language": [str(account_services.LANGUAGE_UNKNOWN)]}
    assert User.objects.get(pk=officer.pk).language == before


def test_the_same_language_again_writes_nothing(officer):
    account_services.user_language_set(user=officer, language="es")
    with CaptureQueriesContext(connection) as queries:
        account_services.user_language_set(user=officer, language="es")
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]


def test_the_language_switch_goes_through_the_service(client, officer, monkeypatch):
    calls = []
    monkeypatch.setattr(
        account_services, "user_language_set", lambda **kwargs: calls.append(kwargs)
    )
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert calls == [{"user": officer, "language": "es"}]
