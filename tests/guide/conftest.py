"""The rules and their canonical section table, shared by the /guide tests."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from policy.guide import DEFAULT_GUIDELINE, Guide, SectionTree, load_guide
from policy.guide.intent import Intent, load_intents
from policy.guide.parser import parse
from policy.guide.synonyms import Synonyms, load_synonyms
from tests.support.model_servers import AnthropicServer, OpenAIServer, model_settings

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))
SECTIONS_MD = SHARED / "guideline" / "sections.md"
QUESTIONS = Path(__file__).with_name("questions.jsonl")


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    content: str  # leaves: first ~40 characters; parents: "n: children"


def _table(markdown: str, heading: str) -> list[Row]:
    part = markdown.split(heading, 1)[1].split("\n## ", 1)[0]
    return [Row(*m) for m in re.findall(r"^\| `([^`]+)` \| (.*?) \| (.*?) \|$", part, re.M)]


@pytest.fixture(scope="session")
def canonical() -> tuple[list[Row], list[Row]]:
    """(leaves, parents) of ../shared/guideline/sections.md; CI has ../shared beside the project."""
    if not SECTIONS_MD.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"missing {SECTIONS_MD}")
        pytest.skip(f"missing {SECTIONS_MD}")
    markdown = SECTIONS_MD.read_text(encoding="utf-8")
    return _table(markdown, "## Leaf sections"), _table(markdown, "## Parent ids")


@pytest.fixture(scope="session")
def tree() -> SectionTree:
    return parse(DEFAULT_GUIDELINE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def guide() -> Guide:
    return load_guide()


@pytest.fixture(scope="session")
def synonyms() -> Synonyms:
    return load_synonyms()


@pytest.fixture(scope="session")
def intents() -> tuple[Intent, ...]:
    return load_intents()


@pytest.fixture
async def model_servers() -> AsyncIterator[tuple[AnthropicServer, OpenAIServer]]:
    """Both services on loopback, answered through the real SDKs (for 「AIで要約」)."""
    async with AnthropicServer() as anthropic_server, OpenAIServer() as openai_server:
        yield anthropic_server, openai_server


@pytest.fixture
def models(model_servers: tuple[AnthropicServer, OpenAIServer]) -> dict[str, str]:
    anthropic_server, openai_server = model_servers
    return model_settings(openai_server, anthropic_server)
