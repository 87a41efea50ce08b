"""The prompt for 「AIで要約」: the quoted sections themselves, nothing the person typed."""

from __future__ import annotations

from collections.abc import Sequence

from policy.guide.sections import SectionTree

MAX_SECTIONS = 3
INSTRUCTION = (
    "次の文章は「松戸市職員生成AI利活用ルール（第三版）」の一部です。"
    "市の職員向けに、守るべきことを中心に、要点を3つ以内の箇条書きでやさしく要約してください。"
    "本文に書かれていないことは加えないでください。"
)


def summary_prompt(tree: SectionTree, section_ids: Sequence[str]) -> str:
    """Instruction plus each leaf's words, headed by its id.

    Titles are left out: one names 「機密性3及び機密性2」, which screening rightly reads as a marking
    of classified data, so the prompt would be refused.
    """
    parts = [INSTRUCTION]
    parts.extend(f"【{section_id}】\n{tree[section_id].plain_text()}" for section_id in section_ids)
    return "\n\n".join(parts)
