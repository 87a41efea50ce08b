"""個人番号 (contract rule 2): check digit and/or keyword decide; a bad check digit near 番号 asks."""

from __future__ import annotations

from stdnum.jp import in_

from ..config import keywords
from ..doc import Doc
from ..hit import Hit


class MyNumberRecognizer:
    name = "my_number"

    def find(self, doc: Doc) -> list[Hit]:
        keyword, number_word, licence = keywords("my_number"), keywords("number_word"), keywords("drivers_licence")
        business = keywords("business_number")
        hits: list[Hit] = []
        for _, w in doc.windows(12):
            if doc.near(keyword.pattern, w.start, w.end, keyword.window):
                hits.append(Hit("my_number", w.start, w.end, "my_number.keyword",
                                "マイナンバー・個人番号の近くに12桁の番号があります", "digits"))
            elif doc.near(licence.pattern, w.start, w.end, licence.window):
                continue  # a driving licence number, reported by DriversLicenceRecognizer
            elif in_.is_valid(w.digits):
                hits.append(Hit("my_number", w.start, w.end, "my_number.check_digit",
                                "個人番号（マイナンバー）の形式の12桁の番号が含まれています", "digits"))
            elif doc.near(number_word.pattern, w.start, w.end, number_word.window) and not doc.near(
                business.pattern, w.start, w.end, business.window
            ):
                hits.append(Hit("possible_personal", w.start, w.end, "my_number.numbered_twelve_digits",
                                "個人を特定する番号の可能性がある12桁の番号です", "digits"))
        return hits
