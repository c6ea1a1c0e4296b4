"""The star results as an official forwards and prints them: 汇总's counts are formulas that follow an
edit (checked in LibreOffice), their cached values are the tool's counts, the per-县区 table, and the
PDF LibreOffice prints (titles on the pages, 得分明细 one part per page group at a legible size).
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from office import convert, recalculate
from python_calamine import CalamineWorkbook
from support.results import EVAL_DATE, Inst, header_span, make_folder, sheet_rows

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.star.rating import evaluate_star
from tuoyu_excel.intake.history import read_history
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.render.formulas import Tally, equals
from tuoyu_excel.render.star.details import Group, page_breaks
from tuoyu_excel.render.star.summary import OTHER
from tuoyu_excel.render.star.workbook import write_star_results
from tuoyu_excel.render.template.workbook import write_template

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
STARS = ("三星级", "二星级", "一星级", "未获评", "待裁定")
COUNTY_HEADERS = ("申报", "参加排名", *STARS, "未达评定条件", "表格有错误")


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("liuzhou_star")


@pytest.fixture(scope="module")
def run(rubric, tmp_path_factory):
    """城区: 12 ranked over three districts; 县: a tie across the 三星级/二星级 line (待裁定), one below the
    pass mark (未达条件, 柳城县), and a file that is no workbook (its 县区 unknown: 其他)."""
    root = tmp_path_factory.mktemp("print")
    template = write_template(rubric, root / "template")
    folder = root / "in"
    urban = ("城中区", "鱼峰区", "柳南区")
    insts = [Inst(f"城区机构{n:02d}", urban[n % 3], total=D(990 - 10 * n), seed=600 + n) for n in range(12)]
    insts += [Inst("县甲", "柳城县", total=D(950), seed=620), Inst("县乙", "鹿寨县", total=D(940), core=D(400), seed=621),
              Inst("县丙", "融安县", total=D(940), core=D(400), seed=622), Inst("县丁", "柳城县", total=D(700), seed=623)]
    make_folder(folder, template, rubric, insts)
    (folder / "坏文件.xlsx").write_text("不是表格", encoding="utf-8")
    result = evaluate_star(folder, rubric, "city", EVAL_DATE)
    out = write_star_results(result, root / "结果.xlsx")
    return result, out.path


def summary_tables(path) -> tuple[dict[str, dict], dict[str, dict]]:
    """(zone table, 县区 table) of 汇总 as the cached (or recalculated) values."""
    wb = openpyxl.load_workbook(path, data_only=True)
    zones = {r["片区"]: r for r in sheet_rows(wb, "汇总", first="片区")}
    counties = {r["县区"]: r for r in sheet_rows(wb, "汇总", first="县区")}
    return zones, counties


def expected_counts(result) -> tuple[Counter, Counter, Counter, Counter]:
    """(zone, star), (district, star), district -> 未达评定条件 and district -> 表格有错误, counted from the
    run itself (error workbooks are not 未达评定条件: they were never assessed)."""
    by_zone = Counter((p.zone, p.star) for p in result.placements)
    by_district = Counter((p.candidate.district, p.star) for p in result.placements)
    unmet, errors = Counter(), Counter()
    for files, counter in ((result.ineligible, unmet), (result.excluded, errors)):
        for f in files:
            counter[f.submission.text("district") if f.submission else ""] += 1
    return by_zone, by_district, unmet, errors


def test_cached_counts_are_the_tools_counts(run, rubric):
    result, path = run
    zones, counties = summary_tables(path)
    by_zone, by_district, unmet, errors = expected_counts(result)
    assert by_zone[("县", "待裁定")] == 2 and errors[""] == 1  # the fixture has what the table must show
    for zone in ("城区", "县"):
        assert [zones[zone][s] for s in STARS] == [by_zone[(zone, s)] for s in STARS], zone
        assert zones[zone]["合计"] == sum(by_zone[(zone, s)] for s in STARS)
    assert zones["合计"]["合计"] == len(result.placements) == 15
    for district in rubric.star.districts:
        ranked = sum(by_district[(district, s)] for s in STARS)
        row = counties[district]
        assert [row[h] for h in COUNTY_HEADERS] == [ranked + unmet[district] + errors[district], ranked,
                                                    *(by_district[(district, s)] for s in STARS), unmet[district],
                                                    errors[district]]
    assert [counties[OTHER][h] for h in COUNTY_HEADERS] == [1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert counties["合计"]["申报"] == len(result.run.files) == 17
    assert counties["柳城县"]["未达评定条件"] == 1 and counties["鹿寨县"]["待裁定"] == 1
    # python-calamine (what the tool itself reads with) sees the same cached values
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("汇总").to_python()
    zone_row = next(r for r in sheet if r[0] == "城区")
    assert [int(v) for v in zone_row[1:6]] == [by_zone[("城区", s)] for s in STARS]


def test_counts_are_formulas_over_the_lists(run):
    _, path = run
    ws = openpyxl.load_workbook(path)["汇总"]
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    zone_row = next(r for r in ws.iter_rows() if r[0].value == "城区")
    assert zone_row[1].value == '=COUNTIFS(星级评定结果!$A:$A,"城区",星级评定结果!$I:$I,"三星级")'
    assert zone_row[6].value == f"=SUM(B{zone_row[0].row}:F{zone_row[0].row})"
    county = next(r for r in ws.iter_rows() if r[0].value == "柳城县")
    n = county[0].row
    assert [c.value for c in county[1:3]] == [f"=C{n}+I{n}+J{n}", '=COUNTIFS(星级评定结果!$E:$E,"柳城县")']
    assert county[8].value == f'=COUNTIFS(未达条件名单!$C:$C,"柳城县")-J{n}'
    assert county[9].value == '=COUNTIFS(未达条件名单!$C:$C,"柳城县",未达条件名单!$D:$D,"=")'
    formulas = [v for v in cells.values() if v.startswith("=")]
    assert all(re.fullmatch(r'=(COUNTIFS\((星级评定结果|未达条件名单)!\$[A-Z]:\$[A-Z],"[^"]+"'
                            r'(,(星级评定结果!\$I:\$I|未达条件名单!\$D:\$D),"[^"]+")?\)(-[A-Z]+\d+)?'
                            r'|SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+(\+[A-Z]+\d+)*)', f) for f in formulas), formulas


def test_criteria_are_literal():
    assert equals("三星级") == '"三星级"'
    assert equals('a"b*c?d~') == '"a""b~*c~?d~~"'
    assert equals("<1") == '"=<1"' and equals("") == '"="'
    tally = Tally("表", [["A*"], ["ab"], ["a*"]])
    assert tally.countifs((0, "a*")).value == 2  # Excel compares text ignoring case, * taken literally


@pytest.mark.office
@pytest.mark.parametrize("which", ["run", "samples_run"])
def test_counts_follow_a_star_changed_in_libreoffice(which, rubric, tmp_path, request):
    result, path = request.getfixturevalue(which)
    wb = openpyxl.load_workbook(path)  # formulas kept; openpyxl writes no cached values
    ws = wb["星级评定结果"]
    header, last = header_span(ws)
    star_col = [c.value for c in ws[header]].index("评定星级") + 1
    first = next(r for r in range(header + 1, last + 1) if ws.cell(r, 1).value == "城区" and ws.cell(r, 2).value == 1)
    district = ws.cell(first, 5).value
    assert ws.cell(first, star_col).value == "三星级"
    ws.cell(first, star_col).value = "二星级"  # the official moves the top institution down a star
    pending = next(r for r in range(header + 1, last + 1) if ws.cell(r, star_col).value == "待裁定")
    ws.cell(pending, star_col).value = "三星级"  # and rules one 待裁定 tie
    pending_district = ws.cell(pending, 5).value
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    before, _ = summary_tables(edited)
    assert before["城区"]["三星级"] is None  # no cached value left: only a recalculation can fill it in
    zones, counties = summary_tables(recalculate(edited, tmp_path / "lo"))
    by_zone, by_district, unmet, errors = expected_counts(result)
    for name in rubric.star.districts:  # recalculated: workbooks with errors apart from 未达评定条件
        assert (counties[name]["未达评定条件"], counties[name]["表格有错误"]) == (unmet[name], errors[name]), name
    assert counties["合计"]["表格有错误"] == len(result.excluded) and counties["合计"]["未达评定条件"] == len(result.ineligible)
    assert zones["城区"]["三星级"] == by_zone[("城区", "三星级")] - 1 == 2
    assert zones["城区"]["二星级"] == by_zone[("城区", "二星级")] + 1
    assert zones["县"]["三星级"] == by_zone[("县", "三星级")] + 1 and zones["县"]["待裁定"] == 1
    assert zones["合计"]["合计"] == len(result.placements)  # moved, not added
    assert counties[district]["三星级"] == by_district[(district, "三星级")] - 1
    assert counties[district]["二星级"] == by_district[(district, "二星级")] + 1
    assert counties[pending_district]["待裁定"] == by_district[(pending_district, "待裁定")] - 1
    assert counties["合计"]["待裁定"] == 1
    wb = openpyxl.load_workbook(tmp_path / "lo" / "edited.xlsx", data_only=True)
    totals = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True) if r[0]}
    assert totals["拟评定星级（家）"] == len([p for p in result.placements if p.star in STARS[:3]]) + 1
    assert totals["待裁定（家）"] == 1


def test_details_pages_keep_each_part_whole(rubric):
    widths = [24, 20, 10] + [10] * 7 + [9] * len(rubric.items)
    groups = [Group("各部分得分", 3, 9)]
    col = 10
    for part in rubric.parts:
        n = len(rubric.part_items(part.code))
        groups.append(Group(part.name, col, col + n - 1))
        col += n
    breaks, scale = page_breaks(groups, widths)
    assert breaks == [g.first for g in groups[1:]] and 75 <= scale <= 100  # A4 landscape: one part a page
    breaks, scale = page_breaks(groups[:3], [3] * 24)
    assert breaks == [] and scale == 100  # narrow parts share a page


def pdf_pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    return text.split("\f")


@pytest.fixture(scope="module")
def samples_run(tmp_path_factory):
    """The bundled samples, rated as the README's real run does (`tuoyu star` with the history)."""
    out = tmp_path_factory.mktemp("samples") / "星级评定结果.xlsx"
    args = ["star", str(SAMPLES / "star"), "--date", EVAL_DATE.isoformat(), "--history",
            str(SAMPLES / "history" / "历史评定.xlsx"), "-o", str(out)]
    assert main(args) == 1  # 2 待裁定 and the broken examples: done, with issues
    history = read_history(SAMPLES / "history" / "历史评定.xlsx", load_rubric("liuzhou_star")).records
    return evaluate_star(SAMPLES / "star", load_rubric("liuzhou_star"), "city", EVAL_DATE, history), out


@pytest.mark.office
@pytest.mark.parametrize("which", ["run", "samples_run"])
def test_results_print_to_pdf_with_titles_and_legible_details(which, rubric, tmp_path, request):
    result, path = request.getfixturevalue(which)
    pdf = convert(path, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)  # A4 landscape
    pages = [p for p in pdf_pages(pdf) if p.strip()]
    assert 10 <= len(pages) <= 80, len(pages)
    for title in ("柳州市托育机构星级评定——结果汇总", "柳州市托育机构星级评定——星级评定结果",
                  "柳州市托育机构星级评定——未达条件名单", "柳州市托育机构星级评定——得分明细"):
        assert any(title in p.replace(" ", "") for p in pages), title
    results = next(p for p in pages if "——星级评定结果" in p.replace(" ", ""))
    assert "发布单位：柳州市卫生健康委" in results and "评定日期：2026年11月22日" in results.replace(" ", "")
    assert sum("制表人" in p for p in pages) >= 3  # 汇总, 星级评定结果, 未达条件名单 (not the 公示: test_publication)
    # 得分明细: each part's items together on the same page(s), never split over two page widths
    codes = {i.code for i in rubric.items}
    details = {n: p for n, p in enumerate(pages) if "机构名称" in p and "原因" not in p
               and len(codes & set(re.findall(r"(?<![\d-])\d-\d\d(?!\d)", p))) >= 2}
    assert len(details) >= len(rubric.parts)
    for part in rubric.parts:
        on = [{n for n, p in details.items() if re.search(rf"(?<![\d-]){i.code}(?!\d)", p)}
              for i in rubric.part_items(part.code)]
        assert all(s == on[0] for s in on) and on[0], (part.name, on)
    assert all("机构名称" in p for p in details.values())  # the name column and the header on every page
    assert _smallest_detail_font(pdf, rubric) >= 6.0  # points: legible, not 78 columns on one page


def _smallest_detail_font(pdf, rubric) -> float:
    """The height (pt) of the smallest item-code word on the 得分明细 pages (pdftotext's word boxes)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    codes = {i.code for i in rubric.items}
    heights = [float(b) - float(a) for a, b, word in
               re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', html)
               if word in codes]
    assert len(heights) >= len(codes)
    return min(heights)


def test_run_info_opens_with_a_human_summary_above_the_record(run):
    result, path = run
    ws = openpyxl.load_workbook(path)["运行信息"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "运行信息"
    assert rows[1][0].startswith("本工作簿由 tuoyu_excel ") and "按市级核验的“市级核验得分”列计算，评定日期 2026年11月22日" in rows[1][0]
    assert rows[2][0] == f"共读取 17 个文件，发现问题 {len(result.run.issues)} 条（错误 1 条，警告 0 条）。"
    assert rows[3][0].startswith("参加排名 15 家：三星级 4 家，二星级 6 家，一星级 3 家，未获评 0 家，待裁定 2 家；"
                                 "未达评定条件 1 家，表格有错误、未参加评定 1 份。")
    assert rows[4][0].startswith("以下为核对用的运行记录")
    header = next(n for n, r in enumerate(rows) if r[:2] == ("项目", "内容"))
    assert header == 6 and ws.freeze_panes == "A8" and ws.print_title_rows == "$7:$7"
    record = {r[0]: r[1] for r in rows[header + 1:] if r[0]}
    assert record["规则校验码"] == result.rubric.content_hash
    assert record["历史评定记录文件校验值（SHA-256）"] == "—"
    labels = [r[0] for r in rows[header:] if r[0] and not r[0].endswith((".xlsx", ".pdf"))]
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels), labels  # Chinese labels
    files = rows[next(n for n, r in enumerate(rows) if r[0] == "输入文件") + 1:]
    assert {r[0]: r[1] for r in files if r[0] in {f.file for f in result.run.files}} == {
        f.file: f.sha256 or "—" for f in result.run.files}
