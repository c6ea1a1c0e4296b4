"""Panel mode over a folder (issue 25): “市卫生健康委组织有关人员，通过查阅资料、现场查看、座谈等方式进行
市级核验，并对申报机构进行综合评分”. Each assessor fills a copy of the institution's workbook and names
themself as 评分人; the copies must agree on the 申报表 and the earlier stages; the 市级核验 item scores are
averaged by the rubric's rule and rated, ranked and shown as one institution. A copy that cannot be combined
leaves that institution unscored, with the files and cells named, while the others are rated."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from support import EVAL_DATE
from support.results import code_for, sheet_rows
from support.star import STAR, field_cell, full_scores, score_cell, template, valid_form
from test_job_parity import as_cli, cell_values, run_cli, without_paths

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.pipeline import run
from tuoyu_excel.core.star.rating import evaluate_star
from tuoyu_excel.gui.model import TASK_CHECK, TASK_CITY, TASK_STAR, TaskParams
from tuoyu_excel.gui.window import run_task
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.annotate import annotate_copies
from tuoyu_excel.render.star.workbook import write_star_results
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.spec.model import FAIL

ASSESSOR_CELL = layout.cell_name(
    next(layout.SCORE_FIRST_ROW + n for n, r in enumerate(layout.score_rows(STAR)) if r.kind == "assessor"),
    layout.column_index(STAR, STAR.stage("city").header))


def copy(folder: Path, file: str, seed: int, assessor: str | None, city: dict | None = None,
         form: dict | None = None, county: dict | None = None, stage: str = "city") -> Path:
    """One assessor's copy of institution `seed`: full marks but for `city` (and `county`) overrides."""
    scores = full_scores(STAR)
    scores["city"].update(city or {})
    scores["county"].update(county or {})
    notes = {code: "扣分：资料不全" for code in {**(city or {}), **(county or {})}}
    base = {**valid_form(seed), "name": f"托育机构{seed}", "credit_code": code_for(seed), "district": "城中区"}
    return fill_workbook(template(), folder / f"{file}.xlsx", STAR, {**base, **(form or {})}, scores, notes,
                         assessors={stage: assessor} if assessor is not None else None)


def three(folder: Path, seed: int, points: tuple[str, str, str], **changes) -> None:
    for who, value in zip(("张三", "李四", "王五"), points, strict=True):
        copy(folder, f"{seed}_{who}", seed, who, {"2-03": D(value)}, **changes.get(who, {}))


def by_file(result):
    return {f.file: f for f in result.files}


def codes(f) -> list[tuple[str, str, str]]:
    return [(i.code, i.sheet, i.cell) for i in f.issues]


def test_three_assessors_averaged_into_one_institution(tmp_path):
    three(tmp_path, 1, ("20", "18", "17"))  # 2-03: 55 ÷ 3 = 18.33
    result = run(tmp_path, STAR, "city", EVAL_DATE, panel=True)
    [f] = result.files
    assert f.issues == [] and f.panel.assessors == tuple(sorted(("张三", "李四", "王五")))
    assert f.file == "1_张三.xlsx" and f.panel.stage == "city"
    assert f.card.items["2-03"] == D("18.33") and f.card.total == D("998.33")
    assert {a.assessor: a.card.total for a in f.panel.copies} == {"张三": D(1000), "李四": D(998), "王五": D(997)}
    assert {a.assessor: a.file for a in f.panel.copies}["李四"] == "1_李四.xlsx"
    assert f.eligible and f.card.core_rate == D(1)
    assert f.panel.spreads == ()  # 20 − 17 = 3 ≤ half of 20


def test_a_spread_over_half_the_points_is_kept_for_the_results(tmp_path):
    three(tmp_path, 1, ("20", "9", "15"))  # 11 > 10
    [f] = run(tmp_path, STAR, "city", EVAL_DATE, panel=True).files
    assert [(s.item, s.low, s.high) for s in f.panel.spreads] == [("2-03", D(9), D(20))]
    assert f.card.items["2-03"] == D("14.67")


def test_ranking_uses_the_averaged_scores(tmp_path):
    three(tmp_path, 1, ("20", "18", "17"))  # 998.33
    copy(tmp_path, "2_单人", 2, "", {"2-03": D("18.5")})  # one copy: scored as today, 998.5
    three(tmp_path, 3, ("20", "19", "19"))  # 999.33
    star = evaluate_star(tmp_path, STAR, "city", EVAL_DATE, panel=True)
    order = [(p.candidate.name, p.candidate.total, p.rank) for p in sorted(star.placements, key=lambda p: p.rank)]
    assert order == [("托育机构3", D("999.33"), 1), ("托育机构2", D("998.5"), 2), ("托育机构1", D("998.33"), 3)]


def test_a_split_pass_fail_item_is_refused_while_the_others_are_rated(tmp_path):
    three(tmp_path, 1, ("20", "18", "17"))
    copy(tmp_path, "9_张三", 9, "张三")
    copy(tmp_path, "9_李四", 9, "李四", {"1-03": FAIL})
    star = evaluate_star(tmp_path, STAR, "city", EVAL_DATE, panel=True)
    files = by_file(star.run)
    where = score_cell(STAR, "city", "1-03")
    assert codes(files["9_张三.xlsx"]) == [("PANEL_SPLIT", "评分表", where)]
    assert codes(files["9_李四.xlsx"]) == [("PANEL_SPLIT", "评分表", where)]
    message = files["9_李四.xlsx"].issues[0].message
    assert "张三：符合" in message and "李四：不符合" in message and "1-03" in message
    assert files["9_张三.xlsx"].card is None and files["9_李四.xlsx"].card is None
    assert [p.candidate.name for p in star.placements] == ["托育机构1"]


def test_copies_that_differ_on_the_form_name_both_files_and_the_cells(tmp_path):
    copy(tmp_path, "5_张三", 5, "张三")
    copy(tmp_path, "5_李四", 5, "李四", form={"capacity": 90})
    three(tmp_path, 6, ("20", "20", "19"))
    result = run(tmp_path, STAR, "city", EVAL_DATE, panel=True)
    files = by_file(result)
    cell = field_cell(STAR, "capacity")
    assert codes(files["5_张三.xlsx"]) == [("PANEL_COPIES_DIFFER", "申报表", cell)]
    assert codes(files["5_李四.xlsx"]) == [("PANEL_COPIES_DIFFER", "申报表", cell)]
    theirs = files["5_李四.xlsx"].issues[0]
    assert (theirs.found, theirs.expected) == ("90", "80") and "5_张三.xlsx" in theirs.message
    assert f"申报表!{cell}" in theirs.message
    assert files["5_张三.xlsx"].card is None and files["5_李四.xlsx"].card is None
    assert [f.card.total for f in result.files if f.card] == [D("999.67")]


def test_copies_that_differ_on_an_earlier_stage_are_refused(tmp_path):
    copy(tmp_path, "5_张三", 5, "张三")
    copy(tmp_path, "5_李四", 5, "李四", county={"2-03": D(19)})
    files = by_file(run(tmp_path, STAR, "city", EVAL_DATE, panel=True))
    where = score_cell(STAR, "county", "2-03")
    assert codes(files["5_李四.xlsx"]) == [("PANEL_COPIES_DIFFER", "评分表", where)]
    assert files["5_李四.xlsx"].issues[0].found == "19"


def test_every_copy_names_a_different_assessor(tmp_path):
    copy(tmp_path, "7_a", 7, "张三")
    copy(tmp_path, "7_b", 7, "张三")
    copy(tmp_path, "7_c", 7, None)
    files = by_file(run(tmp_path, STAR, "city", EVAL_DATE, panel=True))
    assert codes(files["7_a.xlsx"]) == [("PANEL_ASSESSOR_SAME", "评分表", ASSESSOR_CELL)]
    assert codes(files["7_b.xlsx"]) == [("PANEL_ASSESSOR_SAME", "评分表", ASSESSOR_CELL)]
    assert codes(files["7_c.xlsx"]) == [("PANEL_ASSESSOR_MISSING", "评分表", ASSESSOR_CELL)]
    assert "7_a.xlsx、7_b.xlsx" in files["7_c.xlsx"].issues[0].message
    assert all(f.card is None for f in files.values())


def test_a_copy_with_errors_leaves_the_others_unscored(tmp_path):
    copy(tmp_path, "8_张三", 8, "张三")
    copy(tmp_path, "8_李四", 8, "李四", {"2-03": D(21)})  # over the item's 20 points
    files = by_file(run(tmp_path, STAR, "city", EVAL_DATE, panel=True))
    assert [i.code for i in files["8_李四.xlsx"].issues] == ["SCORE_OVER_MAX"]
    assert codes(files["8_张三.xlsx"]) == [("PANEL_COPY_UNSCORED", "", "")]
    assert "8_李四.xlsx" in files["8_张三.xlsx"].issues[0].message
    assert files["8_张三.xlsx"].card is None


def test_without_panel_mode_two_copies_stay_a_duplicate_submission(tmp_path):
    three(tmp_path, 1, ("20", "18", "17"))
    result = run(tmp_path, STAR, "city", EVAL_DATE)
    assert {i.code for i in result.issues} == {"DUPLICATE_INSTITUTION"} and len(result.files) == 3
    assert "多人评分" in result.issues[0].message


def _as_layout_1(path: Path) -> None:
    """What a template sent out before the 评分人 row (layout 1) gives: version 1, no 评分人 row."""
    wb = openpyxl.load_workbook(path)
    wb[layout.META_SHEET].cell(layout.META_KEYS.index("layout_version") + 1, 2, "1")
    ws = wb[layout.SCORE_SHEET]
    ws[ASSESSOR_CELL] = None
    ws.unmerge_cells(f"A{ws[ASSESSOR_CELL].row}:E{ws[ASSESSOR_CELL].row}")
    ws[f"A{ws[ASSESSOR_CELL].row}"] = None
    wb.save(path)


def test_a_layout_1_workbook_reads_but_cannot_join_a_panel(tmp_path):
    """Templates sent out before the 评分人 row (layout 1) still read; in panel mode such a copy is told it was
    filled on the old template and must be re-filled on the new one, while its panel waits."""
    for who in ("张三", "李四", "王五"):
        copy(tmp_path, f"4_{who}", 4, who, {"2-03": D(18)})
    _as_layout_1(tmp_path / "4_张三.xlsx")
    alone = run(tmp_path / "4_张三.xlsx", STAR, "city", EVAL_DATE)
    assert alone.issues == [] and alone.files[0].card.total == D(998)
    files = by_file(run(tmp_path, STAR, "city", EVAL_DATE, panel=True))
    [issue] = files["4_张三.xlsx"].issues
    assert (issue.code, issue.file, issue.sheet, issue.cell) == ("PANEL_ASSESSOR_NO_ROW", "4_张三.xlsx", "评分表", "")
    assert "旧版模板" in issue.message and "新版空白模板" in issue.message and "“评分人”行" in issue.message
    assert "4_李四.xlsx、4_王五.xlsx" in issue.message and "市级核验" in issue.message
    assert issue.text.startswith("4_张三.xlsx “评分表”工作表：")
    assert issue.title == "旧模板无评分人行"
    assert files["4_李四.xlsx"].issues == files["4_王五.xlsx"].issues == []
    assert all(f.card is None for f in files.values())  # the panel waits for the re-filled copy


def test_a_blank_assessor_on_the_new_template_is_not_called_an_old_template(tmp_path):
    for who in ("张三", "李四"):
        copy(tmp_path, f"5_{who}", 5, who if who == "李四" else "")
    files = by_file(run(tmp_path, STAR, "city", EVAL_DATE, panel=True))
    assert codes(files["5_张三.xlsx"]) == [("PANEL_ASSESSOR_MISSING", "评分表", ASSESSOR_CELL)]


@pytest.mark.parametrize("with_panel", [True, False])
def test_star_command_takes_panel(tmp_path, with_panel):
    folder = tmp_path / "in"
    folder.mkdir()
    three(folder, 1, ("20", "18", "17"))
    out = tmp_path / "结果.xlsx"
    args = ["star", str(folder), "--date", EVAL_DATE.isoformat(), "-o", str(out)] + (["--panel"] if with_panel else [])
    status = main(args)
    assert status == (0 if with_panel else 1)
    ws = openpyxl.load_workbook(out, read_only=True)["得分明细"]
    values = [v for row in ws.iter_rows(values_only=True) for v in row]
    assert (D("998.33") in [D(str(v)) for v in values if isinstance(v, (int, float))]) is with_panel


def test_results_show_the_panel(tmp_path):
    """得分明细 holds the averaged scores; 评分人明细 each assessor's total and the wide spreads, highlighted;
    运行信息 the rule and the assessors; the summary how many assessors scored each institution."""
    folder = tmp_path / "in"
    folder.mkdir()
    three(folder, 1, ("20", "9", "15"))  # 2-03: 44 ÷ 3 = 14.67, spread 11 > 10
    copy(folder, "2_单人", 2, "")
    star = evaluate_star(folder, STAR, "city", EVAL_DATE, panel=True)
    out = write_star_results(star, tmp_path / "结果.xlsx").path
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.index("评分人明细") == wb.sheetnames.index("得分明细") + 1
    details = {r["机构名称"]: r for r in sheet_rows(wb, "得分明细") if r["机构名称"] in ("托育机构1", "托育机构2")}
    assert D(str(details["托育机构1"]["综合得分"])) == D("994.67")
    assert D(str(details["托育机构2"]["综合得分"])) == D(1000)
    rows = sheet_rows(wb, "评分人明细")
    assert [(r["评分人"], r["评分文件"], r["评分人合计得分"]) for r in rows] == [
        ("张三", "1_张三.xlsx", 1000), ("李四", "1_李四.xlsx", 989), ("王五", "1_王五.xlsx", 995)]
    assert [r["评定用综合得分（平均）"] for r in rows] == [994.67] * 3
    spread = rows[0]["各评分人差异较大的项目"]
    assert spread.startswith("2-03 ") and "最低 9 分，最高 20 分，相差 11 分，超过 10 分" in spread
    ws = wb["评分人明细"]
    [rule] = [c for c in ws.conditional_formatting]
    assert str(rule.sqref).startswith("G") and rule.rules[0].type == "notContainsBlanks"
    info = [r for r in wb["运行信息"].iter_rows(values_only=True) if r and r[0]]
    flat = {r[0]: r[1] for r in info if len(r) > 1}
    assert flat["评分人"] == "、".join(sorted(("张三", "李四", "王五")))
    assert "评分人达到 5 人时先去掉一个最高分和一个最低分" in flat["多人评分规则"]
    assert any("3 位评分人 1 家，单份表格 1 家" in str(v) for r in info for v in r if v)


def test_the_readme_example_of_three_assessors(tmp_path):
    """README “多人评分”: 2-03 scored 20 / 18 / 17 and 3-02 (core) 24 / 24 / 22.5 by 张三, 李四, 王五."""
    scores = {"张三": {"2-03": D(20), "3-02": D(24)}, "李四": {"2-03": D(18), "3-02": D(24)},
              "王五": {"2-03": D(17), "3-02": D("22.5")}}
    for who, city in scores.items():
        copy(tmp_path, f"阳光托育_{who}", 1, who, city)
    [f] = run(tmp_path, STAR, "city", EVAL_DATE, panel=True).files
    assert {a.assessor: a.card.total for a in f.panel.copies} == {"张三": D(999), "李四": D(997), "王五": D("994.5")}
    assert (f.card.items["2-03"], f.card.items["3-02"]) == (D("18.33"), D("23.50"))
    assert f.card.total == D("996.83") and f.card.core == STAR.core_total - D("1.50")
    assert f.panel.spreads == ()


def test_check_and_report_commands_take_panel(tmp_path):
    """县级初评 by two staff: the county report and the check report see one institution per panel."""
    folder = tmp_path / "in"
    folder.mkdir()
    for who, points in (("赵六", "20"), ("钱七", "19")):
        copy(folder, f"1_{who}", 1, who, county={"2-03": D(points)}, stage="county")
    copy(folder, "2_单人", 2, "")
    check = tmp_path / "校验.xlsx"
    common = ["--date", EVAL_DATE.isoformat()]
    assert main(["check", str(folder), "--stage", "county", "--panel", "-o", str(check), *common]) == 0
    assert main(["check", str(folder), "--stage", "county", "-o", str(tmp_path / "重复.xlsx"), *common]) == 1
    report = tmp_path / "初评.xlsx"
    assert main(["report", str(folder), "--county", "城中区", "--panel", "-o", str(report), *common]) == 0
    wb = openpyxl.load_workbook(report, read_only=True)
    values = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert 999.5 in values  # (20 + 19) ÷ 2 = 19.5 on 2-03
    text = "".join(str(v) for v in values)
    assert "申报 2 家" in text
    assert f"多人评分的机构按各评分人得分的平均分计（托育机构1 2 人（{'、'.join(sorted(('赵六', '钱七')))}））。" in text
    assert "1_赵六.xlsx" in text and "1_钱七.xlsx" in text and "（评分人 钱七）" in text  # 运行信息: every copy


@pytest.mark.parametrize(("task", "argv"), [(TASK_STAR, ["star"]), (TASK_CHECK, ["check", "--stage", "city"])])
def test_window_and_command_line_agree_in_panel_mode(tmp_path, capsys, task, argv):
    """The window's 多人评分 box is the command line's --panel: the same workbooks, the same summary."""
    folder = tmp_path / "in"
    folder.mkdir()
    three(folder, 1, ("20", "9", "15"))
    three(folder, 2, ("20", "18", "17"))
    cli_out, gui_out = tmp_path / "命令行", tmp_path / "窗口"
    cli_out.mkdir()
    code, cli_lines = run_cli([argv[0], str(folder), *argv[1:], "--date", EVAL_DATE.isoformat(), "--panel"], cli_out,
                              capsys)
    form = TaskParams(task=task, input_dir=str(folder), date=EVAL_DATE.isoformat(), panel=True, output_dir=str(gui_out),
                      stage="city")
    outcome = run_task(form)
    assert outcome.status == code
    assert without_paths(as_cli(outcome.lines), gui_out) == without_paths(cli_lines, cli_out)
    names = sorted(p.name for p in cli_out.iterdir())
    assert sorted(p.name for p in gui_out.iterdir()) == names
    for name in names:
        assert cell_values(gui_out / name) == cell_values(cli_out / name), name
    assert TaskParams(task=task, panel=True).job_params().panel
    assert not TaskParams(task=TASK_CITY, panel=True).job_params().panel  # the city task has no such box


def test_the_summaries_say_how_many_assessors_scored(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    three(folder, 1, ("20", "18", "17"))
    copy(folder, "2_单人", 2, "")
    common = ["--date", EVAL_DATE.isoformat()]
    main(["star", str(folder), "--panel", "-o", str(tmp_path / "星级.xlsx"), *common])
    main(["check", str(folder), "--stage", "city", "--panel", "-o", str(tmp_path / "校验.xlsx"), *common])
    out = capsys.readouterr().out
    assert "多人评分（各机构评分人数）：3 位评分人 1 家，单份表格 1 家。各评分人的合计得分见“评分人明细”工作表。" in out
    assert "多人评分：同一机构的几份表格已合成一份（各机构评分人数：3 位评分人 1 家，单份表格 1 家）。" in out
    assert out.count("共读取 4 个文件") == 2  # every copy is an input file
    wb = openpyxl.load_workbook(tmp_path / "校验.xlsx")
    rows = sheet_rows(wb, "汇总")
    assert [(r["文件"], r["综合得分"]) for r in rows] == [
        ("1_张三.xlsx", 1000), ("1_李四.xlsx", 998), ("1_王五.xlsx", 997), ("2_单人.xlsx", 1000)]
    info = " ".join(str(v) for row in wb["运行信息"].iter_rows(values_only=True) for v in row if v is not None)
    assert all(name in info for name in ("1_张三.xlsx", "1_李四.xlsx", "1_王五.xlsx", "2_单人.xlsx"))


def test_panel_mode_needs_an_assessing_stage(tmp_path, capsys):
    """机构自评 is the institution's own: a panel of assessors scores the 县级初评 or the 市级核验."""
    copy(tmp_path, "1_张三", 1, "张三")
    status = main(["check", str(tmp_path), "--panel", "-o", str(tmp_path / "校验.xlsx"), "--date", EVAL_DATE.isoformat()])
    assert status == 2
    assert "多人评分只用于评分人打分的阶段（县级初评、市级核验），本次的评定阶段是“机构自评”" in capsys.readouterr().err


def test_annotated_copies_mark_each_assessors_file_with_its_own_issues(tmp_path):
    """A warning on one assessor's copy goes into that copy's annotated file, not into another's."""
    folder = tmp_path / "in"
    folder.mkdir()
    copy(folder, "1_张三", 1, "张三")
    copy(folder, "1_李四", 1, "李四", {"2-03": "18"})  # typed as text: read with a warning
    result = run(folder, STAR, "city", EVAL_DATE, panel=True)
    [f] = result.files
    assert f.card.items["2-03"] == D(19) and [(i.code, i.file) for i in f.issues] == [("SCORE_TEXT_NUMBER", "1_李四.xlsx")]
    done = annotate_copies(result, tmp_path / "标注")
    assert [file for file, _, _ in done] == ["1_李四.xlsx"]
    [(_, path, _)] = done
    assert path is not None and path.name.startswith("1_李四")
