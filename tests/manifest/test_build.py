"""``python -m manifest build``: the package Teams admins upload, checked like Teams would."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from manifest.config import PLACEHOLDER_APP_ID, PLACEHOLDER_BOT_ID, ConfigError, ManifestConfig
from manifest.package import files, read_zip
from manifest.validate import problems, schema_problems
from tests.support.shared_tools import REPO_ROOT, check_schema, require_tools

APP_ID = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
BOT_ID = "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
DOMAIN = "genai-bot.city.example.jp"
IDS = {"TEAMS_APP_ID": APP_ID, "MicrosoftAppId": BOT_ID, "BOT_DOMAIN": DOMAIN, "GRAPH_CLIENT_ID": ""}
UNSET = dict.fromkeys(IDS, "")


def build(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "build" / "appPackage.zip"
    return subprocess.run(
        [sys.executable, "-m", "manifest", "build", "--out", str(out), *args],
        capture_output=True, text=True, cwd=REPO_ROOT, env={**os.environ, **env}, check=False,
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("manifest")
    done = build(tmp, IDS, "--release")
    assert done.returncode == 0, done.stderr
    return tmp / "build" / "appPackage.zip"


def manifest_of(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as archive:
        return json.loads(archive.read("manifest.json"))


def test_zip_holds_exactly_manifest_localization_and_two_icons(package: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["color.png", "ja.json", "manifest.json", "outline.png"]
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    assert color.size == (192, 192)
    assert outline.size == (32, 32) and outline.mode == "RGBA"
    pixels = outline.get_flattened_data()
    assert {p[:3] for p in pixels if p[3]} == {(255, 255, 255)}
    assert sum(1 for p in pixels if p[3] == 0) > len(pixels) // 3  # mostly transparent


def test_ids_and_domain_come_from_configuration(package: Path) -> None:
    manifest = manifest_of(package)
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["webApplicationInfo"] == {"id": BOT_ID}
    assert manifest["validDomains"] == [DOMAIN]


def test_graph_permissions_are_asked_for_the_graph_app_when_separate() -> None:
    graph_app = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
    config = ManifestConfig.load({**IDS, "GRAPH_CLIENT_ID": graph_app}, dotenv=None)
    assert json.loads(files(config)["manifest.json"])["webApplicationInfo"] == {"id": graph_app}


def test_bot_offers_mention_and_slash_commands_in_every_scope(package: Path) -> None:
    bot = manifest_of(package)["bots"][0]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsTargetedMessages"] is True
    covered = set()
    for command_list in bot["commandLists"]:
        assert command_list["triggers"] == ["mention", "slash"]
        covered.update(command_list["scopes"])
    assert covered == {"personal", "team", "groupChat"}
    personal = next(c for c in bot["commandLists"] if "personal" in c["scopes"])
    assert {"guide", "report", "help", "service", "usecase", "cases", "reset", "request", "apply"} <= {
        c["title"] for c in personal["commands"]
    }


def test_every_command_is_described_in_japanese(package: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        ja = json.loads(archive.read("ja.json"))
    bot = manifest_of(package)["bots"][0]
    for i, command_list in enumerate(bot["commandLists"]):
        for j, command in enumerate(command_list["commands"]):
            description = ja[f"bots[0].commandLists[{i}].commands[{j}].description"]
            assert any("\u3040" <= ch <= "\u30ff" for ch in description), description
            assert ja[f"bots[0].commandLists[{i}].commands[{j}].title"] == command["title"]
    assert ja["name.short"] == "生成AIアシスタント"


@pytest.mark.tools
def test_manifest_and_localization_pass_the_official_schemas(package: Path) -> None:
    require_tools()
    folder = package.parent / "unzipped"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    run = check_schema("manifest", [folder / "manifest.json"])
    run.assert_clean()
    assert run.records[0]["schema"].endswith("MicrosoftTeams.v1.29.schema.json")
    # check-schema --localization stops on a pattern of Microsoft's schema that ajv's unicode
    # mode rejects; schema_problems falls back to the same schema with that "]" escaped.
    assert schema_problems(read_zip(package)) == []


@pytest.mark.tools
def test_schema_check_reports_a_wrong_localization(package: Path) -> None:
    require_tools()
    contents = read_zip(package)
    ja = json.loads(contents["ja.json"])
    ja["name.short"] = "三十文字を超える長いアプリ名はストアに載せられないので弾かれます、確実に"
    contents["ja.json"] = json.dumps(ja, ensure_ascii=False).encode()
    found = schema_problems(contents)
    assert found and any("name.short" in p for p in found)


def test_local_build_uses_marked_placeholders(tmp_path: Path) -> None:
    done = build(tmp_path, UNSET)
    assert done.returncode == 0, done.stderr
    manifest = manifest_of(tmp_path / "build" / "appPackage.zip")
    assert manifest["id"] == PLACEHOLDER_APP_ID and manifest["bots"][0]["botId"] == PLACEHOLDER_BOT_ID
    assert "TEAMS_APP_ID, MicrosoftAppId, BOT_DOMAIN が未設定のため仮の値" in done.stderr
    assert f"{PLACEHOLDER_APP_ID}（仮の値）" in done.stderr


def test_release_build_refuses_placeholders(tmp_path: Path) -> None:
    done = build(tmp_path, {**IDS, "MicrosoftAppId": ""}, "--release")
    assert done.returncode == 1
    assert "MicrosoftAppId" in done.stderr
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TEAMS_APP_ID": "matsudo-bot"}, "TEAMS_APP_ID は GUID"),
        ({"BOT_DOMAIN": "https://bot.example.jp/api"}, "BOT_DOMAIN はホスト名だけ"),
        ({"APP_PRIVACY_URL": "http://intra.example.jp/privacy"}, "APP_PRIVACY_URL は https://"),
        ({"APP_VERSION": "1.0"}, "APP_VERSION は 1.2.3"),
    ],
)
def test_bad_settings_are_named_in_japanese(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ManifestConfig.load({**IDS, **env}, dotenv=None)


def test_validator_rejects_what_teams_would(package: Path) -> None:
    contents = files(ManifestConfig.load(IDS, dotenv=None))
    assert problems(contents) == []

    coloured = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    coloured.putpixel((5, 5), (255, 0, 0, 255))
    buffer = io.BytesIO()
    coloured.save(buffer, "PNG")
    ja = json.loads(contents["ja.json"])
    del ja["bots[0].commandLists[0].commands[1].description"]
    ja["bots[0].commandLists[0].commands[1].title"] = "ガイド"
    broken = {
        **contents,
        "outline.png": buffer.getvalue(),
        "color.png": contents["outline.png"],
        "ja.json": json.dumps(ja, ensure_ascii=False).encode(),
        "notes.txt": b"",
    }
    found = "\n".join(problems(broken))
    assert "白と透明以外" in found
    assert "192×192" in found
    assert "commands[1].description の訳がありません" in found
    assert "「guide」のままに" in found
    assert "notes.txt" in found


def test_same_inputs_give_the_same_zip(tmp_path: Path, package: Path) -> None:
    assert build(tmp_path, IDS).returncode == 0
    assert (tmp_path / "build" / "appPackage.zip").read_bytes() == package.read_bytes()


def test_every_menu_command_is_one_the_bot_routes(package: Path) -> None:
    # Picking a command from the menu sends its title as the message text.
    from bot.router import Router

    routed = set(Router().commands)
    offered = {c["title"] for lst in manifest_of(package)["bots"][0]["commandLists"] for c in lst["commands"]}
    assert offered <= routed, offered - routed


def test_release_build_needs_the_schema_check(tmp_path: Path) -> None:
    done = build(tmp_path, {**IDS, "SHARED_TOOLS_DIR": str(tmp_path / "no-tools")}, "--release")
    assert done.returncode == 1
    assert "--release ではスキーマ検査が必要です" in done.stderr
    assert not list((tmp_path / "build").iterdir())  # neither the package nor a partial one

    done = build(tmp_path, {**IDS, "SHARED_TOOLS_DIR": str(tmp_path / "no-tools")})
    assert done.returncode == 0, done.stderr
    assert "スキーマ検査: 未実施" in done.stderr
