"""``python -m cards samples OUTDIR``: write every card the bot can send, with sample data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cards.samples import SampleError, write_samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cards")
    commands = parser.add_subparsers(dest="command", required=True)
    samples = commands.add_parser("samples", help="write OUTDIR/<name>.json for every sample card")
    samples.add_argument("out_dir", type=Path, metavar="OUTDIR")
    args = parser.parse_args(argv)

    try:
        written = write_samples(args.out_dir)
    except SampleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"{len(written)} cards written to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
