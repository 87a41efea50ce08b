"""Model providers on loopback: HTTP servers that speak the OpenAI Chat Completions API and the
Anthropic Messages API, streaming (SSE) and not, for the real SDKs to talk to.

Each server records every request it receives (``server.requests``) and answers from a script:
queue behaviours with ``server.queue(...)`` (used first, in order), otherwise ``server.responder``
decides (by default an answer that quotes the last user message). Behaviours:

- ``Reply(text, chunks=None, chunk_delay=0.0)``: a normal answer; when streamed, ``chunks`` (or
  the text cut in pieces of ``chunk_size`` characters) arrive as separate SSE events.
- ``Fail(status, retry_after_ms=10)``: an API error with the provider's error body (429, 500,
  529 …). ``retry-after-ms`` keeps the SDKs' retries fast in tests.
- ``Hang(seconds)``: no answer for that long (the SDK's timeout fires first).
- ``Drop(text, after_chunks)``: a streamed answer whose connection is cut after some chunks;
  a non-streamed request gets its connection cut before any answer.
- ``Stall(text, after_chunks, seconds)``: a streamed answer that stops sending after some chunks.
- ``Inject(sse, text, after_chunks)``: a streamed answer with ``sse`` (raw bytes: an error event,
  a malformed line) sent after some chunks, then the rest of the answer and its normal end.

A streamed request's ``disconnected`` says whether the client went away before the answer's end.

Usage::

    async with OpenAIServer() as openai_server, AnthropicServer() as anthropic_server:
        settings = {"OPENAI_BASE_URL": openai_server.base_url, "OPENAI_API_KEY": "test", ...}
        openai_server.queue(Fail(429), Reply("こんにちは"))
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Reply:
    text: str
    chunks: tuple[str, ...] | None = None
    chunk_delay: float = 0.0
    chunk_size: int = 8

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        return [self.text[i : i + self.chunk_size] for i in range(0, len(self.text), self.chunk_size)] or [""]


@dataclass(frozen=True)
class Fail:
    status: int
    message: str = "simulated failure"
    retry_after_ms: int | None = 10


@dataclass(frozen=True)
class Hang:
    seconds: float = 30.0


@dataclass(frozen=True)
class Drop:
    text: str = "途中で切れる回答です。"
    after_chunks: int = 1
    chunk_size: int = 4


@dataclass(frozen=True)
class Stall:
    text: str = "途中で止まる回答です。"
    after_chunks: int = 1
    seconds: float = 30.0
    chunk_size: int = 4


@dataclass(frozen=True)
class Cut:
    """The body ends cleanly after ``after_chunks`` pieces, without the stream's closing events
    (a proxy's timeout, a restart): nothing on the wire says it failed."""

    text: str = "途中で終わる回答です。"
    after_chunks: int = 1
    chunk_size: int = 4


@dataclass(frozen=True)
class Inject:
    sse: bytes
    text: str = "途中に別の行が入る回答です。"
    after_chunks: int = 1
    chunk_size: int = 4


Behaviour = Reply | Fail | Hang | Drop | Stall | Cut | Inject


@dataclass
class ModelRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    disconnected: bool = False

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def text(self) -> str:
        """Everything the bot sent in this request (system prompt and all messages), as one string."""
        return json.dumps(self.body, ensure_ascii=False)

    @property
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return _content_text(message.get("content"))
        return ""


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def echo_responder(request: ModelRequest) -> Behaviour:
    return Reply(f"ご質問「{request.last_user_text}」にお答えします。確認のうえご利用ください。")


class ModelServer:
    """The common part: HTTP server, request log, behaviour script."""

    path = ""
    base_suffix = ""

    def __init__(self, responder: Callable[[ModelRequest], Behaviour] = echo_responder):
        self.requests: list[ModelRequest] = []
        self.responder = responder
        self._script: deque[Behaviour] = deque()
        self._runner: web.AppRunner | None = None
        self._ids = itertools.count(1)
        self.url = ""

    @property
    def base_url(self) -> str:
        """What the SDK's base URL setting (``*_BASE_URL``) must be."""
        return self.url + self.base_suffix

    def queue(self, *behaviours: Behaviour) -> None:
        self._script.extend(behaviours)

    async def start(self) -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> ModelServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        recorded = ModelRequest(request.method, request.path, {k.lower(): v for k, v in request.headers.items()}, body)
        self.requests.append(recorded)
        behaviour = self._script.popleft() if self._script else self.responder(recorded)
        if isinstance(behaviour, Fail):
            headers = {"retry-after-ms": str(behaviour.retry_after_ms)} if behaviour.retry_after_ms is not None else {}
            return web.json_response(self.error_body(behaviour), status=behaviour.status, headers=headers)
        if isinstance(behaviour, Hang):
            await asyncio.sleep(behaviour.seconds)
            return web.json_response(self.error_body(Fail(504, "hung")), status=504)
        if not recorded.stream:
            if isinstance(behaviour, Drop | Stall | Cut | Inject):
                if isinstance(behaviour, Stall):
                    await asyncio.sleep(behaviour.seconds)
                request.transport.close()  # type: ignore[union-attr]
                return web.Response(status=500)
            return web.json_response(self.completion(recorded, behaviour.text))
        return await self._stream(request, recorded, behaviour)

    async def _stream(self, request: web.Request, recorded: ModelRequest, behaviour: Behaviour) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        try:
            await self._write_stream(request, response, recorded, behaviour)
        except ConnectionResetError:
            recorded.disconnected = True
        return response

    async def _write_stream(self, request: web.Request, response: web.StreamResponse, recorded: ModelRequest,
                            behaviour: Behaviour) -> None:
        if isinstance(behaviour, Reply):
            pieces, cut, delay = behaviour.pieces(), None, behaviour.chunk_delay
        else:
            pieces = Reply(behaviour.text, chunk_size=behaviour.chunk_size).pieces()
            cut, delay = behaviour.after_chunks, 0.0
        message_id = f"{next(self._ids)}"
        for event in self.stream_start(recorded, message_id):
            await response.write(event)
        for index, piece in enumerate(pieces):
            if cut is not None and index == cut:
                if isinstance(behaviour, Inject):
                    await response.write(behaviour.sse)
                elif isinstance(behaviour, Cut):
                    await response.write_eof()
                    return
                else:
                    if isinstance(behaviour, Stall):
                        await asyncio.sleep(behaviour.seconds)
                    # Cut the connection without ending the chunked body: a dropped stream.
                    request.transport.close()  # type: ignore[union-attr]
                    return
            if delay:
                await asyncio.sleep(delay)
            await response.write(self.stream_delta(recorded, message_id, piece))
        for event in self.stream_end(recorded, message_id, len("".join(pieces))):
            await response.write(event)
        await response.write_eof()

    # Provider formats ----------------------------------------------------------------------
    def error_body(self, failure: Fail) -> dict[str, Any]:
        raise NotImplementedError

    def completion(self, request: ModelRequest, text: str) -> dict[str, Any]:
        raise NotImplementedError

    def stream_start(self, request: ModelRequest, message_id: str) -> list[bytes]:
        raise NotImplementedError

    def stream_delta(self, request: ModelRequest, message_id: str, piece: str) -> bytes:
        raise NotImplementedError

    def stream_end(self, request: ModelRequest, message_id: str, chars: int) -> list[bytes]:
        raise NotImplementedError


def _sse(data: Any, event: str | None = None) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


class OpenAIServer(ModelServer):
    """``POST /v1/chat/completions`` as OpenAI (and OpenAI-compatible servers) answer it."""

    path = "/v1/chat/completions"
    base_suffix = "/v1"

    def error_body(self, failure: Fail) -> dict[str, Any]:
        kind = "rate_limit_exceeded" if failure.status == 429 else "server_error"
        return {"error": {"message": failure.message, "type": kind, "param": None, "code": kind}}

    def _chunk(self, request: ModelRequest, message_id: str, delta: dict[str, Any], finish: str | None) -> bytes:
        return _sse({
            "id": f"chatcmpl-{message_id}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": request.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })

    def completion(self, request: ModelRequest, text: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{next(self._ids)}", "object": "chat.completion", "created": int(time.time()),
            "model": request.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": len(text), "total_tokens": 10 + len(text)},
        }

    def stream_start(self, request: ModelRequest, message_id: str) -> list[bytes]:
        return [self._chunk(request, message_id, {"role": "assistant", "content": ""}, None)]

    def stream_delta(self, request: ModelRequest, message_id: str, piece: str) -> bytes:
        return self._chunk(request, message_id, {"content": piece}, None)

    def stream_end(self, request: ModelRequest, message_id: str, chars: int) -> list[bytes]:
        return [self._chunk(request, message_id, {}, "stop"), _sse("[DONE]")]


class AnthropicServer(ModelServer):
    """``POST /v1/messages`` as the Anthropic API answers it."""

    path = "/v1/messages"

    def error_body(self, failure: Fail) -> dict[str, Any]:
        kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(failure.status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": failure.message}}

    def _message(self, request: ModelRequest, message_id: str, content: list[dict[str, Any]],
                 stop: str | None, output_tokens: int) -> dict[str, Any]:
        return {
            "id": f"msg_{message_id}", "type": "message", "role": "assistant", "model": request.model,
            "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": output_tokens},
        }

    def completion(self, request: ModelRequest, text: str) -> dict[str, Any]:
        return self._message(request, str(next(self._ids)), [{"type": "text", "text": text}], "end_turn", len(text))

    def stream_start(self, request: ModelRequest, message_id: str) -> list[bytes]:
        start = {"type": "message_start", "message": self._message(request, message_id, [], None, 1)}
        block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
        return [_sse(start, "message_start"), _sse(block, "content_block_start"), _sse({"type": "ping"}, "ping")]

    def stream_delta(self, request: ModelRequest, message_id: str, piece: str) -> bytes:
        delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}
        return _sse(delta, "content_block_delta")

    def stream_end(self, request: ModelRequest, message_id: str, chars: int) -> list[bytes]:
        return [
            _sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
            _sse({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                  "usage": {"output_tokens": chars}}, "message_delta"),
            _sse({"type": "message_stop"}, "message_stop"),
        ]


def model_settings(openai_server: OpenAIServer, anthropic_server: AnthropicServer, **overrides: str) -> dict[str, str]:
    """Bot settings that point both services at the loopback servers, with fast retries."""
    return {
        "OPENAI_BASE_URL": openai_server.base_url,
        "OPENAI_API_KEY": "test-openai-key",
        "OPENAI_MODEL": "gpt-test",
        "ANTHROPIC_BASE_URL": anthropic_server.base_url,
        "ANTHROPIC_API_KEY": "test-anthropic-key",
        "LLM_MAX_RETRIES": "2",
        "LLM_TIMEOUT_S": "10",
        "STREAM_INTERVAL_S": "0.05",
        **overrides,
    }


async def _serve(port: int, delay: float) -> None:
    """Both APIs on one port, answering every prompt with a quote of it, slowly enough to see streaming."""
    anthropic_server = AnthropicServer(lambda r: Reply(echo_responder(r).text * 3, chunk_size=4, chunk_delay=delay))
    openai_server = OpenAIServer(lambda r: Reply(echo_responder(r).text * 3, chunk_size=4, chunk_delay=delay))
    app = web.Application()
    app.router.add_post(AnthropicServer.path, anthropic_server._handle)
    app.router.add_post(OpenAIServer.path, openai_server._handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"ANTHROPIC_BASE_URL=http://127.0.0.1:{port}  OPENAI_BASE_URL=http://127.0.0.1:{port}/v1", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    # A stand-in model for trying the bot locally without a key:
    #   .venv/bin/python -m tests.support.model_servers --port 8011
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.support.model_servers")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--delay", type=float, default=0.15, help="seconds between streamed pieces")
    options = parser.parse_args()
    asyncio.run(_serve(options.port, options.delay))
