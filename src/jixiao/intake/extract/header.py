"""The header of an evaluation: project, year, unit, department, implementer, category boxes, date.

Sources, best first: the 自评表's labelled cells (项目名称 | …); ``label：value`` lines; the title
(“2018年度基层政权和社区建设项目绩效自评表”, “众和社区工作经费项目2019年绩效自评报告”); the unit's
name above the title or in the signature at the end.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from jixiao.core.model import Project
from jixiao.intake.document import CHECKED
from jixiao.intake.document import UNCHECKED
from jixiao.intake.extract.fields import Field
from jixiao.intake.extract.fields import first
from jixiao.intake.extract.prose import heading_level
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.prose import strip_enumerator
from jixiao.intake.extract.sections import Para

_LABELS: dict[str, re.Pattern[str]] = {
    "name": re.compile(r"项目名称"),
    # The transfer form names 中央主管部门 and 地方主管部门: the unit's own is the local one.
    "department": re.compile(r"地方主管部门(及代码|名称)?|(主管部门|主管单位)(及代码|名称)?|中央主管部门"),
    "implementer": re.compile(r"(项目)?实施单位(名称)?|资金使用单位(名称)?"),
    "category": re.compile(r"项目类别"),
    "attribute": re.compile(r"项目属性"),
    "type": re.compile(r"项目类型"),
    "unit": re.compile(
        r"(单位名称|填报单位|预算单位|评价单位|部门(（单位）|\(单位\))?名称)(（盖章）|\(盖章\))?"
    ),
    "filled_date": re.compile(r"填报日期|填表日期|报送日期"),
}
_TITLE = re.compile(
    r"(?:关于)?(?P<name>[^，。；\n]{2,60}?)项目(?:\d{4}年度?)?(?:的)?(?:支出|资金)?(?:绩效)?"
    r"(?:自评|自我评价|评价)(?:价)?(?:报告|表|情况)"
)
# What a report's title calls it: an evaluation report or form.
_REPORT = re.compile(r"(?:自评|自我评价|评价)(?:报告|表)")
_LOCAL_DEPARTMENT = {"department": re.compile(r"地方主管部门(及代码|名称)?")}
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年度?(?!\s*\d{1,2}\s*月)")
# A file name a sharing site cites around the text (“《…2022年度部门整体绩效自评表.docx》由会员分享”):
# not the document's own words, so not where its year is read.
_CITED_FILE = re.compile(r"《[^《》]*\.(?:docx?|xlsx?|pdf|wps|et|txt)\b[^《》]*》", re.IGNORECASE)
_LEADING_YEAR = re.compile(r"^.*?(?:19|20)\d{2}\s*年度?")
_ORG = re.compile(
    r"(人民政府|办事处|街道|镇|乡|委员会|局|厅|委|办公室|中心|学校|医院|研究院|研究所|站|队|馆|院|处|科|部)$"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_MARKS = re.compile(f"[{CHECKED}{UNCHECKED}]")
_MAX_FRONT = 6


@dataclass(slots=True)
class HeaderResult:
    project: Project
    provenance: dict[str, str] = field(default_factory=dict)


def parse_date(text: str) -> dt.date | None:
    """“2019-7-28”, “2021年6月30日”, “2019.07.28” → a date; None when there is none."""
    m = _DATE.search(nfkc(text))
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def checked_option(text: str) -> str | None:
    """The ticked option of “1、部门预算项目 ☑ 2、区级专项 ☐” (or “☑部门预算项目 ☐…”)."""
    marks = list(_MARKS.finditer(text))
    if not marks:
        return None
    before = not text[: marks[0].start()].strip()  # marks written in front of their options
    for i, m in enumerate(marks):
        if m.group() != CHECKED:
            continue
        if before:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            option = text[m.end() : end]
        else:
            start = marks[i - 1].end() if i > 0 else 0
            option = text[start : m.start()]
        option = strip_enumerator(option.strip()).strip(" 　、，,;；")
        if option:
            return option
    return None


def _clean_value(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" 　")


def front_matter(paras: list[Para]) -> list[Para]:
    """The short paragraphs before the first heading (title, unit, subtitle).

    A title its source marks as a heading (a web page's ``<h1>``, Word's Heading 1) opens the
    front matter rather than ending it: the first paragraphs, when they have a heading level but
    no number of their own (“一、”, “（一）”) and one of them names an evaluation report or form
    (“某某区民政局” over “2023年度…项目绩效自评报告”)."""
    start = 0
    while start < len(paras) and paras[start].level is not None and heading_level(paras[start].text) is None:
        start += 1
    if not any(_REPORT.search(p.text) for p in paras[:start]):
        start = 0
    front: list[Para] = []
    for i, p in enumerate(paras):
        if len(p.text) > 60 or len(front) >= _MAX_FRONT or (p.level is not None and i >= start):
            break
        front.append(p)
    return front


def title_name(front: list[Para], unit: str | None) -> tuple[str, str] | None:
    """The project name the title states, and where."""
    joined = "".join(p.text for p in front)
    m = _TITLE.search(re.sub(r"\s+", "", joined))
    if m is None:
        return None
    name = m["name"]
    if "关于" in name:
        name = name.rsplit("关于", 1)[1]
    name = _LEADING_YEAR.sub("", name) if _YEAR.search(name) else name
    if unit and name.startswith(unit) and len(name) > len(unit) + 1:
        name = name[len(unit) :]
    name = name.strip('“”"《》 ')
    return (name, front[0].location) if len(name) >= 2 else None


def _year(front: list[Para], paras: list[Para]) -> tuple[int, str] | None:
    for p in front:
        m = _YEAR.search(_CITED_FILE.sub("", p.text))
        if m:
            return int(m[1]), p.location
    counts = Counter(int(m[1]) for p in paras for m in _YEAR.finditer(_CITED_FILE.sub("", p.text)))
    if not counts:
        return None
    year, _ = counts.most_common(1)[0]
    where = next(p.location for p in paras if str(year) in p.text)
    return year, where


def _unit_from_front(front: list[Para]) -> tuple[str, str] | None:
    for p in front:
        text = _LEADING_YEAR.sub("", p.text).strip() if _YEAR.match(p.text) else p.text.strip()
        if 2 < len(text) <= 30 and _ORG.search(text) and "项目" not in text and "报告" not in text:
            return text, p.location
    return None


def _unit_from_signature(paras: list[Para]) -> tuple[str, str] | None:
    tail = [p for p in paras[-4:] if p.text]
    for a, b in itertools.pairwise(tail):
        if parse_date(b.text) and 2 < len(a.text) <= 30 and _ORG.search(a.text):
            return a.text, a.location
    return None


def _is_label(text: str) -> bool:
    """Whether a field's value is another field's label: a form left blank (“主管部门 | | 实施单位
    | ”) gives the next label as the first text after the blank one."""
    label = re.sub(r"\s+", "", text).rstrip("：:")
    return any(pattern.fullmatch(label) for pattern in _LABELS.values())


def extract_header(fields: list[Field], paras: list[Para], titles: list[Para] | None = None) -> HeaderResult:
    """The project header from labelled fields and the title.

    ``titles`` are title-like table cells (a spreadsheet form has its title in the first row).
    """
    values: dict[str, object] = {}
    prov: dict[str, str] = {}
    for key, pattern in _LABELS.items():
        local = _LOCAL_DEPARTMENT.get(key)
        hit = (first(fields, local) if local else None) or first(fields, pattern)
        if hit is None:
            continue
        if key == "filled_date":
            date = parse_date(hit.value)
            if date is not None:
                values[key], prov[f"project.{key}"] = date, hit.location
        elif key in {"category", "attribute", "type"}:
            option = checked_option(hit.value)
            if option:
                values[key], prov[f"project.{key}"] = option, hit.location
        else:
            value = _clean_value(hit.value)
            if value and not _MARKS.search(value) and not _is_label(value):
                values[key], prov[f"project.{key}"] = value, hit.location
    front = front_matter(paras) or list(titles or [])
    if "unit" not in values:
        found = _unit_from_front(front) or _unit_from_signature(paras)
        if found:
            values["unit"], prov["project.unit"] = found
    if "name" not in values:
        unit = values.get("unit")
        titled = title_name(front, unit if isinstance(unit, str) else None)
        if titled:
            values["name"], prov["project.name"] = titled
    # A form read from text or a web page states its year in a title cell (“（2019年度）”).
    year = _year([*front, *(titles or [])], paras or list(titles or []))
    if year:
        values["year"], prov["project.year"] = year
    return HeaderResult(Project.model_validate(values), prov)
