"""The curators' side of collective updates (issue #17): ``/review``, its sign-in, a proposal's
review page and the three decisions.

A curator's session is a cookie holding a token the review desk minted at sign-in (never one the
browser brought: no session fixation), HttpOnly and SameSite=Strict, and under https ``Secure``
with the ``__Host-`` prefix (no Domain, Path=/, so no other site or path may set or read it).
Every form carries a CSRF token: the sign-in's is scoped to the sign-in form; a decision's to
the session, the action, the proposal and its last event, so a token lifted from one page can
neither act on another proposal nor decide twice. Nothing here is cached or indexed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from labgraph.cards.fields import STATUS_TEXT
from labgraph.contributions.base import Desks, ReviewDesk
from labgraph.errors import InvalidProposal, NotAuthorised
from labgraph.web import csrf
from labgraph.web.context import desks, reader_language, site
from labgraph.web.contribute import LIST_FIELDS, TEXTS, to_served, word

bp = Blueprint("review", __name__, url_prefix="/review")

COOKIE = "labgraph_curator"
ACTIONS = ("accept", "reject", "request-changes")


def _desks() -> tuple[ReviewDesk, bytes]:
    found: Desks | None = desks()
    if found is None or found.review is None:
        abort(404)
    return found.review, found.secret


def _cookie_name() -> str:
    return "__Host-" + COOKIE if request.is_secure else COOKIE


def _curator() -> tuple[str, str] | None:
    """The signed-in curator and their session token, or None."""
    desk, _ = _desks()
    token = request.cookies.get(_cookie_name(), "")
    curator = desk.session(token) if token else None
    return (curator, token) if curator else None


@bp.after_request
def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.vary.add("Cookie")
    return response


def _page(template: str, status: int = 200, **context: Any) -> Response:
    body = render_template(template, lang=reader_language(), word=word, **context)
    return Response(body, status, content_type="text/html; charset=utf-8")


def _sign_in_page(status: int = 200, error: str | None = None) -> Response:
    _, secret = _desks()
    return _page("review_sign_in.html", status, token=csrf.issue(secret, "sign-in"), csrf_field=csrf.FIELD,
                 error=error)


@bp.route("", methods=["GET"])
def queue() -> Response:
    desk, secret = _desks()
    who = _curator()
    if who is None:
        return _sign_in_page()
    curator, token = who
    return _page("review_queue.html", curator=curator, proposals=desk.pending(),
                 sign_out_token=csrf.issue(secret, csrf.session_scope(token, "sign-out")), csrf_field=csrf.FIELD)


@bp.route("/sign-in", methods=["POST"])
def sign_in() -> Response:
    desk, secret = _desks()
    csrf.verify(secret, request.form.get(csrf.FIELD), "sign-in")  # no login CSRF
    try:
        token = desk.sign_in(request.form.get("name", "").strip(), request.form.get("password", ""),
                             request.remote_addr or "")
    except NotAuthorised as exc:
        return _sign_in_page(403, str(exc))
    brought = request.cookies.get(_cookie_name())
    if brought:
        desk.sign_out(brought)  # whatever session the browser held ends here
    response = redirect(url_for("review.queue"), 303)
    hours = site().settings.curator_session_hours
    response.set_cookie(_cookie_name(), token, max_age=int(hours * 3600), path="/", secure=request.is_secure,
                        httponly=True, samesite="Strict")
    return response  # type: ignore[return-value]


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    desk, secret = _desks()
    who = _curator()
    if who is not None:
        csrf.verify(secret, request.form.get(csrf.FIELD), csrf.session_scope(who[1], "sign-out"))
        desk.sign_out(who[1])
    response = redirect(url_for("review.queue"), 303)
    response.delete_cookie(_cookie_name(), path="/", secure=request.is_secure, httponly=True, samesite="Strict")
    return response  # type: ignore[return-value]


def _signed_in() -> tuple[str, str]:
    who = _curator()
    if who is None:
        raise NotAuthorised("sign in as a curator first (at /review)")
    return who


@bp.route("/<int:number>", methods=["GET"])
def proposal(number: int) -> Response:
    desk, secret = _desks()
    who = _curator()
    if who is None:
        return _sign_in_page(403, "sign in as a curator first" if reader_language() == "en"
                             else "connectez-vous d'abord comme curateur")
    return _review_page(number, who, desk, secret)


def _review_page(number: int, who: tuple[str, str], desk: ReviewDesk, secret: bytes,
                 problems: list[Any] | None = None, status: int = 200) -> Response:
    lang = reader_language()
    curator, token = who
    review = desk.review(number)
    view = review.proposal
    tokens = {action: csrf.issue(secret, csrf.session_scope(token, action, number, view.last_event))
              for action in ACTIONS}
    s = site()
    current = (review.current_card or {}).get("fields", {})
    proposed = review.proposed_card.get("fields", {})
    iris = {v for name, vals in proposed.items() if name in LIST_FIELDS and isinstance(vals, list) for v in vals
            if isinstance(v, str) and v.startswith(("http://", "https://"))}
    iris |= {v["iri"] for f in current.values() for v in f.get("values", []) if v.get("iri")}
    labels = s.labels_of(sorted(i for i in iris if isinstance(i, str)))
    rows = []
    for name in (*TEXTS, *LIST_FIELDS, "dedicatedPlace", "website", "foundingDate"):
        before = _shown_values(current.get(name), s, lang, labels)
        if name == "label":
            before = [(text, None) for text in (review.current_card or {}).get("label", {}).values()]
        after = _shown_values(view.payload.get(name), s, lang, labels, rebased=proposed.get(name))
        if after or before:
            rows.append({"name": word(name, lang), "before": before, "after": after, "changed": name in view.payload})
    return _page(
        "review_proposal.html", status, curator=curator, review=review, view=view, rows=rows, tokens=tokens,
        csrf_field=csrf.FIELD, problems=problems or [],
        target_href=s.href(to_served(view.target)) if view.target else None,
        sign_out_token=csrf.issue(secret, csrf.session_scope(token, "sign-out")),
    )


def _shown_values(value: Any, s: Any, lang: str, labels: dict[str, dict[str, str]],
                  rebased: Any = None) -> list[tuple[str, str | None]]:
    if value is None:
        return []
    if isinstance(value, dict) and "values" in value:  # a card field
        if not value["values"]:
            return [(STATUS_TEXT.get(value.get("status", ""), {}).get(lang, "—"), None)]
        return [(_label(v, lang) or s.label(v["iri"], lang, labels), s.href(v["iri"])) if v.get("iri")
                else (_label(v, lang) or str(v.get("value")), None) for v in value["values"]]
    if isinstance(value, dict):
        return [(f"{text} ({text_lang})", None) for text_lang, text in value.items()]
    if isinstance(value, list):
        served = rebased if isinstance(rebased, list) else value
        return [(s.label(iri, lang, labels), s.href(iri)) for iri in served]
    return [(str(value), None)]


def _label(value: dict[str, Any], lang: str) -> str | None:
    labels = value.get("label") or {}
    return labels.get(lang) or labels.get("fr") or None


@bp.route("/<int:number>/<action>", methods=["POST"])
def decide(number: int, action: str) -> Response:
    if action not in ACTIONS:
        abort(404)
    desk, secret = _desks()
    curator, token = _signed_in()
    seen = request.form.get("last_event", "")
    if not seen.isdigit():
        raise NotAuthorised("the decision names no state of the proposal: reload the review page")
    csrf.verify(secret, request.form.get(csrf.FIELD), csrf.session_scope(token, action, number, int(seen)))
    try:
        if action == "accept":
            desk.accept(number, curator, int(seen))
        elif action == "reject":
            desk.reject(number, curator, request.form.get("reason", ""), int(seen))
        else:
            desk.request_changes(number, curator, request.form.get("message", ""), int(seen))
    except InvalidProposal as exc:
        return _review_page(number, (curator, token), desk, secret, exc.problems, 422)
    return redirect(url_for("review.proposal", number=number), 303)  # type: ignore[return-value]
