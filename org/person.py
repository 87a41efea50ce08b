"""Who someone is, as far as the guideline's flows need to know."""

from __future__ import annotations

from dataclasses import dataclass

# Roles of the org table (column ``role``), as the guideline names them.
STAFF = "staff"
MANAGER = "manager"  # 所属長
DX_ADMIN = "dx_admin"  # DX推進課
CISO = "ciso"  # 最高情報セキュリティ責任者 (副市長)
SECURITY_HEAD = "security_head"  # 情報セキュリティ統括管理者 (総務部長)
DIVISION_HEAD = "division_head"  # 情報セキュリティ管理者 (各部長)
ROLES = frozenset({STAFF, MANAGER, DX_ADMIN, CISO, SECURITY_HEAD, DIVISION_HEAD})

SERVICES = frozenset({"chatbot", "chatgpt"})

ROLE_NAMES = {
    STAFF: "職員",
    MANAGER: "所属長",
    DX_ADMIN: "DX推進課",
    CISO: "最高情報セキュリティ責任者（副市長）",
    SECURITY_HEAD: "情報セキュリティ統括管理者（総務部長）",
    DIVISION_HEAD: "情報セキュリティ管理者（部長）",
}


@dataclass(frozen=True)
class Person:
    """One row of the org table; ``department`` and ``manager`` may come from Graph."""

    aad_object_id: str
    name: str
    email: str
    division: str  # 部
    department: str  # 所属 (課)
    roles: frozenset[str]
    manager_aad_object_id: str
    # Permissions granted outside the bot (e.g. before it existed); the bot's own grants and
    # revocations, kept in storage, prevail over these.
    permitted_services: frozenset[str]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_dx_admin(self) -> bool:
        return DX_ADMIN in self.roles

    @property
    def account(self) -> str:
        """The mアカウント of 様式1: the local part of the mail address."""
        return self.email.split("@", 1)[0]
