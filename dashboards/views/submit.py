"""数据上报 Submit: choose what you hand in, download the template, upload, read the receipt.

The upload goes through weibao.intake.submit, the same code path as `weibao submit`. It is
imported inside the functions that use it, so validation code stays off other pages' imports.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import data
import pandas as pd
import streamlit as st
import ui

from weibao.errors import WeibaoError
from weibao.i18n import agency_name, fmt_date, submission_badge, submission_status, t
from weibao.submission_types import SUBMISSION_TYPES

RESULT = "submit_result"  # session key: the last receipt with the bytes it was made from
BEIJING = dt.timedelta(hours=8)


@st.cache_data(show_spinner=False)
def template(code: str, kind: str) -> bytes:
    from weibao.intake.templates import template_csv, template_xlsx

    return template_csv(code) if kind == "csv" else template_xlsx(code)


def jurisdictions(code: str) -> dict[str, str]:
    """Counties under the chosen jurisdiction; for a type also reported for a jurisdiction
    itself (a provincial office's meetings, a city's work-plan tasks), that one first."""
    stype = SUBMISSION_TYPES[code]
    found = data.reporting_area(ui.org()).iloc[0]
    counties = data.counties_under(str(found["org_unit_code"]))
    names = dict(zip(counties["org_unit_code"], counties["org_unit_name"], strict=True))
    own = stype.jurisdiction_rows or "org_unit_code" not in [c.name for c in stype.columns]
    if own and found["level"] != "county":
        names = {str(found["org_unit_code"]): str(found["org_unit_name"]), **names}
    actor = st.session_state.get("actor")
    if actor is not None and actor.role == "agency":  # its own jurisdiction only
        names = {actor.jurisdiction: ui.unit_name(actor.jurisdiction)}
    return names


def allowed_types(actor: Any) -> list[str]:
    """The types the user may hand in: an agency those its unit submits; the others all."""
    if actor is not None and actor.role == "agency":
        return [c for c, s in SUBMISSION_TYPES.items() if actor.unit in s.submitters]
    return list(SUBMISSION_TYPES)


def periods(code: str, today: dt.date) -> tuple[list[str], int]:
    """Periods that have started, newest first, and the index of the latest one that ended."""
    stype = SUBMISSION_TYPES[code]
    years = data.years()
    first = int(years["year"].min()) if not years.empty else today.year - 1
    suffixes = ["Q4", "Q3", "Q2", "Q1"] if stype.period == "quarter" else [""]
    out = [
        f"{y}{q}"
        for y in range(today.year, first - 1, -1)
        for q in suffixes
        if stype.period_bounds(f"{y}{q}")[0] <= today
    ]
    ended = [i for i, p in enumerate(out) if stype.period_bounds(p)[1] < today]
    return out, (ended[0] if ended else 0)


def choices(lang: str) -> dict[str, str]:
    """Submission type, agency, jurisdiction and period: the parameters of intake.submit."""
    types = SUBMISSION_TYPES
    actor = st.session_state.get("actor")
    left, mid = st.columns(2)
    code = left.selectbox(
        t("submission_type", lang),
        allowed_types(actor),
        key="submit_type",
        format_func=lambda c: types[c].name_zh if lang == "zh" else types[c].name_en,
    )
    units = list(types[code].submitters)
    if actor is not None and actor.role == "agency":  # the page offers only its own unit;
        units = [actor.unit]  # weibao.intake refuses any other, whatever the page sends
    agency = mid.selectbox(
        t("submit_agency", lang),
        units,
        key="submit_agency",
        format_func=lambda a: agency_name(a, lang),
    )
    names = jurisdictions(code)
    county = left.selectbox(
        t("submit_jurisdiction", lang),
        list(names),
        key="submit_county",
        format_func=lambda c: f"{names[c]} ({c})",
    )
    options, default = periods(code, dt.date.today())
    period = mid.selectbox(t("submit_period", lang), options, index=default, key="submit_period")
    st.caption(t("submit_deadline", lang, date=fmt_date(types[code].deadline(period), lang)))
    return {
        "submission_type": code,
        "agency_code": agency,
        "jurisdiction_code": county,
        "period": period,
    }


def templates(code: str, lang: str) -> None:
    st.markdown(f"**{t('template_heading', lang)}**")
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        t("template_csv", lang),
        template(code, "csv"),
        file_name=f"{code}_模板.csv",
        mime="text/csv",
        icon=":material/download:",
        key="template_csv",
    )
    right.download_button(
        t("template_xlsx", lang),
        template(code, "xlsx"),
        file_name=f"{code}_模板.xlsx",
        icon=":material/download:",
        key="template_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def send(content: bytes, filename: str, params: dict[str, str], token: Any, lang: str) -> None:
    """Validate and store the file; keep the receipt for this and later reruns."""
    try:
        from weibao.intake import submit

        receipt = submit(content, filename, **params, actor=st.session_state.get("actor"))
    except WeibaoError as exc:  # not this user's unit or jurisdiction
        st.session_state.pop(RESULT, None)
        st.error(exc.message_zh if lang == "zh" else exc.message_en, icon=":material/block:")
        return
    except Exception as exc:  # noqa: BLE001 - the clerk gets words, never a traceback
        st.session_state.pop(RESULT, None)
        st.error(
            t("submit_error", lang, detail=f"{type(exc).__name__}: {exc}"), icon=":material/error:"
        )
        return
    st.session_state[RESULT] = {
        "receipt": receipt,
        "content": content,
        "filename": filename,
        "token": token,
    }
    st.rerun()  # redraw with the receipt and the button disabled for this file


def issues_table(receipt: Any, lang: str) -> pd.DataFrame:
    zh = lang == "zh"
    return pd.DataFrame(
        {
            t("issue_severity", lang): [t(f"severity_{i.severity}", lang) for i in receipt.issues],
            t("issue_row", lang): pd.array([i.row for i in receipt.issues], dtype="Int64"),
            t("issue_column", lang): [i.column or "" for i in receipt.issues],
            t("issue_message", lang): [
                i.message_zh if zh else i.message_en for i in receipt.issues
            ],
            t("issue_hint", lang): [
                i.hint_zh if lang == "zh" else (i.hint_en or i.hint_zh) for i in receipt.issues
            ],
            t("issue_code", lang): [i.code for i in receipt.issues],
        }
    )


def annotated(content: bytes, filename: str, receipt: Any) -> bytes | None:
    if any(i.code == "E_PERSONAL_DATA" for i in receipt.issues):
        return None  # do not echo personal data back
    try:
        from weibao.intake import annotated_rows

        return annotated_rows(content, filename, receipt)
    except Exception:  # noqa: BLE001 - an unreadable file has no rows to annotate
        return None


def show_receipt(receipt: Any, content: bytes, filename: str, lang: str) -> None:
    st.subheader(t("receipt_heading", lang))
    st.markdown(f"{submission_badge(receipt.status, lang)} **{filename}**")
    st.markdown(
        f"{t('submission_id', lang)}: `{receipt.submission_id}`  \n"
        f"{t('detected_encoding', lang)}: {receipt.detected_encoding or '—'}  \n"
        f"{t('rows_read', lang)}: {receipt.rows_read:,} · "
        f"{t('rows_accepted', lang)}: {receipt.rows_accepted:,}"
    )
    if receipt.status == "rejected":
        st.error(t("rejected_note", lang), icon=submission_status("rejected").icon)
    else:
        st.success(t("after_build", lang), icon=submission_status(receipt.status).icon)
        if receipt.supersedes:
            st.caption(t("supersedes", lang, id=receipt.supersedes))
    if receipt.issues:
        st.dataframe(issues_table(receipt, lang), hide_index=True, width="stretch")
    else:
        st.caption(t("issues_none", lang))
    rows = annotated(content, filename, receipt) if receipt.issues else None
    if rows:
        stem = filename.rsplit(".", 1)[0]
        st.download_button(
            t("download_annotated", lang),
            rows,
            file_name=f"{stem}_问题.csv",
            mime="text/csv",
            icon=":material/download:",
            key="annotated",
        )


def withdraw_form(recent: pd.DataFrame, lang: str) -> None:
    """Withdraw one of these accepted submissions (weibao.intake.withdraw checks the unit and
    the period lock, and audits)."""
    live = recent[(recent["status"] == "accepted") & ~recent["withdrawn"]]
    if live.empty:
        return
    st.markdown(f"**{t('withdraw_heading', lang)}**")
    st.caption(t("withdraw_note", lang))
    left, right = st.columns([3, 1])
    pick = left.selectbox(
        t("withdraw_pick", lang),
        list(live["submission_id"]),
        key="withdraw_pick",
        format_func=lambda sid: f"{sid} · {live.set_index('submission_id').loc[sid, 'period']}",
    )
    if right.button(t("withdraw_button", lang), icon=":material/undo:", key="withdraw_go"):
        from weibao.intake import withdraw

        try:
            withdraw(pick, actor=st.session_state.get("actor"))
        except WeibaoError as exc:
            st.error(exc.message_zh if lang == "zh" else exc.message_en, icon=":material/block:")
        else:
            st.success(t("withdrawn_msg", lang, id=pick), icon=":material/undo:")


def recent(params: dict[str, str]) -> pd.DataFrame:
    """The unit's recent files of this type (withdrawal lines folded into `withdrawn`)."""
    lines = data.recent_submissions(
        params["submission_type"], params["agency_code"], params["jurisdiction_code"], n=10
    )
    taken_back = set(lines.loc[lines["status"] == "withdrawn", "withdraws"])
    files = lines[lines["status"] != "withdrawn"]
    return files.assign(withdrawn=files["submission_id"].isin(taken_back)).head(5)


def history(params: dict[str, str], lang: str) -> None:
    st.subheader(t("history_heading", lang))
    withdraw_form(recent(params), lang)
    files = recent(params)  # read again: a withdrawal just made shows at once
    if files.empty:
        st.caption(t("history_none", lang))
        return
    shown = files["status"].where(~files["withdrawn"], "withdrawn")
    received = pd.to_datetime(files["received_at"], utc=True).dt.tz_localize(None) + BEIJING
    st.dataframe(
        pd.DataFrame(
            {
                t("received_at", lang): received.dt.strftime("%Y-%m-%d %H:%M"),
                t("submit_period", lang): files["period"],
                t("status", lang): [submission_status(s).label(lang) for s in shown],
                t("file_name", lang): files["original_filename"],
                t("rows", lang): files["rows"],
                t("submission_id", lang): files["submission_id"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


lang = ui.lang()
ui.header("submit")
params = choices(lang)
templates(params["submission_type"], lang)
uploaded = st.file_uploader(t("upload_label", lang), type=["csv", "xlsx"], key="submit_file")
token = None if uploaded is None else (uploaded.file_id, tuple(params.items()))
done = token is not None and st.session_state.get(RESULT, {}).get("token") == token
if done:
    st.caption(t("submit_again", lang))
if (
    st.button(
        t("submit_button", lang),
        type="primary",
        icon=":material/upload:",
        key="submit_go",
        disabled=uploaded is None or done,
    )
    and uploaded is not None
):
    send(uploaded.getvalue(), uploaded.name, params, token, lang)
result = st.session_state.get(RESULT)
if result:
    show_receipt(result["receipt"], result["content"], result["filename"], lang)
history(params, lang)
