"""The Teams app package: manifest, Japanese localization and icons, as one zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from string import Template
from typing import Any

from manifest.config import ACCENT_COLOR, ManifestConfig
from manifest.icons import color_icon, outline_icon

HERE = Path(__file__).resolve().parent
MANIFEST = "manifest.json"
# A fixed timestamp makes the same inputs give the same zip, byte for byte.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _fill(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, str):
        return Template(node).substitute(values)  # an unknown ${NAME} raises KeyError
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _fill(item, values) for key, item in node.items()}
    return node


def manifest(config: ManifestConfig) -> dict[str, Any]:
    template = json.loads((HERE / "template.json").read_text(encoding="utf-8"))
    return _fill(template, config.values())


def localizations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """File name -> localization document, for every language the manifest lists."""
    languages = document.get("localizationInfo", {}).get("additionalLanguages", [])
    return {lang["file"]: json.loads((HERE / lang["file"]).read_text(encoding="utf-8")) for lang in languages}


def files(config: ManifestConfig) -> dict[str, bytes]:
    """Every file of the package, by its name in the zip."""
    document = manifest(config)
    contents = {MANIFEST: _json(document)}
    contents.update({name: _json(doc) for name, doc in localizations(document).items()})
    contents[document["icons"]["color"]] = color_icon(ACCENT_COLOR)
    contents[document["icons"]["outline"]] = outline_icon()
    return contents


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_zip(contents: dict[str, bytes], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
