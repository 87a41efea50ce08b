"""Chat path timings as a Teams user sees them (p50/p95/max, milliseconds).

    .venv/bin/python bench/chat.py [--rounds 30] [--chunk-delay 0.05]

The bot runs as in the tests: a real HTTP server with a fresh TinyDB, replies going to a
loopback Bot Connector, the Anthropic SDK talking to a loopback model server that streams a
~300-character answer in 8-character pieces, ``--chunk-delay`` seconds apart. For each prompt:

- progress: POST received → the first activity (Teams' informative update) reaches the connector;
  the target is 300 ms;
- first text: → the first streamed update that shows answer text;
- final: → the final message with the notice;
- screen: the screening time the bot recorded for the exchange.

Also: blocked prompts (a My Number) → the block card. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app import SERVICES, create_app  # noqa: E402
from settings import Settings  # noqa: E402
from tests.support.connector import Connector  # noqa: E402
from tests.support.model_servers import AnthropicServer, OpenAIServer, Reply, model_settings  # noqa: E402
from tests.support.teams import YAMADA, BotClient  # noqa: E402

ANSWER = ("窓口は平日8時30分から17時までです。土日祝日と年末年始は休みです。混雑する月曜の午前を避けると待ち時間が短くなります。" * 5)
PROMPT = "市民課の窓口時間を案内する文章を作ってください。"
BLOCKED = "住民のマイナンバーは 1234 5678 9018 です。手続きの案内文を作ってください。"


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{name:<22} p50 {statistics.median(ordered):8.1f}  p95 {p95:8.1f}  max {ordered[-1]:8.1f}  (n={len(ordered)})"


async def run(rounds: int, chunk_delay: float) -> None:
    connector = Connector()
    await connector.start()
    async with AnthropicServer(lambda _: Reply(ANSWER, chunk_delay=chunk_delay)) as anthropic_server, \
            OpenAIServer() as openai_server, aiohttp.ClientSession() as session:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings({
                **model_settings(openai_server, anthropic_server), "ALLOW_UNAUTHENTICATED": "1", "DATA_DIR": tmp,
                "STORAGE_URL": f"tinydb:///{tmp}/store", "ORG_TABLE": str(REPO / "data" / "org.csv"),
                "STREAM_INTERVAL_S": "0.5",
            })
            app = create_app(settings)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            client = BotClient(f"http://127.0.0.1:{port}", connector.url, session)
            await client.say(YAMADA, PROMPT)  # warm-up: imports, first SDK connection

            progress, first_text, final, blocked = [], [], [], []
            for _ in range(rounds):
                connector.received.clear()
                sent = time.monotonic()
                await client.say(YAMADA, PROMPT)
                items = connector.received
                progress.append((items[0].at - sent) * 1000)
                first_text.append((next(i.at for i in items if i.activity.get("entities")
                                        and i.activity["entities"][0].get("streamType") == "streaming") - sent) * 1000)
                final.append((items[-1].at - sent) * 1000)
                connector.received.clear()
                sent = time.monotonic()
                await client.say(YAMADA, BLOCKED)
                blocked.append((connector.received[0].at - sent) * 1000)
            records = await app[SERVICES].store.records("exchanges")
            screen = [float(r["latency_ms"]["screen"]) for r in records if r["latency_ms"].get("screen") is not None]
            await runner.cleanup()
    await connector.stop()
    print(f"answer: {len(ANSWER)} characters in 8-character pieces, {chunk_delay}s apart")
    for name, values in (("progress (target 300)", progress), ("first streamed text", first_text),
                         ("final message", final), ("block card", blocked), ("screening", screen)):
        print(summary(name, values))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--chunk-delay", type=float, default=0.05)
    options = parser.parse_args()
    asyncio.run(run(options.rounds, options.chunk_delay))


if __name__ == "__main__":
    main()
