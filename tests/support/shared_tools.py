"""The validators and the Teams emulator in ../shared/tools, for tests.

CI checks out ../shared beside the project (override with SHARED_TOOLS_DIR). Without Node.js
the tools cannot run: tests skip locally and fail in CI (env CI set). Chromium and Noto CJK
come from scripts/install-system-deps.sh, which the test command runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = Path(os.environ.get("SHARED_TOOLS_DIR", REPO_ROOT.parent / "shared" / "tools"))
PLAYGROUND_CONFIG_JA = TOOLS_DIR / "examples" / "playground-config.ja.yml"
HOSTS = ("teams-light", "teams-dark")


@dataclass
class ToolRun:
    """One run of a tool: exit status and the JSON objects it printed (one a line)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    records: list[dict[str, Any]] = field(default_factory=list)

    def problems(self) -> list[dict[str, Any]]:
        """Records that failed or carry any error or event."""
        return [r for r in self.records if not r.get("ok") or r.get("errors") or r.get("events")]

    def assert_clean(self) -> None:
        """Exit 0, one record a document, and nothing reported; the message lists what was."""
        details = "\n".join(json.dumps(p, ensure_ascii=False) for p in self.problems())
        assert self.returncode == 0 and not details and self.records, (
            f"{' '.join(self.args)} exited {self.returncode}\n{details}\n{self.stderr[-3000:]}"
        )


def require_tools() -> None:
    """Skip when Node.js is missing on a developer machine; in CI that is a failure."""
    missing = [name for name in ("node", "npm") if shutil.which(name) is None]
    if not TOOLS_DIR.is_dir():
        missing.append(str(TOOLS_DIR))
    if not missing:
        return
    message = f"../shared/tools cannot run, missing: {', '.join(missing)}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _run(tool: str, args: Sequence[str], timeout: float) -> ToolRun:
    require_tools()
    command = [str(TOOLS_DIR / tool), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return ToolRun(command, done.returncode, done.stdout, done.stderr, records)


def check_schema(kind: str, paths: Iterable[str | Path]) -> ToolRun:
    """``check-schema --KIND`` (card, manifest, localization) on the files."""
    return _run("check-schema", [f"--{kind}", *map(str, paths)], timeout=120)


def render_card(
    paths: Iterable[str | Path], host: str = "teams-light", out_dir: str | Path | None = None
) -> ToolRun:
    """``render-card`` with no events allowed; PNGs go to ``out_dir`` (none written without it)."""
    output = ["--out-dir", str(out_dir)] if out_dir is not None else ["--no-png"]
    return _run("render-card", ["--host", host, *output, *map(str, paths)], timeout=600)


def playground_drive(args: Sequence[str], timeout: float = 180) -> tuple[ToolRun, dict[str, Any]]:
    """``playground-drive ARGS``; returns the run and its transcript (``{}`` if none printed)."""
    run = _run("playground-drive", list(args), timeout=timeout)
    try:
        transcript = json.loads(run.stdout) if run.stdout.strip() else {}
    except json.JSONDecodeError:
        transcript = {}
    return run, transcript
