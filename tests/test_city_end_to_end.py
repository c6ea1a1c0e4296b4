"""Fourteen filled city workbooks → tuoyu city → the results workbook, with scores worked out by hand.

Seed: 《广西开展全国婴幼儿照护服务示范城市创建活动评分细则》. The tool computes five sub-criteria:
  “1.每千人口拥有3岁以下婴幼儿托位数高于全区平均水平得8分，否则不得分。”
  “辖区内已建成的县级婴幼儿照护服务指导中心覆盖率高于全区平均水平得3分，否则不得分。” (2.2)
  “……托育机构注册登记后备案率高于全区平均水平得5分，否则不得分。” (3.2)
  “22.婴幼儿入托率高于全区平均水平得2分，否则不得分。”
  “4.市本级及所辖县（市、区）均出台婴幼儿照护服务发展联席会议制度的得3分，每少1个县（市、区）未出台的扣1分，扣完为止。” (4.1)
Every other sub-criterion is typed by the evaluators in the 评估得分 column: full points except `LOST`.
"""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support.city import EVAL_DATE, formulas_in, score_cell, store_text, write_city, write_official

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.city.evaluate import BASIS_COMPUTED, BASIS_OFFICIAL, evaluate_cities
from tuoyu_excel.intake.averages import read_averages
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.city_results import write_city_results
from tuoyu_excel.render.template.workbook import write_template

# city: population, nursery_places | county_total, county_centers | orgs_registered, orgs_filed |
#       infants, infants_enrolled | 市本级出台联席会议制度, 未出台的县数
FIGURES = {
    "南宁市": (8_000_000, 32_000, 12, 10, 200, 170, 300_000, 27_000, "是", 0),
    "柳州市": (4_000_000, 16_000, 10, 5, 100, 90, 100_000, 12_000, "是", 1),
    "桂林市": (5_000_000, 20_000, 17, 12, 100, 70, 100_000, 8_000, "否", 0),
    "梧州市": (3_000_000, 12_000, 7, 7, 100, 80, 100_000, 6_000, "否", 1),
    "北海市": (2_000_000, 7_000, 4, 2, 100, 85, 100_000, 10_000, "是", 0),
    "防城港市": (2_000_000, 9_000, 4, 4, 100, 60, 100_000, 7_000, "是", 0),
    "钦州市": (3_000_000, 12_000, 4, 2, 100, 75, 100_000, 9_000, "是", 0),
    "贵港市": (4_000_000, 12_000, 5, 3, 100, 95, 100_000, 5_000, "是", 0),
    "玉林市": (8_000_000, 24_000, 7, 4, 100, 80, 100_000, 8_500, "是", 0),
    "百色市": (5_000_000, 15_000, 12, 8, 100, 65, 100_000, 4_000, "否", 2),
    "贺州市": (3_000_000, 9_000, 5, 4, 100, 90, 100_000, 7_500, "是", 0),
    "河池市": (3_000_000, 9_000, 11, 6, 100, 60, 100_000, 3_000, "是", 5),
    "来宾市": (2_000_000, 6_000, 6, 5, 100, 90, 100_000, 11_000, "是", 0),
    "崇左市": (2_000_000, 6_000, 7, 2, 100, 90, 100_000, 10_000, "是", 0),
}
KEYS = ("population", "nursery_places", "county_total", "county_centers", "orgs_registered", "orgs_filed",
        "infants", "infants_enrolled", "city_joint_meeting", "counties_no_joint_meeting")

# Sub-criteria the evaluators scored 0 (all-or-nothing: “得N分，否则不得分”), with their points.
LOST = {
    "柳州市": ("12.2",),  # 1
    "梧州市": ("24",),  # 1
    "北海市": ("15",),  # 1
    "防城港市": ("27",),  # 2
    "百色市": ("26.2",),  # 2
    "贺州市": ("28.1",),  # 1
    "河池市": ("32", "33"),  # 2 + 2
    "来宾市": ("2.1", "3.1", "12.2"),  # 3 + 3 + 1
    "崇左市": ("21", "24"),  # 2 + 1
}

# 全区平均水平 = Σ numerators ÷ Σ denominators over the 14 cities:
# 1:   Σ托位 189 000 ÷ Σ人口 54 000 000 × 1000 = 3.5 per thousand. 北海 7 000 ÷ 2 000 000 × 1000 = 3.5: at, not above.
# 2.2: Σ已建成 74 ÷ Σ县 111 = 2/3 = 66.67%. 百色 8 ÷ 12 = 2/3: at, not above.
# 3.2: Σ备案 1 200 ÷ Σ注册 1 500 = 80%. 梧州 and 玉林 80 ÷ 100 = 80%: at, not above.
# 22:  Σ入托 128 000 ÷ Σ婴幼儿 1 600 000 = 8%. 桂林 8 000 ÷ 100 000 = 8%: at, not above.
# 4.1: 3 − 1 per missing unit (the 市本级 answering 否 is one unit), not below 0.
#            item 1, 2.2, 3.2, 22, 4.1
COMPUTED = {
    "南宁市": (8, 3, 5, 2, 3),  # 4.0‰ 83%  85% 9%  ; all issued
    "柳州市": (8, 0, 5, 2, 2),  # 4.0‰ 50%  90% 12% ; 1 county missing → 3 − 1
    "桂林市": (8, 3, 0, 0, 2),  # 4.0‰ 71%  70% 8%= ; 市本级 否 → 3 − 1
    "梧州市": (8, 3, 0, 0, 1),  # 4.0‰ 100% 80%= 6% ; 市本级 否 + 1 county → 3 − 2
    "北海市": (0, 0, 5, 2, 3),  # 3.5‰= 50% 85% 10%
    "防城港市": (8, 3, 0, 0, 3),  # 4.5‰ 100% 60% 7%
    "钦州市": (8, 0, 0, 2, 3),  # 4.0‰ 50%  75% 9%
    "贵港市": (0, 0, 5, 0, 3),  # 3.0‰ 60%  95% 5%
    "玉林市": (0, 0, 0, 2, 3),  # 3.0‰ 57%  80%= 8.5%
    "百色市": (0, 0, 0, 0, 0),  # 3.0‰ 67%= 65% 4% ; 市本级 否 + 2 counties → 3 − 3
    "贺州市": (0, 3, 5, 0, 3),  # 3.0‰ 80%  90% 7.5%
    "河池市": (0, 0, 0, 0, 0),  # 3.0‰ 55%  60% 3% ; 5 counties → 3 − 5, 扣完为止 → 0
    "来宾市": (0, 3, 5, 2, 3),  # 3.0‰ 83%  90% 11%
    "崇左市": (0, 0, 5, 2, 3),  # 3.0‰ 29%  90% 10%
}
TYPED_POINTS = 79  # 100 − (8 + 3 + 5 + 2 + 3): the sub-criteria the evaluators score

# total = 79 − lost + computed; equal totals share a rank (桂林, 钦州: 92), the next rank is 5.
EXPECTED = [  # (rank, city, total)
    (1, "南宁市", 100),  # 79 + 21
    (2, "柳州市", 95),  # 78 + 17
    (3, "桂林市", 92),  # 79 + 13
    (3, "钦州市", 92),  # 79 + 13
    (5, "防城港市", 91),  # 77 + 14
    (6, "梧州市", 90),  # 78 + 12
    (7, "贺州市", 89),  # 78 + 11
    (8, "北海市", 88),  # 78 + 10
    (9, "贵港市", 87),  # 79 + 8
    (10, "崇左市", 86),  # 76 + 10
    (11, "来宾市", 85),  # 72 + 13
    (12, "玉林市", 84),  # 79 + 5
    (13, "百色市", 77),  # 77 + 0
    (14, "河池市", 75),  # 75 + 0
]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("guangxi_demo_city")


@pytest.fixture(scope="module")
def template(rubric, tmp_path_factory):
    return write_template(rubric, tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="module")
def cities(rubric, template, tmp_path_factory) -> Path:
    """The folder of 14 workbooks (copied by tests that change it)."""
    folder = tmp_path_factory.mktemp("cities")
    for name, row in FIGURES.items():
        write_city(folder, template, rubric, name, lost=LOST.get(name, ()), **dict(zip(KEYS, row, strict=True)))
    return folder


@pytest.fixture(scope="module")
def result(cities, rubric):
    return evaluate_cities(cities, rubric, "review", eval_date=EVAL_DATE)


def copy_of(folder: Path, tmp_path: Path, drop: tuple[str, ...] = ()) -> Path:
    out = tmp_path / "in"
    shutil.copytree(folder, out)
    for name in drop:
        (out / f"{name}.xlsx").unlink()
    return out


def by_city(result):
    return {s.city: s for s in result.scores}


def test_fourteen_cities_scored_by_hand(result, rubric):
    assert result.clean, [i.text for i in result.issues]
    scores = by_city(result)
    for city, points in COMPUTED.items():
        assert tuple(scores[city].items[c] for c in ("1", "2.2", "3.2", "22", "4.1")) == tuple(map(Decimal, points))
        lost = sum(rubric.item_by_code[c].points for c in LOST.get(city, ()))
        assert scores[city].total == TYPED_POINTS - lost + sum(points), city
    assert [(r.rank, r.score.city, r.score.total) for r in result.ranking] == \
        [(rank, city, Decimal(total)) for rank, city, total in EXPECTED]
    assert result.ranking[2].note == "与钦州市总分相同，并列第 3 名"


def test_regional_averages_by_hand(result):
    avgs = result.averages
    assert avgs["1"].value == Decimal("3.5")
    assert avgs["2.2"].value.quantize(Decimal("0.0001")) == Decimal("66.6667")
    assert (avgs["3.2"].value, avgs["22"].value) == (Decimal(80), Decimal(8))
    assert {(a.basis, a.cities_covered) for a in avgs.values()} == {(BASIS_COMPUTED, 14)}
    assert (avgs["1"].numerator, avgs["1"].denominator) == (Decimal(189_000), Decimal(54_000_000))


def test_part_subtotals_of_one_city(result):
    # 来宾: 一 22 − 3 (2.1) − 3 (3.1) − 8 (1: 3.0‰ not above 3.5‰) = 8; 三 20 − 1 (12.2) = 19; others full
    laibin = by_city(result)["来宾市"]
    assert laibin.parts == {"1": Decimal(8), "2": Decimal(12), "3": Decimal(19), "4": Decimal(20),
                            "5": Decimal(14), "6": Decimal(12)}


def test_city_exactly_at_average_scores_zero(result):
    scores = by_city(result)
    assert scores["北海市"].computed["1"].rate.value == result.averages["1"].value
    assert scores["北海市"].items["1"] == 0
    assert scores["百色市"].items["2.2"] == 0  # 8/12 = 74/111 exactly
    assert scores["梧州市"].items["3.2"] == scores["玉林市"].items["3.2"] == 0
    assert scores["桂林市"].items["22"] == 0


def test_official_averages_override_computed(cities, rubric, tmp_path):
    # official: 3.0 per thousand, 50%, 80%, 8%. Against 3.0‰, 北海's 3.5‰ is above (+8 → 96);
    # 贵港 60%, 玉林 57%, 百色 67%, 河池 55% are above 50% (+3 each); 柳州 at exactly 50% still gets 0.
    path = write_official(tmp_path, rubric, {"每千人口托位数": 3, "县级指导中心覆盖率": 50, "托育机构备案率": 80,
                                             "婴幼儿入托率": 8})
    official = read_averages(path, rubric)
    assert official.issues == []
    result = evaluate_cities(cities, rubric, "review", official, eval_date=EVAL_DATE)
    assert {(a.basis, a.value) for a in result.averages.values()} == \
        {(BASIS_OFFICIAL, Decimal(3)), (BASIS_OFFICIAL, Decimal(50)), (BASIS_OFFICIAL, Decimal(80)),
         (BASIS_OFFICIAL, Decimal(8))}
    totals = {s.city: s.total for s in result.scores}
    assert (totals["北海市"], totals["贵港市"], totals["玉林市"], totals["百色市"], totals["河池市"]) == (96, 90, 87, 80, 78)
    assert by_city(result)["柳州市"].items["2.2"] == 0
    assert result.basis_text() == "官方公布（官方平均水平.xlsx）"
    assert result.clean


def test_fewer_than_fourteen_cities_warns_and_average_moves(cities, rubric, tmp_path):
    # without 崇左 (100 registered, 90 filed): 备案率 average = 1 110 ÷ 1 400 = 79.29%,
    # so 梧州 and 玉林 at 80% are now above it: +5 each.
    result = evaluate_cities(copy_of(cities, tmp_path, drop=("崇左市",)), rubric, "review", eval_date=EVAL_DATE)
    assert [i.key() for i in result.issues] == [("CITIES_MISSING", "（全区汇总）", "")]
    assert "崇左市" in result.issues[0].message and "13" in result.issues[0].message
    assert result.averages["3.2"].cities_covered == 13
    totals = {s.city: s.total for s in result.scores}
    assert (totals["梧州市"], totals["玉林市"]) == (95, 89)


def test_typed_score_disagreeing_with_computed_warns(cities, rubric, template, tmp_path):
    # 北海's evaluator typed 8 for item 1 (北海 is at the average: 0) and 3 for 4.1 (agrees)
    folder = copy_of(cities, tmp_path)
    write_city(folder, template, rubric, "北海市", lost=LOST["北海市"], typed={"1": 8, "4.1": 3},
               **dict(zip(KEYS, FIGURES["北海市"], strict=True)))
    result = evaluate_cities(folder, rubric, "review", eval_date=EVAL_DATE)
    assert [i.key() for i in result.issues] == [
        ("COMPUTED_SCORE_DIFFERS", "北海市.xlsx", f"评分表!{score_cell(rubric, 'review', '1')}")]
    assert "填写的得分为 8，按基础数据核算应为 0" in result.issues[0].message
    assert by_city(result)["北海市"].total == 88


def test_second_workbook_for_a_city_is_an_error_naming_both(cities, rubric, tmp_path):
    folder = copy_of(cities, tmp_path)
    shutil.copy(folder / "南宁市.xlsx", folder / "南宁市（修改稿）.xlsx")
    result = evaluate_cities(folder, rubric, "review", eval_date=EVAL_DATE)
    dup = [i for i in result.issues if i.code == "DUPLICATE_CITY"]
    assert {i.file for i in dup} == {"南宁市.xlsx", "南宁市（修改稿）.xlsx"}
    assert "南宁市（修改稿）.xlsx" in dup[0].message
    assert "南宁市" not in by_city(result)
    assert "CITIES_MISSING" in [i.code for i in result.issues]


# ---- the results workbook ---------------------------------------------------------------------------

def test_results_workbook_reads_back(result, tmp_path):
    out = write_city_results(result, tmp_path / "结果.xlsx")
    assert out.path == tmp_path / "结果.xlsx" and out.notice == ""
    wb = openpyxl.load_workbook(out.path)
    assert wb.sheetnames == ["城市排名", "得分明细", "全区平均水平", "校验问题", "运行信息"]
    ws = wb["城市排名"]
    assert ws["A1"].value == "广西婴幼儿照护服务示范城市创建评分——城市排名"
    assert [v for v in next(ws.iter_rows(min_row=2, max_row=2, values_only=True)) if v] == [
        "发布单位：广西壮族自治区卫生健康委员会", f"评定日期：{EVAL_DATE.year}年{EVAL_DATE.month}月{EVAL_DATE.day}日"]
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "A5"  # the header row only, not the title
    header = [c.value for c in ws[4]]
    assert header[:9] == ["排名", "城市", "总分", "一、核心指标", "二、党政责任", "三、政策体系", "四、服务供给",
                          "五、创新融合", "六、监管服务"]
    assert header[-1] == "备注"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=18)]
    assert [(r[0], r[1], r[2]) for r in rows] == [(rank, city, total) for rank, city, total in EXPECTED]
    assert rows[3][-1] == "与桂林市总分相同，并列第 3 名"
    assert ws.cell(5, 10).number_format == "0.00%"  # 一、核心指标得分率 of 南宁: 22/22
    assert ws.cell(5, 10).value == 1
    signature = [c.value for row in ws.iter_rows(min_row=19) for c in row if c.value]
    assert signature and signature[0].startswith("制表人：") and "审核人：" in signature[0]
    avg = wb["全区平均水平"]
    assert [c.value for c in avg[4]] == ["编号", "指标", "单位", "全区平均水平", "依据", "覆盖城市数", "分子合计",
                                         "分母合计", "计算方法"]
    assert [avg.cell(5, c).value for c in range(1, 9)] == ["1", "每千人口托位数", "每千人", 3.5, BASIS_COMPUTED, 14,
                                                           189_000, 54_000_000]
    assert (avg["D6"].value, avg["D6"].number_format) == (pytest.approx(2 / 3), "0.00%")  # 2.2: 66.67%
    assert wb["校验问题"]["A1"].value == "广西婴幼儿照护服务示范城市创建评分——校验问题"
    assert [c.value for c in wb["校验问题"][3]] == ["文件", "工作表", "单元格", "严重程度", "问题类型", "说明", "发现值", "应为", "代码"]
    detail = wb["得分明细"]
    assert [c.value for c in detail[4]][5:7] == ["南宁市", "柳州市"]
    with zipfile.ZipFile(out.path) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
        chart = z.read("xl/charts/chart1.xml").decode("utf-8")
    assert "各市各部分得分率" in chart and "<c:barChart>" in chart


def test_rate_rows_say_above_or_not(result, tmp_path):
    wb = openpyxl.load_workbook(write_city_results(result, tmp_path / "r.xlsx").path)
    ws = wb["全区平均水平"]
    assert [c.value for c in ws[10]] == ["编号", "指标", "城市", "本市比率", "全区平均水平", "比较结果", "分子", "分母", "得分"]
    rows = {(r[0], r[2]): r for r in ws.iter_rows(min_row=11, values_only=True)}
    assert len(rows) == 4 * 14
    assert rows[("1", "北海市")][3:] == (3.5, 3.5, "不高于", 7_000, 2_000_000, 0)
    assert rows[("1", "南宁市")][5] == "高于" and rows[("1", "南宁市")][8] == 8
    assert rows[("2.2", "百色市")][5] == "不高于"


def test_no_formula_injection_in_any_sheet(cities, rubric, tmp_path):
    folder = copy_of(cities, tmp_path)
    evil = '=HYPERLINK("http://x","y")'
    form = layout.form_sheet(rubric)
    reporter_cell = layout.cell_name(layout.form_field_rows(rubric)["reporter"], layout.FORM_VALUE_COL)
    store_text(folder / "南宁市.xlsx", form, {reporter_cell: evil})
    (folder / "柳州市.xlsx").rename(folder / "=1+2.xlsx")
    result = evaluate_cities(folder, rubric, "review", eval_date=EVAL_DATE)
    assert result.clean
    out = write_city_results(result, tmp_path / "结果.xlsx").path
    assert formulas_in(out) == []
    wb = openpyxl.load_workbook(out)
    texts = {c.value for row in wb["运行信息"].iter_rows() for c in row if c.data_type == "s"}
    assert {evil, "=1+2.xlsx"} <= texts


def test_results_never_overwrite(result, tmp_path):
    first = write_city_results(result, tmp_path / "结果.xlsx")
    before = first.path.read_bytes()
    second = write_city_results(result, tmp_path / "结果.xlsx")
    assert second.path == tmp_path / "结果(2).xlsx"
    assert "结果(2).xlsx" in second.notice
    assert first.path.read_bytes() == before


@pytest.mark.office
def test_results_open_in_libreoffice(result, tmp_path):
    import subprocess

    from office import convert

    pdf = convert(write_city_results(result, tmp_path / "结果.xlsx").path, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True,
                              timeout=60).stdout
        assert "南宁市" in text and "城市排名" in text


# ---- the command line -------------------------------------------------------------------------------

def test_cli_clean_run(cities, tmp_path, capsys):
    code = main(["city", str(cities), "-o", str(tmp_path / "out.xlsx"), "--date", EVAL_DATE.isoformat()])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "第 1 名  南宁市  100 分" in printed
    assert "第 3 名  钦州市  92 分（与桂林市总分相同，并列第 3 名）" in printed
    assert "覆盖 14 个城市" in printed and "未发现问题" in printed
    assert (tmp_path / "out.xlsx").is_file() and str(tmp_path / "out.xlsx") in printed


def test_cli_with_official_averages_and_too_few_cities(cities, rubric, tmp_path, capsys):
    folder = copy_of(cities, tmp_path, drop=("崇左市", "来宾市"))
    path = write_official(tmp_path, rubric, {"每千人口托位数": 3})  # the other three left blank
    code = main(["city", str(folder), "--averages", str(path), "-o", str(tmp_path), "--date", "2026-06-30"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "参与评分的城市只有 12 个" in printed and "没有填写“县级指导中心覆盖率”的全区平均水平" in printed
    assert "官方公布（官方平均水平.xlsx），其中第 2.2、3.2、22 项按参与评分各市的基础数据计算" in printed
    assert (tmp_path / "示范城市创建评分结果_20260630.xlsx").is_file()


def test_cli_cannot_run(tmp_path, capsys):
    assert main(["city", str(tmp_path / "没有这个文件夹")]) == 2
    assert "找不到文件夹" in capsys.readouterr().err


def test_unreadable_averages_file_is_an_issue_and_the_run_goes_on(cities, tmp_path, capsys):
    """A broken 全区平均水平表 must not stop the ranking: every average is computed from the cities' data,
    the file's problem is listed, and the run ends with status 1 (done, with issues)."""
    (tmp_path / "avg.xlsx").write_text("not a workbook")
    before = (tmp_path / "avg.xlsx").read_bytes()
    code = main(["city", str(cities), "--averages", str(tmp_path / "avg.xlsx"), "-o", str(tmp_path), "--date", "2026-06-30"])
    printed = capsys.readouterr().out
    assert code == 1
    out = tmp_path / "示范城市创建评分结果_20260630.xlsx"
    issues = [row for ws in openpyxl.load_workbook(out, read_only=True) if ws.title == "校验问题"
              for row in ws.iter_rows(values_only=True)]
    assert any(r[0] == "avg.xlsx" and r[8] == "AVERAGES_UNREADABLE" and "不是 Excel/WPS 表格文件" in r[5]
               and "按各市基础数据计算" in r[5] for r in issues), issues
    assert "按参与评分各市的基础数据计算" in printed or "各市基础数据" in printed
    assert (tmp_path / "avg.xlsx").read_bytes() == before


def test_self_check_stage_scores_the_self_column(rubric, template, tmp_path):
    # a city checking itself before the review: only the 自评得分 column is filled
    folder = tmp_path / "self"
    write_city(folder, template, rubric, "南宁市", stage="self", **dict(zip(KEYS, FIGURES["南宁市"], strict=True)))
    write_city(folder, template, rubric, "玉林市", stage="self", **dict(zip(KEYS, FIGURES["玉林市"], strict=True)))
    result = evaluate_cities(folder, rubric, "self", eval_date=EVAL_DATE)
    # 南宁 and 玉林 alone: 1: (32 000 + 24 000) ÷ 16 000 000 × 1000 = 3.5‰, 南宁 4.0 above, 玉林 3.0 not
    assert by_city(result)["南宁市"].items["1"] == 8 and by_city(result)["玉林市"].items["1"] == 0
    assert [i.code for i in result.issues] == ["CITIES_MISSING"]
    assert result.averages["1"].cities_covered == 2
