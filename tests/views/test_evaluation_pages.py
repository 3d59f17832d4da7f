"""The evaluation pages (form, history, detail), the network page's section, and the criteria set
pages: behaviour, errors, access for every persona, and pinned query counts."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.forms import evaluation as EF
from networks.lib.dates import add_months
from networks.models import Criterion, Evaluation, Network
from networks.selectors import network_page
from networks.services import criteria as C
from networks.services import evaluation as E
from tests import builders, factories
from tests.builders import evaluate
from tests.factories import ActivityFactory
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

FORM_QUERIES = 15  # session, user, network, the suggestions' reads (11), the criteria
SECTION_QUERIES = 1  # the latest evaluation with its evaluator


def url(name, *args):
    return reverse(f"networks:{name}", args=args)


@pytest.fixture
def running(network):
    start = add_months(timezone.localdate(), -24)
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.CONSOLIDATION, term_start=start, handover_due=add_months(start, 36)
    )
    network.refresh_from_db()
    return network


def criteria_of(network) -> list[Criterion]:
    return list(Criterion.objects.filter(programme=network.programme_id, is_active=True))


def answers(network, met: int = 7, **overrides) -> dict:
    data = {"date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
            "notes": "Visited three workshops."}  # fmt: skip
    for index, criterion in enumerate(criteria_of(network)):
        data[f"met_{criterion.pk}"] = "met" if index < met else "not_met"
        data[f"evidence_{criterion.pk}"] = f"Seen: {criterion.key}"
    data.update(overrides)
    return data


# --- the form -------------------------------------------------------------------------------


def test_the_form_shows_every_criterion_with_suggestions_and_no_default(client, officer, running):
    builders.add_members(running, 10)
    client.force_login(officer)
    response = client.get(url("evaluation-create", running.pk))
    html = response.content.decode()
    assert response.status_code == 200
    for criterion in criteria_of(running):
        assert f'name="met_{criterion.pk}"' in html
        assert f'name="evidence_{criterion.pk}"' in html
    # The form starts from the suggestions: every criterion answered as the data suggest, each
    # waiting for the officer's check.
    assert html.count("Only a suggestion:") == 12  # every default criterion has one (issue 18)
    assert html.count('value="met" checked') + html.count('value="not_met" checked') == 12
    assert html.count('name="confirm_') == 12
    assert shows(response, "From the app's data: 0 firms in arrears")
    assert "Suggested: not met — 0 activities in 6 months, attendance 0%" in html
    assert "Suggested: met — 0 firms in arrears" in html


def test_the_suggestion_reads_the_activities(client, officer, running):
    firms = builders.add_members(running, 10)
    for n in range(7):
        ActivityFactory(network=running, date=timezone.localdate() - datetime.timedelta(days=n),
                        attendees=firms[:6])  # fmt: skip
    client.force_login(officer)
    html = client.get(url("evaluation-create", running.pk)).content.decode()
    assert "Suggested: met — 7 activities in 6 months, attendance 60%" in html


def _as_suggested(response) -> dict:
    """What the form posts back untouched: its date and its suggested answers and evidence."""
    form = response.context["form"]
    data = {"date": timezone.localdate().isoformat()}
    for row in form.rows:
        pk = row.criterion.pk
        data[f"met_{pk}"] = row.met.value() or "not_met"
        data[f"evidence_{pk}"] = row.evidence.value() or ""
        if row.suggestion:
            data[f"suggested_{pk}"] = row.met.value()
    return data


def test_a_suggested_answer_is_saved_only_once_the_officer_checks_it(client, officer, running):
    builders.add_members(running, 10)
    client.force_login(officer)
    data = _as_suggested(client.get(url("evaluation-create", running.pk)))
    response = client.post(url("evaluation-create", running.pk), data)
    assert response.status_code == 200 and not Evaluation.objects.exists()
    arrears = Criterion.objects.get(programme=running.programme, key="dues_paid")
    message = str(EF.SUGGESTION_UNCHECKED % {"criterion": arrears.label})
    assert response.context["form"].errors[f"met_{arrears.pk}"] == [message]
    assert shows(response, message)
    # Checked one by one, they are saved as answered, with the data as evidence.
    suggested = [k.split("_")[1] for k in data if k.startswith("suggested_")]
    data.update({f"confirm_{pk}": "on" for pk in suggested})
    response = client.post(url("evaluation-create", running.pk), data)
    assert response.status_code == 302
    result = Evaluation.objects.get().results.get(criterion=arrears)
    assert result.met and result.evidence == "From the app's data: 0 firms in arrears"


def test_an_answer_changed_from_the_suggestion_needs_no_check(client, officer, running):
    builders.add_members(running, 10)
    client.force_login(officer)
    data = _as_suggested(client.get(url("evaluation-create", running.pk)))
    for key, value in list(data.items()):
        if key.startswith("suggested_"):
            data[f"met_{key.split('_')[1]}"] = "not_met" if value == "met" else "met"
    response = client.post(url("evaluation-create", running.pk), data)
    assert response.status_code == 302


def test_recording_an_evaluation(client, officer, running):
    client.force_login(officer)
    response = client.post(url("evaluation-create", running.pk), answers(running, met=7))
    evaluation = Evaluation.objects.get(network=running)
    assert response.status_code == 302
    assert response["Location"] == url("evaluation-detail", running.pk, evaluation.pk)
    assert (evaluation.met_count, evaluation.criteria_count) == (7, 12)
    assert evaluation.evaluator == officer
    assert evaluation.notes == "Visited three workshops."
    quality = evaluation.results.get(criterion__key="quality")
    assert quality.met and quality.evidence == "Seen: quality"
    page = client.get(response["Location"])
    assert shows(page, "Evaluation recorded: 7 of 12 criteria met.")


def test_every_error_is_shown_at_once_and_nothing_is_written(client, officer, running):
    criteria = criteria_of(running)
    data = answers(running, date=(timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    del data[f"met_{criteria[0].pk}"]
    del data[f"met_{criteria[5].pk}"]
    client.force_login(officer)
    response = client.post(url("evaluation-create", running.pk), data)
    assert response.status_code == 200
    assert not Evaluation.objects.exists()
    form = response.context["form"]
    assert form.errors["date"] == [str(E.EVALUATION_DATE_IN_FUTURE)]
    for criterion in (criteria[0], criteria[5]):
        message = str(E.EVALUATION_CRITERION_MISSING % {"criterion": criterion.label})
        assert form.errors[f"met_{criterion.pk}"] == [message]
        assert shows(response, message)
    assert shows(response, E.EVALUATION_DATE_IN_FUTURE)
    # What was typed stays on the form.
    assert 'value="met" checked' in response.content.decode()
    assert "Seen: quality" in response.content.decode()


def test_a_date_that_is_not_a_date_is_a_field_error(client, officer, running):
    client.force_login(officer)
    response = client.post(url("evaluation-create", running.pk), answers(running, date="soon"))
    assert response.context["form"].errors["date"] == ["Enter a valid date."]
    assert not Evaluation.objects.exists()


def test_a_network_in_preparation_can_be_evaluated(client, officer, network):
    client.force_login(officer)
    assert client.get(url("evaluation-create", network.pk)).status_code == 200
    day = network.created_on.isoformat()
    response = client.post(url("evaluation-create", network.pk), answers(network, date=day))
    evaluation = Evaluation.objects.get(network=network)
    assert response.status_code == 302 and evaluation.criteria_count == 12


def test_the_form_leaves_out_deactivated_criteria(client, officer, agency_admin, running):
    quality = Criterion.objects.get(programme=running.programme, key="quality")
    C.criterion_deactivate(criterion=quality, actor=agency_admin)
    client.force_login(officer)
    html = client.get(url("evaluation-create", running.pk)).content.decode()
    assert f'name="met_{quality.pk}"' not in html
    response = client.post(url("evaluation-create", running.pk), answers(running, met=11))
    assert response.status_code == 302
    assert Evaluation.objects.get().criteria_count == 11


def _grow(network, officer, firms: int, activities: int, evaluations: int):
    new = builders.add_members(network, firms)
    for n in range(activities):
        ActivityFactory(network=network, date=timezone.localdate() - datetime.timedelta(days=n),
                        attendees=new[:5])  # fmt: skip
    for n in range(evaluations):
        evaluate(network, officer, met=n % 12,
                 date=timezone.localdate() - datetime.timedelta(days=n + 1))  # fmt: skip


def test_form_queries_do_not_grow(client, officer, running, django_assert_max_num_queries):
    client.force_login(officer)
    _grow(running, officer, firms=2, activities=1, evaluations=1)
    with django_assert_max_num_queries(FORM_QUERIES):
        assert client.get(url("evaluation-create", running.pk)).status_code == 200
    _grow(running, officer, firms=20, activities=15, evaluations=6)
    with django_assert_max_num_queries(FORM_QUERIES):
        assert client.get(url("evaluation-create", running.pk)).status_code == 200


# --- history and detail ---------------------------------------------------------------------


@pytest.fixture
def history(running, officer):
    today = timezone.localdate()
    older = evaluate(running, officer, met=4, date=today - datetime.timedelta(days=400))
    newer = evaluate(running, officer, met=7, date=today - datetime.timedelta(days=10))
    return older, newer


@pytest.mark.parametrize("persona", ["officer", "agency_admin", "facilitator", "firm_user"])
def test_everyone_who_sees_the_network_reads_its_evaluations(
    client, request, running, history, persona
):
    older, newer = history
    client.force_login(request.getfixturevalue(persona))
    html = client.get(url("evaluation-list", running.pk)).content.decode()
    assert html.index(url("evaluation-detail", running.pk, newer.pk)) < html.index(
        url("evaluation-detail", running.pk, older.pk)
    )
    assert "7 of 12" in html and "4 of 12" in html
    detail = client.get(url("evaluation-detail", running.pk, newer.pk))
    assert detail.status_code == 200
    assert len(detail.context["results"]) == 12
    assert "Seen" not in detail.content.decode()
    assert "evidence 0" in detail.content.decode()
    may_evaluate = persona in ("officer", "agency_admin")
    assert (url("evaluation-create", running.pk) in html) is may_evaluate


def test_a_deactivated_criterion_still_shows_in_old_evaluations(
    client, officer, agency_admin, running, history
):
    quality = Criterion.objects.get(programme=running.programme, key="quality")
    C.criterion_deactivate(criterion=quality, actor=agency_admin)
    client.force_login(officer)
    response = client.get(url("evaluation-detail", running.pk, history[1].pk))
    assert quality in [r.criterion for r in response.context["results"]]
    assert shows(response, "no longer in the set")


def test_another_networks_evaluation_is_not_found(client, officer, running, history, programme):
    second = factories.NetworkFactory(programme=programme)
    client.force_login(officer)
    assert client.get(url("evaluation-detail", second.pk, history[0].pk)).status_code == 404


# --- the network page section ---------------------------------------------------------------


def test_the_section_shows_the_latest_evaluation(client, officer, firm_user, running, history):
    client.force_login(officer)
    html = client.get(url("network-detail", running.pk)).content.decode()
    figures = html[html.index('id="figures-heading"') :]
    assert "Latest evaluation" in figures and "7 of 12" in figures
    assert url("evaluation-list", running.pk) in figures
    assert url("evaluation-create", running.pk) in html and ">Evaluate<" in html
    tab = client.get(url("evaluation-list", running.pk)).content.decode()
    assert url("evaluation-detail", running.pk, history[1].pk) in tab
    assert url("evaluation-create", running.pk) in tab
    client.force_login(firm_user)
    html = client.get(url("network-detail", running.pk)).content.decode()
    assert "7 of 12" in html[html.index('id="figures-heading"') :]
    assert url("evaluation-create", running.pk) not in html
    tab = client.get(url("evaluation-list", running.pk)).content.decode()
    assert url("evaluation-detail", running.pk, history[1].pk) in tab
    assert url("evaluation-create", running.pk) not in tab


def test_an_evaluate_button_in_preparation_for_agency_staff_only(client, officer, network):
    client.force_login(officer)
    html = client.get(url("network-detail", network.pk)).content.decode()
    assert "Latest evaluation" in html  # a dash until the first
    assert url("evaluation-create", network.pk) in html
    client.force_login(network.facilitator)
    html = client.get(url("network-detail", network.pk)).content.decode()
    assert url("evaluation-create", network.pk) not in html


def _section_queries(user, network) -> int:
    request = RequestFactory().get("/")
    request.user = user
    network = Network.objects.select_related("programme__agency").get(pk=network.pk)
    with CaptureQueriesContext(connection) as queries:
        context = network_page.evaluation_section(network_page.NetworkPage(network, request.user))
        render_to_string("networks/_detail_evaluation.html", {**context, "network": network})
    return len(queries)


def test_the_section_queries_do_not_grow(officer, running):
    assert _section_queries(officer, running) == SECTION_QUERIES
    for n in range(8):
        evaluate(running, officer, met=n, date=timezone.localdate() - datetime.timedelta(days=n))
    assert _section_queries(officer, running) == SECTION_QUERIES


# --- access ---------------------------------------------------------------------------------


NETWORK_PAGES = [
    ("evaluation-create", "get"),
    ("evaluation-create", "post"),
    ("evaluation-list", "get"),
    ("evaluation-detail", "get"),
]


def _network_url(name, network, evaluation):
    if name == "evaluation-detail":
        return url(name, network.pk, evaluation.pk)
    return url(name, network.pk)


@pytest.mark.parametrize("name, method", NETWORK_PAGES)
@pytest.mark.parametrize(
    "persona, status",
    [
        ("outsider_officer", 404),
        ("outsider_facilitator", 404),
        ("outsider_firm_user", 404),
        ("facilitator", "read"),
        ("firm_user", "read"),
        ("officer", 200),
        ("agency_admin", 200),
    ],
)
def test_access_to_the_evaluation_pages(
    client, request, running, history, name, method, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    target = _network_url(name, running, history[0])
    data = {"date": "not a date"} if method == "post" else None
    response = getattr(client, method)(target, data)
    if status == "read":
        status = 403 if name == "evaluation-create" else 200
    assert response.status_code == status
    assert Evaluation.objects.count() == 2


@pytest.mark.parametrize("name, method", NETWORK_PAGES)
def test_anonymous_users_go_to_the_login_page(client, running, history, name, method):
    response = getattr(client, method)(_network_url(name, running, history[0]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the criteria set pages -----------------------------------------------------------------


def test_an_admin_adds_a_criterion_on_the_page(client, agency_admin, programme):
    client.force_login(agency_admin)
    page = client.get(url("criteria-set", programme.pk))
    assert page.status_code == 200 and shows(page, "Add a criterion")
    response = client.post(
        url("criteria-set", programme.pk),
        {"title": "Exports as a group", "description": "One shipment.", "suggestion": ""},
    )
    assert response.status_code == 302
    criterion = Criterion.objects.get(programme=programme, key="exports-as-a-group")
    assert criterion.description == "One shipment."
    page = client.get(response["Location"])
    assert shows(page, "Criterion “Exports as a group” added.")


def test_the_add_form_shows_the_services_errors(client, agency_admin, programme):
    client.force_login(agency_admin)
    response = client.post(url("criteria-set", programme.pk), {"title": "Joint purchasing"})
    assert response.status_code == 200
    message = C.CRITERION_TITLE_TAKEN % {"title": "Joint purchasing"}
    assert response.context["form"].errors["title"] == [str(message)]
    assert shows(response, message)
    response = client.post(url("criteria-set", programme.pk), {"title": ""})
    assert response.context["form"].errors["title"] == [str(C.CRITERION_TITLE_REQUIRED)]
    assert Criterion.objects.filter(programme=programme).count() == 12


def test_an_admin_edits_moves_deactivates_and_reactivates(client, agency_admin, programme):
    quality = Criterion.objects.get(programme=programme, key="quality")
    client.force_login(agency_admin)
    edit = url("criterion-edit", programme.pk, quality.pk)
    assert client.get(edit).context["form"].initial["title"] == quality.title
    response = client.post(edit, {"title": "ISO 9000 together", "suggestion": "quality"})
    assert response.status_code == 302
    quality.refresh_from_db()
    assert quality.title == "ISO 9000 together"

    client.post(url("criterion-move", programme.pk, quality.pk), {"direction": "up"})
    keys = list(Criterion.objects.filter(programme=programme).values_list("key", flat=True))
    assert keys.index("quality") == 3

    client.post(url("criterion-deactivate", programme.pk, quality.pk))
    quality.refresh_from_db()
    assert not quality.is_active
    page = client.get(url("criteria-set", programme.pk))
    assert quality in page.context["inactive"]
    assert shows(page, "new evaluations leave it out, old ones keep it")

    response = client.post(url("criterion-deactivate", programme.pk, quality.pk), follow=True)
    assert shows(response, C.CRITERION_ALREADY_INACTIVE % {"criterion": quality.label})
    client.post(url("criterion-reactivate", programme.pk, quality.pk))
    quality.refresh_from_db()
    assert quality.is_active


def test_staff_see_the_set_without_the_buttons(client, officer, programme):
    client.force_login(officer)
    response = client.get(url("criteria-set", programme.pk))
    assert response.status_code == 200
    assert len(response.context["active"]) == 12
    assert shows(response, "Only an admin of the agency can change the set.")
    assert "Add a criterion" not in response.content.decode()


CHANGE_PAGES = [
    ("criteria-set", False, "post"),
    ("criterion-edit", True, "get"),
    ("criterion-edit", True, "post"),
    ("criterion-move", True, "post"),
    ("criterion-deactivate", True, "post"),
    ("criterion-reactivate", True, "post"),
]


@pytest.mark.parametrize(
    "name, with_criterion, method", CHANGE_PAGES + [("criteria-set", False, "get")]
)
@pytest.mark.parametrize(
    "persona, status",
    [
        ("officer", "read"),
        ("facilitator", 403),
        ("firm_user", 403),
        ("outsider_officer", 404),
        ("outsider_facilitator", 404),
        ("outsider_firm_user", 404),
    ],
)
def test_access_to_the_criteria_pages(
    client, request, programme, network, name, with_criterion, method, persona, status
):
    request.getfixturevalue("member_firm")
    quality = Criterion.objects.get(programme=programme, key="quality")
    args = (programme.pk, quality.pk) if with_criterion else (programme.pk,)
    client.force_login(request.getfixturevalue(persona))
    data = {"title": "Changed", "direction": "up"} if method == "post" else None
    response = getattr(client, method)(url(name, *args), data)
    if status == "read":
        status = 200 if (name, method) == ("criteria-set", "get") else 403
    assert response.status_code == status
    quality.refresh_from_db()
    assert (quality.title, quality.is_active, quality.position) == (
        "A joint quality or certification process", True, 4,
    )  # fmt: skip
    assert Criterion.objects.filter(programme=programme).count() == 12


def test_another_agencys_admin_gets_404(client, programme, other_network):
    stranger = factories.AgencyAdminFactory(agency=other_network.programme.agency)
    client.force_login(stranger)
    assert client.get(url("criteria-set", programme.pk)).status_code == 404
    assert client.post(url("criteria-set", programme.pk), {"title": "X"}).status_code == 404
