"""``Directory``: the one way the bot asks who someone is, whoever answers.

The org table always answers for roles, the security chain and whether someone may use the
bot at all (a person missing from it is sent to DX推進課). When Graph is configured it answers
for department (所属) and manager (所属長); where Entra ID has no manager, or Graph cannot be
reached, the table's values stand, so an approval still reaches someone.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from org.graph import GraphError, GraphSource, GraphUser
from org.person import CISO, DIVISION_HEAD, DX_ADMIN, MANAGER, SECURITY_HEAD, Person

log = logging.getLogger(__name__)


class Directory:
    def __init__(self, people: Iterable[Person], graph: GraphSource | None = None):
        self._people = {p.aad_object_id: p for p in people}
        self._graph = graph

    async def person(self, aad_object_id: str) -> Person | None:
        """The person, or None when they are not in the org table."""
        row = self._people.get((aad_object_id or "").lower())
        if row is None or self._graph is None:
            return row
        try:
            profile = await self._graph.profile(row.aad_object_id)
        except GraphError as error:
            log.warning("Graph unavailable, using the org table: %s", error)
            return row
        if profile is None:
            return row
        return dataclasses.replace(
            row,
            department=profile.user.department or row.department,
            manager_aad_object_id=profile.manager.aad_object_id if profile.manager else row.manager_aad_object_id,
        )

    async def manager_of(self, aad_object_id: str) -> Person | None:
        """The 所属長 who approves for this person (for a 所属長: their own superior)."""
        person = await self.person(aad_object_id)
        if person is None or not person.manager_aad_object_id:
            return None
        manager_id = person.manager_aad_object_id
        if manager_id in self._people:
            return await self.person(manager_id)
        # A manager Entra ID knows but the table does not: still the approver.
        profile = await self._graph.profile(manager_id) if self._graph else None
        return _from_graph(profile.user) if profile else None

    async def with_role(self, role: str) -> list[Person]:
        return [p for p in self._people.values() if role in p.roles]

    async def dx_admins(self) -> list[Person]:
        return await self.with_role(DX_ADMIN)

    async def division_heads(self, division: str | None = None) -> list[Person]:
        heads = await self.with_role(DIVISION_HEAD)
        return [p for p in heads if division is None or p.division == division]

    async def security_chain(self, division: str) -> list[Person]:
        """副市長, 総務部長 and the 部長 of ``division``, in that order, without repeats (7-1(6))."""
        chain: list[Person] = []
        for group in (await self.with_role(CISO), await self.with_role(SECURITY_HEAD),
                      await self.division_heads(division)):
            chain.extend(p for p in group if p not in chain)
        return chain

    async def members(self, department: str) -> list[Person]:
        """Everyone the table places in the 所属."""
        return [p for p in self._people.values() if p.department == department]

    async def departments(self) -> set[str]:
        return {p.department for p in self._people.values()}

    def find(self, text: str) -> Person | None:
        """A table row by object id, mail address or mアカウント (for admin commands and 様式1)."""
        key = text.strip().lower()
        if not key:
            return None
        if key in self._people:
            return self._people[key]
        for person in self._people.values():
            if key in (person.email.lower(), person.account.lower()):
                return person
        return None

    async def close(self) -> None:
        if self._graph is not None:
            await self._graph.close()


def _from_graph(user: GraphUser) -> Person:
    return Person(
        aad_object_id=user.aad_object_id, name=user.name, email=user.email, division="",
        department=user.department, roles=frozenset({MANAGER}), manager_aad_object_id="",
        permitted_services=frozenset(),
    )
