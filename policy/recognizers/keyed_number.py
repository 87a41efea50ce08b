"""Identifiers that are plain digits and need their keyword nearby (Purview's approach): 住民票コード,
基礎年金番号, 運転免許証番号, 被保険者番号, 宛名番号, 職員番号. One recognizer class, one instance each."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import keywords
from ..doc import Doc
from ..hit import Hit


@dataclass(frozen=True)
class KeyedNumberRecognizer:
    name: str
    keyword_set: str
    lengths: tuple[int, ...]
    category: str
    reason: str

    def find(self, doc: Doc) -> list[Hit]:
        kw = keywords(self.keyword_set)
        if not doc.has(kw.pattern):
            return []
        hits: list[Hit] = []
        for length in self.lengths:
            for _, w in doc.windows(length):
                if doc.near(kw.pattern, w.start, w.end, kw.window):
                    hits.append(Hit(self.category, w.start, w.end, f"{self.name}.keyword", self.reason, "digits"))
        return hits


RESIDENT_CODE = KeyedNumberRecognizer("resident_code", "resident_code", (11,), "personal_id",
                                      "住民票コードが含まれています")
PENSION = KeyedNumberRecognizer("pension", "pension", (10, 7, 8, 9, 11, 12), "personal_id",
                                "基礎年金番号が含まれています")
DRIVERS_LICENCE = KeyedNumberRecognizer("drivers_licence", "drivers_licence", (12,), "personal_id",
                                        "運転免許証番号が含まれています")
INSURED = KeyedNumberRecognizer("insured", "insured", (6, 7, 8, 9, 10, 11, 12), "personal_id",
                                "被保険者番号が含まれています")
ADDRESSEE = KeyedNumberRecognizer("addressee", "addressee", (6, 7, 8, 9, 10, 11, 12, 13), "personal_id",
                                  "宛名番号など住民を特定する番号が含まれています")
STAFF_NUMBER = KeyedNumberRecognizer("staff_number", "staff_number", (3, 4, 5, 6, 7, 8, 9, 10), "staff_info",
                                     "職員番号が含まれています")
