"""审核 Approval: a statistician approves and locks a period by jurisdiction and type, accepts
what a jurisdiction below approved (as in DHIS2), or unlocks it with a reason. The rules (who, where, what a lock covers) are in weibao.approval."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
import ui

from weibao import approval
from weibao.errors import WeibaoError
from weibao.i18n import t
from weibao.submission_types import SUBMISSION_TYPES

lang = ui.lang()
actor = st.session_state["actor"]
st.title(t("approval", lang))
st.caption(t("approval_caption", lang))
ALL = ""
types = {ALL: t("approval_all_types", lang)} | {
    c: (s.name_zh if lang == "zh" else s.name_en) for c, s in SUBMISSION_TYPES.items()
}
with st.form("approval"):
    left, mid, right = st.columns(3)
    jurisdiction = left.text_input(t("jurisdiction", lang), value=ui.org(), key="ap_juris")
    period = mid.text_input(
        t("submit_period", lang), value=str(dt.date.today().year - 1), key="ap_period"
    )
    kind = right.selectbox(
        t("submission_type", lang), list(types), format_func=types.get, key="ap_type"
    )
    reason = st.text_input(t("unlock_reason", lang), key="ap_reason")
    a, c, b = st.columns(3)
    do_approve = a.form_submit_button(t("approve", lang), icon=":material/lock:", key="ap_go")
    do_accept = c.form_submit_button(t("accept", lang), icon=":material/verified:", key="ap_accept")
    do_unlock = b.form_submit_button(
        t("unlock", lang), icon=":material/lock_open:", key="ap_unlock"
    )
if do_approve or do_accept or do_unlock:
    key = (jurisdiction.strip(), period.strip())
    try:
        if do_approve:
            event = approval.approve(actor, *key, kind)
        elif do_accept:
            event = approval.accept(actor, *key, kind)
        else:
            event = approval.unlock(actor, *key, reason, kind)
    except WeibaoError as exc:
        st.error(exc.message_zh if lang == "zh" else exc.message_en, icon=":material/block:")
    else:
        done = "approve" if do_approve else "accept" if do_accept else "unlock"
        st.success(f"{t(done, lang)}: {approval.key_text(event)}")
events = approval.read()
if events:
    st.dataframe(
        pd.DataFrame([e.__dict__ for e in reversed(events)]), hide_index=True, width="stretch"
    )
