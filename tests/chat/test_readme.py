"""The README's commands and settings table stay true to the repository."""

from __future__ import annotations

import re
from pathlib import Path

from settings import SETTINGS

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def expected_table() -> str:
    rows = ["| 環境変数 | 意味 | 既定値 |", "|---|---|---|"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "（空）"
        rows.append(f"| `{s.name}` | {s.meaning.replace('|', '/')} | {default} |")
    return "\n".join(rows)


def test_the_readme_starts_with_the_two_commands():
    assert README.startswith("```sh\nALLOW_UNAUTHENTICATED=1 scripts/start\nscripts/test\n```\n")
    for script in ("scripts/start", "scripts/test", "scripts/install", "scripts/install-system-deps.sh", ".ci/run"):
        assert (REPO / script).stat().st_mode & 0o111, f"{script} is executable"
    assert "scripts/test" in (REPO / ".ci" / "run").read_text()
    assert "scripts/install-system-deps.sh" in (REPO / "scripts" / "test").read_text()
    assert "requirements.lock" in (REPO / "scripts" / "install").read_text()


def test_the_settings_table_is_settings_py():
    # On failure, paste the expected table (printed below) into README.md.
    assert expected_table() in README, expected_table()
    documented = re.findall(r"^\| `([^`]+)` \|", README, flags=re.MULTILINE)
    assert set(s.name for s in SETTINGS) <= set(documented)
