"""``python -m storage purge [--dry-run]``: apply the retention periods now.

Reads ``STORAGE_URL`` and the ``RETENTION_*_DAYS`` settings from the environment or ``.env``
(as the bot does), prints per kind how many records or documents go and the cut-off, exits 0.
A TinyDB store can only be purged here while the bot is stopped (one process at a time);
with PostgreSQL it may run beside the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime

from settings import Settings
from storage import open_store
from storage.retention import RULES, RetentionConfigError, RetentionPolicy, purge


async def run_purge(url: str, policy: RetentionPolicy, dry_run: bool) -> None:
    store = open_store(url)
    await store.open()
    try:
        results = await purge(store, policy, datetime.now(UTC), dry_run=dry_run, actor="cli")
    finally:
        await store.close()
    labels = {rule.kind: rule.label for rule in RULES}
    print("削除対象 (dry run、削除していません)" if dry_run else "削除しました")
    for result in results:
        verb = "would remove" if dry_run else "removed"
        print(f"  {result.kind} ({labels[result.kind]}): {result.count} 件 {verb}, "
              f"{result.before.astimezone(UTC).isoformat(timespec='seconds')} より前")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage")
    commands = parser.add_subparsers(dest="command", required=True)
    purge_command = commands.add_parser("purge", help="delete data past its retention period (irreversible)")
    purge_command.add_argument("--dry-run", action="store_true", help="only print what would be removed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.load()
    try:
        policy = RetentionPolicy.from_env(settings)
    except RetentionConfigError as error:
        print(error, file=sys.stderr)
        return 2
    print(policy.describe())
    asyncio.run(run_purge(settings.storage_url, policy, args.dry_run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
