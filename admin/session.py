"""Signed cookies for the admin web page (stdlib HMAC; no server-side session store).

A value is ``base64url(json) "." base64url(HMAC-SHA256)`` with an expiry inside the signed
part. It is signed, not encrypted: it holds only who signed in (and, during an Entra sign-in,
the msal flow of that browser), never a secret of the bot.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CookieSigner:
    def __init__(self, secret: bytes, purpose: str):
        # One key per purpose, so a flow cookie can never be replayed as a session cookie.
        self._key = hmac.new(secret, purpose.encode("utf-8"), hashlib.sha256).digest()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, data: dict[str, Any], max_age_s: float, *, now: float | None = None) -> str:
        payload = {**data, "exp": int((now or time.time()) + max_age_s)}
        body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._mac(body)}"

    def loads(self, value: str | None, *, now: float | None = None) -> dict[str, Any] | None:
        """The data, or None when the value is missing, tampered with or expired."""
        if not value or value.count(".") != 1:
            return None
        body, mac = value.split(".")
        try:
            if not hmac.compare_digest(mac.encode("ascii"), self._mac(body).encode("ascii")):
                return None
            data = json.loads(_unb64(body))
        except (UnicodeError, ValueError, binascii.Error):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
            return None
        if data["exp"] < (now or time.time()):
            return None
        return data

    def token(self, *parts: str) -> str:
        """A value bound to ``parts`` (e.g. the CSRF token of a session id)."""
        return self._mac(_b64("\x1f".join(parts).encode("utf-8")))
