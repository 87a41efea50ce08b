"""The loopback model servers speak what the real SDKs expect (other tests rely on them)."""

from __future__ import annotations

import anthropic
import httpx2
import openai
import pytest

from tests.support.model_servers import AnthropicServer, Drop, Fail, Hang, OpenAIServer, Reply


def openai_client(server: OpenAIServer, **kw) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="test", base_url=server.base_url, **kw)


def anthropic_client(server: AnthropicServer, **kw) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(api_key="test", base_url=server.base_url, **kw)


async def test_openai_plain_and_streamed(openai_server: OpenAIServer) -> None:
    client = openai_client(openai_server)
    messages = [{"role": "user", "content": "こんにちは"}]
    plain = await client.chat.completions.create(model="gpt-test", messages=messages)
    assert plain.choices[0].message.content == "ご質問「こんにちは」にお答えします。確認のうえご利用ください。"
    openai_server.queue(Reply("ストリームの回答", chunks=("スト", "リームの", "回答")))
    stream = await client.chat.completions.create(model="gpt-test", messages=messages, stream=True)
    pieces = [c.choices[0].delta.content async for c in stream if c.choices and c.choices[0].delta.content]
    assert pieces == ["スト", "リームの", "回答"]
    assert [r.stream for r in openai_server.requests] == [False, True]
    assert openai_server.requests[0].headers["authorization"] == "Bearer test"
    assert openai_server.requests[1].last_user_text == "こんにちは"


async def test_anthropic_plain_and_streamed(anthropic_server: AnthropicServer) -> None:
    client = anthropic_client(anthropic_server)
    messages = [{"role": "user", "content": "こんにちは"}]
    plain = await client.messages.create(model="claude-test", max_tokens=100, messages=messages)
    assert plain.content[0].text.startswith("ご質問「こんにちは」")
    anthropic_server.queue(Reply("ストリームの回答", chunks=("スト", "リームの", "回答")))
    async with client.messages.stream(model="claude-test", max_tokens=100, messages=messages) as stream:
        pieces = [t async for t in stream.text_stream]
    assert pieces == ["スト", "リームの", "回答"]
    assert "test" in (anthropic_server.requests[0].headers.get("x-api-key"), anthropic_server.requests[0].headers.get("authorization", "").removeprefix("Bearer "))


async def test_failures_are_retried_by_the_sdk(openai_server: OpenAIServer, anthropic_server: AnthropicServer) -> None:
    openai_server.queue(Fail(429), Fail(500), Reply("三回目で成功"))
    done = await openai_client(openai_server, max_retries=2).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "q"}])
    assert done.choices[0].message.content == "三回目で成功"
    assert len(openai_server.requests) == 3
    anthropic_server.queue(Fail(529), Fail(529))
    with pytest.raises(anthropic.InternalServerError):
        await anthropic_client(anthropic_server, max_retries=1).messages.create(
            model="m", max_tokens=10, messages=[{"role": "user", "content": "q"}])


async def test_hang_and_drop(openai_server: OpenAIServer, anthropic_server: AnthropicServer) -> None:
    openai_server.queue(Hang(5))
    with pytest.raises(openai.APITimeoutError):
        await openai_client(openai_server, max_retries=0, timeout=0.3).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "q"}])
    anthropic_server.queue(Drop("切断されるまでの文章", after_chunks=2))
    client = anthropic_client(anthropic_server, max_retries=0)
    seen: list[str] = []
    # The Anthropic SDK lets the transport's error through from a broken stream.
    with pytest.raises((anthropic.APIConnectionError, httpx2.TransportError)):
        async with client.messages.stream(model="m", max_tokens=10, messages=[{"role": "user", "content": "q"}]) as s:
            async for text in s.text_stream:
                seen.append(text)
    assert "".join(seen) == "切断されるまでの文章"[:8]
