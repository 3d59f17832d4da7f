"""What the demo's Chilean agencies and facilitators wrote: in Spanish, as they would, and
different for each network (a diagnosis of beekeepers does not read like one of bakers).

`NETWORK_TEXTS[name]`: the diagnosis (problems, opportunities, the basis for collaboration),
the short- and medium-term goals (title, indicator, unit, target), and the words the activity
and joint-action titles use (`product`, `input`, `buyer`, `fair`).
"""

from decimal import Decimal

NETWORK_TEXTS = {
    "Muebleros de Talca": {
        "problems": "Cada taller compra madera seca en lotes chicos y a precio alto; las "
        "máquinas de terminación son antiguas y ninguno puede tomar un pedido grande de "
        "una tienda de Santiago.",
        "opportunities": "Las cadenas de tiendas piden volúmenes estables de muebles de "
        "pino y raulí con terminación uniforme; CORFO cofinancia maquinaria compartida.",
        "basis": "Los dueños se conocen de la Cámara de Comercio de Talca, ya comparten un "
        "aserradero proveedor y acordaron una primera compra conjunta de madera.",
        "short": (
            "Compra conjunta de madera seca",
            "Talleres que compran madera en conjunto",
            "talleres",
            Decimal("8"),
        ),
        "medium": (
            "Ventas conjuntas a tiendas de Santiago",
            "Ventas conjuntas anuales",
            "CLP",
            Decimal("120000000"),
        ),
        "product": "muebles",
        "input": "madera seca",
        "buyer": "tiendas de Santiago",
        "fair": "Feria del Mueble de Talca",
    },
    "Viñateros de Curicó": {
        "problems": "Las viñas venden uva y vino a granel a dos grandes bodegas que fijan "
        "el precio; nadie tiene marca propia ni volumen para exportar solo.",
        "opportunities": "Importadores de Brasil y China buscan vinos de pequeños "
        "productores con historia; ProChile apoya la primera misión comercial.",
        "basis": "Las familias comparten enólogo desde hace años y quieren una marca "
        "colectiva del valle de Curicó.",
        "short": (
            "Marca colectiva registrada",
            "Viñas que embotellan con la marca común",
            "viñas",
            Decimal("6"),
        ),
        "medium": (
            "Exportación conjunta de vino embotellado",
            "Botellas exportadas al año",
            "botellas",
            Decimal("60000"),
        ),
        "product": "vino embotellado",
        "input": "botellas y corchos",
        "buyer": "importadores de Brasil",
        "fair": "Fiesta de la Vendimia de Curicó",
    },
    "Apicultores del Maule": {
        "problems": "La miel se vende a acopiadores sin análisis de calidad; la mortandad "
        "de colmenas sube cada invierno y nadie lleva registros sanitarios.",
        "opportunities": "Los compradores europeos pagan más por miel con trazabilidad y "
        "análisis de residuos; el INIA ofrece asistencia sanitaria.",
        "basis": "Los apicultores ya se reúnen en la cooperativa de Linares y comparten "
        "una sala de extracción.",
        "short": (
            "Registro sanitario común de colmenas",
            "Apicultores con registro al día",
            "apicultores",
            Decimal("9"),
        ),
        "medium": (
            "Venta conjunta de miel certificada",
            "Kilos de miel vendidos en conjunto",
            "kg",
            Decimal("40000"),
        ),
        "product": "miel",
        "input": "cera y marcos",
        "buyer": "exportadores de miel",
        "fair": "Expo Miel de Linares",
    },
    "Queseros de Cauquenes": {
        "problems": "Las queserías trabajan con leche cruda sin resolución sanitaria, "
        "venden en la feria local y pierden producción en verano.",
        "opportunities": "Supermercados regionales buscan queso de campo con resolución "
        "sanitaria y rotulado; INDAP financia salas de proceso.",
        "basis": "Las productoras comparten el camión de reparto y quieren una sala de "
        "maduración común.",
        "short": (
            "Resolución sanitaria para todas",
            "Queserías con resolución sanitaria",
            "queserías",
            Decimal("8"),
        ),
        "medium": (
            "Venta a supermercados regionales",
            "Ventas anuales a supermercados",
            "CLP",
            Decimal("45000000"),
        ),
        "product": "queso de campo",
        "input": "cuajo y envases",
        "buyer": "supermercados de Talca",
        "fair": "Feria Costumbrista de Cauquenes",
    },
    "Turismo rural de Vichuquén": {
        "problems": "Cada cabaña se promociona por su cuenta; la temporada dura dos meses "
        "y el resto del año las camas quedan vacías.",
        "opportunities": "Agencias de Santiago venden rutas de lago y campo fuera de "
        "temporada si hay oferta conjunta de alojamiento, comida y paseos.",
        "basis": "Los operadores ya comparten una página de reservas y la Municipalidad "
        "apoya una ruta turística del lago.",
        "short": (
            "Paquete turístico común",
            "Operadores en el paquete común",
            "operadores",
            Decimal("7"),
        ),
        "medium": (
            "Ocupación fuera de temporada",
            "Noches vendidas fuera de temporada",
            "noches",
            Decimal("2500"),
        ),
        "product": "paquetes turísticos",
        "input": "insumos de aseo",
        "buyer": "agencias de turismo de Santiago",
        "fair": "Feria de Turismo Rural del Maule",
    },
    "Hortaliceros de San Clemente": {
        "problems": "Los agricultores venden en la vega al precio del día, pierden "
        "cosecha por falta de frío y compran semillas y fertilizantes caros.",
        "opportunities": "Los casinos de empresas y colegios de Talca compran hortalizas con "
        "contrato anual si se asegura volumen y buenas prácticas agrícolas.",
        "basis": "Los productores riegan del mismo canal y ya venden juntos en la vega de Talca.",
        "short": (
            "Compra conjunta de semillas y fertilizantes",
            "Productores en la compra común",
            "productores",
            Decimal("10"),
        ),
        "medium": (
            "Contratos anuales con casinos",
            "Ventas anuales por contrato",
            "CLP",
            Decimal("80000000"),
        ),
        "product": "hortalizas",
        "input": "semillas y fertilizantes",
        "buyer": "casinos de Talca",
        "fair": "Expo Agro de San Clemente",
    },
    "Metalmecánica de Talcahuano": {
        "problems": "Las maestranzas compiten entre sí por los mismos trabajos de "
        "mantención del puerto y ninguna tiene certificación para licitaciones grandes.",
        "opportunities": "El puerto y las forestales licitan mantención en paquetes "
        "grandes y exigen ISO 9001; hay fondos de CORFO para certificar.",
        "basis": "Los dueños trabajaron juntos en la Asociación de Industriales y ya "
        "se subcontratan trabajos entre ellos.",
        "short": (
            "Certificación ISO 9001 del grupo",
            "Maestranzas en proceso de certificación",
            "maestranzas",
            Decimal("10"),
        ),
        "medium": (
            "Contratos de mantención en conjunto",
            "Ventas anuales en contratos comunes",
            "CLP",
            Decimal("300000000"),
        ),
        "product": "servicios de mantención",
        "input": "acero y soldadura",
        "buyer": "el puerto de San Vicente",
        "fair": "Expo Industrial del Biobío",
    },
    "Panaderos de Concepción": {
        "problems": "Las panaderías de barrio compran harina a intermediarios, pagan la "
        "energía de hornos antiguos y pierden clientes frente a los supermercados.",
        "opportunities": "Los colegios y casinos licitan pan diario; un molino regional "
        "ofrece precio por volumen a compras conjuntas.",
        "basis": "Los panaderos comparten el gremio de Concepción y ya se prestan "
        "harina en las urgencias.",
        "short": (
            "Compra conjunta de harina",
            "Panaderías en la compra común",
            "panaderías",
            Decimal("9"),
        ),
        "medium": (
            "Pan para colegios de Concepción",
            "Ventas anuales a colegios",
            "CLP",
            Decimal("70000000"),
        ),
        "product": "pan",
        "input": "harina",
        "buyer": "colegios de Concepción",
        "fair": "Feria Gastronómica de Concepción",
    },
    "Ceramistas de Pilén": {
        "problems": "Las loceras trabajan la greda en sus casas, venden a orillas del "
        "camino y cada una cuece en hornos de leña con muchas piezas perdidas.",
        "opportunities": "Las tiendas de diseño y el turismo buscan loza de Pilén con "
        "sello de origen; el Consejo de la Cultura apoya la artesanía tradicional.",
        "basis": "Las artesanas son vecinas, comparten la mina de greda y quieren un horno "
        "y una sala de venta comunes.",
        "short": (
            "Sello de origen de la loza de Pilén",
            "Artesanas con sello de origen",
            "artesanas",
            Decimal("9"),
        ),
        "medium": (
            "Venta conjunta a tiendas de diseño",
            "Ventas anuales a tiendas",
            "CLP",
            Decimal("25000000"),
        ),
        "product": "loza",
        "input": "greda y leña",
        "buyer": "tiendas de diseño de Santiago",
        "fair": "Feria de Artesanía de Cauquenes",
    },
}

# (activity type slug, title, place): titles name the network's own trade.
ACTIVITY_PLAN = [
    ("group_workshop", "Taller de costos y precios de {product}", "Sede de la asociación"),
    ("factory_visit", "Visita al taller de {host}", "{commune}"),
    ("training", "Curso de control de calidad de {product}", "Centro de capacitación"),
    ("diagnosis_session", "Sesión de diagnóstico del grupo", "Sede de la asociación"),
    ("agency_meeting", "Reunión con SERCOTEC y CORFO", "Oficina regional de SERCOTEC"),
    ("trade_fair", "Visita a la {fair}", "Recinto ferial"),
    ("group_travel", "Gira a proveedores de {input} en Santiago", "Santiago"),
]
# (joint action type slug, title, value when done)
JOINT_PLAN = [
    ("joint_purchasing", "Compra conjunta de {input}", Decimal("4800000")),
    ("shared_order", "Pedido grande de {buyer} repartido entre socios", Decimal("12500000")),
    ("trade_fair", "Stand común en la {fair}", Decimal("3200000")),
    ("shared_equipment", "Equipo compartido para {product}", Decimal("9600000")),
    ("certification", "Certificación de calidad del grupo", Decimal("6000000")),
    ("joint_marketing", "Marca y catálogo comunes de {product}", Decimal("2500000")),
    ("group_export", "Primer envío conjunto de {product} al exterior", Decimal("18000000")),
]
ACTIVITY_DESCRIPTION = "Preparada con el grupo en la reunión anterior."
ACTIVITY_OUTCOMES = "Acuerdos registrados en el acta; próximos pasos asignados."
JOINT_OUTCOME = "Costos unitarios más bajos y más pedidos en cartera."
RETURN_REASON = (
    "La meta de mediano plazo necesita un estudio de mercado que respalde su valor: agreguen "
    "los compradores y volúmenes esperados."
)
