"""待办 To do: what is the signed-in user's to do, shown first after sign-in.

Agencies: their deadlines coming up (weibao.todo, from the submission types), their missing
submissions and the 督办单 waiting for their reply. Statisticians and inspectors: 督办单 replied
and waiting for verification, and overdue ones; statisticians also the deadlines coming up and
the jurisdiction's missing submissions. Leaders: the overdue 督办单 of their jurisdiction.
"""

from __future__ import annotations

import data
import pandas as pd
import streamlit as st
import ui

from weibao import cases, todo
from weibao.i18n import agency_name, fmt_date, t, word
from weibao.settings import settings
from weibao.submission_types import SUBMISSION_TYPES

lang = ui.lang()
actor = st.session_state["actor"]
st.title(t("todo", lang))
role = word("roles", actor.role, lang)
st.caption(
    f"{actor.name} · {role} · {ui.unit_name(actor.jurisdiction) if actor.jurisdiction else ''}"
)

mine = cases.frame(actor)
shown = 0
if actor.role == "agency":
    waiting = mine[mine["status"].isin(["open", "returned", "overdue"])]
else:
    waiting = mine[
        mine["status"].isin(["replied", "overdue"] if actor.role != "leader" else ["overdue"])
    ]
if not waiting.empty:
    shown += 1
    st.subheader(t("todo_cases", lang))
    for _, r in waiting.iterrows():
        state = word("case_statuses", r["status"], lang)
        st.markdown(
            f"- **{r['case_id']}** · {state} · {t('case_due', lang)} {r['due']} · "
            f"{r['responsible_units_zh'] or ''} · {r['instruction']}"
        )
    st.page_link("views/cases.py", label=t("cases", lang), icon=":material/flag:")

if actor.role in ("agency", "statistician"):
    soon = todo.upcoming(actor)
    if not soon.empty:
        shown += 1
        st.subheader(t("todo_deadlines", lang))
        st.caption(t("todo_deadlines_note", lang, days=settings().todo_horizon_days))
        names = {c: s.name_zh if lang == "zh" else s.name_en for c, s in SUBMISSION_TYPES.items()}
        table = {
            t("submission_type", lang): [names[c] for c in soon["submission_type"]],
            t("submit_agency", lang): [agency_name(a, lang) for a in soon["agency_code"]],
            t("submit_period", lang): soon["period"],
            t("deadline", lang): [fmt_date(d, lang) for d in soon["deadline"]],
        }
        if actor.role != "agency":
            table[t("todo_received", lang)] = soon["received"]
        st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
        st.page_link("views/submit.py", label=t("submit", lang), icon=":material/upload_file:")
    late = data.overdue(actor.jurisdiction or ui.org(), ui.year())
    if actor.role == "agency":
        late = late[
            (late["agency_code"] == actor.unit) & (late["jurisdiction_code"] == actor.jurisdiction)
        ]
    missing = late[late["status"] == "missing"]
    if not missing.empty:
        shown += 1
        st.subheader(t("todo_missing", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("submission_type", lang): missing["submission_type"],
                    t("submit_agency", lang): [
                        agency_name(a, lang) for a in missing["agency_code"]
                    ],
                    t("submit_period", lang): missing["period"],
                    t("deadline", lang): missing["deadline"].astype(str),
                }
            ),
            hide_index=True,
            width="stretch",
        )
if not shown:
    st.success(t("todo_nothing", lang), icon=":material/done_all:")
