"""Index terms of Japanese (and some English) text, from the tokenizer screening uses.

A term is a lemma of a content word (so 載せる/載せた/載せて match) or a run of nouns joined
into a compound (著作権侵害, 秘密保持契約), which rewards exact multi-word matches.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from policy.japanese import Token, tokenize

_CONTENT = {"名詞", "動詞", "形容詞", "形状詞", "接尾辞", "接頭辞"}
_NON_CONTENT_SUB = {"非自立可能", "数詞", "助数詞可能"}
_COMPOUND_POS = {"名詞", "接尾辞", "接頭辞"}
_VERBS = {"動詞", "形容詞"}
KANJI = re.compile(r"[\u3400-\u9fff]")
_SYMBOLS = re.compile(r"[\s\W_]+")
_NOT_JAPANESE = re.compile(r"[\x00-\x7f\s\W]+")
# The guideline writes 生成 AI, DX 推進課; people write 生成AI. Spaces matter only between Latin words.
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")
# A katakana word the analyser does not know is cut where its dictionary happens to have words, and
# differently by what follows it (アイ+ネス in 「アイネスが」, アイネ+スっ in 「アイネスって」): the run
# of katakana as written is a term too, so the same name matches whatever surrounds it.
_KATAKANA_RUN = re.compile(r"[ァ-ヺ][ァ-ヺー]{2,}")


def normalize(text: str) -> str:
    """NFKC, lower case, spaces only between Latin words: the form text is compared in."""
    return _CJK_SPACE.sub("", " ".join(unicodedata.normalize("NFKC", text).lower().split()))


def _lemma(token: Token) -> str:
    # UniDic writes loanword lemmas with their origin: アカウント-account.
    return token.lemma.split("-", 1)[0] if not token.lemma.startswith("-") else token.surface


def _is_content(token: Token) -> bool:
    if token.pos[0] not in _CONTENT:
        return False
    if token.pos[0] == "名詞" and token.pos[1] == "数詞":
        return True  # 機密性 2, 様式 1: numbers name things here
    if token.pos[1] == "非自立可能" and token.pos[0] in _VERBS:
        # UniDic marks verbs that can be auxiliaries (している, してみる, 間違う, 直す): written in
        # kana they mostly are, written in kanji they are the question's own verb (間違って, 直せば).
        return bool(KANJI.search(token.surface))
    return token.pos[1] not in _NON_CONTENT_SUB and not _SYMBOLS.fullmatch(token.surface)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One word, or a run of nouns written together, with the terms it yields."""

    words: tuple[str, ...]  # lemmas of the content words, stop words left out
    compounds: tuple[str, ...]  # neighbouring pairs (著作+権) and the whole run (著作権侵害)

    @property
    def terms(self) -> tuple[str, ...]:
        return self.words + self.compounds


def chunks(text: str, stopwords: frozenset[str] = frozenset()) -> list[Chunk]:
    """Chunks of ``text`` (already normalised), in order."""
    out: list[Chunk] = []
    words: list[str] = []
    run: list[str] = []

    def close() -> None:
        compounds = [a + b for a, b in itertools.pairwise(run)]
        if len(run) > 2:
            compounds.append("".join(run))
        if words or compounds:
            out.append(Chunk(tuple(words), tuple(compounds)))
        words.clear()
        run.clear()

    previous_end = 0
    surfaces: set[str] = set()
    for token in tokenize(text):
        joins = token.pos[0] in _COMPOUND_POS and _is_content(token)
        if token.start > previous_end or not joins:
            close()  # words apart in the text, or not nouns, are not one compound
        previous_end = token.end
        surfaces.add(token.surface)
        if not _is_content(token):
            continue
        lemma = normalize(_lemma(token))
        # An affix (性, 物, 権, 者; 非, 第, 各) means something only with its noun: it counts in compounds
        # (非 alone matched 非公開 for a question on 非開示, 第 alone every 第N章).
        if lemma not in stopwords and token.pos[0] not in ("接尾辞", "接頭辞"):
            words.append(lemma)
        if joins:
            run.append(normalize(token.surface))
        else:
            close()
    close()
    known = {term for chunk in out for term in chunk.terms}
    runs = tuple(dict.fromkeys(r for r in _KATAKANA_RUN.findall(text) if r not in surfaces and r not in known))
    if runs:
        out.append(Chunk(runs, ()))
    return out


def terms(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """All terms of ``text`` (already normalised), in order, with repeats."""
    return [term for chunk in chunks(text, stopwords) for term in chunk.terms]


# Katakana to hiragana (チャット, ちゃっと), small kana to full size (チヤツト), the long-vowel mark
# dropped (ジーピーティー, ジピティ): spellings that typing and typos bring share their bigrams.
_HIRAGANA = {chr(k): chr(k - 0x60) for k in range(ord("ァ"), ord("ヶ") + 1)}
_FULL_SIZE = dict(zip("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ", strict=True))
_FOLD = str.maketrans({**_HIRAGANA, **{k: _FULL_SIZE.get(v, v) for k, v in _HIRAGANA.items()}, **_FULL_SIZE, "ー": None})


_TO_HIRAGANA = str.maketrans(_HIRAGANA)


def fold(text: str) -> str:
    """``text`` with the differences of kana spelling folded away."""
    return text.translate(_FOLD)


def hiragana(text: str) -> str:
    """``text`` with its katakana written in hiragana (ちゃっぴー for チャッピー), nothing else folded."""
    return text.translate(_TO_HIRAGANA)


def bigrams(text: str) -> list[str]:
    """Character bigrams of the Japanese letters in ``text``, kana folded: robust to typos, other
    spellings and odd splits.

    Latin letters are left out: their bigrams (th, at, …) match any English text.
    """
    letters = fold(_NOT_JAPANESE.sub("", text))
    return [letters[i : i + 2] for i in range(len(letters) - 1)]
