"""A report's title that its source marks as a heading (Word's Heading 1 here; a web page's
``<h1>`` in ``test_html.py``) is the title: the front matter it opens gives the project's name,
unit and year."""

from __future__ import annotations

from pathlib import Path

import docx

from jixiao.intake.pipeline import extract_file


def test_a_word_heading_1_title_gives_the_project_name_and_unit(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("2021年度农村饮水安全巩固提升项目支出绩效自评报告", level=1)
    document.add_paragraph("填报单位：某县水利局")
    document.add_paragraph("一、项目概况")
    document.add_paragraph("农村饮水安全巩固提升项目2021年预算安排120万元，实际支出118万元。")
    path = tmp_path / "报告.docx"
    document.save(str(path))
    project = extract_file(path).project
    assert (project.name, project.unit, project.year) == ("农村饮水安全巩固提升", "某县水利局", 2021)
