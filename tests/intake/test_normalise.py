"""Normalisation before reading: Traditional script, pinyin annotations, full width, OCR confusions."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.intake.document import clean_text
from jixiao.intake.normalise import comparator
from jixiao.intake.normalise import has_traditional
from jixiao.intake.normalise import normalise
from jixiao.intake.readers import read_document


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # Traditional → Simplified, phrase-aware
        ("全年預算數(A)", "全年预算数(A)"),
        ("績效目標自評表", "绩效目标自评表"),
        ("資金使用單位：衛生健康委員會", "资金使用单位：卫生健康委员会"),
        # pinyin annotations, half- and full-width parentheses, before or after conversion
        ("項(xiàng)目名稱(chēng)", "项目名称"),
        ("部門（mén）整體", "部门整体"),
        ("绩(jī)效目标(biāo)", "绩效目标"),
        # full-width digits, letters, signs
        ("目标值：１２３．５％", "目标值：123.5%"),
        ("＞＝９５％", ">=95%"),
        ("ＡＢＣ类", "ABC类"),
        ("２０２０－２０２１年", "2020-2021年"),
        # comparator variants
        ("≧735人次", "≥735人次"),
        ("≦5%", "≤5%"),
        ("≮90%", "≥90%"),
        ("≯3天", "≤3天"),
        ("═", "="),
        ("W5%", "≤5%"),
        ("W30天", "≤30天"),
        # OCR O for 0 inside numbers
        ("1O0%", "100%"),
        ("2O21年度", "2021年度"),
        ("完成率1o0％", "完成率100%"),
        ("O.5万元", "0.5万元"),
    ],
)
def test_normalise_reads_the_variants(written: str, read: str) -> None:
    assert normalise(written) == read
    assert clean_text(written) == read


@pytest.mark.parametrize(
    "kept",
    [
        "全年预算数(A)",  # a column letter in parentheses is not pinyin
        "执行率(B/A)",
        "单位(个)",
        "显著提高了覆盖率",  # 著 is a Simplified character too: no conversion
        "CO2排放量",  # an O among Latin letters is a letter
        "H2O",
        "Word文档",  # W before a letter, not a number
        "WPS",
        "2个",  # a digit in running text is a number, never a comparator
        "全角标点，冒号：括号（）保留",
        "补助资金－社区托管中心",  # a full-width dash between words is a dash
        "甲．乙／丙＋丁",
        "于是余下的钱",  # Simplified characters that Traditional spells otherwise
    ],
)
def test_normalise_keeps_what_is_not_a_confusion(kept: str) -> None:
    assert normalise(kept) == kept


def test_traditional_is_detected_only_in_traditional_text() -> None:
    assert has_traditional("績效")
    assert not has_traditional("绩效目标自评表，显著提高，于是")
    assert not has_traditional("plain ascii")


@pytest.mark.parametrize(
    ("cell", "op"),
    [("2", "≥"), ("W", "≤"), ("≧", "≥"), ("＞＝", "≥"), ("<=", "≤"), ("≥", "≥"), ("=", "="), ("═", "=")],
)
def test_comparator_column_cells(cell: str, op: str) -> None:
    assert comparator(cell) == op


def test_a_traditional_text_report_reads_simplified_and_keeps_the_original(tmp_path: Path) -> None:
    path = tmp_path / "繁體.txt"
    lines = [
        "2023年度項(xiàng)目支出績(jī)效自評(píng)表",
        "項目名稱\t鄉村道路養護\t主管部門\t县交通局",
        "年度資金總額\t１２０\t１１８．５\t９８．７５％",
        "自評得分：９５分",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = read_document(path)
    assert doc.paragraphs[0].text == "2023年度项目支出绩效自评表"
    assert doc.paragraphs[0].original == lines[0]
    assert doc.paragraphs[-1].text == "自评得分：95分"
    table = doc.tables[0]
    assert table.text_rows() == [
        ["项目名称", "乡村道路养护", "主管部门", "县交通局"],
        ["年度资金总额", "120", "118.5", "98.75%"],
    ]
    originals = {c.text: c.original for c in table.cells}
    assert originals["乡村道路养护"] == "鄉村道路養護"
    assert originals["主管部门"] == "主管部門"
    assert originals["县交通局"] is None  # unchanged text keeps no copy


def test_gbk_traditional_file(tmp_path: Path) -> None:
    path = tmp_path / "big5ish.txt"
    path.write_bytes("資金投入情況（萬元）\n全年預算數 100\n".encode("gb18030"))
    doc = read_document(path)
    assert [p.text for p in doc.paragraphs] == ["资金投入情况（万元）", "全年预算数 100"]


def test_every_reader_normalises_a_traditional_word_file(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("2022年度項(xiàng)目支出績效自評表")
    table = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["全年預算數(A)", "全年執行數(B)", "執行率"]):
        table.rows[0].cells[c].text = text
    for c, text in enumerate(["１５０", "1２O", "８O％"]):
        table.rows[1].cells[c].text = text
    path = tmp_path / "繁體.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.paragraphs[0].text == "2022年度项目支出绩效自评表"
    assert doc.tables[0].text_rows() == [["全年预算数(A)", "全年执行数(B)", "执行率"], ["150", "120", "80%"]]
