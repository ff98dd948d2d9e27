"""Plotly figures. Bars carry their status word in the legend and the value as text, so the
charts read without colour too."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from weibao.i18n import fmt_rate, fmt_target, status, t, value_text

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 30, "t": 40, "b": 10},
        font={"family": FONT},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#e0e0e0")
    fig.update_yaxes(gridcolor="#e0e0e0")
    return fig


def _single_target(df: pd.DataFrame) -> float | None:
    targets = df["target_value"].dropna().unique()
    if len(targets) == 1 and df["comparator"].dropna().nunique() == 1:
        return float(targets[0])
    return None


def area_bars(df: pd.DataFrame, indicator: pd.Series, lang: str) -> go.Figure:
    """Horizontal bars, one per area, lowest value at the top; target as a line."""
    names = df["org_unit_name"].tolist()
    fig = go.Figure()
    for code, part in df.groupby(df["status"].fillna("no_data"), sort=False):
        s = status(str(code))
        fig.add_bar(
            x=part["value"].astype(float),
            y=part["org_unit_name"],
            orientation="h",
            name=s.label(lang),
            customdata=part["org_unit_code"],
            text=[value_text(r, indicator, lang) for _, r in part.iterrows()],
            textposition="outside",
            marker={
                "color": "white" if s.outline else s.colour,
                "line": {"color": s.colour, "width": 2},
                "pattern": {"shape": "" if code == "achieved" else "/", "fgcolor": s.colour},
            },
            hovertemplate="%{y}: %{text}<extra>" + s.label(lang) + "</extra>",
        )
    single = _single_target(df)
    label = f"{t('target', lang)} {fmt_target(df.iloc[0], indicator, lang)}" if len(df) else ""
    if single is not None:
        fig.add_vline(
            x=single,
            line_dash="dash",
            line_color="#424242",
            annotation_text=label,
            annotation_position="top left",
        )
    elif df["target_value"].notna().any():
        fig.add_scatter(
            x=df["target_value"].astype(float),
            y=df["org_unit_name"],
            mode="markers",
            name=t("target", lang),
            marker={"symbol": "line-ns-open", "size": 18, "color": "#424242"},
        )
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed")
    return _layout(fig, height=max(260, 28 * len(df) + 120))


def trend_line(df: pd.DataFrame, indicator: pd.Series, lang: str) -> go.Figure:
    """Values 2021–2025 with the year's target as a dashed step line."""
    fig = go.Figure()
    years = df["year"].astype(int)
    fig.add_scatter(
        x=years,
        y=df["value"].astype(float),
        mode="lines+markers+text",
        name=t("value", lang),
        text=[value_text(r, indicator, lang) for _, r in df.iterrows()],
        textposition="top center",
        line={"color": "#1565c0", "width": 3},
    )
    if df["target_value"].notna().any():
        fig.add_scatter(
            x=years,
            y=df["target_value"].astype(float),
            mode="lines+markers",
            name=t("target", lang),
            line={"color": "#424242", "dash": "dash", "shape": "hv"},
            marker={"symbol": "line-ew-open", "size": 14},
        )
    fig.update_xaxes(tickmode="array", tickvals=list(years), title=t("year", lang))
    unit = indicator["unit_zh"] if lang == "zh" else indicator["unit_en"]
    fig.update_yaxes(title=unit)
    return _layout(fig, height=380)


def sector_bars(df: pd.DataFrame, lang: str) -> go.Figure:
    """Hire and yearly check rates per sector, grouped."""
    label = df["sector_zh"] if lang == "zh" else df["sector"]
    fig = go.Figure()
    for col, colour, shape in (
        ("hire_check_rate", "#1565c0", ""),
        ("annual_check_rate", "#00897b", "/"),
    ):
        fig.add_bar(
            x=label,
            y=df[col].astype(float),
            name=t(col, lang),
            marker={"color": colour, "pattern": {"shape": shape}},
            text=[fmt_rate(v) for v in df[col]],
            textposition="outside",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="%", range=[0, 110])
    return _layout(fig, height=340)


def domain_bars(counts: pd.DataFrame, ends: list[str], lang: str) -> go.Figure:
    """Indicators per protection by annual status, stacked, with a label at each bar's end.

    counts: one row per protection (index = its name), one column per status code."""
    fig = go.Figure()
    for code in counts.columns:
        s = status(str(code))
        fig.add_bar(
            y=counts.index,
            x=counts[code],
            orientation="h",
            name=s.label(lang),
            hovertemplate="%{y}: %{x}<extra>" + s.label(lang) + "</extra>",
            marker={
                "color": "white" if s.outline else s.colour,
                # no outline for an empty segment (NaN instead of 0 would break the stacking)
                "line": {"color": s.colour, "width": [1 if n else 0 for n in counts[code]]},
                "pattern": {"shape": "" if code == "achieved" else "/", "fgcolor": s.colour},
            },
        )
    totals = counts.sum(axis=1)
    fig.add_scatter(
        x=totals,
        y=counts.index,
        mode="text",
        text=[f"  {end}" for end in ends],
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("indicator", lang), dtick=1, range=[0, max(1, totals.max()) * 1.3])
    return _layout(fig, height=80 + 40 * len(counts))
