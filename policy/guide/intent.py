"""What kind of answer a question asks for (``data/intents.yaml``), and which sections give it.

A question's words say what it is about; its ending often says what kind of answer it wants:
「入力していい?」 wants a rule that permits or prohibits, not a section that merely mentions the
risk, 「どう申請する?」 wants a procedure. Each intent pairs question patterns with the guideline's
own sentence patterns for sections of that kind, so the roles come from the text of the rules.
An intent may also name, by their headings, the parts of the rules addressed to someone other
than the one asking (``elsewhere``): staff asking what they may do are not the provider of 第3章.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from policy.datafile import Node, RuleDataError, load_yaml, require, string_list

INTENTS_PATH = Path(__file__).with_name("data") / "intents.yaml"


@dataclass(frozen=True)
class Intent:
    name: str
    question: re.Pattern[str]
    text: re.Pattern[str] | None  # on a section's own text
    heading: re.Pattern[str] | None  # on the headings and labels above and of it
    elsewhere: re.Pattern[str] | None = None  # on the headings of parts addressed to others
    # Intents a question showing this one does not ask for, whatever its words: 「委託業者が入力データを…」
    # asks as the provider, and its 入力 is the residents' input to the chatbot, not the staff's (5).
    replaces: frozenset[str] = frozenset()
    # Words of the rules that a question showing this intent is about, whatever its own words: 「うっかり入れて
    # しまいました」 tells of a 問題 that has 発生, and asks what the rules say to do then (報告).
    terms: tuple[str, ...] = ()
    # Intents of which the question must show one too for ``terms`` to be read (none: always): 「確認しなきゃダメ?」
    # is about the check of 2章6-1 (照合, 裏付け) when it asks about what came out (output), not about 利用規約.
    terms_with: frozenset[str] = frozenset()
    # How much more again a section giving this kind of answer counts, for a question showing it (1: no more than any
    # other intent's): once something has gone wrong (incident), only the rules for that case say what to do now.
    boost: float = 1.0

    def tells(self, wanted: frozenset[str]) -> bool:
        """Whether a question showing the intents ``wanted`` (this one among them) is about ``terms``."""
        return bool(self.terms) and self.name in wanted and (not self.terms_with or bool(self.terms_with & wanted))

    def answers(self, text: str, headings: str) -> bool:
        return bool(
            (self.text is not None and self.text.search(text))
            or (self.heading is not None and self.heading.search(headings))
        )


def _pattern(node: Node, key: str) -> re.Pattern[str] | None:
    alternatives = string_list(node, key)
    if not alternatives:
        return None
    try:
        return re.compile("|".join(f"(?:{a})" for a in alternatives))
    except re.error as error:
        raise RuleDataError(f"{node.where(key)}: {key} の正規表現が不正です: {error}") from error


def load_intents(path: Path = INTENTS_PATH) -> tuple[Intent, ...]:
    data = load_yaml(path)
    if not isinstance(data, Node):
        raise RuleDataError(f"{path}: 先頭は intents のマッピングにしてください")
    out = []
    for item in require(data, "intents", list):
        if not isinstance(item, Node):
            raise RuleDataError(f"{data.where('intents')}: intents の要素はマッピングにしてください: {item!r}")
        unknown = set(item) - {"name", "question", "text", "heading", "elsewhere", "replaces", "terms", "terms_with", "boost"}
        if unknown:
            raise RuleDataError(f"{item.where()}: 不明な項目があります: {', '.join(map(str, sorted(unknown)))}")
        question, text, heading, elsewhere = (
            _pattern(item, key) for key in ("question", "text", "heading", "elsewhere")
        )
        if question is None or (text is None and heading is None and elsewhere is None):
            raise RuleDataError(f"{item.where()}: question と、text・heading・elsewhere の少なくとも一つが必要です")
        replaces = frozenset(string_list(item, "replaces"))
        terms = tuple(string_list(item, "terms"))
        terms_with = frozenset(string_list(item, "terms_with"))
        name = require(item, "name", str)
        boost = item.get("boost", 1.0)
        if isinstance(boost, bool) or not isinstance(boost, int | float) or not 1 <= boost <= 5:
            raise RuleDataError(f"{item.where('boost')}: boost は 1 以上 5 以下の数にしてください: {boost!r}")
        out.append(Intent(name, question, text, heading, elsewhere, replaces, terms, terms_with, float(boost)))
    names = {i.name for i in out}
    for intent in out:
        for key, named in (("replaces", intent.replaces), ("terms_with", intent.terms_with)):
            if named - names:
                missing = ", ".join(sorted(named - names))
                raise RuleDataError(f"{path}: {intent.name} の {key} に未定義の意図があります: {missing}")
    return tuple(out)


def asked(intents: tuple[Intent, ...], question: str) -> frozenset[str]:
    """Names of the intents ``question`` (normalised) shows, less those another one it shows replaces."""
    shown = [i for i in intents if i.question.search(question)]
    # An intent replaced by another replaces nothing itself: 「AIに集計させても平気?」 about a 委託先's table asks
    # as a user (``user`` replaces ``provider``), so provider's own replacing of input does not apply.
    kept = shown
    for _ in range(len(shown)):
        replaced = frozenset().union(*(i.replaces for i in kept))
        narrower = [i for i in shown if i.name not in replaced]
        if narrower == kept:
            break
        kept = narrower
    return frozenset(i.name for i in kept)


def roles(intents: tuple[Intent, ...], text: str, headings: str) -> frozenset[str]:
    """Names of the intents a section answers, from its normalised text and headings."""
    return frozenset(i.name for i in intents if i.answers(text, headings))


def addressed_elsewhere(intents: tuple[Intent, ...], headings: str) -> frozenset[str]:
    """Names of the intents whose askers a section with these (normalised) headings does not address."""
    return frozenset(i.name for i in intents if i.elsewhere is not None and i.elsewhere.search(headings))
