"""The scale data set's vocabulary: sectors, regions, names, activity and joint-action kinds, the
agencies and their password, and the small helpers that pick from them."""

import datetime

from networks.lib.taxid import rut_check_digit

PASSWORD = "profo-scale-2026"
AGENCIES = {
    "SERCOTEC Scale North": "PROFO Scale North",
    "SERCOTEC Scale South": "PROFO Scale South",
}
# Far below the demo's 76.1 million range and real firms' 76-77 million.
RUT_BASE = 60_000_000
CURRENCY = "CLP"
UTC = datetime.UTC
DAY = datetime.timedelta(days=1)

# --- vocabulary -----------------------------------------------------------------------------

# sector -> (what the network calls itself, stems of its firms' names)
SECTORS = {
    "Furniture": ("Muebleros", ("Mueblería", "Carpintería", "Maderas", "Tapicería")),
    "Wine": ("Viñateros", ("Viña", "Bodega", "Viñedos")),
    "Honey": ("Apicultores", ("Apícola", "Miel", "Colmenares")),
    "Dairy": ("Queseros", ("Quesería", "Lácteos", "Lechería")),
    "Rural tourism": ("Turismo rural", ("Cabañas", "Hostal", "Turismo", "Camping")),
    "Horticulture": ("Hortaliceros", ("Huerto", "Agrícola", "Invernaderos")),
    "Metalworking": ("Metalmecánica", ("Maestranza", "Metalúrgica", "Soldaduras", "Tornería")),
    "Bakery": ("Panaderos", ("Panadería", "Amasandería", "Pastelería")),
    "Artisanal fishing": ("Pescadores artesanales", ("Pesquera", "Caleta", "Mariscos")),
    "Aquaculture": ("Mitilicultores", ("Cultivos Marinos", "Mitílidos", "Acuícola")),
    "Handicrafts": ("Artesanos", ("Artesanía", "Telares", "Cerámica")),
    "Olive oil": ("Oleicultores", ("Olivares", "Aceites", "Almazara")),
    "Berries": ("Productores de berries", ("Berries", "Frutícola", "Arándanos")),
    "Craft beer": ("Cerveceros artesanales", ("Cervecería", "Maltería", "Brew")),
    "Mining suppliers": ("Proveedores mineros", ("Servicios Mineros", "Ingeniería", "Montajes")),
    "Textiles": ("Confeccionistas", ("Confecciones", "Textil", "Bordados")),
    "Pisco": ("Pisqueros", ("Pisquera", "Destilería", "Parronales")),
    "Goat cheese": ("Crianceros caprinos", ("Quesos de Cabra", "Caprinos", "Granja")),
    "Wool": ("Ganaderos ovinos", ("Estancia", "Lanas", "Ovinos")),
    "Gastronomy": ("Gastronomía local", ("Restaurante", "Cocinería", "Picada")),
    "Software": ("Desarrolladores de software", ("Software", "Tecnologías", "Sistemas")),
    "Sea salt": ("Salineros", ("Salinas", "Sal de Mar", "Salinera")),
    "Nuts": ("Nogaleros", ("Nogales", "Frutos Secos", "Almendros")),
    "Printing": ("Imprenteros", ("Imprenta", "Gráfica", "Serigrafía")),
}

# region (north to south) -> (weight, communes, sectors). North agency: the first eight.
REGIONS = {
    "Arica y Parinacota": (1, ("Arica", "Putre", "Camarones"),
                           ("Horticulture", "Olive oil", "Artisanal fishing", "Rural tourism")),
    "Tarapacá": (1, ("Iquique", "Alto Hospicio", "Pozo Almonte", "Pica"),
                 ("Artisanal fishing", "Mining suppliers", "Gastronomy", "Handicrafts")),
    "Antofagasta": (1, ("Antofagasta", "Calama", "Mejillones", "Tocopilla", "San Pedro de Atacama"),
                    ("Mining suppliers", "Metalworking", "Rural tourism", "Artisanal fishing")),
    "Atacama": (1, ("Copiapó", "Vallenar", "Caldera", "Huasco", "Chañaral"),
                ("Olive oil", "Mining suppliers", "Pisco", "Artisanal fishing")),
    "Coquimbo": (1, ("La Serena", "Coquimbo", "Ovalle", "Vicuña", "Illapel", "Monte Patria"),
                 ("Pisco", "Goat cheese", "Artisanal fishing", "Rural tourism", "Horticulture")),
    "Valparaíso": (2, ("Valparaíso", "Viña del Mar", "Quillota", "San Antonio", "Los Andes",
                       "San Felipe", "Casablanca"),
                   ("Wine", "Gastronomy", "Craft beer", "Horticulture", "Printing",
                    "Artisanal fishing")),
    "Metropolitana": (3, ("Santiago", "Maipú", "Puente Alto", "Melipilla", "Talagante", "Buin",
                          "Colina", "Pirque"),
                      ("Metalworking", "Textiles", "Software", "Printing", "Bakery", "Furniture",
                       "Craft beer", "Wine")),
    "O'Higgins": (1, ("Rancagua", "San Fernando", "Santa Cruz", "Rengo", "Pichilemu"),
                  ("Wine", "Sea salt", "Nuts", "Rural tourism", "Horticulture")),
    "Maule": (2, ("Talca", "Curicó", "Linares", "Cauquenes", "Constitución", "San Clemente",
                  "Molina"),
              ("Wine", "Furniture", "Honey", "Berries", "Dairy", "Nuts")),
    "Ñuble": (1, ("Chillán", "San Carlos", "Bulnes", "Quirihue", "Coelemu"),
              ("Berries", "Wine", "Handicrafts", "Honey", "Bakery")),
    "Biobío": (2, ("Concepción", "Talcahuano", "Los Ángeles", "Coronel", "Lota", "Tomé", "Arauco"),
               ("Metalworking", "Bakery", "Artisanal fishing", "Textiles", "Furniture",
                "Software")),
    "La Araucanía": (1, ("Temuco", "Villarrica", "Pucón", "Angol", "Victoria", "Lautaro"),
                     ("Rural tourism", "Handicrafts", "Honey", "Berries", "Craft beer")),
    "Los Ríos": (1, ("Valdivia", "La Unión", "Panguipulli", "Río Bueno"),
                 ("Craft beer", "Dairy", "Rural tourism", "Furniture")),
    "Los Lagos": (2, ("Puerto Montt", "Osorno", "Castro", "Ancud", "Puerto Varas", "Calbuco"),
                  ("Aquaculture", "Dairy", "Artisanal fishing", "Rural tourism", "Handicrafts")),
    "Aysén": (1, ("Coyhaique", "Puerto Aysén", "Chile Chico", "Cochrane"),
              ("Rural tourism", "Wool", "Artisanal fishing", "Honey")),
    "Magallanes": (1, ("Punta Arenas", "Puerto Natales", "Porvenir"),
                   ("Wool", "Rural tourism", "Gastronomy", "Craft beer")),
}  # fmt: skip

SURNAMES = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez",
    "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya",
    "Flores", "Espinoza", "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro",
    "Pizarro", "Álvarez", "Vásquez", "Sánchez", "Fernández", "Ramírez", "Carrasco", "Gómez",
    "Cortés", "Herrera", "Núñez", "Jara", "Vergara", "Rivera", "Figueroa", "Riquelme", "Bravo",
    "Saavedra", "Orellana", "Mella", "Henríquez", "Cáceres", "Aguilera", "Olivares", "Toro",
)  # fmt: skip
FIRST_NAMES = (
    "Carmen", "Rodrigo", "Paula", "Andrés", "Marcela", "Jorge", "Daniela", "Luis", "Ana",
    "Francisco", "Camila", "Felipe", "Valentina", "Cristián", "Javiera", "Sebastián", "Catalina",
    "Matías", "Constanza", "Patricio", "Claudia", "Gonzalo", "Fernanda", "Ignacio", "Macarena",
    "Tomás", "Carolina", "Pablo", "Francisca", "Diego", "Verónica", "Héctor", "Lorena", "Mauricio",
)  # fmt: skip
FIRM_SUFFIXES = ("", "", " Ltda.", " SpA", " E.I.R.L.", " y Cía.")

# provider -> services (name, category); every agency keeps its own catalogue.
CATALOGUE = {
    "SERCOTEC": (("Capital Semilla Emprende", "credit"), ("Asesoría en gestión", "consulting"),
                 ("Digitaliza tu Pyme", "technology")),
    "CORFO": (("Crédito CORFO Mipyme", "credit"), ("Fomento a la Calidad (FOCAL)", "certification"),
              ("Red Tecnológica", "technology")),
    "INDAP": (("Crédito de enlace", "credit"), ("Servicio de Asesoría Técnica", "consulting")),
    "ProChile": (("Coaching exportador", "consulting"), ("Ferias internacionales", "consulting")),
    "SENCE": (("Franquicia tributaria de capacitación", "training"), ("Becas laborales", "training")),
    "BancoEstado Microempresas": (("Crédito para capital de trabajo", "credit"),),
    "INACAP": (("Curso de mantención industrial", "training"), ("Diplomado en gestión", "training")),
    "Fundación Chile": (("Transferencia tecnológica", "technology"),),
    "Centro de Negocios Sercotec": (("Asesoría empresarial", "consulting"),
                                    ("Apoyo en certificación", "certification")),
    "Instituto Nacional de Normalización": (("Certificación ISO 9001", "certification"),),
}  # fmt: skip

# slug -> (weight, titles); "{host}", "{city}", "{sector}", "{commune}" are filled in.
ACTIVITY_KINDS = {
    "group_workshop": (30, ("Workshop: costs and pricing", "Workshop: digital marketing",
                            "Workshop: strategic planning", "Workshop: selling online",
                            "Workshop: new products", "Workshop: negotiating with large buyers")),
    "factory_visit": (18, ("Visit to {host}",)),
    "training": (14, ("Course: food handling", "Course: ISO 9001 quality management",
                      "Course: basic accounting", "Course: exporting step by step",
                      "Course: safety at work")),
    "agency_meeting": (10, ("Meeting with CORFO", "Meeting with SERCOTEC", "Meeting with ProChile",
                            "Meeting with INDAP", "Meeting with SENCE",
                            "Meeting with the municipality")),
    "trade_fair": (8, ("{sector} fair in Santiago", "Regional fair in {commune}", "Expo Mipyme",
                       "Espacio Food & Service")),
    "other": (8, ("Members' assembly", "Coordination meeting", "Board meeting")),
    "diagnosis_session": (6, ("Group diagnosis session", "Diagnosis follow-up session")),
    "group_travel": (6, ("Study trip to {city}",)),
}  # fmt: skip
ACTIVITY_NOTES = (
    ("The group reviewed the plan for the quarter and agreed who leads each task.",
     "Three firms will share a supplier quote before the next meeting."),
    ("Each firm presented its main product and its bottleneck.",
     "A list of common problems for the next workshop."),
    ("An outside expert worked through real cases brought by the firms.",
     "Firms left with a template they can use at once."),
    ("Open discussion on prices, buyers and delivery times.",
     "Agreement to compare costs with the same method."),
)  # fmt: skip
# slug -> (weight, titles, lowest and highest money value in pesos)
JOINT_KINDS = {
    "joint_purchasing": (22, ("Joint purchase of packaging", "Joint purchase of raw materials",
                              "Joint purchase of fuel", "Joint purchase of tools"),
                         1_000_000, 20_000_000),
    "shared_order": (16, ("Shared order for a supermarket chain", "Shared order for the hospital",
                          "Shared order for a mining company", "Shared order for the municipality"),
                     2_000_000, 60_000_000),
    "joint_training": (12, ("Joint training: quality control", "Joint training: sales",
                            "Joint training: safety"), 300_000, 3_000_000),
    "trade_fair": (10, ("Joint stand at a national fair", "Joint stand at a regional fair"),
                   1_000_000, 6_000_000),
    "joint_marketing": (10, ("Collective brand launch", "Shared online shop", "Joint catalogue"),
                        500_000, 8_000_000),
    "shared_equipment": (8, ("Shared cold store", "Shared delivery truck", "Shared packing machine",
                             "Shared drying oven"), 5_000_000, 40_000_000),
    "lab_tests": (7, ("Common laboratory tests", "Shared product analysis"), 300_000, 3_000_000),
    "certification": (6, ("ISO 9001 certification", "GMP certification", "HACCP plan"),
                      2_000_000, 15_000_000),
    "group_export": (5, ("Group shipment to Peru", "Group shipment to Argentina",
                         "Group shipment to the United States", "Group shipment to China"),
                     5_000_000, 80_000_000),
    "other": (4, ("Shared warehouse", "Joint credit application"), 0, 5_000_000),
}  # fmt: skip
LEAVE_REASONS = (
    "The firm closed.",
    "The owner retired and the firm was sold.",
    "The firm could no longer pay its share of the manager.",
    "The firm moved to another region.",
)
DISSOLVE_REASONS = (
    "The member firms could not agree on the manager's salary after the first year.",
    "Too many firms left; the group fell below the minimum.",
    "The group's main buyer closed and the firms went separate ways.",
)
RETURN_REASON = "The medium-term goal needs a market study behind its target."
EVIDENCE = "Seen in the activity log, the joint actions and the ledger."


def rut(index: int) -> str:
    number = RUT_BASE + index
    return f"{number}-{rut_check_digit(number)}"


def spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole parts in proportion to `weights` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


# Joint actions that win sales (marketing as a group): done ones record each firm's sales.
SALES_KINDS = ("shared_order", "trade_fair", "joint_marketing", "group_export")
STANDARDS = (("ISO 9001", "Bureau Veritas"), ("GMP", "SGS"), ("HACCP", "ACHS Servicios"),
             ("ISO 14001", "Bureau Veritas"))  # fmt: skip
PROJECT_TITLES = ("Shared drying plant", "Collective brand for export", "Joint quality lab",
                  "Shared logistics centre", "Certification of the whole group")  # fmt: skip
