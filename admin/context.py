"""What every admin route shares: settings, the bot's services, the signers and sign-in methods."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from admin.session import CookieSigner
from admin.signin import EntraSignIn
from settings import Settings

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Admin:
    """Someone let into the admin page: an Entra object id, or the local token holder."""

    id: str
    name: str
    via: str  # "entra", "teams" (one-time link) or "token"
    sid: str  # session id, binds the CSRF token


@dataclass
class AdminContext:
    settings: Settings
    services_key: web.AppKey[Any]
    sessions: CookieSigner
    flows: CookieSigner
    entra: EntraSignIn | None

    @classmethod
    def build(cls, settings: Settings, services_key: web.AppKey[Any]) -> AdminContext:
        secret = settings["ADMIN_SESSION_SECRET"].encode("utf-8")
        if not secret:
            # Sessions then end with the process and work on one instance only.
            log.warning("ADMIN_SESSION_SECRET is not set: admin sign-ins last until the bot restarts")
            secret = secrets.token_bytes(32)
        entra = None
        if settings["ADMIN_AUTHORITY"]:
            entra = EntraSignIn(
                authority=settings["ADMIN_AUTHORITY"],
                client_id=settings["ADMIN_CLIENT_ID"],
                client_secret=settings["ADMIN_CLIENT_SECRET"],
                redirect_url=settings["ADMIN_REDIRECT_URL"],
                ca_file=settings["ADMIN_CA_FILE"],
            )
        return cls(settings, services_key, CookieSigner(secret, "admin-session"),
                   CookieSigner(secret, "admin-signin-flow"), entra)

    def services(self, request: web.Request) -> Services:
        return request.config_dict[self.services_key]

    @property
    def token(self) -> str:
        return self.settings["ADMIN_TOKEN"]

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over https when the page is published on https (behind a TLS proxy too)."""
        public = self.settings["ADMIN_PUBLIC_URL"] or self.settings["ADMIN_REDIRECT_URL"]
        return public.startswith("https://")


CONTEXT = web.AppKey("admin_context", AdminContext)
# The Admin of this request (None: not let in), set by the guard.
ADMIN: web.RequestKey[Admin | None] = web.RequestKey("admin")
# (id, name) of whoever tried, for the audit record.
ACTOR: web.RequestKey[tuple[str, str]] = web.RequestKey("admin_actor")
