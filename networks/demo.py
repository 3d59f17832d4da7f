"""The demo world that `seed_demo` builds: two SERCOTEC offices, their people, firms and networks.

Every step looks up what exists first (by username, tax id or name), so running it again adds
nothing. Names, places and sectors are Chilean and plausible; tax ids are valid RUTs.
"""

from dataclasses import dataclass

from networks.models import Agency, Firm, Membership, Network, Programme, User
from networks.taxid import rut_check_digit


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
        "Furniture",
        "facilitator",
        ("Mueblería", "Carpintería", "Maderas", "Tapicería"),
        14,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Viñateros de Curicó",
        "Maule",
        "Curicó",
        "Wine",
        "facilitator",
        ("Viña", "Bodega", "Viñedos"),
        12,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Apicultores del Maule",
        "Maule",
        "Linares",
        "Honey",
        "facilitator2",
        ("Apícola", "Miel", "Colmenares"),
        11,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Queseros de Cauquenes",
        "Maule",
        "Cauquenes",
        "Dairy",
        "facilitator2",
        ("Quesería", "Lácteos", "Granja"),
        10,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Turismo rural de Vichuquén",
        "Maule",
        "Vichuquén",
        "Rural tourism",
        "facilitator",
        ("Cabañas", "Hostal", "Turismo"),
        9,
    ),
    NetworkSpec(
        "SERCOTEC Maule",
        "Hortaliceros de San Clemente",
        "Maule",
        "San Clemente",
        "Horticulture",
        "facilitator2",
        ("Huerto", "Agrícola", "Invernaderos"),
        13,
    ),
    NetworkSpec(
        "SERCOTEC Biobío",
        "Metalmecánica de Talcahuano",
        "Biobío",
        "Talcahuano",
        "Metalworking",
        "facilitator.biobio",
        ("Maestranza", "Metalúrgica", "Soldaduras"),
        15,
    ),
    NetworkSpec(
        "SERCOTEC Biobío",
        "Panaderos de Concepción",
        "Biobío",
        "Concepción",
        "Bakery",
        "facilitator.biobio",
        ("Panadería", "Amasandería", "Pastelería"),
        12,
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

# username -> (first name, last name, network name of their firm)
FIRM_PEOPLE = {
    "firm": ("Luis", "González", "Muebleros de Talca"),
    "firm2": ("Ana", "Rojas", "Apicultores del Maule"),
}

LOGINS = (
    ("admin", "agency admin, SERCOTEC Maule"),
    ("officer", "agency staff, SERCOTEC Maule"),
    ("officer2", "agency staff, SERCOTEC Maule"),
    ("officer.biobio", "agency staff, SERCOTEC Biobío"),
    ("facilitator", "facilitator, Maule (Talca, Curicó, Vichuquén)"),
    ("facilitator2", "facilitator, Maule (Linares, Cauquenes, San Clemente)"),
    ("firm", "member firm of Muebleros de Talca"),
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


def build(*, password: str) -> list[str]:
    agencies = {}
    programmes = {}
    for agency_name, programme_name in AGENCIES.items():
        agency, _ = Agency.objects.get_or_create(name=agency_name)
        agencies[agency_name] = agency
        programmes[agency_name], _ = Programme.objects.get_or_create(
            agency=agency, name=programme_name
        )

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
            is_staff=role == User.Role.AGENCY_ADMIN,
            is_superuser=role == User.Role.AGENCY_ADMIN,
        )

    networks = {}
    for n_index, spec in enumerate(NETWORKS):
        network, _ = Network.objects.get_or_create(
            programme=programmes[spec.agency],
            name=spec.name,
            defaults={
                "region": spec.region,
                "commune": spec.commune,
                "sector": spec.sector,
                "facilitator": people[spec.facilitator],
            },
        )
        networks[spec.name] = network
        for f_index in range(spec.size):
            stem = spec.firm_stems[f_index % len(spec.firm_stems)]
            surname = SURNAMES[(n_index * 7 + f_index) % len(SURNAMES)]
            firm, _ = Firm.objects.get_or_create(
                tax_id=demo_rut(n_index, f_index),
                defaults={
                    "name": f"{stem} {surname}",
                    "sector": spec.sector,
                    "region": spec.region,
                    "commune": spec.commune,
                    "employees": 3 + (f_index * 7 + n_index * 3) % 60,
                    "contact_name": f"{SURNAMES[(f_index + 11) % len(SURNAMES)]}",
                    "email": f"contacto{n_index}{f_index}@demo.profo.local",
                },
            )
            if not Membership.objects.filter(
                network=network, firm=firm, left_on__isnull=True
            ).exists():
                Membership.objects.create(network=network, firm=firm, joined_on=network.created_on)

    for username, (first, last, network_name) in FIRM_PEOPLE.items():
        firm = networks[network_name].memberships.order_by("firm__tax_id").first().firm
        _user(
            username,
            password,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.profo.local",
            role=User.Role.FIRM_MEMBER,
            firm=firm,
        )

    lines = [f"Demo logins (password: {password}):"]
    lines += [f"  {username:<18} {what}" for username, what in LOGINS]
    return lines
