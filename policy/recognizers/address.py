"""Street addresses: a place name followed by 丁目・番地・号 (or N-N-N after a town name), in ASCII,
full-width or kanji numerals. An individual's street address is personal_info on its own (contract);
public facilities' addresses (allow.yaml) and addresses next to a facility word are not.
Also reports, as ``areas``, addresses down to 丁目 only: a detail about a person, not a finding alone.
"""

from __future__ import annotations

import re

import regex

from ..config import allow_list
from ..doc import Doc
from ..hit import Hit

_N = r"[0-9一二三四五六七八九十〇百]+"
_PLACE = r"(?:[一-龯ぁ-んァ-ヶヵヶ々ー]{1,12}?(?:[都道府県]))?[一-龯ぁ-んァ-ヶヵヶ々ー]{1,16}?"
# Street part: 3丁目14番地の2 / 2丁目9番11号 / 218番地 / 102番地 / 3-14-2.
_STREET = (
    rf"(?:{_N}丁目[ ]?(?:{_N}番地?(?:の?[ ]?{_N}(?:号)?)?|{_N}(?:-{_N}){{1,2}})"
    rf"|{_N}番地(?:の{_N})?(?:[ ]?{_N}号)?|{_N}番{_N}号"
    rf"|[0-9]+-[0-9]+(?:-[0-9]+)?(?=[ \t]*(?:[一-龯ァ-ヶ]|$)))"
)
# A match starts where a run of letters starts (linear time) or where the previous one ended (\G).
_ADDRESS = regex.compile(rf"(?:〒?[ ]?[0-9]{{3}}-[0-9]{{4}}[ ]?)?(?:\G|(?<![一-龯ぁ-んァ-ヶ々])){_PLACE}(?:市|区|町|村|郡){_PLACE}{_STREET}")
# Street part written without a preceding place name but inside an obvious address slot.
_AREA = regex.compile(rf"[一-龯ぁ-んァ-ヶ々]{{1,12}}(?:市|区|町)[一-龯ぁ-んァ-ヶ々]{{1,10}}{_N}丁目")
# Every character that a match of _ADDRESS or _AREA consists of: a match never spans anything else.
_ADDRESS_CHAR = "0-9 \\-〒〇一-龯ぁ-んァ-ヶ々ー"
_OUTSIDE = regex.compile(rf"[^{_ADDRESS_CHAR}]")
_OUTSIDE_BEFORE = regex.compile(rf"(?r)[^{_ADDRESS_CHAR}]")
# What every match of _ADDRESS and _AREA holds: 市区町村郡, the 1–29 letters of the town part (at most
# a 12+1-letter part ending in 都道府県 and 16 more) and the start of the street number. A class
# first, so re skips to the rare 市区町村郡 in C.
_STREET_HINT = re.compile(r"[市区町村郡][一-龯ぁ-んァ-ヶ々ー]{1,29}(?:[0-9一二三四五六七八九十〇百]+(?:丁目|番)|[0-9]+-[0-9])")
_BLANKS = regex.compile(r"[ \t]*")
_ROMAJI = regex.compile(r"(?<![0-9])[0-9]{1,4}-[0-9]{1,4}-[0-9]{1,4},?[ \t]+[A-Z][A-Za-z\-]+(?:,?[ \t]+[A-Z][A-Za-z\-]+)*")
_FACILITY = regex.compile(
    r"(?:市役所|役所|庁舎|支所|博物館|美術館|図書館|公民館|市民会館|センター|体育館|公園|会場|駅|学校|小学校|中学校|"
    r"病院|施設|本庁|事務所|所在地|郵便局)"
)


class AddressRecognizer:
    name = "address"

    def find(self, doc: Doc) -> list[Hit]:
        public = allow_list().addresses
        hits: list[Hit] = []
        for m in _near_street_hints(_ADDRESS, doc.text) + list(_ROMAJI.finditer(doc.text)):
            value = m.group().replace(" ", "")
            if any(p in value for p in public):
                continue
            around = doc.text[max(0, m.start() - 12) : m.end() + 12]
            if _FACILITY.search(around):
                continue
            hits.append(Hit("personal_info", m.start(), m.end(), "address.street",
                            "個人宅の住所（番地まで）が含まれています", "all"))
        return hits


def area_spans(doc: Doc) -> list[tuple[int, int]]:
    return [m.span() for m in _near_street_hints(_AREA, doc.text)]


def _near_street_hints(pattern: regex.Pattern[str], text: str) -> list[regex.Match[str]]:
    """``pattern.finditer(text)`` (_ADDRESS or _AREA), searched only in the stretches of address
    characters that hold a street hint: ``regex`` cannot skip to where an address may begin and
    tries the pattern at every character, which cost 0.3 µs a character.

    The same matches: a match lies inside one stretch and holds a hint there. Each stretch [s, e)
    is searched from s with the text before it in view: the look-behind at s sees a character
    outside the stretch (not a letter) or the start, as a search of the whole text does, so \\G
    at s changes nothing. The search ends two characters after the blanks that follow e, so the
    look-ahead after a street number (blanks, then a letter or the end) reads what it reads in the
    whole text; a match found beyond e is not one of the stretch's.
    """
    out: list[regex.Match[str]] = []
    done = 0  # the end of the last stretch searched
    for hint in _STREET_HINT.finditer(text):
        if hint.start() < done:
            continue
        before = _OUTSIDE_BEFORE.search(text, 0, hint.start())
        start = before.end() if before else 0
        after = _OUTSIDE.search(text, hint.end())
        end = after.start() if after else len(text)
        stop = min(len(text), _BLANKS.match(text, end).end() + 2)
        for m in pattern.finditer(text, start, stop):
            if m.start() >= end:
                break
            out.append(m)
        done = end
    return out
