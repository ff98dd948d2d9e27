"""Roles from a government identity provider (OIDC), for `st.login`.

When a provider is configured in `.streamlit/secrets.toml` (Streamlit's `[auth]` section:
redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url), Streamlit's
`st.login()` signs the user in and `st.user` holds the ID token's claims. weibao maps those
claims to a role, a jurisdiction and (for agencies) a unit with `actor_from_claims`, and then
applies the same server-side checks as for its own users. Two shapes are read:

    {"preferred_username": "zhang", "weibao_role": "leader", "weibao_jurisdiction": "330483"}
    {"preferred_username": "li", "groups": ["staff", "weibao:agency:330483:civil_affairs"]}

Dedicated claims win over a group. A claim set that names no valid role, or a jurisdiction
that is not a division code, gives no access (WeibaoError), never a default role.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weibao.access import Actor
from weibao.errors import WeibaoError

ROLES = ("leader", "statistician", "agency", "inspector")
GROUP_PREFIX = "weibao:"


def _from_groups(groups: Any) -> tuple[str, str, str] | None:
    if isinstance(groups, str):
        groups = [groups]
    for group in groups or []:
        if isinstance(group, str) and group.startswith(GROUP_PREFIX):
            parts = group[len(GROUP_PREFIX) :].split(":")
            if len(parts) in (2, 3):
                role, jurisdiction, unit = (*parts, "")[:3]
                return role, jurisdiction, unit
    return None


def actor_from_claims(
    claims: Mapping[str, Any],
    *,
    name_claim: str = "preferred_username",
    role_claim: str = "weibao_role",
    jurisdiction_claim: str = "weibao_jurisdiction",
    unit_claim: str = "weibao_unit",
    groups_claim: str = "groups",
) -> Actor:
    """The Actor an identity provider's claims stand for; WeibaoError when they give none."""
    name = str(claims.get(name_claim) or claims.get("email") or claims.get("sub") or "").strip()
    if claims.get(role_claim):
        role = str(claims[role_claim]).strip()
        jurisdiction = str(claims.get(jurisdiction_claim) or "").strip()
        unit = str(claims.get(unit_claim) or "").strip()
    else:
        found = _from_groups(claims.get(groups_claim))
        if found is None:
            raise WeibaoError(
                f"身份认证信息中没有未保角色({role_claim} 或 {groups_claim} 中的 weibao:角色:辖区)",
                f"the identity claims carry no weibao role ({role_claim}, or weibao:role:code "
                f"in {groups_claim})",
                "请身份认证平台管理员为该账号配置角色",
            )
        role, jurisdiction, unit = found
    if not name:
        raise WeibaoError("身份认证信息中没有用户名", "the identity claims carry no user name")
    if role not in ROLES:
        raise WeibaoError(
            f"未知的角色 {role}", f"unknown role {role}", "可选 / one of: " + ", ".join(ROLES)
        )
    from weibao.divisions import lookup

    if not jurisdiction or lookup(jurisdiction) is None:
        raise WeibaoError(
            f"辖区代码 {jurisdiction or '(空)'} 不在2023年统计用区划代码中",
            f"jurisdiction {jurisdiction or '(empty)'} is not a 2023 division code",
            "请身份认证平台管理员改正该账号的辖区",
        )
    if role == "agency" and not unit:
        raise WeibaoError("成员单位账号缺少所属单位", "an agency account needs its unit", "")
    return Actor(f"oidc:{name}", role, jurisdiction, unit if role == "agency" else "")
