"""Streamed answers through the real SDKs against the loopback servers: what a streamed answer
must do whatever way the providers read it (tests/chat/test_llm.py has retries and failure kinds).
"""

from __future__ import annotations

import asyncio

import pytest

from llm import Message, ProviderError, build_providers
from settings import Settings
from tests.support.model_servers import AnthropicServer, Cut, Fail, Inject, OpenAIServer, Reply

QUESTION = [Message("user", "窓口の混雑状況を案内する文を作ってください")]
LONG = "窓口は平日8時30分から17時までです。月曜の午前は混み合います。" * 50  # 1,650 characters


def server_of(service: str, openai_server: OpenAIServer, anthropic_server: AnthropicServer):
    return anthropic_server if service == "chatbot" else openai_server


async def read(provider) -> tuple[list[str], set[str | None], ProviderError | None]:
    pieces: list[str] = []
    models: set[str | None] = set()
    try:
        async for chunk in provider.stream("system prompt", QUESTION):
            pieces.append(chunk.text)
            models.add(chunk.model)
    except ProviderError as error:
        return pieces, models, error
    return pieces, models, None


@pytest.mark.parametrize("service", ["chatbot", "chatgpt"])
async def test_a_long_answer_arrives_whole_in_its_pieces_named_by_the_served_model(
        service, models, openai_server, anthropic_server):
    server = server_of(service, openai_server, anthropic_server)
    server.queue(Reply(LONG, chunk_size=4))
    provider = build_providers(Settings(models))[service]
    pieces, named, error = await read(provider)
    assert error is None
    assert pieces == [LONG[i : i + 4] for i in range(0, len(LONG), 4)]
    assert named == {provider.model}  # the server names the model it ran: the one asked for
    (request,) = server.requests
    key = models["ANTHROPIC_API_KEY" if service == "chatbot" else "OPENAI_API_KEY"]
    assert request.headers["authorization"] == f"Bearer {key}"
    assert service == "chatgpt" or request.headers["anthropic-version"]
    await provider.close()


def anthropic_error_event(kind: str) -> bytes:
    return (b'event: error\ndata: {"type": "error", "error": {"type": "%s", "message": "x"}}\n\n'
            % kind.encode())


@pytest.mark.parametrize(("service", "event", "kind"), [
    # The Anthropic SDK raises an error event as a status error of the stream's 200 response; the
    # type it names decides whether the person gets the retry button (not for a rejected prompt).
    ("chatbot", anthropic_error_event("overloaded_error"), "unavailable"),
    ("chatbot", anthropic_error_event("rate_limit_error"), "rate_limited"),
    ("chatbot", anthropic_error_event("invalid_request_error"), "rejected"),
    ("chatbot", b'event: error\ndata: not json\n\n', "unavailable"),
    ("chatgpt", b'data: {"error": {"message": "The server had an error", "type": "server_error"}}\n\n',
     "unavailable"),
], ids=["anthropic-overloaded", "anthropic-rate-limited", "anthropic-invalid", "anthropic-unreadable",
        "openai-error"])
async def test_an_error_event_mid_stream_fails_the_answer(service, event, kind, models, openai_server, anthropic_server):
    server = server_of(service, openai_server, anthropic_server)
    server.queue(Inject(event, text="途中でエラーになる回答です。", after_chunks=2))
    provider = build_providers(Settings(models))[service]
    pieces, _, error = await read(provider)
    assert pieces == ["途中でエ", "ラーにな"]
    assert error is not None and error.kind == kind
    assert len(server.requests) == 1  # a stream that has begun is not sent again
    await provider.close()


@pytest.mark.parametrize("service", ["chatbot", "chatgpt"])
async def test_a_stream_that_ends_without_its_closing_event_is_not_a_whole_answer(
        service, models, openai_server, anthropic_server):
    server = server_of(service, openai_server, anthropic_server)
    server.queue(Cut(text="途中で終わる回答です。", after_chunks=2))
    provider = build_providers(Settings(models))[service]
    pieces, _, error = await read(provider)
    assert pieces == ["途中で終", "わる回答"]
    assert error is not None and error.kind == "unavailable"
    server.queue(Reply("最後まで届く回答です。"))  # a whole answer still ends cleanly
    pieces, _, error = await read(provider)
    assert error is None and "".join(pieces) == "最後まで届く回答です。"
    await provider.close()


async def test_an_overloaded_anthropic_api_is_retried_before_the_stream_begins(models, anthropic_server):
    provider = build_providers(Settings(models))["chatbot"]
    anthropic_server.queue(Fail(529), Fail(529), Reply("混雑が解消しました。"))
    pieces, _, error = await read(provider)
    assert error is None and "".join(pieces) == "混雑が解消しました。"
    anthropic_server.queue(Fail(529), Fail(529), Fail(529))
    pieces, _, error = await read(provider)
    assert pieces == [] and error is not None and error.kind == "unavailable"
    assert len(anthropic_server.requests) == 6
    await provider.close()


@pytest.mark.parametrize("service", ["chatbot", "chatgpt"])
async def test_a_reader_that_stops_early_closes_the_response(service, models, openai_server, anthropic_server):
    server = server_of(service, openai_server, anthropic_server)
    server.queue(Reply(LONG, chunk_size=4, chunk_delay=0.01))
    provider = build_providers(Settings(models))[service]
    chunks = provider.stream("system prompt", QUESTION)
    first = await anext(chunks)
    await chunks.aclose()
    assert first.text == LONG[:4]
    (request,) = server.requests
    for _ in range(200):  # the server notices at its next write, 10 ms later
        if request.disconnected:
            break
        await asyncio.sleep(0.01)
    assert request.disconnected
    server.queue(Reply("次の質問への回答です。"))
    pieces, _, error = await read(provider)  # the client is still usable
    assert error is None and "".join(pieces) == "次の質問への回答です。"
    await provider.close()


ANTHROPIC_DELTA = b'event: content_block_delta\ndata: %s\n\n'
OPENAI_CHUNK = b'data: %s\n\n'


@pytest.mark.parametrize(("service", "line"), [
    ("chatbot", ANTHROPIC_DELTA % b'{"type": "content_block_delta", "index": 0, "delta": {"type": "text_d'),
    ("chatbot", ANTHROPIC_DELTA % b'{"type": "content_block_delta", "index": 0, '
                                  b'"delta": {"type": "text_delta", "text": "\xff\xfe"}}'),
    ("chatbot", ANTHROPIC_DELTA % b'["content_block_delta"]'),
    ("chatbot", ANTHROPIC_DELTA % b'{"type": "content_block_delta", "index": 0, "delta": 7}'),
    ("chatbot", ANTHROPIC_DELTA % b'{"type": "content_block_delta", "index": 0, '
                                  b'"delta": {"type": "text_delta", "text": 7}}'),
    ("chatgpt", OPENAI_CHUNK % b'{"id": "chatcmpl-1", "choices": [{"index": 0, "delta": {"content": "'),
    ("chatgpt", OPENAI_CHUNK % b'{"id": "chatcmpl-1", "choices": [{"index": 0, "delta": {"content": "\xff"}}]}'),
    ("chatgpt", OPENAI_CHUNK % b'[{"content": "a"}]'),
    ("chatgpt", OPENAI_CHUNK % b'{"id": "chatcmpl-1", "choices": 7}'),
    ("chatgpt", OPENAI_CHUNK % b'{"id": "chatcmpl-1", "choices": [{"index": 0, "delta": {"content": 7}}]}'),
], ids=["anthropic-cut-json", "anthropic-not-utf8", "anthropic-not-an-object", "anthropic-delta-not-an-object",
        "anthropic-text-not-a-string", "openai-cut-json", "openai-not-utf8", "openai-not-an-object",
        "openai-choices-not-a-list", "openai-content-not-a-string"])
async def test_a_malformed_event_fails_the_answer_instead_of_skipping_or_crashing(
        service, line, models, openai_server, anthropic_server):
    server = server_of(service, openai_server, anthropic_server)
    server.queue(Inject(line, text="壊れた行の後にも続く回答です。", after_chunks=1))
    provider = build_providers(Settings(models))[service]
    pieces, _, error = await read(provider)
    assert pieces == ["壊れた行"]  # what came after the broken line is not passed off as the answer
    assert error is not None and error.kind == "unavailable"
    await provider.close()
