"""Every card the bot can send, filled with sample data, for review and validation.

Each module of the ``cards`` package may expose ``SAMPLES: dict[str, Callable[[], dict]]``;
the key is the file name (without ``.json``) and must be unique across the package.
"""

from __future__ import annotations

import json
import pkgutil
import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import cards

# Lower case and underscores only, so the file names of all samples read alike.
_NAME = re.compile(r"[a-z0-9][a-z0-9_]*")
# Modules that are this tool rather than card builders.
_SKIP = {"__main__", "samples"}


class SampleError(Exception):
    """A sample table that cannot be written (duplicate or bad name, builder failure)."""


def builders(package: ModuleType = cards) -> dict[str, Callable[[], dict[str, Any]]]:
    """Sample name -> builder, over all modules of the package, in module order."""
    found: dict[str, Callable[[], dict[str, Any]]] = {}
    owner: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in _SKIP:
            continue
        module_name = f"{package.__name__}.{info.name}"
        table = getattr(import_module(module_name), "SAMPLES", None)
        if table is None:
            continue
        for name, build in table.items():
            if not _NAME.fullmatch(name):
                raise SampleError(f"{module_name}: sample name {name!r} is not lower case with underscores")
            if name in found:
                raise SampleError(f"sample {name!r} is defined in both {owner[name]} and {module_name}")
            found[name] = build
            owner[name] = module_name
    return found


def build_all(package: ModuleType = cards) -> dict[str, dict[str, Any]]:
    cards_by_name: dict[str, dict[str, Any]] = {}
    for name, build in builders(package).items():
        try:
            card = build()
        except Exception as error:
            raise SampleError(f"sample {name!r} failed: {error!r}") from error
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            raise SampleError(f"sample {name!r} did not return an AdaptiveCard dict")
        cards_by_name[name] = card
    return cards_by_name


def write_samples(out_dir: Path, package: ModuleType = cards) -> list[Path]:
    """Write ``out_dir/<name>.json`` (bare card JSON) for every sample; returns the paths.

    Every card is built before anything is written, so a failing builder leaves no partial set.
    """
    built = build_all(package)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, card in built.items():
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
