"""Wires the bot together and serves it: ``python app.py``.

``create_app`` is a factory so that tests and benchmarks build the same application with their
own settings (a temporary database, model servers on loopback).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import NoReturn

from aiohttp import web
from aiohttp.web_log import AccessLogger
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import AuthenticationConstants

import admin
import policy
from bot import downloads, messages
from bot.adapter import CityAdapter
from bot.clients import ReusedClients
from bot.endpoint import MessagesEndpoint
from bot.handlers import approvals, chat
from bot.proactive import Notifier
from bot.router import Router
from bot.services import Services
from bot.teams_bot import CityBot
from bot.turn import open_stream
from llm.registry import build_providers, close_providers
from org import OrgTableError, open_directory
from policy import RuleDataError
from policy.guide import Guide, GuidelineError, guideline_path
from settings import Settings
from storage import open_store
from storage.retention import RetentionConfigError, RetentionPolicy, run_purge_schedule

log = logging.getLogger("app")

SERVICES = web.AppKey("services", Services)
ENDPOINT = web.AppKey("endpoint", MessagesEndpoint)
MAX_REQUEST_BYTES = 2 * 1024 * 1024
MESSAGES_PATH = "/api/messages"


class StartupError(Exception):
    """A configuration that must not run; the message says what to change."""


def check_settings(settings: Settings) -> None:
    if invalid := settings.invalid():
        raise StartupError("設定値が正しくありません: " + "; ".join(invalid))
    if not settings["WORKERS"].isdigit() or settings.int("WORKERS") < 1:
        raise StartupError(f"WORKERS={settings['WORKERS']!r} は 1 以上の整数にしてください。")
    if settings.int("WORKERS") > 1 and not settings.storage_url.startswith("postgresql"):
        raise StartupError(
            "WORKERS を 2 以上にするには PostgreSQL (STORAGE_URL=postgresql://…) が必要です。"
            "TinyDB は 1 プロセスで使うデータベースです。"
        )
    if settings["MicrosoftAppId"]:
        return
    if not settings.flag("ALLOW_UNAUTHENTICATED"):
        raise StartupError(
            "MicrosoftAppId が設定されていません。本番では Bot の App ID を設定してください。"
            "ローカルで試すときだけ ALLOW_UNAUTHENTICATED=1 を設定します。"
        )


def bot_framework_configuration(settings: Settings) -> SimpleNamespace:
    """The SDK's configuration object, from the names the BotBuilder samples use."""
    app_id = settings["MicrosoftAppId"]
    config = SimpleNamespace(
        APP_ID=app_id,
        APP_PASSWORD=settings["MicrosoftAppPassword"],
        APP_TENANTID=settings["MicrosoftAppTenantId"],
        # With no app id only MultiTenant lets the SDK run without credentials (local use).
        APP_TYPE=settings["MicrosoftAppType"] if app_id else "MultiTenant",
    )
    overrides = {
        "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": settings["BOT_OPENID_METADATA_URL"],
        "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": settings["BOT_TOKEN_ISSUER"],
        "TO_CHANNEL_FROM_BOT_LOGIN_URL": settings["BOT_LOGIN_URL"],
    }
    if any(overrides.values()):
        # Any override switches the SDK to its parameterised mode, in which every endpoint
        # left unset would be None (and every token refused): keep the public cloud's values.
        for name in (*overrides, "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE", "OAUTH_URL",
                     "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL"):
            setattr(config, name, overrides.get(name) or getattr(AuthenticationConstants, name))
    return config


class AccessLog(AccessLogger):
    """aiohttp's access log without a line for every activity Teams delivers: one a message, ~100 us
    of the bot's CPU each at LOG_LEVEL=INFO (formatting, the write), and the reverse proxy logs
    them too. Refused activities (4xx, 5xx) and every other route are logged as before."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if response.status < 400 and request.path == MESSAGES_PATH:
            return
        super().log(request, response, time)


async def messages_route(request: web.Request) -> web.StreamResponse:
    return await request.app[ENDPOINT](request)


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


# Run by build_guide in a fresh interpreter: the index, or the error that names the broken line.
_BUILD_GUIDE = """
import pickle, sys
from pathlib import Path
from policy.guide import GuidelineError, load_guide
try:
    result = load_guide(Path(sys.argv[1]))
except GuidelineError as error:
    result = error
sys.stdout.buffer.write(pickle.dumps(result))
"""


@cache
def build_guide(path: Path) -> Guide:
    """The /guide index, built in a short-lived child interpreter and handed back pickled (1 MB).

    Indexing runs MeCab over the whole guideline, which touches about 190 MB of the dictionary's
    memory-mapped pages; built in the bot, they would stay in its resident memory for good. The
    bot itself then touches only the pages that its messages and questions need.
    """
    child = subprocess.run(
        [sys.executable, "-c", _BUILD_GUIDE, str(path.resolve())],
        cwd=Path(__file__).resolve().parent, capture_output=True, check=False,
    )
    if child.returncode != 0:
        raise GuidelineError(f"ガイドラインの索引を作れません: {child.stderr.decode(errors='replace').strip()[-500:]}")
    result = pickle.loads(child.stdout)  # our own child wrote it, from the project's own code
    if isinstance(result, GuidelineError):
        raise result
    return result


def create_app(settings: Settings) -> web.Application:
    check_settings(settings)
    try:
        directory = open_directory(settings)
    except OrgTableError as error:
        raise StartupError(str(error)) from error
    try:
        # Rules and the guideline load once, here: a broken file stops start-up naming its line
        # instead of turning every later message into a fail-closed block.
        policy.load_all()
        guide = build_guide(guideline_path(settings))
    except (GuidelineError, RuleDataError) as error:
        raise StartupError(str(error)) from error
    try:
        retention = RetentionPolicy.from_env(settings)
    except RetentionConfigError as error:
        raise StartupError(str(error)) from error
    # One connector client per service URL instead of one per turn (bot/clients.py; bench/load.py).
    auth = ReusedClients(ConfigurationBotFrameworkAuthentication(bot_framework_configuration(settings)))
    adapter = CityAdapter(auth)

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        log.error("turn failed: %s", type(error).__name__, exc_info=error)
        try:
            if stream := open_stream(context):  # the progress the turn showed ends with the error
                await stream.finish(messages.INTERNAL_ERROR)
            else:
                await context.send_activity(messages.INTERNAL_ERROR)
        except Exception:
            log.error("could not tell the user about the failure")

    adapter.on_turn_error = on_turn_error
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)

    async def lifecycle(app: web.Application):
        store = open_store(settings.storage_url)
        await store.open()
        services = Services(
            settings=settings,
            store=store,
            notifier=Notifier(adapter, store, settings["MicrosoftAppId"]),
            org=directory,
            llm=build_providers(settings),
            guide=guide,
        )
        app[SERVICES] = services
        bot = CityBot(services, Router())
        app[ENDPOINT] = MessagesEndpoint(adapter, auth, bot, settings["MicrosoftAppTenantId"])
        if not settings["MicrosoftAppId"]:
            log.warning("認証なしで動作しています (ALLOW_UNAUTHENTICATED=1): accepting UNAUTHENTICATED requests")
        log.info("%s (3章1-3(3))", retention.describe())
        stop = asyncio.Event()
        background = [
            asyncio.create_task(approvals.run_expiry(services, adapter, stop)),
            asyncio.create_task(run_purge_schedule(
                store, retention, settings.float("PURGE_INTERVAL_S"), f"{socket.gethostname()}:{os.getpid()}", stop,
            )),
        ]
        yield
        stop.set()
        await asyncio.gather(*background)
        await chat.finish_background()
        app[ENDPOINT].close()
        await close_providers(services.llm)
        await directory.close()
        await store.close()
        await auth.close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post(MESSAGES_PATH, messages_route)
    app.router.add_get("/healthz", healthz)
    admin.setup_routes(app, settings, SERVICES)
    downloads.setup_routes(app, SERVICES)
    return app


def main() -> None:
    settings = Settings.load()
    # An unknown level is reported by create_app's settings check, in the log it configures.
    level = settings["LOG_LEVEL"] if settings["LOG_LEVEL"] in logging.getLevelNamesMapping() else "INFO"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app(settings)
    except StartupError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    # What start-up loaded (rules, /guide index, SDKs: ~260,000 objects) lives as long as the process:
    # frozen out of the garbage collector, a full collection no longer walks it, which stopped the
    # event loop for 110 ms of CPU (0.4-0.7 s under load, issue 9); forked workers keep sharing its pages.
    gc.collect()
    gc.freeze()
    workers = settings.int("WORKERS")
    if workers == 1:
        web.run_app(app, host=settings["HOST"], port=settings.int("PORT"), print=None, access_log_class=AccessLog)
    else:
        sys.exit(serve_forked(app, socket.create_server((settings["HOST"], settings.int("PORT")), backlog=128), workers))


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
PR_SET_PDEATHSIG = 1  # prctl(2)


def serve_forked(app: web.Application, sock: socket.socket, workers: int) -> int:
    """Serve ``app`` on ``sock`` from ``workers`` processes forked now, after start-up.

    One Python process uses one CPU: the chat path is CPU-bound (issue 9, bench/load.py), so
    several processes serve one port. Forked after ``create_app`` has loaded the rules, the
    /guide index and the SDKs, they share those pages (the MeCab dictionary, the modules)
    instead of each loading its own (``main`` froze those objects out of the garbage collector,
    which would otherwise write to, and so copy, their pages). Each worker runs the
    app's start-up and clean-up (its own PostgreSQL pool and background tasks) as one instance
    of several (tests/scale); all they share is in PostgreSQL. So ``create_app`` opens no
    connection or file a worker would use: the workers would share it.

    This process only waits: SIGTERM or SIGINT is passed on to the workers, and when one worker
    ends (or one cannot be forked) the others are stopped too, so that the service manager
    restarts the bot as a whole. Returns the exit status.
    """
    children: set[int] = set()
    stopping = False
    status = 0
    parent = os.getpid()

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for child in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Blocked while forking: a signal in between would run this process's handler in a new worker,
    # and one that comes meanwhile is handled below, once every worker started is in ``children``.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    for _ in range(workers):
        try:
            pid = os.fork()
        except OSError as error:
            log.error("could not start a worker (%s): stopping the others", error)
            status = 1
            stop()
            break
        if pid == 0:
            _worker(app, sock, parent)
        children.add(pid)
    sock.close()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    while children:
        pid, wait_status = os.wait()
        children.discard(pid)
        if os.waitstatus_to_exitcode(wait_status) != 0:
            status = 1
        if not stopping:
            log.error("worker %d ended (%d): stopping the others", pid, os.waitstatus_to_exitcode(wait_status))
            status = 1
            stop()
    return status


def _worker(app: web.Application, sock: socket.socket, parent: int) -> NoReturn:
    status = 0
    try:
        if sys.platform == "linux":
            # A parent killed outright (SIGKILL, the OOM killer) takes its workers with it instead of
            # leaving them serving the port on their own.
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:
                raise RuntimeError("the parent ended before this worker started")
        loop = asyncio.new_event_loop()
        stopping = False

        def stop_once() -> None:
            # The first SIGTERM or SIGINT starts aiohttp's graceful stop (requests in progress
            # finish, then the app's clean-up); later ones are ignored. systemd's stop and Ctrl+C
            # signal every process of the bot and the parent passes its own signal on, so a worker
            # is told twice (often both before its loop reads either), and a second GracefulExit
            # would cancel the stop it interrupts (answers being written, the pool's close).
            nonlocal stopping
            if not stopping:
                stopping = True
                raise web.GracefulExit()

        for sig in STOP_SIGNALS:  # replaces the parent's handlers
            loop.add_signal_handler(sig, stop_once)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        web.run_app(app, sock=sock, print=None, loop=loop, handle_signals=False, access_log_class=AccessLog)
    except BaseException:
        log.exception("worker failed")
        status = 1
    finally:
        logging.shutdown()
        os._exit(status)  # never return into the parent's code (its loop, its exit handlers)


if __name__ == "__main__":
    main()
