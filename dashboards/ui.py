"""Shared page state (language, jurisdiction, year, indicator) and small display helpers.

The canonical values live in plain session-state keys; each widget gets its own key, seeded
from the canonical value on every run and copied back in on_change. That keeps the choice
when pages switch and lets the Regions page drill down by setting the canonical key.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import data
import duckdb
import pandas as pd
import streamlit as st

from weibao.i18n import (
    STATUSES,
    TASK_STATUSES,
    basis_mark,
    fmt_target,
    status_badge,
    t,
    target_basis,
)
from weibao.paths import ROOT

# The default jurisdiction is data: the first committee of committees.csv (data.default_org()).
DEFAULTS: dict[str, Any] = {"lang": "zh", "year": 2022}
LANG_NAMES = {"zh": "中文", "en": "English"}
DEMO_ICON = ":material/science:"


# The view lives in the URL: state key → query parameter. A deep link or a refresh (a new
# session) starts from the URL; every run writes the state back, since Streamlit clears the
# query on a page switch.
URL_PARAMS = {"lang": "lang", "org_unit_code": "org", "year": "year", "indicator_code": "indicator"}
SEARCH_LIMIT = 30  # matches listed by the jurisdiction search


def _from_url(key: str, raw: str) -> Any:
    if key == "lang":
        return raw if raw in LANG_NAMES else None
    if key == "year":
        return int(raw) if raw.isdigit() else None
    return raw.strip() or None


LOG = logging.getLogger("weibao.dashboard")
ERROR_LOG = ROOT / "target" / "logs" / "dashboard-error.log"


@contextmanager
def error_boundary(page: str) -> Iterator[None]:
    """Around one page run: a failure shows a short Chinese message with a reference and
    writes the traceback to the server log (and target/logs/dashboard-error.log), never to
    the browser. Streamlit's own stop/rerun signals are BaseExceptions and pass through."""
    try:
        yield
    except (duckdb.Error, data.WarehouseMissing):
        _log(page)
        st.error(
            t("warehouse_error", lang(), path=data.warehouse_file()), icon=":material/database:"
        )
    except Exception:  # noqa: BLE001 - the page's one boundary
        ref = _log(page)
        st.error(t("page_error", lang(), ref=ref), icon=":material/error:")


def _log(page: str) -> str:
    ref = secrets.token_hex(4)
    LOG.exception("page %s failed (ref %s)", page, ref)
    try:
        import traceback

        ERROR_LOG.parent.mkdir(parents=True, exist_ok=True)
        with open(ERROR_LOG, "a", encoding="utf-8") as fh:
            stamp = datetime.now().isoformat(timespec="seconds")
            fh.write(f"--- {stamp} page={page} ref={ref}\n{traceback.format_exc()}\n")
    except OSError:
        pass  # the server log above has it
    return ref


def init_state() -> None:
    if not st.session_state.get("_url_read"):
        st.session_state["_url_read"] = True
        for key, param in URL_PARAMS.items():
            value = _from_url(key, st.query_params.get(param, ""))
            if value is not None:
                st.session_state[key] = value
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def write_url() -> None:
    """Mirror the view (jurisdiction, year, indicator, language) into st.query_params."""
    for key, param in URL_PARAMS.items():
        value = st.session_state.get(key)
        if value is not None and st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)


def lang() -> str:
    return st.session_state.get("lang", "zh")


def org() -> str:
    return st.session_state.get("org_unit_code") or data.default_org()


def year() -> int:
    return int(st.session_state.get("year", DEFAULTS["year"]))


def set_state(key: str, value: Any) -> None:
    """For on_click/on_change callbacks: they run before the next script run."""
    st.session_state[key] = value


def _sync(key: str) -> None:
    value = st.session_state.get(f"_w_{key}")
    if value is not None:
        st.session_state[key] = value


def bound(widget: Callable[..., Any], key: str, label: str, options: list[Any], **kw: Any) -> Any:
    """Render a choice widget bound to the canonical session-state key."""
    if st.session_state.get(key) not in options and options:
        st.session_state[key] = options[0]
    st.session_state[f"_w_{key}"] = st.session_state[key]
    return widget(label, options, key=f"_w_{key}", on_change=_sync, args=(key,), **kw)


def language_toggle() -> None:
    names = LANG_NAMES
    bound(st.radio, "lang", "语言 · Language", list(names), format_func=names.get, horizontal=True)


def context_selectors() -> None:
    """Jurisdiction (its path, a search by name or code, the units below) and year."""
    lg = lang()
    # Read here, inside the page's error boundary (app.py), not in init_state: a damaged
    # warehouse must give the boundary's message, not a traceback before it.
    if "org_unit_code" not in st.session_state:
        st.session_state["org_unit_code"] = data.default_org()
    if data.ancestors(org()).empty:  # an unknown code in a link: back to the default
        st.session_state["org_unit_code"] = data.default_org()
    jurisdiction_picker(lg)
    years = [int(y) for y in data.years()["year"]]
    if year() not in years and years:
        st.session_state["year"] = DEFAULTS["year"] if DEFAULTS["year"] in years else years[-1]
    bound(st.selectbox, "year", t("year", lg), years)


def _pick(widget_key: str) -> None:
    """on_change of the search results and the units below: go there, clear the search."""
    code = st.session_state.get(widget_key)
    if code:
        st.session_state["org_unit_code"] = code
        st.session_state["_w_unit_search"] = ""
        st.session_state[widget_key] = None


def allowed(code: str) -> bool:
    """Whether the signed-in user may read this unit (its jurisdiction and below)."""
    actor = st.session_state.get("actor")
    return actor is None or not actor.jurisdiction or str(code).startswith(actor.jurisdiction)


def jurisdiction_picker(lg: str) -> None:
    """Never one list of every unit: the path up (buttons), a search by name or code (at most
    SEARCH_LIMIT matches, each with its path) and the units one level below."""
    chain = data.ancestors(org())
    st.markdown(f"**{t('jurisdiction', lg)}**")
    with st.container(horizontal=True, gap=None):
        for i, (code, name) in enumerate(
            zip(chain["org_unit_code"], chain["org_unit_name"], strict=True)
        ):
            last = i == len(chain) - 1
            st.button(
                name,
                key=f"path_{code}",
                type="secondary" if last else "tertiary",
                disabled=last or not allowed(code),
                icon=":material/chevron_right:" if i else ":material/location_on:",
                on_click=set_state,
                args=("org_unit_code", code),
            )
    text = st.text_input(
        t("unit_search", lg), key="_w_unit_search", placeholder=t("unit_search_hint", lg)
    ).strip()
    if text:
        actor = st.session_state.get("actor")
        within = (actor.jurisdiction or "") if actor is not None else ""
        hits = data.search_units(text, SEARCH_LIMIT + 1, within)
        hits = hits[[allowed(c) for c in hits["org_unit_code"]]]
        if hits.empty:
            st.caption(t("unit_search_none", lg, text=text))
            return
        labels = {
            r.org_unit_code: f"{r.org_unit_name}({r.org_unit_code})"
            + (f" · {r.path}" if r.path else "")
            for r in hits.head(SEARCH_LIMIT).itertuples()
        }
        st.selectbox(
            t("unit_search_results", lg, n=len(labels)),
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder=t("unit_search_choose", lg),
            key="_w_unit_hits",
            on_change=_pick,
            args=("_w_unit_hits",),
        )
        if len(hits) > SEARCH_LIMIT:
            st.caption(t("unit_search_more", lg, n=SEARCH_LIMIT))
        return
    below = data.children(org())
    if not below.empty:
        names = dict(zip(below["org_unit_code"], below["org_unit_name"], strict=True))
        st.selectbox(
            t("units_below", lg, n=len(names)),
            list(names),
            index=None,
            format_func=names.get,
            placeholder=t("drill_placeholder", lg),
            key="_w_units_below",
            on_change=_pick,
            args=("_w_units_below",),
        )


def unit_path(code: str) -> str:
    """省 › 市 › 县 › 乡 › 村 of a unit."""
    return " › ".join(data.ancestors(code)["org_unit_name"].tolist())


def unit_name(code: str) -> str:
    chain = data.ancestors(code)
    return code if chain.empty else str(chain["org_unit_name"].iloc[-1])


def header(title_key: str) -> None:
    lg = lang()
    st.title(t(title_key, lg))
    when = f"{year()}年" if lg == "zh" else str(year())
    st.caption(f"{unit_path(org())} · {when}")


def name_col(lg: str) -> str:
    return "name_zh" if lg == "zh" else "name_en"


def responsible(indicator: pd.Series, lg: str) -> str:
    """Responsible units: 民政局、妇联 in Chinese; the agency codes, readable, in English."""
    if lg == "zh":
        return str(indicator["responsible_units_zh"])
    return ", ".join(c.replace("_", " ") for c in str(indicator["responsible_units"]).split(";"))


DERIVED_ICON = ":material/rule:"


def basis_badge(row: pd.Series | dict[str, Any], lg: str) -> str:
    """A badge for a target that is not stated in its clause: 推定目标 or 示例目标; '' if stated."""
    basis = target_basis(row)
    if basis == "derived":
        return f":blue-badge[{DERIVED_ICON} {t('derived_target', lg)}]"
    if basis == "demo":
        return f":orange-badge[{DEMO_ICON} {t('demo_target', lg)}]"
    return ""


def derivation_help(row: pd.Series | dict[str, Any], lg: str) -> str | None:
    """The tooltip for a marked target: what was read (derived) or that it is made up (demo)."""
    basis = target_basis(row)
    if basis == "derived":
        note = row.get("derivation_note" if lg == "zh" else "derivation_note_en")
        return t("derived_help", lg, note=note if isinstance(note, str) else "")
    if basis == "demo":
        return t("demo_target_help", lg)
    return None


def derivation_text(row: pd.Series | dict[str, Any], lg: str) -> str:
    """The derivation note of a derived target, for a table column; '' otherwise."""
    if target_basis(row) != "derived":
        return ""
    note = row.get("derivation_note" if lg == "zh" else "derivation_note_en")
    return note if isinstance(note, str) else ""


def target_cell(
    row: pd.Series | dict[str, Any], indicator: pd.Series | dict[str, Any], lg: str
) -> str:
    """The target for a table cell, marked (推定目标 / 示例目标) when its clause does not state it."""
    text = fmt_target(row, indicator, lg)
    mark = basis_mark(row, lg)
    if not mark:
        return text
    return f"{text}({mark})" if lg == "zh" else f"{text} ({mark})"


def target_markdown(row: pd.Series, indicator: pd.Series, lg: str) -> str:
    text = f"{t('target', lg)} {fmt_target(row, indicator, lg)}"
    badge = basis_badge(row, lg)
    return f"{text} {badge}" if badge else text


def status_md(code: str | None, lg: str) -> str:
    return status_badge(code, lg)


def choose_indicator(lang: str) -> pd.Series:
    """The shared indicator choice of the Regions and Indicator pages; its catalog row."""
    catalog = data.indicators()
    names = dict(zip(catalog["indicator_code"], catalog[name_col(lang)], strict=True))
    bound(
        st.selectbox,
        "indicator_code",
        t("choose_indicator", lang),
        list(names),
        format_func=names.get,
    )
    write_url()  # the first visit settles on an indicator: put it in the URL now
    return catalog.set_index("indicator_code").loc[st.session_state["indicator_code"]]


def doc_jurisdiction(lang: str) -> tuple[str, str]:
    """The document jurisdiction whose member units and tasks apply to the chosen unit (the
    unit itself, or the nearest one above it), noted under the title when it differs."""
    found = data.document_jurisdiction(org())
    if found.empty:
        return org(), unit_name(org())
    code, name = str(found["org_unit_code"].iloc[0]), str(found["org_unit_name"].iloc[0])
    if code != org():
        st.caption(t("doc_jurisdiction_note", lang, name=name))
    return code, name


def member_unit_name(row: pd.Series | dict[str, Any], lang: str) -> str:
    """市民政局 in Chinese; the agency's English name, capitalised, in English."""
    if lang == "zh" or not row.get("agency_name_en"):
        return str(row["name_zh"])
    name = str(row["agency_name_en"])
    return name[:1].upper() + name[1:]


def colour_words(table: pd.DataFrame, columns: list[str], colours: dict[str, str]) -> Any:
    """A Styler that draws status words in their colour (the word itself carries the meaning)."""

    def style(value: Any) -> str:
        colour = colours.get(str(value))
        return f"color: {colour}; background-color: {colour}1a; font-weight: 600" if colour else ""

    return table.style.map(style, subset=[c for c in columns if c in table.columns])


OFF_PACE = ("needs_acceleration", "limited_progress", "deteriorating")
LAGGING_TASK = ("lagging", "overdue")


def is_lagging(status: Any, progress_status: Any) -> bool:
    """An indicator lags when its annual target is missed or its pace to the deadline is off
    (the rule of fct_supervision_items)."""
    return status == "not_achieved" or progress_status in OFF_PACE


def status_colours(lang: str) -> dict[str, str]:
    """Status word → colour, for indicator statuses and task progress alike."""
    table = {**STATUSES, **TASK_STATUSES}
    return {s.label(lang): s.colour for s in table.values()}


def latest_progress(progress: pd.DataFrame) -> pd.DataFrame:
    """Each task × member unit's latest quarterly report of the year."""
    if progress.empty:
        return progress
    ordered = progress.sort_values(["task_id", "member_unit_id", "quarter"])
    return ordered.groupby(["task_id", "member_unit_id"], as_index=False).tail(1)


def show_table(
    table: pd.DataFrame,
    lang: str,
    status_columns: tuple[str, ...] = (),
    widths: dict[str, str] | None = None,
) -> None:
    """A table at its full height, status words in colour, chosen columns given a width
    ("small", "medium", "large") so long Chinese text is not cut."""
    config = {col: st.column_config.Column(width=w) for col, w in (widths or {}).items()}
    st.dataframe(
        colour_words(table, list(status_columns), status_colours(lang)),
        hide_index=True,
        height="content" if len(table) <= 30 else 720,  # long lists scroll inside the table
        column_config=config,
    )


def doc_label(source_doc: object) -> str:
    """A cited document as a reader knows it: its title, with the file name for lookup."""
    if not isinstance(source_doc, str) or not source_doc:
        return ""
    titles = dict(data.policy_documents()[["source_doc", "title_zh"]].itertuples(index=False))
    title = titles.get(source_doc)
    return f"{title}({source_doc})" if title else source_doc
