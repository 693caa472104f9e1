"""Cards computed from the graph through the store interface, never from the data files.

A few trusted SELECTs (:mod:`labgraph.cards.queries`) read every structure's stated facts with
the named graph stating each; this module folds them into one :class:`Card` per structure,
adds what is derived (the ministry above a host, the département and région of a territory, the
kinds of innovation among the themes) and names each value's source documents.
"""

from __future__ import annotations

from collections import defaultdict

from labgraph.cards import queries
from labgraph.cards.fields import CLASSES, FIELDS
from labgraph.cards.heap import paused_gc
from labgraph.cards.model import NO, NOT_STATED, STATED, Card, Field, Value
from labgraph.cards.source import Selects
from labgraph.cards.supersede import contribution_ranks, supersede
from labgraph.store.base import Term
from labgraph.vocab import Vocabulary

BATCH = 400  # IRIs per VALUES block


def compute_cards(store: Selects, vocab: Vocabulary) -> list[Card]:
    """One card per lab, network and programme, sorted by type and slug."""
    with paused_gc():
        return _compute_cards(store, vocab)


def _compute_cards(store: Selects, vocab: Vocabulary) -> list[Card]:
    sources = _graph_sources(store, vocab)
    # A handful of classes and predicates recur in every row: shorten each once, not per row
    # (a tenth of the cards' time at 10,000 structures).
    curies: dict[str, str] = {}

    def curie(iri: str) -> str:
        found = curies.get(iri)
        if found is None:
            found = curies[iri] = vocab.curie(iri)
        return found

    classes: dict[str, str] = {}
    for row in store.select(queries.structures(vocab)):
        iri, cls = row["s"].value, curie(row["cls"].value)
        if iri not in classes or CLASSES.index(cls) < CLASSES.index(classes[iri]):
            classes[iri] = cls
    # card -> field -> value key -> Value
    found: dict[str, dict[str, dict[str, Value]]] = defaultdict(lambda: defaultdict(dict))
    answers: dict[str, dict[str, tuple[bool, list[str]]]] = defaultdict(dict)
    # each stated yes/no answer with its own sources, for the newest contribution to decide
    answer_rows: dict[str, dict[str, list[tuple[bool, list[str]]]]] = defaultdict(lambda: defaultdict(list))
    ranks = contribution_ranks(store, vocab)

    def add(s: str, name: str, term: Term, graph: str, **about: object) -> Value:
        key = term.value + "\x00" + str(sorted(about.items()))
        value = found[s][name].get(key)
        if value is None:
            value = found[s][name][key] = Value(term.value, term.kind == "iri", about=dict(about))
        for doc in sources.get(graph, [graph]):
            if doc not in value.sources:
                value.sources.append(doc)
        return value

    for row in store.select(queries.outgoing(vocab)):
        s, p = row["s"].value, curie(row["p"].value)
        if s not in classes or row["o"].kind == "bnode":
            continue
        name = queries.OUTGOING[p]
        if p == "lg:dedicatedPlace":
            stated = row["o"].value in ("true", "1")
            docs = answers[s].get(name, (stated, []))[1] + sources.get(row["g"].value, [])
            answers[s][name] = (stated, docs)
            answer_rows[s][name].append((stated, sources.get(row["g"].value, [])))
            continue
        add(s, name, row["o"], row["g"].value, via=p)
    for row in store.select(queries.incoming(vocab)):
        s, p = row["s"].value, curie(row["p"].value)
        if s in classes:
            add(s, queries.INCOMING[p], row["o"], row["g"].value, via="^" + p)
    for row in store.select(queries.memberships(vocab)):
        s = row["s"].value
        if s not in classes:
            continue
        name = "networks" if row["side"].value == "in" else "members"
        about: dict[str, object] = {"via": "org:Membership"}
        if "role" in row:
            about["role"] = row["role"].value
        if "roleName" in row:
            about["roleName"] = row["roleName"].value
        add(s, name, row["other"], row["g"].value, **about)

    _move_people(store, vocab, found)
    _add_ministries(store, vocab, found)
    _add_territory_levels(store, vocab, found)
    _add_innovation_kinds(store, vocab, found)
    _add_labels(store, vocab, found, classes)
    labels = _labels(store, vocab, list(classes))
    cards = []
    for iri, cls in classes.items():
        kind, _, slug = iri[len(vocab.base) + len("id/") :].partition("/")
        fields: dict[str, Field] = {}
        for spec in FIELDS:
            if cls not in spec.applies:
                continue
            values = _merge_via(list(found[iri][spec.name].values()))
            field = Field(spec.name, STATED if values else NOT_STATED, values)
            if spec.name in answers[iri]:
                stated, docs = answers[iri][spec.name]
                field.answer_sources = sorted(set(docs))
                if not values:
                    field.status = STATED if stated else NO
            supersede(field, ranks, answer_rows[iri].get(spec.name))
            fields[spec.name] = field
        cards.append(Card(iri, kind, slug, cls, labels.get(iri, {}), fields))
    return sorted(cards, key=lambda c: (c.type, c.slug))


def _merge_via(values: list[Value]) -> list[Value]:
    """One value per IRI whatever the property it came through (org:memberOf and ^org:hasMember
    say the same thing): the properties are listed, the sources pooled."""
    merged: dict[tuple[str, str], Value] = {}
    for value in values:
        role = str(value.about.get("role", "")) + str(value.about.get("roleName", ""))
        key = (value.value, role)
        if key not in merged:
            merged[key] = value
            value.about["via"] = [value.about["via"]] if "via" in value.about else []
            continue
        kept = merged[key]
        for via in [value.about.get("via")]:
            if via and via not in kept.about["via"]:
                kept.about["via"].append(via)
        kept.sources.extend(s for s in value.sources if s not in kept.sources)
        for k, v in value.about.items():
            kept.about.setdefault(k, v)
    # A membership with a role says more than a bare org:memberOf about the same pair: keep the
    # former, with the latter's properties and sources. (Grouped by IRI first: a network's
    # thousands of members made a scan of all values per value quadratic.)
    with_role: dict[str, list[Value]] = defaultdict(list)
    for (iri, role), value in merged.items():
        if role:
            with_role[iri].append(value)
    for (iri, role), bare in list(merged.items()):
        roled = with_role.get(iri, [])
        if not role and roled:
            for kept in roled:
                kept.about["via"] += [via for via in bare.about["via"] if via not in kept.about["via"]]
                kept.sources.extend(s for s in bare.sources if s not in kept.sources)
            del merged[(iri, role)]
    # The same order whatever order the store answered in (the build's store and a served one
    # answer the same rows in different orders; the release's cards.json must equal the served
    # cards): by IRI, then role, with each value's properties and sources sorted.
    for value in merged.values():
        value.about["via"] = sorted(value.about["via"])
        value.sources.sort()
    return [merged[key] for key in sorted(merged)]


def _graph_sources(store: Selects, vocab: Vocabulary) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in store.select(queries.graph_sources(vocab)):
        out[row["g"].value].append(row["doc"].value)
    return {g: sorted(docs) for g, docs in out.items()}


def _select_batched(store: Selects, build: object, iris: list[str]) -> list[dict[str, Term]]:
    rows: list[dict[str, Term]] = []
    unique = sorted(set(iris))
    for start in range(0, len(unique), BATCH):
        rows.extend(store.select(build(unique[start : start + BATCH])))  # type: ignore[operator]
    return rows


def _move_people(store: Selects, vocab: Vocabulary, found: dict[str, dict[str, dict[str, Value]]]) -> None:
    """Persons among a structure's members go to "people and roles"; organisations stay members."""
    candidates = [v.value for fields in found.values() for v in fields["members"].values() if v.iri]
    people = {row["x"].value for row in _select_batched(store, lambda b: queries.persons(vocab, b), candidates)}
    for fields in found.values():
        for key, value in list(fields["members"].items()):
            if value.value in people:
                fields["people"][key] = fields["members"].pop(key)


def _closure(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every node reachable from ``start`` (not itself), cycles allowed."""
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    seen.discard(start)
    return seen


def _edges(rows: list[dict[str, Term]], a: str, b: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if a in row and b in row:
            out[row[a].value].add(row[b].value)
    return out


def _add_ministries(store: Selects, vocab: Vocabulary, found: dict[str, dict[str, dict[str, Value]]]) -> None:
    """The ministry each host belongs to through org:subOrganizationOf / org:unitOf (or the host
    itself): derived, so its sources are those of the host."""
    up = _edges(store.select(queries.host_edges(vocab)), "a", "b")
    ministries = {row["m"].value for row in store.select(queries.ministries(vocab))}
    for fields in found.values():
        for host in list(fields["host"].values()):
            for ministry in sorted(({host.value} | _closure(up, host.value)) & ministries):
                value = fields["ministry"].setdefault(ministry, Value(ministry, True, about={"derivedFrom": []}))
                if host.value not in value.about["derivedFrom"]:
                    value.about["derivedFrom"].append(host.value)
                value.sources.extend(s for s in host.sources if s not in value.sources)


def _add_territory_levels(store: Selects, vocab: Vocabulary, found: dict[str, dict[str, dict[str, Value]]]) -> None:
    rows = store.select(queries.place_edges(vocab))
    names = {"Commune": "commune", "Departement": "departement", "Region": "region"}
    levels = {row["t"].value: names[row["level"].value.rsplit("#", 1)[-1]] for row in rows if "level" in row}
    up = _edges(rows, "t", "up")
    for fields in found.values():
        for value in fields["territory"].values():
            value.about["level"] = levels.get(value.value, "other")
            containing = _closure(up, value.value)
            for level in ("departement", "region"):
                within = sorted(t for t in containing if levels.get(t) == level)
                if within:
                    value.about[level] = within


def _add_innovation_kinds(store: Selects, vocab: Vocabulary, found: dict[str, dict[str, dict[str, Value]]]) -> None:
    """Kinds of innovation are the themes under (or equal to) theme:public-innovation; every
    concept value also records its broader concepts, which the filters match."""
    root = vocab.concept("theme", "public-innovation")
    edges = _edges(store.select(queries.broader_edges(vocab)), "c", "b")
    names = ("kind", "services", "methods", "themes", "audiences", "maturity")
    for fields in found.values():
        for name in names:
            for value in fields[name].values():
                broader = _closure(edges, value.value)
                if broader:
                    value.about["broader"] = sorted(broader)
        for key, theme in fields["themes"].items():
            if theme.value == root or root in theme.about.get("broader", []):
                fields["innovationKinds"][key] = Value(
                    theme.value, True, sources=list(theme.sources), about=dict(theme.about)
                )


def _add_labels(
    store: Selects, vocab: Vocabulary, found: dict[str, dict[str, dict[str, Value]]], classes: dict[str, str]
) -> None:
    iris: set[str] = set()
    for fields in found.values():
        for values in fields.values():
            for v in values.values():
                if v.iri:
                    iris.add(v.value)
                role = v.about.get("role")
                if isinstance(role, str):
                    iris.add(role)
    labels = _labels(store, vocab, sorted(iris))
    for fields in found.values():
        for values in fields.values():
            for v in values.values():
                if v.iri:
                    v.labels = labels.get(v.value, {})
                role = v.about.get("role")
                if isinstance(role, str) and role in labels:
                    v.about["roleLabel"] = labels[role]


def _labels(store: Selects, vocab: Vocabulary, iris: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _select_batched(store, lambda b: queries.labels(vocab, b), iris):
        label = row["label"]
        out[row["x"].value].setdefault(label.language or "", label.value)
    return out
