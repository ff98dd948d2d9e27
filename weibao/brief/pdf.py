"""The brief as an A4 PDF: HTML printed by headless Chromium, chart by kaleido.

The first page is for a leader with a minute: the title, 已达标 X / Y in big type, the status
chart by domain and the main lagging items with owner and gap. Sections follow: indicators,
lagging member units, reporting and overdue submissions, the supervision list. CSS page-margin
boxes put the title, 示例数据 and the page number on every page.
"""

from __future__ import annotations

import base64
import html
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from weibao.brief import charts
from weibao.brief.content import (
    REPORTING_STATUSES,
    Brief,
    case_rows,
    clear_unit_count,
    indicator_rows,
    lagging_units,
    overdue_rows,
    reporting_rows,
    supervision_rows,
    top_items,
)
from weibao.brief.style import css
from weibao.errors import WeibaoError
from weibao.i18n import MISSING, fmt_count, fmt_date, status, submission_status, t

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
# No script runs in the page and nothing is fetched: the only resources are the inline styles
# and the chart as a data: image. Chromium's own switch (--blink-settings=scriptEnabled=false)
# stops headless --print-to-pdf from writing any file (Chromium 156), so the page forbids script
# itself; the policy is the first element of <head>, before anything taken from the marts.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
SUPERVISION_ROWS = 60  # the PDF lists this many items; the xlsx has them all
OVERDUE_ROWS = 40
TOP_ITEMS = 6
TOP_OWNERS = 3  # owners named on the first page; the rest counted


def chromium_path() -> str:
    found = shutil.which("chromium")
    if not found:
        raise WeibaoError(
            "找不到 Chromium 浏览器,无法生成 PDF 简报",
            "Chromium was not found, and the PDF brief needs it",
            "安装 Debian 的 chromium 和 fonts-noto-cjk(make system),或改用 -o 文件名.xlsx",
        )
    return found


def e(x: Any) -> str:
    return html.escape(MISSING if x is None else str(x))


def pill(code: str | None, text: str) -> str:
    s = status(code)
    style = (
        f"color:{s.colour};border-color:{s.colour};background:#fff"
        if s.outline
        else f"color:#fff;border-color:{s.colour};background:{s.colour}"
    )
    return f'<span class="pill" style="{style}">{e(text)}</span>'


def table(heads: list[str], rows: list[list[str]], widths: list[int]) -> str:
    """A table with fixed column widths (percent). Cells in rows are ready HTML."""
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = "".join(f"<th>{e(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def short_owners(owners: list[str], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    if len(owners) <= TOP_OWNERS:
        return sep.join(owners)
    named = sep.join(owners[:TOP_OWNERS])
    return t("brief_owners_more", lang, names=named, n=len(owners), more=len(owners) - TOP_OWNERS)


def first_page(b: Brief, chart_png: bytes) -> str:
    lg = b.lang
    total = len(b.with_target)
    counts = b.assessed["status"].value_counts()
    kpis = [
        (status("not_achieved").label(lg), int(counts.get("not_achieved", 0)), "#c62828"),
        (status("no_data").label(lg), int(counts.get("no_data", 0)), "#616161"),
        (t("brief_lagging_items", lg), len(b.supervision), "#c62828"),
        (t("brief_overdue_count", lg), len(b.overdue), "#ef6c00"),
    ]
    kpi_html = "".join(
        f'<div class="kpi"><div class="n" style="color:{c}">{fmt_count(n)}</div>'
        f'<div class="k">{e(k)}</div>'
        "</div>"
        for k, n, c in kpis
    )
    banner = f'<div class="banner">{e(t("brief_demo_banner", lg))}</div>' if b.is_demo else ""
    if b.internal:
        banner = f'<div class="banner">{e(t("brief_internal_banner", lg))}</div>' + banner
    img = base64.b64encode(chart_png).decode()
    items = top_items(b, TOP_ITEMS)
    if items:
        rows = [
            [
                f"<b>{e(r['item'])}</b>",
                e(r["area"]),
                f'<span class="gap">{e(r["gap"])}</span>',
                e(short_owners(r["owner_list"], lg)),
                f'<span class="nowrap">{e(t("brief_since_year", lg, year=r["since"]))}</span>'
                if r["since"]
                else MISSING,
            ]
            for r in items
        ]
        heads = [
            t(k, lg)
            for k in ("brief_item", "brief_area", "brief_gap_words", "brief_owner", "brief_since")
        ]
        lagging = table(heads, rows, [26, 10, 22, 30, 12])
        more = len(b.supervision) - len(items)
        if more > 0:
            lagging += f'<div class="muted">{e(t("brief_more_in_xlsx", lg, n=more))}</div>'
    else:
        lagging = f'<p class="muted">{e(t("brief_none_lagging", lg))}</p>'
    achieved_label = t("achieved_label", lg)
    return f"""
<div class="first">
  <h1>{e(b.title())}</h1>
  <div class="sub">{e(t("brief_subtitle", lg, date=fmt_date(b.generated, lg)))}</div>
  {banner}
  <div class="hero">
    <div class="big"><div class="label">{e(achieved_label)}</div>
      <div><span class="num">{fmt_count(b.achieved)}</span>
        <span class="of">/ {fmt_count(total)}</span></div>
      <div class="note">{e(t("brief_total_note", lg))}</div></div>
    {kpi_html}
  </div>
  <div class="chart"><div class="cap">{e(t("brief_chart_title", lg))}</div>
    <img src="data:image/png;base64,{img}" alt=""></div>
  <h3>{e(t("brief_top_lagging", lg))}</h3>
  {lagging}
</div>"""


def basis_note(r: dict) -> str:
    """Under a target that its clause does not state: 推定目标 with what was read, or 示例目标
    (a print has no tooltip, so the derivation is written out)."""
    if not r.get("basis_mark"):
        return ""
    note = f":{r['derivation']}" if r.get("derivation") else ""
    return f'<div class="src basis">{e(r["basis_mark"] + note)}</div>'


def indicators_section(b: Brief) -> str:
    lg = b.lang
    rows = []
    for r in indicator_rows(b, only_assessed=True):
        name = f"<b>{e(r['name'])}</b><div class='src'>{e(r['doc'])} “{e(r['clause'])}”</div>"
        rows.append(
            [
                name,
                e(r["domain"]),
                e(r["value_text"])
                + (f'<div class="src">{e(r["approval_mark"])}</div>' if r["approval_mark"] else ""),
                e(r["target"]) + basis_note(r),
                pill(r["status"], r["status_text"]),
                f'<span class="gap">{e(r["gap"])}</span>' if r["gap"] != MISSING else MISSING,
                e(r["responsible"]),
            ]
        )
    heads = [
        t(k, lg)
        for k in (
            "indicator",
            "brief_domain",
            "value",
            "target",
            "status",
            "brief_gap_words",
            "responsible_units",
        )
    ]
    untracked = len(b.indicators) - len(b.assessed)
    note = f'<p class="muted">{e(t("brief_not_tracked", lg, n=untracked))}</p>' if untracked else ""
    widths = [27, 7, 13, 15, 9, 14, 15] if lg == "zh" else [20, 12, 14, 15, 13, 13, 13]
    body = table(heads, rows, widths)
    return f"<section><h2>{e(t('brief_indicators_heading', lg))}</h2>{body}{note}</section>"


def units_section(b: Brief) -> str:
    lg = b.lang
    units = lagging_units(b)
    if not units:
        body = f'<p class="muted">{e(t("brief_none_lagging", lg))}</p>'
    else:
        rows = [
            [
                f"<b>{e(u['unit'])}</b>",
                fmt_count(u["items"]),
                fmt_count(u["own"]),
                e(u["indicators"]),
                e(t("brief_since_year", lg, year=u["since"])) if u["since"] else MISSING,
            ]
            for u in units
        ]
        heads = [
            t(k, lg)
            for k in (
                "member_unit",
                "brief_lagging_items",
                "brief_own_level",
                "brief_indicators_involved",
                "brief_earliest",
            )
        ]
        body = table(heads, rows, [16, 9, 9, 54, 12])
        clear = clear_unit_count(b, units)
        if clear:
            body += f'<p class="muted">{e(t("brief_clear_units", lg, n=clear))}</p>'
    return f"<section><h2>{e(t('brief_units_heading', lg))}</h2>{body}</section>"


def reporting_section(b: Brief) -> str:
    lg = b.lang
    note = f'<p class="muted">{e(t("brief_reporting_area", lg, name=b.area_name))}</p>'
    units = reporting_rows(b)
    if units:
        heads = [
            t("member_unit", lg),
            t("expected_count", lg),
            *(submission_status(s).label(lg) for s in REPORTING_STATUSES),
            t("reporting_rate", lg),
        ]
        rows = [
            [
                f"<b>{e(u['unit'])}</b><div class='src'>{e(u['types'])}</div>",
                str(u["expected"]),
                *(str(u[s]) for s in REPORTING_STATUSES),
                e(u["rate"]),
            ]
            for u in units
        ]
        by_unit = table(heads, rows, [40, 8, 10, 10, 10, 10, 12])
    else:
        by_unit = f'<p class="muted">{e(t("no_schedule", lg))}</p>'
    overdue = overdue_rows(b)
    more = len(overdue) - OVERDUE_ROWS
    overdue = overdue[:OVERDUE_ROWS]
    if overdue:
        heads = [
            t(k, lg)
            for k in ("county", "member_unit", "submission_type", "deadline", "status", "days_late")
        ]
        rows = [
            [
                e(o["county"]),
                e(o["unit"]),
                e(o["type"]),
                f'<span class="nowrap">{e(o["deadline"])}</span>',
                f'<b style="color:{submission_status(o["status"]).colour}">'
                f"{e(o['status_text'])}</b>",
                e(o["days"]),
            ]
            for o in overdue
        ]
        late = table(heads, rows, [13, 17, 36, 14, 11, 9])
        if more > 0:
            late += f'<p class="muted">{e(t("brief_more_overdue", lg, n=more))}</p>'
    else:
        late = f'<p class="muted">{e(t("overdue_none", lg))}</p>'
    return (
        f"<section class='cont'><h2>{e(t('brief_reporting_heading', lg))}</h2>{note}{by_unit}"
        f"<h3>{e(t('overdue_heading', lg))}</h3>{late}</section>"
    )


def supervision_section(b: Brief) -> str:
    lg = b.lang
    items = supervision_rows(b)
    if not items:
        body = f'<p class="muted">{e(t("brief_none_lagging", lg))}</p>'
    else:
        rows = [
            [
                f"<b>{e(r['item'])}</b><div class='src'>{e(r['doc'])} “{e(r['clause'])}”</div>"
                + basis_note(r),
                f"{e(r['area'])}<div class='src'>{e(r['level'])}</div>",
                e(r["status_text"]),
                f'<span class="gap">{e(r["gap"])}</span>',
                e(r["owners"]),
                e(r["since"]),
            ]
            for r in items[:SUPERVISION_ROWS]
        ]
        heads = [
            t(k, lg)
            for k in (
                "brief_item",
                "brief_area",
                "status",
                "brief_gap_words",
                "brief_owner",
                "brief_since",
            )
        ]
        body = table(heads, rows, [32, 11, 12, 15, 20, 10])
        if len(items) > SUPERVISION_ROWS:
            more = len(items) - SUPERVISION_ROWS
            body += f'<p class="muted">{e(t("brief_more_in_xlsx", lg, n=more))}</p>'
    return f"<section><h2>{e(t('brief_supervision_heading', lg))}</h2>{body}</section>"


def cases_section(b: Brief) -> str:
    """Open and overdue 督办单 of the area (none: no section)."""
    lg = b.lang
    cases = case_rows(b)
    if not cases:
        return ""
    rows = [
        [e(c["case_id"]), e(c["status_text"]), e(c["due"]), e(c["owners"]), e(c["instruction"])]
        for c in cases
    ]
    heads = [t(k, lg) for k in ("case_id", "status", "case_due", "brief_owner", "case_instruction")]
    body = table(heads, rows, [12, 12, 14, 22, 40])
    return f"<section><h2>{e(t('cases', lg))}</h2>{body}</section>"


def brief_html(b: Brief, chart_png: bytes) -> str:
    lang = "zh-CN" if b.lang == "zh" else "en"
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{e(b.title())}</title>
<style>{css(b)}</style></head><body>
{first_page(b, chart_png)}
{indicators_section(b)}
{units_section(b)}
{reporting_section(b)}
{supervision_section(b)}
{cases_section(b)}
</body></html>"""


def print_pdf(page_html: str, chromium: str, timeout: int = 120) -> bytes:
    """Print the page to PDF with headless Chromium, a fresh profile in a temp dir."""
    with tempfile.TemporaryDirectory(prefix="weibao-brief-") as tmp:
        src, out = Path(tmp) / "brief.html", Path(tmp) / "brief.pdf"
        src.write_text(page_html, encoding="utf-8")
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise WeibaoError(
                f"Chromium 在 {timeout} 秒内未能生成 PDF",
                f"Chromium did not print the PDF within {timeout} s",
            ) from exc
        if not out.is_file() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise WeibaoError(
                "Chromium 未能生成 PDF 简报", "Chromium could not print the brief", details=tail
            )
        return out.read_bytes()


def render(b: Brief) -> bytes:
    chromium = chromium_path()
    png = charts.to_png(charts.status_by_domain(b), chromium)
    return print_pdf(brief_html(b, png), chromium)
