"""The one guard every free-text field goes through: does this text name a person?

    find_names("已走访困境儿童王小明家庭")  ->  ["王小明"]

Two rules, both built on a surname list (the 100 most common single surnames, which cover
about 85% of people, plus the common compound surnames):

- **in context**: a word that introduces a person (儿童, 监护人, 联系人, 家长, 学生 …) followed
  by surname + one or two characters, or surname + one or two characters followed by 家庭, 同学
  or 的监护人 — "困境儿童王小明家庭", "联系人:欧阳娜娜";
- **alone**: a whole cell that is surname + one or two characters — a name typed in a notes
  cell or pasted into a column — unless it ends like a place or an organisation (村, 社区, 镇,
  学校 …) or is a common word that happens to start with a surname character (任务, 方案 …).

Place-name columns (村(社区)名称, 单位名称 …) are not passed through the guard at all; the
measured false-positive rates on names-free text are in benchmarks/README.md
(`python benchmarks/bench_names.py`).
"""

from __future__ import annotations

import re

import pandas as pd

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "端木",
    "南宫",
    "西门",
    "独孤",
    "呼延",
    "钟离",
    "澹台",
    "申屠",
    "赫连",
    "拓跋",
    "万俟",
    "闻人",
    "东方",
)
# Words that introduce a person, and words that follow one.
CONTEXT_BEFORE = (
    "儿童",
    "监护人",
    "联系人",
    "家长",
    "学生",
    "未成年人",
    "孩子",
    "患儿",
    "幼儿",
    "受助人",
    "当事人",
    "负责人",
    "责任人",
    "经办人",
)
CONTEXT_AFTER = ("家庭", "同学", "的监护人", "的家长", "小朋友", "负责")
# Common words that start with a surname character: not names.
NOT_NAMES = frozenset(
    """
    任务 任职 任何 任期 任命 范围 方面 方式 方案 方法 方向 方针 严格 严重 严厉 严肃 高度 高中 高校
    高风险 高危 高发 高质量 高水平 周边 周末 周岁 周年 周报 马上 许可 程序 程度 金额 余额 付费 顾问
    陆续 白天 夏季 曾经 张贴 陈列 何时 林业 田间 石油 万元 钱款 谢绝 杜绝 董事 于是 于此 向上 向下
    江河 毛病 孔子 龙头 黄金 高等 高级 史上 万一 万人 贺信 史料 关心 关爱 孟子 金融 钟点 石头 石料
    朱红 黎明 武装 武警 宋体 唐代 雷锋 丁字 汤圆 方便 方可 白色 黄色 金色 江南 江北 龙舟 万家
    高山 周期 周转 许多 万户 万名 万余 于他 范例 罗列 孙子 苏醒 卢沟 秦汉 傅里 曹操 熊猫 韩国 沈阳 魏晋 吴江
    """.split()
)
# Endings of places and organisations: a cell ending so is a place, not a person.
PLACE_ENDINGS = (
    "村 社区 居委会 村委会 委员会 街道 镇 乡 县 市 区 省 州 盟 旗 组 庄 屯 寨 营 岗 湾 坪 沟 桥 河 湖 岭 园 苑 "
    "里 巷 路 街 店 铺 堡 场 所 站 局 院 校 馆 厂 队 坊 港 浦 埠 塘 坞 峪 滩 岛 溪 坝 墩 口 "
    "井 渠 闸 坟 坡 疃 川 洼 门 寺 池 台 观 楼 家 阁 亭 塔 堰 垸 圩 岙 坳 垭 坎 崖 汊 涧 渡 集 窑 庙 宫 "
    "祠 庵 府 郢 弄 垅 垄 冲 畈 埂 头 尾 嘴 角 屿 堤 坑 寓 居 邸 厦 驿 哨 卡 甸 窝 垴 峁 梁 坨 泊 "
    "子 堂 宅 屋 咀 洞 塬 岔 圈 房 厝 沙 "
    "中心 之家 学校 医院 公司 协会 学会 基地 小学 中学 大学 幼儿园 办 科 处 部 会 厅 委"
).split()

_CJK = "\u4e00-\u9fa5"
_NAME = rf"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])[{_CJK}]{{1,2}}"
_IN_CONTEXT = re.compile(
    rf"(?:{'|'.join(CONTEXT_BEFORE)})[::]?\s*(?P<a>{_NAME})"
    rf"|(?P<b>(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])[{_CJK}]{{1,2}}?)"
    rf"(?:{'|'.join(CONTEXT_AFTER)})"
)
_ALONE = re.compile(rf"{_NAME}")
_PLACE = re.compile(rf"(?:{'|'.join(sorted(PLACE_ENDINGS, key=len, reverse=True))})$")
_STARTS_WITH_WORD = re.compile(rf"(?:{'|'.join(sorted(NOT_NAMES, key=len, reverse=True))})")


def _plausible(name: str) -> bool:
    return not _STARTS_WITH_WORD.match(name) and not _PLACE.search(name)


def find_names(text: str) -> list[str]:
    """Likely personal names in one piece of free text (empty list if none)."""
    if not text or text.isascii():
        return []
    found = []
    for m in _IN_CONTEXT.finditer(text):
        name = m.group("a") or m.group("b")
        if name and _plausible(name):
            found.append(name)
    cell = re.sub(r"\s+", "", text)
    if _ALONE.fullmatch(cell) and _plausible(cell):
        found.append(cell)
    return found


def names_in(values: pd.Series) -> pd.Series:
    """The first likely name in each cell of a column of strings, or NA; column-at-a-time, so
    a 1M-row column with no Chinese text costs one vectorised pass."""
    out = pd.Series(pd.NA, index=values.index, dtype=object)
    candidates = values[values.str.contains(rf"[{_CJK}]", regex=True, na=False)]
    if candidates.empty:
        return out
    found = {text: names[0] for text in candidates.unique() if (names := find_names(text))}
    hit = candidates.map(found)
    out[hit.dropna().index] = hit.dropna()
    return out


def mask_name(name: str) -> str:
    """王小明 -> 王**: enough to find the cell, not enough to name the child."""
    return name[0] + "*" * (len(name) - 1)
