"""The guideline as plain data for cards: sections with highlighted sentences, links, contents.

``cards.guide`` builds Adaptive Cards from these dicts and knows nothing of the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy.guide import Guide, Section, SectionTree
from policy.guide.highlight import mark

ANSWERS = 3
# A further answer is shown only when it scores at least this share of the best one.
ANSWER_SHARE = 0.5
EXCERPT = 32
# A part of the contents with more entries than this is shown as one button (keeps the card short).
MAX_PARTS = 8

View = dict[str, Any]


def display_title(tree: SectionTree, section: Section) -> str:
    """The printed title, or for untitled numbered text its first words."""
    if section.title:
        return section.title
    quoted = tree.first_leaf(section.id).quoted()
    first = quoted[0].text if quoted else section.id
    return first if len(first) <= EXCERPT else first[:EXCERPT] + "…"


def link(tree: SectionTree, section: Section) -> View:
    return {"id": section.id, "title": display_title(tree, section)}


def section_view(guide: Guide, section_id: str, weights: Mapping[str, float] | None = None) -> View:
    """One section; with ``weights`` (matched question terms and their rarity) sentences are marked."""
    tree = guide.tree
    section = tree[section_id]
    split = guide.index.sentences.get(section_id, [])  # parents have none
    marked = mark(split, weights) if weights else set()
    paragraphs = [
        {
            "kind": p.kind,
            "explanation": p.explanation,
            "sentences": [] if p.rows else [{"text": s.text, "marked": (i, j) in marked} for j, s in enumerate(split[i])],
            "rows": [{"cells": list(row), "marked": (i, j) in marked} for j, row in enumerate(p.rows)],
        }
        for i, p in enumerate(section.quoted())
    ]
    leaves = tree.leaves()
    position = next((i for i, leaf in enumerate(leaves) if leaf.id == section_id), None)
    return {
        "id": section.id,
        "title": display_title(tree, section),
        "path": [link(tree, a) for a in tree.ancestors(section_id)],
        "paragraphs": paragraphs,
        "children": [link(tree, tree[c]) for c in section.children],
        "previous": link(tree, leaves[position - 1]) if position else None,
        "next": link(tree, leaves[position + 1]) if position is not None and position + 1 < len(leaves) else None,
    }


def answer_view(guide: Guide, question: str) -> View:
    """The best 1–3 sections for ``question``, with related sections to follow up."""
    hits = guide.search(question, limit=ANSWERS + 2)
    shown = [h for h in hits[:ANSWERS] if h.exact or h.score >= ANSWER_SHARE * hits[0].score]
    results = [section_view(guide, h.section.id, guide.index.idf(h.terms)) for h in shown]
    related: list[View] = []
    seen = {h.section.id for h in shown}
    for hit in hits[len(shown) :]:
        related.append(link(guide.tree, hit.section))
        seen.add(hit.section.id)
    if shown and (parent := shown[0].section.parent) and parent not in seen:
        related.append(link(guide.tree, guide.tree[parent]))
    return {"question": question, "results": results, "related": related}


def contents_view(guide: Guide) -> list[View]:
    """Table of contents: chapters with their parts; the forms as one group; the cover left out."""
    entries: list[View] = []
    forms: list[View] = []
    for root in guide.tree.roots():
        if root.id == "表紙":
            continue
        if root.id.startswith("様式"):
            forms.append(link(guide.tree, root))
            continue
        parts = root.children
        if len(parts) == 1:  # 第3章 has one part; list what is inside it
            parts = guide.tree[parts[0]].children
        if len(parts) > MAX_PARTS:  # 用語解説: one button, its card lists the terms
            parts = []
        entries.append({**link(guide.tree, root), "children": [link(guide.tree, guide.tree[c]) for c in parts]})
    if forms:
        entries.append({"id": None, "title": "様式", "children": forms})
    return entries
