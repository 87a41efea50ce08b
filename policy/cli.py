"""Command line: screening as the contract specifies, explanations for people tuning the rules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from .categories import categories
from .datafile import RuleDataError
from .engine import screen
from .loading import load_all
from .model import Verdict
from .resend import masked_resend


def _fail_closed(item_id: object, why: str) -> dict[str, object]:
    return {"id": item_id, "verdict": Verdict.BLOCK.label, "categories": [], "findings": [], "error": why}


def screen_jsonl(stdin: TextIO, stdout: TextIO) -> int:
    """One verdict line per non-blank input line, in order; bad lines are blocked, not dropped."""
    for line in stdin:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            out = _fail_closed(None, f"JSON として読めません: {exc.msg}")
        else:
            if not isinstance(item, dict):
                out = _fail_closed(None, "JSON オブジェクトではありません")
            elif not isinstance(item.get("text"), str):
                out = _fail_closed(item.get("id"), "文字列の text がありません")
            else:
                out = {"id": item.get("id"), **screen(item["text"]).to_dict()}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0


def explain(text: str, stdout: TextIO) -> int:
    result = screen(text)
    table = categories()
    stdout.write(f"判定: {result.verdict.label}\n")
    if result.error:
        stdout.write(f"エラー（安全側で block）: {result.error}\n")
    for f in result.findings:
        info = table[f.category]
        stdout.write(
            f"- {info.display_name} [{f.category} → {info.verdict.label}] {f.section}\n"
            f"  規則: {f.rule}\n  位置: {f.start}-{f.end} 「{text[f.start:f.end]}」 → 「{f.masked}」\n"
            f"  理由: {f.reason}\n"
        )
    if not result.findings:
        stdout.write("該当する項目はありません。\n")
    resend = masked_resend(text, result)
    if resend is not None:
        stdout.write(f"マスクして送れる文面: {resend}\n")
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "guide":
        from .guide import cli as guide_cli  # owned by the /guide engineer; optional here

        return int(guide_cli.main(argv[1:]) or 0)
    parser = argparse.ArgumentParser(prog="python -m policy", description="生成AIへの入力内容の確認")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("screen", help="JSON Lines の各行を判定します")
    s.add_argument("--jsonl", action="store_true", required=True, help="標準入力から {id, text} の行を読みます")
    e = sub.add_parser("explain", help="1つの文の判定理由を表示します")
    e.add_argument("text")
    sub.add_parser("check", help="規則ファイルを読み込んで検証します")
    args = parser.parse_args(argv)
    if args.command == "screen":
        try:
            return screen_jsonl(sys.stdin, sys.stdout)
        except (OSError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"標準入力を読めません: {exc}\n")
            return 1
    if args.command == "explain":
        return explain(args.text, sys.stdout)
    return check(sys.stdout)


def check(stdout: TextIO) -> int:
    try:
        n = load_all()
    except RuleDataError as exc:
        sys.stderr.write(f"規則ファイルの誤り: {exc}\n")
        return 2
    stdout.write(f"規則ファイルを読み込みました（{n} 件の規則）。\n")
    return 0
