"""A deterministic synthetic graph with labgraph's shape, written as a project and as a release.

``python benchmarks/generate.py --size 100k --out benchmarks/data`` writes, under
``benchmarks/data/100k/``:

* ``project/``: ``ontology/`` (copied from the repository, so the real classes, concept schemes
  and SHACL shapes are used) and ``data/`` (``sources.ttl``, ``links.ttl`` and one Turtle file
  per synthetic source document under ``documents/``), exactly what ``labgraph build`` reads;
* ``release/``: what ``labgraph build`` would publish from that project, without the TriG and
  JSON-LD dumps: ``labgraph.nq`` (one named graph per source file), ``labgraph.ttl`` (their RDF
  merge), ``manifest.json`` (same keys as a build's, statistics from :func:`labgraph.dataset.stats.compute`)
  and ``store/`` (the on-disk Oxigraph store, built like :mod:`labgraph.graph.build` builds it).

The graph follows ``docs/modelling.md``: labs (``lg:Lab``) attached to host organisations that
form ``org:subOrganizationOf`` trees under ministries, networks with ``org:Membership`` nodes
(Zipf-distributed, so ``network-001`` is the largest), people with their roles, events with
``xsd:date`` start dates, sub-events and speakers, INSEE territories (regions, départements,
communes) in ``graph/links``, SKOS concepts from the real vocabularies, labels in French and
English, ``prov:wasDerivedFrom`` on every resource, and a share of labs restated by a second
document (multi-source provenance). The size is the number of quads in the named graphs.
The generated data passes the project's SHACL shapes and consistency checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 4
SEED = 20240611
SIZES = {"1k": 1_000, "3k": 3_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
BASE = "https://w3id.org/labgraph/"

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "http://schema.org/",
    "igeo": "http://rdf.insee.fr/def/geo#",
    "wd": "http://www.wikidata.org/entity/",
    "lg": BASE + "def/",
    "graph": BASE + "graph/",
    "doc": BASE + "id/document/",
    "ds": BASE + "id/dataset/",
    "act": BASE + "id/activity/",
    "orga": BASE + "id/organisation/",
    "lab": BASE + "id/lab/",
    "net": BASE + "id/network/",
    "pers": BASE + "id/person/",
    "mem": BASE + "id/membership/",
    "ev": BASE + "id/event/",
    "terr": BASE + "id/territory/",
    "kind": BASE + "id/concept/structure-kind/",
    "role": BASE + "id/concept/role/",
    "ekind": BASE + "id/concept/event-kind/",
    "theme": BASE + "id/concept/theme/",
    "meth": BASE + "id/concept/method/",
    "serv": BASE + "id/concept/service/",
    "mat": BASE + "id/concept/maturity/",
    "aud": BASE + "id/concept/audience/",
    "dkind": BASE + "id/concept/document-kind/",
}
HEADER = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items()) + "\n"

#: IRIs the query mix names; they exist at every size.
FIXED = {
    "lab": "lab:lab-000001",
    "network": "net:network-001",
    "region": "terr:region-84",
    "ministry": "orga:org-00001",
    "kind": "kind:openlab",
    "theme": "theme:culture",
}

REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94", "01", "02", "03", "04", "06"]
LAB_KINDS = ["innovation-lab", "ministry-lab", "academy-lab", "territorial-lab", "openlab", "incubator",
             "digital-service-incubator", "tiers-lieu", "innovation-place"]
HOST_KINDS = ["ministry", "central-administration-service", "decentralised-service", "public-establishment",
              "university", "local-authority", "intercommunality", "association"]
WORDS_FR = ["innovation", "fabrique", "atelier", "laboratoire", "incubateur", "design", "usages", "territoires",
            "culture", "numérique", "citoyen", "transition", "écologie", "solidarité", "santé", "éducation",
            "emploi", "mobilité", "patrimoine", "jeunesse", "agriculture", "énergie", "logement", "sport",
            "recherche", "participation", "service", "données", "ouverture", "coopération", "expérimentation",
            "prospective", "médiation", "accueil", "ruralité", "littoral", "montagne", "ville", "quartier",
            "campus", "archipel", "boussole", "ruche", "passerelle", "tremplin", "carrefour", "forge", "serre",
            "vigie", "relais"]
WORDS_EN = ["innovation", "factory", "workshop", "laboratory", "incubator", "design", "uses", "territories",
            "culture", "digital", "citizen", "transition", "ecology", "solidarity", "health", "education",
            "employment", "mobility", "heritage", "youth", "agriculture", "energy", "housing", "sport",
            "research", "participation", "service", "data", "openness", "cooperation", "experimentation",
            "foresight", "mediation", "welcome", "rurality", "coast", "mountain", "city", "district",
            "campus", "archipelago", "compass", "hive", "bridge", "springboard", "crossroads", "forge",
            "greenhouse", "watch", "relay"]
FIRST = ["Camille", "Dominique", "Claude", "Alex", "Sacha", "Lou", "Noa", "Jeanne", "Louis", "Inès", "Hugo",
         "Léa", "Nathan", "Chloé", "Arthur", "Manon", "Jules", "Emma", "Gabriel", "Alice", "Raphaël", "Zoé",
         "Adam", "Louise", "Paul", "Juliette", "Victor", "Anna", "Martin", "Rose", "Yanis", "Lina"]
LAST = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
        "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
        "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André",
        "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "Kerenflec'h", "Le Gall", "Nguyen"]


def size_of(name: str) -> int:
    key = name.lower()
    if key in SIZES:
        return SIZES[key]
    if key.endswith("k"):
        return int(float(key[:-1]) * 1_000)
    if key.endswith("m"):
        return int(float(key[:-1]) * 1_000_000)
    return int(key)


def _lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


class Writer:
    """Turtle for one file, counting the triples it writes."""

    def __init__(self) -> None:
        self.parts: list[str] = [HEADER]
        self.triples = 0

    def subject(self, subject: str, statements: Iterable[tuple[str, list[str]]]) -> None:
        body = []
        for predicate, objects in statements:
            if not objects:
                continue
            self.triples += len(objects)
            body.append(f"    {predicate} {' , '.join(objects)}")
        self.triples += 1  # the rdf:type statements written with the subject
        self.triples += subject.count(",")
        self.parts.append(subject + " ;\n" + " ;\n".join(body) + " .\n\n")

    def raw(self, text: str, triples: int) -> None:
        self.parts.append(text)
        self.triples += triples

    def text(self) -> str:
        return "".join(self.parts)


def _concepts(ontology: Path) -> dict[str, list[str]]:
    """Local names of the concepts of each scheme, read from the real vocabularies."""
    store = ox.Store()
    for path in sorted((ontology / "vocabularies").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    out: dict[str, list[str]] = {}
    query = "SELECT ?c ?s WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> ?s } ORDER BY ?c"
    for row in store.query(query):
        scheme = row["s"].value.rsplit("/", 1)[1]
        out.setdefault(scheme, []).append(row["c"].value.rsplit("/", 1)[1])
    return out


class Generator:
    def __init__(self, target: int, seed: int, concepts: dict[str, list[str]]) -> None:
        self.target = target
        self.rng = random.Random(seed)
        self.concepts = concepts
        self.n_docs = max(5, target // 2_000)
        self.n_networks = 3 + target // 10_000
        self.n_ministries = 10
        self.n_communes = min(103 * 99, max(20, target // 100))
        self.docs = [f"doc-{i:05d}" for i in range(1, self.n_docs + 1)]
        self.writers = {d: Writer() for d in self.docs}
        self.departements: list[tuple[str, str]] = []  # (slug, region code)
        self.communes: list[str] = []
        self.orgs: list[str] = []
        self.labs: list[tuple[str, str, str]] = []  # (slug, label fr, doc)
        self.people: list[str] = []
        self.events: list[str] = []
        self.memberships = 0
        net_weights = [1.0 / (i + 1) for i in range(self.n_networks)]
        total = sum(net_weights)
        self.net_cumulative = []
        acc = 0.0
        for w in net_weights:
            acc += w / total
            self.net_cumulative.append(acc)

    # ------------------------------------------------------------------ helpers

    def pick(self, scheme: str, prefix: str, k: int = 1) -> list[str]:
        names = self.concepts[scheme]
        return [f"{prefix}:{n}" for n in self.rng.sample(names, min(k, len(names)))]

    def network_index(self) -> int:
        x = self.rng.random()
        for i, c in enumerate(self.net_cumulative):
            if x <= c:
                return i + 1
        return self.n_networks

    def words(self, k: int) -> tuple[str, str]:
        idx = self.rng.sample(range(len(WORDS_FR)), k)
        return " ".join(WORDS_FR[i] for i in idx), " ".join(WORDS_EN[i] for i in idx)

    def doc_for(self, i: int) -> str:
        return self.docs[i % self.n_docs]

    def day(self) -> dt.date:
        return dt.date(2010, 1, 1) + dt.timedelta(days=self.rng.randrange(16 * 365))

    # ------------------------------------------------------------------ files

    def territories(self) -> Writer:
        w = Writer()
        w.subject(
            "terr:france a schema:Country , schema:AdministrativeArea",
            [
                ("rdfs:label", [_lit("France", "fr"), _lit("France", "en")]),
                ("owl:sameAs", ["wd:Q142"]),
                ("prov:wasDerivedFrom", ["ds:cog", "ds:wikidata"]),
            ],
        )
        for n, code in enumerate(REGIONS):
            w.subject(
                f"terr:region-{code} a schema:AdministrativeArea , igeo:Region",
                [
                    ("rdfs:label", [_lit(f"Région {code}", "fr"), _lit(f"Region {code}", "en")]),
                    ("igeo:codeINSEE", [_lit(code)]),
                    ("skos:closeMatch", [f"<http://id.insee.fr/geo/region/{code}>"]),
                    ("owl:sameAs", [f"wd:Q{18_000_000 + n}"]),
                    ("schema:containedInPlace", ["terr:france"]),
                    ("prov:wasDerivedFrom", ["ds:cog", "ds:wikidata"]),
                ],
            )
        codes = [f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
        for n, code in enumerate(codes):
            region = REGIONS[n % len(REGIONS)]
            slug = f"departement-{code.lower()}"
            self.departements.append((slug, region))
            w.subject(
                f"terr:{slug} a schema:AdministrativeArea , igeo:Departement",
                [
                    ("rdfs:label", [_lit(f"Département {code}", "fr"), _lit(f"Département {code}", "en")]),
                    ("igeo:codeINSEE", [_lit(code)]),
                    ("skos:closeMatch", [f"<http://id.insee.fr/geo/departement/{code}>"]),
                    ("owl:sameAs", [f"wd:Q{12_000 + n}"]),
                    ("igeo:subdivisionDirecteDe", [f"terr:region-{region}"]),
                    ("schema:containedInPlace", [f"terr:region-{region}"]),
                    ("prov:wasDerivedFrom", ["ds:cog", "ds:wikidata"]),
                ],
            )
        for n in range(self.n_communes):
            dslug, _ = self.departements[n % len(self.departements)]
            dcode = dslug.split("-", 1)[1].upper()
            k = n // len(self.departements) + 1
            code = f"{dcode}{k:03d}" if len(dcode) == 2 else f"{dcode}{k:02d}"
            slug = f"commune-{code.lower()}"
            self.communes.append(slug)
            name = self.words(1)[0].capitalize() + f"-{n + 1}"
            w.subject(
                f"terr:{slug} a schema:AdministrativeArea , igeo:Commune",
                [
                    ("rdfs:label", [_lit(name, "fr")]),
                    ("igeo:codeINSEE", [_lit(code)]),
                    ("skos:closeMatch", [f"<http://id.insee.fr/geo/commune/{code}>"]),
                    ("igeo:subdivisionDirecteDe", [f"terr:{dslug}"]),
                    ("schema:containedInPlace", [f"terr:{dslug}"]),
                    ("prov:wasDerivedFrom", ["ds:cog"]),
                ],
            )
        return w

    def sources(self) -> Writer:
        w = Writer()
        kinds = self.concepts["document-kind"]
        for n, doc in enumerate(self.docs):
            w.subject(
                f"doc:{doc} a lg:SourceDocument",
                [
                    ("rdfs:label", [_lit(f"Document source {n + 1}", "fr"), _lit(f"Source document {n + 1}", "en")]),
                    ("dct:title", [_lit(f"Document source {n + 1}", "fr")]),
                    ("dct:description", [_lit(f"Page synthétique numéro {n + 1} sur des laboratoires.", "fr")]),
                    ("dct:publisher", [f"orga:org-{(n % self.n_ministries) + 1:05d}"]),
                    ("dct:type", [f"dkind:{kinds[n % len(kinds)]}"]),
                    ("dct:language", ["<http://publications.europa.eu/resource/authority/language/FRA>"]),
                    ("dct:identifier", [_lit(f"{n:05d}_{hashlib.sha256(doc.encode()).hexdigest()[:16]}")]),
                    ("dct:issued", [_date(self.day())]),
                    ("schema:url", [f"<https://example.org/pages/{doc}>"]),
                ],
            )
            w.raw(
                f"graph:{doc} a prov:Entity ; prov:wasDerivedFrom doc:{doc} ; prov:wasGeneratedBy act:curation .\n",
                3,
            )
        for slug, fr, en in (("cog", "Code officiel géographique (COG)", "Official geographic code (COG)"),
                             ("wikidata", "Wikidata", "Wikidata"), ("sirene", "Répertoire SIRENE", "SIRENE register")):
            w.subject(
                f"ds:{slug} a dcat:Dataset",
                [
                    ("rdfs:label", [_lit(fr, "fr"), _lit(en, "en")]),
                    ("dct:license", ["<https://www.etalab.gouv.fr/licence-ouverte-open-licence>"]),
                ],
            )
        w.subject(
            "act:curation a prov:Activity",
            [
                ("rdfs:label", [_lit("Saisie synthétique", "fr"), _lit("Synthetic curation", "en")]),
                ("prov:used", [f"doc:{d}" for d in self.docs]),
            ],
        )
        w.raw(
            "graph:links a prov:Entity ; prov:wasDerivedFrom ds:cog , ds:wikidata , ds:sirene ; "
            "prov:wasGeneratedBy act:curation .\n",
            5,
        )
        return w

    def organisations(self) -> None:
        """Ministries first (org-00001…), the rest hang under earlier ones."""
        for i in range(1, self.n_ministries + 1):
            self.organisation(i, parent=None)

    def organisation(self, i: int, parent: int | None) -> None:
        slug = f"org-{i:05d}"
        doc = self.doc_for(i)
        fr, en = self.words(2)
        kind = "ministry" if parent is None else self.rng.choice(HOST_KINDS[1:])
        dslug, _ = self.rng.choice(self.departements)
        self.writers[doc].subject(
            f"orga:{slug} a org:Organization , org:FormalOrganization",
            [
                ("rdfs:label", [_lit(f"Organisation {fr} {i}", "fr"), _lit(f"Organisation {en} {i}", "en")]),
                ("org:classification", [f"kind:{kind}"]),
                ("org:subOrganizationOf", [] if parent is None else [f"orga:org-{parent:05d}"]),
                ("schema:areaServed", [f"terr:{dslug}"] if parent is not None else ["terr:france"]),
                ("lg:siren", [_lit(f"{100_000_000 + i}")]),
                ("prov:wasDerivedFrom", [f"doc:{doc}"]),
            ],
        )
        self.orgs.append(slug)

    def group(self, i: int) -> None:
        """One lab with its host, people, memberships and event: ~75 triples."""
        rng = self.rng
        doc = self.doc_for(i)
        w = self.writers[doc]
        if i % 4 == 1:
            self.organisation(len(self.orgs) + 1, parent=rng.randint(1, len(self.orgs)))
        host = rng.choice(self.orgs)
        lab = f"lab-{i:06d}"
        fr, en = self.words(2)
        dslug, _ = rng.choice(self.departements)
        kind = "openlab" if i % 5 == 1 else rng.choice(LAB_KINDS)
        net = f"net:network-{self.network_index():03d}"
        label_fr = f"Lab {fr} {i}"
        statements: list[tuple[str, list[str]]] = [
            ("rdfs:label", [_lit(label_fr, "fr"), _lit(f"{en.capitalize()} lab {i}", "en")]),
            ("dct:description", [_lit(f"Laboratoire synthétique {i} consacré à {fr}.", "fr"),
                                 _lit(f"Synthetic lab {i} devoted to {en}.", "en")]),
            ("org:classification", [f"kind:{kind}"]),
            ("org:unitOf", [f"orga:{host}"]),
            ("schema:areaServed", [f"terr:{dslug}"]),
            ("dct:subject", self.pick("theme", "theme", rng.randint(1, 3))),
            ("lg:offersService", self.pick("service", "serv", rng.randint(1, 2))),
            ("lg:usesMethod", self.pick("method", "meth", 1)),
            ("lg:maturityStage", self.pick("maturity", "mat", 1)),
            ("schema:foundingDate", [_date(self.day())]),
            ("org:memberOf", [net]),
            ("prov:wasDerivedFrom", [f"doc:{doc}"]),
        ]
        w.subject(f"lab:{lab} a lg:Lab , org:OrganizationalUnit", statements)
        if rng.random() < 0.3:
            size = rng.randint(2, 40)
            w.raw(
                f"lab:{lab} lg:statedQuantity [ a schema:QuantitativeValue ; schema:value {size} ; "
                f'schema:unitText "personnes"@fr ; rdfs:label "taille de l\'équipe"@fr ] .\n\n',
                5,
            )
        self.labs.append((lab, label_fr, doc))
        # The lab in its network.
        self.membership(w, doc, f"{net.split(':')[1]}--{lab}", f"lab:{lab}", net, "role:member", label_fr)
        # Two people working in the lab.
        for k, role in enumerate(("head-of-lab", "lab-team-member")):
            n = len(self.people) + 1
            person = f"person-{n:06d}"
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
            w.subject(
                f"pers:{person} a foaf:Person , schema:Person",
                [
                    ("rdfs:label", [_lit(name, "fr"), _lit(name, "en")]),
                    ("foaf:name", [_lit(name)]),
                    ("schema:jobTitle", [_lit("Responsable du lab" if k == 0 else "Membre de l'équipe", "fr")]),
                    ("schema:affiliation", [f"orga:{host}"]),
                    ("prov:wasDerivedFrom", [f"doc:{doc}"]),
                ],
            )
            self.people.append(person)
            self.membership(w, doc, f"{lab}--{person}", f"pers:{person}", f"lab:{lab}", f"role:{role}", name)
        # An event organised by the lab.
        n = len(self.events) + 1
        event = f"event-{n:06d}"
        start = self.day()
        sfr, sen = self.words(1)
        w.subject(
            f"ev:{event} a schema:Event",
            [
                ("rdfs:label", [_lit(f"Rencontre {sfr} {n}", "fr"), _lit(f"{sen.capitalize()} meeting {n}", "en")]),
                ("dct:description", [_lit(f"Rencontre synthétique {n} autour de {sfr}.", "fr")]),
                ("dct:type", self.pick("event-kind", "ekind", 1)),
                ("schema:startDate", [_date(start)]),
                ("schema:endDate", [_date(start + dt.timedelta(days=rng.randint(0, 3)))]),
                ("schema:eventStatus", ["schema:EventScheduled"]),
                ("schema:organizer", [f"lab:{lab}"]),
                ("schema:location", [f"terr:{rng.choice(self.communes)}"]),
                ("schema:about", [net]),
                ("dct:subject", self.pick("theme", "theme", 1)),
                ("lg:speaker", [f"pers:{self.people[-2]}"]),
                ("schema:superEvent", [f"ev:{self.events[-1]}"] if self.events and n % 5 == 0 else []),
                ("prov:wasDerivedFrom", [f"doc:{doc}"]),
            ],
        )
        self.events.append(event)
        # Some labs are named again by another document (multi-source provenance); lab 1 always.
        if i == 1 or rng.random() < 0.08:
            other = self.docs[(self.docs.index(doc) + 1) % self.n_docs]
            self.writers[other].subject(
                f"lab:{lab} a lg:Lab",
                [
                    ("rdfs:label", [_lit(label_fr, "fr")]),
                    ("dct:description", [_lit(f"Le laboratoire {i} vu par un autre document.", "fr")]),
                    ("org:classification", [f"kind:{kind}"]),
                    ("dct:subject", self.pick("theme", "theme", 1)),
                    ("prov:wasDerivedFrom", [f"doc:{other}"]),
                ],
            )

    def membership(self, w: Writer, doc: str, slug: str, member: str, organisation: str, role: str,
                   name: str) -> None:
        self.memberships += 1
        w.subject(
            f"mem:{slug} a org:Membership",
            [
                ("rdfs:label", [_lit(f"{name}, membre", "fr"), _lit(f"{name}, member", "en")]),
                ("org:member", [member]),
                ("org:organization", [organisation]),
                ("org:role", [role]),
                ("schema:startDate", [_date(self.day())]),
                ("prov:wasDerivedFrom", [f"doc:{doc}"]),
            ],
        )

    def networks(self) -> None:
        for n in range(1, self.n_networks + 1):
            doc = self.doc_for(n)
            fr, en = self.words(2)
            self.writers[doc].subject(
                f"net:network-{n:03d} a lg:Network",
                [
                    ("rdfs:label", [_lit(f"Réseau {fr} {n}", "fr"), _lit(f"{en.capitalize()} network {n}", "en")]),
                    ("dct:description", [_lit(f"Réseau synthétique {n}.", "fr")]),
                    ("org:classification", ["kind:network"]),
                    ("lg:animatedBy", [f"orga:org-{(n % self.n_ministries) + 1:05d}"]),
                    ("dct:subject", self.pick("theme", "theme", 2)),
                    ("prov:wasDerivedFrom", [f"doc:{doc}"]),
                ],
            )

    def run(self, fixed_triples: int) -> dict[str, Writer]:
        links = self.territories()
        sources = self.sources()
        self.organisations()
        self.networks()
        i = 0
        budget = self.target - fixed_triples
        while True:
            emitted = links.triples + sources.triples + sum(w.triples for w in self.writers.values())
            if emitted >= budget and i >= 1:
                break
            i += 1
            self.group(i)
        return {"links": links, "sources": sources, **{f"documents/{d}": w for d, w in self.writers.items()}}


def _count_ontology(ontology: Path) -> int:
    n = 0
    for path in list(ontology.glob("*.ttl")) + list((ontology / "vocabularies").glob("*.ttl")):
        if path.name != "shapes.ttl":
            n += sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return n


def _fingerprint(ontology: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(ontology.rglob("*.ttl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_project(target: int, project: Path, seed: int = SEED) -> dict[str, object]:
    """Write ontology/ and data/ for a graph of about ``target`` quads; return what was made."""
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(ROOT / "ontology", project / "ontology")
    (project / "data" / "documents").mkdir(parents=True)
    concepts = _concepts(project / "ontology")
    for scheme in ("theme", "service", "method", "maturity", "event-kind", "document-kind"):
        if not concepts.get(scheme):
            raise SystemExit(f"the vocabulary has no concept in scheme {scheme}")
    fixed = _count_ontology(project / "ontology")
    gen = Generator(target, seed, concepts)
    files = gen.run(fixed)
    for name, writer in files.items():
        (project / "data" / f"{name}.ttl").write_text(writer.text(), encoding="utf-8")
    return {
        "labs": len(gen.labs),
        "people": len(gen.people),
        "events": len(gen.events),
        "organisations": len(gen.orgs),
        "networks": gen.n_networks,
        "memberships": gen.memberships,
        "documents": gen.n_docs,
        "communes": gen.n_communes,
        "sample": {
            "labs": [f"lab/{s}" for s, _, _ in gen.labs[:: max(1, len(gen.labs) // 200)]][:200],
            "people": [f"person/{s}" for s in gen.people[:: max(1, len(gen.people) // 100)]][:100],
            "events": [f"event/{s}" for s in gen.events[:: max(1, len(gen.events) // 100)]][:100],
            "organisations": [f"organisation/{s}" for s in gen.orgs[:: max(1, len(gen.orgs) // 50)]][:50],
        },
    }


def write_release(project: Path, release: Path) -> dict[str, object]:
    """What ``labgraph build`` publishes from the project (without TriG and JSON-LD dumps)."""
    from labgraph.config import Settings
    from labgraph.dataset import stats
    from labgraph.graph import sources
    from labgraph.namespaces import STANDARD_PREFIXES
    from labgraph.release import sha256
    from labgraph.uris import prefixes as own_prefixes

    if release.exists():
        shutil.rmtree(release)
    release.mkdir(parents=True)
    settings = Settings.load({"project_dir": project, "build_dir": release.parent / "unused"}, environ={})
    started = time.perf_counter()
    dataset = sources.load(settings)
    parse_s = time.perf_counter() - started
    prefixes = {**STANDARD_PREFIXES, **own_prefixes(settings.base_uri)}
    quads = sorted(dataset.store, key=str)
    ox.serialize(quads, str(release / "labgraph.nq"), ox.RdfFormat.N_QUADS)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    ox.serialize(triples, str(release / "labgraph.ttl"), ox.RdfFormat.TURTLE, prefixes=prefixes)
    del quads, triples
    figures = stats.compute(dataset.store, settings.base_uri)
    files: dict[str, dict[str, object]] = {}
    for name, media_type, holds in (
        ("labgraph.nq", "application/n-quads", "dataset"),
        ("labgraph.ttl", "text/turtle", "merged graph"),
    ):
        path = release / name
        files[name] = {"media_type": media_type, "holds": holds, "bytes": path.stat().st_size, "sha256": sha256(path)}
    store = ox.Store(str(release / "store"))
    store.bulk_load(path=str(release / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=str(release / "labgraph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    store.flush()
    store.optimize()
    del store
    now = dt.datetime.now(dt.UTC)
    manifest = {
        "build_id": "bench-" + now.strftime("%Y%m%dT%H%M%S%fZ"),
        "created": now.isoformat(timespec="seconds"),
        "base_uri": settings.base_uri,
        "labgraph_version": "benchmark",
        "sources": {
            str(s.path.relative_to(project)): {"graph": dataset.graph_iri(s.graph_name)} for s in dataset.files
        },
        "files": files,
        "stats": figures.as_dict(),
        "validation": None,
    }
    (release / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return {"quads": figures.quads, "triples": figures.triples, "parse_s": parse_s}


def ensure(size: str, out: Path, seed: int = SEED, force: bool = False, say=print) -> Path:  # type: ignore[no-untyped-def]
    """The generated directory for a size (project/, release/, generated.json), made if missing."""
    target = size_of(size)
    folder = out / size.lower()
    marker = folder / "generated.json"
    key = {"version": GENERATOR_VERSION, "seed": seed, "target": target, "ontology": _fingerprint(ROOT / "ontology")}
    if not force and marker.is_file():
        info = json.loads(marker.read_text("utf-8"))
        if info.get("key") == key and (folder / "release" / "store").is_dir():
            return folder
    say(f"generating {size} ({target} quads) in {folder}")
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    made = write_project(target, folder / "project", seed)
    written = write_release(folder / "project", folder / "release")
    info = {"key": key, "size": size.lower(), **made, **written, "seconds": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(info, indent=2), encoding="utf-8")
    say(f"generated {size}: {written['quads']} quads, {written['triples']} triples in {info['seconds']} s")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1m or a number of quads (comma-separated)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args(argv)
    for size in args.size.split(","):
        ensure(size.strip(), args.out, args.seed, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
