"""An unexplained eleven-digit number that is not a phone number: the length of a 住民票コード
(contract rule 2) and so possibly a person's identifier."""

from __future__ import annotations

from ..doc import Doc
from ..hit import Hit
from .phone import is_phone_number


class ElevenDigitRecognizer:
    name = "eleven_digits"

    def find(self, doc: Doc) -> list[Hit]:
        hits: list[Hit] = []
        for run in doc.runs:
            if run.digit_count != 11:
                continue  # only a number that is eleven digits as a whole
            for w in run.windows(11):
                if not is_phone_number(w.digits):
                    hits.append(Hit("possible_personal", w.start, w.end, "eleven_digits.unexplained",
                                    "住民票コードと同じ11桁の番号です。何の番号か確認してください", "digits"))
        return hits
