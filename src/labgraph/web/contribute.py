"""The contributors' side of collective updates (issue #17): the proposal form ``/contribute``,
its JSON twin ``/api/contributions``, and a proposal's public page ``/contributions/{n}``.

Everything goes through the proposal desk (``contributions.base.ProposalDesk``), which checks a
proposal with the build's rules and shapes and stores it; this module only turns a form or a JSON
body into a :class:`~labgraph.contributions.base.Submission` and an answer back. The form works
without JavaScript, is protected by a signed CSRF token spent once, and carries a honeypot field.
Nothing here is cached: a form holds a fresh token, and a proposal's page follows its state.

Payloads name IRIs in the authoring base, as the data files do; readers see the served base,
so IRIs are converted at this boundary (:func:`to_authoring`, :func:`to_served`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from labgraph.cards.fields import SPECS, STATUS_TEXT
from labgraph.contributions.base import (
    CARD_TYPES,
    REVISABLE,
    Contributor,
    Desks,
    ProposalDesk,
    ProposalView,
    Submission,
)
from labgraph.errors import ContributionConflict, FieldProblem, InvalidProposal, NotAuthorised, ProposalTooLarge
from labgraph.uris import AUTHORING_BASE
from labgraph.web import csrf
from labgraph.web.context import chosen_language, desks, reader_language, site
from labgraph.web.labs import card_index

bp = Blueprint("contribute", __name__)

#: The card's list fields, in the card's order, and how the form offers their values: a small
#: controlled vocabulary as checkboxes, a long list (organisations, territories) as a select.
CHECKBOXES = ("kind", "innovationKinds", "services", "methods", "themes", "audiences", "maturity")
SELECTS = ("host", "ministry", "territory", "networks", "members")
LIST_FIELDS = tuple(name for name in SPECS if name in CHECKBOXES + SELECTS)
TEXTS = ("label", "description")
LANGS = ("fr", "en")
RELATIONS = ("member", "network", "other")
#: The anti-spam field: hidden from people by the stylesheet, left empty by them, filled by bots.
HONEYPOT = "homepage"
#: Room in a form's body beyond the proposal itself: names, token, contributor, form-encoding.
FORM_OVERHEAD = 16384
CARD_TYPE_OF_CLASS = {"lg:Lab": "lab", "lg:Network": "network", "lg:Programme": "programme"}

WORDS: dict[str, dict[str, str]] = {
    "label": {"fr": "Nom", "en": "Name"},
    "description": {"fr": "Description", "en": "Description"},
    "website": {"fr": "Site web", "en": "Website"},
    "foundingDate": {"fr": "Date de création", "en": "Founding date"},
    "comment": {"fr": "Message aux curateurs (jamais publié)", "en": "Message to the curators (never published)"},
    "card_type": {"fr": "Type de fiche", "en": "Kind of card"},
    "target": {"fr": "Fiche corrigée", "en": "Card corrected"},
    "fields": {"fr": "Champs", "en": "Fields"},
    "kind_of_proposal": {"fr": "Proposition", "en": "Proposal"},
    "lab": {"fr": "Laboratoire, incubateur, lieu", "en": "Lab, incubator, place"},
    "network": {"fr": "Réseau ou communauté", "en": "Network or community"},
    "programme": {"fr": "Programme", "en": "Programme"},
    "pending": {"fr": "en attente de relecture", "en": "waiting for review"},
    "changes-requested": {"fr": "modifications demandées", "en": "changes requested"},
    "rejected": {"fr": "refusée", "en": "rejected"},
    "accepting": {"fr": "en cours de publication", "en": "being published"},
    "accepted": {"fr": "acceptée et publiée", "en": "accepted and published"},
    "proposed": {"fr": "proposée", "en": "proposed"},
    "revised": {"fr": "révisée", "en": "revised"},
    "build-failed": {"fr": "la construction du graphe a échoué", "en": "the graph's build failed"},
    "applied": {"fr": "publiée", "en": "published"},
    "contributor": {"fr": "contributeur ou contributrice", "en": "contributor"},
}


def word(key: str, lang: str) -> str:
    return WORDS.get(key, {}).get(lang) or (SPECS[key].label[lang] if key in SPECS else key)


def desk() -> ProposalDesk:
    found: Desks | None = desks()
    if found is None or found.proposals is None:
        abort(404)
    return found.proposals


def _secret() -> bytes:
    found = desks()
    assert found is not None  # desk() ran first
    return found.secret


@bp.after_request
def never_cached(response: Response) -> Response:
    """A form holds a token made for one sending; a proposal's page follows its state."""
    response.headers["Cache-Control"] = "no-store"
    return response


# ----------------------------------------------------------------------------- base conversion


def to_authoring(iri: str) -> str:
    base = site().settings.base_uri
    return AUTHORING_BASE + iri[len(base) :] if iri.startswith(base) else iri


def to_served(iri: str) -> str:
    base = site().settings.base_uri
    return base + iri[len(AUTHORING_BASE) :] if iri.startswith(AUTHORING_BASE) else iri


def served_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: [to_served(v) for v in vals] if k in LIST_FIELDS and isinstance(vals, list) else vals
            for k, vals in fields.items()}


# ----------------------------------------------------------------------------- the form


def _prefill(target: str) -> tuple[str, dict[str, Any]]:
    """The card type and fields of the card at ``target`` (served base), as the form holds them:
    a correction starts from what the card says, and sends only what the contributor changed."""
    card = card_index().by_iri.get(target)
    if card is None:
        abort(404, f"no card at {target}")
    fields: dict[str, Any] = {"label": {lang: card.labels[lang] for lang in LANGS if lang in card.labels}}
    for name, field in card.fields.items():
        if name in LIST_FIELDS:
            fields[name] = [to_authoring(v.value) for v in field.values if v.iri]
        elif name == "dedicatedPlace" and field.status in ("stated", "no"):
            fields[name] = "yes" if field.status == "stated" else "no"
    return CARD_TYPE_OF_CLASS.get(card.cls, card.type), {k: v for k, v in fields.items() if v}


def _options(choices: dict[str, list[dict[str, Any]]], name: str, lang: str) -> list[tuple[str, str]]:
    """(IRI, label) pairs sorted by label: a reader looks for a name, not an address."""
    out = []
    for choice in choices.get(name, []):
        labels = choice["label"]
        out.append((choice["iri"], labels.get(lang) or labels.get("fr") or next(iter(labels.values()), choice["iri"])))
    return sorted(out, key=lambda pair: (pair[1].casefold(), pair[0]))


def _applies_text(name: str, lang: str) -> str | None:
    spec = SPECS.get(name)
    if spec is None or len(spec.applies) == len(CARD_TYPES):
        return None
    kinds = [word(CARD_TYPE_OF_CLASS[c], lang) for c in sorted(spec.applies)]
    return ("seulement : " if lang == "fr" else "only: ") + ", ".join(kinds)


def _render_form(
    lang: str,
    *,
    card_type: str,
    values: dict[str, Any],
    target: str | None = None,
    contributor: Contributor | None = None,
    problems: list[FieldProblem] | None = None,
    status: int = 200,
    revise: int | None = None,
) -> Response:
    proposals = desk()
    choices = proposals.choices()
    problems = problems or []
    errors: dict[str, list[str]] = {}
    for problem in problems:
        text = problem.message.get(lang) or problem.message.get("fr", problem.rule)
        errors.setdefault(problem.field, []).append(text)
    body = render_template(
        "contribute.html",
        lang=lang,
        word=word,
        card_type=card_type,
        card_types=CARD_TYPES,
        values=values,
        target=target,
        target_label=site().label(target, lang) if target else None,
        target_href=site().href(target) if target else None,
        revise=revise,
        contributor=contributor or Contributor(),
        relations=RELATIONS,
        checkboxes=CHECKBOXES,
        list_fields=LIST_FIELDS,
        options={name: _options(choices, name, lang) for name in LIST_FIELDS},
        applies={name: _applies_text(name, lang) for name in (*LIST_FIELDS, "dedicatedPlace")},
        status_text=STATUS_TEXT,
        errors=errors,
        problems=problems,
        token=csrf.issue(_secret(), "contribute"),
        csrf_field=csrf.FIELD,
        honeypot=HONEYPOT,
    )
    return Response(body, status, content_type="text/html; charset=utf-8")


@bp.route("/contribute", methods=["GET"])
def form() -> Response:
    """A new structure, or with ``?target=IRI`` a correction of that card (the card's link)."""
    desk()
    lang = reader_language()
    target = request.args.get("target") or None
    if target:
        card_type, values = _prefill(target)
        return _render_form(lang, card_type=card_type, values=values, target=target)
    asked = request.args.get("type", "")
    return _render_form(lang, card_type=asked if asked in CARD_TYPES else "lab", values={})


def _form_fields() -> dict[str, Any]:
    """The proposal as the form states it: only what is filled in (a correction then keeps what
    differs from the card). IRIs stay in the authoring base, the form's option values."""
    form_data = request.form
    fields: dict[str, Any] = {}
    for name in TEXTS:
        texts = {lang: form_data.get(f"{name}_{lang}", "").strip() for lang in LANGS}
        if any(texts.values()):
            fields[name] = {lang: text for lang, text in texts.items() if text}
    for name in LIST_FIELDS:
        picked = [v for v in dict.fromkeys(form_data.getlist(name)) if v]
        if picked:
            fields[name] = picked
    for name in ("dedicatedPlace", "website", "foundingDate", "comment"):
        value = form_data.get(name, "").strip()
        if value:
            fields[name] = value
    return fields


def _changed(fields: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """What a correction changes: the fields whose values differ from the card's."""
    def same(a: Any, b: Any) -> bool:
        return sorted(a) == sorted(b) if isinstance(a, list) and isinstance(b, list) else a == b

    return {k: v for k, v in fields.items() if k == "comment" or not same(v, before.get(k))}


def _form_contributor() -> Contributor:
    form_data = request.form
    relation = form_data.get("relation", "")
    return Contributor(
        name=form_data.get("name", "").strip(),
        email=form_data.get("email", "").strip(),
        relation=relation if relation in RELATIONS else "other",
        named=form_data.get("named") == "yes",
    )


def _guard_form(max_bytes: int) -> None:
    """Before the body is read: its size, then the CSRF token (spent once), then the honeypot."""
    if (request.content_length or 0) > max_bytes + FORM_OVERHEAD:
        raise ProposalTooLarge(f"the proposal is larger than {max_bytes} bytes (contribution_max_bytes)")
    token_id = csrf.verify(_secret(), request.form.get(csrf.FIELD), "contribute")
    desk().spend_form_token(token_id)
    if request.form.get(HONEYPOT, "").strip():
        raise NotAuthorised("a field meant to stay empty was filled in (an anti-spam check): leave it empty")


@bp.route("/contribute", methods=["POST"])
def submit_form() -> WerkzeugResponse:
    proposals = desk()
    settings = site().settings
    lang = reader_language()
    _guard_form(settings.contribution_max_bytes)
    if request.form.get("revise", "").isdigit():
        return _submit_revision(int(request.form["revise"]), lang)
    target = request.form.get("target") or None
    card_type = request.form.get("card_type", "")
    fields = _form_fields()
    if target:
        prefilled_type, before = _prefill(target)
        card_type = prefilled_type
        fields = _changed(fields, before)
    contributor = _form_contributor()
    submission = Submission(
        "correction" if target else "new", card_type, to_authoring(target) if target else None, fields,
        contributor, request.remote_addr or "",
    )
    try:
        receipt = proposals.submit(submission)
    except InvalidProposal as exc:
        shown = {**(before if target else {}), **fields}
        return _render_form(lang, card_type=card_type, values=shown, target=target, contributor=contributor,
                            problems=exc.problems, status=422)
    body = render_template(
        "contribution_receipt.html", lang=lang, word=word, receipt=receipt,
        page=url_for("contribute.proposal_page", number=receipt.number, _external=True),
        api=url_for("contributions_api.proposal_json", number=receipt.number, _external=True),
    )
    response = Response(body, 201, content_type="text/html; charset=utf-8")
    response.headers["Location"] = url_for("contribute.proposal_page", number=receipt.number)
    return response


# ----------------------------------------------------------------------------- revising


def _proposal_and_card(number: int) -> tuple[ProposalView, str | None, dict[str, Any]]:
    """The proposal ``number`` while it may be revised, its target (served base) and, for a
    correction, the card's current fields; kind, type and target are the stored ones, never
    what a form posts."""
    view = desk().proposal(number)
    if view.state not in REVISABLE:
        raise ContributionConflict(f"proposal {number} is {view.state}: it can no longer be revised")
    target = to_served(view.target) if view.target else None
    return view, target, _prefill(target)[1] if target else {}


@bp.route("/contributions/<int:number>/revise", methods=["GET"])
def revise_form(number: int) -> Response:
    """The proposal's form again, to answer a curator's request for changes (or to amend it
    while it waits): the card with the proposed changes over it, as the contributor sent it.
    Sending it needs the follow token given at the first submission."""
    view, target, card = _proposal_and_card(number)
    return _render_form(reader_language(), card_type=view.card_type, values={**card, **view.payload},
                        target=target, revise=number)


def _submit_revision(number: int, lang: str) -> WerkzeugResponse:
    view, target, card = _proposal_and_card(number)
    fields = _changed(_form_fields(), card) if target else _form_fields()
    try:
        desk().revise(number, request.form.get("follow_token", "").strip(), fields, request.remote_addr or "")
    except (InvalidProposal, NotAuthorised) as exc:
        problems = exc.problems if isinstance(exc, InvalidProposal) else [FieldProblem(
            "follow_token", "not-authorised",
            {"fr": "Ce code de suivi n’est pas celui de la proposition.",
             "en": "This follow token is not the proposal’s."})]
        return _render_form(lang, card_type=view.card_type, values={**card, **fields}, target=target,
                            problems=problems, status=422 if isinstance(exc, InvalidProposal) else 403,
                            revise=number)
    return redirect(url_for("contribute.proposal_page", number=number, lang=chosen_language()), 303)


# ----------------------------------------------------------------------------- a proposal's page


@bp.route("/contributions/<int:number>")
def proposal_page(number: int) -> Response:
    proposals = desk()
    lang = reader_language()
    view = proposals.proposal(number)
    fields = served_fields(view.payload)
    iris = sorted({v for k, vals in fields.items() if k in LIST_FIELDS for v in vals}
                  | ({to_served(view.target)} if view.target else set()))
    labels = site().labels_of(iris)
    labels.update({to_served(c["iri"]): c["label"] for vals in proposals.choices().values() for c in vals})
    rows = []
    for name in (*TEXTS, *LIST_FIELDS, "dedicatedPlace", "website", "foundingDate"):
        if name not in fields:
            continue
        value = fields[name]
        shown: list[tuple[str, str | None]]
        if name in TEXTS:
            shown = [(f"{text} ({text_lang})", None) for text_lang, text in value.items()]
        elif name in LIST_FIELDS:
            shown = [(site().label(iri, lang, labels), site().href(iri) or None) for iri in value]
        elif name == "dedicatedPlace":
            shown = [(STATUS_TEXT.get(value, {}).get(lang, value), None)]
        else:
            shown = [(value, None)]
        rows.append((word(name, lang), shown))
    target = to_served(view.target) if view.target else None
    body = render_template(
        "contribution.html", lang=lang, word=word, view=view, rows=rows, revisable=view.state in REVISABLE,
        target=target, target_label=site().label(target, lang, labels) if target else None,
        target_href=site().href(target) if target else None,
        api=url_for("contributions_api.proposal_json", number=number),
    )
    response = Response(body, content_type="text/html; charset=utf-8")
    api = url_for("contributions_api.proposal_json", number=number)
    response.headers["Link"] = f'<{api}>; rel="alternate"; type="application/json"'
    return response
