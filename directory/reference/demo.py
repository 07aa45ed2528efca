"""Fictional demo data: points of contact of the 35 member states in the four mandate areas.

Pure and deterministic: every call of :func:`demo_contacts` returns an equal list of fresh dicts,
with no randomness, no clock and no I/O. Choices that look varied come from CRC-32 checksums
of fixed strings, which are the same on every machine and every run.

Everything here is invented. People are made-up combinations of common given and family names;
organisations are generic names of the kind a government uses, not claims about real offices or
officials; street addresses are made up. E-mail and web addresses are under ``example.org``,
``example.net`` and ``example.com``. Telephone numbers start from libphonenumber's own
documentation example numbers (and the reserved 555-01xx range for the United States and
Canada), varied in their last digits and kept only while they stay valid for the state's
numbering plan, so they pass validation without being anyone's real line.

Some names are chosen to test the application: Núñez, D'Aubigné, Hernández-Ruiz, O'Neil and Zoë
hold posts, São João is a place, and several organisation names contain commas.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from directory.reference.areas import AREAS
from directory.reference.countries import COUNTRY_BY_CODE, CountryRef

DR = "disaster-response"
ES = "environmental-security"
TS = "transportation-security"
CI = "critical-infrastructure"

WEEKDAYS = [0, 1, 2, 3, 4]
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def _crc(*parts: object) -> int:
    """A stable number for a tuple of values (unlike ``hash``, the same in every process)."""
    return zlib.crc32("|".join(str(part) for part in parts).encode())


T = TypeVar("T")


def _pick(options: tuple[T, ...] | list[T], *seed: object) -> T:
    return options[_crc(*seed) % len(options)]


def _ascii(text: str) -> str:
    """Lower-case ASCII for an e-mail local part: accents dropped, apostrophes and spaces gone."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(
        char for char in plain.lower() if char.isascii() and (char.isalnum() or char == "-")
    )


# --------------------------------------------------------------------------------------------
# Opening hours
# --------------------------------------------------------------------------------------------

_HOURS: dict[str, list[dict]] = {
    "24/7": [],
    "standard": [{"days": WEEKDAYS, "opens": "08:00", "closes": "16:00"}],
    "early": [{"days": WEEKDAYS, "opens": "07:30", "closes": "15:30"}],
    "late": [{"days": WEEKDAYS, "opens": "09:00", "closes": "17:00"}],
    # Monday to Thursday long days, a short Friday
    "split": [
        {"days": [0, 1, 2, 3], "opens": "08:00", "closes": "16:30"},
        {"days": [4], "opens": "08:00", "closes": "13:00"},
    ],
    # two windows a day with a long lunch break
    "siesta": [
        {"days": WEEKDAYS, "opens": "08:00", "closes": "12:30"},
        {"days": WEEKDAYS, "opens": "14:30", "closes": "18:00"},
    ],
    # a night desk: opens in the evening, closes the next morning
    "night": [{"days": EVERY_DAY, "opens": "22:00", "closes": "06:00"}],
    "extended": [{"days": [0, 1, 2, 3, 4, 5], "opens": "06:00", "closes": "22:00"}],
}


# --------------------------------------------------------------------------------------------
# Posts and organisations per language family and area
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Post:
    unit: str
    title: str  # "masculine|feminine" when the title agrees with the holder's gender
    mailbox: str  # local part of the post's functional mailbox
    desk: bool = False  # a functional desk: whoever is on duty, no holder's name
    hours: str = "office"  # key of _HOURS, or "office" for the state's usual office hours
    partner: bool = False  # in the partner organisation rather than the lead agency

    def title_for(self, gender: str) -> str:
        masculine, _, feminine = self.title.partition("|")
        return feminine if gender == "f" and feminine else masculine


def _desk(unit: str, title: str, mailbox: str, hours: str = "24/7", partner: bool = False) -> _Post:
    return _Post(unit, title, mailbox, desk=True, hours=hours, partner=partner)


@dataclass(frozen=True)
class _AreaTemplate:
    leads: tuple[tuple[str, str], ...]  # (organisation, host label), rotated across states
    partners: tuple[tuple[str, str], ...]
    primaries: tuple[_Post, ...]  # candidates for rank 1
    alternates: tuple[_Post, ...]  # candidates for rank 2, 3 in calling order


_TEMPLATES: dict[str, dict[str, _AreaTemplate]] = {
    "en": {
        DR: _AreaTemplate(
            leads=(
                ("National Emergency Management Office", "nemo"),
                ("Office of Disaster Preparedness and Emergency Management", "odpem"),
                ("National Emergency Management Agency", "nema"),
                ("Department of Disaster Management", "ddm"),
                (
                    "Ministry of Local Government, Rural Development and Disaster Management",
                    "localgov",
                ),
            ),
            partners=(
                ("Fire and Rescue Service", "fire"),
                ("Ministry of Health and Wellness", "health"),
            ),
            primaries=(
                _desk("National Emergency Operations Centre", "24/7 duty officer", "duty.officer"),
                _desk("National Emergency Operations Centre", "24/7 duty officer", "neoc"),
                _desk("National Emergency Operations Centre", "Duty controller", "duty.controller"),
                _Post("Operations and Response Division", "Director of Operations", "operations"),
            ),
            alternates=(
                _Post("Office of the Director General", "Director General", "director.general"),
                _Post(
                    "Preparedness and Response Division",
                    "Deputy Director, Preparedness",
                    "preparedness",
                ),
                _desk("Communications Centre", "Radio room supervisor", "radio.room"),
                _Post(
                    "Emergency Medical Services",
                    "Health Emergency Coordinator",
                    "health.emergencies",
                    partner=True,
                ),
            ),
        ),
        ES: _AreaTemplate(
            leads=(
                ("Ministry of Environment and Natural Resources", "environment"),
                ("National Environment and Planning Agency", "nepa"),
                ("Department of Environment", "doe"),
                ("Ministry of Agriculture, Lands and Fisheries", "agriculture"),
                ("Environmental Protection Authority", "epa"),
            ),
            partners=(
                ("Fisheries Division", "fisheries"),
                ("Forestry and Wildlife Department", "forestry"),
            ),
            primaries=(
                _Post(
                    "Environmental Compliance and Enforcement Division",
                    "Director of Environmental Compliance",
                    "compliance",
                ),
                _Post("Pollution Control Unit", "Chief Environmental Officer", "pollution"),
            ),
            alternates=(
                _Post(
                    "Pollution Control Unit", "Senior Environmental Officer", "pollution.control"
                ),
                _desk(
                    "Environmental Emergencies Desk",
                    "Environmental emergencies hotline",
                    "env.emergencies",
                    hours="extended",
                ),
                _Post(
                    "Enforcement Section",
                    "Senior Wildlife Enforcement Officer",
                    "enforcement",
                    partner=True,
                ),
            ),
        ),
        TS: _AreaTemplate(
            leads=(
                ("Ministry of Transport, Works and Housing", "transport"),
                ("Civil Aviation Authority", "caa"),
                ("Maritime Administration", "maritime"),
                ("Ministry of Tourism, Civil Aviation and Transport", "mtcat"),
                ("Department of Transport Security", "dts"),
            ),
            partners=(
                ("National Port Authority", "ports"),
                ("Airports Authority", "airports"),
            ),
            primaries=(
                _Post("Aviation Security Oversight", "Head of Aviation Security", "avsec"),
                _Post("Maritime Security Unit", "Designated Authority focal point", "isps"),
                _Post(
                    "Transport Security Directorate",
                    "Director of Transport Security",
                    "transport.security",
                ),
            ),
            alternates=(
                _Post(
                    "Port Facility Security", "Port Facility Security Officer", "pfso", partner=True
                ),
                _desk(
                    "Airport Security Control Centre",
                    "Airport security duty supervisor",
                    "ascc",
                    partner=True,
                ),
                _desk(
                    "Port Security Night Desk",
                    "Night duty officer",
                    "night.desk",
                    hours="night",
                    partner=True,
                ),
                _Post(
                    "Aviation Security Oversight", "Aviation Security Inspector", "avsec.inspection"
                ),
            ),
        ),
        CI: _AreaTemplate(
            leads=(
                ("Ministry of National Security", "mns"),
                ("National Security Council Secretariat", "nscs"),
                ("Office of the Prime Minister, National Security Division", "opm"),
                ("Ministry of Public Utilities, Energy and Digital Transformation", "utilities"),
            ),
            partners=(
                ("National Computer Incident Response Team", "cirt"),
                ("Public Utilities Commission", "puc"),
            ),
            primaries=(
                _Post(
                    "Critical Infrastructure Protection Unit",
                    "Critical Infrastructure Coordinator",
                    "cip",
                ),
                _Post(
                    "Strategic Policy Unit",
                    "Director, Critical Infrastructure Policy",
                    "cip.policy",
                ),
            ),
            alternates=(
                _desk("Incident Desk", "24/7 incident handler", "incident", partner=True),
                _Post("National CIRT", "Head of the National CIRT", "cirt.head", partner=True),
                _Post(
                    "Critical Infrastructure Protection Unit",
                    "Senior Analyst, Energy and Water",
                    "cip.analysis",
                ),
            ),
        ),
    },
    "es": {
        DR: _AreaTemplate(
            leads=(
                ("Dirección Nacional de Protección Civil", "proteccioncivil"),
                ("Sistema Nacional de Gestión del Riesgo", "gestionriesgo"),
                ("Coordinadora Nacional para la Reducción de Desastres", "reducciondesastres"),
                ("Instituto Nacional de Defensa Civil", "defensacivil"),
                ("Comisión Nacional de Prevención de Riesgos y Atención de Emergencias", "cnpr"),
            ),
            partners=(
                ("Cuerpo de Bomberos Voluntarios", "bomberos"),
                ("Ministerio de Salud Pública y Asistencia Social", "salud"),
            ),
            primaries=(
                _desk(
                    "Centro de Operaciones de Emergencia Nacional (COEN)",
                    "Oficial de guardia 24/7",
                    "guardia",
                ),
                _desk(
                    "Centro de Operaciones de Emergencia Nacional (COEN)",
                    "Jefe de turno 24/7",
                    "coen",
                ),
                _desk(
                    "Centro Nacional de Monitoreo y Alerta", "Oficial de guardia 24/7", "monitoreo"
                ),
                _Post(
                    "Dirección de Operaciones",
                    "Director de Operaciones|Directora de Operaciones",
                    "operaciones",
                ),
            ),
            alternates=(
                _Post("Dirección General", "Director General|Directora General", "direccion"),
                _Post(
                    "Departamento de Respuesta",
                    "Jefe del Departamento de Respuesta|Jefa del Departamento de Respuesta",
                    "respuesta",
                ),
                _desk("Sala de Radio", "Operador de radio de turno", "radio"),
                _Post(
                    "Unidad de Salud en Emergencias",
                    "Coordinador de Emergencias Sanitarias|Coordinadora de Emergencias Sanitarias",
                    "emergencias.salud",
                    partner=True,
                ),
            ),
        ),
        ES: _AreaTemplate(
            leads=(
                ("Ministerio de Ambiente y Recursos Naturales", "ambiente"),
                ("Secretaría de Ambiente, Recursos Naturales y Pesca", "sarnp"),
                ("Ministerio del Ambiente y Desarrollo Sostenible", "minambiente"),
                ("Procuraduría Nacional de Protección Ambiental", "procuraduria"),
            ),
            partners=(
                ("Fiscalía Especializada en Delitos Ambientales", "fiscalia"),
                ("Servicio Nacional de Áreas Protegidas", "areasprotegidas"),
            ),
            primaries=(
                _Post(
                    "Dirección de Fiscalización Ambiental",
                    "Director de Fiscalización Ambiental|Directora de Fiscalización Ambiental",
                    "fiscalizacion",
                ),
                _Post(
                    "Unidad de Delitos Ambientales",
                    "Coordinador de Delitos Ambientales|Coordinadora de Delitos Ambientales",
                    "delitos.ambientales",
                ),
            ),
            alternates=(
                _Post(
                    "Departamento de Control de la Contaminación",
                    "Jefe de Control de la Contaminación|Jefa de Control de la Contaminación",
                    "contaminacion",
                ),
                _desk(
                    "Línea de Emergencias Ambientales",
                    "Atención de emergencias ambientales",
                    "emergencias.ambientales",
                    hours="extended",
                ),
                _Post(
                    "Fiscalía Adjunta",
                    "Fiscal Especializado|Fiscal Especializada",
                    "fiscal",
                    partner=True,
                ),
            ),
        ),
        TS: _AreaTemplate(
            leads=(
                ("Ministerio de Obras Públicas, Transporte y Vivienda", "mopt"),
                ("Dirección General de Aeronáutica Civil", "aeronautica"),
                ("Autoridad Marítima Nacional", "maritima"),
                ("Ministerio de Transportes y Comunicaciones", "mtc"),
                ("Dirección General de Marina Mercante", "marinamercante"),
            ),
            partners=(
                ("Autoridad Portuaria Nacional", "puertos"),
                ("Administración Nacional de Aeropuertos", "aeropuertos"),
            ),
            primaries=(
                _Post(
                    "Departamento de Seguridad de la Aviación (AVSEC)",
                    "Jefe de Seguridad de la Aviación|Jefa de Seguridad de la Aviación",
                    "avsec",
                ),
                _Post(
                    "Unidad de Protección Marítima y Portuaria",
                    "Punto de contacto de la Autoridad Designada",
                    "proteccion.maritima",
                ),
                _Post(
                    "Dirección de Seguridad del Transporte",
                    "Director de Seguridad del Transporte|Directora de Seguridad del Transporte",
                    "seguridad.transporte",
                ),
            ),
            alternates=(
                _Post(
                    "Unidad de Protección Portuaria",
                    "Oficial de Protección de la Instalación Portuaria",
                    "opip",
                    partner=True,
                ),
                _desk(
                    "Centro de Control de Seguridad Aeroportuaria",
                    "Supervisor de seguridad de turno",
                    "ccsa",
                    partner=True,
                ),
                _desk(
                    "Guardia Nocturna del Puerto",
                    "Oficial de guardia nocturna",
                    "guardia.nocturna",
                    hours="night",
                    partner=True,
                ),
                _Post(
                    "Departamento de Seguridad de la Aviación (AVSEC)",
                    "Inspector AVSEC|Inspectora AVSEC",
                    "inspeccion.avsec",
                ),
            ),
        ),
        CI: _AreaTemplate(
            leads=(
                ("Ministerio de Seguridad Pública", "seguridad"),
                ("Secretaría Nacional de Seguridad Digital", "seguridaddigital"),
                ("Ministerio del Interior, Seguridad y Justicia", "interior"),
                ("Consejo Nacional de Seguridad", "consejoseguridad"),
            ),
            partners=(
                (
                    "Equipo Nacional de Respuesta a Incidentes de Seguridad Informática (CSIRT)",
                    "csirt",
                ),
                ("Superintendencia de Servicios Públicos", "servicios"),
            ),
            primaries=(
                _Post(
                    "Dirección de Protección de Infraestructuras Críticas",
                    "Coordinador de Infraestructuras Críticas"
                    "|Coordinadora de Infraestructuras Críticas",
                    "infraestructuras",
                ),
                _Post(
                    "Gabinete de Seguridad",
                    "Asesor de Infraestructuras Críticas|Asesora de Infraestructuras Críticas",
                    "gabinete",
                ),
            ),
            alternates=(
                _desk(
                    "Mesa de Incidentes",
                    "Analista de incidentes de turno 24/7",
                    "incidentes",
                    partner=True,
                ),
                _Post(
                    "Jefatura del CSIRT",
                    "Jefe del CSIRT nacional|Jefa del CSIRT nacional",
                    "jefatura",
                    partner=True,
                ),
                _Post(
                    "Dirección de Protección de Infraestructuras Críticas",
                    "Analista de Energía y Agua",
                    "analisis",
                ),
            ),
        ),
    },
    "pt": {
        DR: _AreaTemplate(
            leads=(("Secretaria Nacional de Defesa Civil", "defesacivil"),),
            partners=(("Corpo de Bombeiros Militar", "bombeiros"),),
            primaries=(
                _desk(
                    "Centro Nacional de Gerenciamento de Riscos e Desastres",
                    "Oficial de plantão 24h",
                    "plantao",
                ),
            ),
            alternates=(
                _Post(
                    "Diretoria de Operações",
                    "Diretor de Operações|Diretora de Operações",
                    "operacoes",
                ),
                _Post(
                    "Coordenação-Geral de Resposta",
                    "Coordenador-Geral de Resposta|Coordenadora-Geral de Resposta",
                    "resposta",
                ),
                _desk("Sala de Rádio", "Operador de rádio de plantão", "radio"),
            ),
        ),
        ES: _AreaTemplate(
            leads=(("Ministério do Meio Ambiente, Clima e Florestas", "mma"),),
            partners=(("Instituto Nacional de Fiscalização Ambiental", "fiscalizacao"),),
            primaries=(
                _Post(
                    "Diretoria de Proteção Ambiental",
                    "Diretor de Proteção Ambiental|Diretora de Proteção Ambiental",
                    "protecao",
                ),
            ),
            alternates=(
                _Post(
                    "Coordenação de Fiscalização",
                    "Coordenador de Fiscalização|Coordenadora de Fiscalização",
                    "fiscalizacao",
                    partner=True,
                ),
                _desk(
                    "Central de Emergências Ambientais",
                    "Atendimento de emergências ambientais",
                    "emergencias",
                    hours="extended",
                ),
            ),
        ),
        TS: _AreaTemplate(
            leads=(("Ministério dos Transportes, Portos e Aeroportos", "transportes"),),
            partners=(("Autoridade Portuária Nacional", "portos"),),
            primaries=(
                _Post(
                    "Gerência de Segurança da Aviação Civil",
                    "Gerente de Segurança da Aviação",
                    "avsec",
                ),
            ),
            alternates=(
                _Post(
                    "Supervisão de Proteção Portuária",
                    "Supervisor de Segurança Portuária|Supervisora de Segurança Portuária",
                    "protecao.portuaria",
                    partner=True,
                ),
                _desk(
                    "Centro de Controle Operacional",
                    "Supervisor de plantão noturno",
                    "plantao.noturno",
                    hours="night",
                    partner=True,
                ),
            ),
        ),
        CI: _AreaTemplate(
            leads=(("Secretaria de Segurança de Infraestruturas Críticas", "infraestruturas"),),
            partners=(("Centro Nacional de Resposta a Incidentes Cibernéticos", "cert"),),
            primaries=(
                _Post(
                    "Coordenação-Geral de Infraestruturas Críticas",
                    "Coordenador-Geral de Infraestruturas Críticas"
                    "|Coordenadora-Geral de Infraestruturas Críticas",
                    "cgic",
                ),
            ),
            alternates=(
                _desk(
                    "Central de Incidentes",
                    "Analista de incidentes de plantão 24h",
                    "incidentes",
                    partner=True,
                ),
                _Post(
                    "Coordenação-Geral de Infraestruturas Críticas",
                    "Analista de Energia e Telecomunicações",
                    "analise",
                ),
            ),
        ),
    },
    "fr": {
        DR: _AreaTemplate(
            leads=(("Direction de la Protection Civile", "protectioncivile"),),
            partners=(("Ministère de la Santé publique et de la Population", "sante"),),
            primaries=(
                _desk(
                    "Centre d'opérations d'urgence national (COUN)",
                    "Officier de permanence 24/7",
                    "permanence",
                ),
            ),
            alternates=(
                _Post(
                    "Direction des opérations",
                    "Directeur des opérations|Directrice des opérations",
                    "operations",
                ),
                _Post(
                    "Service de la préparation et de la réponse",
                    "Chef du service de la réponse|Cheffe du service de la réponse",
                    "reponse",
                ),
                _desk("Salle radio", "Opérateur radio de permanence", "radio"),
            ),
        ),
        ES: _AreaTemplate(
            leads=(("Ministère de l'Environnement", "environnement"),),
            partners=(("Brigade de protection de l'environnement", "brigade"),),
            primaries=(
                _Post(
                    "Direction de la surveillance environnementale",
                    "Directeur de la surveillance environnementale"
                    "|Directrice de la surveillance environnementale",
                    "surveillance",
                ),
            ),
            alternates=(
                _desk(
                    "Cellule des urgences environnementales",
                    "Permanence urgences environnement",
                    "urgences",
                    hours="extended",
                ),
                _Post(
                    "Commandement",
                    "Commandant de brigade|Commandante de brigade",
                    "commandement",
                    partner=True,
                ),
            ),
        ),
        TS: _AreaTemplate(
            leads=(("Ministère des Travaux publics, Transports et Communications", "mtptc"),),
            partners=(("Autorité portuaire nationale", "port"),),
            primaries=(
                _Post(
                    "Service de la sûreté de l'aviation",
                    "Chef de la sûreté de l'aviation|Cheffe de la sûreté de l'aviation",
                    "surete",
                ),
            ),
            alternates=(
                _Post(
                    "Sûreté portuaire",
                    "Agent de sûreté de l'installation portuaire"
                    "|Agente de sûreté de l'installation portuaire",
                    "asip",
                    partner=True,
                ),
                _desk(
                    "Permanence de nuit du port",
                    "Officier de permanence de nuit",
                    "nuit",
                    hours="night",
                    partner=True,
                ),
            ),
        ),
        CI: _AreaTemplate(
            leads=(("Secrétariat d'État à la Sécurité publique", "securitepublique"),),
            partners=(("Centre national de réponse aux incidents informatiques", "cert"),),
            primaries=(
                _Post(
                    "Cellule de protection des infrastructures critiques",
                    "Coordonnateur des infrastructures critiques"
                    "|Coordonnatrice des infrastructures critiques",
                    "infrastructures",
                ),
            ),
            alternates=(
                _desk("Cellule de veille", "Analyste de veille 24/7", "veille", partner=True),
                _Post(
                    "Cellule de protection des infrastructures critiques",
                    "Analyste énergie et eau",
                    "analyse",
                ),
            ),
        ),
    },
    "nl": {
        DR: _AreaTemplate(
            leads=(("Nationaal Coördinatiecentrum voor Rampenbeheersing", "ncrb"),),
            partners=(("Brandweerkorps", "brandweer"),),
            primaries=(
                _desk("Nationaal Crisiscentrum", "Dienstdoende officier 24/7", "dienstdoende"),
            ),
            alternates=(
                _Post("Afdeling Operaties", "Hoofd Operaties", "operaties"),
                _Post("Afdeling Paraatheid", "Hoofd Paraatheid en Respons", "paraatheid"),
                _desk("Radiokamer", "Dienstdoende radio-operator", "radio"),
            ),
        ),
        ES: _AreaTemplate(
            leads=(("Ministerie van Ruimtelijke Ordening en Milieu", "rom"),),
            partners=(("Dienst Bosbeheer en Natuurbehoud", "bosbeheer"),),
            primaries=(_Post("Afdeling Milieuhandhaving", "Hoofd Milieuhandhaving", "handhaving"),),
            alternates=(
                _desk(
                    "Meldpunt Milieu-incidenten",
                    "Meldpunt milieu-incidenten",
                    "meldpunt",
                    hours="extended",
                ),
                _Post("Afdeling Natuurbehoud", "Senior boswachter", "natuurbehoud", partner=True),
            ),
        ),
        TS: _AreaTemplate(
            leads=(("Ministerie van Openbare Werken, Transport en Communicatie", "owtc"),),
            partners=(("Maritieme Autoriteit", "mas"),),
            primaries=(
                _Post("Afdeling Luchtvaartbeveiliging", "Hoofd Luchtvaartbeveiliging", "avsec"),
            ),
            alternates=(
                _Post(
                    "Havenfaciliteit Beveiliging",
                    "Beveiligingsfunctionaris havenfaciliteit",
                    "pfso",
                    partner=True,
                ),
                _desk(
                    "Nachtdienst Haven",
                    "Dienstdoende nachtofficier",
                    "nachtdienst",
                    hours="night",
                    partner=True,
                ),
            ),
        ),
        CI: _AreaTemplate(
            leads=(("Ministerie van Justitie en Politie", "justitie"),),
            partners=(("Nationaal Cyber Security Centrum", "ncsc"),),
            primaries=(
                _Post(
                    "Bureau Vitale Infrastructuur", "Coördinator Vitale Infrastructuur", "vitaal"
                ),
            ),
            alternates=(
                _desk(
                    "Incidentendesk",
                    "Dienstdoende incidentbehandelaar 24/7",
                    "incident",
                    partner=True,
                ),
                _Post(
                    "Bureau Vitale Infrastructuur", "Beleidsmedewerker Energie en Water", "beleid"
                ),
            ),
        ),
    },
}


# --------------------------------------------------------------------------------------------
# People (invented), labels and wording per language family
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    given_m: tuple[str, ...]
    given_f: tuple[str, ...]
    family: tuple[str, ...]
    honorific_m: tuple[str, ...]
    honorific_f: tuple[str, ...]
    double_family: bool = False  # Spanish style: two family names, sometimes


_NAMES: dict[str, _Names] = {
    "en": _Names(
        given_m=(
            "Andre",
            "Marcus",
            "Trevor",
            "Desmond",
            "Kevin",
            "Colin",
            "Dwayne",
            "Ronald",
            "Adrian",
            "Shane",
            "Kareem",
            "Nigel",
        ),
        given_f=(
            "Sharon",
            "Keisha",
            "Nadine",
            "Alicia",
            "Monique",
            "Claire",
            "Simone",
            "Tanya",
            "Petra",
            "Charmaine",
            "Yolanda",
            "Abigail",
        ),
        family=(
            "Campbell",
            "Greenidge",
            "Baptiste",
            "Charles",
            "Ferguson",
            "Rolle",
            "Knowles",
            "Persaud",
            "Ramsaran",
            "Harewood",
            "Skeete",
            "Mahabir",
            "Ollivierre",
            "Liburd",
            "Greaves",
            "Bramble",
            "Forde",
            "Hinds",
            "McIntyre",
            "Sealy",
            "Bynoe",
            "Wilkinson",
        ),
        honorific_m=("", "", "Mr.", "Dr.", "Col.", "Cdr."),
        honorific_f=("", "", "Ms.", "Dr.", "Col.", "Lt. Col."),
    ),
    "es": _Names(
        given_m=(
            "Carlos",
            "Jorge",
            "Luis Alberto",
            "Andrés",
            "Rodrigo",
            "Fernando",
            "Miguel Ángel",
            "Ricardo",
            "Alejandro",
            "Tomás",
            "Esteban",
            "Julio César",
        ),
        given_f=(
            "María José",
            "Ana Lucía",
            "Mariana",
            "Gabriela",
            "Carmen",
            "Lucía",
            "Patricia",
            "Valeria",
            "Daniela",
            "Sofía",
            "Verónica",
            "Rocío",
        ),
        family=(
            "Rodríguez",
            "Gutiérrez",
            "Morales",
            "Castillo",
            "Vargas",
            "Herrera",
            "Mendoza",
            "Aguilar",
            "Salazar",
            "Cordero",
            "Ibáñez",
            "Peña",
            "Villalobos",
            "Echeverría",
            "Benítez",
            "Acuña",
            "Quiroga",
            "Zúñiga",
            "Cabrera",
            "Orellana",
            "Paredes",
            "Sandoval",
            "Valdés",
            "Miranda",
        ),
        honorific_m=("", "Lic.", "Ing.", "Dr.", "Cnel.", "Arq."),
        honorific_f=("", "Lic.", "Ing.", "Dra.", "Cnel.", "Arq."),
        double_family=True,
    ),
    "pt": _Names(
        given_m=("Rafael", "Thiago", "Marcelo", "Gustavo", "Leonardo", "Eduardo"),
        given_f=("Ana Beatriz", "Fernanda", "Juliana", "Camila", "Luciana", "Patrícia"),
        family=(
            "Albuquerque",
            "Carvalho",
            "Siqueira",
            "Nogueira",
            "Moreira",
            "Barbosa",
            "Cavalcanti",
            "Teixeira",
            "Figueiredo",
            "Rezende",
        ),
        honorific_m=("", "Dr.", "Eng.", "Cel."),
        honorific_f=("", "Dra.", "Eng.ª", "Cel."),
    ),
    "fr": _Names(
        given_m=(
            "Jean-Robert",
            "Pierre-Richard",
            "Frantz",
            "Wilner",
            "Reginald",
            "Jacques-Édouard",
        ),
        given_f=("Marie-Carmel", "Nadège", "Fabienne", "Mirlande", "Guerline", "Roseline"),
        family=(
            "Jean-Baptiste",
            "Pierre-Louis",
            "Désir",
            "Alexis",
            "Célestin",
            "Saint-Fleur",
            "Delva",
            "Thermidor",
            "Jean-Charles",
            "Métellus",
        ),
        honorific_m=("", "M.", "Dr", "Ing.", "Col."),
        honorific_f=("", "Mme", "Dr", "Ing.", "Col."),
    ),
    "nl": _Names(
        given_m=("Ravi", "Glenn", "Stanley", "Iwan", "Ruben", "Marvin"),
        given_f=("Shanti", "Chandra", "Marjorie", "Sharda", "Ingrid", "Naomi"),
        family=(
            "Kartodikromo",
            "Pinas",
            "Sabajo",
            "Wongsodikromo",
            "Doekhie",
            "Tjon A Fong",
            "Sewdien",
            "Linger",
            "Kromodihardjo",
            "Biharie",
            "Vos",
        ),
        honorific_m=("", "Dhr.", "Drs.", "Ir."),
        honorific_f=("", "Mw.", "Drs.", "Ir."),
    ),
}

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "duty": "24/7 duty line",
        "switchboard": "Switchboard",
        "direct": "Direct line",
        "hotline": "Hotline",
        "night": "Night desk",
        "mobile": "Mobile",
        "after_hours": "After-hours mobile",
        "email": "Office e-mail",
        "mailbox": "Functional mailbox",
        "fax": "Fax",
        "satellite": "Satellite phone",
        "radio": "HF radio",
        "vhf": "VHF marine radio",
        "website": "Website",
    },
    "es": {
        "duty": "Línea de guardia 24/7",
        "switchboard": "Central telefónica",
        "direct": "Línea directa",
        "hotline": "Línea de atención",
        "night": "Guardia nocturna",
        "mobile": "Celular",
        "after_hours": "Celular fuera de horario",
        "email": "Correo institucional",
        "mailbox": "Buzón funcional",
        "fax": "Fax",
        "satellite": "Teléfono satelital",
        "radio": "Radio HF",
        "vhf": "Radio VHF marina",
        "website": "Sitio web",
    },
    "pt": {
        "duty": "Plantão 24h",
        "switchboard": "Central telefônica",
        "direct": "Linha direta",
        "hotline": "Central de atendimento",
        "night": "Plantão noturno",
        "mobile": "Celular",
        "after_hours": "Celular fora do expediente",
        "email": "E-mail institucional",
        "mailbox": "Caixa funcional",
        "fax": "Fax",
        "satellite": "Telefone satelital",
        "radio": "Rádio HF",
        "vhf": "Rádio VHF marítimo",
        "website": "Site",
    },
    "fr": {
        "duty": "Permanence 24/7",
        "switchboard": "Standard",
        "direct": "Ligne directe",
        "hotline": "Ligne d'urgence",
        "night": "Permanence de nuit",
        "mobile": "Portable",
        "after_hours": "Portable hors heures de bureau",
        "email": "Courriel",
        "mailbox": "Boîte fonctionnelle",
        "fax": "Télécopie",
        "satellite": "Téléphone satellite",
        "radio": "Radio HF",
        "vhf": "Radio VHF marine",
        "website": "Site web",
    },
    "nl": {
        "duty": "24/7 dienstlijn",
        "switchboard": "Centrale",
        "direct": "Direct nummer",
        "hotline": "Meldlijn",
        "night": "Nachtdienst",
        "mobile": "Mobiel",
        "after_hours": "Mobiel buiten kantooruren",
        "email": "E-mail",
        "mailbox": "Functionele mailbox",
        "fax": "Fax",
        "satellite": "Satelliettelefoon",
        "radio": "HF-radio",
        "vhf": "VHF-marifoon",
        "website": "Website",
    },
}

_CALLSIGNS: dict[str, str] = {"en": "NEOC", "es": "COEN", "pt": "CENAD", "fr": "COUN", "nl": "NCC"}
_HF_FREQUENCIES: tuple[str, ...] = ("5.390", "7.850", "7.165", "9.025", "6.940", "10.110")

_NOTES: tuple[str, ...] = (
    "",
    "",
    "",
    "",
    "Call the 24/7 line first; e-mail is read during office hours only.",
    "Requests for assistance must be copied to the Ministry of Foreign Affairs.",
    "Prefers a call before any written request.",
    "Replies in English as well as the national language.",
    "Confirmed by telephone after the last hurricane season exercise.",
    "Mailbox is shared by the unit; mark urgent messages in the subject line.",
    "Attends the regional working group; alternate covers during missions abroad.",
)

_NOMINATION_FORMATS: dict[str, str] = {
    "en": "Note verbale MFA/OAS/{year}/{number:03d}",
    "es": "Nota verbal MRE/DGPE/{year}-{number:03d}",
    "pt": "Nota verbal n.º {number}/{year}/DEMA",
    "fr": "Note verbale MAECE/{year}/{number:03d}",
    "nl": "Nota verbale BUZA/OAS/{year}/{number:03d}",
}

# Which of CountryRef.names to use on the last line of a postal address
_ADDRESS_LANGUAGE: dict[str, str] = {"en": "en", "es": "es", "pt": "pt", "fr": "fr", "nl": "en"}


# --------------------------------------------------------------------------------------------
# The states: language family, capital, made-up addresses, usual office hours, branch offices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Branch:
    area: str  # alternates of this area with a partner post sit in the branch
    city: str
    zone: str  # IANA zone; "" for the capital's
    street: str  # address lines before the country, "\n" between lines


@dataclass(frozen=True)
class _State:
    code: str
    family: str  # template language: en, es, pt, fr, nl
    languages: tuple[str, ...]  # spoken by every contact
    extra: tuple[str, ...]  # also spoken by some contacts
    city: str
    streets: tuple[str, str]  # lead agency, partner organisation
    office: str  # key of _HOURS: the usual office hours
    branches: tuple[_Branch, ...] = field(default=())


_STATES: tuple[_State, ...] = (
    _State(
        "AG",
        "en",
        ("en",),
        ("es",),
        "St. John's",
        ("Nevis Street 22\nSt. John's", "P.O. Box 1780\nSt. John's"),
        "standard",
    ),
    _State(
        "AR",
        "es",
        ("es",),
        ("en", "pt"),
        "Buenos Aires",
        (
            "Av. Leandro N. Alem 1120, piso 4\nC1001 Ciudad Autónoma de Buenos Aires",
            "Balcarce 340\nC1064 Ciudad Autónoma de Buenos Aires",
        ),
        "late",
        (_Branch(TS, "Bahía Blanca", "", "Av. Colón 1450, oficina 12\nB8000 Bahía Blanca"),),
    ),
    _State(
        "BS",
        "en",
        ("en",),
        ("es",),
        "Nassau",
        (
            "Rawson Square Building, 3rd Floor\nP.O. Box N-7147\nNassau",
            "East Bay Street 41\nNassau",
        ),
        "split",
        (_Branch(TS, "Freeport", "", "Harbour Administration Building\nFreeport, Grand Bahama"),),
    ),
    _State(
        "BB",
        "en",
        ("en",),
        ("es",),
        "Bridgetown",
        ("Warrens Office Complex, Block C\nSt. Michael", "Culloden Road 9\nBridgetown"),
        "split",
    ),
    _State(
        "BZ",
        "en",
        ("en", "es"),
        (),
        "Belmopan",
        ("Ring Road, Unit 14\nBelmopan", "Constitution Drive 8\nBelmopan"),
        "standard",
        (_Branch(TS, "Belize City", "", "Port Loyola Road 7\nBelize City"),),
    ),
    _State(
        "BO",
        "es",
        ("es",),
        ("en", "qu"),
        "La Paz",
        ("Av. 16 de Julio (El Prado) 1490\nLa Paz", "Calle Ayacucho 220\nLa Paz"),
        "early",
        (
            _Branch(
                TS,
                "Santa Cruz de la Sierra",
                "",
                "Av. Cristo Redentor 3450\nSanta Cruz de la Sierra",
            ),
        ),
    ),
    _State(
        "BR",
        "pt",
        ("pt",),
        ("es", "en"),
        "Brasília",
        (
            "Esplanada dos Ministérios, Bloco R, 4º andar\nBrasília – DF\n70044-900",
            "SAUS Quadra 3, Lote 5\nBrasília – DF\n70070-030",
        ),
        "late",
        (
            _Branch(
                ES,
                "Manaus",
                "America/Manaus",
                "Av. Djalma Batista 2100, sala 310\nManaus – AM\n69050-010",
            ),
            _Branch(
                TS,
                "Rio de Janeiro",
                "",
                "Av. Rodrigues Alves 1500, Armazém 4\nRio de Janeiro – RJ\n20220-360",
            ),
        ),
    ),
    _State(
        "CA",
        "en",
        ("en", "fr"),
        (),
        "Ottawa",
        ("350 Albert Street, 9th Floor\nOttawa ON  K1R 1A4", "90 Elgin Street\nOttawa ON  K1P 5E9"),
        "late",
        (
            _Branch(
                TS,
                "Vancouver",
                "America/Vancouver",
                "1120 Harbourside Drive, Suite 400\nVancouver BC  V6C 0A1",
            ),
        ),
    ),
    _State(
        "CL",
        "es",
        ("es",),
        ("en",),
        "Santiago",
        ("Av. Libertador Bernardo O'Higgins 1315, piso 8\nSantiago", "Teatinos 92\nSantiago"),
        "standard",
        (
            _Branch(
                ES,
                "Punta Arenas",
                "America/Punta_Arenas",
                "Avenida Costanera 1180\nPunta Arenas, Magallanes",
            ),
            _Branch(TS, "Valparaíso", "", "Av. Errázuriz 2150\nValparaíso"),
        ),
    ),
    _State(
        "CO",
        "es",
        ("es",),
        ("en",),
        "Bogotá",
        ("Calle 26 # 92-32, Edificio Gold 4\nBogotá D.C.", "Carrera 7 # 6-54\nBogotá D.C."),
        "standard",
        (
            _Branch(
                TS,
                "Cartagena de Indias",
                "",
                "Manga, Calle 28 # 24-60\nCartagena de Indias, Bolívar",
            ),
        ),
    ),
    _State(
        "CR",
        "es",
        ("es",),
        ("en",),
        "San José",
        ("Avenida 5, Calles 17 y 19\nSan José", "Apartado Postal 5258-1000\nSan José"),
        "standard",
        (_Branch(TS, "Puntarenas", "", "Muelle Principal, Edificio Administrativo\nPuntarenas"),),
    ),
    _State(
        "CU",
        "es",
        ("es",),
        ("en",),
        "La Habana",
        (
            "Calle 23 No. 1054, Vedado\nLa Habana",
            "Avenida de Rancho Boyeros y 19 de Mayo\nLa Habana",
        ),
        "early",
    ),
    _State(
        "DM",
        "en",
        ("en",),
        ("fr",),
        "Roseau",
        ("Kennedy Avenue 17\nRoseau", "P.O. Box 431\nRoseau"),
        "standard",
    ),
    _State(
        "DO",
        "es",
        ("es",),
        ("en",),
        "Santo Domingo",
        (
            "Av. 27 de Febrero 419, Ensanche Quisqueya\nSanto Domingo",
            "Calle Pedro Henríquez Ureña 65\nSanto Domingo",
        ),
        "standard",
        (_Branch(TS, "Puerto Plata", "", "Av. Luis Ginebra 88\nPuerto Plata"),),
    ),
    _State(
        "EC",
        "es",
        ("es",),
        ("en",),
        "Quito",
        ("Av. Amazonas N34-451 y Atahualpa\nQuito 170135", "Av. 10 de Agosto N21-255\nQuito"),
        "standard",
        (
            _Branch(
                ES,
                "Puerto Baquerizo Moreno",
                "Pacific/Galapagos",
                "Av. Charles Darwin y 12 de Febrero\nPuerto Baquerizo Moreno, Galápagos",
            ),
            _Branch(TS, "Guayaquil", "", "Av. de la Marina 1240, Puerto Marítimo\nGuayaquil"),
        ),
    ),
    _State(
        "SV",
        "es",
        ("es",),
        ("en",),
        "San Salvador",
        ("Alameda Juan Pablo II, Edificio B3\nSan Salvador", "Calle Arce 1120\nSan Salvador"),
        "siesta",
        (
            _Branch(
                TS,
                "Acajutla",
                "",
                "Puerto de Acajutla, Edificio de Operaciones\nAcajutla, Sonsonate",
            ),
        ),
    ),
    _State(
        "GD",
        "en",
        ("en",),
        ("es",),
        "St. George's",
        ("Ministerial Complex, Botanical Gardens\nSt. George's", "Lagoon Road 5\nSt. George's"),
        "standard",
    ),
    _State(
        "GT",
        "es",
        ("es",),
        ("en",),
        "Ciudad de Guatemala",
        (
            "6a Avenida 3-22, Zona 10\nCiudad de Guatemala 01010",
            "Diagonal 17, 29-78, Zona 11\nCiudad de Guatemala",
        ),
        "standard",
        (
            _Branch(
                TS, "Puerto San José", "", "Zona Portuaria, Edificio 3\nPuerto San José, Escuintla"
            ),
        ),
    ),
    _State(
        "GY",
        "en",
        ("en",),
        ("es", "pt"),
        "Georgetown",
        ("Thomas Lands 14\nGeorgetown", "Brickdam 92\nGeorgetown"),
        "split",
    ),
    _State(
        "HT",
        "fr",
        ("fr", "ht"),
        ("en", "es"),
        "Port-au-Prince",
        (
            "Avenue Jean-Paul II, no 23\nPort-au-Prince\nHT6110",
            "Rue Légitime 7, Champ de Mars\nPort-au-Prince",
        ),
        "early",
        (_Branch(TS, "Cap-Haïtien", "", "Boulevard du Quai 27\nCap-Haïtien"),),
    ),
    _State(
        "HN",
        "es",
        ("es",),
        ("en",),
        "Tegucigalpa",
        (
            "Colonia Palmira, Avenida República de Chile 410\nTegucigalpa M.D.C.",
            "Boulevard Kuwait, Edificio 7\nTegucigalpa M.D.C.",
        ),
        "standard",
        (
            _Branch(
                TS, "San Pedro Sula", "", "Boulevard del Este, 12 Calle\nSan Pedro Sula, Cortés"
            ),
        ),
    ),
    _State(
        "JM",
        "en",
        ("en",),
        ("es",),
        "Kingston",
        ("12 Harbour View Drive\nKingston 17", "P.O. Box 1590\nKingston 5"),
        "split",
        (
            _Branch(
                TS, "Montego Bay", "", "Freeport Terminal Building, Suite 6\nMontego Bay, St. James"
            ),
        ),
    ),
    _State(
        "MX",
        "es",
        ("es",),
        ("en",),
        "Ciudad de México",
        (
            "Av. Insurgentes Sur 1685, piso 6, Col. Guadalupe Inn\n01020 Ciudad de México, CDMX",
            "Calle de Londres 102, Col. Juárez\n06600 Ciudad de México, CDMX",
        ),
        "late",
        (
            _Branch(
                ES,
                "La Paz",
                "America/Mazatlan",
                "Blvd. Constituyentes de 1975 No. 2410\n23060 La Paz, B.C.S.",
            ),
            _Branch(TS, "Veracruz", "", "Av. Marina Mercante 210, Centro\n91700 Veracruz, Ver."),
        ),
    ),
    _State(
        "NI",
        "es",
        ("es",),
        ("en",),
        "Managua",
        (
            "Km 5 Carretera a Masaya, Edificio 3\nManagua",
            "Reparto Bolonia, de la Rotonda 2 c. al sur\nManagua",
        ),
        "early",
        (_Branch(TS, "Corinto", "", "Puerto de Corinto, Oficinas Centrales\nCorinto, Chinandega"),),
    ),
    _State(
        "PA",
        "es",
        ("es",),
        ("en",),
        "Ciudad de Panamá",
        (
            "Avenida Balboa, Edificio 14, piso 3\nCiudad de Panamá",
            "Apartado 0816-01234\nCiudad de Panamá",
        ),
        "standard",
        (_Branch(TS, "Colón", "", "Edificio 1205, Zona Libre\nColón"),),
    ),
    _State(
        "PY",
        "es",
        ("es", "gn"),
        ("en",),
        "Asunción",
        ("Av. Mariscal López 3333\nAsunción", "Calle Palma 530\nAsunción"),
        "siesta",
        (_Branch(TS, "Ciudad del Este", "", "Av. San Blas km 3\nCiudad del Este, Alto Paraná"),),
    ),
    _State(
        "PE",
        "es",
        ("es",),
        ("en", "qu"),
        "Lima",
        ("Av. Javier Prado Oeste 1525, San Isidro\nLima 15073", "Jr. Lampa 545\nLima 15001"),
        "early",
        (_Branch(TS, "Callao", "", "Av. Contralmirante Mora 590\nCallao 07001"),),
    ),
    _State(
        "KN",
        "en",
        ("en",),
        (),
        "Basseterre",
        ("Government Headquarters, Church Street\nBasseterre", "P.O. Box 186\nBasseterre"),
        "standard",
    ),
    _State(
        "LC",
        "en",
        ("en",),
        ("fr",),
        "Castries",
        ("Waterfront Building, 2nd Floor\nCastries", "Sans Souci 14\nCastries"),
        "standard",
        (_Branch(TS, "Vieux Fort", "", "Airport Administration Building\nVieux Fort"),),
    ),
    _State(
        "VC",
        "en",
        ("en",),
        ("es",),
        "Kingstown",
        ("Halifax Street 31\nKingstown", "P.O. Box 608\nKingstown"),
        "standard",
    ),
    _State(
        "SR",
        "nl",
        ("nl", "en"),
        ("es",),
        "Paramaribo",
        ("Henck Arronstraat 41\nParamaribo", "Dr. Sophie Redmondstraat 118\nParamaribo"),
        "early",
        (_Branch(TS, "Nieuw Nickerie", "", "Oost-Westverbinding 12\nNieuw Nickerie"),),
    ),
    _State(
        "TT",
        "en",
        ("en",),
        ("es",),
        "Port of Spain",
        (
            "Tower C, International Waterfront Centre, Level 12\nPort of Spain",
            "Frederick Street 73\nPort of Spain",
        ),
        "split",
        (_Branch(TS, "Scarborough", "", "Milford Road, Port Building\nScarborough, Tobago"),),
    ),
    _State(
        "US",
        "en",
        ("en",),
        ("es",),
        "Washington, DC",
        (
            "2710 Potomac Yard Plaza, Suite 410\nWashington, DC 20002",
            "P.O. Box 40817\nWashington, DC 20016",
        ),
        "late",
        (
            _Branch(
                TS,
                "Houston",
                "America/Chicago",
                "1200 Port Terminal Boulevard, Suite 300\nHouston, TX 77029",
            ),
        ),
    ),
    _State(
        "UY",
        "es",
        ("es",),
        ("en", "pt"),
        "Montevideo",
        ("Rincón 575, piso 3\n11000 Montevideo", "Av. 18 de Julio 1360\n11200 Montevideo"),
        "standard",
        (
            _Branch(
                TS,
                "Colonia del Sacramento",
                "",
                "Rambla de los Portugueses 180\n70000 Colonia del Sacramento",
            ),
        ),
    ),
    _State(
        "VE",
        "es",
        ("es",),
        ("en",),
        "Caracas",
        (
            "Av. Urdaneta, Esquina de Carmelitas, Edificio 5\nCaracas 1010",
            "Av. Francisco de Miranda, Torre Este, piso 9\nCaracas 1060",
        ),
        "early",
        (
            _Branch(
                TS,
                "Puerto Cabello",
                "",
                "Av. Bolívar, Edificio Portuario\nPuerto Cabello, Carabobo",
            ),
        ),
    ),
)


# --------------------------------------------------------------------------------------------
# Entries pinned by key: the names that test the application, the vacancy, stale entries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Holder:
    honorific: str
    given: str
    family: str
    gender: str  # "m" or "f": picks the title's form


_PINNED_HOLDERS: dict[str, _Holder] = {
    "PE-disaster-response-2": _Holder("Dra.", "Mariana", "Núñez", "f"),
    "HT-environmental-security-1": _Holder("Mme", "Claudette", "D'Aubigné", "f"),
    "MX-transportation-security-1": _Holder("Lic.", "Ana Sofía", "Hernández-Ruiz", "f"),
    "BS-critical-infrastructure-1": _Holder("Cdr.", "Patrick", "O'Neil", "m"),
    "SR-disaster-response-2": _Holder("Mw.", "Zoë", "Ramdin", "f"),
}

# A port office in São João da Barra instead of the usual branch: (city, zone, street lines)
_PINNED_PLACES: dict[str, _Branch] = {
    "BR-transportation-security-2": _Branch(
        TS,
        "São João da Barra",
        "",
        "Terminal Portuário de São João, Cais 3\nRodovia BR-356, km 4\nSão João da Barra – RJ\n"
        "28200-000",
    ),
}

VACANT_KEY = "GY-critical-infrastructure-2"

# verified_days_ago past the 180-day threshold, and never verified (None)
_STALE: dict[str, int] = {
    "BZ-environmental-security-1": 181,
    "HT-transportation-security-1": 212,
    "VE-critical-infrastructure-1": 247,
    "NI-environmental-security-1": 365,
    "KN-transportation-security-1": 402,
    "BO-critical-infrastructure-1": 530,
    "AG-disaster-response-2": 611,
}
_NEVER_VERIFIED: tuple[str, ...] = ("DM-critical-infrastructure-1", "PY-environmental-security-2")
_RECENT_NOMINATION: dict[str, str] = {
    family: template.format(year=2025, number=391)
    for family, template in _NOMINATION_FORMATS.items()
}


def _pinned_rank(code: str, area: str) -> int:
    """The highest rank that a pinned entry needs in this (state, area), 0 if none."""
    prefix = f"{code}-{area}-"
    keys = [*_PINNED_HOLDERS, *_PINNED_PLACES, VACANT_KEY, *_STALE, *_NEVER_VERIFIED]
    return max((int(key.removeprefix(prefix)) for key in keys if key.startswith(prefix)), default=0)


def _needs_holder(key: str) -> bool:
    return key in _PINNED_HOLDERS or key == VACANT_KEY


# --------------------------------------------------------------------------------------------
# Telephone numbers
# --------------------------------------------------------------------------------------------

# Nicer starting points than the library's example numbers (capital area codes); ignored if the
# library no longer accepts them. The United States and Canada use the reserved 555-01xx range.
_FIXED_BASES: dict[str, str] = {
    "AR": "+541143123456",
    "BR": "+556133123456",
    "CL": "+56222123456",
    "CO": "+576016012345",
    "MX": "+525512345678",
    "US": "+12025550100",
    "CA": "+16135550100",
}
_RESERVED_555 = frozenset({"US", "CA"})


class _PhoneBook:
    """Hands out distinct valid numbers of one state, in a fixed order."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._fixed = self._numbers(PhoneNumberType.FIXED_LINE, 0)
        self._mobile = self._numbers(PhoneNumberType.MOBILE, 1)

    def fixed(self) -> str:
        return next(self._fixed)

    def mobile(self) -> str:
        return next(self._mobile)

    def _base(self, kind: PhoneNumberType) -> str:
        if kind == PhoneNumberType.FIXED_LINE and self.region in _FIXED_BASES:
            base = _FIXED_BASES[self.region]
            if self._valid(base):
                return base
        if self.region in _RESERVED_555:
            return _FIXED_BASES[self.region]
        example = phonenumbers.example_number_for_type(self.region, kind)
        return phonenumbers.format_number(example, PhoneNumberFormat.E164)

    def _numbers(self, kind: PhoneNumberType, half: int) -> Iterator[str]:
        """Vary the last digits: fixed lines in the lower half of the range, mobiles the upper.

        Both halves stay apart even where the two example numbers coincide (NANP states).
        """
        base = self._base(kind)
        width, stride = (2, 7) if self.region in _RESERVED_555 else (3, 37)
        span = 10**width // 2
        seen: set[str] = set()
        for step in range(span):
            tail = half * span + (step * stride + 23) % span
            candidate = f"{base[:-width]}{tail:0{width}d}"
            if candidate not in seen and self._valid(candidate):
                seen.add(candidate)
                yield candidate
        raise RuntimeError(f"no more demo numbers for {self.region}")

    def _valid(self, value: str) -> bool:
        number = phonenumbers.parse(value)
        return (
            phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) == self.region
            and phonenumbers.format_number(number, PhoneNumberFormat.E164) == value
        )


# --------------------------------------------------------------------------------------------
# Building the contacts
# --------------------------------------------------------------------------------------------


def _rank_count(state: _State, area: str) -> int:
    """How many contacts a (state, area) has: about 30 % one, 45 % two, 25 % three."""
    bucket = _crc(state.code, area, "ranks") % 20
    count = 1 if bucket < 6 else 2 if bucket < 15 else 3
    count = min(count, 1 + len(_TEMPLATES[state.family][area].alternates))
    return max(count, _pinned_rank(state.code, area))


def _posts(state: _State, area: str, count: int) -> list[_Post]:
    """The posts for ranks 1..count, in calling order; pinned holders get named posts."""
    template = _TEMPLATES[state.family][area]
    chosen: list[_Post] = []
    for rank in range(1, count + 1):
        key = f"{state.code}-{area}-{rank}"
        pool = template.primaries if rank == 1 else template.alternates
        start = _crc(key, "post") % len(pool)
        rotated = [*pool[start:], *pool[:start]]
        candidates = [post for post in rotated if post not in chosen]
        if _needs_holder(key):
            candidates = [post for post in candidates if not post.desk]
        if not candidates:
            candidates = [post for post in template.alternates if not post.desk]
        chosen.append(candidates[0])
    return chosen


def _holder(state: _State, key: str) -> _Holder:
    if key in _PINNED_HOLDERS:
        return _PINNED_HOLDERS[key]
    names = _NAMES[state.family]
    gender = "f" if _crc(key, "gender") % 2 else "m"
    given = _pick(names.given_f if gender == "f" else names.given_m, key, "given")
    family = _pick(names.family, key, "family")
    if names.double_family and _crc(key, "double") % 2:
        second = _pick(names.family, key, "second")
        if second != family:
            family = f"{family} {second}"
    honorifics = names.honorific_f if gender == "f" else names.honorific_m
    return _Holder(_pick(honorifics, key, "honorific"), given, family, gender)


def _host(label: str, code: str) -> str:
    tld = ("org", "org", "org", "net", "com")[_crc(label, code, "tld") % 5]
    return f"{label}.{code.lower()}.example.{tld}"


def _organisation(
    options: tuple[tuple[str, str], ...], ordinal: int, avoid: str = ""
) -> tuple[str, str]:
    for offset in range(len(options)):
        option = options[(ordinal + offset) % len(options)]
        if option[0] != avoid:
            return option
    return options[0]


def _nomination(state: _State, area: str) -> tuple[str, str]:
    seed = _crc(state.code, area, "nomination")
    if seed % 8 == 0:
        return "", ""
    nominated = date(2022, 1, 10) + timedelta(days=seed % 1300)
    reference = _NOMINATION_FORMATS[state.family].format(
        year=nominated.year, number=seed // 7 % 400 + 1
    )
    return reference, nominated.isoformat()


def _channel(kind: str, value: str, label: str, is_24_7: bool = False) -> dict:
    return {"kind": kind, "value": value, "label": label, "is_24_7": is_24_7}


def _contact(
    state: _State,
    country: CountryRef,
    area: str,
    rank: int,
    post: _Post,
    ordinal: int,
    phones: _PhoneBook,
) -> dict:
    key = f"{state.code}-{area}-{rank}"
    template = _TEMPLATES[state.family][area]
    labels = _LABELS[state.family]
    lead = _organisation(template.leads, ordinal)
    organisation, host_label = (
        _organisation(template.partners, ordinal, avoid=lead[0]) if post.partner else lead
    )
    host = _host(host_label, state.code)
    vacant = key == VACANT_KEY
    named = not post.desk and not vacant
    holder = _holder(state, key) if named else _Holder("", "", "", "m")

    # Where the post sits: the capital, or a branch office for partner posts of some areas
    city, zone, street = state.city, country.time_zones[0], state.streets[1 if post.partner else 0]
    branch = _PINNED_PLACES.get(key) or next(
        (branch for branch in state.branches if branch.area == area and post.partner), None
    )
    if branch is not None and (not branch.zone or branch.zone in country.time_zones):
        city, street = branch.city, branch.street
        zone = branch.zone or country.time_zones[0]
    country_name = country.names[_ADDRESS_LANGUAGE[state.family]]

    hours_key = state.office if post.hours == "office" else post.hours
    hours_24_7 = hours_key == "24/7"

    seed = _crc(key, "channels")
    channels: list[dict] = []
    if post.desk:
        if hours_24_7:
            channels.append(_channel("phone", phones.fixed(), labels["duty"], True))
        elif hours_key == "night":
            channels.append(_channel("phone", phones.fixed(), labels["night"]))
        else:
            channels.append(_channel("phone", phones.fixed(), labels["hotline"]))
        if seed % 2:
            channels.append(_channel("phone", phones.fixed(), labels["switchboard"]))
        if hours_24_7 and seed % 3 == 0:
            channels.append(_channel("mobile", phones.mobile(), labels["mobile"], True))
        channels.append(_channel("email", f"{post.mailbox}@{host}", labels["mailbox"]))
    else:
        channels.append(_channel("phone", phones.fixed(), labels["direct"]))
        if named and (area == DR and rank == 1):
            channels.append(_channel("mobile", phones.mobile(), labels["after_hours"], True))
        elif named and seed % 4:
            after_hours = rank == 1 and seed % 3 == 0
            label = labels["after_hours"] if after_hours else labels["mobile"]
            channels.append(_channel("mobile", phones.mobile(), label, after_hours))
        if named:
            local = f"{_ascii(holder.given)[:1]}.{_ascii(holder.family.split(' ')[0])}"
            channels.append(_channel("email", f"{local}@{host}", labels["email"]))
        if vacant or seed % 3 == 0:
            channels.append(_channel("email", f"{post.mailbox}@{host}", labels["mailbox"]))
    if seed % 5 == 0:
        channels.append(_channel("fax", phones.fixed(), labels["fax"]))
    if area == DR and post.desk and hours_24_7:
        if rank == 1 and seed % 3 != 1:
            channels.append(_channel("satellite", phones.mobile(), labels["satellite"], True))
        frequency = _pick(_HF_FREQUENCIES, key, "hf")
        callsign = f"{_CALLSIGNS[state.family]} {state.code}"
        channels.append(
            _channel("radio", f"HF {frequency} MHz, callsign {callsign}", labels["radio"], True)
        )
    if hours_key == "night" and area == TS:
        channels.append(
            _channel("radio", f"VHF marine channel 16, callsign Port Control {city}", labels["vhf"])
        )
    if rank == 1:
        channels.append(_channel("website", f"https://{host}/contact", labels["website"]))

    languages = list(state.languages)
    if state.extra and _crc(key, "languages") % 3 == 0:
        extra = _pick(state.extra, key, "extra")
        if extra not in languages:
            languages.append(extra)

    notes = _pick(_NOTES, key, "notes")
    verified_days_ago: int | None = _crc(key, "verified") % 171
    if key in _STALE:
        verified_days_ago = _STALE[key]
        notes = "Confirmation requests unanswered; the mission in Washington has been asked."
    if key in _NEVER_VERIFIED:
        verified_days_ago = None
        notes = "Nominated recently; the first verification call is pending."
    if vacant:
        notes = "Post vacant since the previous holder retired; calls go to the primary contact."

    reference, nominated_on = _nomination(state, area)
    if key in _NEVER_VERIFIED:
        reference, nominated_on = _RECENT_NOMINATION[state.family], "2025-10-14"
    return {
        "key": key,
        "country": state.code,
        "area": area,
        "rank": rank,
        "organisation": organisation,
        "unit": post.unit,
        "position_title": post.title_for(holder.gender),
        "holder_honorific": holder.honorific,
        "holder_given_name": holder.given,
        "holder_family_name": holder.family,
        "is_vacant": vacant,
        "channels": channels,
        "languages": languages,
        "time_zone": zone,
        "hours_24_7": hours_24_7,
        "hours": [dict(window, days=list(window["days"])) for window in _HOURS[hours_key]],
        "postal_address": f"{street}\n{country_name}",
        "city": city,
        "notes": notes,
        "nomination_reference": reference,
        "nominated_on": nominated_on,
        "verified_days_ago": verified_days_ago,
    }


def demo_contacts() -> list[dict]:
    """The demo directory: every state's contacts for every area, primaries first.

    Ordered by state (in the order of ``_STATES``), then area, then rank.
    """
    contacts: list[dict] = []
    ordinals: dict[str, int] = {}
    for state in _STATES:
        country = COUNTRY_BY_CODE[state.code]
        phones = _PhoneBook(country.phone_region)
        ordinal = ordinals.get(state.family, 0)
        ordinals[state.family] = ordinal + 1
        for area_index, area in enumerate(ref.slug for ref in AREAS):
            count = _rank_count(state, area)
            for rank, post in enumerate(_posts(state, area, count), start=1):
                contacts.append(
                    _contact(state, country, area, rank, post, ordinal + area_index, phones)
                )
    return contacts
