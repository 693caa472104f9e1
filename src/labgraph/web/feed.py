"""The Atom feed (RFC 4287) of the releases: one entry per release, newest first, with its date,
the triples it added and removed, the resources it changed most, and a link to its diff."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

#: Entries in the feed (the history holds every release; a reader wants the recent ones).
FEED_ENTRIES = 50


def atom_feed(entries: list[dict[str, Any]], root: str, kept: set[int], base_uri: str) -> str:
    """The feed as text; ``root`` is the served address ending with '/', so links work from it.
    The entries' ids are tag-free URNs of the release numbers under the base, which stay the
    same whatever address the feed is read at."""
    updated = entries[0]["created"] if entries else "1970-01-01T00:00:00+00:00"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"<id>{escape(base_uri)}id/dataset/labgraph/releases</id>",
        "<title>labgraph releases</title>",
        f"<updated>{escape(updated)}</updated>",
        "<author><name>labgraph</name></author>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(root + "releases/feed.atom")}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(root + "releases/")}/>',
    ]
    for entry in entries[:FEED_ENTRIES]:
        number = int(entry["number"])
        changed = ", ".join(f"{iri} ({n})" for iri, n in entry.get("changed", []))
        text = (
            f"Release {number}: {entry['triples']} triples; {entry['added']} added, {entry['removed']} removed"
            + (f" since release {entry['previous']}" if entry.get("previous") else "")
            + (f". Changed most: {changed}" if changed else "")
            + (f". Gone: {', '.join(entry['gone'])}" if entry.get("gone") else "")
            + "."
        )
        link = root + (f"releases/{number}/diff" if number in kept else f"releases/#release-{number}")
        lines += [
            "<entry>",
            f"<id>{escape(base_uri)}id/dataset/labgraph/release/{number}</id>",
            f"<title>Release {number}: +{entry['added']} −{entry['removed']}</title>",
            f"<updated>{escape(entry['created'])}</updated>",
            f"<published>{escape(entry['created'])}</published>",
            f'<link rel="alternate" type="text/html" href={quoteattr(link)}/>',
            *(
                [f'<link rel="related" type="application/rdf-patch" '
                 f'href={quoteattr(root + f"releases/{number}/changes/patch.rdfp")}/>']
                if number in kept
                else []
            ),
            f"<summary>{escape(text)}</summary>",
            "</entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
