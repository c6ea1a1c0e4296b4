"""The county 初评报告 (``tuoyu report DIR --county 鹿寨县``).

《柳州市托育机构星级评定工作方案》三（三）县级初评: “县区卫生健康局对申报机构进行初评……对照《柳州市托育
机构星级评定评分表》，对申报机构进行综合评分，并将达到星级评定申报条件的机构申报表、机构评分表及县区初评
报告上报柳州市卫生健康委。”

The folder holds, as a county would receive them: three eligible 鹿寨县 institutions (two tied on
初评总分, split by core score), one ineligible (核心指标 below 80 % and a 必备条件 不符合), one with a
score error, one file that is not a workbook, and one 柳城县 institution (left out, counted).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from office import convert
from support import EVAL_DATE
from support.star import full_scores, store_text, valid_form

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.pipeline import run
from tuoyu_excel.core.star.county import CountyError, build_county_report
from tuoyu_excel.core.star.eligibility import check_eligibility
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.county.report import write_county_report
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.model import FAIL

EVAL = EVAL_DATE
COUNTY = "鹿寨县"
LINK_NAME = '=HYPERLINK("http://example.com","点我")'
EQ_NOTE = "=1+1 台账记录不全"

# file -> (name, district, self changes, county changes, 扣分说明)
INSTITUTIONS = {
    "01_阳光.xlsx": ("鹿寨县阳光托育园", COUNTY, {"3-04": Decimal("14.5"), "5-04": Decimal("13.5")},
                   {"2-01": 7, "4-07": Decimal("17.5"), "5-04": 14},
                   {"2-01": "营业执照未在醒目位置公示", "4-07": "带量食谱未按周公示", "5-04": "午睡巡视记录不全"}),
    "02_链接.xlsx": (LINK_NAME, COUNTY, {}, {"2-01": 7, "3-01": 7},
                   {"2-01": "备案回执未公示", "3-01": "placeholder"}),
    "03_小星星.xlsx": ("鹿寨县小星星托育中心", COUNTY, {},
                    {"1-08": FAIL, "6-03": 0, "3-02": 0, "7-04": 0, "7-06": 0},
                    {"1-08": "监控未全覆盖", "6-03": "保育人员配比不足", "3-02": "生活用房不足",
                     "7-04": "消防通道堵塞", "7-06": "接送登记缺失"}),
    "04_彩虹.xlsx": ("鹿寨县彩虹托育中心", COUNTY, {"4-02": 18}, {"4-02": 18, "4-06": 16},
                   {"4-02": "2 名幼儿预防接种证未查验", "4-06": "消毒记录不全"}),
    "05_错误.xlsx": ("鹿寨县错误托育园", COUNTY, {}, {"2-01": 12}, {}),
    "06_柳城.xlsx": ("柳城县某托育园", "柳城县", {}, {}, {}),
}
NOT_A_WORKBOOK = "07_扫描件.xlsx"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("liuzhou_star")


def _make(folder: Path, template: Path, rubric, seed: int, file: str, spec) -> None:
    name, district, self_changes, county_changes, notes = spec
    form = valid_form(seed) | {"name": "占位名称" if name.startswith("=") else name, "district": district}
    scores = full_scores(rubric, ("self", "county"))
    scores["self"].update(self_changes)
    scores["county"].update(county_changes)
    path = fill_workbook(template, folder / file, rubric, form, scores, notes)
    if name.startswith("="):  # typed as text, the way a person keeps "=..." literal
        store_text(path, layout.form_sheet(rubric), {_field_cell(rubric, "name"): name})
        store_text(path, layout.SCORE_SHEET, {_note_cell(rubric, "3-01"): EQ_NOTE})


def _field_cell(rubric, key: str) -> str:
    return layout.cell_name(layout.form_field_rows(rubric)[key], layout.FORM_VALUE_COL)


def _note_cell(rubric, code: str) -> str:
    rows = [n for n, r in enumerate(layout.score_rows(rubric)) if r.kind == "item" and r.item.code == code]
    return layout.cell_name(layout.SCORE_FIRST_ROW + rows[0], layout.column_index(rubric, layout.H_NOTE))


@pytest.fixture(scope="module")
def folder(tmp_path_factory, rubric) -> Path:
    base = tmp_path_factory.mktemp("county")
    template = write_template(rubric, base / "template")
    folder = base / "in"
    folder.mkdir()
    for seed, (file, spec) in enumerate(INSTITUTIONS.items(), start=11):
        _make(folder, template, rubric, seed, file, spec)
    (folder / NOT_A_WORKBOOK).write_bytes("这是一张扫描图片的说明，不是表格".encode())
    return folder


@pytest.fixture(scope="module")
def report(folder, rubric):
    return build_county_report(run(folder, rubric, "county", EVAL, assess=check_eligibility), rubric, COUNTY)


@pytest.fixture(scope="module")
def book_path(report, tmp_path_factory) -> Path:
    return write_county_report(report, tmp_path_factory.mktemp("out") / "初评报告.xlsx").path


@pytest.fixture(scope="module")
def book(book_path):
    return openpyxl.load_workbook(book_path)


def _by_name(report, name):
    return next(i for i in report.institutions if i.name == name)


def _rows(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _table(ws, first_header: str, second_header: str) -> tuple[int, list[tuple]]:
    """(header row index, data rows) of the table whose header starts with the two texts."""
    rows = _rows(ws)
    h = next(n for n, r in enumerate(rows) if r[0] == first_header and r[1] == second_header)
    data = []
    for r in rows[h + 1:]:
        if not isinstance(r[0], int):
            break
        data.append(r)
    return h, data


# ---- the pure core ----------------------------------------------------------------------------

def test_only_this_county_taken_in_others_counted(report):
    """“县区卫生健康局对申报机构进行初评”: only workbooks whose 所在县区 is the county; others counted."""
    # in the order of the ranking (meeting the conditions first, by 初评总分), not of the file names
    assert [i.file for i in report.institutions] == ["02_链接.xlsx", "04_彩虹.xlsx", "01_阳光.xlsx", "03_小星星.xlsx"]
    assert [f.file for f in report.unscored] == ["05_错误.xlsx"]
    # a file naming no county is no county's application (issue: it showed as one of 三江's 申报)
    assert [f.file for f in report.unattributed] == [NOT_A_WORKBOOK]
    assert report.other_county == 1
    assert (report.applied, len(report.eligible), len(report.ineligible)) == (5, 3, 1)
    assert {i.file for i in report.issues} <= {"05_错误.xlsx", NOT_A_WORKBOOK, "01_阳光.xlsx", "02_链接.xlsx",
                                               "03_小星星.xlsx", "04_彩虹.xlsx"}


def test_differences_self_vs_county_exact(report):
    """“对照《柳州市托育机构星级评定评分表》，对申报机构进行综合评分”: 初评 vs 自评, exactly in Decimal."""
    a = _by_name(report, "鹿寨县阳光托育园")
    assert (a.self_total, a.county.total, a.diff) == (Decimal("998"), Decimal("993.5"), Decimal("-4.5"))
    assert {p.code: p.diff for p in a.parts} == {"2": Decimal(-3), "3": Decimal("0.5"), "4": Decimal("-2.5"),
                                                 "5": Decimal("0.5"), "6": 0, "7": 0, "8": 0}
    assert a.county.core == Decimal("427.5") and a.county.core_rate == Decimal("427.5") / Decimal(430)
    assert [(p.code, p.score, p.points, p.note) for p in a.problems] == [
        ("2-01", Decimal(7), Decimal(10), "营业执照未在醒目位置公示"),
        ("4-07", Decimal("17.5"), Decimal(20), "带量食谱未按周公示"),
        ("5-04", Decimal(14), Decimal(15), "午睡巡视记录不全")]
    assert _by_name(report, "鹿寨县彩虹托育中心").diff == Decimal(-4)


def test_ineligible_lists_every_reason(report):
    """“将达到星级评定申报条件的机构……上报”: a failing institution shows all its reasons, not just one."""
    c = _by_name(report, "鹿寨县小星星托育中心")
    assert not c.eligible and c.veto_text == "不符合：1-08"
    assert c.county.core == Decimal(330)
    assert any("1-08" in r and "不符合" in r for r in c.reasons)
    assert any(r.startswith("核心指标得分 330/430（76.74%），低于 80.00%") for r in c.reasons)
    assert len(c.reasons) == 2


def test_incomplete_self_stage_leaves_difference_blank(rubric, tmp_path):
    """Without a complete 自评 there is nothing to compare: 自评总分 and 差值 stay empty, 初评 still counts."""
    template = write_template(rubric, tmp_path / "template")
    spec = ("鹿寨县未自评托育园", COUNTY, {"2-01": None}, {}, {})
    _make(tmp_path, template, rubric, 21, "a.xlsx", spec)
    report = build_county_report(run(tmp_path / "a.xlsx", rubric, "county", EVAL, assess=check_eligibility), rubric, COUNTY)
    inst = report.institutions[0]
    assert (inst.self_total, inst.diff, inst.county.total, inst.eligible) == (None, None, Decimal(1000), True)
    assert all(p.self_score is None and p.diff is None for p in inst.parts)
    path = write_county_report(report, tmp_path / "r.xlsx").path
    _, data = _table(openpyxl.load_workbook(path)["初评报告"], "序号", "机构名称")
    assert data[0][6:9] == (None, 1000, None)


def test_unscored_files_listed_with_their_issues(report):
    """The county must know which forms it cannot yet forward (“审核申报材料的真实性和准确性”)."""
    [error_file], [unread] = report.unscored, report.unattributed
    assert error_file.name == "鹿寨县错误托育园" and error_file.errors >= 1
    assert "SCORE_OVER_MAX" in [i.code for i in error_file.issues]
    assert unread.status == "无法读取" and unread.issues
    assert all(i.file != "06_柳城.xlsx" for i in report.issues)


def test_forward_order(report):
    """“将达到星级评定申报条件的机构……上报”: the eligible only, by 初评总分 then core score."""
    assert [(i.name, i.county.total, i.county.core) for i in report.forward] == [
        (LINK_NAME, Decimal(994), Decimal(430)), ("鹿寨县彩虹托育中心", Decimal(994), Decimal(424)),
        ("鹿寨县阳光托育园", Decimal("993.5"), Decimal("427.5"))]


def test_unknown_county_names_the_districts(report, rubric, folder):
    """The county must be one of the plan's 县区 (柳城、鹿寨、融安、融水及三江县 and the 五城区)."""
    result = run(folder / "01_阳光.xlsx", rubric, "county", EVAL, assess=check_eligibility)
    with pytest.raises(CountyError) as exc:
        build_county_report(result, rubric, "鹿寨")
    assert "鹿寨县" in str(exc.value) and "三江侗族自治县" in str(exc.value)


# ---- the workbook -----------------------------------------------------------------------------

def test_report_sheet_head_summary_and_table(book):
    """“县区初评报告”: county, date, panel lines to fill, the counts, one row per institution."""
    ws = book["初评报告"]
    rows = _rows(ws)
    assert rows[0][0] == "鹿寨县托育机构星级评定初评报告"
    assert rows[1][0] == "县区" and rows[1][2] == COUNTY
    assert rows[2][0] == "报告日期" and rows[2][2] == dt.datetime(2026, 11, 22)
    texts = [v for r in rows for v in r if isinstance(v, str)]
    summary = next(t for t in texts if t.startswith("按照"))
    assert "共申报 5 家，其中符合申报条件 3 家，不符合申报条件 1 家" in summary
    assert not any("其他县区" in t or NOT_A_WORKBOOK in t for t in texts)  # not this county's business: 运行信息
    panel = next(n for n, r in enumerate(rows) if r[1] == "姓名")
    assert all(not ws.cell(panel + 2 + k, c).protection.locked for k in range(5) for c in (2, 3, 7))
    assert ws.protection.sheet
    _, data = _table(ws, "序号", "机构名称")
    assert [r[1] for r in data] == [LINK_NAME, "鹿寨县彩虹托育中心", "鹿寨县阳光托育园", "鹿寨县小星星托育中心"]
    assert [r[0] for r in data] == [1, 2, 3, 4]
    a = data[2]
    assert a[2:10] == (a[2], 80, 60, "是", 998, 993.5, -4.5, pytest.approx(427.5 / 430))
    assert a[10:] == ("全部符合", "符合申报条件", None, "是")
    c = data[3]
    assert c[6:9] == (1000, 900, -100)
    assert c[10:12] == ("不符合：1-08", "不符合申报条件") and c[13] == "否"
    assert c[12].count("；") == 1 and "1-08" in c[12] and "核心指标得分 330/430" in c[12]


def test_report_sheet_lists_unscored_files(book):
    """Forms with errors are named, so the county can have them corrected before forwarding."""
    rows = _rows(book["初评报告"])
    h = next(n for n, r in enumerate(rows) if r[1] == "文件" and r[2] == "机构名称")
    listed = [(r[1], r[3]) for r in rows[h + 1:h + 2]]
    assert listed == [("05_错误.xlsx", "有错误")]
    assert not any(str(r[0]).startswith("无法确定县区") for r in rows)  # a stray file is no application
    problems = rows[h + 1][9]
    assert "SCORE_OVER_MAX" not in problems and "超过本项满分" in problems
    assert re.search(r"评分表 [A-Z]+\d+ 单元格：", problems) and "!" not in problems  # not Excel's 评分表!I23


def test_forward_sheet(book):
    """“将达到星级评定申报条件的机构申报表……上报柳州市卫生健康委”: exactly the eligible, in order."""
    ws = book["上报名单"]
    _, data = _table(ws, "序号", "机构名称")
    assert [(r[0], r[1], r[3], r[4]) for r in data] == [
        (1, LINK_NAME, COUNTY, 994), (2, "鹿寨县彩虹托育中心", COUNTY, 994), (3, "鹿寨县阳光托育园", COUNTY, 993.5)]
    assert data[1][5] == pytest.approx(424 / 430)
    assert all(len(r[2]) == 18 for r in data)


def test_detail_sheet_block(book):
    """“机构评分表及县区初评报告”: per institution the 申报 data, 必备条件, parts, problems, 整改意见, conclusion."""
    ws = book["机构明细"]
    rows = _rows(ws)
    assert [r[0] for r in rows if re.fullmatch(r"\d\. .+", str(r[0]))] == [
        f"1. {LINK_NAME}", "2. 鹿寨县彩虹托育中心", "3. 鹿寨县阳光托育园", "4. 鹿寨县小星星托育中心"]
    start = next(n for n, r in enumerate(rows) if r[0] == "3. 鹿寨县阳光托育园")
    end = next(n for n, r in enumerate(rows) if r[0] == "4. 鹿寨县小星星托育中心")
    block = rows[start:end]
    labels = {r[0]: r[2] for r in block if r[0] and r[2] is not None}
    assert labels["机构名称"] == "鹿寨县阳光托育园" and labels["备案日期"] == "2022年3月1日"
    assert labels["所在县区"] == COUNTY and labels["实际收托人数"] == "60"
    assert ("2", "二、机构资质", 60, 60, 57, -3) in block
    assert ("3", "三、机构设置", 140, 139.5, 140, 0.5) in block
    assert next(r for r in block if str(r[0]).startswith("综合得分"))[2:] == (1000, 998, 993.5, -4.5)
    assert ("4-07", "带量食谱未按周公示") in [(r[0], r[4]) for r in block]
    assert ("1-08", "视频监控", "符合", "符合") in [r[:4] for r in block]
    advice = next(n for n, r in enumerate(block) if r[0] and str(r[0]).startswith("（五）整改意见")) + start + 2
    assert not ws.cell(advice, 1).protection.locked
    assert next(r for r in block if r[0] == "结论")[2] == "符合申报条件，推荐参加市级核验。"
    assert end in [b.id for b in ws.row_breaks.brk]  # each institution starts a new page


def test_issues_sheet(book, report):
    """Every issue of this county's files, in the columns every 校验问题 sheet has."""
    ws = book["校验问题"]
    assert ws["A1"].value == "鹿寨县初评校验问题"
    rows = _rows(ws)[2:]  # under the title and the issuer's line
    assert rows[0] == ("文件", "工作表", "单元格", "严重程度", "问题类型", "说明", "发现值", "应为", "代码")
    assert len(rows) - 1 == len(report.issues)
    over = next(r for r in rows if r[8] == "SCORE_OVER_MAX")
    assert over[:3] == ("05_错误.xlsx", "评分表", over[2]) and re.fullmatch(r"[A-Z]+\d+", over[2])
    assert over[3:5] == ("错误", "分数超过满分") and "超过本项满分 10" in over[5] and over[7] == "10"
    assert {r[0] for r in rows[1:]} >= {"05_错误.xlsx"} and NOT_A_WORKBOOK not in {r[0] for r in rows[1:]}
    assert "06_柳城.xlsx" not in {r[0] for r in rows}


def test_run_info_sheet(book, report):
    """The shared 运行信息: rubric and stage, the county's counts, and this county's files."""
    assert book.sheetnames == ["初评报告", "机构明细", "上报名单", "校验问题", "运行信息"]
    rows = _rows(book["运行信息"])
    info = {r[0]: r[1] for r in rows}
    assert info["规则校验码"] == report.rubric.content_hash and info["评定日期"] == f"{EVAL.year}年{EVAL.month}月{EVAL.day}日"
    assert info["评定阶段"] == "县级初评（按“县级初评得分”列）"
    assert (info["县区"], info["申报机构数"], info["表格有错误未能评分"]) == (COUNTY, report.applied, len(report.unscored))
    assert info["运行开始时间"] == "—"  # built without the run: no run time, no hashes
    files = rows[rows.index(("输入文件", "校验值（SHA-256）", "状态", "机构名称")) + 1:]
    assert {r[0] for r in files} == ({i.file for i in report.institutions} | {u.file for u in report.unscored}
                                     | {NOT_A_WORKBOOK})
    assert next(r[2] for r in files if r[0] == NOT_A_WORKBOOK) == "无法读取，无法确定县区，未纳入本报告"
    assert (info["其他县区的表格（未纳入）"], info["无法确定县区的文件（未纳入，见下方文件列表）"]) == (1, 1)
    assert {r[1] for r in files} == {"—"}


def test_run_info_with_the_run_has_hashes(folder, rubric, tmp_path):
    result = run(folder, rubric, "county", EVAL)
    report = build_county_report(result, rubric, COUNTY)
    path = write_county_report(report, tmp_path / "r.xlsx", run=result).path
    rows = _rows(openpyxl.load_workbook(path)["运行信息"])
    files = rows[rows.index(("输入文件", "校验值（SHA-256）", "状态", "机构名称")) + 1:]
    sha = {f.file: f.sha256 for f in result.files}
    assert files and all(r[1] == sha[r[0]] for r in files)
    assert {r[0]: r[1] for r in rows}["运行开始时间"] == result.started.strftime("%Y年%-m月%-d日 %H:%M:%S")


def test_text_starting_with_equals_stays_text(book, book_path):
    """User text such as ``=HYPERLINK(...)`` is written as a string and never as a formula."""
    assert book["上报名单"]["B4"].value == LINK_NAME and book["上报名单"]["B4"].data_type == "s"
    notes = [c for row in book["机构明细"].iter_rows() for c in row if c.value == EQ_NOTE]
    assert notes and all(c.data_type == "s" for c in notes)
    with zipfile.ZipFile(book_path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 5
        assert not any(re.search(rb"<f[ >]", zf.read(n)) for n in sheets)


def test_never_overwrites(report, tmp_path):
    """An earlier report (perhaps already signed) is never replaced."""
    first = write_county_report(report, tmp_path / "报告.xlsx")
    before = first.path.read_bytes()
    second = write_county_report(report, tmp_path / "报告.xlsx")
    assert second.path.name == "报告(2).xlsx" and "已存在" in second.notice
    assert first.path.read_bytes() == before


# ---- the command ------------------------------------------------------------------------------

def test_cli_default_name_and_exit_code(folder, tmp_path, monkeypatch, capsys):
    """``tuoyu report DIR --county 鹿寨县``: exit 1 because this county's forms have issues."""
    monkeypatch.chdir(tmp_path)
    code = main(["report", str(folder), "--county", COUNTY, "--date", "2026-11-22"])
    out = capsys.readouterr().out
    assert code == 1
    assert (tmp_path / "鹿寨县初评报告_20261122.xlsx").is_file()
    assert "申报 5 家：符合申报条件 3 家，不符合申报条件 1 家，表格有错误未能评分 1 份" in out
    assert f"无法确定县区的文件 1 个（不计入本县区申报）：{NOT_A_WORKBOOK}" in out
    assert "另有 1 份其他县区的表格未纳入" in out


def test_cli_clean_folder_exit_0(folder, tmp_path, capsys):
    """A county whose forms are all clean: exit 0; 柳城县's form is left out."""
    clean = tmp_path / "clean"
    clean.mkdir()
    for file in ("01_阳光.xlsx", "04_彩虹.xlsx", "06_柳城.xlsx"):
        shutil.copy(folder / file, clean / file)
    code = main(["report", str(clean), "--county", COUNTY, "--date", "2026-11-22", "-o", str(tmp_path)])
    assert code == 0, capsys.readouterr()
    assert (tmp_path / "鹿寨县初评报告_20261122.xlsx").is_file()


def test_cli_unknown_county_exit_2(folder, capsys):
    """“柳城、鹿寨、融安、融水及三江县”: a county not in the rubric is refused, listing the valid ones."""
    code = main(["report", str(folder), "--county", "柳州县", "--date", "2026-11-22"])
    err = capsys.readouterr().err
    assert code == 2 and "柳州县" in err and "鹿寨县" in err and "城中区" in err


@pytest.mark.office
def test_report_converts_to_pdf(book_path, tmp_path):
    """The 初评报告 is printed and signed: it must render in a spreadsheet program."""
    pdf = convert(book_path, "pdf", tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 4
