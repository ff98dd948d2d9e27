"""Receipts: what weibao tells an agency about the file it handed in.

Every issue has a stable code, the row as the agency sees it in its own file (header = 1),
the column as they wrote it, and a message in Chinese and English with a hint on how to fix it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# code: (message_zh, message_en, hint_zh). Templates use {value}, {column}, {expected}, {detail}.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "E_ENCODING": (
        "无法识别文件编码,文件内容可能是乱码",
        "the file's encoding is not UTF-8, UTF-8 with BOM or GBK/GB18030; its text would be garbled",
        "在 Excel 中选择“另存为”→“CSV UTF-8(逗号分隔)”,或下载模板重新填写",
    ),
    "E_EMPTY_FILE": (
        "文件中没有数据行",
        "the file has no data rows",
        "请在模板的表头下方逐行填写数据后再上传",
    ),
    "E_UNREADABLE_FILE": (
        "无法读取文件:{detail}",
        "the file cannot be read: {detail}",
        "请上传 .csv 或 .xlsx 文件;Excel 文件请另存为 .xlsx 格式",
    ),
    "E_MISSING_COLUMN": (
        "缺少必填列“{expected}”",
        "required column '{expected}' is missing",
        "请使用模板的表头,不要删除或改名;可下载最新模板对照",
    ),
    "E_DUPLICATE_COLUMN": (
        "列“{column}”出现了不止一次",
        "column '{column}' appears more than once",
        "删除重复的列,每个表头只保留一列",
    ),
    "E_PERSONAL_DATA": (
        "文件含有个人信息({detail}),未来保只接收汇总数字",
        "the file carries personal data ({detail}); weibao takes aggregate counts only",
        "删除姓名、身份证号、手机号、住址等个人信息所在的列或单元格,只保留按单位汇总的数字后重新上传",
    ),
    "E_MISSING_VALUE": (
        "“{column}”为空",
        "'{column}' is empty",
        "填写该单元格;如果是合并单元格造成的空白,请取消合并并在每一行填写",
    ),
    "E_MERGED_CELLS": (
        "表格中有合并单元格({value})",
        "the sheet has merged cells ({value})",
        "取消合并单元格,并在每一行填写完整的值",
    ),
    "E_FORMULA": (
        "“{column}”的内容以 =、+、-、@、制表符或回车开头,会被电子表格当作公式:{value}",
        "'{column}' starts with =, +, -, @, a tab or a carriage return and would run as a formula in a spreadsheet: {value}",
        "公式请“选择性粘贴→数值”;文字请删除开头的符号(例如把“-已完成”改为“已完成”)",
    ),
    "E_NOT_A_NUMBER": (
        "“{column}”应为数字,实际为“{value}”",
        "'{column}' should be a number, got '{value}'",
        "只填阿拉伯数字,不要填文字、单位或备注",
    ),
    "E_NOT_AN_INTEGER": (
        "“{column}”应为整数,实际为“{value}”",
        "'{column}' should be a whole number, got '{value}'",
        "人数、户数等请填整数",
    ),
    "E_OUT_OF_RANGE": (
        "“{column}”的值 {value} 超出合理范围 {expected}",
        "'{column}' value {value} is outside the plausible range {expected}",
        "核对该数字是否多填或少填了位数",
    ),
    "E_INVALID_VALUE": (
        "“{column}”的值“{value}”不在可选范围内:{expected}",
        "'{column}' value '{value}' is not one of: {expected}",
        "从模板的下拉列表中选择",
    ),
    "E_NUMERATOR_GT_DENOMINATOR": (
        "“{column}”({value})大于“{expected}”",
        "'{column}' ({value}) is larger than '{expected}'",
        "部分数不能大于总数,请核对两列是否填反或填错",
    ),
    "E_UNKNOWN_ORG_UNIT": (
        "区划代码“{value}”不存在",
        "division code '{value}' does not exist",
        "使用国家统计局2023年统计用区划代码,注意代码位数和前导零(单元格设为文本格式)",
    ),
    "E_WRONG_LEVEL": (
        "区划代码“{value}”不是{expected}级代码",
        "division code '{value}' is not a {expected} code",
        "本报送类型应按{expected}逐行填写",
    ),
    "E_ORG_UNIT_OUTSIDE_JURISDICTION": (
        "区划代码“{value}”不属于本次报送的辖区 {expected}",
        "division code '{value}' lies outside the submitting jurisdiction {expected}",
        "只填写本辖区内的单位;其他地区的数据由其所在地报送",
    ),
    "E_DUPLICATE_KEY": (
        "与第 {expected} 行重复({value})",
        "duplicates row {expected} ({value})",
        "同一单位同一年只填一行,请合并或删除重复行",
    ),
    "E_PERIOD_MISMATCH": (
        "年度“{value}”与本次报送的期间 {expected} 不一致",
        "year '{value}' does not match the submission period {expected}",
        "每个文件只报一个年度;请核对年度列或选择正确的报送期间",
    ),
    "E_PERIOD_IN_FUTURE": (
        "报送期间 {value} 尚未开始",
        "the period {value} has not started yet",
        "核对报送期间",
    ),
    "E_PERIOD_LOCKED": (
        "报送期间 {value} 已于 {detail} 审核锁定,不再接收这一期的报送",
        "the period {value} was approved and locked {expected}; it takes no more submissions",
        "如需更正,请联系未保办统计员退回修改(weibao unlock,须写明原因)后再报送",
    ),
    "E_UNIT_NOT_ALLOWED": (
        "{value} 不负责报送“{expected}”",
        "{value} is not responsible for submitting '{expected}'",
        "请确认报送单位;该类数据由 {detail} 报送",
    ),
    "E_SECTOR_NOT_ALLOWED": (
        "行业“{value}”不由本单位报送",
        "sector '{value}' is not reported by this unit",
        "只填写本单位主管行业的机构:{expected}",
    ),
    "E_UNKNOWN_JURISDICTION": (
        "辖区代码“{value}”不存在",
        "jurisdiction code '{value}' does not exist",
        "填写县(市、区)6位区划代码",
    ),
    "E_FILE_TOO_LARGE": (
        "文件大小 {value} MB,超过上限 {expected} MB",
        "the file is {value} MB, over the limit of {expected} MB",
        "按乡镇(街道)或机构类别拆分成几个文件分别上传;xlsx 可删除多余的工作表、图片和空白格式",
    ),
    "E_XLSX_TOO_LARGE": (
        "xlsx 文件解压后有 {value} MB,超过上限 {expected} MB",
        "the xlsx expands to {value} MB, over the limit of {expected} MB",
        "删除多余的工作表、图片和大片空白格式,或另存为 CSV(UTF-8)后上传",
    ),
    "E_TOO_MANY_ROWS": (
        "数据行超过上限 {value} 行({expected}),已停止读取",
        "more than {value} data rows ({detail}); reading stopped",
        "每个单位每期只填一行;检查是否重复粘贴了数据,或按辖区拆分成几个文件",
    ),
    "E_TOO_MANY_COLUMNS": (
        "这一行有 {value} 列,超过上限 {expected} 列",
        "this row has {value} columns, over the limit of {expected}",
        "只保留模板中的列;检查文件是否缺少换行,或右侧是否粘贴了多余的数据",
    ),
    "E_CELL_TOO_LONG": (
        "单元格(或一行)有 {value} 个字符,超过上限 {expected} 个",
        "a cell (or line) has {value} characters, over the limit of {expected}",
        "缩短该单元格的内容;检查是否把整段文字粘贴进了一个单元格,或文件缺少换行",
    ),
    "E_CELL_BEYOND_HEADER": (
        "表头以外的单元格({column})有内容“{value}”",
        "{column} holds '{value}' but has no header",
        "删除表头右侧(或没有表头的列)中的内容;确需报送的数据请联系未保办增加字段",
    ),
    "E_TOTAL_ROW_INSIDE": (
        "第 {value} 行是“{expected}”行,夹在数据行中间",
        "row {value} is a '{expected}' row in the middle of the data",
        "删除小计、合计行:每个单位只填一行,合计由系统计算",
    ),
    "E_CODE_SCIENTIFIC": (
        "代码“{value}”是科学计数法,原代码的后几位已经丢失",
        "code '{value}' is in scientific notation; its last digits are lost",
        "在 Excel 中把该列设为“文本”格式,再重新输入或粘贴完整代码(不要复制显示为 3.30483E+11 的单元格);也可以在模板中填写",
    ),
    "W_HEADER_BELOW_TITLE": (
        "表头在第 {value} 行,已跳过上方的第 {detail} 行(标题或空行)",
        "the header is on row {value}; row(s) {detail} above it (title or blank) were skipped",
        "",
    ),
    "W_SHEET_CHOSEN": (
        "第一个工作表“{detail}”不是数据表,已读取工作表“{value}”",
        "the first sheet '{detail}' holds no data; sheet '{value}' was read",
        "",
    ),
    "W_TOTAL_ROW": (
        "已去掉末尾的“{value}”行(合计由系统计算)",
        "the '{value}' row at the bottom was dropped (totals are computed)",
        "",
    ),
    "W_TOTAL_MISMATCH": (
        "合计行的“{column}”为 {value},与各行之和 {expected} 不一致",
        "the total row's '{column}' is {value}, but the rows add up to {expected}",
        "请核对:是否有隐藏或筛选掉的行,或合计公式范围不对;系统按各行数据计算",
    ),
    "W_CODE_AS_NUMBER": (
        "代码被 Excel 存成了数字(如“{value}”),已去掉末尾的“.0”",
        "codes were saved by Excel as numbers (e.g. '{value}'); the trailing '.0' was removed",
        "把代码列设为“文本”格式可以避免",
    ),
    "W_YEAR_SUFFIX": (
        "已将“{value}”读作 {expected}",
        "'{value}' read as {expected}",
        "",
    ),
    "W_NUMBER_AS_TEXT": (
        "“{column}”的数字以文本格式保存,已按数字读取",
        "numbers in '{column}' were stored as text and read as numbers",
        "",
    ),
    "W_ROWS_LOST": (
        "本文件将替代本期上次的报送,但少了 {value} 行(上次 {expected} 行),不再出现的单位:{detail}",
        "this file replaces this period's last submission but has {value} fewer rows (last time {expected}); units no longer present: {detail}",
        "如果是漏填,请补全后重新上传;否则请确认这些单位确实不再报送",
    ),
    "E_CHECK_FAILED": (
        "检查“{detail}”未能完成,文件未接收",
        "the check '{detail}' could not be completed; the file was not accepted",
        "这是系统问题,不是文件的问题:请联系未保办,并附上本回执",
    ),
    "W_WHITESPACE": (
        "已去掉首尾空格",
        "surrounding spaces removed",
        "",
    ),
    "W_FULLWIDTH": (
        "已将全角字符“{value}”转为半角",
        "full-width characters in '{value}' converted",
        "",
    ),
    "W_PERCENT_SIGN": (
        "已去掉数字中的“%”:{value}",
        "'%' removed from a number: {value}",
        "数字列只填数字;本列是人数,不是百分比,请核对",
    ),
    "W_THOUSANDS_SEPARATOR": (
        "已去掉千分位分隔符:{value}",
        "thousands separator removed: {value}",
        "",
    ),
    "W_TRAILING_EMPTY_ROWS": (
        "已忽略文件末尾的 {value} 个空行",
        "{value} empty row(s) at the end ignored",
        "",
    ),
    "W_EMPTY_ROW": (
        "已忽略空行",
        "empty row ignored",
        "",
    ),
    "W_UNKNOWN_COLUMN": (
        "未识别的列“{column}”已忽略",
        "unrecognised column '{column}' ignored",
        "如需报送该数据,请联系未保办增加字段",
    ),
    "W_NO_ROWS": (
        "文件只有表头,已按“本期无可报送的机构”接收",
        "header only: recorded as 'nothing to report this period'",
        "如本期确有机构,请补充数据行后重新上传",
    ),
    "W_OUTLIER": (
        "“{column}”的值 {value} 与上次报送({expected})相比变化较大",
        "'{column}' value {value} changed sharply since the last submission ({expected})",
        "请核对;如数值无误可忽略此提示",
    ),
}


# How to fix it, in English (hint_zh is in MESSAGES).
HINTS_EN: dict[str, str] = {
    "E_ENCODING": "In Excel use Save As → 'CSV UTF-8 (comma delimited)', or fill in the template again",
    "E_EMPTY_FILE": "Fill in the rows below the template's header, then upload again",
    "E_UNREADABLE_FILE": "Upload a .csv or .xlsx file; save Excel workbooks as .xlsx",
    "E_MISSING_COLUMN": "Use the template's headers without deleting or renaming them",
    "E_DUPLICATE_COLUMN": "Delete the repeated column so each header appears once",
    "E_PERSONAL_DATA": "Delete the columns or cells with names, ID numbers, phone numbers or addresses; keep only counts per unit",
    "E_MISSING_VALUE": "Fill in the cell; if a merged cell left it blank, unmerge and fill every row",
    "E_MERGED_CELLS": "Unmerge the cells and fill in every row",
    "E_FORMULA": "Paste formulas as values; for text, delete the leading sign (e.g. '-done' → 'done')",
    "E_NOT_A_NUMBER": "Enter digits only, without words, units or notes",
    "E_NOT_AN_INTEGER": "Counts of people or households are whole numbers",
    "E_OUT_OF_RANGE": "Check whether a digit was added or dropped",
    "E_INVALID_VALUE": "Choose a value from the template's drop-down list",
    "E_NUMERATOR_GT_DENOMINATOR": "A part cannot exceed its whole; check whether the two columns were swapped",
    "E_UNKNOWN_ORG_UNIT": "Use the NBS 2023 division codes; keep leading zeros (format the cells as text)",
    "E_WRONG_LEVEL": "This type takes one row per unit of the level shown",
    "E_ORG_UNIT_OUTSIDE_JURISDICTION": "Report only units in your jurisdiction; others report their own",
    "E_DUPLICATE_KEY": "One row per unit and period: merge or delete the repeated rows",
    "E_PERIOD_MISMATCH": "One period per file: check the year column or choose the right period",
    "E_PERIOD_IN_FUTURE": "Check the reporting period",
    "E_PERIOD_LOCKED": "To correct it, ask the committee office's statistician to unlock the period (weibao unlock, with a reason), then submit again",
    "E_UNIT_NOT_ALLOWED": "Check the submitting unit: another unit reports this type",
    "E_SECTOR_NOT_ALLOWED": "Report only institutions of the sectors your unit regulates",
    "E_UNKNOWN_JURISDICTION": "Enter the 6-digit county code",
    "E_FILE_TOO_LARGE": "Split the file by township or institution type; remove spare sheets, images and blank formatting from an xlsx",
    "E_XLSX_TOO_LARGE": "Remove spare sheets, images and large blank formatted areas, or save as CSV UTF-8",
    "E_TOO_MANY_ROWS": "One row per unit and period: check for pasted duplicates, or split the file by area",
    "E_TOO_MANY_COLUMNS": "Keep only the template's columns; check for missing line breaks or data pasted to the right",
    "E_CELL_TOO_LONG": "Shorten the cell; check whether a whole text was pasted into one cell or line breaks are missing",
    "E_CELL_BEYOND_HEADER": "Clear cells to the right of the header (or under a blank header); ask the office to add a field if the data is needed",
    "E_TOTAL_ROW_INSIDE": "Delete subtotal and total rows: one row per unit, totals are computed",
    "E_CODE_SCIENTIFIC": "Format the column as Text in Excel and enter or paste the full code again, or fill in the template",
    "W_TOTAL_MISMATCH": "Check for hidden or filtered rows or a wrong formula range; the rows themselves are used",
    "W_CODE_AS_NUMBER": "Format code columns as Text to avoid this",
    "W_ROWS_LOST": "If rows were left out, complete the file and upload it again; otherwise confirm these units no longer report",
    "E_CHECK_FAILED": "This is a system problem, not a problem in the file: send this receipt to the committee office",
    "W_PERCENT_SIGN": "Number columns take numbers; this column is a count, not a percentage — please check",
    "W_UNKNOWN_COLUMN": "To report this data, ask the committee office to add a field",
    "W_NO_ROWS": "Nothing to report this period was recorded; if that is wrong, submit again with the rows",
    "W_OUTLIER": "Please check; if the figure is right, ignore this note",
}


@dataclass
class Issue:
    severity: str  # error | warning
    code: str
    row: int | None  # line in the agency's file, header = 1; None for the whole file
    column: str | None  # header as written in the agency's file
    value: str | None
    message_zh: str
    message_en: str
    hint_zh: str
    hint_en: str = ""

    @classmethod
    def make(
        cls,
        code: str,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: object = "",
        detail: object = "",
    ) -> Issue:
        zh, en, hint = MESSAGES[code]
        fields_ = {
            "value": "" if value is None else value,
            "column": column or "",
            "expected": expected,
            "detail": detail,
        }
        return cls(
            severity="error" if code.startswith("E_") else "warning",
            code=code,
            row=None if row is None else int(row),
            column=column,
            value=None if value is None else str(value),
            message_zh=zh.format(**fields_),
            message_en=en.format(**fields_),
            hint_zh=hint.format(**fields_),
            hint_en=HINTS_EN.get(code, ""),
        )


@dataclass
class Receipt:
    status: str  # accepted | accepted_with_warnings | rejected
    submission_id: str | None
    detected_encoding: str | None
    rows_read: int
    rows_accepted: int
    issues: list[Issue] = field(default_factory=list)
    submission_type: str = ""
    agency_code: str = ""
    jurisdiction_code: str = ""
    period: str = ""
    file_name: str = ""
    supersedes: str | None = None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
