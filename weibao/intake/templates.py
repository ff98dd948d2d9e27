"""Blank templates an agency fills in: CSV (Chinese header row) and xlsx (data + 说明 sheets)."""

from __future__ import annotations

import io

from weibao.cells import neutralise, neutralise_workbook
from weibao.i18n import agency_name, level_name
from weibao.intake.gx import allowed_values
from weibao.intake.read import TEMPLATE_SHEET
from weibao.submission_types import SUBMISSION_TYPES, value_list


def template_csv(type_code: str) -> bytes:
    """Header row only, UTF-8 with BOM so Excel on Windows opens the Chinese correctly."""
    stype = SUBMISSION_TYPES[type_code]
    return (",".join(neutralise(c.header_zh) for c in stype.columns) + "\r\n").encode("utf-8-sig")


def _choices(type_code: str, column: str) -> list[str]:
    values = allowed_values(type_code, column)
    listed = SUBMISSION_TYPES[type_code].column(column).values_from
    if listed:  # offer the Chinese names of a reference list; codes are accepted too
        return [value_list(listed)[v][0] for v in values]
    return values


def template_xlsx(type_code: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    stype = SUBMISSION_TYPES[type_code]
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(stype.columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header_zh)
        cell.font, cell.fill = bold, fill
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(14, len(col.header_zh) * 2 + 4)
        if not col.is_number:
            for row in range(2, 5002):  # text format keeps leading zeros and long codes intact
                ws.cell(row=row, column=i).number_format = "@"
        choices = _choices(type_code, col.name)
        if choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=False,
                showErrorMessage=True,
                errorTitle="无效的值",
                error="请从下拉列表中选择",
            )
            dv.add(f"{letter}2:{letter}5001")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("说明")
    submitters = "、".join(agency_name(a, "zh") for a in stype.submitters)
    lines = [
        [f"{stype.name_zh}({stype.name_en})"],
        ["报送单位", submitters],
        ["填报层级", f"每个{level_name(stype.level, 'zh')}一行"],
        ["报送周期", "每年一次,填报上一年度数据" if stype.period == "year" else stype.period],
        [
            "截止时间",
            f"统计期结束后 {stype.deadline_days} 天内(如 2024 年度数据于 2025 年 1 月 "
            f"{stype.deadline_days} 日前报送)",
        ],
        [
            "注意",
            "只填汇总数字。不要填写任何人的姓名、身份证号、手机号或住址,含有个人信息的文件会被退回。",
        ],
        ["注意", "区划代码请填国家统计局2023年统计用区划代码,单元格保持文本格式,不要删除前导零。"],
        [],
        ["列名", "说明", "单位", "English", "可选值"],
    ]
    for col in stype.columns:
        lines.append(
            [
                col.header_zh,
                col.description_zh,
                col.unit_zh,
                col.description_en,
                "、".join(_choices(type_code, col.name)),
            ]
        )
    for row in lines:
        notes.append(row)
    notes["A1"].font = Font(bold=True, size=13)
    for cell in notes[9]:
        cell.font, cell.fill = bold, fill
    for letter, width in zip("ABCDE", (22, 48, 12, 48, 40), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    neutralise_workbook(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
