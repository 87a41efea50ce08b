"""様式1 ChatGPT アカウント及び利用申請 (7-1) over HTTP: the form, DX推進課's decision, and
ChatGPT opening only once 説明会, 承認, 研修 and the 所属長's permission are all recorded."""

from __future__ import annotations

from tests.approvals.conftest import DX_ADMIN, TANAKA, actions, body_text, card_for, invoke_card, text_for
from tests.support.model_servers import Reply
from tests.support.teams import SATO, YAMADA

HEADER = {"submitted_on": "2026-11-26", "department": "市民課", "manager": "佐藤 花子", "person": "山田 太郎",
          "contact": "内線 1234", "account": "shimin@example.com", "usage": "案内文の下書き"}


async def test_form_errors_keep_what_was_typed(start_bot, connector) -> None:
    bot = await start_bot()
    await bot.client.say(YAMADA, "/apply")
    form = await card_for(connector, YAMADA, "application.submit")
    text = body_text(form)
    assert "【様式1】 ChatGPT アカウント及び利用申請書" in text and "DX推進課長 宛" in text
    assert "市民課" in text and "佐藤 花子" in text  # prefilled from the directory
    _, body = await bot.client.click(YAMADA, "application.submit", {}, inputs={
        **HEADER, "account": "shimin", "maccount_1": "suzuki", "kind_1": "new", "maccount_2": "u5", "kind_2": "new"})
    card = invoke_card(body)
    text = body_text(card)
    assert "アカウントは所属のメールアドレス" in text
    assert "「suzuki」は組織表にありません" in text
    assert "ユーザー5さんはDX推進課の所属です" in text
    assert "案内文の下書き" in text and "suzuki" in text
    assert await bot.services.store.find("applications") == []


async def test_application_approved_then_chatgpt_opens_after_briefing_training_and_permission(
    start_bot, connector, models, openai_server,
) -> None:
    bot = await start_bot(**models)
    await bot.client.say(YAMADA, "/apply")
    await card_for(connector, YAMADA, "application.submit")
    _, body = await bot.client.click(YAMADA, "application.submit", {}, inputs={
        **HEADER, "maccount_1": "yamada", "kind_1": "new", "maccount_2": "tanaka", "name_2": "田中 次郎",
        "kind_2": "new"})
    assert "状態: 待機中" in body_text(invoke_card(body))

    admin_card = await card_for(connector, DX_ADMIN, "application.decide")
    assert "yamada" in body_text(admin_card) and "shimin@example.com" in body_text(admin_card)
    data = actions(admin_card)["application.decide"]
    # Only DX推進課 decides.
    _, body = await bot.client.click(SATO, "application.decide", {"id": data["id"], "approve": True})
    assert "DX推進課の担当者だけ" in body_text(invoke_card(body))

    await bot.client.say(YAMADA, "/service chatgpt")
    await bot.client.say(YAMADA, "表の作り方を教えてください")
    missing = await text_for(connector, YAMADA, "ChatGPT を使うには")
    assert "説明会" in missing and "様式1" in missing and "研修" in missing

    _, body = await bot.client.click(DX_ADMIN, "application.decide", {"id": data["id"], "approve": True})
    decided = invoke_card(body)
    assert "承認済み（ユーザー5、" in body_text(decided)
    await text_for(connector, YAMADA, "承認されました。利用者は研修を受講してください")

    await bot.client.say(DX_ADMIN, "/briefing 市民課 2026-11-20")
    await text_for(connector, DX_ADMIN, "説明会の参加を記録しました")
    _, body = await bot.client.click(DX_ADMIN, "application.training", {"id": data["id"]},
                                     inputs={f"trained_{YAMADA.aad_object_id}": "true",
                                             f"trained_{TANAKA.aad_object_id}": "false"})
    assert "山田 太郎（新規）　研修受講済み" in body_text(invoke_card(body))

    # Conditions of 7-1 met; the 所属長's permission (4) is still needed.
    await bot.client.say(YAMADA, "表の作り方を教えてください")
    form = await card_for(connector, YAMADA, "permission.request")
    assert "ChatGPT" in body_text(form)
    assert not openai_server.requests

    await bot.client.say(SATO, "/permit yamada chatgpt")
    openai_server.queue(Reply("表は見出し行を先頭に置きます。"))
    await bot.client.say(YAMADA, "表の作り方を教えてください")
    await connector.wait_for(lambda r: "表は見出し行を先頭に置きます" in r.text)

    # 田中 was approved too but has no 研修 yet.
    await bot.client.say(TANAKA, "/service chatgpt")
    await bot.client.say(TANAKA, "表の作り方を教えてください")
    assert "研修の受講" in await text_for(connector, TANAKA, "ChatGPT を使うには")


async def test_training_list_import_and_rejection(start_bot, connector) -> None:
    bot = await start_bot()
    await bot.client.say(YAMADA, "/training yamada")
    await text_for(connector, YAMADA, "DX推進課だけ")
    await bot.client.say(DX_ADMIN, "/training yamada, tanaka\nsuzuki")
    await text_for(connector, DX_ADMIN, "組織表にない mアカウント")
    assert await bot.services.store.get("trainings", YAMADA.aad_object_id) is None
    await bot.client.say(DX_ADMIN, "/training yamada, tanaka")
    await text_for(connector, DX_ADMIN, "山田 太郎、田中 次郎")

    await bot.client.say(TANAKA, "/apply")
    await card_for(connector, TANAKA, "application.submit")
    await bot.client.click(TANAKA, "application.submit", {}, inputs={
        **HEADER, "person": "田中 次郎", "maccount_1": "tanaka", "kind_1": "new"})
    data = actions(await card_for(connector, DX_ADMIN, "application.decide"))["application.decide"]
    _, body = await bot.client.click(DX_ADMIN, "application.decide", {"id": data["id"], "approve": False})
    assert "理由" in body_text(invoke_card(body))
    await bot.client.click(DX_ADMIN, "application.decide",
                           {"id": data["id"], "approve": False, "decision_note": "説明会に参加してください"})
    assert "説明会に参加してください" in await text_for(connector, TANAKA, "却下されました")
