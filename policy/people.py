"""Mentions of people, told apart from ordinary words, places, placeholders and public figures.

UniDic (fugashi + unidic-lite) tags surnames and given names; a mention is one of:
- ``full``: surname + given name (山田 太郎, 坂口さくら), or surname + a short word after a space in a
  list or table (新井 勇気,) — with an honorific, a label (氏名：), a title or affiliation (主任,
  福祉課の) or simply standing in the text;
- ``surname``: a surname (or a katakana or romanised name) with 様/さん/氏/Mr./Ms.;
- ``initials``: K・Y様.
Placeholders (〇〇様, Aさん, ** 様, sample names such as 松戸太郎) and names marked as public figures
(…選手, 著名人) are not mentions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .config import allow_list
from .doc import Doc
from .japanese import Token, Tokens
from .prefilter import skipping

HONORIFICS = frozenset({"様", "さん", "氏", "君", "くん", "ちゃん", "殿", "さま"})
# A surname followed by these is a public role, not a private person (5-2(3) 著名人).
_PUBLIC_SUFFIXES = frozenset({"選手", "監督", "議員", "大臣", "知事", "首相", "総理", "大統領", "投手", "選手権"})
# Most patterns here are plain literals and classes, matched by re as by regex; the case-insensitive
# two hold no i/I, the only ASCII letters whose case folds differ between the two (tests check).
# Those with \s, \b or a look-behind of varying width stay in regex.
_PLACEHOLDER = re.compile(r"[〇○◯●×△□■*＊某xX]+|[A-Za-z]|[甲乙丙丁]")
_LABEL = re.compile(
    r"(?:氏名|お名前|名前|名義|口座名義|受取人|宛名|対象者|相談者|申請者|申込者|届出人|世帯主|本人|児童|生徒|患者|"
    r"利用者|被保険者|契約者|保護者|name)[ \t]*[:：は]?[ \t]*$",
    re.IGNORECASE,
)
_TITLE_BEFORE = re.compile(
    r"(?:職員|主任|主事|主査|主幹|係長|課長補佐|課長|部長|次長|室長|所長|指導主事|保健師|保育士|看護師|"
    r"会計年度任用職員|技師|事務員|嘱託|担当|PM|SE|リーダー|manager)の?[ \t]*$",
    re.IGNORECASE,
)
_AFFILIATION_BEFORE = regex.compile(r"[一-龯ァ-ヶ]{1,12}(?:課|係|室|部|局|所|センター|支所|学校)(?:の|[ \t])[ \t]*(?:[^\s、。]{1,6}[ \t]+)?$")
_AFFILIATION_AFTER = re.compile(r"^[ \t]*[（(][^）)\n]{0,12}(?:課|係|室|部|局|センター)")
_STAFF_TITLES = re.compile(r"(?:職員|主任|主事|主査|主幹|係長|課長|部長|次長|室長|所長|指導主事|保健師|技師)")
_KATAKANA = re.compile(r"[ァ-ヶー]{2,}")
# re, rewritten to skip in C to katakana (regex tries a pattern at every character): same matches.
_LABELLED_KATAKANA = skipping(re.compile(r"[ァ-ヶー]{2,}(?:[・ =][ァ-ヶー]{1,})*"))
# These two are ASCII literals and classes (no case folding, no \b): re, rewritten to skip in C.
_ENGLISH_TITLE = skipping(re.compile(r"(?<![A-Za-z])(?:Mr|Ms|Mrs|Miss|Mx|Dr)\.?[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?"))
_ENGLISH_SELF = skipping(re.compile(
    r"(?:I'm|I am|my name is|this is|name:|named|called)[ \t]+(?P<name>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){1,2})"
))
_ENGLISH_LIST = regex.compile(r"(?<=[#0-9][ \t]*,[ \t]*)(?P<name>[A-Z][a-z]+[ \t]+[A-Z][a-z]+)")
# A romanised full name as the subject of what a resident does: "John Smith called about …".
_ENGLISH_ACTOR = regex.compile(
    r"(?<![A-Za-z])(?P<name>[A-Z][a-z]+[ \t]+[A-Z][a-z]+)(?=[ \t]+(?:called|phoned|asked|said|wrote|emailed|"
    r"complained|visited|came|applied|requested|reported|submitted|lives|lived|moved|contacted|sent)\b)"
)
_CAPITALISED_BEFORE = re.compile(r"[A-Z][a-z]*[ \t]+$")
_NOT_NAMES = frozenset({"City", "Hall", "Office", "Center", "Centre", "Department", "Ward", "Station", "Park",
                        "School", "Library", "Museum", "Company", "Team", "Group", "Council", "Prefecture"})
_INITIALS = skipping(re.compile(r"(?<![A-Za-z])[A-Z][・.．][ \t]?[A-Z]\.?[ \t]*(?=様|さん|氏)"))
_SIGNATURE_REST = regex.compile(r"[\s」』）)。.敬具拝草々以上—\-]*")
_COMPANY_BEFORE = re.compile(r"(?:株式会社|有限会社|合同会社|合資会社|\((?:株|有)\)|社団法人|財団法人|法人)[ \t]*$")
_PUBLIC_ROLE_BEFORE = re.compile(r"(?:市長|副市長|市議会議長|議長|知事|副知事|大臣|首相|総理大臣|総理|教育長|議員)(?:の|である)?[ \t]*$")
_JAPANESE = re.compile(r"[一-龯々ァ-ヶ]")
_KANJI = re.compile(r"[一-龯]")
_NAME_CHARS = re.compile(r"[一-龯々〆ヵヶぁ-んァ-ヶー]{1,4}")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    kind: str  # full | surname | initials
    how: str  # honorific | label | title | signature | spaced | plain | english
    staff: bool
    placeholder: bool = False  # a sample name (allow.yaml): a person only beside real data


def _gap(doc: Doc, a: Token, b: Token) -> str:
    return doc.text[a.end : b.start]


def _is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.fullmatch(text.replace(" ", "")))


def _honorific_after(tokens: Sequence[Token], j: int, doc: Doc) -> bool:
    if j >= len(tokens):
        return False
    gap = doc.text[tokens[j - 1].end : tokens[j].start]
    return gap.strip(" \t") == "" and len(gap) <= 2 and tokens[j].surface in HONORIFICS


def _given_name(tokens: Sequence[Token], j: int, doc: Doc) -> int:
    """Index after the given name starting at ``j`` (0 when there is none)."""
    if j >= len(tokens):
        return 0
    tok = tokens[j]
    gap = _gap(doc, tokens[j - 1], tok)
    if gap not in ("", " ", "\u3000", "  "):
        return 0
    if tok.is_given_name or (tok.is_person_name and tok.pos[3] == "一般" and not _KATAKANA.fullmatch(tok.surface)):
        end = j + 1
        # UniDic sometimes splits a rare given name (陽 + 向); take one more single kanji.
        if end < len(tokens) and tokens[end].start == tok.end and tokens[end].pos[0] == "接尾辞" \
                and len(tokens[end].surface) == 1 and tokens[end].surface not in HONORIFICS \
                and _KANJI.fullmatch(tokens[end].surface):
            end += 1
        return end
    if gap and _NAME_CHARS.fullmatch(tok.surface) and tok.pos[0] in ("名詞", "副詞", "形状詞", "動詞", "形容詞"):
        # 新井 勇気, / 服部 颯さん: a short word after a space that ends where a name ends.
        nxt = tokens[j + 1] if j + 1 < len(tokens) else None
        if nxt is None or nxt.start > tok.end or nxt.surface in HONORIFICS or nxt.pos[0] in ("補助記号", "記号") \
                or nxt.surface in ("の", "は", "が", "を", "に", "と", "から"):
            return j + 1
    return 0


def _context_flags(doc: Doc, start: int, end: int) -> tuple[str | None, bool]:
    before = doc.text[max(0, start - 30) : start]
    after = doc.text[end : end + 20]
    how = None
    if _LABEL.search(before):
        how = "label"
    elif _TITLE_BEFORE.search(before):
        how = "title"
    staff = bool(_AFFILIATION_BEFORE.search(before) or _AFFILIATION_AFTER.search(after)
                 or (how == "title" and _STAFF_TITLES.search(before[-9:])))
    return how, staff


def find_people(doc: Doc) -> list[Mention]:
    mentions = _japanese_names(doc, doc.tokens) if _JAPANESE.search(doc.text) else []
    mentions.extend(_labelled_katakana(doc, mentions))
    mentions.extend(_english(doc))
    for m in _INITIALS.finditer(doc.text):
        mentions.append(Mention(m.start(), m.end(), "initials", "honorific", False))
    return _dedupe(mentions)


def _japanese_names(doc: Doc, tokens: Tokens) -> list[Mention]:
    """Mentions that UniDic tags as names (surnames, given names) or proper nouns with 様/さん."""
    placeholders = allow_list().placeholder_names
    mentions: list[Mention] = []
    i = 0
    n = len(tokens)
    # Every mention starts at a proper noun: only those and the tokens after them are read.
    for k in tokens.indexes(1, "固有名詞"):
        if k < i:
            continue  # part of the mention before
        i = k
        tok = tokens[i]
        if not (tok.is_surname or (tok.is_person_name and _KATAKANA.fullmatch(tok.surface))
                or (i + 1 < n and _honorific_after(tokens, i + 1, doc))):
            i += 1
            continue
        if _is_placeholder(tok.surface):
            i += 1
            continue
        j = _given_name(tokens, i + 1, doc) if tok.is_surname else 0
        end_idx = j if j else i + 1
        start, end = tok.start, tokens[end_idx - 1].end
        placeholder = doc.text[start:end].replace(" ", "").replace("\u3000", "") in placeholders
        nxt = tokens[end_idx].surface if end_idx < n else ""
        if _COMPANY_BEFORE.search(doc.text[max(0, start - 8) : start]):
            i = end_idx  # 株式会社アイネス様: a company, not a person
            continue
        if _PUBLIC_ROLE_BEFORE.search(doc.text[max(0, start - 8) : start]):
            i = end_idx  # 市長 松戸 一郎: a public office holder named in a public context
            continue
        if nxt in _PUBLIC_SUFFIXES:
            i = end_idx + 1
            continue
        honorific = _honorific_after(tokens, end_idx, doc)
        how, staff = _context_flags(doc, start, end)
        signature = tok.is_surname and _alone_on_line(doc, start, end)
        if j:
            # 山田 太郎 with a space is how records and lists write names; 伊能忠敬 in prose is not.
            spaced = doc.text[tokens[i].end : tokens[i + 1].start] != ""
            kind_how = "honorific" if honorific else how or ("signature" if signature else "spaced" if spaced else "plain")
            mentions.append(Mention(start, end, "full", kind_how, staff, placeholder))
        elif honorific:
            mentions.append(Mention(start, end, "surname", "honorific", staff, placeholder))
        elif signature:
            mentions.append(Mention(start, end, "surname", "signature", staff, placeholder))
        i = end_idx
    return mentions


def _alone_on_line(doc: Doc, start: int, end: int) -> bool:
    """A name that is a whole line of its own: the signature under a letter or an e-mail."""
    line_start = doc.text.rfind("\n", 0, start) + 1
    line_end = doc.text.find("\n", end)
    line_end = len(doc.text) if line_end < 0 else line_end
    rest = doc.text[line_start:start] + doc.text[end:line_end]
    return line_start > 0 and _SIGNATURE_REST.fullmatch(rest) is not None


def _labelled_katakana(doc: Doc, known: list[Mention]) -> list[Mention]:
    """グエン・ヴァン・ミン after 氏名, オオクボ ケンイチ after 名義: names UniDic does not know.

    ``known`` are the mentions found from tokens, in order and apart, so the only one that can
    hold a position is the last to start at or before it.
    """
    out: list[Mention] = []
    starts = [k.start for k in known]
    for m in _LABELLED_KATAKANA.finditer(doc.text):
        k = bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < known[k].end:
            continue
        before = doc.text[max(0, m.start() - 12) : m.start()]
        if _LABEL.search(before):
            out.append(Mention(m.start(), m.end(), "full", "label", False))
        elif doc.text[m.end() : m.end() + 2].startswith(tuple(HONORIFICS)) and not _COMPANY_BEFORE.search(before):
            out.append(Mention(m.start(), m.end(), "surname", "honorific", False))
    return out


def _english(doc: Doc) -> list[Mention]:
    out = [Mention(m.start(), m.end(), "surname", "english", False) for m in _ENGLISH_TITLE.finditer(doc.text)]
    for pattern in (_ENGLISH_SELF, _ENGLISH_LIST, _ENGLISH_ACTOR):
        for m in pattern.finditer(doc.text):
            before = doc.text[max(0, m.start("name") - 20) : m.start("name")]
            if _CAPITALISED_BEFORE.search(before) or _NOT_NAMES.intersection(m.group("name").split()):
                continue  # part of a longer proper name: Matsudo City Hall
            out.append(Mention(m.start("name"), m.end("name"), "full", "english", False))
    return out


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out
