"""Keyword and pattern rules kept as data (``data/rules/*.yaml``), which DX推進課 edits without code.

A rule file names its category and lists rules. A rule fires on each match of its ``terms`` (literal
words) or ``pattern`` (a regular expression) when every group in ``with`` has something within
``window`` characters and nothing in ``unless`` does. Items of ``with``/``unless`` are literal words
or ``@cue`` names: cues are shared word lists (``data/cues.yaml``) or spans the engine finds itself
(``@person``, ``@identified_person``, ``@staff_person``). Every rule carries the guideline section it
applies and examples that must and must not match; tests run them through ``screen``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .categories import categories
from .datafile import DATA_DIR, Node, RuleDataError, expect, load_yaml, optional, require, string_list
from .doc import Doc
from .hit import Hit, MaskStyle
from .prefilter import Scanner, prefiltered
from .terms import compile_terms

#: Cues the engine computes; rules may name them without a definition in cues.yaml.
ENGINE_CUES = frozenset({"person", "identified_person", "staff_person"})
_SECTION = re.compile(r"[0-9]章[0-9]+(?:-[0-9]+)?(?:\([0-9]+\))?")
_MASKS = ("digits", "email", "all", "none")


@dataclass(frozen=True, slots=True)
class Condition:
    """One group of alternatives: literal words (one pattern) and cue names."""

    words: re.Pattern[str] | None
    cues: tuple[str, ...]

    def holds(self, doc: Doc, start: int, end: int, window: int | None) -> bool:
        if self.words is not None and doc.near(self.words, start, end, window):
            return True
        return any(_cue_near(doc, name, start, end, window) for name in self.cues)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: str
    section: str
    reason: str
    trigger: Scanner
    span_group: str | None
    conditions: tuple[Condition, ...]
    unless: Condition | None
    window: int | None
    unless_window: int | None
    mask: MaskStyle
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    where: str
    #: The literal words of ``terms`` (empty for a ``pattern`` rule): the kinds of data the rule names.
    terms: tuple[str, ...] = ()

    def find(self, doc: Doc) -> list[Hit]:
        hits: list[Hit] = []
        for m in self.trigger.finditer(doc.text):
            start, end = m.span(self.span_group) if self.span_group else m.span()
            if start < 0 or start == end:
                continue
            if not all(c.holds(doc, start, end, self.window) for c in self.conditions):
                continue
            if self.unless is not None and self.unless.holds(doc, start, end, self.unless_window):
                continue
            hits.append(Hit(self.category, start, end, self.id, self.reason, self.mask))
        return hits


@dataclass(frozen=True, slots=True)
class Cue:
    """A word list and/or a pattern; each is scanned separately (one fast literal trie)."""

    name: str
    patterns: tuple[Scanner, ...]

    def near(self, doc: Doc, start: int, end: int, window: int | None) -> bool:
        return any(doc.near(p, start, end, window) for p in self.patterns)


def _cue_near(doc: Doc, name: str, start: int, end: int, window: int | None) -> bool:
    if name in ENGINE_CUES:
        return doc.near_cue(name, start, end, window)
    return cues()[name].near(doc, start, end, window)


def _compile(node: Node, key: str, source: str) -> Scanner:
    """Patterns are case-sensitive (ten times faster); write English words as ``(?i:password)``.

    Each comes with its prefilter: most are not run on a message that has none of their words.
    """
    try:
        return prefiltered(re.compile(source))
    except re.error as exc:
        raise RuleDataError(f"{node.where(key)}: {key} の正規表現が正しくありません: {exc}") from exc


@lru_cache(maxsize=1)
def cues() -> dict[str, Cue]:
    data = load_yaml(DATA_DIR / "cues.yaml")
    out: dict[str, Cue] = {}
    for name, node in data.items():
        if name in ENGINE_CUES:
            raise RuleDataError(f"{node.where()}: {name!r} はエンジンが計算する手がかりの名前です")
        words = string_list(node, "terms")
        source = optional(node, "pattern", str, None)
        if not words and source is None:
            raise RuleDataError(f"{node.where()}: terms か pattern のどちらかが必要です")
        patterns: list[Scanner] = [compile_terms(words)] if words else []
        if source is not None:
            patterns.append(_compile(node, "pattern", source))
        out[name] = Cue(name, tuple(patterns))
    return out


def _condition(node: Node, key: str, items: list[object]) -> Condition:
    words: list[str] = []
    names: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item:
            raise RuleDataError(f"{node.where(key)}: {key} の要素は空でない文字列にしてください: {item!r}")
        if item.startswith("@"):
            name = item[1:]
            if name not in ENGINE_CUES and name not in cues():
                raise RuleDataError(f"{node.where(key)}: {key} の手がかり {item!r} は cues.yaml にありません")
            names.append(name)
        else:
            words.append(item)
    return Condition(compile_terms(words) if words else None, tuple(names))


def _window(node: Node, key: str, default: int | str) -> int | None:
    value = node.get(key, default)
    if value == "message":
        return None
    value = expect(node, key, value, int)
    if not 0 <= value <= 2000:
        raise RuleDataError(f"{node.where()}: {key} は 0〜2000 の文字数か message にしてください")
    return value


def _rule(node: Node, category: str, default_window: int | str) -> Rule:
    if not isinstance(node, Node):
        raise RuleDataError(f"rules: 規則はマッピングで書いてください: {node!r}")
    rule_id = require(node, "id", str)
    if not rule_id.startswith(category + "."):
        raise RuleDataError(f"{node.where('id')}: id {rule_id!r} は {category}. で始めてください")
    section = require(node, "section", str)
    if not _SECTION.fullmatch(section):
        raise RuleDataError(f"{node.where('section')}: section {section!r} は 2章5-1(1) のような節番号にしてください")
    terms = string_list(node, "terms")
    source = optional(node, "pattern", str, None)
    if bool(terms) == (source is not None):
        raise RuleDataError(f"{node.where()}: terms と pattern のどちらか一方を書いてください")
    trigger = compile_terms(terms) if terms else _compile(node, "pattern", source or "")
    span_group = optional(node, "span", str, None)
    if span_group is not None and span_group not in trigger.groupindex:
        raise RuleDataError(f"{node.where('span')}: span {span_group!r} という名前のグループが pattern にありません")
    groups = optional(node, "with", list, [])
    conditions = []
    for group in groups:
        conditions.append(_condition(node, "with", group if isinstance(group, list) else [group]))
    unless_items = optional(node, "unless", list, [])
    mask = optional(node, "mask", str, "all" if categories()[category].maskable else "none")
    if mask not in _MASKS:
        raise RuleDataError(f"{node.where()}: mask は {'/'.join(_MASKS)} のいずれかです")
    window = _window(node, "window", default_window)
    match = string_list(node, "match", required=True)
    no_match = string_list(node, "no_match", required=True)
    if not match or not no_match:
        raise RuleDataError(f"{node.where()}: match と no_match の例をそれぞれ1つ以上書いてください")
    return Rule(
        id=rule_id,
        category=category,
        section=section,
        reason=require(node, "reason", str),
        trigger=trigger,
        span_group=span_group,
        conditions=tuple(conditions),
        unless=_condition(node, "unless", unless_items) if unless_items else None,
        window=window,
        unless_window=_window(node, "unless_window", window if window is not None else "message"),
        mask=mask,  # type: ignore[arg-type]
        match=match,
        no_match=no_match,
        where=node.where(),
        terms=terms,
    )


def load_rule_files(paths: list[Path]) -> tuple[Rule, ...]:
    """Rules of the given files, validated; raises RuleDataError naming the file and line."""
    out: list[Rule] = []
    seen: dict[str, str] = {}
    for path in paths:
        data = load_yaml(path)
        if not isinstance(data, Node):
            raise RuleDataError(f"{path.name}: category と rules を持つマッピングで書いてください")
        category = require(data, "category", str)
        if category not in categories():
            raise RuleDataError(f"{data.where('category')}: 未知のカテゴリ {category!r} です")
        default_window = data.get("window", 40)
        for node in require(data, "rules", list):
            rule = _rule(node, category, default_window)
            if rule.id in seen:
                raise RuleDataError(f"{rule.where}: id {rule.id!r} は {seen[rule.id]} でも使われています")
            seen[rule.id] = rule.where
            out.append(rule)
    return tuple(out)


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    return load_rule_files(sorted((DATA_DIR / "rules").glob("*.yaml")))


@lru_cache(maxsize=1)
def rule_sections() -> dict[str, str]:
    """The guideline section each data rule cites, by rule id."""
    return {r.id: r.section for r in rules()}
