"""Months of realistic history for the demo's running networks, written through the services.

For each network in consolidation: monthly activities whose attendance grows as the group knits
together (and a few firms that drift away), joint actions logged by member firms and confirmed
by most partners, support-service take-ups, quarterly goal actuals, firm indicators, monthly dues
and payments (two firms fall into arrears), and yearly evaluations. One network goes through its
handover into independence. Everything is derived from a seeded random generator, so two runs
produce the same world; a network that already has activities is left alone.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import (
    ActivityType,
    Criterion,
    Goal,
    JointActionType,
    Membership,
    Network,
    SupportProvider,
    SupportService,
    User,
)
from networks.seed.demo_texts import (
    ACTIVITY_DESCRIPTION,
    ACTIVITY_OUTCOMES,
    ACTIVITY_PLAN,
    JOINT_OUTCOME,
    JOINT_PLAN,
    NETWORK_TEXTS,
)
from networks.selectors import independence as independence_selectors
from networks.selectors.evaluation import suggestions
from networks.services import activities as activity_services
from networks.services import evaluation as evaluation_services
from networks.services import independence as independence_services
from networks.services import joint_actions as joint_action_services
from networks.services import progress as progress_services
from networks.services import support as support_services
from networks.services import term as term_services

SERVICES = [
    ("SERCOTEC Maule", "Capacitación en gestión", "training"),
    ("CORFO", "Crédito de fomento", "credit"),
    ("Universidad de Talca", "Laboratorio de ensayos", "technology"),
    ("INN", "Certificación de calidad", "certification"),
]


def _firm_user(firm) -> User:
    """A contact user for a firm, so that it confirms its own participation; the password is
    unusable (they would set one through the password reset)."""
    user, _created = User.objects.get_or_create(
        username=f"contact.{firm.tax_id}",
        defaults={
            "role": User.Role.FIRM_MEMBER,
            "firm": firm,
            "email": firm.email,
            "first_name": firm.contact_name,
            "password": make_password(None),
        },
    )
    return user


def _catalogue(agency, officer):
    services_by_category = {}
    for provider_name, service_name, category in SERVICES:
        provider = SupportProvider.objects.filter(agency=agency, name=provider_name).first()
        provider = provider or support_services.provider_create(actor=officer, name=provider_name)
        service = SupportService.objects.filter(provider=provider, name=service_name).first()
        service = service or support_services.service_create(
            actor=officer, provider=provider, name=service_name, category=category
        )
        services_by_category[category] = service
    return services_by_category


def build_history(network: Network, *, facilitator, officer, reviewer, independence=False):
    """Give one running network its past. `reviewer` confirms the handover (four eyes)."""
    if network.activities.exists() or network.term_start is None:
        return
    rng = random.Random(network.name)
    today = timezone.localdate()
    start = network.term_start
    end = min(today, network.handover_due) if independence else today
    firms = [m.firm for m in Membership.objects.filter(network=network).select_related("firm")
             .order_by("firm__tax_id")]  # fmt: skip
    drifting = set(firms[-2:]) if len(firms) > 10 else set()  # quiet for the last months
    late_payers = set(firms[1:3])
    engagement = {firm: rng.uniform(0.55, 0.95) for firm in firms}
    activity_types = {t.slug: t for t in ActivityType.objects.filter(programme=network.programme)}
    joint_types = {t.slug: t for t in JointActionType.objects.filter(programme=network.programme)}
    catalogue = _catalogue(network.programme.agency, officer)
    total_months = max(1, (end.year - start.year) * 12 + end.month - start.month)
    words = NETWORK_TEXTS[network.name]

    # Activities: one or two a month, attendance growing as the group knits together.
    month = 0
    day = start + datetime.timedelta(days=10)
    while day <= end:
        progress = month / total_months
        for slot in range(1 + (month % 3 == 0)):
            slug, title, place = ACTIVITY_PLAN[(month * 2 + slot) % len(ACTIVITY_PLAN)]
            date = day + datetime.timedelta(days=slot * 9)
            if date > end:
                continue
            host = firms[(month + slot) % len(firms)] if slug == "factory_visit" else None
            attendees = [
                f for f in firms
                if rng.random() < engagement[f] * (0.5 + 0.5 * progress)
                and not (f in drifting and (end - date).days < 120)
            ]  # fmt: skip
            if host and host not in attendees:
                attendees.append(host)
            activity_services.activity_log(
                network=network, actor=facilitator, type=activity_types[slug],
                title=title.format(host=host.name if host else "", **words), date=date,
                place=place.format(commune=network.commune), host_firm=host,
                attendees=attendees, cost=Decimal(rng.randrange(80, 900) * 1000),
                description=ACTIVITY_DESCRIPTION, outcomes=ACTIVITY_OUTCOMES,
            )  # fmt: skip
        month += 1
        day = add_months(start, month) + datetime.timedelta(days=rng.randrange(5, 20))

    # Joint actions, roughly one a quarter, logged by a member firm.
    for index, quarter_start in enumerate(range(2, total_months, 3)):
        slug, title, value = JOINT_PLAN[index % len(JOINT_PLAN)]
        title = title.format(**words)
        begun = add_months(start, quarter_start)
        if begun > end:
            break
        age = (end - begun).days
        status = "done" if age > 120 else ("under_way" if age > 30 else "planned")
        partners = rng.sample([f for f in firms if f not in drifting], k=min(5, len(firms) - 2))
        logger = _firm_user(partners[0])
        joint_action = joint_action_services.joint_action_log(
            network=network, actor=logger, type=joint_types[slug], title=title,
            firms=partners, status=status, start_date=begun,
            end_date=add_months(begun, 2) if status == "done" else None,
            value=value if status == "done" else Decimal(0),
            outcome=JOINT_OUTCOME if status == "done" else "",
        )  # fmt: skip
        # Older actions are confirmed by every partner; the newest still wait for some.
        for firm in partners[1:] if age > 120 else partners[1:3]:
            joint_action_services.joint_action_confirm(
                joint_action=joint_action, actor=_firm_user(firm)
            )

    # Support services: the facilitator refers firms; most take the service up.
    for index, firm in enumerate(firms[:6]):
        category = ("training", "credit", "technology", "certification")[index % 4]
        status = ("completed", "taken_up", "referred")[index % 3]
        support_services.uptake_create(
            network=network, actor=facilitator, firm=firm, service=catalogue[category],
            date=add_months(start, 1 + index * 2) if add_months(start, 1 + index * 2) <= end
            else end, status=status, referred_by_facilitator=index != 4,
            result="Curso terminado por dos trabajadores." if status == "completed" else "",
        )  # fmt: skip

    # Goal actuals every quarter, moving towards the target.
    for goal in Goal.objects.filter(network=network):
        for quarter in range(3, total_months + 1, 3):
            period_end = add_months(start, quarter) - datetime.timedelta(days=1)
            if period_end >= today:
                break
            share = min(1, quarter / 30)
            value = goal.baseline + (goal.target - goal.baseline) * Decimal(str(round(share, 2)))
            progress_services.goal_actual_record(
                goal=goal, actor=facilitator, period_end=period_end, value=value.quantize(1),
                comment="Medido en la reunión trimestral.",
            )  # fmt: skip

    # Firm indicators: a baseline at the start, then a follow-up each year.
    for firm in firms:
        base_staff = firm.employees or 8
        sales = Decimal(rng.randrange(40, 400) * 1_000_000)
        for year in range(0, total_months // 12 + 1):
            date = add_months(start, 12 * year)
            if date > today:
                break
            growth = Decimal(1) + Decimal(year) * Decimal(str(rng.uniform(0.03, 0.12)))
            progress_services.firm_indicator_record(
                firm=firm, actor=facilitator, date=date, is_baseline=year == 0,
                employees=base_staff + year * rng.randrange(0, 3),
                annual_sales=(sales * growth).quantize(1),
                exports=Decimal(0) if year < 2 else (sales * Decimal("0.05")).quantize(1),
                average_wage=Decimal(rng.randrange(550, 900) * 1000), people_trained=year * 2,
                certifications=1 if year >= 2 and rng.random() < 0.3 else 0,
                technologies=year + rng.randrange(0, 2),
            )  # fmt: skip

    # Evaluations at 12 and 24 months, taking the data's suggestions where there are some.
    for months in (12, 24):
        date = add_months(start, months)
        if date > today:
            break
        found = suggestions(network, today=date)
        results = []
        for criterion in Criterion.objects.filter(programme=network.programme, is_active=True):
            hint = found.get(criterion.suggestion)
            met = hint.met if hint else rng.random() < 0.4
            results.append((criterion, met, str(hint.why) if hint else "Constatado en la visita."))
        evaluation_services.evaluation_record(
            network=network, actor=officer, date=date, results=results
        )

    if independence:
        active = [m.firm for m in Membership.objects.filter(network=network, left_on__isnull=True)]
        base = (Decimal(100) / len(active)).quantize(Decimal("0.001"))
        commitments = dict.fromkeys(active, base)
        commitments[active[0]] += Decimal(100) - base * len(active)
        term_services.handover_propose(
            network=network, actor=facilitator, date=network.handover_due, manager=facilitator,
            monthly_salary=Decimal("1500000"), commitments=commitments,
        )  # fmt: skip
        term_services.handover_confirm(network=network, actor=reviewer)
        # The first yearly check-in after independence (issue 18), as the manager records it.
        network.refresh_from_db()
        if network.handed_over_on <= today:
            initial = independence_selectors.check_in_initial(network, today)
            independence_services.check_in_record(
                network=network, actor=facilitator, date=today, still_meeting=True,
                manager_paid=True, members=initial["members"],
                joint_actions=initial["joint_actions"],
                notes="Siguen las reuniones mensuales; las empresas pagan todo el sueldo del gestor.",
            )  # fmt: skip

    # Dues every month, paid a few days later, except two firms behind for some months.
    term_services.dues_catch_up(network=network)
    for due in network.dues.select_related("firm").order_by("month"):
        behind = due.firm in late_payers and (today - due.month).days < 150
        if due.amount > 0 and not behind:
            term_services.payment_record(
                network=network, firm=due.firm, actor=facilitator, amount=due.amount,
                date=min(today, due.month + datetime.timedelta(days=rng.randrange(5, 25))),
                reference=f"TRF {due.month:%Y%m}-{due.firm.tax_id[-5:]}",
            )  # fmt: skip
