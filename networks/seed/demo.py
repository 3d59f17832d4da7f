"""The demo world that `seed_demo` builds: two SERCOTEC offices, their people, firms and networks.

Every step looks up what exists first (by username, tax id or name), so running it again adds
nothing. Names, places and sectors are Chilean and plausible; tax ids are valid RUTs.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from networks.lib import typology
from networks.lib.dates import add_months
from networks.lib.taxid import rut_check_digit
from networks.models import Agency, Application, Firm, Membership, Network, Programme, User
from networks.seed import demo_dates, demo_history, demo_records
from networks.seed.demo_texts import NETWORK_TEXTS, RETURN_REASON
from networks.services import firms as firm_services
from networks.services import joint_actions as joint_action_services
from networks.services import lifecycle as lifecycle_services
from networks.services import programmes as programme_services


@dataclass(frozen=True)
class NetworkSpec:
    agency: str
    name: str
    region: str
    commune: str
    sector: str
    facilitator: str
    firm_stems: tuple[str, ...]
    size: int


SURNAMES = [
    "González",
    "Muñoz",
    "Rojas",
    "Díaz",
    "Pérez",
    "Soto",
    "Contreras",
    "Silva",
    "Martínez",
    "Sepúlveda",
    "Morales",
    "Rodríguez",
    "López",
    "Fuentes",
    "Hernández",
    "Torres",
    "Araya",
    "Flores",
    "Espinoza",
    "Valenzuela",
    "Castillo",
    "Tapia",
    "Reyes",
    "Gutiérrez",
    "Castro",
    "Pizarro",
    "Álvarez",
    "Vásquez",
    "Sánchez",
    "Fernández",
    "Ramírez",
    "Carrasco",
    "Gómez",
    "Cortés",
    "Herrera",
    "Núñez",
    "Jara",
    "Vergara",
    "Rivera",
    "Figueroa",
]

AGENCIES = {
    "SERCOTEC Maule": "PROFO Maule",
    "SERCOTEC Biobío": "PROFO Biobío",
}

NETWORKS = (
    NetworkSpec(
        "SERCOTEC Maule",
        "Muebleros de Talca",
        "Maule",
        "Talca",
        "Muebles",
        "facilitator",
        ("Mueblería", "Carpintería", "Maderas", "Tapicería"),
        14,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Viñateros de Curicó",
        "Maule",
        "Curicó",
        "Vino",
        "facilitator",
        ("Viña", "Bodega", "Viñedos"),
        12,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Apicultores del Maule",
        "Maule",
        "Linares",
        "Miel",
        "facilitator2",
        ("Apícola", "Miel", "Colmenares"),
        11,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Queseros de Cauquenes",
        "Maule",
        "Cauquenes",
        "Lácteos",
        "facilitator2",
        ("Quesería", "Lácteos", "Granja"),
        10,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Turismo rural de Vichuquén",
        "Maule",
        "Vichuquén",
        "Turismo rural",
        "facilitator",
        ("Cabañas", "Hostal", "Turismo"),
        9,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Hortaliceros de San Clemente",
        "Maule",
        "San Clemente",
        "Hortalizas",
        "facilitator2",
        ("Huerto", "Agrícola", "Invernaderos"),
        13,
    ),
    NetworkSpec(
        "SERCOTEC Biobío",
        "Metalmecánica de Talcahuano",
        "Biobío",
        "Talcahuano",
        "Metalmecánica",
        "facilitator.biobio",
        ("Maestranza", "Metalúrgica", "Soldaduras"),
        15,
    ),
    NetworkSpec(
        "SERCOTEC Biobío",
        "Panaderos de Concepción",
        "Biobío",
        "Concepción",
        "Panadería",
        "facilitator.biobio",
        ("Panadería", "Amasandería", "Pastelería"),
        12,
    ),
    # Added last: the position of a network gives its firms' tax ids, so the order stays.
    NetworkSpec(
        "SERCOTEC Maule",
        "Ceramistas de Pilén",
        "Maule",
        "Cauquenes",
        "Cerámica",
        "facilitator2",
        ("Alfarería", "Cerámica", "Greda"),
        11,
    ),
)

# username -> (first name, last name, role, agency name or None)
PEOPLE = {
    "admin": ("Carmen", "Valdés", User.Role.AGENCY_ADMIN, "SERCOTEC Maule"),
    "officer": ("Rodrigo", "Henríquez", User.Role.AGENCY_STAFF, "SERCOTEC Maule"),
    "officer2": ("Paula", "Orellana", User.Role.AGENCY_STAFF, "SERCOTEC Maule"),
    "officer.biobio": ("Andrés", "Saavedra", User.Role.AGENCY_STAFF, "SERCOTEC Biobío"),
    "facilitator": ("Marcela", "Bravo", User.Role.FACILITATOR, "SERCOTEC Maule"),
    "facilitator2": ("Jorge", "Riquelme", User.Role.FACILITATOR, "SERCOTEC Maule"),
    "facilitator.biobio": ("Daniela", "Mella", User.Role.FACILITATOR, "SERCOTEC Biobío"),
}

# username -> (first name, last name, network name of their firm, which member firm: the
# n-th by tax id). `firm` and `firm3` work for two firms of one network, so that one logs a
# joint action and the other confirms it.
FIRM_PEOPLE = {
    "firm": ("Luis", "González", "Muebleros de Talca", 0),
    "firm3": ("Pedro", "Muñoz", "Muebleros de Talca", 1),
    "firm2": ("Ana", "Rojas", "Apicultores del Maule", 0),
}

OPERATOR = "operator"

LOGINS = (
    ("admin", "agency admin, SERCOTEC Maule (the agency console)"),
    (OPERATOR, "platform operator (the Django admin, /admin/)"),
    ("officer", "agency staff, SERCOTEC Maule"),
    ("officer2", "agency staff, SERCOTEC Maule"),
    ("officer.biobio", "agency staff, SERCOTEC Biobío"),
    ("facilitator", "facilitator, Maule (Talca, Curicó, Vichuquén)"),
    ("facilitator2", "facilitator, Maule (Linares, Cauquenes, San Clemente, Pilén)"),
    ("firm", "member firm of Muebleros de Talca"),
    ("firm3", "another member firm of Muebleros de Talca (confirms firm's joint action)"),
    ("firm2", "member firm of Apicultores del Maule"),
)


def demo_rut(network_index: int, firm_index: int) -> str:
    number = 76_100_000 + network_index * 1_000 + firm_index
    return f"{number}-{rut_check_digit(number)}"


def _user(username: str, password: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


# name -> (lifecycle stage, months since the manager started, diagnosis ratings)
STAGES = {
    "Muebleros de Talca": ("consolidation", 32, (2, 2, 1, 2, 2, 3, 1, 1, 2)),
    "Viñateros de Curicó": ("consolidation", 14, (2, 2, 2, 3, 3, 3, 3, 2, 2)),
    "Apicultores del Maule": ("consolidation", 8, (1, 2, 1, 2, 2, 3, 1, 1, 1)),
    "Queseros de Cauquenes": ("submitted", 0, (1, 1, 1, 1, 2, 3, 1, 1, 1)),
    "Turismo rural de Vichuquén": ("draft", 0, None),
    "Hortaliceros de San Clemente": ("returned", 0, (1, 1, 1, 2, 1, 3, 1, 1, 1)),
    "Ceramistas de Pilén": ("independence", 38, (1, 2, 2, 3, 3, 3, 1, 2, 2)),
    "Metalmecánica de Talcahuano": ("consolidation", 20, (2, 3, 2, 3, 3, 3, 3, 2, 3)),
    "Panaderos de Concepción": ("submitted", 0, (1, 2, 1, 2, 2, 3, 1, 1, 2)),
}

SALARY = Decimal("1400000")


def _diagnosis(network, actor, ratings) -> None:
    texts = NETWORK_TEXTS[network.name]
    fields = {
        "problems": texts["problems"],
        "opportunities": texts["opportunities"],
        "collaboration_basis": texts["basis"],
    }
    if ratings:
        fields.update(zip(typology.DIMENSIONS, ratings, strict=True))
    lifecycle_services.diagnosis_save(network=network, actor=actor, **fields)


def _goals(network, actor, today) -> None:
    texts = NETWORK_TEXTS[network.name]
    for horizon, months in (("short", 10), ("medium", 30)):
        title, indicator, unit, target = texts[horizon]
        lifecycle_services.goal_create(
            network=network, actor=actor, horizon=horizon, title=title, indicator=indicator,
            unit=unit, baseline=Decimal("0"), target=target, due_date=add_months(today, months),
        )  # fmt: skip


def _lifecycle(network, spec, people) -> None:
    """Walk a fresh network to its demo stage through the services; skip one already there."""
    stage, months_ago, ratings = STAGES[spec.name]
    application = Application.objects.get(network=network)
    if (
        application.events.exists()
        or stage == "draft"
        and network.diagnoses.filter(problems__gt="").exists()
    ):
        return
    today = timezone.localdate()
    facilitator = people[spec.facilitator]
    officer = people["officer.biobio" if spec.agency == "SERCOTEC Biobío" else "officer"]
    _diagnosis(network, facilitator, ratings)
    if stage == "draft":
        return
    _goals(network, facilitator, today)
    lifecycle_services.application_submit(network=network, actor=facilitator)
    if stage == "submitted":
        return
    if stage == "returned":
        lifecycle_services.application_decide(
            application=application, actor=officer, decision="return",
            reason=RETURN_REASON,
        )  # fmt: skip
        return
    lifecycle_services.application_decide(
        application=application, actor=officer, decision="approve"
    )
    lifecycle_services.manager_appoint(
        network=network, person=facilitator, actor=officer,
        start=add_months(today, -months_ago), monthly_salary=SALARY,
    )  # fmt: skip


def _waiting_joint_action(network, logger: User, partner: User) -> None:
    """A joint action that `logger`'s firm logged last week with `partner`'s firm, still
    waiting for the partner's confirmation: the demo's confirmation flow starts here."""
    title = "Compra conjunta de barniz al agua"
    if network.joint_actions.filter(title=title).exists():
        return
    others = network.memberships.exclude(firm__in=[logger.firm, partner.firm]).order_by(
        "firm__tax_id"
    )
    joint_action_services.joint_action_log(
        network=network, actor=logger, type=network.programme.joint_action_types.get(
            slug="joint_purchasing"
        ), title=title, firms=[logger.firm, partner.firm, others.first().firm],
        status="under_way", start_date=timezone.localdate() - datetime.timedelta(days=6),
    )  # fmt: skip


def build(*, password: str) -> list[str]:
    agencies = {}
    programmes = {}
    for agency_name, programme_name in AGENCIES.items():
        agency, _created = Agency.objects.get_or_create(name=agency_name)
        agencies[agency_name] = agency
        programmes[agency_name] = Programme.objects.filter(
            agency=agency, name=programme_name
        ).first() or programme_services.programme_create(agency=agency, name=programme_name)

    people = {}
    for username, (first, last, role, agency_name) in PEOPLE.items():
        people[username] = _user(
            username,
            password,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.profo.local",
            role=role,
            agency=agencies[agency_name],
        )
    # The platform's operator: the Django admin is theirs alone (agency admins use the console).
    _user(
        OPERATOR, password, first_name="Operador", last_name="PROFO",
        email=f"{OPERATOR}@demo.profo.local", is_staff=True, is_superuser=True,
    )  # fmt: skip

    today = timezone.localdate()
    networks = {}
    for n_index, spec in enumerate(NETWORKS):
        facilitator = people[spec.facilitator]
        network = Network.objects.filter(programme=programmes[spec.agency], name=spec.name).first()
        if network is None:
            months_ago = STAGES[spec.name][1]
            network = lifecycle_services.network_create(
                actor=facilitator, programme=programmes[spec.agency], name=spec.name,
                region=spec.region, commune=spec.commune, sector=spec.sector,
                created_on=add_months(today, -(months_ago + 5)),
            )  # fmt: skip
        networks[spec.name] = network
        for f_index in range(spec.size):
            stem = spec.firm_stems[f_index % len(spec.firm_stems)]
            surname = SURNAMES[(n_index * 7 + f_index) % len(SURNAMES)]
            tax_id = demo_rut(n_index, f_index)
            firm = Firm.objects.filter(tax_id=tax_id).first() or firm_services.firm_create(
                actor=facilitator,
                name=f"{stem} {surname}", tax_id=tax_id, sector=spec.sector,
                region=spec.region, commune=spec.commune,
                employees=3 + (f_index * 7 + n_index * 3) % 60,
                contact_name=SURNAMES[(f_index + 11) % len(SURNAMES)],
                email=f"contacto{n_index}{f_index}@demo.profo.local",
            )  # fmt: skip
            if not Membership.objects.filter(network=network, firm=firm).exists():
                lifecycle_services.membership_add(
                    network=network, firm=firm, actor=facilitator, joined_on=network.created_on
                )
        _lifecycle(network, spec, people)
        stage = STAGES[spec.name][0]
        waiting_days = {"submitted": 12, "returned": 40}.get(stage, 0)
        if stage in ("consolidation", "independence"):
            biobio = spec.agency == "SERCOTEC Biobío"
            demo_history.build_history(
                network, facilitator=facilitator,
                officer=people["officer.biobio" if biobio else "officer"],
                reviewer=people["officer.biobio" if biobio else "officer2"],
                independence=stage == "independence",
            )  # fmt: skip
            demo_records.build_records(
                network, facilitator=facilitator,
                officer=people["officer.biobio" if biobio else "officer"],
            )  # fmt: skip
        network.refresh_from_db()
        demo_dates.date_the_past(
            network, submitted_on=today - datetime.timedelta(days=waiting_days)
        )

    firm_users = {}
    for username, (first, last, network_name, index) in FIRM_PEOPLE.items():
        firm = networks[network_name].memberships.order_by("firm__tax_id")[index].firm
        firm_users[username] = _user(
            username,
            password,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.profo.local",
            role=User.Role.FIRM_MEMBER,
            firm=firm,
        )

    _waiting_joint_action(networks["Muebleros de Talca"], firm_users["firm"], firm_users["firm3"])

    lines = [f"Demo logins (password: {password}):"]
    lines += [f"  {username:<18} {what}" for username, what in LOGINS]
    return lines
