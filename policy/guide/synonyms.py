"""Staff vocabulary mapped to the guideline's own words (``data/synonyms.yaml``), validated at load."""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path

from policy.datafile import Node, RuleDataError, load_yaml, require, string_list
from policy.guide.terms import hiragana, normalize
from policy.terms import trie

SYNONYMS_PATH = Path(__file__).with_name("data") / "synonyms.yaml"


class Synonyms:
    """Rewrites a question into the guideline's vocabulary."""

    def __init__(self, replacements: dict[str, str], stopwords: frozenset[str], frames: tuple[str, ...] = ()):
        self.replacements = replacements  # normalised word -> guideline words, space separated
        self.stopwords = stopwords
        self.frames = frames  # endings that only make a question of a term: とは, って何
        # Every spelling a word is matched in (Latin words also inflected and hyphenated), longest
        # first, so マイナンバー wins over マイナ; Latin and katakana words only match whole.
        self._spellings = {v: w for w in replacements if w.isascii() for v in _latin_forms(w)}
        # A katakana word typed in hiragana (ちゃっぴー, でーた): only words with a long-vowel mark or a
        # small kana, which ordinary hiragana text seldom has, so that no particle run reads as one.
        for word in replacements:
            if _KATAKANA_WORD.fullmatch(word) and _SPOKEN_MARK.search(word):
                self._spellings.setdefault(hiragana(word), word)
        self._spellings.update((w, w) for w in replacements)  # a word as written is itself
        # One trie of all spellings: the same longest match at each position as an alternation of them longest
        # first, without trying ten thousand alternatives at every character of a question.
        self._pattern = re.compile(_trie_pattern(self._spellings)) if self._spellings else None

    def expand(self, question: str) -> str:
        """The normalised question with the guideline's words after every word it knows."""
        return joined(self.segments(question))

    def segments(self, question: str, keep: AbstractSet[str] = frozenset()) -> list[tuple[str, str]]:
        """The normalised question cut into (words, guideline words) pieces; the second part is
        empty for words it does not know, and the first for words the guideline itself uses.
        A word that the kanji after it make into a longer word of ``keep`` (the guideline's terms)
        is left to that word: 利用者 is the rules' own word, not 利用 + 者."""
        text = normalize(question)
        out: list[tuple[str, str]] = []
        position = 0
        for match in self._pattern.finditer(text) if self._pattern else ():
            if keep and _inside_longer(text, match, keep):
                continue
            if match.start() > position:
                out.append((text[position : match.start()], ""))
            word = self._spellings[match.group(0)]
            target = self.replacements[word]
            out.append(("" if word in target.split() else word, target))
            position = match.end()
        if position < len(text):
            out.append((text[position:], ""))
        return out


_KATAKANA = "ァ-ヺー"
_KATAKANA_WORD = re.compile(r"[ァ-ヶー]{3,}")
_SPOKEN_MARK = re.compile(r"[ーッャュョァィゥェォ]")
_KANJI_RUN = re.compile(r"[一-龥々]+")


def _inside_longer(text: str, match: re.Match[str], keep: AbstractSet[str]) -> bool:
    run = _KANJI_RUN.match(text, match.start())
    if run is None or run.end() <= match.end():
        return False
    return any(run.group(0)[:n] in keep for n in range(match.end() - match.start() + 1, len(run.group(0)) + 1))


def _trie_pattern(words: Iterable[str]) -> str:
    """A pattern matching at any position the longest of ``words`` that stands there as a word of its own: Latin
    words not inside other Latin words, katakana words not inside longer katakana words (ログ is not in プログラム,
    ロゴ not in ロゴス). One trie for the words with other letters than Latin ones, whose longer branches are tried
    before a word ends, comes first: where one of them and a Latin word both match, the Latin word ends before its
    first other letter."""
    words = list(words)
    latin = trie(w for w in words if w.isascii())
    other = trie(w for w in words if not w.isascii())
    starts = []
    for char, node in sorted(other.items()):
        before = rf"(?<![{_KATAKANA}])" if re.match(f"[{_KATAKANA}]", char) else ""
        starts.append(before + re.escape(char) + _branches(node, char, latin=False))
    if latin:
        starts.append(r"(?<![a-z0-9])" + _branches(latin, "", latin=True))
    return "|".join(starts)


def _branches(node: dict, last: str, latin: bool) -> str:
    """The rest of a trie after the character ``last``: longer words first, then the end of a word here, which may
    not be followed by a Latin letter or digit (a Latin word) or by katakana (a word ending in katakana)."""
    out = [re.escape(char) + _branches(child, char, latin) for char, child in sorted(node.items()) if char]
    if "" in node:
        out.append(r"(?![a-z0-9])" if latin else rf"(?![{_KATAKANA}])" if re.match(f"[{_KATAKANA}]", last) else "")
    return out[0] if len(out) == 1 and "" not in node else "(?:" + "|".join(out) + ")"


# The particles that end a phrasal verb (sign up, apply to, hand out): its verb is what inflects.
_PARTICLES = frozenset({"to", "for", "up", "out", "off", "on", "in", "into", "with", "about", "of", "over", "down", "back"})


def _latin_forms(word: str) -> set[str]:
    """A Latin word or phrase with its last word in the regular inflections (infringe, infringes,
    infringed, infringing) and its words apart by a space or a hyphen (fact check, fact-check); a
    phrasal verb's verb, the word before its particle, in them too (rules apply to: rules applied to;
    sign up: signed up)."""
    *head, last = word.split(" ")
    phrases = {(*head, form) for form in _inflections(last)}
    if head and last in _PARTICLES:  # the verb is the word before the particle: (the rules) apply to
        phrases |= {(*head[:-1], form, last) for form in _inflections(head[-1])}
    forms = {sep.join(words) for words in phrases for sep in (" ", "-")}
    return forms | {_ISE_IZE.sub(_other_spelling, form) for form in forms}


# British and American spellings of one word: authorise/authorize, anonymisation/anonymization.
_ISE_IZE = re.compile(r"(?<=[a-z]{3}i)([sz])(?=(?:e|es|ed|ing|ation|ations)\b)")


def _other_spelling(match: re.Match[str]) -> str:
    return "z" if match.group(1) == "s" else "s"


def _inflections(last: str) -> set[str]:
    lasts = {last}
    if len(last) > 3 and last[-1].isalpha():
        stem = last[:-1] if last.endswith("e") else last
        lasts |= {last + "s", stem + "es", stem + "ed", stem + "ing"}
        if last.endswith("y") and last[-2] not in "aeiou":  # reply: replies, replied
            lasts |= {last[:-1] + "ies", last[:-1] + "ied"}
    elif len(last) > 1 and last.isalpha():  # a short noun's plural too: pcs, logs, uses, urls
        lasts.add(last + "s")
    return lasts


def joined(segments: list[tuple[str, str]]) -> str:
    """Segments back into one text: each known word followed by the guideline's words for it."""
    return " ".join(" ".join(filter(None, piece)) for piece in segments)


def load_synonyms(path: Path = SYNONYMS_PATH) -> Synonyms:
    data = load_yaml(path)
    if not isinstance(data, Node):
        raise RuleDataError(f"{path}: 先頭は groups と stopwords のマッピングにしてください")
    replacements: dict[str, str] = {}
    where: dict[str, str] = {}  # staff word -> the group that defines it
    guideline_words: set[str] = set()
    # `english` groups map English words only: their guideline words stay plain for Japanese questions.
    for key, known in (("groups", True), ("english", False)):
        groups = require(data, key, list) if known else data.get(key) or []
        for group in groups:
            if not isinstance(group, Node):
                raise RuleDataError(f"{data.where(key)}: {key} の要素はマッピングにしてください: {group!r}")
            unknown = set(group) - {"guideline", "staff"}
            if unknown:
                raise RuleDataError(f"{group.where()}: 不明な項目があります: {', '.join(map(str, sorted(unknown)))}")
            guideline = [normalize(w) for w in string_list(group, "guideline", required=True)]
            staff = [normalize(w) for w in string_list(group, "staff", required=True)]
            guideline_words.update(guideline)
            target = " ".join(guideline)
            for word in staff:
                if word in where:
                    raise RuleDataError(f"{group.where()}: 「{word}」は {where[word]} でも定義されています")
                replacements[word] = target
                where[word] = group.where()
            for word in guideline if known else ():
                # A guideline word listed in several groups expands as in the first one.
                replacements.setdefault(word, target)
    clash = sorted(w for w in where if w in guideline_words)
    if clash:
        raise RuleDataError(f"{data.where()}: ガイドラインの語が staff にもあります: {', '.join(clash)}")
    stopwords = frozenset(normalize(w) for w in string_list(data, "stopwords"))
    frames = tuple(normalize(w) for w in string_list(data, "question_frames"))
    return Synonyms(replacements, stopwords, frames)
