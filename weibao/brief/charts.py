"""The brief's chart: indicator statuses by protection domain, exported to PNG by kaleido.

kaleido 1.x drives a Chrome it does not ship; it is pointed at the Debian `chromium` binary
(choreographer's `path` option), started once per process with MathJax off, since nothing can
be fetched offline (CONVENTIONS.md, Browsers and charts).
"""

from __future__ import annotations

import atexit
import threading

import plotly.graph_objects as go

from weibao.brief.content import STATUS_ORDER, Brief, domain_rows
from weibao.i18n import status

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
_lock = threading.Lock()
_started: list[str] = []


def status_by_domain(b: Brief) -> go.Figure:
    """Stacked horizontal bars, one per domain; each status has its colour, a hatch pattern
    unless achieved, its word in the legend and its count on the bar, so it reads in grey."""
    rows = domain_rows(b)
    labels = [d["label"] for d in rows]
    fig = go.Figure()
    for code in STATUS_ORDER:
        counts = [d["statuses"].get(code, 0) for d in rows]
        if not any(counts):
            continue
        s = status(code)
        fig.add_bar(
            y=labels,
            x=counts,
            orientation="h",
            name=s.label(b.lang),
            text=[str(n) if n else "" for n in counts],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont={"color": s.colour if s.outline else "white", "size": 14},
            marker={
                "color": "white" if s.outline else s.colour,
                "line": {"color": s.colour, "width": 1.5},
                "pattern": {
                    "shape": "" if code in ("achieved", "on_track") else "/",
                    "fgcolor": "rgba(255,255,255,0.35)" if not s.outline else s.colour,
                    "size": 6,
                },
            },
        )
    fig.update_layout(
        barmode="stack",
        width=700,
        height=80 + 32 * max(len(labels), 1),
        # room for the longest domain name: kaleido may measure before the CJK font is in
        margin={"l": 16 + 15 * max((len(x) for x in labels), default=2), "r": 10, "t": 36, "b": 24},
        font={"family": FONT, "size": 13, "color": "#212121"},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        bargap=0.3,
    )
    fig.update_xaxes(gridcolor="#e0e0e0", dtick=1 if len(b.assessed) <= 12 else None)
    fig.update_yaxes(autorange="reversed", automargin=False)
    return fig


def to_png(fig: go.Figure, chromium: str, scale: float = 3) -> bytes:
    """The figure as PNG (about 290 dpi across the A4 text width), through kaleido's persistent
    sync server (started on first use). PNG rather than SVG: PDF viewers draw the hatch
    patterns of an SVG chart unreliably, some leaving the bars empty."""
    import kaleido

    with _lock:
        first = not _started
        if first:
            kaleido.start_sync_server(path=chromium, mathjax=False, silence_warnings=True)
            _started.append(chromium)
    png = kaleido.calc_fig_sync(fig, opts={"format": "png", "scale": scale})
    if first:
        # Registered once the browser and its temporary profile exist: atexit runs last-in
        # first-out, so the browser closes before the profile's finalizer deletes the folder
        # (the other order races Chromium and prints a traceback at exit).
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
    return png
