"""The PDFs as a reader sees them: rendered by LibreOffice, then checked page by page.

Each document is converted once per module (a conversion takes about two seconds). The checks:
page count and size, the text layer holding the header words and the numbers, the indicator
header repeated on every page of a long table, no character drawn from a font without its
glyph (tofu), and every page rendering to a PNG of the right orientation. ``docs/images/`` holds
one rendered page per layout (see ``docs/export.md`` for how they are made).
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from export.support import SEED_002
from export.support import SEED_004
from export.support import missing_glyphs
from export.support import pdf_info
from export.support import pdf_text
from export.support import png_size
from export.support import render_pngs
from export.support import scored
from export.support import squash
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.model import Value
from jixiao.export import export_evaluation
from jixiao.export.pdf import to_pdf
from jixiao.schemes import load_scheme

A4_LANDSCAPE = "841.89 x 595.3"  # LibreOffice's A4 (pdfinfo prints 595.304; ReportLab's 595.276)
A4_PORTRAIT = "595.304 x 841.89"


def is_size(size: str, expected: str) -> bool:
    """Whether a pdfinfo page size is ``expected`` within 0.1 point."""
    got = [float(v) for v in size.split(" x ")]
    want = [float(v) for v in expected.split(" x ")]
    return all(abs(g - w) <= 0.1 for g, w in zip(got, want, strict=True))


def _stress() -> Evaluation:
    long = "，".join(["组织社区工作者定期培训学习，关爱社区工作者身体健康"] * 6)
    return Evaluation(
        project=Project(name="压力测试项目", year=2024, unit="测试街道办事处"),
        indicators=tuple(
            Indicator(
                level1="产出指标" if i < 100 else "效益指标",
                level2=("数量指标", "质量指标", "时效指标", "社会效益指标")[(i // 25) % 4],
                group=i // 25,
                name=f"第{i + 1}项指标" + (long if i % 40 == 0 else ""),
                weight=Decimal("0.4"),
                target=Value(text=f"≥{i + 1}次"),
                actual=Value(text=f"{i + 1}次"),
                claimed_score=Decimal("0.4"),
            )
            for i in range(200)
        ),
    )


def _documents(tmp: Path) -> dict[str, Callable[[], Path]]:
    ev_002, scheme_002 = scored(SEED_002)
    ev_004, scheme_004 = scored(SEED_004)
    national = load_scheme("mof-2020")
    return {
        "hubei": lambda: export_evaluation(ev_004, scheme_004, tmp / "hubei.pdf"),
        "national": lambda: export_evaluation(ev_004, scheme_004, tmp / "national.pdf", layout="mof-2020"),
        "report": lambda: export_evaluation(ev_002, scheme_002, tmp / "自评报告.pdf"),
        "stress": lambda: export_evaluation(_stress(), national, tmp / "stress.pdf"),
        "xlsx": lambda: to_pdf(export_evaluation(ev_004, scheme_004, tmp / "sheet.xlsx"), tmp / "sheet"),
        "tofu": lambda: export_evaluation(
            Evaluation(project=Project(name="生僻字\U00030000项目")), national, tmp / "tofu.pdf"
        ),
    }


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A document's PDF, converted on first use and shared by the module's tests."""
    documents = _documents(tmp_path_factory.mktemp("pdf"))
    return functools.cache(lambda name: documents[name]())


def page_sizes(path: Path) -> list[str]:
    """Each page's size as pdfinfo prints it (“841.89 x 595.304”)."""
    n = int(pdf_info(path)["Pages"])
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(n), str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [m[1] for m in re.finditer(r"^Page\s+\d+\s+size:\s+(.*?) pts", out, re.M)]


def pages_text(path: Path) -> list[str]:
    n = int(pdf_info(path)["Pages"])
    return [squash(pdf_text(path, i, i)) for i in range(1, n + 1)]


@pytest.mark.parametrize(("name", "pages"), [("hubei", 4), ("national", 4), ("stress", 11), ("xlsx", 3)])
def test_tables_are_a4_landscape(pdf: Callable[[str], Path], name: str, pages: int) -> None:
    sizes = page_sizes(pdf(name))
    assert len(sizes) == pages
    assert all(is_size(size, A4_LANDSCAPE) for size in sizes), sizes


def test_hubei_table_text(pdf: Callable[[str], Path]) -> None:
    first, *rest = pages_text(pdf("hubei"))
    for words in (
        "2020年度社会保障专项项目绩效自评表",
        "单位名称：武汉市东湖新技术开发区花山街道办事处",
        "填报日期：2021年6月30日",
        "项目名称社会保障专项",
        "主管部门花山街道办事处项目实施单位花山街社区办、民政办",
        "1、部门预算项目■2、专项资金□3、上级转移支付项目□",
        "预算执行情况（万元）（20分）",
        "2,440.91",
        "100.00%",
        "年初目标值（A）",
        "实际完成值（B）",
        "产出指标（40分）",
        "数量指标（20分）",
        "办公用房、活动室的建设和维修社区数量（2分）",
    ):
        assert words in first, words
    after = "".join(rest)
    assert "总分98" in after
    assert "自评等级优" in after
    assert rest[-1].endswith("5.基于经济性和必要性等因素考虑，满意度指标暂可不作为必评指标。第4页，共4页")
    # the indicator header repeats on every page of the indicator rows, not over the rows after them
    assert all("一级指标二级指标三级指标（权重）" in page for page in rest[:-1])
    assert "一级指标二级指标三级指标（权重）" not in rest[-1]


def test_national_table_text(pdf: Callable[[str], Path]) -> None:
    text = "".join(pages_text(pdf("national")))
    for words in (
        "项目支出绩效自评表（2020年度）",
        "项目资金（万元）",
        "年初预算数全年预算数全年执行数分值执行率得分",
        "年度资金总额2,440.912,440.9120100.00%20",
        "其中：当年财政拨款",
        "年度总体目标",
        "偏差原因分析及改进措施",
        "总分10098",
    ):
        assert words in text, words


def test_report_pages(pdf: Callable[[str], Path]) -> None:
    path = pdf("report")
    sizes = page_sizes(path)
    assert is_size(sizes[0], A4_PORTRAIT)
    assert is_size(sizes[-1], A4_LANDSCAPE)  # the attached 自评表
    pages = pages_text(path)
    first = pages[0]
    assert "武汉市硚口区人民政府宝丰街办事处" in first
    assert "2018年度基层政权和社区建设项目支出绩效自评报告" in first
    assert "一、项目基本情况" in first
    assert "—1—" in first
    assert "—2—" in pages[1]
    text = "".join(pages)
    for words in (
        "表1项目资金明细（单位：元）",
        "5,358,672.00",
        "【请填写：",
        "三、自评结论",
        "附件",
        "总分97分",
    ):
        assert words in text, words


def test_a_long_table_repeats_its_header_on_every_page(pdf: Callable[[str], Path]) -> None:
    pages = pages_text(pdf("stress"))
    rows = [page for page in pages[1:] if "项指标" in page]
    assert len(rows) >= 8
    assert all("一级指标二级指标三级指标年度指标值实际完成值分值得分" in page for page in rows)
    assert "第200项指标" in rows[-1]


def test_the_sheet_prints_one_page_wide(pdf: Callable[[str], Path]) -> None:
    pages = pages_text(pdf("xlsx"))
    assert "得分（20分*执行率）" in pages[0]
    assert "实际完成值（B）" in pages[0]
    assert all("一级指标" in page for page in pages[1:])


@pytest.mark.parametrize("name", ["hubei", "national", "report", "stress", "xlsx"])
def test_no_character_is_drawn_as_a_box(pdf: Callable[[str], Path], name: str) -> None:
    assert missing_glyphs(pdf(name)) == []


def test_the_box_check_finds_a_box(pdf: Callable[[str], Path]) -> None:
    # No installed font has U+30000 (CJK Extension G, a 生僻字 as in some names): LibreOffice draws
    # an empty box, and the check must see it.
    assert [char for char, _ in missing_glyphs(pdf("tofu"))] == ["\U00030000"]


@pytest.mark.parametrize("name", ["hubei", "report"])
def test_pages_render_to_png(pdf: Callable[[str], Path], name: str, tmp_path: Path) -> None:
    path = pdf(name)
    pngs = render_pngs(path, tmp_path)
    sizes = page_sizes(path)
    assert len(pngs) == len(sizes)
    for png, size in zip(pngs, sizes, strict=True):
        width, height = png_size(png)
        assert (width > height) == is_size(size, A4_LANDSCAPE)
        assert png.stat().st_size > 5_000  # a page with content, not a blank


TRAILING = ("总分", "自评等级", "偏差大或目标未完成原因分析", "存在的问题", "备注")
HEADERS = {
    "hubei": "项目年度绩效指标一级指标二级指标三级指标（权重）年初目标值（A）实际完成值（B）得分",
    "national": "绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
    "stress": "绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_no_page_holds_only_the_repeated_header_and_the_rows_after_it(
    pdf: Callable[[str], Path], name: str
) -> None:
    """The indicator header repeats on the pages of the indicator rows only: the rows after them
    (总分, 等级, 原因分析, 问题, 备注) are a table of their own, so a page they spill onto starts
    with them, never with a header over no indicator."""
    texts = pages_text(pdf(name))
    header = HEADERS[name]
    assert texts[1].startswith(header)  # the header does repeat over indicator rows
    for n, text in enumerate(texts[1:], start=2):
        if text.startswith(header):
            after = text[len(header) :]
            assert not after.startswith(TRAILING), f"第{n}页只有表头与表后各行：{text[:120]}"
    last = texts[-1]
    assert "备注" in last
