"""Load benchmark: the bot started the README's way, under N concurrent Teams conversations.

    .venv/bin/python bench/load.py [--json] [--backends postgresql,tinydb] [--concurrency 1,10,50,200]
        [--messages 400 | --duration S] [--ramp S] [--think S] [--workers N] [--trace FILE]
        [--model-delay 0] [--token-rate 0] [--no-install] [--plot bench/load.png]

Separate processes talk HTTP on loopback only: the bot (``scripts/start`` — install, then
``app.py`` — with ``PORT``, ``WORKERS``, a generated org table of ``max(concurrency)`` staff,
``RATE_LIMIT_PER_MINUTE=0`` and PostgreSQL in a schema of its own, dropped afterwards, or TinyDB in
a temporary folder), a Bot Connector and a model server (``bench/load_servers.py``), and this
driver. Each conversation is one member of staff in a personal chat who sends a message, waits for
the bot's answer and sends the next (at once, or after an exponential pause of mean ``--think``
seconds, as people read before they write again); the messages are drawn from
``../shared/eval/screening-dev.jsonl`` in the mix of ``--mix`` (clean = allow/notice, blocked,
confirm). A warm-up of 20 messages (10 conversations) before the levels is not counted.

A level runs in one of two modes. Both are bounded by ``--level-timeout`` seconds of sending
and every request by 60 s; all requests go to loopback.

* count (default, runs 1-3 of bench/README.md): every conversation sends ``--messages //
  concurrency`` messages (at least 2), the first after a uniform pause in [0, ``--ramp``] (default
  ``--think``). Every message counts and msg/s = messages completed / the level's wall time, which
  lasts until the slowest conversation is done: with pauses, the level's start has every
  conversation's first message in one ramp and its end has few conversations left, so msg/s is
  below the steady rate and the percentiles mix both in.
* steady (``--duration S``): each conversation starts at a uniform time in [0, ``--ramp``]
  (default 10 s) and keeps sending until ``ramp + duration`` after the level's start. The measured
  window is [ramp, ramp + duration]: latency and first-update percentiles are over the messages
  SENT inside it (those still in flight at its end are awaited); msg/s = messages completed
  without error inside it (their last reply at the connector inside it, whenever sent) / its
  length; bot CPU is the CPU time spent inside it. No conversation's first message of the level is
  sent inside it. A level stops sending after 100,000 messages, and then the window ends there.

Per message, with ``time.monotonic()`` read in each process (one clock on one machine):

* added latency — model path: (POST sent → request at the model server) + (model's last token
  → final reply at the connector); blocked and held messages, which the bot answers itself:
  POST sent → its last reply at the connector;
* first update: POST sent → the first activity of that turn at the connector (the streaming
  informative update or typing indicator on the model path, the card otherwise);
* errors (every message of the level, the ramp's too): a non-2xx answer, no reply, a timeout, or
  the bot's error message / retry card.

The bot is the started process and every process under it (``--workers N`` sets ``WORKERS``: the
workers ``app.py`` forks after start-up, PostgreSQL only), found through
``/proc/<pid>/task/*/children`` and sampled every 0.25 s:

* bot CPU: utime + stime of them all (and of children they reaped), interpolated at the window's
  edges; ``bot_cpu_ms_per_message`` divides it by the messages completed in the window;
  ``bot_cpu_percent_by_process`` is each process's part (app.py first, then its workers).
  ``machine_cpu_percent`` is what every process used in the window (``/proc/stat``; like
  ``bot_cpu_percent``, in % of one CPU, so 200 is both CPUs of a 2-CPU machine busy), and
  ``others_cpu_percent`` what processes outside the benchmark used (all but the bot, this driver,
  the connector and the model server; PostgreSQL counts here): other engineers' work on a shared
  machine, which starves the bot. Each trace line has ``others_cpu`` (CPUs, over the message's
  life, at the 0.25 s samples' resolution), and ``quiet_added_latency_ms`` gives the added-latency
  percentiles of the window's messages during which others used under 0.25 of a CPU, with their
  count ("messages"): the bot's own tail when the machine cannot be had alone.
* ``peak_rss_mb``, the bot's peak memory: the largest value of their private pages summed plus
  the largest shared part of one of them (``Private_*`` and ``Shared_*`` of
  ``/proc/<pid>/smaps_rollup``). For one process that is its RSS. Forked workers share what they
  inherited (modules, the MeCab dictionary), so their shared parts nest and count once here,
  where summed RSS would count them once a process. Summed PSS (``peak_pss_mb``) is lower than
  both: it charges the bot only its share of file pages that other processes map too, and on a
  shared machine others map the same dictionary (one bot: RSS 211 MB, PSS 155 MB, at 11:10).
  Sampled, it can miss a spike shorter than 0.25 s.
* ``peak_single_rss_mb``: the largest ``VmHWM`` among them (the kernel's peak RSS of one process
  since it started, start-up included; what runs 1-3 reported as peak RSS). ``peak_anon_mb``: the
  largest sum of ``Pss_Anon`` (their own memory, without the dictionary's file pages; anonymous
  pages are shared only among the bot's processes, so this counts each once).

``--trace FILE`` writes one JSON line per message of every level (the floor's too): backend,
concurrency, workers, conversation (its index), n (1 = its first message of the level), kind,
sent_s (from the level's start), sent_monotonic (the same as ``time.monotonic()``, to line up with
other recordings), in_window, status, error ("" when none), first_update_ms, added_ms,
before_model_ms, after_model_ms (null when not measured), others_cpu, so a tail can be explained.

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.load_servers import TAG_PREFIX  # noqa: E402
from bot import messages as bot_messages  # noqa: E402
from tests.support.loopback import child_pids, free_port, wait_healthy  # noqa: E402
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
@dataclass
class Usage:
    """One reading of a process tree: CPU seconds so far of each process and memory now (MB); and
    the CPU seconds so far of every process of the machine, and of those outside the benchmark."""

    at: float
    cpu_by_pid: dict[int, float]
    resident_mb: float
    pss_mb: float
    anon_mb: float
    machine_cpu_s: float
    others_cpu_s: float

    @property
    def cpu_s(self) -> float:
        return sum(self.cpu_by_pid.values())


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

    def tree(self) -> list[int]:
        """This process and every live descendant (app.py's forked workers)."""
        pids, pending = [], [self.proc.pid]
        while pending:
            pid = pending.pop()
            pids.append(pid)
            pending += child_pids(pid)
        return pids

    def usage(self, bench: list[int]) -> Usage:
        """``bench``: the other processes of the benchmark (this driver, the connector, the model
        server); what the machine spent beyond them and the bot is others' work."""
        cpu: dict[int, float] = {}
        private = shared = pss = anon = 0.0
        for pid in self.tree():
            with contextlib.suppress(OSError):  # a process that ended since tree() read it
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                rollup = _kb_fields(Path(f"/proc/{pid}/smaps_rollup").read_text())
                cpu[pid] = _cpu_s(fields)
                # Forked workers share the pages they inherited (modules, the MeCab dictionary):
                # their shared sets nest, so the largest one stands for them all.
                private += (rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0)) / 1024
                shared = max(shared, (rollup.get("Shared_Clean", 0) + rollup.get("Shared_Dirty", 0)) / 1024)
                pss += rollup.get("Pss", 0) / 1024
                anon += rollup.get("Pss_Anon", 0) / 1024
        bench_s = 0.0
        for pid in bench:
            with contextlib.suppress(OSError):
                bench_s += _cpu_s(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split())
        # /proc/stat's first line: the machine's time in each state; all but idle and iowait were used.
        ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        machine_s = (sum(ticks) - ticks[3] - ticks[4]) / CLK_TCK
        return Usage(time.monotonic(), cpu, private + shared, pss, anon, machine_s, machine_s - sum(cpu.values()) - bench_s)

    def peak_single_rss_mb(self) -> float:
        peaks = [0.0]
        for pid in self.tree():
            with contextlib.suppress(OSError):
                peaks.append(_kb_fields(Path(f"/proc/{pid}/status").read_text()).get("VmHWM", 0) / 1024)
        return max(peaks)

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


def _cpu_s(stat_fields: list[str]) -> float:
    """utime, stime, and the same of children it reaped (a worker that ended stays counted), from
    the fields of /proc/<pid>/stat after the command name."""
    return sum(int(value) for value in stat_fields[11:15]) / CLK_TCK


def _kb_fields(text: str) -> dict[str, int]:
    """``Name:   123 kB`` lines of /proc/<pid>/status or smaps_rollup, in kB."""
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            values[name] = int(parts[0])
    return values


def server(role: str, *extra: str) -> Process:
    process = Process([sys.executable, str(REPO / "bench" / "load_servers.py"), role, *extra])
    process.read_urls()
    return process


def start_bot(storage_url: str, org_table: Path, model_url: str, data_dir: Path, install: bool,
              workers: int) -> Process:
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING", "ALLOW_UNAUTHENTICATED": "1",
        "STORAGE_URL": storage_url, "DATA_DIR": str(data_dir), "ORG_TABLE": str(org_table),
        "RETENTION_EXCHANGES_DAYS": "365", "RETENTION_APPROVALS_DAYS": "365", "RETENTION_REPORTS_DAYS": "365",
        "RATE_LIMIT_PER_MINUTE": "0", "CLIENT_UNKNOWN_POLICY": "allow", "WORKERS": str(workers),
        "ANTHROPIC_BASE_URL": model_url, "ANTHROPIC_API_KEY": "bench", "OPENAI_BASE_URL": f"{model_url}/v1",
        "OPENAI_API_KEY": "bench", "LLM_MAX_RETRIES": "0", "LLM_TIMEOUT_S": "30",
    }
    command = ["scripts/start"] if install else [".venv/bin/python", "app.py"]  # scripts/start's last line
    process = Process(command, env=env, log=data_dir / "bot.log")
    process.url = f"http://127.0.0.1:{port}"
    return process


# --- one level ---------------------------------------------------------------------------------
MAX_MESSAGES_PER_LEVEL = 100_000
QUIET_CORES = 0.25  # others' CPU during a message under which it counts as measured on a quiet machine


@dataclass
class Plan:
    """When a level's conversations send: ``per_user`` messages each (count mode), or until
    ``ramp_s + duration_s`` after the level's start (steady mode); never after ``timeout_s``."""

    think_s: float
    ramp_s: float
    timeout_s: float
    per_user: int | None = None
    duration_s: float | None = None


@dataclass
class Sent:
    conversation: str
    index: int  # which conversation of the level
    n: int  # its nth message of the level, from 1
    kind: str
    sent: float
    done: float = 0.0
    status: int = 0
    error: str = ""


@dataclass
class Level:
    concurrency: int
    sent: list[Sent]
    started: float
    window: tuple[float, float]
    usage: list[Usage]
    peak_single_rss_mb: float


def pick_kind(mix: dict[str, float], rng: random.Random) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


async def drive(bot_url: str, connector_url: str, users: list[User], prompts: dict[str, list[str]],
                mix: dict[str, float], plan: Plan, seed: int) -> tuple[list[Sent], float, tuple[float, float]]:
    """Send the level; returns the messages, the level's start and its measured window."""
    started = time.monotonic()
    stop_at = started + plan.timeout_s
    if plan.duration_s is not None:
        stop_at = min(stop_at, started + plan.ramp_s + plan.duration_s)
    sent: list[Sent] = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        async def conversation(index: int, user: User) -> None:
            nonlocal stop_at
            rng = random.Random(f"{seed}-{index}")
            pause = rng.uniform(0, plan.ramp_s)
            n = 0
            while plan.per_user is None or n < plan.per_user:
                # Not past the level's end: a long pause would only hold the level open.
                await asyncio.sleep(max(0.0, min(pause, stop_at - time.monotonic())))
                now = time.monotonic()
                if len(sent) >= MAX_MESSAGES_PER_LEVEL:
                    stop_at = min(stop_at, now)
                if now >= stop_at:
                    return
                n += 1
                kind = pick_kind(mix, rng)
                body = message(user, connector_url, rng.choice(prompts[kind]))
                item = Sent(body["conversation"]["id"], index, n, kind, time.monotonic())
                sent.append(item)
                try:
                    async with session.post(f"{bot_url}/api/messages", json=body) as response:
                        await response.read()
                        item.status = response.status
                except (TimeoutError, aiohttp.ClientError) as error:
                    item.error = type(error).__name__
                item.done = time.monotonic()
                pause = rng.expovariate(1 / plan.think_s) if plan.think_s > 0 else 0.0

        await asyncio.gather(*(conversation(i, u) for i, u in enumerate(users)))
    if plan.duration_s is None:
        return sent, started, (started, time.monotonic())
    return sent, started, (started + plan.ramp_s, max(stop_at, started + plan.ramp_s))


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


def judge(item: Sent, turn: list[dict[str, Any]], model: dict[str, dict[str, float]]) -> dict[str, Any]:
    """One message's figures from the activities of its turn (ms; None when not measured)."""
    figures: dict[str, Any] = {"error": "", "first_update_ms": None, "added_ms": None,
                               "before_model_ms": None, "after_model_ms": None}
    if item.error or not 200 <= item.status < 300:
        return {**figures, "error": item.error or f"HTTP {item.status}"}
    if not turn:
        return {**figures, "error": "no reply"}
    figures["first_update_ms"] = (turn[0]["at"] - item.sent) * 1000
    finals = [a for a in turn if a["type"] == "message"]
    text = " ".join(a["text"] + a["card_text"] for a in finals)
    if not finals:
        return {**figures, "error": "no final reply"}
    if bot_messages.INTERNAL_ERROR in text or "chat.retry" in text:
        return {**figures, "error": "error message" if bot_messages.INTERNAL_ERROR in text else "retry card"}
    tag = next((a["text"].split(TAG_PREFIX, 1)[1].split()[0] for a in finals if TAG_PREFIX in a["text"]), None)
    if tag is not None and tag in model["arrived"] and tag in model["last_token"]:
        figures["before_model_ms"] = (model["arrived"][tag] - item.sent) * 1000
        figures["after_model_ms"] = (finals[-1]["at"] - model["last_token"][tag]) * 1000
        figures["added_ms"] = figures["before_model_ms"] + figures["after_model_ms"]
    else:
        figures["added_ms"] = (finals[-1]["at"] - item.sent) * 1000
    figures["last_reply"] = finals[-1]["at"]
    return figures


def cpu_at(usage: list[Usage], at: float, read: Callable[[Usage], float]) -> float:
    """CPU seconds (the bot's, one process's, the machine's: ``read``) at ``at``, interpolated
    between the samples around it."""
    before = max((u for u in usage if u.at <= at), key=lambda u: u.at, default=usage[0])
    after = min((u for u in usage if u.at >= at), key=lambda u: u.at, default=usage[-1])
    low, high = read(before), read(after)
    if after.at <= before.at:
        return low
    return low + (high - low) * (at - before.at) / (after.at - before.at)


def rate(usage: list[Usage], start: float, end: float, read: Callable[[Usage], float]) -> float:
    """CPUs' worth of ``read`` used between ``start`` and ``end``: a message shorter than the
    sampling interval gets the interval's average."""
    return (cpu_at(usage, end, read) - cpu_at(usage, start, read)) / (end - start)


def analyse(level: Level, activities: list[dict[str, Any]], model: dict[str, dict[str, float]],
            ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The level's figures, and one trace record per message."""
    by_conversation: dict[str, list[dict[str, Any]]] = {}
    for activity in activities:
        by_conversation.setdefault(activity["conversation"], []).append(activity)
    start, end = level.window
    records = []
    completed = errors = 0
    measured: list[dict[str, Any]] = []
    quiet: list[float] = []
    for item in level.sent:
        turn = [a for a in by_conversation.get(item.conversation, []) if item.sent <= a["at"] <= item.done]
        figures = judge(item, turn, model)
        last_reply = figures.pop("last_reply", None)
        in_window = start <= item.sent <= end
        if figures["error"]:
            errors += 1
        elif start <= last_reply <= end:
            completed += 1
        if in_window and not figures["error"]:
            measured.append(figures)
        others = rate(level.usage, item.sent, max(item.done, item.sent + 0.001), lambda u: u.others_cpu_s)
        if in_window and not figures["error"] and others < QUIET_CORES:
            quiet.append(figures["added_ms"])
        records.append({
            "conversation": item.index, "n": item.n, "kind": item.kind, "sent_s": round(item.sent - level.started, 3),
            "sent_monotonic": round(item.sent, 3),
            "in_window": in_window, "status": item.status,
            **{k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()},
            "others_cpu": round(others, 2),
        })

    def pick(name: str) -> list[float]:
        return [f[name] for f in measured if f[name] is not None]

    window_s = end - start
    def used(read: Callable[[Usage], float]) -> float:
        return cpu_at(level.usage, end, read) - cpu_at(level.usage, start, read)

    cpu_s = used(lambda u: u.cpu_s)
    machine_s = used(lambda u: u.machine_cpu_s)
    others_s = used(lambda u: u.others_cpu_s)
    # Each process's share (app.py, then its workers): forked workers that accept on one socket
    # need not get the connections evenly, and a keep-alive connection stays with its worker.
    by_process = [used(lambda u, pid=pid: u.cpu_by_pid.get(pid, 0.0)) for pid in level.usage[-1].cpu_by_pid]
    result = {
        "concurrency": level.concurrency,
        "messages": len(level.sent),
        "measured_messages": sum(r["in_window"] for r in records),
        "window_s": round(window_s, 1),
        "messages_per_s": round(completed / window_s, 1) if window_s else 0.0,
        "added_latency_ms": {f"p{q}": percentile(pick("added_ms"), q) for q in (50, 95, 99)},
        "before_model_ms": {f"p{q}": percentile(pick("before_model_ms"), q) for q in (50, 99)},
        "after_model_ms": {f"p{q}": percentile(pick("after_model_ms"), q) for q in (50, 99)},
        "model_path_messages": len(pick("before_model_ms")),
        "first_update_ms": {f"p{q}": percentile(pick("first_update_ms"), q) for q in (50, 99)},
        "errors": errors,
        "bot_cpu_s": round(cpu_s, 2),
        "bot_cpu_percent": round(100 * cpu_s / window_s, 1) if window_s else 0.0,
        "bot_cpu_ms_per_message": round(1000 * cpu_s / completed, 2) if completed else None,
        "bot_cpu_percent_by_process": [round(100 * c / window_s, 1) if window_s else 0.0 for c in by_process],
        "machine_cpu_percent": round(100 * machine_s / window_s, 1) if window_s else 0.0,
        "others_cpu_percent": round(100 * others_s / window_s, 1) if window_s else 0.0,
        "quiet_added_latency_ms": {"messages": len(quiet), **{f"p{q}": percentile(quiet, q) for q in (50, 95, 99)}},
        "peak_rss_mb": round(max(u.resident_mb for u in level.usage), 1),
        "peak_pss_mb": round(max(u.pss_mb for u in level.usage), 1),
        "peak_single_rss_mb": round(level.peak_single_rss_mb, 1),
        "peak_anon_mb": round(max(u.anon_mb for u in level.usage), 1),
    }
    return result, records


async def sample_usage(process: Process, bench: list[int], into: list[Usage]) -> None:
    while True:
        await asyncio.sleep(0.25)
        into.append(await asyncio.to_thread(process.usage, bench))


async def run_levels(bot: Process, connector: Process, model: Process | None, users: list[User],
                     options: argparse.Namespace, prompts: dict[str, list[str]], mix: dict[str, float],
                     levels: list[int], labels: dict[str, Any]) -> list[dict[str, Any]]:
    results = []
    async with aiohttp.ClientSession() as session:
        # Warm-up (not counted): lazy imports, dictionaries, pools, the first conversation references.
        await drive(bot.url, connector.url, users[: min(10, len(users))], prompts, mix,
                    Plan(think_s=0.0, ramp_s=0.0, timeout_s=60.0, per_user=2), seed=0)
        for concurrency in levels:
            controls = [connector.control] + ([model.control] if model else [])
            await reset_events(session, *controls)
            plan = Plan(options.think, options.ramp, options.level_timeout, duration_s=options.duration,
                        per_user=max(2, options.messages // concurrency) if options.duration is None else None)
            bench = [os.getpid(), connector.proc.pid] + ([model.proc.pid] if model else [])
            usage = [bot.usage(bench)]
            sampler = asyncio.create_task(sample_usage(bot, bench, usage))
            sent, started, window = await drive(bot.url, connector.url, users[:concurrency], prompts, mix, plan,
                                                seed=concurrency)
            sampler.cancel()
            usage.append(bot.usage(bench))
            level = Level(concurrency, sent, started, window, usage, bot.peak_single_rss_mb())
            await asyncio.sleep(0.2)
            activities = await fetch_events(session, connector.control)
            events = await fetch_events(session, model.control) if model else {"arrived": {}, "last_token": {}}
            result, records = analyse(level, activities, events)
            results.append({**labels, **result, "think_s": plan.think_s, "ramp_s": plan.ramp_s,
                            "mode": "count" if plan.duration_s is None else "steady"})
            if options.trace:
                with options.trace.open("a", encoding="utf-8") as trace:
                    for record in records:
                        trace.write(json.dumps({**labels, "concurrency": concurrency, **record}) + "\n")
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
        bot = start_bot(storage_url, org, model.url, Path(tmp), options.install, options.workers)
        stack.callback(bot.stop)
        await wait_healthy(bot.url, bot.proc.poll, bot.log, timeout_s=180.0)
        log(f"{backend}: bot pid {bot.proc.pid} on {bot.url}, processes {bot.tree()}")
        results = await run_levels(bot, connector, model, users, options, prompts, mix, levels,
                                   {"backend": backend, "workers": options.workers})
        if options.profile_pid_file:
            Path(options.profile_pid_file).write_text(str(bot.proc.pid))
        if any(r["errors"] for r in results):  # the log goes with the temporary folder
            log(f"{backend}: errors; the end of the bot's log:\n{bot.log.read_text(errors='replace')[-4000:]}")
    return results


async def run_floor(options: argparse.Namespace, connector: Process, prompts: dict[str, list[str]],
                    mix: dict[str, float]) -> dict[str, Any]:
    floor = server("floor")
    try:
        users = staff(options.floor_concurrency)
        [result] = await run_levels(floor, connector, None, users, options, prompts, mix, [options.floor_concurrency],
                                    {"backend": "floor", "workers": 1})
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
    parser.add_argument("--messages", type=int, default=400,
                        help="count mode: messages per level (at least 2 a conversation)")
    parser.add_argument("--duration", type=float,
                        help="steady mode: seconds of the measured window, after --ramp; conversations send "
                             "until its end")
    parser.add_argument("--ramp", type=float,
                        help="conversations start at uniform times in [0, RAMP] s (default: --think in count "
                             "mode, 10 in steady mode)")
    parser.add_argument("--level-timeout", type=float, default=120.0, help="seconds a level may send")
    parser.add_argument("--mix", default="clean=0.8,blocked=0.15,confirm=0.05")
    parser.add_argument("--model-delay", type=float, default=0.0, help="seconds before the model's first token")
    parser.add_argument("--token-rate", type=float, default=0.0, help="streamed pieces per second (0: at once)")
    parser.add_argument("--answer-chars", type=int, default=240)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a person pauses after an answer before the next message (0: none, "
                             "the bot saturated)")
    parser.add_argument("--workers", type=int, default=1,
                        help="the bot's WORKERS: processes serving its port (more than 1: PostgreSQL only)")
    parser.add_argument("--trace", type=Path, help="write one JSON line per message to this file")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES)
    parser.add_argument("--no-install", dest="install", action="store_false",
                        help="run .venv/bin/python app.py instead of scripts/start (skips scripts/install)")
    parser.add_argument("--floor-concurrency", type=int, default=50)
    parser.add_argument("--no-floor", dest="floor", action="store_false")
    parser.add_argument("--plot", type=Path, help="write a PNG of the figures")
    parser.add_argument("--profile-pid-file", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.workers < 1:
        parser.error("--workers は 1 以上にしてください。")
    if options.workers > 1 and options.backends != "postgresql":
        parser.error("--workers 2 以上は PostgreSQL だけで使えます（--backends postgresql）。")
    if options.ramp is None:
        options.ramp = options.think if options.duration is None else 10.0
    if options.ramp < 0 or (options.duration is not None and (
            options.duration <= 0 or options.ramp + options.duration > options.level_timeout)):
        parser.error("--ramp は 0 以上、--duration は正の秒数で、--ramp との和を --level-timeout 以下にしてください。")
    if options.trace:
        options.trace.write_text("", encoding="utf-8")
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
            print(f"{r['backend']:<10} c={r['concurrency']:<4} workers {r['workers']}  {r['mode']} "
                  f"{r['window_s']} s  {r['messages_per_s']:7.1f} msg/s  added p50/p95/p99 "
                  f"{r['added_latency_ms']['p50']}/{r['added_latency_ms']['p95']}/{r['added_latency_ms']['p99']} ms  "
                  f"first update p50/p99 {r['first_update_ms']['p50']}/{r['first_update_ms']['p99']} ms  "
                  f"errors {r['errors']}/{r['messages']}  CPU {r['bot_cpu_percent']}% "
                  f"({r['bot_cpu_ms_per_message']} ms a message; by process {r['bot_cpu_percent_by_process']}; "
                  f"machine {r['machine_cpu_percent']}%, others {r['others_cpu_percent']}%; "
                  f"added p99 when others were quiet {r['quiet_added_latency_ms']['p99']} ms over "
                  f"{r['quiet_added_latency_ms']['messages']} messages)  peak memory {r['peak_rss_mb']} MB (PSS "
                  f"{r['peak_pss_mb']}, anonymous {r['peak_anon_mb']} MB; largest process {r['peak_single_rss_mb']} MB)")
        if floor:
            print(f"floor      c={floor['concurrency']:<4} {floor['messages_per_s']:7.1f} msg/s  latency p50/p99 "
                  f"{floor['latency_ms']['p50']}/{floor['latency_ms']['p99']} ms")


if __name__ == "__main__":
    asyncio.run(main())
