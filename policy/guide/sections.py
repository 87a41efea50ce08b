"""The guideline as a tree of sections with the canonical ids of ``shared/guideline/sections.md``.

Leaves hold the text (each piece of the guideline in exactly one leaf); a parent is the union
of its children and holds only its title.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

# heading: a title line or a 【解説】/【様式n】 label, not part of the quoted text;
# subheading: a heading inside the text (e.g. ②… in a 【解説】); table: ``rows`` filled.
ParagraphKind = Literal["heading", "subheading", "text", "table"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    kind: ParagraphKind
    text: str
    explanation: bool = False  # inside a 【解説】
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(slots=True)
class Section:
    id: str
    title: str | None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def has_explanation(self) -> bool:
        return any(p.explanation for p in self.paragraphs)

    def quoted(self) -> list[Paragraph]:
        """The paragraphs that are the guideline's words (titles and labels left out)."""
        return [p for p in self.paragraphs if p.kind != "heading"]

    def plain_text(self) -> str:
        """The quoted words as one string, table cells separated by spaces."""
        parts: list[str] = []
        for p in self.quoted():
            parts.append(" ".join(" ".join(row) for row in p.rows) if p.kind == "table" else p.text)
        return " ".join(parts)


def is_within(candidate: str, ancestor: str) -> bool:
    """True when ``candidate`` is ``ancestor`` or inside it (sections.md rule 4).

    An ancestor is a prefix followed by ``-``, ``(`` or, right after 章, a digit.
    """
    if candidate == ancestor:
        return True
    if not candidate.startswith(ancestor) or len(candidate) == len(ancestor):
        return False
    following = candidate[len(ancestor)]
    return following in "-(" or (ancestor.endswith("章") and following.isdigit())


class SectionTree:
    """All sections by id, in document order."""

    def __init__(self, sections: list[Section]):
        self._by_id = {s.id: s for s in sections}
        if len(self._by_id) != len(sections):
            raise ValueError("duplicate section ids")

    def __getitem__(self, section_id: str) -> Section:
        return self._by_id[section_id]

    def __contains__(self, section_id: object) -> bool:
        return section_id in self._by_id

    def __iter__(self) -> Iterator[Section]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def leaves(self) -> list[Section]:
        return [s for s in self if s.is_leaf]

    def parents(self) -> list[Section]:
        return [s for s in self if not s.is_leaf]

    def roots(self) -> list[Section]:
        return [s for s in self if s.parent is None]

    def ancestors(self, section_id: str) -> list[Section]:
        """Outermost first, the section itself excluded."""
        chain: list[Section] = []
        parent = self[section_id].parent
        while parent is not None:
            chain.append(self[parent])
            parent = self[parent].parent
        return chain[::-1]

    def first_leaf(self, section_id: str) -> Section:
        section = self[section_id]
        while section.children:
            section = self[section.children[0]]
        return section
