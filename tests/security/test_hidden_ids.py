"""Ids from outside a network, sent in a request body: "not yours" answers exactly as "does not
exist" (the same status and text), for every API field that takes an id an outsider might try."""

import datetime
import json
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from networks.models import Criterion, Firm, Membership, Network, Programme, SupportService, User

pytestmark = pytest.mark.django_db


def _hidden_and_unknown(world):
    """(route, who, body with X for the id, hidden id, unknown id): every API field that takes
    an id an outsider might try, with an object of agency B and an id nobody has."""
    a, b = world.a, world.b
    today = timezone.localdate().isoformat()
    nobody = {
        model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
        for model in (Firm, Programme, User, SupportService, Criterion)
    }
    hidden_firm = b.firms[2]
    later = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    return [
        ("api:member-list", a.facilitator, lambda x: {"firm": x}, hidden_firm.pk,
         nobody[Firm]),
        ("api:network-list", a.officer,
         lambda x: {"programme": x, "name": "N", "region": "R", "sector": "S"},
         b.programme.pk, nobody[Programme]),
        ("api:replace-manager", a.officer,
         lambda x: {"manager": x, "start_date": today, "monthly_salary": "1000",
                    "reason": "Moved."},
         b.facilitator.pk, nobody[User]),
        ("api:replace-manager", a.officer,
         lambda x: {"manager": x, "start_date": today, "monthly_salary": "1000",
                    "reason": "Moved."},
         b.officer.pk, nobody[User]),
        ("api:handover", a.facilitator,
         lambda x: {"date": later, "manager": x, "monthly_salary": "1000", "commitments": []},
         b.facilitator.pk, nobody[User]),
        ("api:payment-create", a.facilitator,
         lambda x: {"firm": x, "date": today, "amount": "1000"}, hidden_firm.pk, nobody[Firm]),
        ("api:uptake-list", a.facilitator,
         lambda x: {"firm": x, "service": a.service.pk, "date": today}, hidden_firm.pk,
         nobody[Firm]),
        ("api:uptake-list", a.facilitator,
         lambda x: {"firm": a.firms[0].pk, "service": x, "date": today}, b.service.pk,
         nobody[SupportService]),
        ("api:joint-action-list", a.facilitator,
         lambda x: {"type": "joint_purchasing", "title": "T", "status": "planned",
                    "firms": [a.firms[0].pk, x]},
         hidden_firm.pk, nobody[Firm]),
        ("api:network-activity-list", a.facilitator,
         lambda x: {"type": "factory_visit", "title": "T", "date": today, "attendees": [x]},
         hidden_firm.pk, nobody[Firm]),
        ("api:evaluation-list", a.officer,
         lambda x: {"date": today, "results": [{"criterion": x, "met": True}]},
         b.criterion.pk, nobody[Criterion]),
        ("api:joint-action-type-list", a.admin, lambda x: {"programme": x, "name": "Cold"},
         b.programme.pk, nobody[Programme]),
        ("api:invitation-list", a.admin,
         lambda x: {"email": "n@example.com", "role": "firm_member", "firm": x},
         hidden_firm.pk, nobody[Firm]),
    ]  # fmt: skip


def test_a_hidden_id_gets_the_same_answer_as_an_id_that_does_not_exist(client, world, db):
    for name, user, body, hidden, unknown in _hidden_and_unknown(world):
        no_id = {"api:network-list", "api:joint-action-type-list", "api:invitation-list"}
        url = reverse(name) if name in no_id else reverse(name, args=[world.a.network.pk])
        world.login(client, user)
        answers = []
        for value in (hidden, unknown):
            with transaction.atomic():  # each try on its own: a wrong 201 must not help the next
                response = client.post(
                    url, json.dumps(body(value)), content_type="application/json"
                )
                transaction.set_rollback(True)
            text = re.sub(rf"\b{value}\b", "X", response.content.decode())
            answers.append((response.status_code, text))
        where = f"{name} with {body('X')}"
        assert answers[0] == answers[1], f"{where}: {answers}"
        assert answers[0][0] == 400, where
    assert not Membership.objects.filter(network=world.a.network, firm=world.b.firms[2]).exists()
    assert not Network.objects.filter(programme=world.b.programme, name="N").exists()


def test_registering_a_taken_tax_id_answers_the_same_for_any_agencys_firm(client, world, db):
    """A RUT is public, so "already registered" is no secret; but whose firm it is, is."""
    a, b = world.a, world.b
    world.login(client, a.facilitator)
    answers = []
    for firm in (a.firms[2], b.firms[2]):
        api = client.post(
            reverse("api:firm-list"), {"name": "Copy", "tax_id": firm.tax_id},
            content_type="application/json",
        )  # fmt: skip
        page = client.post(
            reverse("networks:network-members", args=[a.network.pk]),
            {"name": "Copy", "tax_id": firm.tax_id},
        )
        errors = page.context["form"].errors.get("tax_id") if page.context else None
        answers.append((api.status_code, api.json(), page.status_code, errors))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400
