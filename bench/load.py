"""Load benchmark: the bot started the README's way, under N concurrent Teams conversations.

    .venv/bin/python bench/load.py [--json] [--backends postgresql,tinydb] [--concurrency 1,10,50,200]
        [--messages 400] [--model-delay 0] [--token-rate 0] [--no-install] [--plot bench/load.png]

Separate processes talk HTTP on loopback only: the bot (``scripts/start`` — install, then
``app.py`` — with ``PORT``, a generated org table of ``max(concurrency)`` staff, ``RATE_LIMIT_PER_MINUTE=0``
and PostgreSQL in a schema of its own, dropped afterwards, or TinyDB in a temporary folder), a
Bot Connector and a model server (``bench/load_servers.py``), and this driver. Each conversation
is one member of staff in a personal chat who sends a message, waits for the bot's answer and
sends the next (at once, or after a pause averaging ``--think`` seconds); the messages are drawn
from ``../shared/eval/screening-dev.jsonl`` in the mix of
``--mix`` (clean = allow/notice, blocked, confirm). Every level is bounded: ``--messages`` in
all (at least 2 a conversation) and ``--level-timeout`` seconds.

Per message, with ``time.monotonic()`` read in each process (one clock on one machine):

* added latency — model path: (POST sent → request at the model server) + (model's last token
  → final reply at the connector); blocked and held messages, which the bot answers itself:
  POST sent → its last reply at the connector;
* first update: POST sent → the first activity of that turn at the connector (the streaming
  informative update or typing indicator on the model path, the card otherwise);
* errors: a non-2xx answer, no reply, a timeout, or the bot's error message / retry card.

Per level: messages per second, the bot process's CPU time (``/proc``), peak RSS (``VmHWM``) and
the largest anonymous RSS seen (``RssAnon``, sampled every 0.25 s: without the dictionary's pages).
The floor is the same driver at ``--floor-concurrency`` against a plain aiohttp handler that
posts one reply (``load_servers.py floor``). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.load_servers import TAG_PREFIX  # noqa: E402
from bot import messages as bot_messages  # noqa: E402
from tests.support.loopback import free_port, wait_healthy  # noqa: E402
from tests.support.teams import User, message  # noqa: E402

DEV_SET = REPO.parent / "shared" / "eval" / "screening-dev.jsonl"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REQUEST_TIMEOUT_S = 60.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- inputs ------------------------------------------------------------------------------------
def load_prompts() -> dict[str, list[str]]:
    """Dev-set texts by what the bot does with them: clean (allow/notice), blocked, confirm."""
    kinds: dict[str, list[str]] = {"clean": [], "blocked": [], "confirm": []}
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            kind = {"allow": "clean", "notice": "clean", "block": "blocked"}.get(item["expect"], item["expect"])
            kinds[kind].append(item["text"])
    return kinds


def staff(n: int) -> list[User]:
    return [User(f"29:bench-{i}", f"00000000-0000-4000-8000-{i:012d}", f"職員 {i}") for i in range(n)]


def write_org_table(path: Path, users: list[User]) -> None:
    """Every user may chat (permitted_services chatbot); one 所属長 for every ten, so confirm works."""
    rows = ["aad_object_id,name,email,division,department,role,manager_aad_object_id,permitted_services"]
    managers = {}
    for i in range(0, len(users), 10):
        managers[i // 10] = f"00000000-0000-4000-9000-{i // 10:012d}"
        rows.append(f"{managers[i // 10]},課長 {i // 10},m{i // 10}@example.com,ベンチ部,ベンチ{i // 10}課,manager,,chatbot")
    for i, user in enumerate(users):
        rows.append(f"{user.aad_object_id},{user.name},u{i}@example.com,ベンチ部,ベンチ{i // 10}課,staff,"
                    f"{managers[i // 10]},chatbot")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


# --- processes ---------------------------------------------------------------------------------
class Process:
    """A child process; ``url``/``control`` come from its first stdout line (load_servers.py)."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None, log: Path | None = None):
        self.log = log
        out = open(log, "wb") if log else subprocess.PIPE  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=out if log else subprocess.PIPE,
                                     stderr=subprocess.STDOUT if log else None)
        self._out = out if log else None
        self.url = self.control = ""

    def read_urls(self) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.proc.args} exited without starting")
        info = json.loads(line)
        self.url, self.control = info["url"], info["control"]

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def memory_mb(self, field: str) -> float:
        """``VmHWM`` (peak RSS, counting the pages of the mmap'd MeCab dictionary it touched) or
        ``RssAnon`` (the process's own memory now)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._out:
            self._out.close()


def server(role: str, *extra: str) -> Process:
    process = Process([sys.executable, str(REPO / "bench" / "load_servers.py"), role, *extra])
    process.read_urls()
    return process


def start_bot(storage_url: str, org_table: Path, model_url: str, data_dir: Path, install: bool) -> Process:
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING", "ALLOW_UNAUTHENTICATED": "1",
        "STORAGE_URL": storage_url, "DATA_DIR": str(data_dir), "ORG_TABLE": str(org_table),
        "RETENTION_EXCHANGES_DAYS": "365", "RETENTION_APPROVALS_DAYS": "365", "RETENTION_REPORTS_DAYS": "365",
        "RATE_LIMIT_PER_MINUTE": "0", "CLIENT_UNKNOWN_POLICY": "allow",
        "ANTHROPIC_BASE_URL": model_url, "ANTHROPIC_API_KEY": "bench", "OPENAI_BASE_URL": f"{model_url}/v1",
        "OPENAI_API_KEY": "bench", "LLM_MAX_RETRIES": "0", "LLM_TIMEOUT_S": "30",
    }
    command = ["scripts/start"] if install else [".venv/bin/python", "app.py"]  # scripts/start's last line
    process = Process(command, env=env, log=data_dir / "bot.log")
    process.url = f"http://127.0.0.1:{port}"
    return process


# --- one level ---------------------------------------------------------------------------------
@dataclass
class Sent:
    conversation: str
    kind: str
    sent: float
    done: float = 0.0
    status: int = 0
    error: str = ""


@dataclass
class Level:
    concurrency: int
    sent: list[Sent] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    peak_anon_mb: float = 0.0


def pick_kind(mix: dict[str, float], rng: random.Random) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


async def drive(bot_url: str, connector_url: str, users: list[User], per_user: int, prompts: dict[str, list[str]],
                mix: dict[str, float], timeout_s: float, seed: int, think_s: float = 0.0) -> tuple[list[Sent], float]:
    rng = random.Random(seed)
    deadline = time.monotonic() + timeout_s
    sent: list[Sent] = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        async def conversation(user: User) -> None:
            for n in range(per_user):
                if think_s > 0:
                    # People read an answer before they write again: an exponential pause (mean
                    # think_s), and a uniform one before the first message so that they do not all
                    # start at once.
                    await asyncio.sleep(rng.expovariate(1 / think_s) if n else rng.uniform(0, think_s))
                if time.monotonic() > deadline:
                    return
                kind = pick_kind(mix, rng)
                body = message(user, connector_url, rng.choice(prompts[kind]))
                item = Sent(body["conversation"]["id"], kind, time.monotonic())
                sent.append(item)
                try:
                    async with session.post(f"{bot_url}/api/messages", json=body) as response:
                        await response.read()
                        item.status = response.status
                except (TimeoutError, aiohttp.ClientError) as error:
                    item.error = type(error).__name__
                item.done = time.monotonic()

        started = time.monotonic()
        await asyncio.gather(*(conversation(u) for u in users))
        return sent, time.monotonic() - started


async def fetch_events(session: aiohttp.ClientSession, control: str) -> Any:
    async with session.get(f"{control}/events") as response:
        return await response.json()


async def reset_events(session: aiohttp.ClientSession, *controls: str) -> None:
    for control in controls:
        async with session.post(f"{control}/reset") as response:
            await response.read()


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, rounded to 0.1 ms; None when nothing was measured (valid JSON)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))], 1)


def analyse(level: Level, activities: list[dict[str, Any]], model: dict[str, dict[str, float]]) -> dict[str, Any]:
    by_conversation: dict[str, list[dict[str, Any]]] = {}
    for activity in activities:
        by_conversation.setdefault(activity["conversation"], []).append(activity)
    added: list[float] = []
    before_model: list[float] = []
    after_model: list[float] = []
    first: list[float] = []
    errors = 0
    for item in level.sent:
        turn = [a for a in by_conversation.get(item.conversation, []) if item.sent <= a["at"] <= item.done]
        if item.error or not 200 <= item.status < 300 or not turn:
            errors += 1
            continue
        first.append((turn[0]["at"] - item.sent) * 1000)
        finals = [a for a in turn if a["type"] == "message"]
        text = " ".join(a["text"] + a["card_text"] for a in finals)
        if not finals or bot_messages.INTERNAL_ERROR in text or "chat.retry" in text:
            errors += 1
            continue
        tag = next((a["text"].split(TAG_PREFIX, 1)[1].split()[0] for a in finals if TAG_PREFIX in a["text"]), None)
        if tag is not None and tag in model["arrived"] and tag in model["last_token"]:
            pre = (model["arrived"][tag] - item.sent) * 1000
            post = (finals[-1]["at"] - model["last_token"][tag]) * 1000
            before_model.append(pre)
            after_model.append(post)
            added.append(pre + post)
        else:
            added.append((finals[-1]["at"] - item.sent) * 1000)
    completed = len(level.sent) - errors
    return {
        "concurrency": level.concurrency,
        "messages": len(level.sent),
        "messages_per_s": round(completed / level.wall_s, 1) if level.wall_s else 0.0,
        "added_latency_ms": {f"p{q}": percentile(added, q) for q in (50, 95, 99)},
        "before_model_ms": {f"p{q}": percentile(before_model, q) for q in (50, 99)},
        "after_model_ms": {f"p{q}": percentile(after_model, q) for q in (50, 99)},
        "model_path_messages": len(before_model),
        "first_update_ms": {f"p{q}": percentile(first, q) for q in (50, 99)},
        "errors": errors,
        "bot_cpu_s": round(level.cpu_s, 2),
        "bot_cpu_percent": round(100 * level.cpu_s / level.wall_s, 1) if level.wall_s else 0.0,
        "peak_rss_mb": round(level.peak_rss_mb, 1),
        "peak_anon_mb": round(level.peak_anon_mb, 1),
    }


async def sample_memory(process: Process, into: list[float]) -> None:
    while True:
        await asyncio.sleep(0.25)
        into.append(process.memory_mb("RssAnon"))


async def run_levels(bot: Process, connector: Process, model: Process | None, users: list[User],
                     options: argparse.Namespace, prompts: dict[str, list[str]], mix: dict[str, float],
                     levels: list[int]) -> list[dict[str, Any]]:
    results = []
    async with aiohttp.ClientSession() as session:
        # Warm-up (not counted): lazy imports, dictionaries, pools, the first conversation references.
        await drive(bot.url, connector.url, users[: min(10, len(users))], 2, prompts, mix, 60, seed=0)
        for concurrency in levels:
            controls = [connector.control] + ([model.control] if model else [])
            await reset_events(session, *controls)
            per_user = max(2, options.messages // concurrency)
            cpu_before = bot.cpu_s()
            anon = [bot.memory_mb("RssAnon")]

            sampler = asyncio.create_task(sample_memory(bot, anon))
            sent, wall = await drive(bot.url, connector.url, users[:concurrency], per_user, prompts, mix,
                                     options.level_timeout, seed=concurrency, think_s=options.think)
            sampler.cancel()
            level = Level(concurrency, sent, wall, bot.cpu_s() - cpu_before, bot.memory_mb("VmHWM"), max(anon))
            await asyncio.sleep(0.2)
            activities = await fetch_events(session, connector.control)
            events = await fetch_events(session, model.control) if model else {"arrived": {}, "last_token": {}}
            results.append({**analyse(level, activities, events), "think_s": options.think})
            log(f"  {results[-1]}")
    return results


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- backends ----------------------------------------------------------------------------------
@contextlib.contextmanager
def postgres_schema(server_url: str):
    import psycopg
    from psycopg import sql

    schema = f"bench_load_{uuid.uuid4().hex[:10]}"
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}schema={schema}&pool_max=20"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


async def run_backend(backend: str, options: argparse.Namespace, connector: Process, model: Process,
                      prompts: dict[str, list[str]], mix: dict[str, float], levels: list[int]) -> list[dict[str, Any]]:
    users = staff(max(levels))
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, contextlib.ExitStack() as stack:
        org = Path(tmp) / "org.csv"
        write_org_table(org, users)
        if backend == "postgresql":
            storage_url = stack.enter_context(postgres_schema(options.postgres_url))
        else:
            storage_url = f"tinydb:///{tmp}/store"
        bot = start_bot(storage_url, org, model.url, Path(tmp), options.install)
        stack.callback(bot.stop)
        await wait_healthy(bot.url, bot.proc.poll, bot.log, timeout_s=180.0)
        log(f"{backend}: bot pid {bot.proc.pid} on {bot.url}")
        results = await run_levels(bot, connector, model, users, options, prompts, mix, levels)
        if options.profile_pid_file:
            Path(options.profile_pid_file).write_text(str(bot.proc.pid))
    return [{"backend": backend, **r} for r in results]


async def run_floor(options: argparse.Namespace, connector: Process, prompts: dict[str, list[str]],
                    mix: dict[str, float]) -> dict[str, Any]:
    floor = server("floor")
    try:
        users = staff(options.floor_concurrency)
        [result] = await run_levels(floor, connector, None, users, options, prompts, mix, [options.floor_concurrency])
    finally:
        floor.stop()
    return {"concurrency": result["concurrency"], "messages_per_s": result["messages_per_s"],
            "latency_ms": {"p50": result["added_latency_ms"]["p50"], "p99": result["added_latency_ms"]["p99"]}}


def plot(results: list[dict[str, Any]], floor: dict[str, Any] | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for backend in dict.fromkeys(r["backend"] for r in results):
        rows = [r for r in results if r["backend"] == backend]
        xs = [r["concurrency"] for r in rows]
        left.plot(xs, [r["added_latency_ms"]["p99"] for r in rows], "o-", label=f"{backend} added p99")
        left.plot(xs, [r["first_update_ms"]["p99"] for r in rows], "s--", label=f"{backend} first update p99")
        right.plot(xs, [r["messages_per_s"] for r in rows], "o-", label=backend)
    if floor:
        left.axhline(floor["latency_ms"]["p99"], color="grey", lw=0.8, label="floor p99 (echo handler)")
        right.axhline(floor["messages_per_s"], color="grey", lw=0.8, label="floor (echo handler)")
    for axis, title in ((left, "latency (ms)"), (right, "messages per second")):
        axis.set_xscale("log")
        axis.set_xlabel("concurrent conversations")
        axis.set_title(title)
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=7)
    left.set_yscale("log")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--backends", default="postgresql,tinydb")
    parser.add_argument("--concurrency", default="1,10,50,200")
    parser.add_argument("--messages", type=int, default=400, help="messages per level (at least 2 a conversation)")
    parser.add_argument("--level-timeout", type=float, default=120.0, help="seconds a level may take")
    parser.add_argument("--mix", default="clean=0.8,blocked=0.15,confirm=0.05")
    parser.add_argument("--model-delay", type=float, default=0.0, help="seconds before the model's first token")
    parser.add_argument("--token-rate", type=float, default=0.0, help="streamed pieces per second (0: at once)")
    parser.add_argument("--answer-chars", type=int, default=240)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a person pauses after an answer before the next message (0: none, "
                             "the bot saturated)")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES)
    parser.add_argument("--no-install", dest="install", action="store_false",
                        help="run .venv/bin/python app.py instead of scripts/start (skips scripts/install)")
    parser.add_argument("--floor-concurrency", type=int, default=50)
    parser.add_argument("--no-floor", dest="floor", action="store_false")
    parser.add_argument("--plot", type=Path, help="write a PNG of the figures")
    parser.add_argument("--profile-pid-file", help=argparse.SUPPRESS)
    options = parser.parse_args()
    levels = [int(c) for c in options.concurrency.split(",")]
    mix = {k: float(v) for k, v in (part.split("=") for part in options.mix.split(","))}
    prompts = load_prompts()
    connector = server("connector")
    model = server("model", "--delay", str(options.model_delay), "--token-rate", str(options.token_rate),
                   "--answer-chars", str(options.answer_chars))
    try:
        log(f"load average before: {os.getloadavg()}")
        results = []
        for backend in options.backends.split(","):
            results += await run_backend(backend, options, connector, model, prompts, mix, levels)
        floor = await run_floor(options, connector, prompts, mix) if options.floor else None
        log(f"load average after: {os.getloadavg()}")
    finally:
        model.stop()
        connector.stop()
    report = {"results": results, "floor": floor, "load_average": os.getloadavg(), "cpus": os.cpu_count()}
    if options.plot:
        plot(results, floor, options.plot)
    if options.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for r in results:
            print(f"{r['backend']:<10} c={r['concurrency']:<4} {r['messages_per_s']:7.1f} msg/s  added p50/p95/p99 "
                  f"{r['added_latency_ms']['p50']}/{r['added_latency_ms']['p95']}/{r['added_latency_ms']['p99']} ms  "
                  f"first update p50/p99 {r['first_update_ms']['p50']}/{r['first_update_ms']['p99']} ms  "
                  f"errors {r['errors']}/{r['messages']}  CPU {r['bot_cpu_percent']}%  peak RSS {r['peak_rss_mb']} MB "
                  f"(anonymous {r['peak_anon_mb']} MB)")
        if floor:
            print(f"floor      c={floor['concurrency']:<4} {floor['messages_per_s']:7.1f} msg/s  latency p50/p99 "
                  f"{floor['latency_ms']['p50']}/{floor['latency_ms']['p99']} ms")


if __name__ == "__main__":
    asyncio.run(main())
