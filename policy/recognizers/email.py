"""E-mail addresses. An individual's address is personal_info; the city's organisational addresses
and role mailboxes (info@, contact@ …) are not (allow.yaml)."""

from __future__ import annotations

import regex

from ..config import allow_list
from ..doc import Doc
from ..hit import Hit

# The look-behind makes each run of address characters start a match attempt once: linear time.
_EMAIL = regex.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+"
)


class EmailRecognizer:
    name = "email"

    def find(self, doc: Doc) -> list[Hit]:
        allowed = allow_list()
        hits: list[Hit] = []
        for m in _EMAIL.finditer(doc.text):
            local, _, domain = m.group().rpartition("@")
            domain = domain.lower()
            if local.lower() in allowed.role_mailboxes:
                continue
            if any(domain == d or domain.endswith("." + d) for d in allowed.mail_domains):
                continue
            hits.append(Hit("personal_info", m.start(), m.end(), "email.address",
                            "個人のメールアドレスが含まれています", "email"))
        return hits
