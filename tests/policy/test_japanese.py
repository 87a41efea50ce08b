"""The tokenizer screening and /guide share: offsets that index the text, white space as MeCab
skips it, tokens built on demand equal to the full list."""

from __future__ import annotations

import sys

import pytest

from policy.japanese import _SKIPPED, Tokens, _tagger, tokenize


def _surfaces(text: str) -> list[str]:
    return [line.split("\t")[0] for line in _tagger().parse(text).split("\n") if "\t" in line]


def test_mecab_skips_exactly_the_white_space_the_offsets_assume():
    # Tokens computes offsets from the surfaces joined being the text without _SKIPPED: check that
    # premise for every code point, a thousand at a time between letters MeCab keeps.
    for first in range(1, sys.maxunicode + 1, 1000):
        chars = [chr(c) for c in range(first, min(first + 1000, sys.maxunicode + 1)) if not 0xD800 <= c <= 0xDFFF]
        text = "".join("あ" + c for c in chars if c != "\x00")
        assert "".join(_surfaces(text)) == _SKIPPED.sub("", text), hex(first)


TEXTS = [
    "氏名：山田 太郎 様（45歳）\n住所は松戸市根本387-5です。",
    "  先頭と末尾に空白  \t\n",
    "全角の\u3000空白と\r\n改行、\vタブ\tの混在",
    "ｶﾀｶﾅ と ABC def 123",
    "",
    "   ",
    "前\x00後ろは MeCab に届きません",
    "絵文字🙂と結合文字e\u0301",
]


@pytest.mark.parametrize("text", TEXTS)
def test_offsets_index_the_text(text):
    tokens = tokenize(text)
    end = 0
    for token in tokens:
        assert text[token.start : token.end] == token.surface
        assert text[end : token.start].strip(" \t\n\v") == ""  # only skipped white space between
        end = token.end


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_built_on_demand_equal_the_list(text):
    tokens = Tokens(text)
    whole = tokenize(text)
    assert len(tokens) == len(whole)
    for k in reversed(range(len(whole))):  # any order of reading gives the same tokens
        assert tokens[k] == whole[k]
    assert list(tokens) == whole
    assert tokens[-1:] == whole[-1:]


def test_indexes_by_part_of_speech():
    text = "山田さんと東京で会いました"
    tokens = Tokens(text)
    proper = tokens.indexes(1, "固有名詞")
    assert [tokens[k].surface for k in proper] == ["山田", "東京"]
    assert [k for k, t in enumerate(tokenize(text)) if t.pos[1] == "固有名詞"] == proper


def test_text_after_a_nul_is_not_tokenized():
    assert [t.surface for t in tokenize("山田\x00太郎")] == ["山田"]
