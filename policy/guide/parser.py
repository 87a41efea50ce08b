"""Parse the guideline (markdown) into sections with the ids of ``shared/guideline/sections.md``.

The five id rules are applied to the text itself, so a new edition of the rules is a file swap.
Markdown is only a hint here: the guideline's own numbers decide where a section starts,
whatever the heading level.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Literal

from policy.guide.sections import Paragraph, ParagraphKind, Section, SectionTree, is_within

Region = Literal["cover", "chapter", "glossary", "annex", "forms"]

# Rule 3: circled numbers are list items, never ids (checked before anything could fold them).
_CIRCLED = re.compile(r"[\u2460-\u2473\u24eb-\u24f4\u2776-\u277f]")
_MARKUP_PREFIX = re.compile(r"^(?:#+\s*|[-*]\s+|\*\*)+")
_CHAPTER = re.compile(r"第\s*(\d+)\s*章\s*(.*)")
_NUMBER_PAIR = re.compile(r"(\d+)\s*[-－‐−]\s*(\d+)(?!\d)\s*(.*)")
_NUMBER = re.compile(r"(\d+)\s+(\S.*)")
_ITEM = re.compile(r"[(（](\d+)[)）]\s*(.*)")
_TERM = re.compile(r"[(（]※\s*(\d+)[)）]\s*(.*)")
_FORM_MARK = re.compile(r"【様式\s*(\d+)】")
_GLOSSARY = re.compile(r"■?用語解説")
_ANNEX_START = "松戸市情報セキュリティポリシー第5"
_EXPLANATION = "【解説】"
_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"_{2,}")
_SPACES = re.compile(r"[ \u3000]{2,}")
_CLOSED = ("。", "）", ")", "」", "』", "】", ">", "＞", ":", "：")
_OPENERS = ("・", "例", "(", "（", "【", "<", "＜", "※", "「")


class GuidelineError(ValueError):
    """The guideline text does not yield a usable section tree."""


def clean(line: str) -> str:
    """A markdown line as printed: markup, escapes, fill-in blanks and tags removed."""
    text = _MARKUP_PREFIX.sub("", line.strip())
    text = text.replace("**", "").replace("\\_", "_").replace("\\", "")
    text = _BLANKS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _cell(raw: str) -> str:
    items = re.split(r"<li[^>]*>", raw)
    parts = [_TAG.sub("", html.unescape(part)).strip() for part in items]
    return "\n".join(p for p in parts if p)


def _table_row(line: str) -> tuple[str, ...] | None:
    cells = tuple(_cell(c) for c in line.rstrip("\n").split("\t"))
    if all(re.fullmatch(r"-*", c) for c in cells):
        return None  # markdown separator rows and empty lines of a table
    return cells


@dataclass
class _State:
    sections: list[Section] = field(default_factory=list)
    region: Region = "cover"
    chapter: int = 0
    pair: str | None = None  # the last ``N章N-M`` in force
    item: int = 0
    nested: bool = False  # (k) numbering restarted inside a 【解説】: a list, not ids
    explanation: bool = False
    table: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def current(self) -> Section:
        return self.sections[-1]

    def open(self, section_id: str, title: str | None) -> None:
        self.flush_table()
        self.sections.append(Section(section_id, title or None))
        self.explanation = False

    def add(self, kind: ParagraphKind, text: str) -> None:
        self.flush_table()
        if not text:
            return
        explanation = self.explanation and kind != "heading"
        paragraphs = self.current.paragraphs
        last = paragraphs[-1] if paragraphs else None
        if kind == "text" and last and last.kind == "text" and last.explanation == explanation and _continues(last.text, text):
            paragraphs[-1] = Paragraph("text", last.text + text, explanation)
            return
        paragraphs.append(Paragraph(kind, text, explanation))


    def flush_table(self) -> None:
        if self.table:
            rows = tuple(self.table)
            text = " ".join(" ".join(r) for r in rows)
            self.current.paragraphs.append(Paragraph("table", text, self.explanation, rows))
            self.table = []


def _continues(previous: str, line: str) -> bool:
    """A sentence the source broke across lines (「…下記データの入力を」「禁止する。」)."""
    if previous.endswith(_CLOSED) or not line.endswith("。") or line.startswith(_OPENERS):
        return False
    return not (previous.startswith(_OPENERS) or _CIRCLED.match(previous))  # list items stand alone


def parse(markdown: str) -> SectionTree:
    state = _State()
    state.open("表紙", None)
    for raw in markdown.splitlines():
        if not raw.strip():
            continue
        if "\t" in raw:
            row = _table_row(raw)
            if row is not None:
                state.table.append(row)
            continue
        _line(state, raw.lstrip().startswith("#"), clean(raw))
    state.flush_table()
    return _link(state.sections)


def _line(state: _State, heading: bool, text: str) -> None:
    if not text:
        return
    if _region_change(state, text):
        return
    if state.region == "chapter" and _numbered(state, heading, text):
        return
    if state.region == "glossary" and (term := _TERM.match(text)):
        state.open(f"用語(※{int(term.group(1))})", term.group(2).strip())
        state.add("heading", text)
        return
    if text.startswith(_EXPLANATION):
        state.explanation = True
        state.add("heading", text)
        return
    if heading and state.region in ("cover", "annex", "forms"):
        if state.current.title is None:
            state.current.title = text
            state.add("heading", text)
            return
        if state.region == "forms":
            # Rule 5: a form without its 【様式n】 mark starts at its own title.
            number = int(state.current.id.removeprefix("様式")) + 1
            state.open(f"様式{number}", text)
            state.add("heading", text)
            return
    state.add("subheading" if heading else "text", text)


def _region_change(state: _State, text: str) -> bool:
    if chapter := _CHAPTER.fullmatch(text):
        state.region, state.chapter, state.pair = "chapter", int(chapter.group(1)), None
        state.open(f"{state.chapter}章", chapter.group(2).strip())
        state.add("heading", text)
        return True
    if state.region == "chapter" and _GLOSSARY.fullmatch(text):
        state.region = "glossary"
        state.open("用語", "用語解説")
        state.add("heading", text)
        return True
    if text.startswith(_ANNEX_START) and state.region != "cover":
        state.region = "annex"
        state.open("別紙機密性", None)
        state.add("subheading", text)
        return True
    if state.region in ("annex", "forms") and (mark := _FORM_MARK.fullmatch(text)):
        state.region = "forms"
        state.open(f"様式{int(mark.group(1))}", None)
        state.add("heading", text)
        return True
    return False


def _numbered(state: _State, heading: bool, text: str) -> bool:
    """Open the section a chapter line's own number starts (rule 2); False if it has none."""
    if _CIRCLED.match(text):
        return False
    if pair := _NUMBER_PAIR.match(text):
        section_id = f"{state.chapter}章{int(pair.group(1))}-{int(pair.group(2))}"
        state.pair, state.item, state.nested = section_id, 0, False
        _open_numbered(state, section_id, heading, pair.group(3))
        return True
    if item := _ITEM.match(text):
        k = int(item.group(1))
        if state.pair is None or state.nested or k != state.item + 1:
            state.nested = state.pair is not None
            return False
        state.item = k
        _open_numbered(state, f"{state.pair}({k})", heading, item.group(2))
        return True
    if number := _NUMBER.match(text):
        state.pair, state.nested = None, False
        _open_numbered(state, f"{state.chapter}章{int(number.group(1))}", heading, number.group(2))
        return True
    return False


def _open_numbered(state: _State, section_id: str, heading: bool, rest: str) -> None:
    rest = rest.strip()
    # The text after a number is a title unless it is a sentence of the rules (rule table: "—").
    if heading or "。" not in rest:
        state.open(section_id, rest)
        state.add("heading", rest)
    else:
        state.open(section_id, None)
        state.add("text", rest)


def _link(sections: list[Section]) -> SectionTree:
    """Parents by the ancestor rule; a parent's own text moves to its first leaf (rule 4)."""
    stack: list[Section] = []
    for section in sections:
        while stack and not is_within(section.id, stack[-1].id):
            stack.pop()
        if stack:
            section.parent = stack[-1].id
            stack[-1].children.append(section.id)
        stack.append(section)
    tree = SectionTree(sections)
    # Inner parents first, so that an outer parent's text ends up before an inner one's.
    for section in reversed(sections):
        if section.children and section.paragraphs:
            leaf = tree.first_leaf(section.id)
            leaf.paragraphs[:0] = section.paragraphs
            section.paragraphs = []
    _check(tree)
    return tree


def _check(tree: SectionTree) -> None:
    if not any(s.id.endswith("章") for s in tree):
        raise GuidelineError("ガイドラインに「第N章」の見出しが見つかりません。")
    empty = [s.id for s in tree.leaves() if not s.title and not s.quoted()]
    if empty:
        raise GuidelineError(f"本文のない節があります: {', '.join(empty)}")
