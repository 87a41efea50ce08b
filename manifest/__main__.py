"""``python -m manifest build [--out build/appPackage.zip] [--release]``: the Teams app package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from manifest.config import ConfigError, ManifestConfig
from manifest.package import files, read_zip, write_zip
from manifest.validate import problems, schema_problems


def build(out: Path, release: bool) -> int:
    try:
        config = ManifestConfig.load()
    except ConfigError as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 1
    if release and config.placeholders:
        print(f"エラー: --release では仮の値を使えません。設定してください: {', '.join(config.placeholders)}",
              file=sys.stderr)
        return 1

    partial = out.with_name(out.name + ".partial")
    write_zip(files(config), partial)
    # Validate what was written, read back from the zip, before it takes the real name.
    contents = read_zip(partial)
    found = problems(contents)
    schema = schema_problems(contents)
    if schema is None and release:
        found.append("--release ではスキーマ検査が必要です（../shared/tools/check-schema と Node.js が見つかりません）。")
    found += schema or []
    if found:
        partial.unlink()
        print("エラー: パッケージに問題があります。", *(f"  - {p}" for p in found), sep="\n", file=sys.stderr)
        return 1
    partial.replace(out)

    print(out)

    def shown(value: str, variable: str) -> str:
        return value + ("（仮の値）" if variable in config.placeholders else "")

    report = [
        f"Teams アプリ ID: {shown(config.app_id, 'TEAMS_APP_ID')}",
        f"ボット ID: {shown(config.bot_id, 'MicrosoftAppId')}",
        f"ドメイン: {shown(config.bot_domain, 'BOT_DOMAIN')}",
        f"バージョン: {config.version}",
        f"ファイル: {', '.join(contents)}",
        "スキーマ検査: " + ("合格（manifest 1.29、ローカライズ）" if schema is not None
                       else "未実施（../shared/tools/check-schema または Node.js がありません）"),
    ]
    if config.placeholders:
        report.append(f"注意: {', '.join(config.placeholders)} が未設定のため仮の値を使いました（ローカル確認用）。"
                      "このパッケージは Teams 管理センターにアップロードできません。")
    print(*(f"  {line}" for line in report), sep="\n", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m manifest")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("build", help="build and validate the Teams app package")
    command.add_argument("--out", type=Path, default=Path("build/appPackage.zip"))
    command.add_argument("--release", action="store_true",
                         help="refuse placeholder ids and require the schema check (for uploads)")
    args = parser.parse_args(argv)
    return build(args.out, args.release)


if __name__ == "__main__":
    sys.exit(main())
