"""Every setting of the bot, in one table.

The README's settings table is this table (a test keeps them in step). Values come from the
process environment or a ``.env`` file; the environment wins. Names of the Bot Framework
settings follow the BotBuilder samples.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str
    secret: bool = False
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("PORT", "3978", "HTTP port of the bot (`POST /api/messages`, `GET /healthz`)."),
    Setting("HOST", "0.0.0.0", "Address the HTTP server binds to."),
    Setting(
        "WORKERS", "1",
        "Processes serving `PORT`, forked after start-up so they share its memory; more than 1 needs PostgreSQL.",
    ),
    Setting(
        "LOG_LEVEL", "INFO", "Python log level of the bot's own log (prompts and secrets are never logged).",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
    ),
    Setting("MicrosoftAppId", "", "Bot's Entra application (client) id. Empty: local run only."),
    Setting("MicrosoftAppPassword", "", "Client secret of that application.", secret=True),
    Setting("MicrosoftAppTenantId", "", "City's tenant id: activities from other tenants are refused."),
    Setting("MicrosoftAppType", "SingleTenant", "`SingleTenant`, `MultiTenant` or `UserAssignedMSI`."),
    Setting(
        "ALLOW_UNAUTHENTICATED", "0",
        "`1` lets the bot start without an app id and accept unauthenticated requests (local use only).",
    ),
    Setting("BOT_OPENID_METADATA_URL", "", "Override of the Bot Framework OpenID metadata URL (tests, sovereign clouds)."),
    Setting("BOT_TOKEN_ISSUER", "", "Override of the expected Bot Framework token issuer (tests, sovereign clouds)."),
    Setting("BOT_LOGIN_URL", "", "Override of the login URL for the bot's outgoing tokens (tests, sovereign clouds)."),
    Setting("DATA_DIR", "./data", "Folder for the embedded database and exports."),
    Setting("STORAGE_URL", "", "`tinydb:///path` or `postgresql://…`; empty: `tinydb:///<DATA_DIR>/store`."),
    # Retention (3章1-3(3)) is the city's to set: required, no default (storage/retention.py).
    Setting("RETENTION_EXCHANGES_DAYS", "", "Required. Days exchange records are kept (the period the city sets, 3章1-3(3))."),
    Setting("RETENTION_APPROVALS_DAYS", "", "Required. Days decided approval requests are kept; pending ones are never purged."),
    Setting("RETENTION_REPORTS_DAYS", "", "Required. Days closed (完了) reports are kept; open ones are never purged."),
    Setting("PURGE_INTERVAL_S", "86400", "Seconds between scheduled purges (one instance at a time purges)."),
    Setting("DEFAULT_SERVICE", "chatbot", "Service for users who have not chosen one: `chatbot` or `chatgpt`."),
    Setting("OPENAI_MODEL", "gpt-4o-mini", "Model of the `chatgpt` service."),
    Setting("ANTHROPIC_MODEL", "claude-haiku-4-5", "Model of the `chatbot` service (Claude Haiku 4.5)."),
    Setting("OPENAI_API_KEY", "", "Key for the `chatgpt` service (OpenAI SDK standard variable).", secret=True),
    Setting("OPENAI_BASE_URL", "", "OpenAI-compatible endpoint, e.g. a city's own on LGWAN (SDK standard variable)."),
    Setting("ANTHROPIC_API_KEY", "", "Key for the `chatbot` service (Anthropic SDK standard variable).", secret=True),
    Setting("ANTHROPIC_BASE_URL", "", "Anthropic-compatible endpoint (SDK standard variable)."),
    Setting("LLM_TIMEOUT_S", "60", "Seconds before a model request is abandoned."),
    Setting("LLM_MAX_RETRIES", "2", "Retries with backoff on timeouts, 429 and 5xx before the user is told."),
    Setting("HISTORY_CHAR_BUDGET", "6000", "Characters of earlier turns sent with a prompt (per user and service)."),
    Setting("MAX_MESSAGE_CHARS", "20000", "Longest message accepted; longer ones get a Japanese explanation."),
    Setting("RATE_LIMIT_PER_MINUTE", "20", "Messages and card actions one person may send per minute (0: no limit)."),
    Setting(
        "CLIENT_MOBILE_POLICY", "warn",
        "2章1-2 対象端末, for Teams on phones and tablets: `allow`, `warn` (once a day) or `refuse`.",
        choices=("allow", "warn", "refuse"),
    ),
    Setting(
        "CLIENT_UNKNOWN_POLICY", "warn", "The same for clients that report no platform: `allow`, `warn` or `refuse`.",
        choices=("allow", "warn", "refuse"),
    ),
    Setting("STREAM_INTERVAL_S", "1.0", "Seconds between streamed updates in personal chats."),
    Setting("GUIDELINE_PATH", "", "Markdown of the rules for `/guide`; empty: the edition shipped in `policy/guide/data/`."),
    Setting("ORG_TABLE", "data/org.csv", "Org table (UTF-8 CSV): 所属, 所属長, roles, initial permissions. See data/README.md."),
    Setting("GRAPH_CLIENT_ID", "", "Entra app (client) id for Microsoft Graph (`User.Read.All`). Empty: the org table alone."),
    Setting("GRAPH_CLIENT_SECRET", "", "Client secret of that app.", secret=True),
    Setting("GRAPH_TENANT_ID", "", "Tenant for Graph tokens; empty: `MicrosoftAppTenantId`."),
    Setting("GRAPH_AUTHORITY", "https://login.microsoftonline.com", "Entra authority (https only; sovereign clouds, tests)."),
    Setting("GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0", "Microsoft Graph endpoint."),
    Setting("GRAPH_CA_FILE", "", "PEM bundle to trust for the authority and Graph (e.g. a proxy's CA); empty: system CAs."),
    Setting("GRAPH_CACHE_SECONDS", "900", "How long a user's department and manager from Graph are reused."),
    Setting("APPROVAL_EXPIRY_HOURS", "72", "Hours before an undecided approval request expires and the requester is told."),
    Setting("APPROVAL_SWEEP_SECONDS", "300", "Seconds between checks for expired approval requests."),
    Setting("ADMIN_TOKEN", "", "Local admin token for the `/admin` web page (embedded default without Entra ID). Empty: off.", secret=True),
    Setting("ADMIN_SESSION_SECRET", "", "Key that signs `/admin` session cookies; set it when several instances run. Empty: random per start.", secret=True),
    Setting("ADMIN_SESSION_HOURS", "8", "Hours an `/admin` sign-in lasts."),
    Setting("ADMIN_AUTHORITY", "", "Entra authority for `/admin` sign-in, e.g. `https://login.microsoftonline.com/<tenant id>` (https only). Empty: no Entra sign-in."),
    Setting("ADMIN_CLIENT_ID", "", "Entra app (client) id of the `/admin` web sign-in."),
    Setting("ADMIN_CLIENT_SECRET", "", "Client secret of that app.", secret=True),
    Setting("ADMIN_REDIRECT_URL", "", "Redirect URI registered for that app: `https://<host>/admin/callback`."),
    Setting("ADMIN_CA_FILE", "", "PEM bundle to trust for the `/admin` sign-in authority; empty: system CAs."),
    Setting("ADMIN_PUBLIC_URL", "", "Address of this server as staff reach it (`https://<host>`), for `/admin` links sent in Teams."),
    Setting("REPORT_NOTIFY_ALL_DIVISION_HEADS", "0", "`1`: a `/report` notifies every 部長, not only the reporter's (6-6)."),
    Setting("REPORT_MAX_PER_HOUR", "10", "Reports one person may send in an hour (each reaches the 副市長 at once); 0: no limit."),
    Setting("EXPORT_LINK_TTL_S", "600", "Seconds a `/export` download link (`ADMIN_PUBLIC_URL/exports/…`, one use) stays valid."),
    Setting("ADMIN_SAMPLE_SIZE", "10", "Exchanges drawn for one sample check (3章1-1(1)-(3))."),
    Setting("ADMIN_WEEKS", "8", "Weeks the `/admin` statistics cover unless chosen otherwise."),
    Setting("ADMIN_LONG_INPUT_CHARS", "2000", "Inputs at least this long are flagged for review as pastes."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
_TRUE = {"1", "true", "yes", "on"}


class Settings(Mapping[str, str]):
    """Resolved settings; unknown names raise KeyError so a typo fails loudly."""

    def __init__(self, values: Mapping[str, str]):
        self._values = {s.name: values.get(s.name, s.default) for s in SETTINGS}

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, dotenv: str | Path | None = ".env") -> Settings:
        merged: dict[str, str] = {}
        if dotenv and Path(dotenv).is_file():
            merged.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        merged.update(os.environ if env is None else env)
        return cls(merged)

    def invalid(self) -> list[str]:
        """Settings whose value is not one of their choices (start-up refuses them)."""
        return [
            f"{s.name}={self[s.name]!r} ({' / '.join(s.choices)} のいずれかにしてください)"
            for s in SETTINGS if s.choices and self[s.name] not in s.choices
        ]

    def replace(self, **changes: str) -> Settings:
        for name in changes:
            _BY_NAME[name]
        return Settings({**self._values, **changes})

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def int(self, name: str) -> int:
        return int(self[name])

    def float(self, name: str) -> float:
        return float(self[name])

    def flag(self, name: str) -> bool:
        return self[name].strip().lower() in _TRUE

    @property
    def storage_url(self) -> str:
        return self["STORAGE_URL"] or f"tinydb:///{Path(self['DATA_DIR']).resolve() / 'store'}"

    def public_view(self) -> dict[str, str]:
        """Settings as they may appear in a log: secrets reduced to whether they are set."""
        return {
            s.name: ("(設定済み)" if self[s.name] else "") if s.secret else self[s.name] for s in SETTINGS
        }


def markdown_table() -> str:
    """The README's settings table; ``python settings.py`` prints it (a test keeps README.md in step)."""
    rows = ["| 環境変数 | 意味 | 既定値 |", "|---|---|---|"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "（空）"
        rows.append(f"| `{s.name}` | {s.meaning.replace('|', '/')} | {default} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
