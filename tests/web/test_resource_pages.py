"""What a resource page shows (issue 23.3 and 23.6): each relation once, named from the reader's
side, memberships as the relation they stand for, quantities and dates in words, programmes in
their order; and listings of things to browse without the nodes that only qualify a relation."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import requests

from ..conftest import BASE, LiveServer

LG = BASE + "def/"


class Properties(HTMLParser):
    """The page's property lists: (name, [(text, [hrefs])]) in page order, nested lists folded
    into their value's text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[tuple[str, list[str]]]]] = []
        self._depth = 0  # depth inside <dl class="props">
        self._in: str | None = None
        self._text = ""
        self._hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "dl":
            if self._depth or found.get("class") == "props":
                self._depth += 1
        elif self._depth == 1 and tag in ("dt", "dd"):
            self._in, self._text, self._hrefs = tag, "", []
        elif tag == "a" and self._in == "dd":
            self._hrefs.append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "dl" and self._depth:
            self._depth -= 1
        elif self._depth == 1 and tag == self._in:
            text = re.sub(r"[ \t\n]+", " ", self._text).strip()  # (keeps no-break spaces)
            if tag == "dt":
                self.rows.append((text, []))
            elif self.rows:
                self.rows[-1][1].append((text, self._hrefs))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def properties(live: LiveServer, path: str, language: str = "fr") -> list[tuple[str, list[tuple[str, list[str]]]]]:
    response = requests.get(live.url + path, headers={"Accept": "text/html", "Accept-Language": language}, timeout=10)
    assert response.status_code == 200, path
    parser = Properties()
    parser.feed(response.text)
    return parser.rows


def values_of(rows: list[tuple[str, list[tuple[str, list[str]]]]], name: str) -> list[tuple[str, list[str]]]:
    found = [values for dt, values in rows if dt == name]
    assert len(found) == 1, (name, [dt for dt, _ in rows])  # each relation is one list
    return found[0]


def linked(rows: list[tuple[str, list[tuple[str, list[str]]]]]) -> list[str]:
    """Every resource linked as a value (first link of each value), over the whole page."""
    return [hrefs[0] for _, values in rows for _, hrefs in values if hrefs]


def test_a_programme_is_listed_in_its_order(live: LiveServer) -> None:
    rows = properties(live, "/doc/event/journee-labs-academie-2021.html")
    items = values_of(rows, "séquence")
    assert items[0][0].startswith("Mot de bienvenue")  # schema:position 1
    order = [hrefs[0].rsplit("/", 1)[1] for _, hrefs in items]
    answer = requests.get(
        live.url + "/sparql",
        params={
            "query": f"SELECT ?s ?n WHERE {{ <{BASE}id/event/journee-labs-academie-2021> "
            "<http://schema.org/subEvent> ?s . ?s <http://schema.org/position> ?n }"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    ).json()
    position = {b["s"]["value"].rsplit("/", 1)[1]: int(b["n"]["value"]) for b in answer["results"]["bindings"]}
    assert len(position) == len(order) == 8
    assert [position[slug] for slug in order] == sorted(position.values())
    # The same items, reached backwards through schema:superEvent, are not listed again.
    assert all("(de)" not in dt for dt, _ in rows)
    assert linked(rows).count("/id/event/journee-labs-academie-2021-accueil") == 1


def test_phases_follow_their_position_on_the_programme_page(live: LiveServer) -> None:
    rows = properties(live, "/doc/programme/mission-prefiguration-labo-creuse.html")
    phases = [hrefs[0] for _, hrefs in values_of(rows, "comprend") if "/id/phase/" in hrefs[0]]
    assert phases == [
        "/id/phase/creuse-1-periode-integration",
        "/id/phase/creuse-2-semestre-erasmus",
        "/id/phase/creuse-3-semaine-workshop",
    ]


def test_quantities_read_once_in_words(live: LiveServer) -> None:
    french = properties(live, "/doc/network/labo-des-labs.html")
    [(count, _)] = values_of(french, "nombre de membres")
    assert count == "11 membres membres annoncés de la communauté"  # the number, its unit, and what it counts
    names = [dt for dt, _ in french]
    assert "unité" not in names and "valeur" not in names  # no internal structure
    english = properties(live, "/doc/network/labo-des-labs.html", "en")
    assert values_of(english, "stated quantity")[0][0] == "3 main missions of the community"
    pia = properties(live, "/doc/programme/programme-labo-pia.html")
    assert values_of(pia, "montant du financement")[0][0].startswith("jusqu'à 250\u202f000 EUR")
    assert values_of(pia, "durée")[0][0].startswith("18 mois")
    pia_en = properties(live, "/doc/programme/programme-labo-pia.html", "en")
    assert values_of(pia_en, "funding amount")[0][0].startswith("up to 250,000 EUR")
    assert values_of(pia_en, "duration")[0][0].startswith("18 months")  # from the unit's UN/CEFACT code
    tmn = properties(live, "/doc/network/tmnlab.html")
    assert values_of(tmn, "nombre de membres")[0][0].startswith("au moins 1000 professionnels")
    series = properties(live, "/doc/event/pia-ateliers-collectifs.html", "en")
    assert values_of(series, "frequency")[0][0].startswith("every month")


def test_dates_read_in_words_without_their_datatype(live: LiveServer) -> None:
    event = properties(live, "/doc/event/journee-labs-academie-2021.html")
    assert values_of(event, "date de début") == [("23 novembre 2021", [])]
    event_en = properties(live, "/doc/event/journee-labs-academie-2021.html", "en")
    assert values_of(event_en, "start date") == [("23 November 2021", [])]


def test_each_member_is_listed_once_with_what_its_membership_adds(live: LiveServer) -> None:
    rows = properties(live, "/doc/network/labo-des-labs.html")
    members = values_of(rows, "a pour membre")
    hrefs = [h[0] for _, h in members]
    assert len(members) == 12 and len(set(hrefs)) == 12
    assert all(linked(rows).count(href) == 1 or href == "/id/lab/labo-culture" for href in hrefs)
    assert all("(de)" not in dt for dt, _ in rows) and "membre de" not in [dt for dt, _ in rows]
    labo = next((text, h) for text, h in members if h[0] == "/id/lab/labo-culture")
    assert "initiateur" in labo[0] and "animateur" in labo[0]  # roles beyond plain membership
    assert labo[1][-1] == "/id/membership/labo-des-labs--labo-culture"  # "détails": the node says more
    plain = next(text for text, h in members if h[0] == "/id/lab/acco-lab")
    assert plain == "Acco{lab"  # role:member is what "a pour membre" already says
    # No membership node is a value of its own.
    assert not [h for h in linked(rows) if h.startswith("/id/membership/")]


def test_a_member_sees_the_organisation_with_role_and_dates(live: LiveServer) -> None:
    rows = properties(live, "/doc/person/jeanne-deperrois.html")
    [(text, hrefs)] = values_of(rows, "membre de")
    assert hrefs[0] == "/id/organisation/ditp"
    assert "Cheffe de projets innovation publique" in text and "juin 2016 – novembre 2017" in text
    assert [dt for dt, _ in rows].count("a pour membre") == 0  # the organisation's side is not repeated
    english = properties(live, "/doc/person/jeanne-deperrois.html", "en")
    [(text, _)] = values_of(english, "member of")
    assert "June 2016 – November 2017" in text
    assert "gives testimony on" in [dt for dt, _ in english]  # lg:inverseLabel, in English
    since = properties(live, "/doc/person/camille-rouge.html", "en")
    assert "since May 2019" in values_of(since, "member of")[0][0]


def test_a_role_and_a_source_list_the_people_not_the_membership_nodes(live: LiveServer) -> None:
    role = properties(live, "/doc/concept/role/project-manager.html")
    holders = values_of(role, "rôle tenu par")
    assert [h[0] for _, h in holders] == ["/id/person/camille-rouge", "/id/person/jeanne-deperrois"]
    assert all("membre de Direction interministérielle" in text for text, _ in holders)
    document = properties(live, "/doc/document/27e-region-cousins.html")
    sourced = linked(document)
    assert "/id/person/jeanne-deperrois" in sourced and sourced.count("/id/person/jeanne-deperrois") == 1
    assert not [h for h in sourced if h.startswith("/id/membership/")]
    assert "source de" in [dt for dt, _ in document]


def test_qualified_associations_read_as_the_association_with_its_role(live: LiveServer) -> None:
    mission = properties(live, "/doc/programme/mission-prefiguration-labo-creuse.html")
    associated = dict((h[0], text) for text, h in values_of(mission, "associé à"))
    assert "laboratoire de recherche associé" in associated["/id/organisation/laboratoire-passages"]
    assert "bénéficiaire" in associated["/id/organisation/departement-creuse"]
    agent = properties(live, "/doc/organisation/laboratoire-passages.html")
    [(text, hrefs)] = values_of(agent, "associé à")
    assert hrefs[0] == "/id/programme/mission-prefiguration-labo-creuse" and "associé" in text
    assert all(text for _, values in agent for text, _ in values)  # no empty value (a blank node)


def test_class_pages_and_inverse_names(live: LiveServer) -> None:
    lab = properties(live, "/doc/def/Lab.html")
    assert len(values_of(lab, "a pour instance")) >= 20
    assert values_of(lab, "domaine de")[0][1] == ["/def/maturityStage"]
    animates = properties(live, "/doc/def/animates.html", "en")
    assert "inverse of" in [dt for dt, _ in animates]


def test_every_property_linking_to_a_page_is_named_from_both_sides(live: LiveServer) -> None:
    """A property whose values have pages is read backwards on them: it needs an owl:inverseOf
    (with a label in French and English) or an lg:inverseLabel in both (membership links are
    shown as the membership's relation)."""
    linking = _select(
        live,
        f"""SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?s) && isIRI(?o))
        FILTER(?g != <{BASE}graph/entailment>)  # derived statements are not shown on pages
        FILTER(STRSTARTS(STR(?o), "{BASE}id/") || STRSTARTS(STR(?o), "{LG}"))
        FILTER NOT EXISTS {{ ?s a <http://www.w3.org/ns/org#Membership> }} }}""",
    )
    ontology = f"GRAPH <{BASE}graph/ontology>"
    pairs = _select(
        live,
        f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?p ?q ?name WHERE {{ {ontology} {{ {{ ?p owl:inverseOf ?q }} UNION {{ ?q owl:inverseOf ?p }}
          OPTIONAL {{ ?q <http://www.w3.org/2000/01/rdf-schema#label> ?name }} }} }}""",
    )
    labels = _select(live, f"SELECT ?p ?name WHERE {{ {ontology} {{ ?p <{LG}inverseLabel> ?name }} }}")
    languages: dict[str, set[str]] = {}
    for row in pairs + labels:
        languages.setdefault(row["p"]["value"], set()).add(row.get("name", {}).get("xml:lang", ""))

    def named(p: str) -> bool:
        return {"fr", "en"} <= languages.get(p, set())

    unnamed = sorted(row["p"]["value"] for row in linking if not named(row["p"]["value"]))
    assert unnamed == []


def _select(live: LiveServer, query: str) -> list[dict[str, dict[str, str]]]:
    response = requests.get(
        live.url + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert "Labgraph-Truncated" not in response.headers  # (the test server's max_rows is 200)
    return response.json()["results"]["bindings"]  # type: ignore[no-any-return]


def test_listings_leave_out_the_nodes_that_qualify_a_relation(live: LiveServer) -> None:
    for path in ("/", "/classes/"):
        html = requests.get(live.url + path, headers={"Accept-Language": "fr"}, timeout=10).text
        assert "org:Membership" not in html and "/classes/org:Membership" not in html, path
    assert requests.get(live.url + "/classes/org:Membership", timeout=10).status_code == 404
    listing = requests.get(live.url + "/classes/lg:Network", timeout=10).text
    assert "/id/membership/" not in listing and re.search(r'href="/id/network/labo-des-labs"', listing)
