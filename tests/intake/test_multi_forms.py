"""One file, several projects: each form its own evaluation, with the part it came from."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from intake import multi_makers as mm
from jixiao.intake.batch import check_files
from jixiao.intake.batch import check_files_grouped
from jixiao.intake.extract import extract
from jixiao.intake.extract import extract_all
from jixiao.intake.limits import Limits
from jixiao.intake.pipeline import evaluations_from_line
from jixiao.intake.pipeline import evaluations_to_line
from jixiao.intake.pipeline import extract_evaluations
from jixiao.intake.readers import read_document
from jixiao.intake.readers.libreoffice import convert

WAN = Decimal(10000)

Builder = Callable[[Path, list[mm.Spec]], Path]


def _sheets_with_summary(path: Path, forms: list[mm.Spec]) -> Path:
    return mm.xlsx_sheets(path, forms, summary=True)


def _docx_with_preamble(path: Path, forms: list[mm.Spec]) -> Path:
    return mm.docx_forms(path, forms, preamble="县财政局2023年度项目支出绩效自评结果公开")


CASES: list[tuple[str, Builder, int, list[str]]] = [
    ("two.docx", mm.docx_forms, 2, ["表1、表2", "表3、表4"]),
    ("eight.docx", _docx_with_preamble, 8, [f"表{2 * i + 1}、表{2 * i + 2}" for i in range(8)]),
    ("stacked.docx", mm.docx_stacked, 3, ["表1 第1–12行", "表1 第13–24行", "表1 第25–36行"]),
    ("sheets.xlsx", mm.xlsx_sheets, 3, [f"工作表“{s.name}”" for s in mm.specs(3)]),
    ("summary.xlsx", _sheets_with_summary, 3, [f"工作表“{s.name}”" for s in mm.specs(3)]),
    ("forms.txt", mm.tsv_forms, 3, ["表1（第3行起）", "表2（第17行起）", "表3（第31行起）"]),
    ("page.html", mm.html_page, 3, ["表1", "表2", "表3"]),
    ("pipes.txt", mm.pipe_forms, 3, ["表1（第3行起）", "表2（第18行起）", "表3（第33行起）"]),
    (
        "pipes_stacked.txt",
        mm.pipe_stacked,
        3,
        ["表1（第1行起） 第1–12行", "表1（第1行起） 第13–24行", "表1（第1行起） 第25–36行"],
    ),
]


@pytest.mark.parametrize(("name", "build", "count", "places"), CASES, ids=[c[0] for c in CASES])
def test_each_form_is_its_own_evaluation(
    tmp_path: Path, name: str, build: Builder, count: int, places: list[str]
) -> None:
    forms = mm.specs(count)
    evs = extract_evaluations(build(tmp_path / name, forms))
    assert len(evs) == count
    for ev, spec, place in zip(evs, forms, places, strict=True):
        assert ev.source is not None
        assert ev.source.part == place
        assert ev.source.path == str(tmp_path / name)
        assert ev.project.name == spec.name
        assert ev.project.year == spec.year
        assert ev.budget.planned_yuan == Decimal(spec.planned) * WAN
        assert ev.budget.executed_yuan == Decimal(spec.executed) * WAN
        assert ev.claimed.total == spec.total
        assert ev.indicators[0].name == f"{spec.thing}数量"
        assert len(ev.indicators) == 4
        assert not any(f.code in {"UNREADABLE_DOCUMENT", "EXTRACTION_INCOMPLETE"} for f in ev.findings)


def test_a_cut_table_keeps_its_rows_numbers_in_places(tmp_path: Path) -> None:
    evs = extract_evaluations(mm.docx_stacked(tmp_path / "stacked.docx", mm.specs(3)))
    second = evs[1]
    assert second.provenance["claimed.total"] == "表1 第24行"
    assert second.provenance["budget.planned_yuan"] == "表1 第17行"


def test_one_form_gives_exactly_what_extract_gives(tmp_path: Path) -> None:
    doc = read_document(mm.docx_forms(tmp_path / "one.docx", mm.specs(1)), Limits())
    drafts = extract_all(doc)
    assert len(drafts) == 1
    assert drafts[0].part is None
    assert drafts[0].evaluation == extract(doc).evaluation
    (ev,) = extract_evaluations(tmp_path / "one.docx")
    assert ev.source is not None and ev.source.part is None


def test_a_project_named_again_is_not_split(tmp_path: Path) -> None:
    """A report names its project, then attaches the 自评表 (with 项目 added); the form's header is
    printed again on its second page: one project, one evaluation."""
    spec = mm.specs(1)[0]
    d = docx.Document()
    d.add_paragraph(f"项目名称：{spec.name}")
    d.add_paragraph("一、项目概况")
    d.add_paragraph("本项目由县财政局组织实施，资金已全部拨付。")
    head = d.add_table(rows=0, cols=mm.WIDTH)
    rows = mm.head_rows(spec)
    rows[0][1] = f"县级{spec.name}项目"
    mm.add_rows(head, rows)
    indicators = d.add_table(rows=0, cols=mm.WIDTH)
    mm.add_rows(indicators, [rows[0], *mm.indicator_rows(spec)])  # 项目名称 repeated on the next page
    d.save(str(tmp_path / "report.docx"))
    evs = extract_evaluations(tmp_path / "report.docx")
    assert len(evs) == 1
    assert evs[0].claimed.total == spec.total


def test_a_list_of_projects_is_not_a_form(tmp_path: Path) -> None:
    """A page listing its projects (项目名称 as a column heading) above one form: one evaluation,
    named after the form's project, not after the list's heading."""
    spec = mm.specs(2)[1]
    d = docx.Document()
    listing = d.add_table(rows=0, cols=3)
    mm.add_rows(
        listing, [["项目名称", "预算数（万元）", "执行数（万元）"], ["图书维护专项资金", "120", "120"]]
    )
    form = d.add_table(rows=0, cols=mm.WIDTH)
    mm.add_rows(form, mm.head_rows(spec) + mm.indicator_rows(spec))
    d.save(str(tmp_path / "listed.docx"))
    evs = extract_evaluations(tmp_path / "listed.docx")
    assert len(evs) == 1
    assert evs[0].source is not None and evs[0].source.part is None


def test_a_second_form_without_budget_or_indicators_stays_with_the_first(tmp_path: Path) -> None:
    """A 项目名称 line with another name but no form of its own (a signature block naming a
    related project) does not make an evaluation of its own."""
    spec = mm.specs(1)[0]
    path = mm.docx_forms(tmp_path / "one.docx", [spec])
    d = docx.Document(str(path))
    d.add_paragraph("项目名称：下年度延续项目（另行申报）")
    d.add_paragraph("联系人：李华")
    d.save(str(path))
    evs = extract_evaluations(path)
    assert len(evs) == 1
    assert evs[0].project.name == spec.name


def test_workers_answer_every_form_of_a_file_in_order(tmp_path: Path) -> None:
    """Through the worker processes of ``jixiao check``: the file's evaluations together, in
    input order, exactly as read in this process."""
    forms = mm.specs(3)
    several = mm.docx_forms(tmp_path / "two.docx", forms[:2])
    single = mm.docx_forms(tmp_path / "one.docx", forms[2:])
    grouped = list(check_files_grouped([several, single], jobs=2, limits=Limits()))
    assert [(p.name, [ev.project.name for ev in evs]) for p, evs in grouped] == [
        ("two.docx", [forms[0].name, forms[1].name]),
        ("one.docx", [forms[2].name]),
    ]
    assert grouped[0][1] == extract_evaluations(several)
    flat = list(check_files([several, single], jobs=1, limits=Limits()))
    assert [(p.name, ev.source and ev.source.part) for p, ev in flat] == [
        ("two.docx", "表1、表2"),
        ("two.docx", "表3、表4"),
        ("one.docx", None),
    ]


def test_a_workers_line_holds_one_object_or_an_array(tmp_path: Path) -> None:
    evs = extract_evaluations(mm.docx_forms(tmp_path / "two.docx", mm.specs(2)))
    line = evaluations_to_line(evs)
    assert line.startswith("[") and "\n" not in line
    assert evaluations_from_line(line.encode()) == evs
    one = evaluations_to_line(evs[:1])
    assert one.startswith("{")
    assert evaluations_from_line(one) == evs[:1]
    with pytest.raises(ValueError, match="EOF while parsing"):
        evaluations_from_line(b"")  # a worker that died answers nothing: the caller's ValueError


def test_stacked_forms_without_titles_are_cut_at_each_project_name(tmp_path: Path) -> None:
    forms = mm.specs(3)
    rows = [row for row in mm.stacked_rows(forms) if row != mm.title_row(forms[0])]
    d = docx.Document()
    table = d.add_table(rows=0, cols=mm.WIDTH)
    mm.add_rows(table, rows)
    d.save(str(tmp_path / "untitled.docx"))
    evs = extract_evaluations(tmp_path / "untitled.docx")
    assert [ev.source.part for ev in evs if ev.source] == ["表1 第1–11行", "表1 第12–22行", "表1 第23–33行"]
    assert [ev.claimed.total for ev in evs] == [f.total for f in forms]


def test_transfer_payment_forms_are_cut_at_their_names(tmp_path: Path) -> None:
    """The 转移支付区域（项目）绩效目标自评表 names its project 转移支付（项目）名称."""
    d = docx.Document()
    for name, planned, executed in (
        ("就业补助资金", "808.10", "692.98"),
        ("农业防灾减灾资金", "148.00", "46.00"),
    ):
        d.add_paragraph("转移支付区域（项目）绩效目标自评表")
        table = d.add_table(rows=0, cols=5)
        mm.add_rows(
            table,
            [
                ["转移支付（项目）名称", name, "", "", ""],
                ["中央主管部门", "省财政厅", "地方主管部门", "县财政局", ""],
                ["资金投入情况（万元）", "", "全年预算数", "全年执行数", "执行率"],
                ["", "年度资金总额", planned, executed, "—"],
                ["一级指标", "二级指标", "三级指标", "指标值", "全年实际完成值"],
                ["产出指标", "数量指标", "补助人数", "≥100人", "120人"],
            ],
        )
    d.save(str(tmp_path / "transfer.docx"))
    drafts = extract_all(read_document(tmp_path / "transfer.docx", Limits()))
    assert [dr.part for dr in drafts] == ["表1", "表2"]
    assert [dr.evaluation.budget.planned_yuan for dr in drafts] == [
        Decimal("8081000.00"),
        Decimal("1480000.00"),
    ]


@pytest.mark.parametrize("heading", ["建设内容", "预算金额（元）", "实施进度", "自评得分"])
def test_a_detail_table_headed_by_project_name_is_no_new_form(tmp_path: Path, heading: str) -> None:
    """A report's own form, then a table of its sub-projects (项目名称 | <heading> | 预算数): one
    project, one evaluation."""
    spec = mm.specs(1)[0]
    path = mm.docx_forms(tmp_path / "one.docx", [spec])
    d = docx.Document(str(path))
    d.add_paragraph("附：子项目明细")
    table = d.add_table(rows=0, cols=4)
    mm.add_rows(table, [["项目名称", heading, "预算数", "执行数"], ["村道硬化", "3公里", "40", "38"]])
    d.save(str(path))
    evs = extract_evaluations(path)
    assert len(evs) == 1
    assert evs[0].project.name == spec.name


def test_forms_whose_cells_come_one_per_line_are_cut_at_each_name(tmp_path: Path) -> None:
    """A web archive's text of a page of forms: the label 项目名称 on one line, the name on the
    next. Each form is its own evaluation, placed by its lines. (Its name is read when the
    header of that form is rebuilt; today the run-on recovery rebuilds the first one only.)"""
    forms = mm.specs(3)
    evs = extract_evaluations(mm.cell_lines(tmp_path / "page.txt", forms))
    assert [ev.source.part for ev in evs if ev.source] == ["第1–135行", "第137–271行", "第273–407行"]
    assert evs[0].project.name == forms[0].name
    for ev, spec in zip(evs, forms, strict=True):
        assert ev.budget.planned_yuan == Decimal(spec.planned) * WAN
        assert ev.budget.executed_yuan == Decimal(spec.executed) * WAN
        assert ev.claimed.total == spec.total
        assert len(ev.indicators) == 4


def test_a_pdf_of_several_forms_names_each_forms_pages(tmp_path: Path) -> None:
    """The same page of forms printed to PDF by LibreOffice (ruled tables, a form running onto
    the next page): each form its own evaluation, its part naming the pages' tables."""
    forms = mm.specs(2)
    pdf = convert(mm.docx_forms(tmp_path / "two.docx", forms), "pdf", tmp_path, 120)
    evs = extract_evaluations(pdf)
    assert len(evs) == 2
    for ev, spec in zip(evs, forms, strict=True):
        assert ev.source is not None and ev.source.part is not None
        assert ev.source.part.startswith("第1页 表")
        assert ev.project.name == spec.name
        assert ev.budget.planned_yuan == Decimal(spec.planned) * WAN
        assert ev.budget.executed_yuan == Decimal(spec.executed) * WAN
        assert ev.claimed.total == spec.total
        assert ev.indicators[0].name == f"{spec.thing}数量"
