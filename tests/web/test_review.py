"""The curators' pages through a real server and real HTTP clients: sign-in, sessions, the
review of a proposal, and decisions that land as releases; every way in without the right
session or token refused."""

from __future__ import annotations

import html
import re
import shutil
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from labgraph.contributions import curators, db
from labgraph.contributions.desks import open_desks
from labgraph.graph.build import run_build
from tests.conftest import BASE, ROOT, LiveServer, _wait_ready, make_settings

PASSWORD = "correct horse battery"
TARGET = BASE + "id/lab/104factory"
FR = {"Accept-Language": "fr"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A private project (accepts write data/contributions/ and build), two curators."""
    root = tmp_path_factory.mktemp("review")
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, root / "project" / part)
    settings = make_settings(root / "project", root / "build", state_dir=root / "state", reload_interval_s=0.2,
                             contributions_per_hour=1000)
    run_build(settings)
    conn = db.connect(db.path_in(settings.state_dir))
    curators.add(conn, "alice", PASSWORD)
    curators.add(conn, "bob", PASSWORD)
    live = LiveServer(settings, desks=open_desks(settings))
    _wait_ready(live.url)
    yield live
    live.close()


def token_of(page: str, action: str | None = None) -> str:
    pattern = r'name="csrf_token" value="([^"]+)"'
    if action:  # the token of the form posting to .../{action}
        pattern = rf'/{action}"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"'
    found = re.search(pattern, page)
    assert found, f"no CSRF token for {action or 'the form'}"
    return found.group(1)


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form carries no CSRF token"
    return html.unescape(found.group(1))


def last_event_of(page: str) -> str:
    found = re.search(r'name="last_event" value="(\d+)"', page)
    assert found
    return found.group(1)


def sign_in(server: LiveServer, name: str = "alice", password: str = PASSWORD,
            session: requests.Session | None = None) -> requests.Session:
    session = session or requests.Session()
    form = session.get(server.url + "/review", timeout=30).text
    answer = session.post(server.url + "/review/sign-in", data={"name": name, "password": password,
                                                                "csrf_token": token_of(form)},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 303, answer.text[:500]
    return session


def propose(server: LiveServer, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {"kind": "correction", "card_type": "lab", "target": TARGET,
            "fields": fields or {"dedicatedPlace": "no"}, "contributor": {"name": "Camille", "relation": "member"}}
    answer = requests.post(server.url + "/api/contributions", json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def decide(session: requests.Session, server: LiveServer, number: int, action: str,
           **fields: str) -> requests.Response:
    page = session.get(server.url + f"/review/{number}", timeout=60).text
    data = {"csrf_token": token_of(page, action), "last_event": last_event_of(page), **fields}
    return session.post(server.url + f"/review/{number}/{action}", data=data, allow_redirects=False, timeout=120)


def test_curator_pages_without_a_session_show_nothing_and_do_nothing(server: LiveServer) -> None:
    number = propose(server)["number"]
    plain = requests.get(server.url + "/review", timeout=30)
    assert plain.status_code == 200 and 'type="password"' in plain.text
    assert plain.headers["Cache-Control"] == "no-store" and "noindex" in plain.headers["X-Robots-Tag"]
    page = requests.get(server.url + f"/review/{number}", timeout=30)
    assert page.status_code == 403 and "Triplets" not in page.text and "Triples added" not in page.text
    act = requests.post(server.url + f"/review/{number}/accept", data={"last_event": "1"}, timeout=30)
    assert act.status_code == 403
    forged = requests.get(server.url + f"/review/{number}", cookies={"labgraph_curator": "made-up"}, timeout=30)
    assert forged.status_code == 403


def test_a_wrong_password_or_a_missing_token_signs_nobody_in(server: LiveServer) -> None:
    session = requests.Session()
    form = session.get(server.url + "/review", timeout=30).text
    wrong = session.post(server.url + "/review/sign-in", data={"name": "alice", "password": "guess",
                                                               "csrf_token": token_of(form)}, timeout=30)
    assert wrong.status_code == 403 and "wrong account name or password" in wrong.text
    assert "labgraph_curator" not in wrong.headers.get("Set-Cookie", "")
    no_token = session.post(server.url + "/review/sign-in", data={"name": "alice", "password": PASSWORD}, timeout=30)
    assert no_token.status_code == 403 and "CSRF" in no_token.text


def test_sign_in_sets_a_fresh_strict_http_only_cookie_never_the_one_brought(server: LiveServer) -> None:
    session = requests.Session()
    session.cookies.set("labgraph_curator", "attacker-chosen-value", domain="127.0.0.1", path="/")
    form = session.get(server.url + "/review", timeout=30).text
    answer = session.post(server.url + "/review/sign-in", data={"name": "alice", "password": PASSWORD,
                                                                "csrf_token": token_of(form)},
                          allow_redirects=False, timeout=30)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "attacker-chosen-value" not in cookie
    assert session.get(server.url + "/review", timeout=30).text.count("alice") >= 1
    fixed = requests.get(server.url + "/review", cookies={"labgraph_curator": "attacker-chosen-value"}, timeout=30)
    assert 'type="password"' in fixed.text  # the chosen value is no session


def test_under_https_the_cookie_is_secure_with_the_host_prefix(server: LiveServer) -> None:
    client = server.app._generation.app.test_client()
    form = client.get("/review", base_url="https://localhost").get_data(as_text=True)
    answer = client.post("/review/sign-in", base_url="https://localhost",
                         data={"name": "alice", "password": PASSWORD, "csrf_token": token_of(form)})
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-labgraph_curator=") and "Secure" in cookie and "Domain" not in cookie


def test_the_review_shows_the_card_diff_the_triples_and_the_verdict(server: LiveServer) -> None:
    number = propose(server, {"dedicatedPlace": "no", "foundingDate": "2016"})["number"]
    page = sign_in(server).get(server.url + f"/review/{number}", timeout=60)
    assert page.status_code == 200
    assert f"n° {number}" in page.text and "Lieu dédié" in page.text
    assert "Conforme aux formes SHACL" in page.text
    assert "&lt;http://schema.org/foundingDate&gt;" in page.text and "dedicatedPlace" in page.text
    assert f"{number}</a>" in sign_in(server).get(server.url + "/review", timeout=30).text  # in the queue


def test_an_accepted_proposal_becomes_a_release_and_changes_the_card(server: LiveServer) -> None:
    releases = requests.get(server.url + "/releases.json", timeout=30).json()
    before = max(int(r["number"]) for r in releases["releases"])
    number = propose(server, {"foundingDate": "2015"})["number"]
    answer = decide(sign_in(server), server, number, "accept")
    assert answer.status_code == 303, answer.text[:2000]
    view = requests.get(server.url + f"/api/contributions/{number}", timeout=30).json()
    assert view["state"] == "accepted" and view["release"] == before + 1
    deadline = time.monotonic() + 30
    card: dict[str, Any] = {}
    while time.monotonic() < deadline:  # the server follows the new release
        card = requests.get(server.url + "/api/labs/lab/104factory.json", timeout=30).json()
        if any(v.get("value") == "2015" for v in card["fields"]["dates"]["values"]):
            break
        time.sleep(0.2)
    assert any(v.get("value") == "2015" for v in card["fields"]["dates"]["values"]), card["fields"]["dates"]
    diff = requests.get(server.url + f"/releases/{before + 1}/diff", timeout=30)
    assert diff.status_code == 200 and "2015" in diff.text
    public = requests.get(server.url + f"/contributions/{number}", headers={"Accept-Language": "fr"}, timeout=30)
    assert "acceptée et publiée" in public.text and "alice" in public.text and "Camille" not in public.text


def test_two_curators_deciding_at_once_one_wins_the_other_gets_a_conflict(server: LiveServer) -> None:
    number = propose(server, {"foundingDate": "2014"})["number"]
    alice, bob = sign_in(server, "alice"), sign_in(server, "bob")
    pages = [s.get(server.url + f"/review/{number}", timeout=60).text for s in (alice, bob)]
    first = alice.post(server.url + f"/review/{number}/reject", allow_redirects=False, timeout=60,
                       data={"csrf_token": token_of(pages[0], "reject"), "last_event": last_event_of(pages[0]),
                             "reason": "doublon"})
    second = bob.post(server.url + f"/review/{number}/accept", allow_redirects=False, timeout=60,
                      data={"csrf_token": token_of(pages[1], "accept"), "last_event": last_event_of(pages[1])})
    assert first.status_code == 303 and second.status_code == 409
    assert "changed since the page was shown" in second.text


def test_a_decision_token_works_for_its_own_proposal_and_session_only(server: LiveServer) -> None:
    one, other = propose(server)["number"], propose(server)["number"]
    alice, bob = sign_in(server, "alice"), sign_in(server, "bob")
    page = alice.get(server.url + f"/review/{one}", timeout=60).text
    token, seen = token_of(page, "reject"), last_event_of(page)
    on_other = alice.post(server.url + f"/review/{other}/reject", allow_redirects=False, timeout=30,
                          data={"csrf_token": token, "last_event": seen, "reason": "x"})
    by_bob = bob.post(server.url + f"/review/{one}/reject", allow_redirects=False, timeout=30,
                      data={"csrf_token": token, "last_event": seen, "reason": "x"})
    assert on_other.status_code == 403 and by_bob.status_code == 403
    no_token = alice.post(server.url + f"/review/{one}/reject", data={"last_event": seen, "reason": "x"}, timeout=30)
    assert no_token.status_code == 403


def test_a_rejection_says_why_on_the_public_page_escaped(server: LiveServer) -> None:
    number = propose(server)["number"]
    alice = sign_in(server)
    assert decide(alice, server, number, "reject", reason="  ").status_code == 422
    reason = "<script>alert(1)</script> déjà dans le graphe"
    assert decide(alice, server, number, "reject", reason=reason).status_code == 303
    public = requests.get(server.url + f"/contributions/{number}", headers={"Accept-Language": "fr"}, timeout=30)
    assert "refusée" in public.text and "&lt;script&gt;alert(1)&lt;/script&gt; déjà" in public.text
    assert "<script>alert(1)" not in public.text
    assert requests.get(server.url + f"/api/contributions/{number}", timeout=30).json()["state"] == "rejected"


def test_changes_asked_for_then_revised_go_back_to_the_queue(server: LiveServer) -> None:
    proposal = propose(server)
    number = proposal["number"]
    alice = sign_in(server)
    assert decide(alice, server, number, "request-changes", message="Précisez la date").status_code == 303
    view = requests.get(server.url + f"/api/contributions/{number}", timeout=30).json()
    assert view["state"] == "changes-requested"
    revised = requests.post(server.url + f"/api/contributions/{number}/revisions", timeout=30,
                            json={"follow_token": proposal["follow_token"],
                                  "fields": {"dedicatedPlace": "no", "foundingDate": "2016-03"}})
    assert revised.status_code == 201 and revised.json()["state"] == "pending"
    assert "Précisez la date" in requests.get(server.url + f"/contributions/{number}", timeout=30).text


def test_a_contributor_revises_through_the_form_with_the_follow_token(server: LiveServer) -> None:
    """The browser's way back after changes are asked for: the proposal's page links a form
    prefilled with the proposal; the follow token decides, and a wrong one changes nothing."""
    proposal = propose(server)
    number = proposal["number"]
    assert decide(sign_in(server), server, number, "request-changes", message="Ajoutez la date").status_code == 303
    public = requests.get(server.url + f"/contributions/{number}", headers=FR, timeout=30).text
    assert f"/contributions/{number}/revise" in public and "Réviser la proposition" in public
    session = requests.Session()
    page = session.get(server.url + f"/contributions/{number}/revise", headers=FR, timeout=30)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert f'name="revise" value="{number}"' in page.text and 'name="follow_token"' in page.text
    assert 'value="no" checked' in page.text  # the proposed value, over the card's
    assert 'name="email"' not in page.text  # who proposed stays as it was sent
    data = {"revise": str(number), "card_type": "lab", "dedicatedPlace": "no", "foundingDate": "2016-03"}
    for name, value in re.findall(r'name="(label_\w\w)" value="([^"]*)"', page.text):
        data[name] = html.unescape(value)
    wrong = session.post(server.url + "/contribute", headers=FR, timeout=30,
                         data={**data, "follow_token": "not-the-token", "csrf_token": form_token(page.text)})
    assert wrong.status_code == 403 and "code de suivi" in wrong.text and 'aria-invalid="true"' in wrong.text
    assert requests.get(server.url + f"/api/contributions/{number}", timeout=30).json()["version"] == 1
    bad = session.post(server.url + "/contribute", headers=FR, timeout=30, data={
        **data, "foundingDate": "2016-13", "follow_token": proposal["follow_token"],
        "csrf_token": form_token(wrong.text)})
    assert bad.status_code == 422 and 'value="2016-13"' in bad.text
    sent = session.post(server.url + "/contribute", headers=FR, timeout=30, allow_redirects=False, data={
        **data, "follow_token": proposal["follow_token"], "csrf_token": form_token(bad.text)})
    assert sent.status_code == 303 and sent.headers["Location"].startswith(f"/contributions/{number}")
    view = requests.get(server.url + f"/api/contributions/{number}", timeout=30).json()
    assert (view["state"], view["version"]) == ("pending", 2)
    assert view["fields"] == {"dedicatedPlace": "no", "foundingDate": "2016-03"}


def test_a_decided_proposal_offers_no_revision(server: LiveServer) -> None:
    number = propose(server)["number"]
    assert decide(sign_in(server), server, number, "reject", reason="déjà connu").status_code == 303
    public = requests.get(server.url + f"/contributions/{number}", headers=FR, timeout=30).text
    assert "/revise" not in public
    refused = requests.get(server.url + f"/contributions/{number}/revise", headers=FR, timeout=30)
    assert refused.status_code == 409 and "rejected" in refused.text
    assert requests.get(server.url + "/contributions/999999/revise", timeout=30).status_code == 404


def test_signing_out_ends_the_session(server: LiveServer) -> None:
    alice = sign_in(server)
    page = alice.get(server.url + "/review", timeout=30).text
    token = re.search(r'action="/review/sign-out"><input type="hidden" name="csrf_token" value="([^"]+)"', page)
    assert token
    cookie = alice.cookies.get("labgraph_curator")
    assert alice.post(server.url + "/review/sign-out", data={"csrf_token": token.group(1)},
                      allow_redirects=False, timeout=30).status_code == 303
    again = requests.get(server.url + "/review", cookies={"labgraph_curator": cookie or ""}, timeout=30)
    assert 'type="password"' in again.text


def test_under_concurrent_submissions_no_proposal_is_lost_and_the_queue_lists_them_all(server: LiveServer) -> None:
    """Load: browsers posting the form and clients posting JSON at once, while a curator keeps
    reading the queue; afterwards every number handed out is stored once and listed."""
    choices = requests.get(server.url + "/api/contributions/choices", timeout=30).json()
    kind, service = choices["kind"][0]["iri"], choices["services"][0]["iri"]
    curator = sign_in(server, "bob")
    numbers: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def by_form(i: int) -> None:
        session = requests.Session()
        page = session.get(server.url + "/contribute", timeout=60).text
        answer = session.post(server.url + "/contribute", timeout=60, allow_redirects=False, data={
            "csrf_token": html.unescape(token_of(page)), "card_type": "lab", "label_fr": f"Labo en charge {i}",
            "kind": kind, "services": [service], "relation": "member"})
        with lock:
            if answer.status_code == 201:
                numbers.append(int(answer.headers["Location"].rsplit("/", 1)[1]))
            else:
                failures.append(f"form {i}: {answer.status_code}")

    def by_api(i: int) -> None:
        answer = requests.post(server.url + "/api/contributions", timeout=60, json={
            "kind": "new", "card_type": "lab", "contributor": {"relation": "member"},
            "fields": {"label": {"fr": f"Labo JSON en charge {i}"}, "kind": [kind], "services": [service]}})
        with lock:
            if answer.status_code == 201:
                numbers.append(answer.json()["number"])
            else:
                failures.append(f"api {i}: {answer.status_code} {answer.text[:200]}")

    def reading_the_queue() -> None:
        while not done.is_set():
            status = curator.get(server.url + "/review", timeout=60).status_code
            if status != 200:
                with lock:
                    failures.append(f"queue: {status}")

    reader = threading.Thread(target=reading_the_queue)
    reader.start()
    writers = [threading.Thread(target=by_form, args=(i,)) for i in range(16)]
    writers += [threading.Thread(target=by_api, args=(i,)) for i in range(16)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    assert failures == [] and len(numbers) == len(set(numbers)) == 32
    queue = curator.get(server.url + "/review", timeout=60).text
    listed = {int(n) for n in re.findall(r'/review/(\d+)"', queue)}
    assert set(numbers) <= listed
    conn = db.connect(db.path_in(server.app.settings.state_dir))
    try:
        stored = [row[0] for row in conn.execute("SELECT id FROM proposals")]
    finally:
        conn.close()
    assert set(numbers) <= set(stored) and len(stored) == len(set(stored))
