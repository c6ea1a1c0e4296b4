"""Star-rating results end to end: template → filled workbooks → evaluate_star → write_star_results →
the results workbook read back with openpyxl (and its XML, and LibreOffice).

Each rule test cites the sentence of 《柳州市托育机构星级评定工作方案》 it checks. The workbooks are
built once per module (filling one takes ~50 ms).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest
from office import convert
from support.results import EVAL_DATE, Inst, clear_field, header_of, header_span, make_folder, sheet_rows
from support.star import field_cell

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.star.rating import evaluate_star
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.render.star.workbook import write_star_results
from tuoyu_excel.render.template.workbook import write_template

URBAN = ("城中区", "鱼峰区", "柳南区", "柳北区", "柳江区")
COUNTY = ("柳城县", "鹿寨县", "融安县", "融水苗族自治县", "三江侗族自治县")
INJECTED = ('=HYPERLINK("http://x","y")', "+1", "@SUM(A1)")
SHEETS = ["汇总", "星级评定结果", "未达条件名单", "得分明细", "自评与核验差异", "校验问题", "公示", "公示核查", "图表", "运行信息"]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("liuzhou_star")


@pytest.fixture(scope="module")
def template(rubric, tmp_path_factory):
    return write_template(rubric, tmp_path_factory.mktemp("template"))


def urban_insts() -> list[Inst]:
    totals = [980, 970, 960, 960, 950, 940, 930, 920, 910, 900, 890, 880, 870, 860, 850, 840, 830, 820, 800, 750]
    insts = [Inst(f"城区托育{n + 1:02d}", URBAN[n % 5], total=D(t), seed=100 + n, file=f"u{n:02d}")
             for n, t in enumerate(totals)]
    insts[2].core, insts[3].core = D(420), D(410)  # tied on 960: the core decides (and the star)
    insts[2].file, insts[3].file = "u03b", "u03a"  # the lower core is read first
    insts[18].core = D(344)  # core rate exactly 80 %
    insts[9].self_total = D(1000)
    for n, name in zip((0, 5, 12), INJECTED, strict=True):
        insts[n].name = name
    return insts


def county_insts() -> list[Inst]:
    return [Inst(f"县托育{n + 1:02d}", COUNTY[n % 5], total=D(950 - 10 * n), seed=200 + n, file=f"c{n:02d}")
            for n in range(13)]


def ineligible_insts() -> list[Inst]:
    def bad(file: str, name: str, district: str = "城中区", **kw) -> Inst:
        return Inst(name, district, file=file, **kw)

    insts = [
        bad("x_short", "运营不满一年", form={"filing_date": dt.date(2026, 3, 1), "start_date": dt.date(2026, 3, 1)}),
        bad("x_puhui", "=1+1", "柳城县", form={"is_puhui": "否"}),
        bad("x_price", "不执行指导价", form={"gov_price": "否"}, na=("4-09",)),
        bad("x_credit", "失信机构", form={"decl_credit": "是"}),
        bad("x_abuse", "体罚机构", form={"decl_abuse": "是"}),
        bad("x_accident", "事故机构", form={"decl_accident": "是"}),
        bad("x_dispute", "纠纷机构", form={"decl_dispute": "是"}),
        bad("x_veto", "必备不符", veto_fail="1-03"),
        bad("x_7495", "差半分", total=D("749.5")),
        bad("x_core", "核心不足", total=D(900), core=D("343.5")),
        bad("x_many", "多项不符", total=D(700), veto_fail="1-02", form={"is_puhui": "否", "decl_abuse": "是"}),
    ]
    for n, inst in enumerate(insts):
        inst.seed = 300 + n
    return insts


@pytest.fixture(scope="module")
def main_run(rubric, template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("main") / "in"
    make_folder(folder, template, rubric, urban_insts() + county_insts() + ineligible_insts())
    dup = Inst("重复机构", "柳南区", seed=400, file="dup_a")
    make_folder(folder, template, rubric, [dup, Inst("重复机构（另一份）", "柳南区", seed=400, file="dup_b")])
    make_folder(folder, template, rubric, [Inst("未备案机构", "柳北区", seed=401, file="no_filing")])
    clear_field(folder / "no_filing.xlsx", rubric, "filing_date")
    (folder / "broken.xlsx").write_text("这不是表格", encoding="utf-8")
    result = evaluate_star(folder, rubric, "city", EVAL_DATE)
    out = write_star_results(result, folder.parent / "out" / "结果.xlsx")
    return result, out, openpyxl.load_workbook(out.path, data_only=True)  # 汇总 counts: their cached values


def by_name(rows: list[dict], key: str = "机构名称") -> dict[str, dict]:
    return {r[key]: r for r in rows}


# ---------------------------------------------------------------- structure


def test_sheet_names_and_headers_are_the_contract(main_run):
    _, _, wb = main_run
    assert wb.sheetnames == SHEETS
    head = {name: header_of(wb[name]) for name in SHEETS if wb[name].auto_filter.ref}
    assert set(head) == set(SHEETS) - {"汇总", "图表", "运行信息", "公示", "公示核查"}  # a notice, a form
    summary = list(wb["汇总"].iter_rows(values_only=True))
    head["汇总"] = [v for v in next(r for r in summary if r[0] == "片区") if v is not None]
    assert head["星级评定结果"] == ["片区", "片区排名", "机构名称", "统一社会信用代码", "所在县区", "综合得分",
                                "核心指标得分", "核心指标得分率", "评定星级", "备注"]
    assert head["未达条件名单"] == ["机构名称", "统一社会信用代码", "所在县区", "综合得分", "原因"]
    assert head["校验问题"] == ["文件", "工作表", "单元格", "严重程度", "问题类型", "说明", "发现值", "应为", "代码"]
    assert [v for v in next(r for r in wb["公示"].iter_rows(values_only=True) if r[0] == "序号")] == [
        "序号", "星级", "机构名称", "所在县区", "统一社会信用代码"]
    assert head["自评与核验差异"] == ["机构名称", "部分", "自评得分", "县级初评得分", "市级核验得分", "初评−自评",
                                  "核验−初评", "核验−自评", "标注"]
    assert head["汇总"] == ["片区", "三星级", "二星级", "一星级", "未获评", "待裁定", "合计"]
    assert next(r for r in summary if r[0] == "县区") == ("县区", "申报", "参加排名", "三星级", "二星级", "一星级",
                                                         "未获评", "待裁定", "未达评定条件", "表格有错误")
    assert head["得分明细"][:4] == ["机构名称", "统一社会信用代码", "综合得分", "二、机构资质"]
    assert head["得分明细"][10:12] == ["1-01 依法登记备案", "1-02 运营年限与收托规模"]
    assert len(head["得分明细"]) == 3 + 7 + 68


def test_printable_sheets_carry_title_issuer_date_and_signature(main_run):
    _, _, wb = main_run
    titles = {"汇总": "柳州市托育机构星级评定——结果汇总", "星级评定结果": "柳州市托育机构星级评定——星级评定结果",
              "未达条件名单": "柳州市托育机构星级评定——未达条件名单",
              "得分明细": "柳州市托育机构星级评定——得分明细"}
    for name, title in titles.items():
        ws = wb[name]
        assert ws["A1"].value == title, name
        byline = [v for v in next(ws.iter_rows(min_row=2, max_row=2, values_only=True)) if v]
        # side by side, or on one line when the table is too narrow for both (a short 公示名单)
        assert byline in (["发布单位：柳州市卫生健康委", "评定日期：2026年11月22日"],
                          ["发布单位：柳州市卫生健康委　　评定日期：2026年11月22日"]), name
        assert "A1" in {str(r).split(":")[0] for r in ws.merged_cells.ranges}, name
    for name in ("汇总", "星级评定结果", "未达条件名单"):
        texts = [c.value for row in wb[name].iter_rows() for c in row if isinstance(c.value, str)]
        assert texts[-1].startswith("制表人：") and "审核人：" in texts[-1] and "日期：" in texts[-1], name
    for name in ("星级评定结果", "未达条件名单"):  # the signature is under the table, not in it
        _, last = header_span(wb[name])
        assert all(c.value is None for c in wb[name][last + 1]), name


def test_list_sheets_are_frozen_filtered_formatted_and_print_a4_landscape(main_run):
    _, _, wb = main_run
    for name in ("星级评定结果", "未达条件名单", "得分明细", "自评与核验差异", "校验问题"):
        ws = wb[name]
        header, _ = header_span(ws)
        top = 2 if name == "得分明细" else 1  # its header has two rows: the parts over their items
        assert header == {"得分明细": 4}.get(name, 3), name
        assert ws.freeze_panes in (f"A{header + 1}", f"B{header + 1}"), name  # only the table's header frozen
        assert ws.print_title_rows == f"${header - top + 1}:${header}", name  # and repeated: not the title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, name
    ws = wb["星级评定结果"]
    assert ws["F4"].number_format == "0.00" and ws["H4"].number_format == "0.0%"
    assert ws.column_dimensions["C"].width >= 12  # Chinese names are not squeezed
    assert [c.value for c in wb["得分明细"][3]][3:11] == ["各部分得分"] + [None] * 6 + ["一、必备条件"]


# ---------------------------------------------------------------- quotas, bands, ties


def test_quotas_and_bands_per_zone(main_run):
    # “柳北区、城中区、鱼峰区、柳南区及柳江区：每年共评定星级机构不超过18家，其中一星级机构9家、二星级机构6家、
    #  三星级机构3家……综合评分排名1-3名为三星级机构，综合评分排名4-9名为二星级机构，综合评分排名10-18名为一星级机构。”
    # “柳城、鹿寨、融安、融水及三江县：每年共评定星级机构不超过12家……综合评分排名1-2名为三星级机构，
    #  综合评分排名3-6名为二星级机构，综合评分排名7-12名为一星级机构。”
    _, _, wb = main_run
    summary = by_name(sheet_rows(wb, "汇总", first="片区"), "片区")
    assert [summary["城区"][k] for k in ("三星级", "二星级", "一星级", "未获评", "待裁定", "合计")] == [3, 6, 9, 2, 0, 20]
    assert [summary["县"][k] for k in ("三星级", "二星级", "一星级", "未获评", "待裁定", "合计")] == [2, 4, 6, 1, 0, 13]
    assert summary["合计"]["合计"] == 33
    rows = sheet_rows(wb, "星级评定结果")
    urban = [r for r in rows if r["片区"] == "城区"]
    assert [r["片区排名"] for r in urban] == list(range(1, 21))
    assert [r["评定星级"] for r in urban] == ["三星级"] * 3 + ["二星级"] * 6 + ["一星级"] * 9 + ["未获评"] * 2
    county = [r for r in rows if r["片区"] == "县"]
    assert [r["评定星级"] for r in county] == ["三星级"] * 2 + ["二星级"] * 4 + ["一星级"] * 6 + ["未获评"]
    assert [r["片区"] for r in rows] == ["城区"] * 20 + ["县"] * 13  # zones in rubric order, then rank


def test_tie_on_total_broken_by_core(main_run):
    # “综合评分相同的机构，核心指标得分高的排名在前。” — here it decides between 三星级 and 二星级
    _, _, wb = main_run
    rows = by_name(sheet_rows(wb, "星级评定结果"))
    assert (rows["城区托育03"]["综合得分"], rows["城区托育03"]["核心指标得分"]) == (960, 420)
    assert (rows["城区托育03"]["片区排名"], rows["城区托育03"]["评定星级"]) == (3, "三星级")
    assert (rows["城区托育04"]["综合得分"], rows["城区托育04"]["核心指标得分"]) == (960, 410)
    assert (rows["城区托育04"]["片区排名"], rows["城区托育04"]["评定星级"]) == (4, "二星级")


def test_pass_mark_and_core_rate_are_inclusive(main_run):
    # “评估分数达到750分(含)以上，核心指标得分不得低于80%。”
    _, _, wb = main_run
    ranked = by_name(sheet_rows(wb, "星级评定结果"))
    assert ranked["城区托育20"]["综合得分"] == 750 and ranked["城区托育20"]["评定星级"] == "未获评"  # 20th of 18 places
    assert ranked["城区托育19"]["核心指标得分率"] == pytest.approx(0.8)
    reasons = by_name(sheet_rows(wb, "未达条件名单"))
    assert reasons["差半分"]["综合得分"] == 749.5
    assert reasons["差半分"]["原因"] == "综合得分 749.5 分，低于 750 分"
    assert reasons["核心不足"]["原因"].startswith("核心指标得分 343.5/430（79.88%），低于 80.00%")


def test_every_ineligibility_reason_is_listed(main_run):
    # 一、评定对象 “应同时具备以下条件”（一）至（四）: every failed condition is listed, not just the first
    _, _, wb = main_run
    reasons = {name: r["原因"] for name, r in by_name(sheet_rows(wb, "未达条件名单")).items()}
    assert "连续运营不满 1 年" in reasons["运营不满一年"]  # （一）连续运营满一年以上
    assert reasons["=1+1"] == "是否普惠托育机构：否，应为“是”"  # （二）普惠托育机构
    assert reasons["不执行指导价"] == "是否执行政府指导价：否，应为“是”"  # （二）执行政府指导价
    assert reasons["失信机构"].startswith("申请年度内是否有失信惩戒不良记录：是")  # （三）
    assert reasons["体罚机构"].startswith("申请年度内是否有歧视、体罚")
    assert reasons["事故机构"].startswith("申请年度内是否发生安全事故")
    assert reasons["纠纷机构"].startswith("申请年度内是否发生重大服务纠纷")
    assert reasons["必备不符"].startswith("必备条件 1-03") and reasons["必备不符"].endswith("不符合")  # （四）
    many = reasons["多项不符"].split("；")
    assert len(many) == 4
    assert many[0].startswith("是否普惠托育机构") and many[1].startswith("申请年度内是否有歧视")
    assert many[2].startswith("必备条件 1-02") and many[3] == "综合得分 700 分，低于 750 分"


def test_broken_duplicate_and_unfiled_workbooks_are_excluded_but_listed(main_run):
    result, _, wb = main_run
    excluded = {r["原因"].split("：", 2)[1].split(" ")[0]: r for r in sheet_rows(wb, "未达条件名单")
                if r["原因"].startswith("表格有错误，未参加评定：")}
    assert set(excluded) == {"broken.xlsx", "dup_a.xlsx", "dup_b.xlsx", "no_filing.xlsx"}
    assert excluded["dup_a.xlsx"]["机构名称"] == "重复机构"
    assert re.search(r"同时出现在 dup_b\.xlsx 中.* 等 1 项$", excluded["dup_a.xlsx"]["原因"])
    assert "“备案日期”未填写" in excluded["no_filing.xlsx"]["原因"]  # not filed: an error, so excluded
    issues = sheet_rows(wb, "校验问题")
    assert {(r["文件"], r["代码"]) for r in issues} >= {("broken.xlsx", "FILE_NOT_SPREADSHEET"),
                                                      ("dup_a.xlsx", "DUPLICATE_INSTITUTION"),
                                                      ("dup_b.xlsx", "DUPLICATE_INSTITUTION"),
                                                      ("no_filing.xlsx", "VALUE_REQUIRED")}
    filing = next(r for r in issues if r["文件"] == "no_filing.xlsx")
    cell = field_cell(result.rubric, "filing_date")
    assert (filing["工作表"], filing["单元格"], filing["严重程度"], filing["问题类型"]) == ("申报表", cell, "错误", "必填项未填")
    assert "“备案日期”未填写" in filing["说明"]
    assert len(issues) == len(result.run.issues)
    # every workbook is somewhere: ranked, or in 未达条件名单
    listed = len(sheet_rows(wb, "星级评定结果")) + len(sheet_rows(wb, "未达条件名单"))
    assert listed == len(result.run.files) == 33 + 11 + 4


# ---------------------------------------------------------------- other sheets


def test_public_list_order_and_print_title(main_run):
    # 三（五）“市卫生健康委对拟命名的一星级、二星级、三星级机构进行公示”
    _, _, wb = main_run
    rows = sheet_rows(wb, "公示", first="序号")
    assert [r["序号"] for r in rows] == list(range(1, 31))
    assert [r["星级"] for r in rows] == ["三星级"] * 5 + ["二星级"] * 10 + ["一星级"] * 15
    assert [r["机构名称"] for r in rows[:5]] == [INJECTED[0], "城区托育02", "城区托育03", "县托育01", "县托育02"]
    assert rows[5]["机构名称"] == "城区托育04" and rows[5]["所在县区"] == "柳北区"
    ws = wb["公示"]
    assert ws["A1"].value == "柳州市星级托育机构拟命名名单（公示）" and ws.page_setup.orientation == "portrait"


def test_score_details(main_run):
    _, _, wb = main_run
    rows = {name: {str(k).split(" ")[0]: v for k, v in r.items()} for name, r in by_name(sheet_rows(wb, "得分明细")).items()}
    assert rows["必备不符"]["1-03"] == "不符合" and rows["必备不符"]["1-01"] == "符合"
    assert rows["不执行指导价"]["4-09"] == "不适用"
    assert rows["城区托育10"]["二、机构资质"] == 40 and rows["城区托育10"]["2-03"] == 0
    assert rows["城区托育10"]["综合得分"] == 900
    assert "运营不满一年" in rows and "broken.xlsx" not in rows and "重复机构" not in rows


def test_stage_gaps_flag_large_differences(main_run):
    _, _, wb = main_run
    threshold = 20  # rubric star.gap_threshold
    rows = sheet_rows(wb, "自评与核验差异")
    mine = {r["部分"]: r for r in rows if r["机构名称"] == "城区托育10"}
    assert len(mine) == 7
    part2, part3 = mine["二、机构资质"], mine["三、机构设置"]
    assert (part2["自评得分"], part2["县级初评得分"], part2["市级核验得分"]) == (60, 40, 40)
    assert (part2["核验−自评"], part2["标注"]) == (-20, None)  # exactly the threshold: not flagged
    assert (part3["核验−自评"], part3["核验−初评"], part3["标注"]) == (-75, 0, "差异较大")
    for r in rows:
        diffs = [r[k] for k in ("初评−自评", "核验−初评", "核验−自评") if r[k] is not None]
        assert (r["标注"] == "差异较大") == any(abs(d) > threshold for d in diffs)


def test_summary_states_parameters(main_run):
    result, _, wb = main_run
    text = "\n".join(str(c) for row in wb["汇总"].iter_rows(values_only=True) for c in row if c is not None)
    for technical in ("liuzhou_star", ".toml", result.rubric.content_hash, "2026-11-22"):  # only on 运行信息
        assert technical not in text, technical
    for expected in (result.rubric.name, "2026.1", "市级核验", "2026年11月22日",
                     "综合得分不低于 750 分（含）", "核心指标合计得分率不低于 80%", "名额 18 家",
                     "第 1—3 名 三星级；第 4—9 名 二星级；第 10—18 名 一星级", "名额 12 家"):
        assert expected in text, expected
    assert "待裁定——" not in text  # no tie to decide here
    assert "有 4 份表格有错误，未参加评定" in text


def test_run_info(main_run):
    result, _, wb = main_run
    values = [row for row in wb["运行信息"].iter_rows(values_only=True)]
    info = {r[0]: r[1] for r in values}
    assert info["工具版本"].startswith("tuoyu_excel ")
    assert info["规则校验码"] == result.rubric.content_hash and info["评定日期"] == "2026年11月22日"
    assert info["运行开始时间"] == result.run.started.strftime("%Y年%-m月%-d日 %H:%M:%S")
    for f in result.run.files:
        assert info[f.file] == hashlib.sha256(f.path.read_bytes()).hexdigest()


def test_native_chart_bars_coloured_by_star(main_run):
    _, out, wb = main_run
    with zipfile.ZipFile(out.path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2  # one per zone
        xml = z.read(charts[0]).decode("utf-8")
    assert '<c:barDir val="bar"/>' in xml  # bars run across: one line per name, names never overlap
    series = re.findall(r"<c:ser>.*?</c:ser>", xml)
    names = [re.search(r"<c:tx><c:v>(.*?)</c:v>", s).group(1) for s in series]
    assert names == ["三星级", "二星级", "一星级", "未获评"]  # the stars present in 城区, each its own colour
    colours = [re.search(r'<a:srgbClr val="(\w+)"', s).group(1) for s in series]
    assert len(set(colours)) == 4
    assert '<c:min val="0"/>' in xml and "合格线 750 分" in xml  # the score axis starts at 0
    assert '<c:orientation val="maxMin"/>' in xml  # rank 1 at the top
    first = [r for r in wb["图表"].iter_rows(values_only=True) if r[0] == 1][0]  # 城区's rank 1, in its series' column
    assert first[1:5] == (INJECTED[0], "三星级", 980, 980) and set(first[5:]) == {None}


# ---------------------------------------------------------------- safety


def test_text_that_looks_like_a_formula_stays_text(main_run):
    _, out, wb = main_run
    with zipfile.ZipFile(out.path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:  # only 汇总 (sheet1) holds formulas: the tool's counts, checked in test_star_print
            assert name == "xl/worksheets/sheet1.xml" or not re.search(rb"<f[ >]", z.read(name)), name
        formulas = re.findall(r"<f>(.*?)</f>", z.read("xl/worksheets/sheet1.xml").decode())
    assert formulas and not any(text in f for f in formulas for text in INJECTED + ("=1+1",))
    for sheet in ("星级评定结果", "得分明细", "自评与核验差异", "公示", "公示核查", "图表"):
        found = {c.value: c.data_type for row in wb[sheet].iter_rows() for c in row if c.value in INJECTED}
        assert found == dict.fromkeys(INJECTED, "s"), sheet
    found = [c for row in wb["未达条件名单"].iter_rows() for c in row if c.value == "=1+1"]
    assert len(found) == 1 and found[0].data_type == "s"


def test_results_never_overwrite(main_run, tmp_path):
    result, _, _ = main_run
    first = write_star_results(result, tmp_path / "结果.xlsx")
    before = first.path.read_bytes()
    second = write_star_results(result, tmp_path / "结果.xlsx")
    assert first.notice == "" and second.path.name == "结果(2).xlsx" and "结果(2).xlsx" in second.notice
    assert first.path.read_bytes() == before
    (tmp_path / "~$结果(3).xlsx").write_bytes(b"")  # Excel's lock file: 结果(3).xlsx is open elsewhere
    assert write_star_results(result, tmp_path / "结果.xlsx").path.name == "结果(4).xlsx"


@pytest.mark.office
def test_results_open_in_libreoffice(main_run, tmp_path):
    _, out, _ = main_run
    pdf = convert(out.path, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- 待裁定, fewer than places


@pytest.fixture(scope="module")
def tie_run(rubric, template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tie") / "in"
    insts = [Inst("县甲", "柳城县", total=D(950), seed=500), Inst("县乙", "鹿寨县", total=D(940), core=D(400), seed=501),
             Inst("县丙", "融安县", total=D(940), core=D(400), seed=502), Inst("县丁", "柳城县", total=D(930), seed=503)]
    insts += [Inst(f"城区{n}", "鱼峰区", total=D(t), seed=510 + n) for n, t in enumerate((990, 980, 970, 960, 960))]
    make_folder(folder, template, rubric, insts)
    result = evaluate_star(folder, rubric, "city", EVAL_DATE)
    out = write_star_results(result, folder.parent / "结果.xlsx")
    return result, out, openpyxl.load_workbook(out.path, data_only=True)  # 汇总 counts: their cached values


def test_remaining_tie_at_band_boundary_is_pending(tie_run):
    # “综合评分排名1-2名为三星级机构，综合评分排名3-6名为二星级机构……综合评分相同的机构，核心指标得分高的排名在前。”
    # Equal on both, the tie takes places 2–3 across the 三星级/二星级 line: the commission decides.
    _, _, wb = tie_run
    rows = by_name(sheet_rows(wb, "星级评定结果"))
    assert [(rows[n]["片区排名"], rows[n]["评定星级"]) for n in ("县甲", "县乙", "县丙", "县丁")] == [
        (1, "三星级"), (2, "待裁定"), (2, "待裁定"), (4, "二星级")]
    assert "须由市卫生健康委裁定" in rows["县乙"]["备注"]
    [cf] = wb["星级评定结果"].conditional_formatting  # 待裁定 rows tinted, from the first row under the header
    assert str(cf.sqref) == "A4:J12" and cf.rules[0].formula == ['$I4="待裁定"']
    warning = [c for row in wb["汇总"].iter_rows(values_only=True) for c in row if c and "待裁定——" in str(c)]
    assert len(warning) == 1 and "县乙（县第 2 名）" in warning[0] and "县丙（县第 2 名）" in warning[0]
    # 三（五）“市卫生健康委对拟命名的……机构进行公示”: with ties undecided nothing can be posted yet
    assert "公示" not in wb.sheetnames and "公示核查" not in wb.sheetnames


def test_fewer_eligible_than_places_fill_bands_from_the_top(tie_run):
    # “综合评分排名1-3名为三星级机构，综合评分排名4-9名为二星级机构” with only 5 institutions:
    # the top three are 三星级, the next two 二星级 (tied, one shared rank), no 一星级 and no 未获评.
    _, _, wb = tie_run
    urban = [r for r in sheet_rows(wb, "星级评定结果") if r["片区"] == "城区"]
    assert [(r["片区排名"], r["评定星级"]) for r in urban] == [(1, "三星级"), (2, "三星级"), (3, "三星级"),
                                                          (4, "二星级"), (4, "二星级")]
    summary = by_name(sheet_rows(wb, "汇总", first="片区"), "片区")
    assert [summary["城区"][k] for k in ("三星级", "二星级", "一星级", "未获评")] == [3, 2, 0, 0]


# ---------------------------------------------------------------- the command


def test_cli_star_clean_pending_and_default_name(tie_run, tmp_path, monkeypatch, capsys):
    result, _, _ = tie_run
    folder = result.run.files[0].path.parent
    monkeypatch.chdir(tmp_path)
    assert main(["star", str(folder), "--date", "2026-11-22"]) == 1  # 待裁定 present
    out = capsys.readouterr().out
    draft = tmp_path / "星级评定结果_待裁定稿_市级核验_20261122.xlsx"  # a draft is named as one
    assert draft.is_file() and not (tmp_path / "星级评定结果_市级核验_20261122.xlsx").exists()
    assert "县：三星级 1 家，二星级 1 家，一星级 0 家，未获评 0 家，待裁定 2 家" in out
    assert "有 2 家机构待裁定" in out and draft.name in out
    clean = tmp_path / "clean"
    clean.mkdir()
    for f in result.run.files:
        if f.file in ("inst510.xlsx", "inst511.xlsx"):
            shutil.copy(f.path, clean)
    assert main(["star", str(clean), "--date", "2026-11-22", "-o", str(tmp_path / "r.xlsx")]) == 0
    assert main(["star", str(clean), "--date", "2026-11-22", "-o", str(tmp_path / "r.xlsx")]) == 2
    assert "r.xlsx 已存在，未写入。要覆盖它请加 --overwrite" in capsys.readouterr().err
    assert not (tmp_path / "r(2).xlsx").exists()


def test_cli_star_county_stage_is_provisional(tie_run, tmp_path, capsys):
    result, _, _ = tie_run
    folder = result.run.files[0].path.parent
    out = tmp_path / "初评.xlsx"
    assert main(["star", str(folder), "--stage", "county", "--date", "2026-11-22", "-o", str(out)]) == 1
    assert "初步结果" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    text = "\n".join(str(c) for row in wb["汇总"].iter_rows(values_only=True) for c in row if c is not None)
    assert "县级初评的初步结果" in text and "不得据此公示" in text
    gaps = sheet_rows(wb, "自评与核验差异")
    assert all(r["市级核验得分"] is None and r["县级初评得分"] is not None for r in gaps)
    assert "公示" not in wb.sheetnames and "公示核查" not in wb.sheetnames  # nothing that could be posted
    for name in ("汇总", "星级评定结果", "未达条件名单", "得分明细"):
        assert wb[name]["A3"].value == "注意：本表为县级初评的初步结果，仅供核对，不得据此公示。", name


def test_cli_star_cannot_run(tmp_path, capsys):
    assert main(["star", str(tmp_path / "没有这个文件夹"), "--date", "2026-11-22"]) == 2
    assert "找不到文件夹" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["star", str(tmp_path / "empty"), "-o", str(tmp_path / "r.xlsx")]) == 2
    assert not (tmp_path / "r.xlsx").exists()
    assert main(["star", str(tmp_path / "empty"), "--history", str(tmp_path / "无.xlsx")]) == 2


def test_cli_star_issues_found(main_run, tmp_path, capsys):
    result, _, _ = main_run
    folder = result.run.files[0].path.parent
    assert main(["star", str(folder), "--date", "2026-11-22", "-o", str(tmp_path / "r.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "共读取 48 个文件：表格有错误、未参加评定 4 份，未达评定条件 11 家，参加排名 33 家。" in out
    assert "城区：三星级 3 家，二星级 6 家，一星级 9 家，未获评 2 家，待裁定 0 家" in out
    assert "未参加评定：broken.xlsx（无法读取" in out


def test_details_and_gaps_follow_the_ranking_not_the_file_names(main_run, rubric):
    """得分明细 and 自评与核验差异 list the institutions as 星级评定结果 does (zone, then rank), then those not
    ranked by 所在县区 and score: an institution that failed a condition is not first for its file's name."""
    result, _, wb = main_run
    zones = [z.name for z in rubric.star.zones]
    ranked = [p.candidate.name for p in sorted(result.placements, key=lambda p: (zones.index(p.zone), p.rank,
                                                                                 p.candidate.key))]
    districts = list(rubric.star.districts)
    rest = [f.submission.text("name") for f in sorted(
        result.ineligible, key=lambda f: (districts.index(f.submission.text("district")), -f.card.total, f.file))]
    details = [r["机构名称"] for r in sheet_rows(wb, "得分明细")]
    assert details == ranked + rest and set(rest) and details != sorted(details)
    gaps = [r["机构名称"] for r in sheet_rows(wb, "自评与核验差异")]
    assert list(dict.fromkeys(gaps)) == details
