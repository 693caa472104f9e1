"""The proposal form and its JSON API, through a real server and real HTTP clients: what a
contributor sees, what is stored, and every way a bad or hostile submission is refused with
nothing stored."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from labgraph.config import Settings
from labgraph.contributions import db
from labgraph.contributions.desks import open_desks
from labgraph.graph.build import BuildResult
from tests.conftest import BASE, LiveServer, _wait_ready

LAB = BASE + "id/lab/104factory"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FR = {"Accept-Language": "fr", "Accept": "text/html"}
EN = {"Accept-Language": "en", "Accept": "text/html"}


def _server(settings: Settings) -> LiveServer:
    server = LiveServer(settings, desks=open_desks(settings))
    _wait_ready(server.url)
    return server


@pytest.fixture(scope="module")
def site(
    server_settings: Settings, built: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    settings = server_settings.replace(state_dir=tmp_path_factory.mktemp("state"), contributions_per_hour=10_000)
    server = _server(settings)
    yield server
    server.close()


@pytest.fixture(scope="module")
def choices(site: LiveServer) -> dict[str, list[dict[str, Any]]]:
    answer = requests.get(site.url + "/api/contributions/choices", timeout=30)
    assert answer.status_code == 200
    return answer.json()


def count(server: LiveServer, table: str = "proposals") -> int:
    conn = db.connect(db.path_in(server.app.settings.state_dir))  # made (migrated) at first use
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form carries no CSRF token"
    return html.unescape(found.group(1))


def form(session: requests.Session, server: LiveServer, headers: dict[str, str] = FR, **params: str) -> str:
    answer = session.get(server.url + "/contribute", params=params, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["Cache-Control"] == "no-store"
    return answer.text


def first(choices: dict[str, list[dict[str, Any]]], field: str) -> str:
    return str(choices[field][0]["iri"])


def new_card(choices: dict[str, list[dict[str, Any]]], **changes: Any) -> dict[str, Any]:
    fields = {"card_type": "lab", "label_fr": "Labo des essais", "label_en": "Trial lab",
              "kind": first(choices, "kind"), "services": [first(choices, "services")],
              "name": "Camille Secret", "email": "camille@example.org", "relation": "member"}
    return {**fields, **changes}


def post(session: requests.Session, server: LiveServer, data: dict[str, Any], token: str | None,
         headers: dict[str, str] = FR) -> requests.Response:
    body = dict(data)
    if token is not None:
        body["csrf_token"] = token
    return session.post(server.url + "/contribute", data=body, headers=headers, timeout=30)


# ------------------------------------------------------------------------------------ the form


def test_the_form_offers_the_vocabularies_without_javascript_and_a_hidden_honeypot(site: LiveServer) -> None:
    page = form(requests.Session(), site)
    assert "<script" not in page  # nothing to run: the form posts as plain HTML
    assert 'method="post"' in page and 'name="services"' in page and 'type="checkbox"' in page
    assert 'class="hp"' in page and 'name="homepage"' in page and 'tabindex="-1"' in page
    assert "Offre de service" in page and "Proposer une fiche" in page
    assert "Propose a card" in form(requests.Session(), site, EN)


def test_a_proposal_is_stored_pending_and_its_page_shows_no_private_data(
    site: LiveServer, choices: dict[str, list[dict[str, Any]]]
) -> None:
    session = requests.Session()
    before = count(site)
    answer = post(session, site, new_card(choices, comment="Un message privé"), token_of(form(session, site)))
    assert answer.status_code == 201, answer.text[:2000]
    assert answer.headers["Cache-Control"] == "no-store"
    number = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert count(site) == before + 1
    token = re.search(r'<code class="token">([^<]+)</code>', answer.text)
    assert token and len(token.group(1)) >= 24
    page = requests.get(site.url + f"/contributions/{number}", headers=FR, timeout=30)
    assert page.status_code == 200 and "en attente de relecture" in page.text and "Labo des essais" in page.text
    as_json = requests.get(site.url + f"/api/contributions/{number}", timeout=30).json()
    assert as_json["state"] == "pending" and as_json["fields"]["services"] == [first(choices, "services")]
    for shown in (page.text, str(as_json)):
        assert "Camille" not in shown and "camille@example.org" not in shown and "message privé" not in shown
        assert token.group(1) not in shown


def test_errors_come_back_field_by_field_in_the_readers_language_and_nothing_is_stored(
    site: LiveServer, choices: dict[str, list[dict[str, Any]]]
) -> None:
    before = count(site)
    bad = new_card(choices, label_fr="", website="javascript:alert(1)", foundingDate="2019-13")
    for headers, words in ((FR, ("nom en français", "Adresse web invalide", "Date invalide")),
                           (EN, ("French name", "Invalid web address", "Invalid date"))):
        session = requests.Session()
        answer = post(session, site, bad, token_of(form(session, site, headers)), headers)
        assert answer.status_code == 422
        for text in words:
            assert text in answer.text
        assert 'aria-invalid="true"' in answer.text and 'value="2019-13"' in answer.text  # kept to fix
        assert token_of(answer.text)  # a fresh token to send it again
    assert count(site) == before


def test_a_refused_form_can_be_fixed_and_sent_with_its_new_token(
    site: LiveServer, choices: dict[str, list[dict[str, Any]]]
) -> None:
    session = requests.Session()
    refused = post(session, site, new_card(choices, foundingDate="soon"), token_of(form(session, site)))
    assert refused.status_code == 422
    fixed = post(session, site, new_card(choices, foundingDate="2019-05"), token_of(refused.text))
    assert fixed.status_code == 201


def test_a_form_without_its_token_or_sent_twice_is_refused(
    site: LiveServer, choices: dict[str, list[dict[str, Any]]]
) -> None:
    session = requests.Session()
    before = count(site)
    missing = post(session, site, new_card(choices), None)
    forged = post(session, site, new_card(choices), "not-a-token")
    assert (missing.status_code, forged.status_code) == (403, 403)
    assert "CSRF" in missing.text
    token = token_of(form(session, site))
    assert post(session, site, new_card(choices), token).status_code == 201
    replay = post(session, site, new_card(choices), token)
    assert replay.status_code == 403 and "already sent" in replay.text
    assert count(site) == before + 1


def test_a_filled_honeypot_stores_nothing(site: LiveServer, choices: dict[str, list[dict[str, Any]]]) -> None:
    session = requests.Session()
    before = count(site)
    answer = post(session, site, new_card(choices, homepage="http://spam.example/"), token_of(form(session, site)))
    assert answer.status_code == 403 and count(site) == before


def test_markup_in_every_text_field_is_shown_escaped_stored_and_reflected(
    site: LiveServer, choices: dict[str, list[dict[str, Any]]]
) -> None:
    texts = {"label_fr": XSS, "label_en": XSS, "description_fr": XSS, "description_en": XSS, "comment": XSS}
    session = requests.Session()
    reflected = post(session, site, new_card(choices, foundingDate=XSS, **texts), token_of(form(session, site)))
    assert reflected.status_code == 422
    stored = post(session, site, new_card(choices, **texts), token_of(reflected.text))
    assert stored.status_code == 201
    number = stored.headers["Location"].rsplit("/", 1)[1]
    page = requests.get(site.url + f"/contributions/{number}", headers=FR, timeout=30)
    for shown in (reflected.text, stored.text, page.text):
        assert "<script>alert" not in shown and "<img src=x" not in shown
    assert "&lt;script&gt;alert" in reflected.text and "&lt;script&gt;alert" in page.text
    assert page.text.count("&lt;script&gt;alert") == 4  # names and descriptions, not the comment


def test_an_oversized_form_or_field_is_refused(site: LiveServer, choices: dict[str, list[dict[str, Any]]]) -> None:
    session = requests.Session()
    before = count(site)
    limit = site.app.settings.contribution_max_bytes
    huge = post(session, site, new_card(choices, description_fr="x" * (limit * 2)), token_of(form(session, site)))
    assert huge.status_code == 413 and "contribution_max_bytes" in huge.text
    long_field = "é" * (site.app.settings.contribution_field_chars + 1)
    too_long = post(session, site, new_card(choices, comment=long_field), token_of(form(session, site)))
    assert too_long.status_code == 422 and "dépasse" in too_long.text
    assert count(site) == before


def test_a_correction_starts_from_the_card_and_proposes_only_what_changed(site: LiveServer) -> None:
    session = requests.Session()
    page = form(session, site, target=LAB)
    assert 'name="target"' in page and "104" in page and "Proposer une correction" in page
    label = re.search(r'name="label_fr" value="([^"]*)"', page)
    assert label and label.group(1)
    checked = re.findall(r'<input type="checkbox" name="(\w+)" value="([^"]+)" checked>', page)
    data: dict[str, Any] = {"target": LAB, "card_type": "lab", "dedicatedPlace": "no", "relation": "member"}
    for name, value in re.findall(r'name="(label_\w\w)" value="([^"]*)"', page):
        data[name] = html.unescape(value)  # sent back as shown, as a browser does
    for name, value in checked:
        data.setdefault(name, []).append(html.unescape(value))
    answer = post(session, site, data, token_of(page))
    assert answer.status_code == 201, answer.text[:2000]
    number = answer.headers["Location"].rsplit("/", 1)[1]
    view = requests.get(site.url + f"/api/contributions/{number}", timeout=30).json()
    assert view["kind"] == "correction" and view["target"] == LAB
    assert view["fields"] == {"dedicatedPlace": "no"}


def test_a_new_card_proposal_is_revised_whole_from_its_prefilled_form(
    site: LiveServer, choices: dict[str, list[dict[str, Any]]]
) -> None:
    session = requests.Session()
    answer = post(session, site, new_card(choices), token_of(form(session, site)))
    assert answer.status_code == 201
    number = int(answer.headers["Location"].rsplit("/", 1)[1])
    follow = re.search(r'<code class="token">([^<]+)</code>', answer.text)
    assert follow
    page = session.get(site.url + f"/contributions/{number}/revise", headers=EN, timeout=30).text
    assert "Revise proposal" in page and 'value="Labo des essais"' in page
    assert f'value="{first(choices, "services")}" checked' in page
    revised = {**new_card(choices, label_fr="Labo des essais révisé"), "revise": str(number),
               "follow_token": html.unescape(follow.group(1))}
    sent = post(session, site, revised, token_of(page), EN)
    assert sent.status_code == 200 and sent.url.endswith(f"/contributions/{number}")  # the 303, followed
    view = requests.get(site.url + f"/api/contributions/{number}", timeout=30).json()
    assert view["version"] == 2 and view["fields"]["label"] == {"fr": "Labo des essais révisé", "en": "Trial lab"}
    assert view["kind"] == "new" and view["fields"]["services"] == [first(choices, "services")]


def test_a_card_links_its_correction_form(site: LiveServer) -> None:
    page = requests.get(LAB.replace(BASE, site.url + "/"), headers=FR, timeout=30)
    assert page.status_code == 200
    assert "Proposer une correction" in page.text and "/contribute?target=" in page.text


def test_nothing_of_contributions_is_served_when_they_are_off(live: LiveServer) -> None:
    """The suite's usual server runs with contributions off (no desks)."""
    assert requests.get(live.url + "/contribute", timeout=30).status_code == 404
    assert requests.post(live.url + "/api/contributions", json={}, timeout=30).status_code == 404
    assert requests.get(live.url + "/contributions/1", timeout=30).status_code == 404
    page = requests.get(LAB.replace(BASE, live.url + "/"), headers=FR, timeout=30)
    assert "Proposer une correction" not in page.text and "/contribute" not in page.text
    assert "/api/contributions" not in requests.get(live.url + "/api/openapi.json", timeout=30).json()["paths"]


# ------------------------------------------------------------------------------------ the JSON API


def api_proposal(choices: dict[str, list[dict[str, Any]]], **changes: Any) -> dict[str, Any]:
    body = {"kind": "new", "card_type": "lab",
            "fields": {"label": {"fr": "Labo JSON"}, "kind": [first(choices, "kind")],
                       "territory": [first(choices, "territory")]},
            "contributor": {"name": "Dominique", "email": "d@example.org", "relation": "other"}}
    return {**body, **changes}


def test_the_api_stores_a_proposal_and_describes_itself(site: LiveServer, choices: dict[str, Any]) -> None:
    assert all(c["iri"].startswith(BASE) for c in choices["kind"])  # the served base
    answer = requests.post(site.url + "/api/contributions", json=api_proposal(choices), timeout=30)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["state"] == "pending" and body["follow_token"] and answer.headers["Location"].endswith(
        f"/api/contributions/{body['number']}")
    view = requests.get(body["api"], timeout=30).json()
    assert view["fields"]["territory"] == [first(choices, "territory")] and "Dominique" not in str(view)
    paths = requests.get(site.url + "/api/openapi.json", timeout=30).json()["paths"]
    assert {"/api/contributions", "/api/contributions/{number}", "/api/contributions/choices"} <= set(paths)


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"fields": {"label": {"fr": "X"}, "kind": ["https://example.org/not-a-kind"]}}, "kind", "unknown-value"),
        ({"fields": {"label": {"fr": "X"}, "kind": None, "colour": "red"}}, "colour", "unknown-field"),
        ({"kind": "correction", "target": BASE + "id/lab/nowhere", "fields": {"dedicatedPlace": "yes"}},
         "target", "unknown-value"),
        ({"card_type": "programme", "fields": {"label": {"fr": "X"}, "dedicatedPlace": "yes"}},
         "dedicatedPlace", "not-applicable"),
        ({"spam": 1}, "spam", "unknown-field"),
        ({"contributor": {"relation": "boss"}}, "contributor.relation", "unknown-value"),
    ],
)
def test_the_api_refuses_with_a_422_naming_field_and_rule(
    site: LiveServer, choices: dict[str, Any], change: dict[str, Any], field: str, rule: str
) -> None:
    before = count(site)
    answer = requests.post(site.url + "/api/contributions", json=api_proposal(choices, **change), timeout=30)
    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert {"field": field, "rule": rule} in [{"field": p["field"], "rule": p["rule"]} for p in problems]
    assert all(p["message"]["fr"] and p["message"]["en"] for p in problems)
    assert count(site) == before


def test_the_api_wants_json_and_a_bounded_body(site: LiveServer, choices: dict[str, Any]) -> None:
    as_form = requests.post(site.url + "/api/contributions", data={"kind": "new"}, timeout=30)
    assert as_form.status_code == 415
    not_object = requests.post(site.url + "/api/contributions", json=[1, 2], timeout=30)
    assert not_object.status_code == 400
    big = api_proposal(choices)
    big["fields"]["description"] = {"fr": "y" * (site.app.settings.contribution_max_bytes + 10)}
    assert requests.post(site.url + "/api/contributions", json=big, timeout=30).status_code == 413


def test_a_revision_needs_the_follow_token(site: LiveServer, choices: dict[str, Any]) -> None:
    body = requests.post(site.url + "/api/contributions", json=api_proposal(choices), timeout=30).json()
    url = site.url + f"/api/contributions/{body['number']}/revisions"
    fields = {"label": {"fr": "Labo JSON révisé"}, "kind": [first(choices, "kind")]}
    assert requests.post(url, json={"follow_token": "wrong", "fields": fields}, timeout=30).status_code == 403
    assert requests.post(url, json={"fields": fields}, timeout=30).status_code == 403
    revised = requests.post(url, json={"follow_token": body["follow_token"], "fields": fields}, timeout=30)
    assert revised.status_code == 201 and revised.json()["version"] == 2
    assert revised.json()["fields"]["label"] == {"fr": "Labo JSON révisé"}
    assert requests.get(site.url + "/api/contributions/999999", timeout=30).status_code == 404


def test_concurrent_submissions_are_all_counted(site: LiveServer, choices: dict[str, Any]) -> None:
    before = count(site)
    numbers: list[int] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        proposal = api_proposal(choices)
        proposal["fields"]["label"] = {"fr": f"Labo concurrent {i}"}
        answer = requests.post(site.url + "/api/contributions", json=proposal, timeout=60)
        with lock:
            statuses.append(answer.status_code)
            if answer.status_code == 201:
                numbers.append(answer.json()["number"])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 20 and len(set(numbers)) == 20
    assert count(site) == before + 20 and count(site, "versions") >= before + 20


def test_flooding_gets_a_429_with_retry_after(
    server_settings: Settings, built: BuildResult, tmp_path: Path, choices: dict[str, Any]
) -> None:
    server = _server(server_settings.replace(state_dir=tmp_path / "state", contributions_per_hour=2))
    try:
        answers = [requests.post(server.url + "/api/contributions", json=api_proposal(choices), timeout=30)
                   for _ in range(3)]
        assert [a.status_code for a in answers] == [201, 201, 429]
        assert int(answers[2].headers["Retry-After"]) > 0 and "contributions_per_hour" in answers[2].text
        assert count(server) == 2
        session = requests.Session()
        page = post(session, server, new_card(choices), token_of(form(session, server)))
        assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    finally:
        server.close()
