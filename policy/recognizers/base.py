"""The shape every recognizer has."""

from __future__ import annotations

from typing import Protocol

from ..doc import Doc
from ..hit import Hit


class Recognizer(Protocol):
    name: str

    def find(self, doc: Doc) -> list[Hit]: ...
