"""The forms as Teams drives them: over HTTP, through the loopback Bot Connector.

Each test starts the real bot (aiohttp, TinyDB file, data/org.csv). 山田 (staff, 市民課, 市民部)
reports; 佐藤 is his 所属長; user-5 is DX推進課, user-6 副市長, user-7 総務部長, user-8 市民部長.
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import aiohttp
from openpyxl import load_workbook

from tests.conftest import BotFactory, RunningBot
from tests.reports.helpers import (
    BUCHO,
    CISO,
    DX,
    FORM2_INPUTS,
    FORM4_INPUTS,
    FUKUSHI,
    SOUMU,
    TANAKA,
    BlockingConnector,
    actions,
    delivered,
    inputs,
    report_inputs,
    texts,
)
from tests.support.connector import Connector
from tests.support.teams import SATO, YAMADA, User
from workflows.forms import JST

PUBLIC_URL = "https://genai-bot.city.matsudo.example"


def card_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
    return body["value"]


async def click(bot: RunningBot, user: User, verb: str, data: dict[str, Any] | None = None,
                **typed: Any) -> dict[str, Any]:
    status, body = await bot.client.click(user, verb, data or {}, inputs=typed or None)
    assert status == 200
    return card_of(body)


async def reply_to(bot: RunningBot, connector: Connector, user: User, text: str) -> dict[str, Any]:
    """The card the bot answers a message with, in the user's personal chat."""
    before = len(connector.received)
    status, _ = await bot.client.say(user, text)
    assert status in (200, 201)
    new = [r for r in connector.received[before:] if r.conversation_id == f"a:personal-{user.channel_id}"]
    assert new and new[-1].cards, [r.text for r in new]
    return new[-1].cards[0]


async def test_report_form_is_prefilled_from_the_org_table(start_bot: BotFactory, connector: Connector) -> None:
    bot = await start_bot()
    card = await reply_to(bot, connector, YAMADA, "/report")
    values = {k: v.get("value") for k, v in inputs(card).items()}
    assert values["department"] == "市民課" and values["manager"] == "佐藤 花子"
    assert values["reporter"] == "山田 太郎" and values["contact"] == "yamada@example.com"
    assert "report.submit" in actions(card)


async def test_submitting_a_report_notifies_exactly_the_right_people_at_once(
    start_bot: BotFactory, connector: Connector
) -> None:
    bot = await start_bot()
    await bot.client.say(YAMADA, "/report")
    receipt = await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    assert "報告を受け付けました" in texts(receipt) and "R20" in texts(receipt)
    number = next(f["value"] for f in receipt["body"][3]["facts"] if f["title"] == "受付番号")

    got = delivered(connector)
    assert set(got) == {SATO.aad_object_id, CISO.aad_object_id, SOUMU.aad_object_id, BUCHO.aad_object_id,
                        DX.aad_object_id}
    assert all(len(cards) == 1 and number in texts(cards[0]) for cards in got.values())
    # Each person's card says why they get it and holds only their own buttons.
    assert set(actions(got[SATO.aad_object_id][0])) == {"report.confirm"}
    assert set(actions(got[DX.aad_object_id][0])) == {"report.status"}
    assert actions(got[CISO.aad_object_id][0]) == {}
    assert "最高情報セキュリティ責任者（副市長）として通知" in texts(got[CISO.aad_object_id][0])
    assert "情報セキュリティ管理者（部長）として通知" in texts(got[BUCHO.aad_object_id][0])
    # The conversations are 1:1 chats in the city's tenant, one per person.
    assert all(not c.get("isGroup") and len(c["members"]) == 1 for c in connector.conversations)
    assert YAMADA.aad_object_id not in got


async def test_every_division_head_is_told_when_so_configured(
    start_bot: BotFactory, connector: Connector, org_with_other_division: Path
) -> None:
    bot = await start_bot(ORG_TABLE=str(org_with_other_division), REPORT_NOTIFY_ALL_DIVISION_HEADS="1")
    await bot.client.say(YAMADA, "/report")
    await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    assert FUKUSHI.aad_object_id in delivered(connector)


async def test_only_the_reporters_division_head_by_default(
    start_bot: BotFactory, connector: Connector, org_with_other_division: Path
) -> None:
    bot = await start_bot(ORG_TABLE=str(org_with_other_division))
    await bot.client.say(YAMADA, "/report")
    await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    assert FUKUSHI.aad_object_id not in delivered(connector)
    assert BUCHO.aad_object_id in delivered(connector)


async def test_invalid_report_comes_back_with_errors_and_typed_values(
    start_bot: BotFactory, connector: Connector
) -> None:
    bot = await start_bot()
    await bot.client.say(YAMADA, "/report")
    tomorrow = (datetime.now(JST) + timedelta(days=1)).date().isoformat()
    typed = report_inputs(background="", occurred_date=tomorrow, cause="古い情報を参照した可能性", contact="x" * 101)
    card = await click(bot, YAMADA, "report.submit", {}, **typed)
    shown = texts(card)
    assert "経緯を入力してください。" in shown
    assert "発生日に未来の日付は入力できません。" in shown
    assert "連絡先は100文字以内で入力してください（現在101文字）。" in shown
    values = {k: v.get("value") for k, v in inputs(card).items()}
    assert values["cause"] == "古い情報を参照した可能性" and values["contact"] == "x" * 101
    assert values["occurred_date"] == tomorrow and values["category"] == "risk"
    assert delivered(connector) == {}  # nobody is told of a report that was not accepted


async def test_manager_confirms_dx_updates_status_and_the_reporter_hears_of_both(
    start_bot: BotFactory, connector: Connector
) -> None:
    bot = await start_bot()
    await bot.client.say(YAMADA, "/report")
    await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    note = delivered(connector)[SATO.aad_object_id][0]
    number = actions(note)["report.confirm"]["data"]["report_id"]

    refused = await click(bot, BUCHO, "report.confirm", {"report_id": number}, cause="x")
    assert "所属長だけ" in texts(refused)
    confirmed = await click(bot, SATO, "report.confirm", {"report_id": number},
                            cause="古いページの情報", outlook="ページを更新する", remarks="")
    assert "所属長確認済み" in texts(confirmed) and "古いページの情報" in texts(confirmed)

    refused = await click(bot, SATO, "report.status", {"report_id": number}, status="完了")
    assert "DX推進課だけ" in texts(refused)
    updated = await click(bot, DX, "report.status", {"report_id": number}, status="対応中", status_note="確認中です")
    assert "状態: 対応中" in texts(updated) and "確認中です" in texts(updated)

    to_yamada = [c for r in connector.in_conversation(f"a:personal-{YAMADA.channel_id}") for c in r.cards]
    shown = [texts(c) for c in to_yamada]
    assert any(f"報告 {number} を所属長が確認しました" in t for t in shown)
    assert any(f"報告 {number} の状態が「対応中」になりました" in t and "確認中です" in t for t in shown)

    listing = await reply_to(bot, connector, DX, "/report 一覧")
    assert number in texts(listing)


async def test_report_open_attaches_the_answer_and_submit_keeps_the_link(
    start_bot: BotFactory, connector: Connector
) -> None:
    bot = await start_bot()
    store = bot.services.store
    exchange_id = await store.append("exchanges", {
        "user_id": YAMADA.aad_object_id, "service": "chatgpt", "status": "answered",
        "input_masked": "****様の申請期限を教えてください。", "answer_masked": "申請期限は出生日の翌日から15日以内です。",
    })
    other = await store.append("exchanges", {"user_id": TANAKA.aad_object_id, "service": "chatbot"})
    refused = await click(bot, YAMADA, "report.open", {"exchange_id": other})
    assert "ご自身の回答だけ" in texts(refused)
    form = await click(bot, YAMADA, "report.open", {"exchange_id": exchange_id})
    assert actions(form)["report.submit"]["data"] == {"exchange_id": exchange_id}
    assert inputs(form)["service"]["value"] == "chatgpt"
    assert "申請期限は出生日の翌日から15日以内です。" in texts(form)
    receipt = await click(bot, YAMADA, "report.submit", {"exchange_id": exchange_id}, **report_inputs())
    assert f"記録ID {exchange_id}" in texts(receipt)
    got = delivered(connector)
    assert all(f"記録ID {exchange_id}" in texts(cards[0]) for cards in got.values())
    number = actions(got[CISO.aad_object_id][0])["report.exchange"]["data"]["report_id"]
    shown = texts(await click(bot, CISO, "report.exchange", {"report_id": number}))
    assert "申請期限は出生日の翌日から15日以内です。" in shown and "****様の申請期限" in shown
    assert "見ることはできません" in texts(await click(bot, TANAKA, "report.exchange", {"report_id": number}))


async def test_a_usage_case_goes_to_dx_is_published_and_found_with_cases(
    start_bot: BotFactory, connector: Connector
) -> None:
    bot = await start_bot()
    form = await reply_to(bot, connector, YAMADA, "/usecase chatgpt")
    assert inputs(form)["department"]["value"] == "市民課"
    bad = await click(bot, YAMADA, "usecase.submit", {"service": "chatgpt"}, **{**FORM2_INPUTS, "effect": ""})
    assert "効果を入力してください。" in texts(bad) and inputs(bad)["task"]["value"] == "窓口案内文の作成"
    receipt = await click(bot, YAMADA, "usecase.submit", {"service": "chatgpt"}, **FORM2_INPUTS)
    assert "活用事例を受け付けました" in texts(receipt)

    got = delivered(connector)
    assert set(got) == {DX.aad_object_id}  # 様式2 is addressed to DX推進課
    review = got[DX.aad_object_id][0]
    case_id = actions(review)["usecase.publish"]["data"]["case_id"]
    listing = await reply_to(bot, connector, TANAKA, "/cases")
    assert "公開中の活用事例: 0件" in texts(listing)

    refused = await click(bot, YAMADA, "usecase.publish", {"case_id": case_id})
    assert "DX推進課だけ" in texts(refused)
    published = await click(bot, DX, "usecase.publish", {"case_id": case_id})
    assert "公開" in texts(published) and "usecase.publish" not in actions(published)
    to_yamada = [texts(c) for r in connector.in_conversation(f"a:personal-{YAMADA.channel_id}") for c in r.cards]
    assert any(f"活用事例 {case_id} が公開されました" in t for t in to_yamada)

    listing = await reply_to(bot, connector, TANAKA, "/cases 下書き 所属:市民")
    assert "窓口案内文の作成" in texts(listing) and "月あたり約12時間の削減" in texts(listing)
    found = await click(bot, TANAKA, "cases.search", {}, keyword="議事録", department="")
    assert "該当する活用事例はありません" in texts(found)
    assert inputs(found)["keyword"]["value"] == "議事録"


async def test_a_returned_case_is_corrected_and_resubmitted(start_bot: BotFactory, connector: Connector) -> None:
    bot = await start_bot()
    await bot.client.say(TANAKA, "/usecase 様式4")
    await click(bot, TANAKA, "usecase.submit", {"service": "chatbot"}, **FORM4_INPUTS)
    case_id = actions(delivered(connector)[DX.aad_object_id][0])["usecase.publish"]["data"]["case_id"]
    returned = await click(bot, DX, "usecase.return", {"case_id": case_id}, review_note="活用頻度の根拠を教えてください。")
    assert "差戻し" in texts(returned)
    notice = [c for r in connector.in_conversation(f"a:personal-{TANAKA.channel_id}") for c in r.cards][-1]
    assert "活用頻度の根拠を教えてください。" in texts(notice)
    form = await click(bot, TANAKA, "usecase.edit", {"case_id": case_id})
    assert inputs(form)["usage"]["value"] == FORM4_INPUTS["usage"]
    assert actions(form)["usecase.submit"]["data"] == {"service": "chatbot", "case_id": case_id}
    again = await click(bot, TANAKA, "usecase.submit", {"service": "chatbot", "case_id": case_id},
                        **{**FORM4_INPUTS, "frequency": "週に数回"})
    assert case_id in texts(again)
    assert (await bot.services.store.get("usecases", case_id))["status"] == "審査中"  # type: ignore[index]


async def download(bot: RunningBot, url: str) -> tuple[int, Any, bytes]:
    """GET a link as a browser would (the public address is this test server)."""
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}{urlparse(url).path}") as response:
        return response.status, response.headers, await response.read()


async def _link(bot: RunningBot, user: User, **typed: str) -> dict[str, Any]:
    return await click(bot, user, "export.create", {}, **typed)


async def test_dx_downloads_each_export_once_through_its_link(start_bot: BotFactory, connector: Connector) -> None:
    bot = await start_bot(ADMIN_PUBLIC_URL=PUBLIC_URL)
    await bot.client.say(YAMADA, "/report")
    await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    today = datetime.now(JST).date().isoformat()

    refused = await _link(bot, YAMADA, kind="reports", format="xlsx", since=today, until=today)
    assert "DX推進課だけ" in texts(refused)
    assert "DX推進課だけ" in (await bot.client.say(YAMADA, "/export") and connector.received[-1].text)

    form = await reply_to(bot, connector, DX, "/export")
    assert set(inputs(form)) == {"kind", "format", "since", "until"}
    bad = await _link(bot, DX, kind="reports", format="xlsx", since=today, until="2000-01-01")
    assert "終了日は開始日以降の日付にしてください。" in texts(bad) and inputs(bad)["since"]["value"] == today

    ready = await _link(bot, DX, kind="reports", format="xlsx", since=today, until=today)
    [open_url] = ready["actions"]
    assert open_url["type"] == "Action.OpenUrl" and open_url["url"].startswith(f"{PUBLIC_URL}/exports/")
    status, headers, content = await download(bot, open_url["url"])
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert "様式3_障害発生報告_" in unquote(headers["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["B1"].value == "【様式3】" and sheet["E6"].value == "市民課"
    assert sheet["C14"].value == report_inputs()["background"]
    again, _, page = await download(bot, open_url["url"])
    assert again == 404 and "無効" in page.decode()
    assert (await download(bot, f"{PUBLIC_URL}/exports/{'A' * 43}"))[0] == 404
    assert list((Path(bot.services.settings["DATA_DIR"]) / "exports").iterdir()) == []

    ready = await _link(bot, DX, kind="reports", format="csv", since=today, until=today)
    _, _, content = await download(bot, ready["actions"][0]["url"])
    assert content.startswith(b"\xef\xbb\xbf") and "山田 太郎" in content.decode("utf-8-sig")

    empty = await _link(bot, DX, kind="usecases-chatbot", format="csv", since=today, until=today)
    assert "該当する記録はありません" in texts(empty)


async def test_in_a_group_chat_the_form_goes_to_the_personal_chat(start_bot: BotFactory, connector: Connector) -> None:
    bot = await start_bot()
    status, _ = await bot.client.say(YAMADA, "/report", kind="groupChat", mention=True)
    assert status in (200, 201)
    in_group = connector.in_conversation("19:group-chat-1@thread.v2")
    assert [r.cards for r in in_group] == [[]]
    assert "個人チャットにお送りしました" in in_group[0].text
    # The bot saw 山田さん in the group chat, so it opens his 1:1 chat with his Teams id.
    [form] = delivered(connector)[YAMADA.channel_id]
    assert inputs(form)["contact"]["value"] == "yamada@example.com"


async def test_a_report_is_shown_only_to_those_concerned(start_bot: BotFactory, connector: Connector) -> None:
    bot = await start_bot()
    await bot.client.say(YAMADA, "/report")
    receipt = await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    number = actions(delivered(connector)[DX.aad_object_id][0])["report.status"]["data"]["report_id"]
    assert "経過" in texts(await click(bot, DX, "report.view", {"report_id": number}))
    assert "report.confirm" in actions(await click(bot, SATO, "report.view", {"report_id": number}))
    assert texts(await click(bot, YAMADA, "report.view", {"report_id": number})) == texts(receipt)
    assert "見ることはできません" in texts(await click(bot, TANAKA, "report.view", {"report_id": number}))
    assert "見つかりませんでした" in texts(await click(bot, DX, "report.view", {"report_id": "R1999-0001"}))


async def test_who_could_not_be_reached_is_named_and_the_others_are_still_told(
    start_bot: BotFactory, connector: BlockingConnector
) -> None:
    connector.blocked.add(CISO.aad_object_id)
    bot = await start_bot()
    await bot.client.say(YAMADA, "/report")
    receipt = await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    assert "次の方には通知を届けられませんでした: ユーザー6" in texts(receipt)
    assert set(delivered(connector)) == {SATO.aad_object_id, SOUMU.aad_object_id, BUCHO.aad_object_id,
                                         DX.aad_object_id}
    [stored] = await bot.services.store.find("reports")
    assert stored["unreachable"] == ["ユーザー6"]


async def test_an_unused_link_and_its_file_are_deleted_when_it_expires(
    start_bot: BotFactory, connector: Connector
) -> None:
    bot = await start_bot(ADMIN_PUBLIC_URL=PUBLIC_URL, EXPORT_LINK_TTL_S="1")
    await bot.client.say(YAMADA, "/report")
    await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    today = datetime.now(JST).date().isoformat()
    ready = await _link(bot, DX, kind="reports", format="csv", since=today, until=today)
    folder = Path(bot.services.settings["DATA_DIR"]) / "exports"
    assert len(list(folder.iterdir())) == 1
    for _ in range(40):  # the sweeper runs every EXPORT_LINK_TTL_S seconds
        if not list(folder.iterdir()):
            break
        await asyncio.sleep(0.1)
    assert list(folder.iterdir()) == [] and await bot.services.store.find("exports") == []
    assert (await download(bot, ready["actions"][0]["url"]))[0] == 404


async def test_too_many_reports_in_an_hour_are_held_back_with_nothing_lost(
    start_bot: BotFactory, connector: Connector
) -> None:
    bot = await start_bot(REPORT_MAX_PER_HOUR="1")
    await bot.client.say(YAMADA, "/report")
    await click(bot, YAMADA, "report.submit", {}, **report_inputs())
    again = await click(bot, YAMADA, "report.submit", {}, **report_inputs(background="二件目の報告"))
    assert "1時間に送信できる報告は1件までです" in texts(again) and "047-366-7399" in texts(again)
    assert inputs(again)["background"]["value"] == "二件目の報告"
    assert all(len(cards) == 1 for cards in delivered(connector).values())
    assert len(await bot.services.store.find("reports")) == 1
