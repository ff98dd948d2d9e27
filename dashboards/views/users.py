"""用户 Users: a statistician's users (its jurisdiction and below): add one with a password
generated and shown once, disable or enable, reset a password. The rules are in weibao.users."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import ui

from weibao import users
from weibao.access import covers
from weibao.errors import WeibaoError
from weibao.i18n import t, word

lang = ui.lang()
actor = st.session_state["actor"]
st.title(t("users", lang))
mine = [u for u in users.list_users() if covers(actor.jurisdiction, u.jurisdiction)]


def done(message: str, password: str | None = None) -> None:
    st.success(message)
    if password:
        st.code(password, language=None)
        st.caption(t("user_password_once", lang))


if mine:
    st.dataframe(
        pd.DataFrame(
            {
                t("user_name", lang): [u.name for u in mine],
                t("role", lang): [word("roles", u.role, lang) for u in mine],
                t("jurisdiction", lang): [u.jurisdiction for u in mine],
                t("user_unit", lang): [u.unit for u in mine],
                t("user_state", lang): [
                    t("user_disabled", lang)
                    if u.disabled
                    else t("user_locked", lang)
                    if u.locked()
                    else ""
                    for u in mine
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
with st.form("user_add"):
    a, b, c, d = st.columns(4)
    name = a.text_input(t("user_name", lang))
    role = b.selectbox(t("role", lang), users.ROLES, format_func=lambda r: word("roles", r, lang))
    juris = c.text_input(t("jurisdiction", lang), value=actor.jurisdiction)
    unit = d.text_input(t("user_unit", lang))
    add = st.form_submit_button(t("user_add", lang), icon=":material/person_add:")
if add:
    password = users.random_password()
    try:
        if not covers(actor.jurisdiction, juris.strip()):
            raise WeibaoError("只能为本辖区新增用户", "only users of its own jurisdiction", "")
        users.add(
            name.strip(),
            password,
            role=role,
            jurisdiction=juris.strip(),
            unit=unit.strip(),
            by=actor.name,
            by_role=actor.role,
        )
    except WeibaoError as exc:
        st.error(exc.message_zh if lang == "zh" else exc.message_en)
    else:
        done(t("user_added", lang, name=name.strip()), password)
if mine:
    with st.form("user_change"):
        who = st.selectbox(t("user_name", lang), [u.name for u in mine])
        x, y, z = st.columns(3)
        disable = x.form_submit_button(t("user_disable", lang), icon=":material/block:")
        enable = y.form_submit_button(t("user_enable", lang), icon=":material/check_circle:")
        reset = z.form_submit_button(t("user_reset", lang), icon=":material/key:")
    if disable or enable:
        users.set_disabled(who, bool(disable), by=actor.name, by_role=actor.role)
        st.rerun()
    if reset:
        password = users.random_password()
        users.reset(who, password, by=actor.name, by_role=actor.role)
        done(t("user_was_reset", lang, name=who), password)
