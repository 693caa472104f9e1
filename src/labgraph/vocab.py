"""labgraph's own vocabulary bound to one base: its terms, the URIs it mints, its prefixes.

Code names labgraph's terms as CURIEs (``lg:siren``, ``lg:Lab``) and this object expands them
under the configured base, so a deployment under another base matches, groups and mints exactly
what the default one does: no module holds the default base as a literal, and nothing patches
IRIs with ``str.replace``. One object per base, built once (:func:`vocabulary`).

Part of the foundation: it builds on :mod:`labgraph.uris` (the URI contract) and
:mod:`labgraph.namespaces` (the reused vocabularies) and nothing else.
"""

from __future__ import annotations

from functools import cache, cached_property

from labgraph.namespaces import STANDARD_PREFIXES
from labgraph.uris import AUTHORING_BASE, graph_iri, is_valid_slug, ontology_namespace, prefixes, thing_iri


class Vocabulary:
    def __init__(self, base: str) -> None:
        if not base.endswith("/"):
            raise ValueError(f"a base URI ends with '/': {base!r}")
        self.base = base
        #: The ontology's namespace, ``{base}def/``.
        self.ontology = ontology_namespace(base)

    def term(self, name: str) -> str:
        """An ontology term: ``term("siren")`` is ``{base}def/siren``."""
        return self.ontology + name

    def thing(self, kind: str, slug: str) -> str:
        """The URI of a thing: ``{base}id/{kind}/{slug}``, for a known kind and a valid slug."""
        if not is_valid_slug(slug):
            raise ValueError(f"not a valid slug: {slug!r}")
        return thing_iri(self.base, kind, slug)

    def graph(self, name: str) -> str:
        return graph_iri(self.base, name)

    def concept(self, scheme: str, slug: str) -> str:
        return f"{self.base}id/concept/{scheme}/{slug}"

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Every prefix labgraph writes and reads: the reused vocabularies' and its own."""
        return {**STANDARD_PREFIXES, **prefixes(self.base)}

    @cached_property
    def _longest_first(self) -> list[tuple[str, str]]:
        return sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))

    def expand(self, name: str) -> str:
        """``lg:siren`` -> the full IRI under this base; a full IRI is returned as it is."""
        prefix, sep, local = name.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return name

    def expand_all(self, names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        return tuple(self.expand(n) for n in names)

    def curie(self, iri: str) -> str:
        """The shortest prefixed name of an IRI, or the IRI itself when no prefix fits."""
        for name, namespace in self._longest_first:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace) :]}"
        return iri

    def rebase(self, iri: str) -> str:
        """An IRI written under the authoring base (the data files'), moved under this base."""
        if self.base != AUTHORING_BASE and iri.startswith(AUTHORING_BASE):
            return self.base + iri[len(AUTHORING_BASE) :]
        return iri

    def rebase_text(self, text: str) -> str:
        """A text written against the authoring base (a catalogue query), moved under this base."""
        return text.replace(AUTHORING_BASE, self.base) if self.base != AUTHORING_BASE else text

    def __repr__(self) -> str:
        return f"Vocabulary({self.base!r})"


@cache
def vocabulary(base: str = AUTHORING_BASE) -> Vocabulary:
    """The vocabulary of a base, built once per process."""
    return Vocabulary(base)
