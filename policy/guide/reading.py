"""Words of the rules found in a question written in kana (きみつせい, ちょさくけん).

People type a word in hiragana when they do not know or cannot be bothered to find its kanji, and
the analyser then cuts the kana where its dictionary happens to have short words (きみ+つ+せい).
The index knows each of its terms' readings (UniDic's kana of each word), so a run of hiragana in
a question that spells out the reading of one of its terms names that term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from policy.guide.terms import KANJI, fold
from policy.japanese import kana as word_kana

# Readings shorter than this are too often a piece of ordinary kana (ないよう is 内容 and 「使わないように」).
MIN_READING = 5
_HIRAGANA_RUN = re.compile(rf"[ぁ-ゖー]{{{MIN_READING},}}")
# A loanword ending in ル made a verb (トラブる, トラブった): its katakana stem before the verb's ending.
_VERBED_LOANWORD = re.compile(r"([ァ-ヺー]{2,})(?=[らりるれろっ])")
_LOANWORD_IN_RU = re.compile(r"([ァ-ヺー]{2,})ル")  # a word of the vocabulary that can be so verbed


def reading(term: str) -> str | None:
    """The folded kana reading of ``term`` (機密性 -> きみつせい), None when a word has none."""
    words = word_kana(term)
    if not words or None in words:
        return None
    return fold("".join(words))  # type: ignore[arg-type]


class Readings:
    """Folded reading -> a word written in kanji that reads so (index terms and staff words)."""

    def __init__(self, vocabulary: Iterable[str]):
        vocabulary = list(vocabulary)
        self._words: dict[str, str] = {}
        for word in sorted(vocabulary):  # sorted: the same word wins for a reading on every build
            if not KANJI.search(word):
                continue
            kana = reading(word)
            if kana is not None and len(kana) >= MIN_READING:
                self._words.setdefault(kana, word)
        self._longest = max(map(len, self._words), default=0)
        self._verbed = frozenset(m.group(1) for word in vocabulary if (m := _LOANWORD_IN_RU.fullmatch(word)))

    def respell(self, question: str) -> str:
        """``question`` (normalised) with the words it spells out in hiragana written in kanji,
        longest readings first, each stretch of kana read once (きみつせい1 -> 機密性1), and a loanword
        of the vocabulary made a verb spelled as the word (トラブったら -> トラブルったら)."""
        question = _VERBED_LOANWORD.sub(
            lambda m: m.group(1) + "ル" if m.group(1) in self._verbed else m.group(1), question
        )
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
