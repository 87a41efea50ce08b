"""Bot Framework's token service on loopback HTTPS: OpenID metadata, signing keys, tokens.

Teams signs every activity it POSTs to a bot with a key published in Bot Framework's OpenID
metadata. This server publishes a key made for the test (behind a test certificate authority,
as the SDK only fetches metadata over HTTPS) and signs tokens with it, or with a key it does
not publish, so that tests can send every kind of token a stranger might.
"""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import trustme
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.support.loopback import serve

ISSUER = "https://api.botframework.com"
# The bot registration the tests' tokens are issued for.
APP_ID = "9e6c3f7a-1b2c-4d5e-8f90-123456789abc"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class BotFrameworkIdentity:
    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.key = _new_key()
        self.stranger_key = _new_key()  # signs tokens with a key the metadata does not publish
        self.kid = "test-signing-key"
        self.metadata_requests = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    def write_ca(self, path: str) -> str:
        self.ca.cert_pem.write_to_path(path)
        return path

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        self._runner, self.url = await serve(app, self.ca)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _metadata(self, _: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response({
            "issuer": ISSUER,
            "jwks_uri": f"{self.url}/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    async def _keys(self, _: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "endorsements": ["msteams"]})
        return web.json_response({"keys": [jwk]})

    def token(
        self, *, app_id: str, service_url: str, issuer: str = ISSUER, lifetime_s: int = 3600,
        key: rsa.RSAPrivateKey | None = None, **claims: Any,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": issuer, "aud": app_id, "serviceurl": service_url,
            "nbf": now - 60, "iat": now - 60, "exp": now + lifetime_s, **claims,
        }
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": self.kid})
