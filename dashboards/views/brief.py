"""会议简报 Brief: the plenary-meeting brief of the chosen jurisdiction and year, as xlsx or PDF.
It is what a leader sees; a signed-in statistician may tick 内部版 for the internal version
(every figure, small counts shown, 内部 on every page and in the file name).

The bytes are made when a button is clicked (st.download_button with a callable) by cached
functions keyed on the engine's publication id, so each brief is built once per
jurisdiction, year, language and publication.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import data
import streamlit as st
import ui

from weibao import audit
from weibao.brief import brief_pdf, brief_xlsx, check
from weibao.errors import WeibaoError
from weibao.i18n import t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# warehouse, publication id, jurisdiction, year, language, internal
Key = tuple[str, str, str, int, str, bool]


@st.cache_data(show_spinner=False, max_entries=32)
def problem(path: str, publication: str, code: str, year: int, lang: str) -> str | None:
    """Why no brief can be made here (unknown unit, year without data), in words; else None."""
    try:
        check(Path(path), code, year)
    except WeibaoError as exc:
        return exc.message_zh if lang == "zh" else exc.message_en
    return None


@st.cache_data(show_spinner=False, max_entries=32)
def xlsx_bytes(
    path: str, publication: str, code: str, year: int, lang: str, internal: bool
) -> bytes:
    return brief_xlsx(Path(path), code, year, lang, internal)


@st.cache_data(show_spinner=False, max_entries=32)
def pdf_bytes(
    path: str, publication: str, code: str, year: int, lang: str, internal: bool
) -> bytes:
    return brief_pdf(Path(path), code, year, lang, internal)


def exported(kind: str, actor, key: Key) -> bytes:
    """The brief's bytes for a download, with the export in the audit log (the callable runs
    when the button is clicked)."""
    make = xlsx_bytes if kind == "xlsx" else pdf_bytes
    data = make(*key)
    if actor is not None:
        audit.record(
            "brief_export",
            who=actor.name,
            role=actor.role,
            object=f"{key[2]}/{key[3]}",
            detail={
                **actor.audit_detail(),
                "format": kind,
                "lang": key[4],
                "from": "dashboard",
                "internal": key[5],
            },
        )
    return data


def file_name(code: str, year: int, kind: str, demo: bool, internal: bool = False) -> str:
    return f"brief_{code}_{year}{'_示例数据' if demo else ''}{'_内部' if internal else ''}.{kind}"


def buttons(key: Key, demo: bool, lang: str) -> None:
    code, year, internal = key[2], key[3], key[5]
    has_chromium = shutil.which("chromium") is not None
    left, right = st.columns(2)
    left.download_button(
        t("brief_download_xlsx", lang),
        data=functools.partial(exported, "xlsx", st.session_state.get("actor"), key),
        file_name=file_name(code, year, "xlsx", demo, internal),
        mime=XLSX,
        icon=":material/table_view:",
        key="brief_xlsx",
    )
    right.download_button(
        t("brief_download_pdf", lang),
        data=functools.partial(exported, "pdf", st.session_state.get("actor"), key),
        file_name=file_name(code, year, "pdf", demo, internal),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="brief_pdf",
        disabled=not has_chromium,
    )
    if not has_chromium:
        st.info(t("brief_no_chromium", lang), icon=":material/info:")


lang = ui.lang()
ui.header("brief")
st.markdown(t("brief_page_intro", lang))
path = data.warehouse_file()
# the internal version is offered to a signed-in statistician only (data.sees_small_counts)
internal = data.sees_small_counts() and st.toggle(
    t("brief_internal_toggle", lang), key="brief_internal", help=t("brief_internal_banner", lang)
)
key: Key = (str(path), data.publication(), ui.org(), ui.year(), lang, bool(internal))
reason = problem(*key[:5])
if reason:
    st.warning(reason, icon=":material/warning:")
else:
    buttons(key, data.is_demo(ui.org(), ui.year()), lang)
