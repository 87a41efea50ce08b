"""Both services through their real SDKs against the loopback servers."""

from __future__ import annotations

import socket

import pytest

from llm import Message, ProviderError, build_providers
from llm.base import model_label
from settings import Settings
from tests.support.model_servers import Drop, Fail, Hang, Reply, Stall

QUESTION = [Message("user", "市民課の窓口時間の案内文を作ってください")]


async def collect(provider, system: str = "system prompt") -> tuple[str, set[str | None]]:
    text, models = "", set()
    async for chunk in provider.stream(system, QUESTION):
        text += chunk.text
        models.add(chunk.model)
    return text, models


@pytest.mark.parametrize("service", ["chatbot", "chatgpt"])
async def test_answers_stream_in_pieces_and_name_the_model(service, models, openai_server, anthropic_server):
    server = anthropic_server if service == "chatbot" else openai_server
    server.queue(Reply("窓口は平日8時30分から17時までです。", chunks=("窓口は", "平日8時30分から", "17時までです。")))
    provider = build_providers(Settings(models))[service]
    pieces = [chunk.text async for chunk in provider.stream("system prompt", QUESTION)]
    assert pieces == ["窓口は", "平日8時30分から", "17時までです。"]
    (request,) = server.requests
    assert request.stream and request.last_user_text == QUESTION[0].content
    assert "system prompt" in request.text
    assert request.model == provider.model
    await provider.close()


async def test_default_models_are_claude_haiku_and_the_configured_openai_model(models, anthropic_server):
    providers = build_providers(Settings(models))
    assert providers["chatbot"].model == "claude-haiku-4-5"
    assert model_label(providers["chatbot"].model) == "Claude Haiku 4.5（claude-haiku-4-5）"
    assert providers["chatgpt"].model == "gpt-test"
    # Pointed at another server than the vendor's, the label says so instead of claiming the vendor.
    assert providers["chatbot"].provider_label == "Anthropic互換サーバー（127.0.0.1）"
    assert build_providers(Settings({"ANTHROPIC_API_KEY": "k"}))["chatbot"].provider_label == "Anthropic"


async def test_settings_not_the_environment_configure_the_sdks(monkeypatch, anthropic_server):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic_server.base_url)
    provider = build_providers(Settings({}))["chatbot"]
    assert not provider.configured
    with pytest.raises(ProviderError) as failure:
        await collect(provider)
    assert failure.value.kind == "not_configured"
    assert anthropic_server.requests == []


@pytest.mark.parametrize(("behaviours", "kind"), [
    ((Fail(429), Fail(429), Fail(429)), "rate_limited"),
    ((Fail(500), Fail(503), Fail(502)), "unavailable"),
    ((Hang(5), Hang(5), Hang(5)), "timeout"),
    ((Drop(after_chunks=1),), "network"),
    ((Fail(401),), "auth"),
    ((Fail(400),), "rejected"),
])
@pytest.mark.parametrize("service", ["chatbot", "chatgpt"])
async def test_failures_are_retried_then_reported(service, behaviours, kind, models, openai_server, anthropic_server):
    server = anthropic_server if service == "chatbot" else openai_server
    server.queue(*behaviours)
    provider = build_providers(Settings({**models, "LLM_TIMEOUT_S": "1"}))[service]
    with pytest.raises(ProviderError) as failure:
        await collect(provider)
    assert failure.value.kind == kind
    # Two retries for what may pass on a second try; none for a refused request or a broken stream.
    assert len(server.requests) == len(behaviours)
    await provider.close()


@pytest.mark.parametrize("service", ["chatbot", "chatgpt"])
async def test_a_server_that_refuses_connections_is_a_network_failure_not_a_timeout(service):
    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    provider = build_providers(Settings({
        "ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "test", "OPENAI_BASE_URL": f"{url}/v1",
        "OPENAI_API_KEY": "test", "LLM_MAX_RETRIES": "0",
    }))[service]
    with pytest.raises(ProviderError) as failure:
        await collect(provider)
    assert failure.value.kind == "network"  # the card says 接続できませんでした, not 時間内に回答がありません
    await provider.close()


@pytest.mark.parametrize("service", ["chatbot", "chatgpt"])
async def test_a_retry_that_succeeds_is_invisible(service, models, openai_server, anthropic_server):
    server = anthropic_server if service == "chatbot" else openai_server
    server.queue(Fail(429), Fail(500), Reply("三度目の正直です。"))
    text, _ = await collect(build_providers(Settings(models))[service])
    assert text == "三度目の正直です。"
    assert len(server.requests) == 3


async def test_a_stalled_stream_times_out(models, anthropic_server):
    anthropic_server.queue(Stall(after_chunks=1, seconds=5))
    with pytest.raises(ProviderError) as failure:
        await collect(build_providers(Settings({**models, "LLM_TIMEOUT_S": "1"}))["chatbot"])
    assert failure.value.kind in ("timeout", "network")
