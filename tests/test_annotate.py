"""Annotated copies: offending cells filled and commented, a 校验意见 sheet first, the original untouched."""

from __future__ import annotations

import colorsys
import dataclasses
import hashlib
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from office import convert
from openpyxl.comments import Comment
from support import EVAL_DATE
from support.star import assert_literal_text, field_cell, full_scores, score_cell, store_text, valid_form

from tuoyu_excel.core import pipeline
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.issues import issue_title, make_issue
from tuoyu_excel.render.annotate import (
    AUTHOR,
    CHANGED,
    ERROR_FILL,
    NO_FORMAT,
    NO_OPEN,
    OPINION_SHEET,
    WARNING_FILL,
    annotate_copies,
    annotate_file,
    mark_cells,
)
from tuoyu_excel.render.formats import INPUT_FILL
from tuoyu_excel.render.template import fill
from tuoyu_excel.render.template.workbook import write_template


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("liuzhou_star")


@pytest.fixture(scope="module")
def built(rubric, tmp_path_factory) -> Path:
    """b.xlsx: errors, and a cell with both a warning and an error; c.xlsx: a warning; a.xlsx clean."""
    root = tmp_path_factory.mktemp("annotate_inputs")
    template = write_template(rubric, root / "template")
    ten = [i.code for i in rubric.scored_items if i.points == 10]
    fill.fill_workbook(template, root / "a.xlsx", rubric, valid_form(1), full_scores(rubric))
    scores = full_scores(rubric)
    scores["self"][ten[0]] = 12
    fill.fill_workbook(template, root / "b.xlsx", rubric, dict(valid_form(2), credit_code="91450200MA5K000000"), scores)
    store_text(root / "b.xlsx", "评分表", {score_cell(rubric, "self", ten[1]): "-3"})
    scores = full_scores(rubric)
    scores["self"][ten[3]] = "8分"
    fill.fill_workbook(template, root / "c.xlsx", rubric, valid_form(3), scores)
    return root


@pytest.fixture
def inputs(built, tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        shutil.copy(built / name, folder / name)
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_rgb(cell) -> str:
    return cell.fill.fgColor.rgb


def test_annotates_each_file_with_issues(rubric, inputs, tmp_path):
    before = {p.name: (sha(p), p.stat().st_mtime_ns) for p in inputs.iterdir()}
    result = pipeline.run(inputs, rubric, "self", EVAL_DATE)
    done = annotate_copies(result, tmp_path / "out")
    assert [(f, p.name if p else None) for f, p, _ in done] == [("b.xlsx", "b.xlsx"), ("c.xlsx", "c.xlsx")]
    assert done[0][2] == "已标注 3 个单元格"
    assert {p.name: (sha(p), p.stat().st_mtime_ns) for p in inputs.iterdir()} == before
    assert not (tmp_path / "out" / "a.xlsx").exists()


def test_cells_filled_and_commented(rubric, inputs, tmp_path):
    result = pipeline.run(inputs, rubric, "self", EVAL_DATE)
    annotate_copies(result, tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "b.xlsx")
    ten = [i.code for i in rubric.scored_items if i.points == 10]
    code = wb["申报表"][field_cell(rubric, "credit_code")]
    assert fill_rgb(code) == ERROR_FILL
    assert code.comment.author == AUTHOR and code.comment.text.startswith("【错误】统一社会信用代码")
    with zipfile.ZipFile(tmp_path / "out" / "b.xlsx") as z:  # openpyxl does not read the box size back
        vml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
    assert "width:320px" in vml
    both = wb["评分表"][score_cell(rubric, "self", ten[1])]  # SCORE_TEXT_NUMBER (警告) + SCORE_NEGATIVE (错误)
    assert fill_rgb(both) == ERROR_FILL
    assert both.comment.text.count("【") == 2 and "【警告】" in both.comment.text
    assert both.value == "-3"  # the person's entry is left as it was
    untouched = wb["申报表"][field_cell(rubric, "name")]
    assert untouched.comment is None and fill_rgb(untouched) != ERROR_FILL
    warned = openpyxl.load_workbook(tmp_path / "out" / "c.xlsx")["评分表"][score_cell(rubric, "self", ten[3])]
    assert fill_rgb(warned) == WARNING_FILL and warned.comment.text.startswith("【警告】")


def test_opinion_sheet_first_and_literal(rubric, inputs, tmp_path):
    result = pipeline.run(inputs, rubric, "self", EVAL_DATE)
    annotate_copies(result, tmp_path / "out")
    copy = tmp_path / "out" / "b.xlsx"
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames[0] == OPINION_SHEET and wb.active.title == OPINION_SHEET
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets].count(True) == 1
    ws = wb[OPINION_SHEET]
    assert ws["A1"].value == "校验意见" and ws["A2"].value == "表格：b.xlsx"
    assert ws["A3"].value.startswith("以下是对本表格的校验意见，共 4 条（错误 3 条，警告 1 条）。请按“说明”逐条修改")
    # the rubric's [report] leaves where to send it blank: lines to write on, nothing invented
    assert ws["A4"].value == "改正后报送单位：________________　　联系人及电话：________________　　报送期限：________________"
    assert [c.value for c in ws[5]] == ["序号", "工作表", "位置（项目及单元格）", "严重程度", "问题类型", "说明（请按此修改）",
                                        "发现值", "应为"]
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:H9" and ws.print_title_rows == "$5:$5"
    body = list(ws.iter_rows(min_row=6, values_only=True))
    issues = result.files[1].issues
    ten = [i for i in rubric.scored_items if i.points == 10]
    named = {field_cell(rubric, "credit_code"): "统一社会信用代码"}
    named |= {score_cell(rubric, "self", i.code): f"{i.code} {i.title}" for i in ten[:2]}
    assert [(r[4], r[1], r[2]) for r in body] == [(issue_title(i.code), i.sheet, f"{named[i.cell]}（{i.cell}）")
                                                  for i in issues]
    assert [r[0] for r in body] == [1, 2, 3, 4] and [r[5] for r in body] == [i.message for i in issues]
    assert all(c.border.left.style == "thin" and c.border.bottom.style == "thin" for row in ws.iter_rows(min_row=5)
               for c in row)
    assert_literal_text(copy, OPINION_SHEET, {"-3"})


def test_opinion_sheet_says_where_to_return_it(rubric, inputs, tmp_path):
    """The [report] texts of the rubric, as written there."""
    words = dataclasses.replace(rubric.report, return_to="鹿寨县卫生健康局", return_contact="张三 0772-1234567",
                                return_deadline="收到后5个工作日内")
    result = pipeline.run(inputs / "b.xlsx", dataclasses.replace(rubric, report=words), "self", EVAL_DATE)
    annotate_copies(result, tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "b.xlsx")[OPINION_SHEET]
    assert ws["A4"].value == "改正后报送单位：鹿寨县卫生健康局　　联系人及电话：张三 0772-1234567　　报送期限：收到后5个工作日内"


def test_highlights_differ_clearly_from_the_input_cells():
    """Red and orange, both saturated: neither can pass for the template's pale-yellow input cells."""
    def hsv(rgb: str) -> tuple[float, float, float]:
        return colorsys.rgb_to_hsv(*(int(rgb[-6:][n:n + 2], 16) / 255 for n in (0, 2, 4)))

    input_hue, input_sat, _ = hsv(INPUT_FILL)
    assert input_sat < 0.3
    for fill_rgb_ in (ERROR_FILL, WARNING_FILL):
        hue, sat, _ = hsv(fill_rgb_)
        assert sat >= 0.6 and abs(hue - input_hue) * 360 >= 10, fill_rgb_  # not a yellow, not pale
    assert abs(hsv(ERROR_FILL)[0] - hsv(WARNING_FILL)[0]) * 360 >= 20  # and unlike each other


def test_copies_speak_to_the_institution(rubric, built, tmp_path):
    """A duplicate is told to check its code, not to be moved out of a folder, and the other file is
    not named (it may be another institution's)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(built / "a.xlsx", folder / "阳光托育_申报.xlsx")
    shutil.copy(built / "a.xlsx", folder / "另一家_申报.xlsx")
    result = pipeline.run(folder, rubric, "self", EVAL_DATE)
    assert {i.code for f in result.files for i in f.issues} == {"DUPLICATE_INSTITUTION"}
    assert "移出文件夹" in result.files[0].issues[0].message  # the official's check report says so
    annotate_copies(result, tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "阳光托育_申报.xlsx")
    texts = [str(c.value) for row in wb[OPINION_SHEET].iter_rows() for c in row if c.value]
    texts += [c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
    said = "\n".join(texts)
    assert "与本次收到的另一份表格相同" in said and "请核对信用代码是否填错" in said
    for official_words in ("文件夹", "另一家", "重新运行", "校验时", "代码"):
        assert official_words not in said.replace("信用代码", ""), official_words
    assert "机构重复提交" in said  # the problem's Chinese name (issues.TITLES)


def test_validations_protection_and_hidden_sheets_kept(rubric, inputs, tmp_path):
    result = pipeline.run(inputs, rubric, "self", EVAL_DATE)
    annotate_copies(result, tmp_path / "out")
    original = openpyxl.load_workbook(inputs / "b.xlsx")
    copy = openpyxl.load_workbook(tmp_path / "out" / "b.xlsx")
    assert copy.sheetnames[1:] == original.sheetnames
    for ws in original.worksheets:
        kept = copy[ws.title]
        assert len(kept.data_validations.dataValidation) == len(ws.data_validations.dataValidation)
        rules = [(str(v.sqref), v.type, v.formula1, v.formula2, v.showErrorMessage, v.prompt)
                 for v in ws.data_validations.dataValidation]
        assert [(str(v.sqref), v.type, v.formula1, v.formula2, v.showErrorMessage, v.prompt)
                for v in kept.data_validations.dataValidation] == rules
        assert kept.protection.sheet == ws.protection.sheet
        assert kept.sheet_state == ws.sheet_state
    assert len(copy["评分表"].data_validations.dataValidation) > 0 and copy["评分表"].protection.sheet
    assert copy["_tuoyu_meta"].sheet_state == "veryHidden"
    rerun = pipeline.run(tmp_path / "out" / "b.xlsx", rubric, "self", EVAL_DATE)  # still reads as our template
    assert [i.key()[::2] for i in rerun.files[0].issues] == [i.key()[::2] for i in result.files[1].issues]


def test_never_overwrites(rubric, inputs, tmp_path):
    result = pipeline.run(inputs / "c.xlsx", rubric, "self", EVAL_DATE)
    first = annotate_file(result.files[0], tmp_path, rubric)
    second = annotate_file(result.files[0], tmp_path, rubric)
    assert first[1].name == "c.xlsx" and second[1].name == "c(2).xlsx"
    assert "c(2).xlsx" in second[2]


def test_changed_since_run_is_skipped(rubric, inputs, tmp_path):
    result = pipeline.run(inputs / "b.xlsx", rubric, "self", EVAL_DATE)
    wb = openpyxl.load_workbook(inputs / "b.xlsx")
    wb["申报表"]["B5"] = "改过的名称"
    wb.save(inputs / "b.xlsx")
    assert annotate_copies(result, tmp_path / "out") == [("b.xlsx", None, CHANGED)]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_formats_openpyxl_cannot_write(tmp_path):
    path = tmp_path / "x.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    f = pipeline.FileResult("x.xls", path, sha(path), [make_issue("VALUE_REQUIRED", "x.xls", "申报表", "B5")])
    assert annotate_file(f, tmp_path / "out", None) == ("x.xls", None, NO_FORMAT)
    ods = pipeline.FileResult("y.ods", tmp_path / "y.ods", "0" * 64, f.issues)
    assert annotate_file(ods, tmp_path / "out", None)[1:] == (None, NO_FORMAT)


def test_unreadable_and_unloadable_files(rubric, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pic.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    result = pipeline.run(folder, rubric, "self", EVAL_DATE)
    assert annotate_copies(result, tmp_path / "out") == [("pic.xlsx", None, NO_OPEN)]
    odd = tmp_path / "odd.xlsx"  # a zip, but nothing openpyxl can load
    with zipfile.ZipFile(odd, "w") as z:
        z.writestr("hello.txt", "hi")
    f = pipeline.FileResult("odd.xlsx", odd, sha(odd), [make_issue("FILE_NOT_TEMPLATE", "odd.xlsx", detail="x")])
    file, path, note = annotate_file(f, tmp_path / "out", rubric)
    assert (file, path) == ("odd.xlsx", None) and note.startswith("无法打开此文件进行标注")


def test_merged_cell_marks_its_top_left_cell():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    ws.merge_cells("B5:C5")
    ws["B5"].comment = Comment("原有批注", "someone")
    issues = [make_issue("VALUE_REQUIRED", "f.xlsx", "申报表", "C5", label="机构名称"),
              make_issue("VALUE_REQUIRED", "f.xlsx", "不存在", "A1", label="x"),
              make_issue("FILE_NOT_TEMPLATE", "f.xlsx", detail="x")]
    assert mark_cells(wb, issues) == 1
    assert ws["B5"].comment.text.startswith("原有批注\n【错误】“机构名称”未填写")


@pytest.mark.office
def test_annotated_copy_opens_in_libreoffice(rubric, inputs, tmp_path):
    result = pipeline.run(inputs, rubric, "self", EVAL_DATE)
    done = annotate_copies(result, tmp_path / "out")
    pdf = convert(done[0][1], "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 1000 and pdf.read_bytes().startswith(b"%PDF")


def test_copy_openpyxl_cannot_save_is_a_reason(rubric, inputs, tmp_path, monkeypatch):
    result = pipeline.run(inputs / "c.xlsx", rubric, "self", EVAL_DATE)

    def broken_save(self, filename):
        Path(filename).write_bytes(b"half")
        raise ValueError("cannot write")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    assert annotate_copies(result, tmp_path) == [("c.xlsx", None, "无法保存标注副本（ValueError），请查看校验报告")]
    assert not (tmp_path / "c.xlsx").exists()
