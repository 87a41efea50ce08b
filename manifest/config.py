"""What changes between cities and deployments: ids, domain, URLs, version.

Read from the environment (or ``.env``, which the bot reads too). Ids left empty get
placeholder GUIDs so a local build works; the build output says so, and ``--release`` refuses them.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

REPO_ROOT = Path(__file__).resolve().parent.parent
# Recognisable at a glance and valid GUIDs, so a local package still passes the schema.
PLACEHOLDER_APP_ID = "00000000-0000-0000-0000-00000000a991"
PLACEHOLDER_BOT_ID = "00000000-0000-0000-0000-00000000b071"
PLACEHOLDER_DOMAIN = "genai-bot.example.invalid"
CITY_WEBSITE = "https://www.city.matsudo.chiba.jp/"
ACCENT_COLOR = "#1F5FAD"
# Teams compares versions as semver without pre-release tags (schema: definitions.semver).
_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# A host name, optionally with a leading wildcard label: what validDomains accepts.
_DOMAIN = re.compile(r"(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)


class ConfigError(Exception):
    """A setting the package cannot be built with; the message (Japanese) names the variable."""


@dataclass(frozen=True)
class ManifestConfig:
    app_id: str
    bot_id: str
    graph_app_id: str
    bot_domain: str
    version: str
    website_url: str
    privacy_url: str
    terms_url: str
    placeholders: tuple[str, ...] = field(default=())

    def values(self) -> dict[str, str]:
        """The ``${NAME}`` values of ``template.json``."""
        return {
            "TEAMS_APP_ID": self.app_id,
            "BOT_ID": self.bot_id,
            "GRAPH_APP_ID": self.graph_app_id,
            "BOT_DOMAIN": self.bot_domain,
            "APP_VERSION": self.version,
            "APP_WEBSITE_URL": self.website_url,
            "APP_PRIVACY_URL": self.privacy_url,
            "APP_TERMS_URL": self.terms_url,
            "ACCENT_COLOR": ACCENT_COLOR,
        }

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = REPO_ROOT / ".env") -> ManifestConfig:
        merged: dict[str, str] = {}
        if dotenv and dotenv.is_file():
            merged.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        merged.update(os.environ if env is None else env)

        def get(name: str) -> str:
            return merged.get(name, "").strip()

        placeholders: list[str] = []

        def guid(name: str, placeholder: str) -> str:
            value = get(name)
            if not value:
                placeholders.append(name)
                return placeholder
            if not _GUID.fullmatch(value):
                raise ConfigError(f"{name} は GUID で指定してください（Entra アプリ / Teams アプリの ID）: {value!r}")
            return value.lower()

        app_id = guid("TEAMS_APP_ID", PLACEHOLDER_APP_ID)
        bot_id = guid("MicrosoftAppId", PLACEHOLDER_BOT_ID)
        # The app whose Graph permissions Teams admin center shows for consent: the bot's own
        # unless the city gave Graph a separate app (GRAPH_CLIENT_ID, as the bot reads it).
        graph_app_id = guid("GRAPH_CLIENT_ID", bot_id) if get("GRAPH_CLIENT_ID") else bot_id
        domain = get("BOT_DOMAIN")
        if not domain:
            placeholders.append("BOT_DOMAIN")
            domain = PLACEHOLDER_DOMAIN
        elif not _DOMAIN.fullmatch(domain):
            raise ConfigError(f"BOT_DOMAIN はホスト名だけで指定してください（例: genai-bot.city.example.jp）: {domain!r}")
        version = get("APP_VERSION") or _project_version()
        if not _SEMVER.fullmatch(version):
            raise ConfigError(f"APP_VERSION は 1.2.3 の形で指定してください: {version!r}")
        website = get("APP_WEBSITE_URL") or CITY_WEBSITE
        for name, url in (("APP_WEBSITE_URL", website), ("APP_PRIVACY_URL", get("APP_PRIVACY_URL")),
                          ("APP_TERMS_URL", get("APP_TERMS_URL"))):
            if url and not url.startswith("https://"):
                raise ConfigError(f"{name} は https:// で始まる URL で指定してください: {url!r}")
        return cls(
            app_id=app_id,
            bot_id=bot_id,
            graph_app_id=graph_app_id,
            bot_domain=domain.lower(),
            version=version,
            website_url=website,
            privacy_url=get("APP_PRIVACY_URL") or website,
            terms_url=get("APP_TERMS_URL") or website,
            placeholders=tuple(placeholders),
        )


def _project_version() -> str:
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]
