"""Words of the rules found in a question written in kana (きみつせい, ちょさくけん).

People type a word in hiragana when they do not know or cannot be bothered to find its kanji, and
the analyser then cuts the kana where its dictionary happens to have short words (きみ+つ+せい).
The index knows each of its terms' readings (UniDic's kana of each word), so a run of hiragana in
a question that spells out the reading of one of its terms names that term.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

import fugashi
import unidic_lite

from policy.guide.terms import KANJI, fold

# Readings shorter than this are too often a piece of ordinary kana (ないよう is 内容 and 「使わないように」).
MIN_READING = 5
_HIRAGANA_RUN = re.compile(rf"[ぁ-ゖー]{{{MIN_READING},}}")

_local = threading.local()


def _tagger() -> fugashi.Tagger:
    # One per thread, as MeCab keeps its lattice between calls; only the index build reads kana.
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        tagger = fugashi.Tagger(f'-d "{unidic_lite.DICDIR}" -r "{unidic_lite.DICDIR}/mecabrc"')
        _local.tagger = tagger
    return tagger


def reading(term: str) -> str | None:
    """The folded kana reading of ``term`` (機密性 -> きみつせい), None when a word has none."""
    kana = []
    for word in _tagger()(term):
        value = getattr(word.feature, "kana", None)
        if not value or value == "*":
            return None
        kana.append(value)
    return fold("".join(kana))


class Readings:
    """Folded reading -> a word written in kanji that reads so (index terms and staff words)."""

    def __init__(self, vocabulary: Iterable[str]):
        self._words: dict[str, str] = {}
        for word in sorted(vocabulary):  # sorted: the same word wins for a reading on every build
            if not KANJI.search(word):
                continue
            kana = reading(word)
            if kana is not None and len(kana) >= MIN_READING:
                self._words.setdefault(kana, word)
        self._longest = max(map(len, self._words), default=0)

    def respell(self, question: str) -> str:
        """``question`` (normalised) with the words it spells out in hiragana written in kanji,
        longest readings first, each stretch of kana read once (きみつせい1 -> 機密性1)."""
        return _HIRAGANA_RUN.sub(lambda m: self._respell(m.group(0)), question)

    def _respell(self, run: str) -> str:
        text = fold(run)
        out: list[str] = []
        start = done = 0
        while start <= len(text) - MIN_READING:
            for end in range(min(len(text), start + self._longest), start + MIN_READING - 1, -1):
                word = self._words.get(text[start:end])
                if word is not None:
                    out += [run[done:start], word]
                    start = done = end
                    break
            else:
                start += 1
        return "".join(out) + run[done:]
