"""The JSON twin of the proposal form: ``POST /api/contributions`` (a new card or a correction),
``GET /api/contributions/{n}`` (a proposal's public view), ``POST .../{n}/revisions`` (a new
version, with the follow token) and ``GET /api/contributions/choices`` (what each field may take).

Same desk, same checks, same words as the form (:mod:`labgraph.web.contribute`): a refused
proposal is a 422 whose ``problems`` name the field and the rule, in French and English. No
CSRF token here: a JSON body cannot be sent by a cross-site form, and the API takes no cookie.
IRIs are in the served base, both ways.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from labgraph.contributions.base import Contributor, ProposalView, Submission
from labgraph.errors import FieldProblem, InvalidProposal, NotAuthorised, ProposalTooLarge, ProtocolError
from labgraph.web.context import reader_language, site
from labgraph.web.contribute import FORM_OVERHEAD, LIST_FIELDS, RELATIONS, desk, served_fields, to_authoring, to_served
from labgraph.web.errors import TITLES

bp = Blueprint("contributions_api", __name__, url_prefix="/api")

API_KEYS = frozenset(("kind", "card_type", "target", "fields", "contributor"))
CONTRIBUTOR_KEYS = frozenset(("name", "email", "relation", "named"))


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _authoring_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: [to_authoring(v) if isinstance(v, str) else v for v in vals]
            if k in LIST_FIELDS and isinstance(vals, list) else vals for k, vals in fields.items()}



def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise ProtocolError(415, "send the proposal as JSON (Content-Type: application/json)")
    max_bytes = site().settings.contribution_max_bytes + FORM_OVERHEAD
    if (request.content_length or 0) > max_bytes:
        raise ProposalTooLarge(
            f"the proposal is larger than {site().settings.contribution_max_bytes} bytes (contribution_max_bytes)"
        )
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ProtocolError(400, "the body is not a JSON object")
    return body


def _problem(field: str, rule: str, fr: str, en: str) -> FieldProblem:
    return FieldProblem(field, rule, {"fr": fr, "en": en})


def _api_contributor(value: object) -> tuple[Contributor, list[FieldProblem]]:
    if value is None:
        return Contributor(relation="other"), []
    if not isinstance(value, dict):
        return Contributor(), [_problem("contributor", "type", "Un objet est attendu.", "An object is expected.")]
    problems = [_problem(f"contributor.{k}", "unknown-field", f"Champ inconnu : « {k} ».", f"Unknown field: {k}.")
                for k in value if k not in CONTRIBUTOR_KEYS]
    text = {k: value.get(k, "") for k in ("name", "email", "relation")}
    for k, v in text.items():
        if not isinstance(v, str):
            problems.append(_problem(f"contributor.{k}", "type", "Un texte est attendu.", "A text is expected."))
    relation = text["relation"] or "other"
    if isinstance(relation, str) and relation not in RELATIONS:
        problems.append(_problem("contributor.relation", "unknown-value", "Relation : member, network ou other.",
                                 "Relation: member, network or other."))
    if not isinstance(value.get("named", False), bool):
        problems.append(_problem("contributor.named", "type", "Vrai ou faux est attendu.",
                                 "true or false is expected."))
    if problems:
        return Contributor(), problems
    return Contributor(str(text["name"]).strip(), str(text["email"]).strip(), str(relation),
                       bool(value.get("named", False))), []


def _invalid(exc: InvalidProposal) -> Response:
    """422 with every problem, field by field, in both languages (the reader's first in message)."""
    lang = reader_language()
    body = {
        "error": {"status": 422, "title": TITLES[422], "message": str(exc), "setting": None},
        "problems": [{"field": p.field, "rule": p.rule, "message": p.message, "text": p.message.get(lang)}
                     for p in exc.problems],
    }
    response = jsonify(body)
    response.status_code = 422
    return response


def _proposal_json(view: ProposalView) -> dict[str, Any]:
    return {
        "number": view.number,
        "kind": view.kind,
        "card_type": view.card_type,
        "target": to_served(view.target) if view.target else None,
        "state": view.state,
        "created_at": view.created_at,
        "version": view.version,
        "fields": served_fields(view.payload),
        "release": view.release,
        "history": [{"action": e.action, "at": e.at, "actor": e.actor, "detail": e.detail} for e in view.events],
        "url": url_for("contribute.proposal_page", number=view.number, _external=True),
    }


@bp.route("/contributions", methods=["POST"])
def submit_json() -> Response:
    proposals = desk()
    body = _json_body()
    problems = [_problem(k, "unknown-field", f"Champ inconnu : « {k} ».", f"Unknown field: {k}.")
                for k in body if k not in API_KEYS]
    contributor, more = _api_contributor(body.get("contributor"))
    problems += more
    fields = body.get("fields", {})
    if problems:
        return _invalid(InvalidProposal(problems))
    target = body.get("target")
    submission = Submission(
        str(body.get("kind", "")), str(body.get("card_type", "")),
        to_authoring(target) if isinstance(target, str) and target else None,
        _authoring_fields(fields) if isinstance(fields, dict) else fields,
        contributor, request.remote_addr or "",
    )
    try:
        receipt = proposals.submit(submission)
    except InvalidProposal as exc:
        return _invalid(exc)
    response = jsonify({
        "number": receipt.number,
        "state": receipt.state,
        "follow_token": receipt.follow_token,
        "url": url_for("contribute.proposal_page", number=receipt.number, _external=True),
        "api": url_for("contributions_api.proposal_json", number=receipt.number, _external=True),
    })
    response.status_code = 201
    response.headers["Location"] = url_for("contributions_api.proposal_json", number=receipt.number)
    return response


@bp.route("/contributions/<int:number>")
def proposal_json(number: int) -> Response:
    return jsonify(_proposal_json(desk().proposal(number)))


@bp.route("/contributions/<int:number>/revisions", methods=["POST"])
def revise_json(number: int) -> Response:
    proposals = desk()
    body = _json_body()
    unknown = [k for k in body if k not in ("follow_token", "fields")]
    if unknown:
        return _invalid(InvalidProposal([_problem(k, "unknown-field", f"Champ inconnu : « {k} ».",
                                                  f"Unknown field: {k}.") for k in unknown]))
    token = body.get("follow_token")
    if not isinstance(token, str) or not token:
        raise NotAuthorised("a revision needs the proposal's follow_token")
    fields = body.get("fields", {})
    try:
        proposals.revise(number, token, _authoring_fields(fields) if isinstance(fields, dict) else fields,
                    request.remote_addr or "")
    except InvalidProposal as exc:
        return _invalid(exc)
    response = jsonify(_proposal_json(proposals.proposal(number)))
    response.status_code = 201
    return response


@bp.route("/contributions/choices")
def choices_json() -> Response:
    """The values each field may take, in the served base, with their labels."""
    return jsonify({name: [{"iri": to_served(c["iri"]), "label": c["label"]} for c in values]
                    for name, values in desk().choices().items()})


def openapi_paths() -> dict[str, Any]:
    """The contributions' paths, for the API's OpenAPI document (only when contributions are on)."""
    json_of = lambda schema: {"application/json": {"schema": schema}}  # noqa: E731
    iris = {"type": "array", "items": {"type": "string", "format": "uri"}}
    texts = {"type": "object", "properties": {"fr": {"type": "string"}, "en": {"type": "string"}}}
    fields = {
        "type": "object",
        "description": "The card's fields, only those proposed. IRIs are values of GET /api/contributions/choices.",
        "properties": {
            "label": texts, "description": texts,
            **{name: iris for name in LIST_FIELDS},
            "dedicatedPlace": {"type": "string", "enum": ["yes", "no"]},
            "website": {"type": "string", "format": "uri"},
            "foundingDate": {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
            "comment": {"type": "string", "description": "To the curators; never published."},
        },
        "additionalProperties": False,
    }
    proposal = {
        "type": "object",
        "required": ["kind", "card_type", "fields"],
        "properties": {
            "kind": {"type": "string", "enum": ["new", "correction"]},
            "card_type": {"type": "string", "enum": ["lab", "network", "programme"]},
            "target": {"type": "string", "format": "uri", "description": "The card corrected (its /id/ IRI)."},
            "fields": fields,
            "contributor": {
                "type": "object",
                "description": "Private: never published nor served.",
                "properties": {
                    "name": {"type": "string"}, "email": {"type": "string"},
                    "relation": {"type": "string", "enum": list(RELATIONS)},
                    "named": {"type": "boolean", "description": "Publish the name in the provenance."},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }
    problems = json_of({
        "type": "object",
        "properties": {
            "error": {"$ref": "#/components/schemas/Error"},
            "problems": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "rule": {"type": "string"}, "message": texts, "text": {"type": "string"},
            }}},
        },
    })
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    view = json_of({"type": "object", "properties": {
        "number": {"type": "integer"}, "state": {"type": "string"}, "fields": fields,
        "history": {"type": "array", "items": {"type": "object"}}}})
    receipt = json_of({"type": "object", "properties": {
        "number": {"type": "integer"}, "state": {"type": "string"}, "follow_token": {"type": "string"},
        "url": {"type": "string"}, "api": {"type": "string"}}})
    refused = {
        "413": {"description": "Larger than contribution_max_bytes"},
        "415": {"description": "The body is not JSON"},
        "422": {"description": "Refused: every problem, field by field, with its rule", "content": problems},
        "429": {"description": "Over contributions_per_hour from this address; see Retry-After"},
    }
    return {
        "/api/contributions": {"post": {
            "operationId": "proposeContribution",
            "summary": "Propose a new card or a correction to one",
            "description": "Checked at once with the build's rules and SHACL shapes, then stored as pending "
            "for a curator's review. The answer's follow_token (shown once) lets the contributor revise it.",
            "tags": ["contributions"],
            "requestBody": {"required": True, "content": json_of(proposal)},
            "responses": {"201": {"description": "Stored as pending", "content": receipt}, **refused},
        }},
        "/api/contributions/choices": {"get": {
            "operationId": "contributionChoices",
            "summary": "The values each field of a proposal may take, with their labels",
            "tags": ["contributions"],
            "responses": {"200": {"description": "Per field, [{iri, label: {fr, en}}]", "content": json_of(
                {"type": "object"})}},
        }},
        "/api/contributions/{number}": {"get": {
            "operationId": "getContribution",
            "summary": "A proposal's state, fields and history, without private data",
            "tags": ["contributions"],
            "parameters": [number],
            "responses": {"200": {"description": "The proposal", "content": view},
                          "404": {"description": "No proposal has this number"}},
        }},
        "/api/contributions/{number}/revisions": {"post": {
            "operationId": "reviseContribution",
            "summary": "A new version of a pending proposal, or one a curator asked to change",
            "tags": ["contributions"],
            "parameters": [number],
            "requestBody": {"required": True, "content": json_of({
                "type": "object", "required": ["follow_token", "fields"],
                "properties": {"follow_token": {"type": "string"}, "fields": fields}})},
            "responses": {"201": {"description": "The proposal, revised", "content": view},
                          "403": {"description": "Not this proposal's follow token"},
                          "409": {"description": "The proposal was decided: it can no longer be revised"}, **refused},
        }},
    }
