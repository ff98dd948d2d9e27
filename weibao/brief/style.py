"""The brief's print stylesheet: A4 page boxes carrying the title, 示例数据 and the page number
on every page (CSS page-margin boxes, printed by Chromium), then the body styles."""

from __future__ import annotations

from weibao.brief.content import Brief
from weibao.i18n import t

BODY = """
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 9.5pt; color: #212121;
  line-height: 1.45; margin: 0; }
h1 { font-size: 21pt; margin: 0 0 2mm; line-height: 1.25; }
h2 { font-size: 13.5pt; margin: 0 0 3mm; padding-bottom: 1.5mm;
  border-bottom: 2px solid #37474f; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
.sub { color: #607d8b; font-size: 9pt; margin-bottom: 4mm; }
.banner { border: 1.5px solid #e65100; background: #fff3e0; color: #bf360c; font-weight: 700;
  padding: 2mm 3mm; border-radius: 2mm; margin-bottom: 5mm; }
.hero { display: flex; gap: 4mm; align-items: stretch; margin-bottom: 5mm; }
.big { flex: 1.6; border: 1px solid #cfd8dc; border-radius: 2mm; padding: 2mm 4mm; }
.big .label { font-size: 12pt; font-weight: 700; color: #2e7d32; }
.big .num { font-size: 36pt; font-weight: 700; line-height: 1.05; color: #2e7d32; }
.big .of { font-size: 22pt; font-weight: 700; color: #455a64; }
.big .note { font-size: 7.5pt; color: #607d8b; margin-top: 1mm; }
.kpi { flex: 1; border: 1px solid #cfd8dc; border-radius: 2mm; padding: 3mm; }
.kpi .n { font-size: 22pt; font-weight: 700; line-height: 1.1; }
.kpi .k { font-size: 9pt; color: #455a64; }
.chart { margin: 0 0 4mm; text-align: center; }
.chart img { width: 100%; }
.chart .cap { font-weight: 700; font-size: 10.5pt; text-align: left; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; margin-bottom: 3mm;
  font-size: 8.5pt; }
th { background: #eceff1; text-align: left; font-weight: 700; padding: 1.4mm 1.6mm;
  border-bottom: 1.5px solid #90a4ae; }
td { padding: 1.3mm 1.6mm; border-bottom: 0.5px solid #cfd8dc; vertical-align: top;
  overflow-wrap: break-word; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.pill { display: inline-block; border: 1px solid; border-radius: 1.2mm; padding: 0 1.3mm;
  font-size: 8pt; font-weight: 700; white-space: nowrap; }
.src { color: #78909c; font-size: 7pt; }
.gap { color: #b71c1c; }
.muted { color: #607d8b; font-size: 8.5pt; }
section { break-before: page; }
section.cont { break-before: auto; margin-top: 8mm; }
.first { break-after: page; }
"""


def css_string(s: str) -> str:
    """A quoted CSS string whose every character other than letters, digits (CJK included) and
    spaces is a hex escape (\\3c for <): nothing in it can end the string, the rule or the
    <style> element, whatever the jurisdiction's name holds."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in s) + '"'


def page_css(b: Brief) -> str:
    """@page with its margin boxes: title top left, 示例数据 top right and bottom left (when
    demo), 内部 top and bottom centre (an internal brief), page x of y bottom right."""
    page = (
        '"第 " counter(page) " 页,共 " counter(pages) " 页"'
        if b.lang == "zh"
        else '"Page " counter(page) " of " counter(pages)'
    )
    demo = css_string(t("demo_badge", b.lang)) if b.is_demo else '""'
    internal = css_string(t("internal_badge", b.lang)) if b.internal else '""'
    font = '"Noto Sans CJK SC"'
    return f"""
@page {{
  size: A4; margin: 17mm 14mm 15mm 14mm;
  @top-left {{ content: {css_string(b.title())}; font: 8.5pt {font}; color: #607d8b; }}
  @top-right {{ content: {demo}; font: bold 10pt {font}; color: #e65100; }}
  @bottom-left {{ content: {demo}; font: bold 8.5pt {font}; color: #e65100; }}
  @top-center {{ content: {internal}; font: bold 10pt {font}; color: #b71c1c; }}
  @bottom-center {{ content: {internal}; font: bold 8.5pt {font}; color: #b71c1c; }}
  @bottom-right {{ content: {page}; font: 8.5pt {font}; color: #607d8b; }}
}}"""


def css(b: Brief) -> str:
    return page_css(b) + BODY
