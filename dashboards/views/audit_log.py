"""审计日志 Audit log: who did what and when, newest first, with the hash chain verified."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st
import ui

from weibao import audit
from weibao.i18n import t, word

lang = ui.lang()
st.title(t("audit_log", lang))
check = audit.verify()
if check.ok:
    st.success(t("audit_ok", lang, n=check.entries), icon=":material/verified:")
else:
    st.error(check.text(), icon=":material/gpp_bad:")
entries = audit.read()
if entries:
    frame = pd.DataFrame(entries[::-1])
    st.dataframe(
        pd.DataFrame(
            {
                "#": frame["seq"],
                t("audit_at", lang): frame["at"],
                t("user_name", lang): frame["who"],
                t("role", lang): [word("roles", r, lang) if r else "" for r in frame["role"]],
                t("audit_action", lang): [word("audit_actions", a, lang) for a in frame["action"]],
                t("audit_object", lang): frame["object"],
                t("audit_detail", lang): [
                    json.dumps(d, ensure_ascii=False) if isinstance(d, dict) else str(d or "")
                    for d in frame["detail"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
