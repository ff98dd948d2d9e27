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
    period: str  # year | quarter (quarterly figures are cumulative for the year so far)
    submitters: tuple[str, ...]  # agency codes allowed to submit (see seeds/reference/agencies.csv)
    indicators: tuple[str, ...]
    deadline_days: int  # days after the period ends
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # Generic types declare their indicators as measures; the four original types have
    # dedicated staging models instead (village coverage counts unreported villages, etc.).
    measures: tuple[Measure, ...] = ()
    # A county-level type whose rows may also be for the submitting jurisdiction itself when
    # that is above the county (a provincial joint conference reporting its own meetings).
    jurisdiction_rows: bool = False

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

_YEAR = Column("year", "年度", "integer", "统计年度", "reporting year", is_key=True)

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
                Column(
                    "org_unit_code",
                    "村(社区)代码",
                    "varchar",
                    "12位统计用区划代码",
                    "12-digit NBS division code of the village/community",
                    is_key=True,
                ),
                _YEAR,
                Column(
                    "child_director_count",
                    "儿童主任人数",
                    "integer",
                    "本村(社区)在岗儿童主任人数",
                    "child directors in post",
                    "人",
                ),
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
                Column(
                    "org_unit_code",
                    "乡镇(街道)代码",
                    "varchar",
                    "9位统计用区划代码",
                    "9-digit NBS division code of the township",
                    is_key=True,
                ),
                _YEAR,
                Column(
                    "child_supervisor_count",
                    "儿童督导员人数",
                    "integer",
                    "本乡镇(街道)在岗儿童督导员人数",
                    "child supervisors in post",
                    "人",
                ),
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
                Column(
                    "institution_code",
                    "机构编码",
                    "varchar",
                    "本单位为机构编的代码(不填机构名称)",
                    "code the agency assigns to the institution (no names)",
                    is_key=True,
                ),
                Column(
                    "org_unit_code",
                    "所在乡镇(街道)代码",
                    "varchar",
                    "机构所在乡镇(街道)9位代码",
                    "9-digit code of the township where the institution is",
                ),
                Column("sector", "行业", "varchar", "机构所属行业", "sector of the institution"),
                _YEAR,
                Column(
                    "new_hires",
                    "新入职人数",
                    "integer",
                    "年度内新招聘人员数",
                    "staff hired in the year",
                    "人",
                ),
                Column(
                    "new_hires_checked",
                    "入职查询人数",
                    "integer",
                    "新招聘人员中招聘时已查询违法犯罪记录的人数",
                    "new hires checked for criminal records before hiring",
                    "人",
                ),
                Column(
                    "staff_in_post",
                    "在岗人数",
                    "integer",
                    "年末在岗工作人员数",
                    "staff in post at year end",
                    "人",
                ),
                Column(
                    "staff_checked",
                    "年度查询人数",
                    "integer",
                    "在岗人员中本年度已定期查询违法犯罪记录的人数",
                    "staff in post checked during the year",
                    "人",
                ),
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
                Column(
                    "org_unit_code",
                    "县(市、区)代码",
                    "varchar",
                    "6位统计用区划代码",
                    "6-digit NBS division code of the county",
                    is_key=True,
                ),
                _YEAR,
                Column(
                    "orphan_centralized_standard",
                    "集中供养孤儿养育标准",
                    "integer",
                    "集中供养(机构集中养育)孤儿最低养育标准",
                    "minimum support standard, orphans in centralised care",
                    "元/人/年",
                ),
                Column(
                    "orphan_scattered_standard",
                    "社会散居孤儿养育标准",
                    "integer",
                    "社会散居孤儿和事实无人抚养儿童基本生活保障标准",
                    "support standard, scattered orphans and de-facto unsupported children",
                    "元/人/年",
                ),
                Column(
                    "foster_families",
                    "寄养家庭数",
                    "integer",
                    "年末在册寄养家庭数",
                    "foster families registered at year end",
                    "户",
                ),
                Column(
                    "foster_families_compliant",
                    "符合条件寄养家庭数",
                    "integer",
                    "符合《家庭寄养管理办法》规定条件的寄养家庭数",
                    "foster families meeting the conditions of the Family Foster Care Measures",
                    "户",
                ),
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
                Column(
                    "org_unit_code",
                    "乡镇(街道)代码",
                    "varchar",
                    "9位统计用区划代码",
                    "9-digit NBS division code of the township",
                    is_key=True,
                ),
                _YEAR,
                Column(
                    "has_station",
                    "是否已设立未保站",
                    "integer",
                    "已设立并运行未成年人保护工作站填 1,未设立填 0",
                    "1 if a minors-protection station is set up and running, else 0",
                ),
            ),
            measures=(Measure("protection_station_count", "has_station"),),
        ),
    )
}


# --------------------------------------------------------------------------- generic types
# One type per `submission_type` of seeds/reference/indicators.csv beyond the original four.
# Rows are aggregates (a village, a township, a county, or an institution under an
# agency-assigned code): never a name. 0/1 flag columns count once per row ("1" denominator).

_ORG_ZH = {
    "village": (
        "村(社区)代码",
        "12位统计用区划代码",
        "12-digit NBS division code of the village/community",
        ("village_code", "village code"),
    ),
    "township": (
        "乡镇(街道)代码",
        "9位统计用区划代码",
        "9-digit NBS division code of the township",
        ("township_code", "township code"),
    ),
    "county": (
        "县(市、区)代码",
        "6位统计用区划代码",
        "6-digit NBS division code of the county",
        ("county_code", "county code"),
    ),
}


def _org(level: str) -> Column:
    header, zh, en, aliases = _ORG_ZH[level]
    return Column("org_unit_code", header, "varchar", zh, en, is_key=True, aliases=aliases)


_INSTITUTION = Column(
    "institution_code",
    "机构编码",
    "varchar",
    "本单位为机构编的代码(不填机构名称)",
    "code the agency assigns to the institution (no names)",
    is_key=True,
    aliases=("institution code",),
)
_INSTITUTION_TOWN = Column(
    "org_unit_code",
    "所在乡镇(街道)代码",
    "varchar",
    "机构所在乡镇(街道)9位代码",
    "9-digit code of the township where the institution is",
    aliases=("township_code", "township code"),
)
_SECTOR = Column(
    "sector",
    "行业",
    "varchar",
    "机构所属行业",
    "sector of the institution",
    aliases=("sector code",),
)
_QUARTER = Column(
    "quarter",
    "季度",
    "integer",
    "统计季度(1—4),数字为本年度截至该季度末的累计数",
    "quarter (1-4); figures are cumulative for the year to the quarter's end",
    is_key=True,
)


def _flag(name: str, header_zh: str, zh: str, en: str, *aliases: str) -> Column:
    return Column(
        name, header_zh, "integer", f"{zh}填 1,否则填 0", f"1 if {en}, else 0", aliases=aliases
    )


def _count(name: str, header_zh: str, zh: str, en: str, unit_zh: str, *aliases: str) -> Column:
    return Column(name, header_zh, "integer", zh, en, unit_zh, aliases=aliases)


# Task progress: status codes with their Chinese words (the template lists the codes).
TASK_STATUSES: dict[str, tuple[str, str]] = {
    "not_started": ("未开始", "not started"),
    "in_progress": ("推进中", "in progress"),
    "done": ("已完成", "done"),
    "lagging": ("滞后", "lagging"),
}
TASK_NOTE_MAX_CHARS = 200

SUBMISSION_TYPES.update(
    {
        t.code: t
        for t in (
            SubmissionType(
                code="child_homes",
                name_zh="村(社区)示范型儿童之家建设情况",
                name_en="Model child homes by village/community",
                level="village",
                period="year",
                submitters=("womens_federation",),
                indicators=(
                    "demo_child_home_count",
                    "demo_child_home_city_named_count",
                    "demo_child_home_village_share",
                ),
                deadline_days=15,
                columns=(
                    _org("village"),
                    _YEAR,
                    _flag(
                        "has_model_home",
                        "是否建有示范型儿童之家",
                        "本村(社区)儿童之家已被命名为示范型(含往年命名)",
                        "the village's child home holds a model title (any year)",
                        "has model child home",
                    ),
                    _flag(
                        "titled_this_year",
                        "是否本年度新命名",
                        "本村(社区)儿童之家于本年度被命名为示范型",
                        "the child home was named a model home this year",
                        "named this year",
                    ),
                    _flag(
                        "titled_by_city",
                        "其中是否地市级命名",
                        "本年度新命名且由地级市命名",
                        "named this year by the prefecture-level city",
                        "named by city",
                    ),
                ),
                measures=(
                    Measure("demo_child_home_count", "titled_this_year"),
                    Measure("demo_child_home_city_named_count", "titled_by_city"),
                    Measure("demo_child_home_village_share", "has_model_home", "1"),
                ),
            ),
            SubmissionType(
                code="childcare_places",
                name_zh="3岁以下婴幼儿托位情况",
                name_en="Childcare places for children under 3",
                level="county",
                period="year",
                submitters=("health",),
                indicators=("childcare_places_per_thousand",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "childcare_places",
                        "托位数",
                        "年末3岁以下婴幼儿托位数(含托育机构和幼儿园托班)",
                        "childcare places for children under 3 at year end",
                        "个",
                        "childcare places",
                    ),
                    _count(
                        "resident_population",
                        "常住人口数",
                        "年末常住人口数",
                        "resident population at year end",
                        "人",
                        "resident population",
                        "population",
                    ),
                ),
                measures=(
                    Measure(
                        "childcare_places_per_thousand", "childcare_places", "resident_population"
                    ),
                ),
            ),
            SubmissionType(
                code="rehab_institutions",
                name_zh="残疾儿童定点康复机构协议管理情况",
                name_en="Designated rehabilitation institutions for disabled children",
                level="institution",
                period="year",
                submitters=("disabled_persons_federation",),
                indicators=("rehab_institution_agreement_rate",),
                deadline_days=15,
                columns=(
                    _INSTITUTION,
                    _INSTITUTION_TOWN,
                    _YEAR,
                    _flag(
                        "under_agreement",
                        "是否纳入协议管理",
                        "本定点康复机构已签订服务协议、纳入协议管理",
                        "the designated institution is under a service agreement",
                        "under agreement",
                    ),
                ),
                measures=(Measure("rehab_institution_agreement_rate", "under_agreement", "1"),),
            ),
            SubmissionType(
                code="service_stations",
                name_zh="妇女儿童综合服务驿站建设情况",
                name_en="Women and children's service stations by township",
                level="township",
                period="year",
                submitters=("womens_federation",),
                indicators=(
                    "service_station_township_coverage",
                    "service_station_village_coverage",
                ),
                deadline_days=15,
                columns=(
                    _org("township"),
                    _YEAR,
                    _flag(
                        "has_township_station",
                        "镇(街道)是否建有驿站",
                        "本镇(街道)已建成妇女儿童综合服务驿站",
                        "the township has a service station",
                        "township station",
                    ),
                    _count(
                        "villages",
                        "村(社区)总数",
                        "本镇(街道)所辖村(社区)总数",
                        "villages/communities in the township",
                        "个",
                        "villages",
                    ),
                    _count(
                        "villages_with_station",
                        "建有驿站的村(社区)数",
                        "已建成妇女儿童综合服务驿站的村(社区)数",
                        "villages/communities with a service station",
                        "个",
                        "villages with station",
                    ),
                ),
                measures=(
                    Measure("service_station_township_coverage", "has_township_station", "1"),
                    Measure(
                        "service_station_village_coverage", "villages_with_station", "villages"
                    ),
                ),
            ),
            SubmissionType(
                code="smart_campuses",
                name_zh="“智安校园”建设情况",
                name_en="Smart-safe campuses (schools and kindergartens)",
                level="institution",
                period="year",
                submitters=("education",),
                indicators=("smart_campus_coverage",),
                deadline_days=15,
                columns=(
                    _INSTITUTION,
                    _INSTITUTION_TOWN,
                    _SECTOR,
                    _YEAR,
                    _flag(
                        "is_smart_campus",
                        "是否建成智安校园",
                        "本校(园)已建成“智安校园”(高清视频、人脸识别、智能分析等技防)",
                        "the school/kindergarten is a completed smart-safe campus",
                        "smart campus",
                    ),
                ),
                measures=(Measure("smart_campus_coverage", "is_smart_campus", "1"),),
            ),
            SubmissionType(
                code="family_education",
                name_zh="村(社区)公益性家庭教育指导服务情况",
                name_en="Family-education guidance by village/community",
                level="village",
                period="year",
                submitters=("womens_federation",),
                indicators=("family_education_guidance_coverage",),
                deadline_days=15,
                columns=(
                    _org("village"),
                    _YEAR,
                    _flag(
                        "guidance_held",
                        "本年度是否开展家庭教育指导",
                        "本年度至少开展一次面向父母或其他监护人、被委托人的公益性家庭教育指导服务",
                        "at least one free family-education guidance session was held this year",
                        "guidance held",
                    ),
                ),
                measures=(Measure("family_education_guidance_coverage", "guidance_held", "1"),),
            ),
            SubmissionType(
                code="school_family_education",
                name_zh="学校家庭教育指导与实践活动开展情况",
                name_en="Family-education guidance and practice in schools and kindergartens",
                level="institution",
                period="year",
                submitters=("education",),
                indicators=(
                    "school_family_education_guidance_rate",
                    "school_family_education_practice_rate",
                ),
                deadline_days=15,
                columns=(
                    _INSTITUTION,
                    _INSTITUTION_TOWN,
                    _SECTOR,
                    _YEAR,
                    _flag(
                        "guidance_each_term",
                        "每学期是否组织家庭教育指导",
                        "本年度每个学期都至少组织一次家庭教育指导",
                        "family-education guidance was organised at least once every term",
                        "guidance each term",
                    ),
                    _flag(
                        "practice_each_term",
                        "每学期是否组织家庭教育实践活动",
                        "本年度每个学期都至少组织一次家庭教育实践活动",
                        "a family-education practice activity was organised at least once every "
                        "term",
                        "practice each term",
                    ),
                ),
                measures=(
                    Measure("school_family_education_guidance_rate", "guidance_each_term", "1"),
                    Measure("school_family_education_practice_rate", "practice_each_term", "1"),
                ),
            ),
            SubmissionType(
                code="after_school_services",
                name_zh="义务教育学校课后服务开展情况",
                name_en="After-school services in compulsory-education schools",
                level="institution",
                period="year",
                submitters=("education",),
                indicators=("after_school_service_coverage",),
                deadline_days=15,
                columns=(
                    _INSTITUTION,
                    _INSTITUTION_TOWN,
                    _YEAR,
                    _flag(
                        "provides_after_school",
                        "是否提供课后服务",
                        "本校提供课后服务",
                        "the school provides after-school services",
                        "after-school service",
                    ),
                ),
                measures=(Measure("after_school_service_coverage", "provides_after_school", "1"),),
            ),
            SubmissionType(
                code="left_behind_carers",
                name_zh="困境、留守儿童排查与委托照护情况",
                name_en="Survey and entrusted care of left-behind children by village/community",
                level="village",
                period="year",
                submitters=("civil_affairs",),
                indicators=(
                    "entrusted_care_agreement_rate",
                    "left_behind_survey_coverage",
                    "left_behind_carer_rate",
                ),
                deadline_days=15,
                columns=(
                    _org("village"),
                    _YEAR,
                    _flag(
                        "survey_done",
                        "本年度是否完成信息排查",
                        "本年度已完成困境、留守儿童信息精准排查",
                        "the survey of children in difficulty and left-behind children is done "
                        "this year",
                        "survey done",
                    ),
                    _count(
                        "entrusted_children",
                        "委托照护儿童数",
                        "委托非法定监护人照护的儿童数",
                        "children in the care of someone other than their legal guardian",
                        "人",
                        "entrusted children",
                    ),
                    _count(
                        "entrusted_agreements",
                        "已签订委托照护协议数",
                        "其中已签订委托照护协议的儿童数",
                        "of whom an entrusted-care agreement is signed",
                        "人",
                        "entrusted agreements",
                    ),
                    _count(
                        "left_behind_children",
                        "农村留守儿童数",
                        "年末农村留守儿童数",
                        "rural left-behind children at year end",
                        "人",
                        "left-behind children",
                    ),
                    _count(
                        "left_behind_with_carer",
                        "有合法被委托人照护数",
                        "其中有合法的被委托人照护的儿童数",
                        "of whom cared for by a lawfully entrusted carer",
                        "人",
                        "left-behind with carer",
                    ),
                ),
                measures=(
                    Measure(
                        "entrusted_care_agreement_rate",
                        "entrusted_agreements",
                        "entrusted_children",
                    ),
                    Measure("left_behind_survey_coverage", "survey_done", "1"),
                    Measure(
                        "left_behind_carer_rate", "left_behind_with_carer", "left_behind_children"
                    ),
                ),
            ),
            SubmissionType(
                code="orphan_guardianship",
                name_zh="社会散居孤儿监护责任确认书签订情况",
                name_en="Guardianship letters for scattered orphans by township",
                level="township",
                period="year",
                submitters=("civil_affairs",),
                indicators=("orphan_guardianship_letter_rate",),
                deadline_days=15,
                columns=(
                    _org("township"),
                    _YEAR,
                    _count(
                        "scattered_orphans",
                        "社会散居孤儿数",
                        "年末社会散居孤儿数",
                        "scattered orphans at year end",
                        "人",
                        "scattered orphans",
                    ),
                    _count(
                        "letters_signed",
                        "已签订监护责任确认书数",
                        "其中监护人已签订监护责任确认书的孤儿数",
                        "of whom the guardian has signed a guardianship letter",
                        "人",
                        "letters signed",
                    ),
                ),
                measures=(
                    Measure(
                        "orphan_guardianship_letter_rate", "letters_signed", "scattered_orphans"
                    ),
                ),
            ),
            SubmissionType(
                code="school_psychology",
                name_zh="中小学校心理老师配备情况",
                name_en="Psychology teachers in primary and secondary schools",
                level="institution",
                period="year",
                submitters=("education",),
                indicators=("school_psychology_teacher_rate",),
                deadline_days=15,
                columns=(
                    _INSTITUTION,
                    _INSTITUTION_TOWN,
                    _YEAR,
                    _flag(
                        "has_psychology_teacher",
                        "是否配备心理老师",
                        "本校至少配备一名专职或兼职心理老师",
                        "the school has at least one full- or part-time psychology teacher",
                        "psychology teacher",
                    ),
                ),
                measures=(
                    Measure("school_psychology_teacher_rate", "has_psychology_teacher", "1"),
                ),
            ),
            SubmissionType(
                code="social_organisations",
                name_zh="未成年人保护专业性社会组织培育情况",
                name_en="Professional social organisations for minors' protection",
                level="county",
                period="year",
                submitters=("civil_affairs",),
                indicators=("social_organisation_count",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "organisations",
                        "专业性社会组织数",
                        "年末在本辖区登记、培育孵化的未成年人保护专业性社会组织数",
                        "professional minors'-protection social organisations registered at "
                        "year end",
                        "个",
                        "organisations",
                    ),
                ),
                measures=(Measure("social_organisation_count", "organisations"),),
            ),
            SubmissionType(
                code="school_surroundings",
                name_zh="学校、幼儿园、托育机构周边环境治理情况",
                name_en="Surroundings of schools, kindergartens and childcare institutions",
                level="institution",
                period="year",
                submitters=("education", "health"),
                indicators=("school_surroundings_clear_rate",),
                deadline_days=15,
                columns=(
                    _INSTITUTION,
                    _INSTITUTION_TOWN,
                    _SECTOR,
                    _YEAR,
                    _flag(
                        "surroundings_clear",
                        "周边50米是否无违规场所",
                        "周边50米内无营业性娱乐场所、酒吧、互联网上网服务营业场所及烟(含电子烟)、酒、"
                        "彩票销售网点",
                        "no entertainment venue, bar, internet café or tobacco, alcohol or lottery "
                        "outlet within 50 m",
                        "surroundings clear",
                    ),
                ),
                measures=(Measure("school_surroundings_clear_rate", "surroundings_clear", "1"),),
            ),
            SubmissionType(
                code="venue_licensing",
                name_zh="新设娱乐场所、互联网上网服务营业场所选址情况",
                name_en="Siting of newly licensed entertainment venues and internet cafés",
                level="county",
                period="year",
                submitters=("culture_tourism",),
                indicators=("new_venue_distance_rate",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "new_venues",
                        "新设场所数",
                        "本年度新设立的娱乐场所、互联网上网服务营业场所数",
                        "entertainment venues and internet cafés licensed this year",
                        "个",
                        "new venues",
                    ),
                    _count(
                        "new_venues_compliant",
                        "距幼儿园200米以上场所数",
                        "其中与幼儿园距离不少于200米的场所数",
                        "of which at least 200 m from any kindergarten",
                        "个",
                        "compliant venues",
                    ),
                ),
                measures=(
                    Measure("new_venue_distance_rate", "new_venues_compliant", "new_venues"),
                ),
            ),
            SubmissionType(
                code="committee_meetings",
                name_zh="未保办办公室成员会议与联席会议全体会议召开情况",
                name_en="Committee office and joint-conference plenary meetings",
                level="county",
                period="quarter",
                submitters=("civil_affairs",),
                indicators=("office_member_meeting_count", "joint_conference_plenary_count"),
                deadline_days=15,
                columns=(
                    Column(
                        "org_unit_code",
                        "辖区代码",
                        "varchar",
                        "县(市、区)6位代码;省级联席会议办公室填本省2位代码",
                        "6-digit county code; a provincial joint-conference office gives its "
                        "2-digit province code",
                        is_key=True,
                        aliases=("jurisdiction code",),
                    ),
                    _YEAR,
                    _QUARTER,
                    _count(
                        "office_meetings",
                        "办公室成员会议次数",
                        "本年度截至本季度末召开的未保办(联席会议办公室)成员会议累计次数",
                        "office member meetings held this year up to the quarter's end",
                        "次",
                        "office meetings",
                    ),
                    _count(
                        "plenary_meetings",
                        "联席会议全体会议次数",
                        "本年度截至本季度末召开的联席会议全体会议累计次数(由省级联席会议办公室填报,"
                        "县级填 0)",
                        "joint-conference plenary meetings held this year up to the quarter's end "
                        "(reported by the provincial office; counties enter 0)",
                        "次",
                        "plenary meetings",
                    ),
                ),
                measures=(
                    Measure("office_member_meeting_count", "office_meetings"),
                    Measure("joint_conference_plenary_count", "plenary_meetings"),
                ),
                jurisdiction_rows=True,
            ),
            SubmissionType(
                code="medical_rehab_items",
                name_zh="基本医疗保险医疗康复项目执行情况",
                name_en="Medical rehabilitation items paid by basic medical insurance",
                level="county",
                period="year",
                submitters=("healthcare_security",),
                indicators=("medical_rehab_items_count",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "rehab_items",
                        "执行的医疗康复项目数",
                        "本统筹区纳入基本医疗保险支付范围并执行的医疗康复项目数(国家目录共29项)",
                        "medical rehabilitation items paid by basic medical insurance and in force "
                        "(the national list has 29)",
                        "项",
                        "rehab items",
                    ),
                ),
                measures=(Measure("medical_rehab_items_count", "rehab_items"),),
            ),
            SubmissionType(
                code="minor_victim_cases",
                name_zh="侵害未成年人合法权益案件立案情况",
                name_en="Cases of harm to minors filed",
                level="county",
                period="year",
                submitters=("public_security",),
                indicators=("minor_victim_case_count",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "cases_filed",
                        "立案的侵害未成年人案件数",
                        "本年度公安机关立案的侵害未成年人合法权益刑事案件数(不填任何当事人信息)",
                        "criminal cases of harm to minors filed by the police this year (no personal data)",
                        "件",
                        "cases filed",
                    ),
                ),
                measures=(Measure("minor_victim_case_count", "cases_filed"),),
            ),
            SubmissionType(
                code="poverty_dropouts",
                name_zh="因贫失学农村留守儿童和困境儿童情况",
                name_en="Left-behind children and children in difficulty out of school because of poverty",
                level="county",
                period="year",
                submitters=("education",),
                indicators=("poverty_dropout_count",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "poverty_dropouts",
                        "因贫失学人数",
                        "本年度控辍保学排查中因家庭贫困失学(辍学)的农村留守儿童和困境儿童人数,只填人数,不填姓名",
                        "rural left-behind children and children in difficulty out of school because of poverty in this year's checks; a number only, no names",
                        "人",
                        "out of school because of poverty",
                    ),
                ),
                measures=(Measure("poverty_dropout_count", "poverty_dropouts"),),
            ),
            SubmissionType(
                code="child_labour_inspections",
                name_zh="违规招用未满十六周岁未成年人检查情况",
                name_en="Inspections for employment of children under 16",
                level="county",
                period="year",
                submitters=("human_resources",),
                indicators=("child_labour_violation_count",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "employers_inspected",
                        "检查用人单位数",
                        "本年度劳动保障监察检查的用人单位数",
                        "employers inspected by labour inspectors this year",
                        "家",
                        "employers inspected",
                    ),
                    _count(
                        "employers_violating",
                        "违规招用未满16周岁未成年人的单位数",
                        "检查中发现违规招用未满十六周岁未成年人的用人单位数",
                        "employers found employing children under 16 in those inspections",
                        "家",
                        "employers found employing children under 16",
                    ),
                ),
                measures=(
                    Measure(
                        "child_labour_violation_count", "employers_violating", "employers_inspected"
                    ),
                ),
            ),
            SubmissionType(
                code="minor_sales_inspections",
                name_zh="向未成年人销售烟酒彩票检查情况",
                name_en="Inspections for sales of tobacco, alcohol and lottery to minors",
                level="county",
                period="year",
                submitters=("market_regulation",),
                indicators=("minor_sales_violation_count",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "outlets_inspected",
                        "检查的销售网点数",
                        "本年度检查的烟(含电子烟)、酒、彩票销售网点数",
                        "tobacco (incl. e-cigarette), alcohol and lottery outlets inspected this year",
                        "个",
                        "outlets inspected",
                    ),
                    _count(
                        "outlets_violating",
                        "向未成年人销售的网点数",
                        "检查中发现向未成年人销售烟、酒、彩票或兑付彩票奖金的网点数(同一网点只计一次)",
                        "outlets found selling tobacco, alcohol or lottery tickets to minors, or paying lottery prizes to them, in those inspections (each outlet once)",
                        "起",
                        "outlets selling to minors",
                    ),
                ),
                measures=(
                    Measure(
                        "minor_sales_violation_count", "outlets_violating", "outlets_inspected"
                    ),
                ),
            ),
            SubmissionType(
                code="holiday_patrols",
                name_zh="农村留守儿童寒暑期巡查情况",
                name_en="Holiday patrols of left-behind children",
                level="county",
                period="year",
                submitters=("civil_affairs",),
                indicators=("holiday_patrol_rounds",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "patrol_rounds",
                        "完成巡查轮次",
                        "本年度完成的寒暑期等重点时段巡查轮次(全县统一部署、覆盖各村(社区)的一轮计一次)",
                        "rounds of holiday patrols completed this year (one county-wide round covering every village counts once)",
                        "轮",
                        "patrol rounds",
                    ),
                ),
                measures=(Measure("holiday_patrol_rounds", "patrol_rounds"),),
            ),
            SubmissionType(
                code="housing_activity_rooms",
                name_zh="新建住宅未成年人活动场所“三同步”情况",
                name_en="Minors' activity rooms in new housing",
                level="county",
                period="year",
                submitters=("housing_construction",),
                indicators=("housing_activity_room_rate",),
                deadline_days=15,
                columns=(
                    _org("county"),
                    _YEAR,
                    _count(
                        "projects_delivered",
                        "交付的新建住宅项目数",
                        "本年度交付的新建住宅项目数",
                        "new housing projects delivered this year",
                        "个",
                        "housing projects delivered",
                    ),
                    _count(
                        "projects_compliant",
                        "活动场所“三同步”的项目数",
                        "其中未成年人活动场所与住宅同步建设、同步验收、同步交付的项目数",
                        "of which the minors' activity room was built, accepted and delivered with the housing",
                        "个",
                        "projects with the activity room delivered with them",
                    ),
                ),
                measures=(
                    Measure(
                        "housing_activity_room_rate", "projects_compliant", "projects_delivered"
                    ),
                ),
            ),
            SubmissionType(
                code="task_progress",
                name_zh="工作任务推进情况",
                name_en="Work-plan task progress",
                level="county",
                period="quarter",
                # any member unit may be responsible for a task (seeds/reference/tasks.csv)
                submitters=(
                    "civil_affairs",
                    "education",
                    "health",
                    "public_security",
                    "procuratorate",
                    "court",
                    "justice",
                    "finance",
                    "womens_federation",
                    "disabled_persons_federation",
                    "youth_league",
                    "human_resources",
                    "propaganda",
                    "political_legal",
                    "cyberspace",
                    "people_congress",
                    "development_reform",
                    "science_technology",
                    "industry_it",
                    "housing_construction",
                    "transport",
                    "agriculture_rural",
                    "culture_tourism",
                    "emergency_management",
                    "state_assets",
                    "market_regulation",
                    "sports",
                    "statistics",
                    "healthcare_security",
                    "taxation",
                    "radio_tv",
                    "trade_union",
                    "women_children_committee",
                    "next_generation_committee",
                    "science_association",
                    "commerce_federation",
                    "township_government",
                    "subdistrict_office",
                    "minors_protection_office",
                ),
                indicators=(),
                deadline_days=15,
                columns=(
                    Column(
                        "task_id",
                        "任务编号",
                        "varchar",
                        "工作任务编号(见工作要点,如 003-t02)",
                        "task id from the work plan (e.g. 003-t02)",
                        is_key=True,
                        aliases=("task id", "task"),
                    ),
                    _YEAR,
                    _QUARTER,
                    Column(
                        "status",
                        "进展状态",
                        "varchar",
                        "填代码:not_started 未开始、in_progress 推进中、done 已完成、lagging 滞后",
                        "a code: not_started, in_progress, done, lagging",
                        aliases=("status",),
                    ),
                    Column(
                        "note",
                        "备注",
                        "varchar",
                        f"简要说明进展或滞后原因,不超过{TASK_NOTE_MAX_CHARS}字,不写任何人的个人信息",
                        f"short note on progress or the reason for delay, at most "
                        f"{TASK_NOTE_MAX_CHARS} characters, no personal data",
                        aliases=("note",),
                    ),
                ),
            ),
        )
    }
)
