"""The guideline parsed into the canonical sections of shared/guideline/sections.md (issue 6)."""

from __future__ import annotations

import re

import pytest

from policy.guide import DEFAULT_GUIDELINE, GuidelineError, guideline_path, is_within, load_guide
from policy.guide.parser import parse


def _squash(words: str) -> str:
    return re.sub(r"\s", "", words)


def test_leaves_are_the_78_canonical_ids_in_document_order(tree, canonical):
    leaves, _ = canonical
    assert len(leaves) == 78
    assert [s.id for s in tree.leaves()] == [row.id for row in leaves]


def test_titles_and_opening_words_match_the_table(tree, canonical):
    leaves, _ = canonical
    for row in leaves:
        section = tree[row.id]
        assert _squash(section.title or "—") == _squash(row.title), row.id
        # The table shows the first ~40 characters of the text without the title; a first leaf
        # starts with its parent's lead (rule 4).
        assert _squash(section.plain_text()).startswith(_squash(row.content.rstrip("…"))), row.id


def test_parents_hold_their_children_and_no_text(tree, canonical):
    _, parents = canonical
    assert len(parents) == 25
    assert sorted(s.id for s in tree.parents()) == sorted(row.id for row in parents)
    for row in parents:
        section = tree[row.id]
        assert int(row.content.split(":")[0]) == len(section.children), row.id
        assert _squash(section.title or "—") == _squash(row.title), row.id
        assert section.paragraphs == []


@pytest.mark.parametrize(
    ("candidate", "ancestor", "inside"),
    [
        ("2章5-1(1)", "2章5-1(1)", True),
        ("2章5-1(1)", "2章5-1", True),
        ("2章5-1(1)", "2章5", True),
        ("2章5-1(1)", "2章", True),
        ("2章5", "2章5-1", False),  # a parent is not inside its child
        ("2章10", "2章1", False),
        ("12章1", "2章", False),
        ("用語(※11)", "用語", True),
        ("用語(※1)", "用語(※11)", False),
        ("様式1", "様式", False),
    ],
)
def test_ancestor_rule(candidate, ancestor, inside):
    assert is_within(candidate, ancestor) is inside


def test_explanations_belong_to_the_section_they_explain(tree):
    # 【解説】 marked as such, and in the leaf in force where it stands (rule 3).
    assert tree["2章5-1(1)"].has_explanation
    assert "機密性2情報とは" in tree["2章5-1(1)"].plain_text()
    assert not tree["2章7-1(6)"].has_explanation
    assert "情報セキュリティ実施責任者の役割" in tree["2章7-2(3)"].plain_text()
    # The (1)…(4) inside 【解説】2-2(2) repeat ①…④: text of 2章2-2(2), not ids.
    assert "2章2-2(3)" not in tree
    assert "文章の校正や、表を作成する際の補助的手段" in tree["2章2-2(2)"].plain_text()


def test_sentences_broken_across_lines_are_joined(tree):
    texts = [p.text for p in tree["2章5-1(1)"].quoted()]
    assert "また、知的財産権の必要性や法規制の順守という観点から、下記データの入力を禁止する。" in texts


def test_tables_keep_their_rows(tree):
    (table,) = [p for p in tree["別紙機密性"].quoted() if p.kind == "table"]
    assert table.rows[0] == ("分類", "分類基準", "取扱制限", "ChatGPT上での 入力可否")
    assert [row[0] for row in table.rows[1:]] == ["3", "2", "1"]
    assert [row[-1] for row in table.rows[1:]] == ["×", "×", "○"]


NEW_ITEM = "- (4) 生成AIで作成した画像の入力\n\n"


def test_a_new_edition_is_a_file_swap(tmp_path):
    """An item added to the rules gets its id from the text; GUIDELINE_PATH selects the file."""
    text = DEFAULT_GUIDELINE.read_text(encoding="utf-8")
    anchor = "5 - 2 既存の著作物に"
    edition = tmp_path / "rules-v4.md"
    edition.write_text(text.replace(anchor, NEW_ITEM + anchor, 1), encoding="utf-8")

    path = guideline_path({"GUIDELINE_PATH": str(edition)})
    assert path == edition
    guide = load_guide(path)
    assert guide.tree["2章5-1(4)"].title == "生成AIで作成した画像の入力"
    assert guide.tree["2章5-1"].children[-1] == "2章5-1(4)"
    assert guide.search("生成AIで作成した画像を入力していい?")[0].section.id == "2章5-1(4)"


def test_default_path_is_the_shipped_edition():
    assert guideline_path({}) == DEFAULT_GUIDELINE
    assert guideline_path({"GUIDELINE_PATH": "  "}) == DEFAULT_GUIDELINE


def test_unreadable_or_unusable_guidelines_are_refused_in_japanese(tmp_path):
    with pytest.raises(GuidelineError, match="ガイドラインを読み込めません"):
        load_guide(tmp_path / "missing.md")
    with pytest.raises(GuidelineError, match="第N章"):
        parse("# 何かの文書\n\n本文です。\n")
