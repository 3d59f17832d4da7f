"""The broker's records for the demo's running networks, written through the services: the
diagnosis at application dated before the term, yearly re-diagnoses with the profile moving up,
the firms' certifications (some from before they joined, one with its certificate), a joint
strategic project or two with milestones and a joint action in each, and the sales the firms
won on a done marketing joint action. A network that already has a project is left alone."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from networks.lib.dates import add_months
from networks.lib.typology import DIMENSIONS
from networks.models import Diagnosis, JointAction, Membership, Network
from networks.services import certifications as certification_services
from networks.services import diagnoses as diagnosis_services
from networks.services import group_sales as group_sales_services
from networks.services import projects as project_services

# A one-page PDF: the certificate the demo shows as evidence.
CERTIFICATE = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PROJECTS = [
    ("Marca colectiva para exportar", "Vender con una marca común en Santiago y en Argentina.",
     Decimal("48000000"), Decimal("24000000"), Decimal("12000000")),
    ("Planta de secado compartida", "Secar la madera de todas las empresas a norma de exportación.",
     Decimal("90000000"), Decimal("54000000"), Decimal("18000000")),
]  # fmt: skip


def build_records(network: Network, *, facilitator, officer) -> None:
    if network.projects.exists() or network.term_start is None:
        return
    today = timezone.localdate()
    start = network.term_start
    months = (today.year - start.year) * 12 + today.month - start.month
    members = [
        m.firm
        for m in Membership.objects.filter(network=network, left_on__isnull=True)
        .select_related("firm")
        .order_by("firm__tax_id")
    ]
    # The demo's past: the application was sent a month before the term (application_submit
    # dates it on the day the seed runs). Written directly, as demo_history backdates nothing
    # else the services date themselves.
    Diagnosis.objects.filter(network=network, occasion=Diagnosis.Occasion.APPLICATION).update(
        diagnosed_on=start - datetime.timedelta(days=30)
    )
    application = Diagnosis.objects.get(network=network, occasion=Diagnosis.Occasion.APPLICATION)
    ratings = {name: getattr(application, name) or 1 for name in DIMENSIONS}
    for year in range(1, months // 12 + 1):
        # The group knits together: trust, cooperation and learning rise first.
        for name in ("trust", "cooperation", "learning", "technology_level", "skills")[: 2 + year]:
            ratings[name] = min(3, ratings[name] + 1)
        diagnosis_services.diagnosis_record(
            network=network, actor=facilitator, diagnosed_on=add_months(start, 12 * year),
            problems="Compras aún dispersas en insumos menores.",
            opportunities="Compradores regionales piden volumen estable y certificado.",
            **ratings,
        )  # fmt: skip

    joined = min(m.joined_on for m in network.memberships.all())
    if members:
        certification_services.certification_record(
            firm=members[0], actor=facilitator, network=network, standard="ISO 9001",
            certifier="Bureau Veritas", status="certified",
            started_on=joined - datetime.timedelta(days=500),
            certified_on=joined - datetime.timedelta(days=200),
        )  # fmt: skip
    if len(members) > 2 and months >= 10:
        certification_services.certification_record(
            firm=members[1], actor=facilitator, network=network, standard="BPM (GMP)",
            certifier="SGS Chile", status="certified", started_on=add_months(start, 2),
            audited_on=add_months(start, 8), certified_on=add_months(start, 9),
            expires_on=add_months(start, 45),
            evidence=ContentFile(CERTIFICATE, name="certificado-bpm.pdf"),
        )  # fmt: skip
        certification_services.certification_record(
            firm=members[2], actor=facilitator, network=network, standard="HACCP",
            status="preparing", started_on=add_months(start, 6),
        )  # fmt: skip

    for index, (title, goal, budget, agency, firms) in enumerate(PROJECTS[: 1 + (months >= 24)]):
        project = project_services.project_create(
            network=network, actor=officer, title=title, goal=goal, budget=budget,
            agency_funding=agency, firms_funding=firms, firms=members[index : index + 5],
            status="under_way", start_date=add_months(start, 6 + 12 * index),
        )  # fmt: skip
        for k, step in enumerate(("Estudio y diseño", "Compra", "Primeras ventas")):
            due = add_months(start, 9 + 12 * index + 6 * k)
            done = due < today - datetime.timedelta(days=30)
            project_services.milestone_add(
                project=project, actor=facilitator, title=step, due_on=due,
                status="done" if done else "pending", done_on=due if done else None,
            )  # fmt: skip
        action = network.joint_actions.filter(project__isnull=True).order_by("created_at").first()
        if action is not None:
            group_sales_services.joint_action_set_project(
                joint_action=action, actor=facilitator, project=project
            )
    marketing = (
        JointAction.objects.filter(network=network, status=JointAction.Status.DONE)
        .order_by("created_at")
        .first()
    )
    if marketing is not None:
        firms = list(marketing.participants.order_by("firm_id").values_list("firm_id", flat=True))
        total = marketing.value or Decimal("6000000")
        sales = group_sales_services.split_sales(total, {pk: Decimal(1) for pk in firms}, "CLP")
        group_sales_services.joint_action_record_sales(
            joint_action=marketing, actor=facilitator, sales=sales
        )
