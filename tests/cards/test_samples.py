"""Every card from ``python -m cards samples`` passes the official schema and renderer.

PNGs (Teams light and dark) go to a temporary folder, or to CARD_PREVIEW_DIR when set so a
person can look at them.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cards.samples import SampleError, builders, write_samples
from tests.support.shared_tools import HOSTS, REPO_ROOT, ToolRun, check_schema, render_card


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out_dir = tmp_path_factory.mktemp("samples") / "new"  # the tool creates OUTDIR itself
    done = subprocess.run(
        [sys.executable, "-m", "cards", "samples", str(out_dir)],
        capture_output=True, text=True, cwd=REPO_ROOT, check=False,
    )
    assert done.returncode == 0, done.stderr
    files = sorted(out_dir.glob("*.json"))
    assert files
    return files


def test_one_bare_card_file_per_sample(sample_files: list[Path]) -> None:
    assert sorted(p.stem for p in sample_files) == sorted(builders())
    for path in sample_files:
        card = json.loads(path.read_text(encoding="utf-8"))
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.5", path.name


def _elements(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            yield node
        for value in node.values():
            yield from _elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from _elements(value)


def test_inputs_have_labels_buttons_have_titles_and_text_wraps(sample_files: list[Path]) -> None:
    # Teams reads labels to screen-reader users, and Japanese text without wrap is cut off
    # with an ellipsis at the first line, since it has no spaces to break at.
    problems = []
    for path in sample_files:
        for element in _elements(json.loads(path.read_text(encoding="utf-8"))):
            kind = element["type"]
            if kind.startswith("Input.") and not element.get("title" if kind == "Input.Toggle" else "label"):
                problems.append(f"{path.stem}: {kind} {element.get('id')} has no label")
            if kind.startswith("Action.") and not element.get("title"):
                problems.append(f"{path.stem}: {kind} {element.get('verb', '')} has no title")
            if kind == "TextBlock" and not element.get("wrap"):
                problems.append(f"{path.stem}: TextBlock {element.get('text', '')[:20]!r} does not wrap")
    assert not problems, "\n".join(problems)


@pytest.mark.tools
def test_every_sample_passes_the_card_schema(sample_files: list[Path]) -> None:
    run = check_schema("card", sample_files)
    run.assert_clean()
    assert len(run.records) == len(sample_files)


@pytest.fixture(scope="module")
def renders(sample_files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ToolRun, Path]]:
    """Both Teams themes rendered at once (each run is a Chromium of its own)."""
    preview = os.environ.get("CARD_PREVIEW_DIR")
    out_dirs = {host: Path(preview) / host if preview else tmp_path_factory.mktemp(host) for host in HOSTS}
    with ThreadPoolExecutor(len(HOSTS)) as pool:
        runs = {host: pool.submit(render_card, sample_files, host, out_dirs[host]) for host in HOSTS}
        return {host: (future.result(), out_dirs[host]) for host, future in runs.items()}


@pytest.mark.tools
@pytest.mark.parametrize("host", HOSTS)
def test_every_sample_renders_without_events(
    sample_files: list[Path], renders: dict[str, tuple[ToolRun, Path]], host: str
) -> None:
    run, out_dir = renders[host]
    run.assert_clean()
    assert len(run.records) == len(sample_files)
    assert all(r.get("rendered") for r in run.records)
    assert {p.stem for p in out_dir.glob("*.png")} >= {p.stem for p in sample_files}


def _package(root: Path, name: str, modules: dict[str, str]) -> ModuleType:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, source in modules.items():
        (package / f"{module}.py").write_text(textwrap.dedent(source))
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(root))


CARD = "SAMPLES = {'notice': lambda: {'type': 'AdaptiveCard', 'version': '1.5', 'body': []}}\n"


def test_duplicate_sample_names_fail_loudly(tmp_path: Path) -> None:
    package = _package(tmp_path, "dup_cards", {"chat": CARD, "guide": CARD})
    with pytest.raises(SampleError, match=r"dup_cards\.chat and dup_cards\.guide"):
        builders(package)


def test_a_failing_sample_writes_nothing(tmp_path: Path) -> None:
    broken = "SAMPLES = {'broken': lambda: 1 / 0}\n"
    package = _package(tmp_path, "broken_cards", {"a": CARD, "b": broken})
    with pytest.raises(SampleError, match="broken"):
        write_samples(tmp_path / "out", package)
    assert not (tmp_path / "out").exists()
