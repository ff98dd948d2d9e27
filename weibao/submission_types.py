"""Registry of agency submission types.

One entry per kind of file an agency hands in. The registry is the single place that
knows a type's columns, Chinese headers, who may submit it, at what level and for what
period. The demo generator, the load step, the templates and validation all read it.
Value rules (ranges, allowed sets, part <= whole) live in the Great Expectations suites in
expectations/<type>.json, reviewed like code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Column:
    name: str  # canonical name, used in the normalised file and the warehouse
    header_zh: str  # header as it appears in the agency template
    sql_type: str  # DuckDB type used when the normalised file is read
    description_zh: str
    description_en: str
    unit_zh: str = ""
    is_key: bool = False
    aliases: tuple[str, ...] = ()  # other headers accepted for this column (e.g. English)

    @property
    def is_number(self) -> bool:
        return self.sql_type in ("integer", "bigint", "double")


@dataclass(frozen=True)
class Measure:
    """How a generic submission type feeds one indicator: which column is the numerator and
    which the denominator ("1" counts each row once; None for a `count` indicator). The load
    step unpivots every measure into raw.indicator_measures, so a new indicator needs no SQL."""

    indicator_code: str
    numerator: str
    denominator: str | None = None


@dataclass(frozen=True)
class SubmissionType:
    code: str
    name_zh: str
    name_en: str
    level: str  # village | township | institution | county
    period: str  # year
    submitters: tuple[str, ...]  # agency codes allowed to submit (see seeds/reference/agencies.csv)
    indicators: tuple[str, ...]
    deadline_days: int  # days after the period ends
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # Generic types declare their indicators as measures; the four original types have
    # dedicated staging models instead (village coverage counts unreported villages, etc.).
    measures: tuple[Measure, ...] = ()

    @property
    def key_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.is_key]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def org_unit_level(self) -> str:
        """Level of the division code in `org_unit_code` (institutions are located by township)."""
        return "township" if self.level == "institution" else self.level

    def period_bounds(self, period: str) -> tuple[date, date]:
        """`2024` for a year, `2024Q2` for a quarter (figures are cumulative for the year)."""
        year = int(period[:4])
        if self.period == "quarter":
            quarter = int(period[5:])
            start = date(year, 3 * quarter - 2, 1)
            end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
            return start, end
        return date(year, 1, 1), date(year, 12, 31)

    def deadline(self, period: str) -> date:
        return self.period_bounds(period)[1] + timedelta(days=self.deadline_days)


# Sectors of child-contact institutions, from 003 task 20 (桐乡市2022年工作要点 第20条)
# plus kindergarten, which 001 and 000 name with schools.
SECTORS: dict[str, tuple[str, str, str]] = {
    # code: (name_zh, name_en, regulating agency)
    "school": ("中小学校", "primary and secondary school", "education"),
    "kindergarten": ("幼儿园", "kindergarten", "education"),
    "off_campus_training": ("校外培训机构", "off-campus training", "education"),
    "childcare": ("托育机构", "childcare", "health"),
    "hospital": ("医院", "hospital", "health"),
    "child_welfare": ("儿童福利机构", "child welfare institution", "civil_affairs"),
    "minors_protection": (
        "未成年人救助保护机构",
        "minors rescue/protection institution",
        "civil_affairs",
    ),
}

_YEAR = Column("year", "年度", "integer", "统计年度", "reporting year",
               is_key=True)

SUBMISSION_TYPES: dict[str, SubmissionType] = {
    t.code: t
    for t in (
        SubmissionType(
            code="child_directors",
            name_zh="村(社区)儿童主任配备情况",
            name_en="Child directors by village/community",
            level="village",
            period="year",
            submitters=("civil_affairs",),
            indicators=("child_director_coverage",),
            deadline_days=15,
            columns=(
                Column("org_unit_code", "村(社区)代码", "varchar", "12位统计用区划代码",
                       "12-digit NBS division code of the village/community", is_key=True),
                _YEAR,
                Column("child_director_count", "儿童主任人数", "integer",
                       "本村(社区)在岗儿童主任人数", "child directors in post", "人"),
            ),
        ),
        SubmissionType(
            code="child_supervisors",
            name_zh="乡镇(街道)儿童督导员配备情况",
            name_en="Child supervisors by township",
            level="township",
            period="year",
            submitters=("civil_affairs",),
            indicators=("child_supervisor_coverage",),
            deadline_days=15,
            columns=(
                Column("org_unit_code", "乡镇(街道)代码", "varchar", "9位统计用区划代码",
                       "9-digit NBS division code of the township", is_key=True),
                _YEAR,
                Column("child_supervisor_count", "儿童督导员人数", "integer",
                       "本乡镇(街道)在岗儿童督导员人数", "child supervisors in post", "人"),
            ),
        ),
        SubmissionType(
            code="staff_checks",
            name_zh="密切接触未成年人单位工作人员违法犯罪记录查询情况",
            name_en="Criminal-record checks of staff in child-contact institutions",
            level="institution",
            period="year",
            submitters=("education", "health", "civil_affairs"),
            indicators=("staff_check_hire_rate", "staff_check_annual_rate"),
            deadline_days=15,
            columns=(
                Column("institution_code", "机构编码", "varchar", "本单位为机构编的代码(不填机构名称)",
                       "code the agency assigns to the institution (no names)", is_key=True),
                Column("org_unit_code", "所在乡镇(街道)代码", "varchar", "机构所在乡镇(街道)9位代码",
                       "9-digit code of the township where the institution is"),
                Column("sector", "行业", "varchar", "机构所属行业", "sector of the institution"),
                _YEAR,
                Column("new_hires", "新入职人数", "integer", "年度内新招聘人员数",
                       "staff hired in the year", "人"),
                Column("new_hires_checked", "入职查询人数", "integer",
                       "新招聘人员中招聘时已查询违法犯罪记录的人数",
                       "new hires checked for criminal records before hiring", "人"),
                Column("staff_in_post", "在岗人数", "integer", "年末在岗工作人员数",
                       "staff in post at year end", "人"),
                Column("staff_checked", "年度查询人数", "integer",
                       "在岗人员中本年度已定期查询违法犯罪记录的人数",
                       "staff in post checked during the year", "人"),
            ),
        ),
        SubmissionType(
            code="orphan_foster",
            name_zh="孤儿养育标准与家庭寄养情况",
            name_en="Orphan support standards and family foster care",
            level="county",
            period="year",
            submitters=("civil_affairs",),
            indicators=(
                "orphan_centralized_standard",
                "orphan_scattered_standard",
                "foster_family_compliance",
            ),
            deadline_days=15,
            columns=(
                Column("org_unit_code", "县(市、区)代码", "varchar", "6位统计用区划代码",
                       "6-digit NBS division code of the county", is_key=True),
                _YEAR,
                Column("orphan_centralized_standard", "集中供养孤儿养育标准", "integer",
                       "集中供养(机构集中养育)孤儿最低养育标准", "minimum support standard, "
                       "orphans in centralised care", "元/人/年"),
                Column("orphan_scattered_standard", "社会散居孤儿养育标准", "integer",
                       "社会散居孤儿和事实无人抚养儿童基本生活保障标准",
                       "support standard, scattered orphans and de-facto unsupported children",
                       "元/人/年"),
                Column("foster_families", "寄养家庭数", "integer", "年末在册寄养家庭数",
                       "foster families registered at year end", "户"),
                Column("foster_families_compliant", "符合条件寄养家庭数", "integer",
                       "符合《家庭寄养管理办法》规定条件的寄养家庭数",
                       "foster families meeting the conditions of the Family Foster Care "
                       "Measures", "户"),
            ),
        ),
        SubmissionType(
            code="protection_stations",
            name_zh="乡镇(街道)未成年人保护工作站设立情况",
            name_en="Township minors-protection stations",
            level="township",
            period="year",
            submitters=("civil_affairs",),
            indicators=("protection_station_count",),
            deadline_days=15,
            columns=(
                Column("org_unit_code", "乡镇(街道)代码", "varchar", "9位统计用区划代码",
                       "9-digit NBS division code of the township", is_key=True),
                _YEAR,
                Column("has_station", "是否已设立未保站", "integer",
                       "已设立并运行未成年人保护工作站填 1,未设立填 0",
                       "1 if a minors-protection station is set up and running, else 0"),
            ),
            measures=(Measure("protection_station_count", "has_station"),),
        ),
    )
}
