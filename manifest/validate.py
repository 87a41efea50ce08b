"""Checks of a built package that Teams would otherwise reject at upload, or show wrongly.

Structure, icons and localization keys are checked here; the JSON Schemas (manifest 1.29,
localization) by ``../shared/tools/check-schema`` when that checkout is present.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image

from manifest.config import REPO_ROOT
from manifest.icons import COLOR_SIZE, OUTLINE_SIZE
from manifest.package import MANIFEST

CHECK_SCHEMA = Path(os.environ.get("SHARED_TOOLS_DIR", REPO_ROOT.parent / "shared" / "tools")) / "check-schema"
LOCALIZATION_SCHEMA = CHECK_SCHEMA.parent.parent / "schemas" / "teams-manifest" / "MicrosoftTeams.Localization.schema.json"
_LOCALIZED_KEY = re.compile(r"bots\[(\d+)\]\.commandLists\[(\d+)\]\.commands\[(\d+)\]\.(\w+)")


def problems(contents: dict[str, bytes]) -> list[str]:
    """Everything wrong with the package contents, in Japanese; empty when it is fine."""
    if MANIFEST not in contents:
        return [f"{MANIFEST} がありません。"]
    document = json.loads(contents[MANIFEST])
    found: list[str] = []
    icons = document["icons"]
    expected = {MANIFEST, icons["color"], icons["outline"]}
    languages = document.get("localizationInfo", {}).get("additionalLanguages", [])
    expected.update(lang["file"] for lang in languages)
    if set(contents) != expected:
        found.append(f"パッケージのファイルが違います: {sorted(contents)}（期待: {sorted(expected)}）")
    for name, data in contents.items():
        if b"${" in data and name.endswith(".json"):
            found.append(f"{name} に置き換えられていない ${{…}} があります。")
    found += _icon_problems(contents.get(icons["color"]), contents.get(icons["outline"]))
    for lang in languages:
        if lang["file"] in contents:
            found += _localization_problems(document, lang["file"], json.loads(contents[lang["file"]]))
    return found


def _icon_problems(color: bytes | None, outline: bytes | None) -> list[str]:
    if color is None or outline is None:
        return ["アイコンがありません。"]
    found = []
    color_image = Image.open(io.BytesIO(color))
    if color_image.size != (COLOR_SIZE, COLOR_SIZE):
        found.append(f"カラーアイコンは {COLOR_SIZE}×{COLOR_SIZE} にしてください（今は {color_image.size}）。")
    outline_image = Image.open(io.BytesIO(outline))
    if outline_image.size != (OUTLINE_SIZE, OUTLINE_SIZE) or outline_image.mode != "RGBA":
        found.append(f"アウトラインアイコンは {OUTLINE_SIZE}×{OUTLINE_SIZE} の透過 PNG にしてください。")
    else:
        pixels = outline_image.get_flattened_data()
        if any(a and (r, g, b) != (255, 255, 255) for r, g, b, a in pixels):
            found.append("アウトラインアイコンには白と透明以外の色を使えません。")
        if all(a == 255 for *_, a in pixels) or all(a == 0 for *_, a in pixels):
            found.append("アウトラインアイコンは透明な背景に白い図形にしてください。")
    return found


def _localization_problems(document: dict[str, Any], name: str, localization: dict[str, Any]) -> list[str]:
    found = []
    bots = document.get("bots", [])
    for key in localization:
        match = _LOCALIZED_KEY.fullmatch(key)
        if not match:
            continue
        bot, lst, command, field = (int(g) if g.isdigit() else g for g in match.groups())
        try:
            target = bots[bot]["commandLists"][lst]["commands"][command]
        except IndexError:
            found.append(f"{name}: {key} に当たるコマンドが manifest にありません。")
            continue
        # The title is the text Teams sends when the command is picked: it must stay the keyword.
        if field == "title" and localization[key] != target["title"]:
            found.append(f"{name}: {key} は「{target['title']}」のままにしてください（ボットが受け取る文字列です）。")
    for lst, commands in enumerate(bots[0]["commandLists"] if bots else []):
        for index in range(len(commands["commands"])):
            key = f"bots[0].commandLists[{lst}].commands[{index}].description"
            if key not in localization:
                found.append(f"{name}: {key} の訳がありません。")
    return found


def schema_problems(contents: dict[str, bytes]) -> list[str] | None:
    """Errors from check-schema (manifest, localizations); None when the tool is not present."""
    if not CHECK_SCHEMA.is_file() or shutil.which("node") is None:
        return None
    document = json.loads(contents[MANIFEST])
    languages = document.get("localizationInfo", {}).get("additionalLanguages", [])
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in contents.items():
            (folder / name).write_bytes(data)
        found += _check_schema(["--manifest"], folder / MANIFEST)
        for lang in languages:
            found += _check_localization(folder, folder / lang["file"])
    return found


def _run(args: list[str], path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_SCHEMA), *args, str(path)], capture_output=True, text=True, timeout=300)


def _errors(done: subprocess.CompletedProcess[str], path: Path) -> list[str]:
    found = []
    for line in done.stdout.splitlines():
        result = json.loads(line)
        found += [f"{path.name} {e['path']}: {e['message']}" for e in result.get("errors", [])]
    if done.returncode != 0 and not found:
        found.append(f"check-schema {' '.join(done.args[1:-1])} {path.name} が失敗しました: {done.stderr.strip()[-300:]}")
    return found


def _check_schema(args: list[str], path: Path) -> list[str]:
    return _errors(_run(args, path), path)


def _check_localization(folder: Path, path: Path) -> list[str]:
    done = _run(["--localization"], path)
    if "Invalid regular expression" not in done.stderr:
        return _errors(done, path)
    # ajv compiles patterns with the u flag, which rejects the lone "]" in two patternProperties
    # of Microsoft's localization schema; the same schema with that "]" escaped means the same.
    schema = json.loads(LOCALIZATION_SCHEMA.read_text(encoding="utf-8"))
    schema["patternProperties"] = {_escape_lone_brackets(k): v for k, v in schema["patternProperties"].items()}
    fixed = folder / "localization.schema.json"
    fixed.write_text(json.dumps(schema), encoding="utf-8")
    return _check_schema(["--schema", str(fixed)], path)


def _escape_lone_brackets(pattern: str) -> str:
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            char, in_class = ("]" if in_class else "\\]"), False
        out.append(char)
        i += 1
    return "".join(out)
