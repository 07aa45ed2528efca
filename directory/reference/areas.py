"""The four mandate areas agreed at the 2003 Miami Meeting of Experts on CSBMs.

Names are short enough for a table header; synonyms are the words officials actually type
when searching for the responsible point of contact.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaRef:
    slug: str  # one of the four below
    position: int  # 1..4, display order
    names: dict[str, str]  # en es pt fr
    descriptions: dict[str, str]  # one line each, en es pt fr
    synonyms: dict[str, tuple[str, ...]]  # search synonyms per language


AREAS: tuple[AreaRef, ...] = (
    AreaRef(
        slug="disaster-response",
        position=1,
        names={
            "en": "Disaster response",
            "es": "Respuesta a desastres",
            "pt": "Resposta a desastres",
            "fr": "Réponse aux catastrophes",
        },
        descriptions={
            "en": "Coordination of the national response to natural disasters and emergencies.",
            "es": "Coordinación de la respuesta nacional ante desastres naturales y emergencias.",
            "pt": "Coordenação da resposta nacional a desastres naturais e emergências.",
            "fr": "Coordination de la réponse nationale aux catastrophes naturelles et aux "
            "urgences.",
        },
        synonyms={
            "en": (
                "civil protection",
                "civil defence",
                "civil defense",
                "emergency management",
                "disaster management",
                "disaster relief",
                "natural disasters",
                "humanitarian assistance",
            ),
            "es": (
                "protección civil",
                "defensa civil",
                "gestión de riesgos",
                "gestión del riesgo de desastres",
                "gestión de emergencias",
                "desastres naturales",
                "asistencia humanitaria",
            ),
            "pt": (
                "defesa civil",
                "proteção civil",
                "gestão de riscos",
                "gestão de emergências",
                "desastres naturais",
                "assistência humanitária",
            ),
            "fr": (
                "sécurité civile",
                "protection civile",
                "défense civile",
                "gestion des urgences",
                "gestion des catastrophes",
                "catastrophes naturelles",
                "aide humanitaire",
            ),
        },
    ),
    AreaRef(
        slug="environmental-security",
        position=2,
        names={
            "en": "Environmental security",
            "es": "Seguridad ambiental",
            "pt": "Segurança ambiental",
            "fr": "Sécurité environnementale",
        },
        descriptions={
            "en": "Prevention of and response to environmental threats such as pollution and "
            "hazardous material incidents.",
            "es": "Prevención y respuesta ante amenazas ambientales como la contaminación y los "
            "incidentes con materiales peligrosos.",
            "pt": "Prevenção e resposta a ameaças ambientais, como poluição e incidentes com "
            "produtos perigosos.",
            "fr": "Prévention et réponse aux menaces environnementales telles que la pollution et "
            "les incidents impliquant des matières dangereuses.",
        },
        synonyms={
            "en": (
                "environment",
                "pollution",
                "hazmat",
                "hazardous materials",
                "chemical spill",
                "oil spill",
                "environmental protection",
            ),
            "es": (
                "medio ambiente",
                "contaminación",
                "materiales peligrosos",
                "derrame químico",
                "derrame de petróleo",
                "protección ambiental",
            ),
            "pt": (
                "meio ambiente",
                "poluição",
                "produtos perigosos",
                "derramamento químico",
                "derramamento de óleo",
                "proteção ambiental",
            ),
            "fr": (
                "environnement",
                "pollution",
                "matières dangereuses",
                "déversement chimique",
                "marée noire",
                "protection de l'environnement",
            ),
        },
    ),
    AreaRef(
        slug="transportation-security",
        position=3,
        names={
            "en": "Transportation security",
            "es": "Seguridad del transporte",
            "pt": "Segurança dos transportes",
            "fr": "Sûreté des transports",
        },
        descriptions={
            "en": "Security of air, maritime, port and land transportation.",
            "es": "Seguridad del transporte aéreo, marítimo, portuario y terrestre.",
            "pt": "Segurança do transporte aéreo, marítimo, portuário e terrestre.",
            "fr": "Sûreté des transports aériens, maritimes, portuaires et terrestres.",
        },
        synonyms={
            "en": (
                "aviation security",
                "airport security",
                "port security",
                "maritime security",
                "maritime",
                "transport security",
                "cargo security",
            ),
            "es": (
                "seguridad de la aviación",
                "seguridad aeroportuaria",
                "seguridad portuaria",
                "seguridad marítima",
                "aviación",
                "transporte",
            ),
            "pt": (
                "segurança da aviação",
                "segurança aeroportuária",
                "segurança portuária",
                "segurança marítima",
                "aviação",
                "transporte",
            ),
            "fr": (
                "sûreté aérienne",
                "sûreté de l'aviation",
                "sûreté aéroportuaire",
                "sûreté portuaire",
                "sûreté maritime",
                "aviation",
                "transport",
            ),
        },
    ),
    AreaRef(
        slug="critical-infrastructure",
        position=4,
        names={
            "en": "Critical infrastructure",
            "es": "Infraestructura crítica",
            "pt": "Infraestrutura crítica",
            "fr": "Infrastructures critiques",
        },
        descriptions={
            "en": "Protection of critical infrastructure such as energy, telecommunications and "
            "information systems.",
            "es": "Protección de la infraestructura crítica, como la energía, las "
            "telecomunicaciones y los sistemas de información.",
            "pt": "Proteção da infraestrutura crítica, como energia, telecomunicações e "
            "sistemas de informação.",
            "fr": "Protection des infrastructures critiques telles que l'énergie, les "
            "télécommunications et les systèmes d'information.",
        },
        synonyms={
            "en": (
                "critical infrastructure protection",
                "cybersecurity",
                "cyber security",
                "energy grid",
                "power grid",
                "telecommunications",
                "CSIRT",
            ),
            "es": (
                "infraestructura crítica",
                "protección de infraestructura crítica",
                "ciberseguridad",
                "red eléctrica",
                "telecomunicaciones",
                "CSIRT",
            ),
            "pt": (
                "infraestrutura crítica",
                "proteção de infraestrutura crítica",
                "cibersegurança",
                "segurança cibernética",
                "rede elétrica",
                "telecomunicações",
            ),
            "fr": (
                "infrastructures critiques",
                "infrastructures vitales",
                "cybersécurité",
                "réseau électrique",
                "télécommunications",
                "opérateurs d'importance vitale",
            ),
        },
    ),
)

AREA_BY_SLUG: dict[str, AreaRef] = {area.slug: area for area in AREAS}
