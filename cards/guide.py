"""/guide cards: the table of contents, answers quoting the rules, and one section in full.

Builders take the plain views of ``policy.guide.present`` (dicts, described by the TypedDicts
below); buttons are ``guide.open`` with ``{"section": id}`` and ``guide.contents``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypedDict

from cards.common import Element, adaptive_card, execute, text

SOURCE = "松戸市職員生成AI利活用ルール（第三版）"
OPEN = "guide.open"
CONTENTS = "guide.contents"
SUMMARIZE = "guide.summarize"
CONTACT_SECTION = "4章"
QUESTION_CHARS = 60
BUTTON_CHARS = 22
CRUMB_CHARS = 18


class Link(TypedDict):
    id: str
    title: str


class Sentence(TypedDict):
    text: str
    marked: bool


class Row(TypedDict):
    cells: list[str]
    marked: bool


class ParagraphView(TypedDict):
    kind: str  # text, subheading or table
    explanation: bool
    sentences: list[Sentence]
    rows: list[Row]


class SectionView(TypedDict):
    id: str
    title: str
    path: list[Link]
    paragraphs: list[ParagraphView]
    children: list[Link]
    previous: Link | None
    next: Link | None


class AnswerView(TypedDict):
    question: str
    results: list[SectionView]
    related: list[Link]


class ContentsEntry(TypedDict):
    id: str | None
    title: str
    children: list[Link]


def label(section_id: str) -> str:
    """How a section is named to people: 第2章 5-1(1), 用語(※4), 様式1."""
    chapter, mark, rest = section_id.partition("章")
    if mark and chapter.isdigit():
        return f"第{chapter}章 {rest}".strip()
    return {"用語": "用語解説", "別紙機密性": "別紙 機密性"}.get(section_id, section_id)


def open_button(link: Link, title: str | None = None) -> Element:
    return execute(title or _short(f"{label(link['id'])} {link['title']}"), OPEN, {"section": link["id"]})


def contents_button() -> Element:
    return execute("目次", CONTENTS, {})


def contents_card(entries: list[ContentsEntry]) -> dict[str, Any]:
    """``/guide`` with no words: every chapter and its parts, each a button."""
    body: list[Element] = [
        text(f"{SOURCE} 目次", weight="Bolder", size="Medium", style="heading"),
        text("見たい項目を選んでください。「/guide 質問」と入力すると、ルールの該当箇所を探します。", isSubtle=True),
    ]
    for entry in entries:
        heading = f"{label(entry['id'])}　{entry['title']}" if entry["id"] and entry["id"][0].isdigit() else entry["title"]
        links = entry["children"] or ([{"id": entry["id"], "title": entry["title"]}] if entry["id"] else [])
        body.append(
            {
                "type": "Container",
                "separator": True,
                "spacing": "Medium",
                "items": [text(heading, weight="Bolder"), *(_link_row(link) for link in links)],
            }
        )
    return adaptive_card(body)


def answer_card(view: AnswerView, summarize: bool = False) -> dict[str, Any]:
    """``/guide <question>``: the best sections, relevant sentences first, 「全文」 on demand.

    ``summarize`` adds 「AIで要約」 (when the person's service is configured): the answer stays the
    rules' words; the summary comes as a separate, AI-labelled message with the 6-5 notice.
    """
    if not view["results"]:
        return no_answer_card(view["question"])
    body: list[Element] = [
        text(f"「{_short(view['question'], QUESTION_CHARS)}」に関係するルールの箇所です。", weight="Bolder"),
        text(f"出典: {SOURCE}。ルールの文面をそのまま引用しています。", isSubtle=True, size="Small", spacing="None"),
    ]
    for number, section in enumerate(view["results"], start=1):
        body.append(_answer_block(section, number))
    if view["related"]:
        # Links that wrap, rather than buttons: Teams cuts a button's Japanese title at one line.
        body.append(text("関連する箇所", weight="Bolder", separator=True, spacing="Medium"))
        body.extend(_link_row(link) for link in view["related"][:3])
    actions = [contents_button(), open_button(_contact(), "問い合わせ先")]
    if summarize:
        ids = [section["id"] for section in view["results"]]
        actions.insert(0, execute("AIで要約", SUMMARIZE, {"sections": ids}, inputs=False))
    return adaptive_card(body, actions)


def summary_pending_card(sections: list[Link], left_out: list[Link] | None = None) -> dict[str, Any]:
    """What replaces the answer card while the summary is written: the sections, still one click away."""
    body: list[Element] = [
        text("AIで要約しています。要約はこのあと別のメッセージで届きます。", weight="Bolder"),
        text(
            "要約は生成AIが作成したもので、誤りを含むことがあります。判断にはルールの本文を使ってください。",
            isSubtle=True,
        ),
        *(_link_row(link) for link in sections),
    ]
    if left_out:
        body.append(text("次の箇所は、本文に入力を止める対象と同じ言葉が含まれるため、要約に含めていません。", spacing="Medium"))
        body.extend(_link_row(link) for link in left_out)
    return adaptive_card(body, [contents_button()])


def no_answer_card(question: str) -> dict[str, Any]:
    body = [
        text(f"「{_short(question, QUESTION_CHARS)}」に当てはまる箇所は見つかりませんでした。", weight="Bolder"),
        text("言葉を変えて質問するか、目次から探してください。ルールについてはDX推進課にお問い合わせください。"),
    ]
    return adaptive_card(body, [contents_button(), open_button(_contact(), "問い合わせ先")])


def section_card(section: SectionView) -> dict[str, Any]:
    """One section in full (a leaf), or the list of its parts (a parent).

    The chat path uses this for the section a block or notice names; build the view with
    ``policy.guide.present.section_view``.
    """
    body: list[Element] = [*_heading(section, size="Medium")]
    if section["children"]:
        body.append(text("この節には次の項目があります。", isSubtle=True))
        body.extend(_link_row(link) for link in section["children"])
    else:
        body.extend(_paragraphs(section["paragraphs"], bold_marked=True))
    body.append(text(f"出典: {SOURCE}", isSubtle=True, size="Small", separator=True))
    actions: list[Element] = []
    if section["previous"]:
        actions.append(open_button(section["previous"], "前の項目"))
    if section["next"]:
        actions.append(open_button(section["next"], "次の項目"))
    if section["path"]:
        actions.append(open_button(section["path"][-1], "上の階層"))
    actions.append(contents_button())
    return adaptive_card(body, actions)


def _answer_block(section: SectionView, number: int) -> Element:
    full_id = f"full-{number}"
    marked = [s for p in section["paragraphs"] for s in p["sentences"] if s["marked"]]
    tables = [p["rows"] for p in section["paragraphs"] if any(r["marked"] for r in p["rows"])]
    if marked or tables:
        excerpt = [text(s["text"]) for s in marked] + [_excerpt_table(rows) for rows in tables]
    else:
        first = [s for p in section["paragraphs"] for s in p["sentences"]][:2]
        excerpt = [text(s["text"]) for s in first]
    return {
        "type": "Container",
        "separator": True,
        "spacing": "Large",
        "items": [
            *_heading(section, size="Default"),
            {"type": "Container", "style": "emphasis", "items": excerpt},
            {
                "type": "Container",
                "id": full_id,
                "isVisible": False,
                "items": [text("全文", weight="Bolder", size="Small"), *_paragraphs(section["paragraphs"], bold_marked=True)],
            },
            {
                "type": "ActionSet",
                "actions": [
                    {"type": "Action.ToggleVisibility", "title": "全文", "targetElements": [full_id]},
                    open_button(section, "この項目を開く"),
                ],
            },
        ],
    }


def _heading(section: SectionView, size: str) -> list[Element]:
    path = " › ".join(_crumb(p) for p in section["path"])
    return [
        {
            "type": "ColumnSet",
            "columns": [
                {"type": "Column", "width": "stretch", "items": [text(section["title"], weight="Bolder", size=size)]},
                {"type": "Column", "width": "auto", "items": [text(label(section["id"]), isSubtle=True, size="Small")]},
            ],
        },
        *([text(path, isSubtle=True, size="Small", spacing="None")] if path else []),
    ]


def _paragraphs(paragraphs: list[ParagraphView], bold_marked: bool) -> list[Element]:
    """The quoted text; a 【解説】 in its own shaded box, as the rules set it apart."""
    out: list[Element] = []
    explanation: list[Element] = []

    def close_explanation() -> None:
        if explanation:
            out.append({"type": "Container", "style": "emphasis", "items": [text("【解説】", weight="Bolder", size="Small"), *explanation]})
            explanation.clear()

    for paragraph in paragraphs:
        element = _paragraph(paragraph, bold_marked)
        if paragraph["explanation"]:
            explanation.append(element)
        else:
            close_explanation()
            out.append(element)
    close_explanation()
    return out


def _paragraph(paragraph: ParagraphView, bold_marked: bool) -> Element:
    if paragraph["kind"] == "table":
        return _table(paragraph["rows"], bold_marked)
    words = "".join(_bold(s["text"]) if bold_marked and s["marked"] else s["text"] for s in paragraph["sentences"])
    return text(words, weight="Bolder") if paragraph["kind"] == "subheading" else text(words)


def _has_header(rows: list[Row]) -> bool:
    """A grid whose rows all have the same cells starts with its header (別紙 機密性); a form's
    mixed rows (様式1: 提出日, then the users' table) do not."""
    return len({len(r["cells"]) for r in rows}) == 1 and len(rows) > 1


def _excerpt_table(rows: list[Row]) -> Element:
    """The matching rows of a table, under its header when it has one."""
    header = rows[:1] if _has_header(rows) and not rows[0]["marked"] else []
    return _table([*header, *(r for r in rows if r["marked"])], bold_marked=False)


def _table(rows: list[Row], bold_marked: bool) -> Element:
    count = max(len(r["cells"]) for r in rows)
    cells = [[*r["cells"], *[""] * (count - len(r["cells"]))] for r in rows]
    return {
        "type": "Table",
        "columns": [{"width": _column_weight([row[i] for row in cells])} for i in range(count)],
        "firstRowAsHeader": _has_header(rows),
        "showGridLines": True,
        "rows": [
            {"type": "TableRow", "cells": [_cell(c, bold=bold_marked and r["marked"]) for c in row]}
            for r, row in zip(rows, cells, strict=True)
        ],
    }


def _column_weight(cells: list[str]) -> int:
    """Wide columns for long text, narrow ones for a mark or a number (分類 3, ×)."""
    longest = max((len(line) for cell in cells for line in cell.split("\n")), default=0)
    return min(max(longest // 4, 2), 6)


def _cell(value: str, bold: bool) -> Element:
    # One TextBlock a line: the rules' cells are lists of 「・」 items.
    lines = [line.strip() for line in value.split("\n") if line.strip()]
    return {"type": "TableCell", "items": [text(_bold(line) if bold else line, size="Small", spacing="None")
                                           for line in lines]}


def _bold(words: str) -> str:
    # TextBlock markdown: ** must hug the words, or it is printed as is.
    stripped = words.strip()
    return f"**{stripped}**" if stripped else words


def _crumb(link: Link) -> str:
    """第2章 for a chapter; otherwise the (shortened) title, to keep the trail on one line."""
    if link["id"].endswith("章"):
        return label(link["id"])
    return _short(link["title"], CRUMB_CHARS)


def _link_row(link: Link) -> Element:
    return {
        "type": "ColumnSet",
        "spacing": "Small",
        # The whole name, not the shortened button title: screen readers read it out.
        "selectAction": open_button(link, f"{label(link['id'])} {link['title']}"),
        "columns": [
            {"type": "Column", "width": "auto", "items": [text(label(link["id"]), isSubtle=True, size="Small")]},
            {"type": "Column", "width": "stretch", "items": [text(link["title"], color="Accent")]},
        ],
    }


def _contact() -> Link:
    return {"id": CONTACT_SECTION, "title": "問い合わせ"}


def _short(words: str, limit: int = BUTTON_CHARS) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _sample(name: str) -> Any:
    """Views of the real rules, saved by ``tests/guide/sample_views.py``."""
    path = Path(__file__).with_name("data") / "guide-samples.json"
    return json.loads(path.read_text(encoding="utf-8"))[name]


SAMPLES = {
    "guide_contents": lambda: contents_card(_sample("contents")),
    "guide_answer": lambda: answer_card(_sample("answer"), summarize=True),
    "guide_answer_table": lambda: answer_card(_sample("answer_table")),
    "guide_answer_english": lambda: answer_card(_sample("answer_english")),
    "guide_no_answer": lambda: answer_card(_sample("no_answer")),
    "guide_summary_pending": lambda: summary_pending_card(
        [{"id": r["id"], "title": r["title"]} for r in _sample("answer")["results"]]
    ),
    "guide_section": lambda: section_card(_sample("section")),
    "guide_section_parent": lambda: section_card(_sample("section_parent")),
    "guide_section_form": lambda: section_card(_sample("section_form")),
}
