"""How Teams delivers a command, and what counts as one (issue 2, issue 8)."""

from __future__ import annotations

import pytest

from bot.router import Command, Router


@pytest.fixture(scope="module")
def router() -> Router:
    router = Router(modules=())
    router.commands.update({"guide": _noop, "help": _noop, "service": _noop})
    return router


async def _noop(turn, args) -> None:  # a registered command for the parser to know
    return None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/guide マイナンバー", Command("guide", "マイナンバー")),
        ("guide マイナンバー", Command("guide", "マイナンバー")),
        ("GUIDE", Command("guide", "")),
        ("／ｇｕｉｄｅ　個人番号", Command("guide", "個人番号")),
        ("  /service chatgpt ", Command("service", "chatgpt")),
        ("/help\n使い方", Command("help", "使い方")),
        ("/unknown x", Command("unknown", "x")),
    ],
)
def test_commands_are_recognised(router, text, expected):
    assert router.parse_command(text) == expected


@pytest.mark.parametrize(
    "text",
    ["ガイドラインについて教えて", "guidelines for writing", "議事録の要約をお願いします", "", "   "],
)
def test_ordinary_messages_are_not_commands(router, text):
    assert router.parse_command(text) is None


def test_a_route_cannot_be_registered_twice(tmp_path, monkeypatch):
    module = tmp_path / "dup_handlers.py"
    module.write_text("COMMANDS = {'help': None}\nACTIONS = {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuntimeError, match="already routed"):
        Router(modules=("dup_handlers", "dup_handlers"))
