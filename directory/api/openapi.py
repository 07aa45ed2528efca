"""The JSON API described in OpenAPI 3.1. A test checks that every route is here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..schemas.contact import CHANNEL_SPECS, RECORDED, SPECS
from ..schemas.fields import Kind, Spec, openapi_property

ERROR = {"$ref": "#/components/schemas/Error"}
CONTACT = {"$ref": "#/components/schemas/Contact"}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = {"application/json": {"schema": schema}}
    return answer


def _errors(*statuses: int) -> dict[str, Any]:
    meaning = {
        401: "Not signed in and no valid token.",
        403: "Your role may not do this (an editor writes only their own state).",
        404: "No such contact, state or area.",
        409: "The contact changed since you read it; the ETag header has its version.",
        422: "Some fields are not valid: `fields` says which and why.",
        428: "The If-Match header is missing.",
        429: "Too many requests from this token; see Retry-After.",
    }
    return {str(status): _answer(meaning[status], ERROR) for status in statuses}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


PAGE = _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1})
PER_PAGE = _query(
    "per_page", "Results per page (at most 100).", {"type": "integer", "minimum": 1, "maximum": 100}
)
COUNTRY = _query("country", "ISO 3166-1 alpha-2 code of a member state.", {"type": "string"})
AREA = _query(
    "area",
    "Mandate area slug.",
    {
        "type": "string",
        "enum": [
            "disaster-response",
            "environmental-security",
            "transportation-security",
            "critical-infrastructure",
        ],
    },
)
PUBLIC_ID = {
    "name": "public_id",
    "in": "path",
    "required": True,
    "description": "The contact's stable public id.",
    "schema": {"type": "string", "pattern": "^[23456789a-hjkmnp-z]{12}$"},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": 'The version read from the ETag, as in `"3"`.',
    "schema": {"type": "string"},
}

CHANNEL_PROPERTIES = {spec.name: openapi_property(spec, {}) for spec in CHANNEL_SPECS}
CHANNEL_PROPERTIES["value"]["description"] = "Phones are answered in E.164."
CHANNEL: dict[str, Any] = {
    "type": "object",
    "required": [spec.name for spec in CHANNEL_SPECS if spec.required],
    "properties": CHANNEL_PROPERTIES,
}
WINDOW = {
    "type": "object",
    "properties": {
        "days": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6}},
        "opens": {"type": "string", "pattern": "^\\d{2}:\\d{2}$"},
        "closes": {"type": "string", "pattern": "^\\d{2}:\\d{2}$"},
    },
}
ITEMS: dict[Kind, dict[str, Any]] = {
    Kind.CHANNELS: CHANNEL,
    Kind.HOURS: WINDOW,
    Kind.LANGUAGES: {"type": "string", "pattern": "^[a-z]{2}$"},
}


def properties(specs: Iterable[Spec]) -> dict[str, Any]:
    """The OpenAPI properties of the schema's fields that the API carries."""
    return {spec.name: openapi_property(spec, ITEMS) for spec in specs if spec.in_api}


WRITABLE = properties(SPECS)


def openapi_document(server_url: str) -> dict[str, Any]:
    list_of_contacts = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": CONTACT},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hemispheric Points-of-Contact Directory API",
            "version": "1",
            "description": (
                "The national points of contact of the OAS member states for disaster "
                "response, environmental security, transportation security and critical "
                "infrastructure protection. Every call needs a signed-in session or a token "
                "(`Authorization: Bearer poc_...`). Each token may make a limited number of "
                "requests a minute (headers `X-RateLimit-Limit`, `X-RateLimit-Remaining`). "
                'Errors have one shape: `{"error": {"status", "message", "fields"}}`.'
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/contacts": {
                "get": {
                    "operationId": "listContacts",
                    "summary": "Active contacts in calling order, a page at a time",
                    "parameters": [COUNTRY, AREA, PAGE, PER_PAGE],
                    "responses": {
                        "200": _answer(
                            "A page of contacts; a Link header points to the next and previous.",
                            list_of_contacts,
                        ),
                        **_errors(401, 404, 429),
                    },
                },
                "post": {
                    "operationId": "createContact",
                    "summary": "Create a contact (admins, and editors for their own state)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ContactInput"}
                            }
                        },
                    },
                    "responses": {
                        "201": _answer("Created; Location and ETag headers.", CONTACT),
                        **_errors(401, 403, 404, 422, 429),
                    },
                },
            },
            "/contacts/{public_id}": {
                "parameters": [PUBLIC_ID],
                "get": {
                    "operationId": "getContact",
                    "summary": "One contact, its version in the ETag header",
                    "responses": {
                        "200": _answer("The contact.", CONTACT),
                        "304": _answer("Not modified since the If-None-Match version."),
                        **_errors(401, 404, 429),
                    },
                },
                "patch": {
                    "operationId": "updateContact",
                    "summary": "Change the fields sent",
                    "parameters": [IF_MATCH],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ContactInput"}
                            }
                        },
                    },
                    "responses": {
                        "200": _answer("The contact as saved; the new version in ETag.", CONTACT),
                        **_errors(401, 403, 404, 409, 422, 428, 429),
                    },
                },
                "delete": {
                    "operationId": "archiveContact",
                    "summary": "Archive the contact (it stays in the history)",
                    "parameters": [IF_MATCH],
                    "responses": {
                        "200": _answer("The archived contact.", CONTACT),
                        **_errors(401, 403, 404, 409, 428, 429),
                    },
                },
            },
            "/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search in four languages, with filters and counts",
                    "parameters": [
                        _query(
                            "q", "What to look for (at most 200 characters).", {"type": "string"}
                        ),
                        COUNTRY,
                        AREA,
                        _query(
                            "language", "ISO 639-1 code of a language spoken.", {"type": "string"}
                        ),
                        _query("only_24_7", "Only contacts with a 24/7 line.", {"type": "boolean"}),
                        _query("reachable_now", "Only contacts open now.", {"type": "boolean"}),
                        PAGE,
                        PER_PAGE,
                    ],
                    "responses": {
                        "200": _answer(
                            "Matching contacts, highlighted fields, counts per filter value.",
                            {"$ref": "#/components/schemas/SearchResults"},
                        ),
                        **_errors(401, 429),
                    },
                },
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": _answer("OpenAPI 3.1", {"type": "object"})},
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from your account page or `flask users token`.",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "A signed-in browser; writes also need the X-CSRFToken header.",
                },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                    },
                                },
                            },
                        }
                    },
                },
                "ContactInput": {"type": "object", "properties": WRITABLE},
                "Contact": {
                    "type": "object",
                    "properties": {
                        **properties(RECORDED),
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "SearchResults": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "filters": {"type": "object"},
                        "words": {"type": "array", "items": {"type": "string"}},
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "message": {"type": ["string", "null"]},
                        "degraded": {"type": "boolean"},
                        "facets": {"type": "object"},
                        "results": {"type": "array", "items": CONTACT},
                    },
                },
            },
        },
    }
