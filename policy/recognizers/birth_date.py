"""Dates of birth in 西暦 and 和暦 (昭和45年3月2日, S45.3.2, 1970/3/2, 平成3年生まれ): a date with
生/生まれ/生年月日/誕生日/born/DOB next to it. A full date of birth is a personal detail; alone it is
possible_personal, with a person it becomes personal_info (engine)."""

from __future__ import annotations

import regex

from ..doc import Doc
from ..hit import Hit

_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHR]\.?|[明大昭平令])"
_YEAR = rf"(?:{_ERA}[ ]?(?:[0-9]{{1,2}}|元)|(?:19|20)[0-9]{{2}})"
_DATE = rf"{_YEAR}(?:年|[./\-])[ ]?[0-9]{{1,2}}(?:月|[./\-])[ ]?[0-9]{{1,2}}日?"
_LABEL_BEFORE = r"(?:生年月日|誕生日|生まれ|DOB|date of birth|born(?: on)?)[ \t]*[:：は]?[ \t]*"
_LABEL_AFTER = r"[ \t]*(?:生まれ|生|産まれ|誕生)"
_BIRTH = regex.compile(rf"(?:{_LABEL_BEFORE})(?P<a>{_DATE})|(?P<b>{_DATE})(?={_LABEL_AFTER})", regex.IGNORECASE)
_BIRTH_YEAR = regex.compile(rf"{_YEAR}年(?:[0-9]{{1,2}}月)?[ \t]*(?:生まれ|生(?![活産徒]))")


class BirthDateRecognizer:
    name = "birth_date"

    def find(self, doc: Doc) -> list[Hit]:
        hits = []
        for m in _BIRTH.finditer(doc.text):
            group = "a" if m.group("a") else "b"
            hits.append(Hit("possible_personal", m.start(group), m.end(group), "birth_date.full",
                            "生年月日が含まれています", "digits"))
        return hits


def birth_year_spans(doc: Doc) -> list[tuple[int, int]]:
    return [m.span() for m in _BIRTH_YEAR.finditer(doc.text)]
