"""Spanish throughout: the catalogue is complete and compiled, pages, forms, the API and e-mails
speak the reader's language, and dates and numbers are written as that language writes them.

After changing a visible string, refresh the catalogue:

    DEBUG=1 .venv/bin/python manage.py makemessages -l es --no-location --no-obsolete \
        --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
    # translate the new entries in locale/es/LC_MESSAGES/django.po, then
    DEBUG=1 .venv/bin/python manage.py compilemessages -l es --ignore=.venv
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.exceptions import NotAuthenticated

from networks.lib.money import format_money
from networks.models import Activity, Network, Notification
from networks.services import notifications
from networks.services.lifecycle import ALREADY_DISSOLVED, DISSOLVE_REASON_REQUIRED
from tests.builders import activity_type, working_network
from tests.factories import ActivityFactory

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# What makemessages leaves out: the same as the documented command, and hidden folders (.venv,
# .git), which makemessages skips anyway.
NOT_SOURCE = {
    "tests",
    "bench",
    "staticfiles",
    "media",
    "test-artifacts",
    "node_modules",
    "db.sqlite3",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid)


def _translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO_PATH))


# --- the catalogue --------------------------------------------------------------------------


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in catalogue if not _translated(e)]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert not untranslated, f"Untranslated in {PO_PATH.name}: {untranslated}"
    assert not fuzzy, f"Fuzzy (check, then remove the flag): {fuzzy}"
    assert not catalogue.obsolete_entries(), "Obsolete entries: run makemessages --no-obsolete"
    assert len(catalogue) > 1000


def test_translations_keep_the_placeholders_and_markup(catalogue):
    wrong = []
    for entry in catalogue:
        sources = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = {p for source in sources for p in PLACEHOLDER.findall(source)}
        for text in translations:
            if "python-format" in entry.flags and set(PLACEHOLDER.findall(text)) != expected:
                wrong.append((entry.msgid, text))
            if re.findall(r"</?\w+", entry.msgid) != re.findall(r"</?\w+", text):
                wrong.append((entry.msgid, text))
    assert not wrong


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """The .mo is committed (a fresh checkout shows Spanish without gettext tools): it must be
    compiled from the current .po."""
    compiled = polib.mofile(str(MO_PATH))
    in_mo = {
        _key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
        for e in compiled
        if e.msgid
    }
    in_po = {
        _key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
        for e in catalogue
        if _translated(e) and "fuzzy" not in e.flags
    }
    stale = sorted(key for key in in_po if in_mo.get(key) != in_po[key])
    assert not stale, f"Run compilemessages: {stale[:10]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="GNU gettext (xgettext, msgmerge) is not installed: apt-get install gettext",
)
def test_makemessages_finds_no_string_missing_from_the_catalogue(tmp_path, catalogue):
    """Extract again, from a copy of the source (the real catalogue is left alone)."""

    def ignore(folder, names):
        top = Path(folder) == ROOT
        return {
            n
            for n in names
            if n == "__pycache__" or (top and (n in NOT_SOURCE or n.startswith(".")))
        }

    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=ignore)
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "profo.settings"}
    result = subprocess.run(
        [
            sys.executable, "manage.py", "makemessages", "-l", "es", "--no-location",
            "--no-obsolete", "--ignore=tests", "--ignore=bench", "--ignore=staticfiles",
        ],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(copy / PO_PATH.relative_to(ROOT)))
    committed = {_key(e) for e in catalogue}
    new = sorted(_key(e) for e in extracted if _key(e) not in committed)
    assert not new, f"Strings missing from {PO_PATH.name} (run makemessages, translate): {new}"


# --- formats --------------------------------------------------------------------------------


def test_money_is_written_as_each_language_writes_it():
    with translation.override("es"):
        assert format_money(Decimal("1234567.4"), "CLP") == "1.234.567 CLP"
        assert format_money(Decimal("1234.5"), "USD") == "1.234,50 USD"
    with translation.override("en"):
        assert format_money(Decimal("1234567.4"), "CLP") == "1,234,567 CLP"
        assert format_money(Decimal("1234.5"), "USD") == "1,234.50 USD"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "date", "cost"),
    [("es", "27-11-2026", "1.234.567 CLP"), ("en", "27 Nov 2026", "1,234,567 CLP")],
)
def test_a_page_writes_dates_and_amounts_in_the_readers_language(
    client, facilitator, network, language, date, cost
):
    working_network(network, members=2)
    activity = ActivityFactory(
        network=network, title="Feria", date=datetime.date(2026, 11, 27), cost=Decimal("1234567")
    )
    client.force_login(facilitator)
    page = client.get(
        reverse("networks:activity-detail", args=[network.pk, activity.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert f">{date}</time>" in page
    assert cost in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "cost", "date_format"),
    [
        ("es", "1.234.567", "%d-%m-%Y"),
        ("en", "1,234,567", "%Y-%m-%d"),
        ("es", "1500,5", "%Y-%m-%d"),
    ],
)
def test_forms_accept_amounts_and_dates_as_the_page_shows_them(
    client, facilitator, network, language, cost, date_format
):
    firms = working_network(network, members=2)
    today = timezone.localdate()
    client.force_login(facilitator)
    response = client.post(
        reverse("networks:activity-create", args=[network.pk]),
        {
            "type": activity_type(network).pk, "title": "Taller de costos",
            "date": today.strftime(date_format), "place": "Talca",
            "attendees": [firm.pk for firm in firms], "cost": cost,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    activity = Activity.objects.get()
    assert response.status_code == 302
    expected = Decimal("1500.5") if cost == "1500,5" else Decimal("1234567")
    assert (activity.date, activity.cost) == (today, expected)
    edit = client.get(
        reverse("networks:activity-edit", args=[network.pk, activity.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    shown = {"es": "1.234.567,00", "en": "1,234,567.00"}[language]
    assert f'value="{shown}"' in edit or cost == "1500,5"


# --- the language of pages, the API and e-mails ---------------------------------------------


@pytest.mark.django_db
def test_the_browser_language_decides_when_nothing_was_chosen(client, officer):
    client.force_login(officer)
    spanish = client.get(reverse("networks:home"), follow=True, HTTP_ACCEPT_LANGUAGE="es-CL,es")
    html = spanish.content.decode()
    assert '<html lang="es">' in html and "Cerrar sesión" in html and "Log out" not in html
    english = client.get(reverse("networks:home"), follow=True, HTTP_ACCEPT_LANGUAGE="en-US")
    assert "Log out" in english.content.decode()


@pytest.mark.django_db
def test_choices_and_default_types_are_translated(network):
    with translation.override("es"):
        assert str(Network.Phase.CONSOLIDATION.label) == "consolidación"
        assert str(activity_type(network, "factory_visit").label) == "visita a empresa"


@pytest.mark.django_db
def test_the_language_switch_is_remembered_and_saved_on_the_user(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    officer.refresh_from_db()
    assert officer.language == "es"
    # The cookie now wins over the browser's preference.
    page = client.get(reverse("networks:home"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Cerrar sesión" in page.content.decode()
    # A language the site does not offer changes nothing.
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "es"


@pytest.mark.django_db
def test_the_language_switch_works_without_an_account(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    login = client.get(reverse("login")).content.decode()
    assert "Iniciar sesión" in login


@pytest.mark.django_db
def test_api_errors_come_in_the_requests_language(officer, network):
    from rest_framework.test import APIClient

    api = APIClient()
    with translation.override("es"):
        not_logged_in = str(NotAuthenticated.default_detail)
        reason_required = str(DISSOLVE_REASON_REQUIRED)
        already = str(ALREADY_DISSOLVED)
    assert not_logged_in != "Authentication credentials were not provided."
    response = api.get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 401 and response.json()["detail"] == not_logged_in

    api.force_authenticate(officer)
    address = reverse("api:dissolve", args=[network.pk])
    refused = api.post(address, {"reason": ""}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert refused.status_code == 400
    assert reason_required == "Indique el motivo para disolver la red."
    assert reason_required in str(refused.json())
    assert Network.objects.get(pk=network.pk).phase != Network.Phase.DISSOLVED
    done = api.post(address, {"reason": "Cierre"}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert done.status_code == 200
    conflict = api.post(address, {"reason": "Otra vez"}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert conflict.status_code == 409 and conflict.json()["detail"] == already


@pytest.mark.django_db
def test_each_recipient_gets_the_email_in_their_language(officer, facilitator, network, jobs):
    officer.language, facilitator.language = "es", "en"
    officer.email, facilitator.email = "officer@example.cl", "facilitator@example.cl"
    officer.save(update_fields=["language", "email"])
    facilitator.save(update_fields=["language", "email"])
    Network.objects.filter(pk=network.pk).update(handover_due=datetime.date(2026, 11, 27))
    network.refresh_from_db()
    notifications.handover_reminder(network, key="1m", today=datetime.date(2026, 10, 28))
    jobs.run()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    spanish, english = by_recipient[officer.email], by_recipient[facilitator.email]
    assert (
        spanish.subject == f"PROFO: El traspaso de {network.name} está previsto para el 27-11-2026"
    )
    assert "En 30 días" in spanish.body and "Hola" in spanish.body
    assert english.subject == f"PROFO: The handover of {network.name} is due on 27 Nov 2026"
    # The inbox row is the same for both, and reads in the reader's language.
    rows = {row.recipient_id: row for row in Notification.objects.filter(network=network)}
    assert rows.keys() == {officer.pk, facilitator.pk}


@pytest.mark.django_db
def test_export_headers_come_in_the_readers_language(client, officer, network):
    client.force_login(officer)
    response = client.get(
        reverse("networks:export", args=["networks", "csv"]), HTTP_ACCEPT_LANGUAGE="es"
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header = body.splitlines()[0].split(",")
    assert header[:3] == ["ID de la red", "Red", "Agencia"]
    assert "Network id" not in body
