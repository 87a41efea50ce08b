"""The README's commands and settings table stay true to the repository."""

from __future__ import annotations

import re
from pathlib import Path

from settings import SETTINGS, markdown_table

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_starts_with_the_two_commands():
    assert README.startswith("```sh\nALLOW_UNAUTHENTICATED=1 scripts/start\nscripts/test\n```\n")
    for script in ("scripts/start", "scripts/test", "scripts/install", "scripts/install-system-deps.sh", ".ci/run"):
        assert (REPO / script).stat().st_mode & 0o111, f"{script} is executable"
    assert "scripts/test" in (REPO / ".ci" / "run").read_text()
    assert "scripts/install-system-deps.sh" in (REPO / "scripts" / "test").read_text()
    assert "requirements.lock" in (REPO / "scripts" / "install").read_text()


def test_the_settings_table_is_settings_py():
    # On failure, replace the table in README.md with the output of `.venv/bin/python settings.py`.
    assert markdown_table() in README, markdown_table()
    documented = re.findall(r"^\| `([^`]+)` \|", README, flags=re.MULTILINE)
    assert set(s.name for s in SETTINGS) <= set(documented)
