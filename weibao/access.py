"""Who may do what, checked where it is done (the intake, the query layer, approval), not only
by which pages are shown.

    actor = Actor.of(users.get("tx_civil"))        # a signed-in user
    actor = local_cli()                             # the CLI: a local statistician, OS user kept
    require_submit(actor, "civil_affairs", "330483")

Roles (DESIGN.md): leader reads its jurisdiction and below, with small counts suppressed;
statistician reads and submits for any unit of its jurisdiction, approves, unlocks and manages
users, and sees small counts; agency submits only for its own unit and jurisdiction; inspector
reads like a leader and handles 督办单. Division codes nest by prefix (35 ⊃ 3504 ⊃ 350402 ⊃
350402001 ⊃ 350402001001), so "in the jurisdiction or below" is a prefix test.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from weibao.errors import WeibaoError

READERS = ("leader", "statistician", "inspector")


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    jurisdiction: str  # "" = every jurisdiction (the local CLI)
    unit: str = ""
    os_user: str = ""

    @classmethod
    def of(cls, user, os_user: str = "") -> Actor:
        return cls(user.name, user.role, user.jurisdiction, user.unit, os_user)

    def audit_detail(self) -> dict:
        return {"os_user": self.os_user} if self.os_user else {}


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def local_cli() -> Actor:
    """The CLI without --as: a local statistician of every jurisdiction, recorded as the OS
    user (whoever can run it can read the store's files anyway)."""
    user = os_user()
    return Actor(f"cli:{user}", "statistician", "", "", user)


def as_user(name: str) -> Actor:
    """--as NAME: that user's rights, recorded as that user (and the OS user behind it)."""
    from weibao import users

    user = users.get(name)
    if user.disabled:
        raise WeibaoError(f"账号 {name} 已停用", f"account {name} is disabled", "请联系统计员")
    return Actor.of(user, os_user())


def covers(jurisdiction: str, code: str) -> bool:
    """Whether `code` is the jurisdiction or below it ("" covers everything)."""
    return not jurisdiction or str(code).startswith(str(jurisdiction))


def role_zh(role: str) -> str:
    from weibao.i18n import word

    return word("roles", role) or role


def _refused(actor: Actor, zh: str, en: str, hint: str) -> WeibaoError:
    who = f"{actor.name}({role_zh(actor.role)})"
    return WeibaoError(f"{who} 无权{zh}", f"{actor.name} ({actor.role}) may not {en}", hint)


def require_submit(actor: Actor, agency_code: str, jurisdiction_code: str) -> None:
    """An agency submits for its own unit and jurisdiction only; a statistician for any unit
    of its jurisdiction or below; leaders and inspectors do not submit."""
    if actor.role == "agency":
        if agency_code != actor.unit or str(jurisdiction_code) != actor.jurisdiction:
            raise _refused(
                actor,
                f"为 {jurisdiction_code} 的 {agency_code} 报送(只能为本单位 {actor.jurisdiction} "
                f"{actor.unit} 报送)",
                f"submit for {agency_code} of {jurisdiction_code} (only for its own unit "
                f"{actor.unit} of {actor.jurisdiction})",
                "用本单位的账号报送,或请未保办统计员代为报送",
            )
        return
    if actor.role == "statistician":
        if not covers(actor.jurisdiction, jurisdiction_code):
            raise _refused(
                actor,
                f"为辖区 {jurisdiction_code} 报送(本账号辖区为 {actor.jurisdiction})",
                f"submit for {jurisdiction_code} (its jurisdiction is {actor.jurisdiction})",
                "由该辖区的统计员报送",
            )
        return
    raise _refused(actor, "报送数据", "submit data", "报送由成员单位填报员或统计员进行")


def require_withdraw(actor: Actor, agency_code: str, jurisdiction_code: str) -> None:
    """Withdrawing a submission takes the same right as submitting it."""
    try:
        require_submit(actor, agency_code, jurisdiction_code)
    except WeibaoError:
        raise _refused(
            actor,
            f"撤回 {jurisdiction_code} {agency_code} 的报送(只能撤回本单位的报送)",
            f"withdraw a submission of {agency_code} of {jurisdiction_code} (only its own unit's)",
            "由报送单位本身或未保办统计员撤回",
        ) from None


def require_read(actor: Actor, code: str) -> None:
    """Reading a jurisdiction's figures: its own and below. Agencies read their own
    jurisdiction (their record and indicators) only."""
    if actor.role == "agency":
        ok = str(code) == actor.jurisdiction
    else:
        ok = actor.role in READERS and covers(actor.jurisdiction, code)
    if not ok:
        raise _refused(
            actor,
            f"查看 {code} 的数据(本账号辖区为 {actor.jurisdiction or '全部'})",
            f"read {code} (its jurisdiction is {actor.jurisdiction or 'all'})",
            "选择本辖区或下级地区",
        )


def readable(actor: Actor, codes) -> list[str]:
    """The codes of a list that the actor may read, in order."""
    out = []
    for code in codes:
        try:
            require_read(actor, code)
        except WeibaoError:
            continue
        out.append(str(code))
    return out


def sees_small_counts(actor: Actor) -> bool:
    """Only statisticians see counts of children below 5 unsuppressed (DESIGN.md privacy)."""
    return actor.role == "statistician"


def require_role(actor: Actor, *roles: str, what_zh: str, what_en: str) -> None:
    if actor.role not in roles:
        raise _refused(actor, what_zh, what_en, "由" + "或".join(map(role_zh, roles)) + "办理")


def require_jurisdiction(actor: Actor, code: str, what_zh: str, what_en: str) -> None:
    if not covers(actor.jurisdiction, code):
        raise _refused(
            actor,
            f"{what_zh}(辖区 {code} 不在本账号辖区 {actor.jurisdiction} 内)",
            f"{what_en} ({code} is outside its jurisdiction {actor.jurisdiction})",
            "由该辖区或上级的统计员办理",
        )
