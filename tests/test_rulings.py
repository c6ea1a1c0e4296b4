"""Rulings on ties, end to end on the bundled samples: `tuoyu star` lists the tie in the 待裁定 sheet, the
commission fills it, `--rulings` gives the final results; every ruling that does not fit is refused
with the cell named and nothing written.

《柳州市托育机构星级评定工作方案》二（二）: “综合评分排名1-2名为三星级机构，综合评分排名3-6名为二星级
机构……综合评分相同的机构，核心指标得分高的排名在前。” 三（四）: “市卫生健康委……评选出一星级、二星级、
三星级机构。” 三（五）: “市卫生健康委对拟命名的一星级、二星级、三星级机构进行公示”.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from office import convert
from support.results import sheet_rows
from support.rulings import (
    DATE,
    HISTORY,
    ROOT,
    SAMPLES,
    TIED,
    TIED_FILES,
    cell_of,
    clean_samples,
    fill_rulings,
    rulings_table,
    run_star,
)
from support.star import STAR, assert_literal_text
from test_gui_parity import drive
from test_job_parity import as_cli, cell_values, without_paths

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.star.ranking import NO_STAR, PENDING, Candidate, rank_all
from tuoyu_excel.core.star.rulings import apply_rulings, find_ties
from tuoyu_excel.gui.model import TASK_STAR, TaskParams
from tuoyu_excel.gui.window import run_task
from tuoyu_excel.intake.rulings import Ruling, RulingsRead
from tuoyu_excel.layout.results import HEADERS, R_BASIS, R_CODE, R_RANK, R_STAR, R_TOTAL, RULINGS_SHEET
from tuoyu_excel.render.formats import INPUT_FILL

BASIS = "市卫生健康委2026年第12次主任办公会议纪要：经现场核查裁定"
RULED = {TIED[0]: ("三星级", BASIS), TIED[1]: ("二星级", "=同上（会议纪要）")}


def star(capsys, source: Path, out: Path, *more: str) -> tuple[int, str, str]:
    return run_star(capsys, source, out, "--history", str(HISTORY), *more)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """The clean samples ranked once: the tie is left 待裁定 (exit 1), the results workbook lists it."""
    base = tmp_path_factory.mktemp("rulings")
    folder = clean_samples(base / "收到")
    results = base / "第一次" / "结果.xlsx"
    code = main(["star", str(folder), "--history", str(HISTORY), "--date", DATE, "-o", str(results)])
    return folder, results, code


def test_the_samples_leave_the_two_tied_institutions_pending(tmp_path, capsys):
    """Must show: `tuoyu star` on the samples lists the 2 pending institutions in 待裁定."""
    code, out, _ = star(capsys, SAMPLES, tmp_path / "r.xlsx")
    assert code == 1
    assert "有 2 家机构待裁定" in out and "--rulings" in out
    _, rows = rulings_table(tmp_path / "r.xlsx")
    assert [(r["片区"], r["名次"], r["机构名称"], r["综合得分"], r["核心指标得分"], r["可裁定星级"], r[R_STAR], r[R_BASIS])
            for r in rows] == [("县", 2, TIED[0], 931.5, 410, "三星级、二星级", None, None),
                               ("县", 2, TIED[1], 931.5, 410, "三星级、二星级", None, None)]
    assert not list(tmp_path.glob("历史评定记录_*"))  # nothing decided yet: no history for next year


def test_only_the_two_input_columns_are_unlocked_and_the_sheet_is_protected(first_run):
    _, results, code = first_run
    assert code == 1
    wb = openpyxl.load_workbook(results)
    ws = wb[RULINGS_SHEET]
    assert ws.protection.sheet and not ws.protection.password  # officials may unprotect it
    header_row, rows = rulings_table(results)
    for n in range(header_row + 1, header_row + 1 + len(rows)):
        for c, header in enumerate(HEADERS):
            cell = ws.cell(n, c + 1)
            is_input = header in (R_STAR, R_BASIS)
            assert cell.protection.locked is not is_input, cell.coordinate
            assert (cell.fill.fgColor.rgb[-6:] == INPUT_FILL[1:]) is is_input, cell.coordinate
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists == {cell_of(results, TIED[0], R_STAR): '"三星级,二星级,未获评"',
                     cell_of(results, TIED[1], R_STAR): '"三星级,二星级,未获评"'}
    intro = [ws.cell(n, 1).value for n in range(1, header_row)]
    # the printed guide speaks of the window's step, not of command flags (issue 23, item 4)
    assert any("决定工作簿" in (line or "") for line in intro)
    assert not any("--" in (line or "") for line in intro)


def test_filled_rulings_give_the_final_list(first_run, tmp_path, capsys):
    """Must show: filling 待裁定 and re-running with --rulings gives the final 公示 with them."""
    folder, results, _ = first_run
    filled = fill_rulings(results, tmp_path / "已裁定.xlsx", RULED)
    out = tmp_path / "最终" / "结果.xlsx"
    code, text, err = star(capsys, folder, out, "--rulings", str(filled))
    assert (code, err) == (0, "")
    assert f"裁定：按决定工作簿 已裁定.xlsx 裁定 2 家：{TIED[0]}（县第 2 名并列）→ 三星级；{TIED[1]}（县第 2 名并列）→ 二星级。" in text
    assert "  县：三星级 2 家，二星级 4 家，一星级 6 家，未获评 0 家，待裁定 0 家" in text
    wb = openpyxl.load_workbook(out)
    ranked = {r["机构名称"]: r for r in sheet_rows(wb, "星级评定结果")}
    assert [(ranked[n]["片区排名"], ranked[n]["评定星级"], ranked[n]["备注"]) for n in TIED] == [
        (2, "三星级", f"经市卫生健康委裁定：{BASIS}"), (3, "二星级", "经市卫生健康委裁定：=同上（会议纪要）")]
    public = {r["机构名称"]: r["星级"] for r in sheet_rows(wb, "公示", first="序号")}
    assert public[TIED[0]] == "三星级" and public[TIED[1]] == "二星级"
    cached = openpyxl.load_workbook(out, data_only=True)  # 汇总 counts are formulas: their cached values
    zones = sheet_rows(cached, "汇总", first="片区")
    assert list(zones[1].values())[:4] == ["县", 2, 4, 6]
    assert ("经裁定（家）", 2) in [r[:2] for r in cached["汇总"].iter_rows(values_only=True)]
    assert_literal_text(out, "星级评定结果", {"经市卫生健康委裁定：=同上（会议纪要）"})
    assert_literal_text(out, RULINGS_SHEET, {"=同上（会议纪要）"})
    _, rows = rulings_table(out)  # the final workbook keeps the rulings it applied: a complete rulings file
    assert [(r["名次"], r[R_STAR], r[R_BASIS]) for r in rows] == [(2, "三星级", BASIS), (2, "二星级", "=同上（会议纪要）")]


def test_the_ruling_body_comes_from_the_rubric(first_run, tmp_path, capsys):
    folder, results, _ = first_run
    toml = ((ROOT / "tuoyu_excel" / "rubrics" / "liuzhou_star.toml").read_text(encoding="utf-8")
            .replace('ruling_body = "市卫生健康委"', 'ruling_body = "市星级评定委员会"'))
    rubric = tmp_path / "规则.toml"
    rubric.write_text(toml, encoding="utf-8")
    filled = fill_rulings(results, tmp_path / "已裁定.xlsx", RULED)
    code, _, err = star(capsys, folder, tmp_path / "r.xlsx", "--rulings", str(filled), "--rubric", str(rubric))
    assert (code, err) == (0, "")
    notes = {r["机构名称"]: r["备注"] for r in sheet_rows(openpyxl.load_workbook(tmp_path / "r.xlsx"), "星级评定结果")}
    assert notes[TIED[0]] == f"经市星级评定委员会裁定：{BASIS}"


def _edit_cell(results: Path, name: str, header: str, value: object) -> dict[str, object]:
    return {cell_of(results, name, header): value}


REFUSALS = {
    # a star the tie's places do not carry
    "outside": ({TIED[0]: ("三星级", BASIS), TIED[1]: ("一星级", BASIS)}, None, (TIED[1], R_STAR), "不在可裁定范围内"),
    # two ruled to the one 三星级 place of the tie
    "over_top": ({TIED[0]: ("三星级", BASIS), TIED[1]: ("三星级", BASIS)}, None, (TIED[1], R_STAR),
                 "只有 1 个三星级名次，裁定为三星级的却有 2 家"),
    # two ruled to the one 二星级 place of the tie
    "over_band": ({TIED[0]: ("二星级", BASIS), TIED[1]: ("二星级", BASIS)}, None, (TIED[1], R_STAR),
                  "只有 1 个二星级名次，裁定为二星级的却有 2 家"),
    "no_basis": ({TIED[0]: ("三星级", BASIS), TIED[1]: ("二星级", None)}, None, (TIED[1], R_BASIS), "“裁定依据”未填写"),
    "no_star": ({TIED[0]: ("三星级", BASIS), TIED[1]: (None, BASIS)}, None, (TIED[1], R_STAR), "未选择“裁定星级”"),
    "score_changed": (RULED, (TIED[1], R_TOTAL, 930), (TIED[1], R_TOTAL), "综合得分裁定时为 930，本次评定为 931.5"),
    "rank_changed": (RULED, (TIED[1], R_RANK, 3), (TIED[1], R_RANK), "并列情况已变化"),
    # a ruling for an institution that is not 待裁定 in this run (it is 城区's first, 三星级)
    "not_pending": (RULED, (TIED[1], R_CODE, "92450206MA5H9QMX1A"), (TIED[1], R_CODE), "本次评定为三星级（城区第 1 名）"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_ruling_that_does_not_fit_is_refused_naming_its_cell(case, first_run, tmp_path, capsys):
    """Must show: an invalid ruling exits 2 naming the cell; nothing is written."""
    folder, results, _ = first_run
    decisions, edit, (name, header), words = REFUSALS[case]
    edits = _edit_cell(results, *edit) if edit else None
    filled = fill_rulings(results, tmp_path / "裁定.xlsx", decisions, edits)
    out = tmp_path / "输出"
    code, _, err = star(capsys, folder, out / "结果.xlsx", "--rulings", str(filled))
    assert code == 2
    assert f"裁定.xlsx “待裁定”工作表 {cell_of(results, name, header)} 单元格：" in err and words in err, err
    assert "未生成任何文件" in err and not out.exists()


def test_rulings_made_before_the_inputs_changed_are_refused(first_run, tmp_path, capsys):
    """One of the tied institutions withdrawn: the other is alone on place 2 (三星级), neither is 待裁定."""
    folder, results, _ = first_run
    changed = clean_samples(tmp_path / "收到", leave_out=(TIED_FILES[TIED[1]],))
    filled = fill_rulings(results, tmp_path / "裁定.xlsx", RULED)
    code, _, err = star(capsys, changed, tmp_path / "out" / "r.xlsx", "--rulings", str(filled))
    assert code == 2 and not (tmp_path / "out").exists()
    assert f"{cell_of(results, TIED[0], R_CODE)} 单元格：“{TIED[0]}”" in err and "本次评定为三星级（县第 2 名）" in err
    assert f"{cell_of(results, TIED[1], R_CODE)} 单元格：“{TIED[1]}”" in err and "本次未参加排名" in err


def test_a_duplicated_ruling_row_is_refused(first_run, tmp_path, capsys):
    folder, results, _ = first_run
    header_row, rows = rulings_table(results)
    extra = header_row + len(rows) + 1  # a copied row below the table
    row = [*rows[1].values()][:len(HEADERS)]
    row[HEADERS.index(R_STAR)], row[HEADERS.index(R_BASIS)] = "二星级", BASIS
    edits = {f"{chr(ord('A') + c)}{extra}": v for c, v in enumerate(row)}
    filled = fill_rulings(results, tmp_path / "裁定.xlsx", {TIED[0]: ("三星级", BASIS), TIED[1]: ("二星级", BASIS)},
                          edits)
    code, _, err = star(capsys, folder, tmp_path / "out" / "r.xlsx", "--rulings", str(filled))
    assert code == 2 and f"C{extra} 单元格：统一社会信用代码" in err and f"第 {header_row + 2} 行重复" in err


@pytest.mark.parametrize("what", ["not_a_workbook", "no_rulings_sheet"])
def test_an_unreadable_rulings_file_is_refused(what, first_run, tmp_path, capsys):
    folder, _, _ = first_run
    if what == "not_a_workbook":
        bad = tmp_path / "裁定.xlsx"
        bad.write_text("这不是表格", encoding="utf-8")
        words = "决定工作簿 裁定.xlsx：不是 Excel/WPS 表格文件"
    else:
        bad, words = HISTORY, "决定工作簿 历史评定.xlsx 中没有“待裁定”或“公示核查”工作表"
    code, _, err = star(capsys, folder, tmp_path / "out" / "r.xlsx", "--rulings", str(bad))
    assert code == 2 and words in err and not (tmp_path / "out").exists()


def test_unruled_rows_stay_pending_and_say_so(first_run, tmp_path, capsys):
    """Partial rulings: exit 1, the unruled one stays 待裁定 (loudly), no history kept; the new workbook's
    待裁定 sheet keeps the ruling given, so filling the rest there settles the tie."""
    folder, results, _ = first_run
    partial = fill_rulings(results, tmp_path / "部分.xlsx", {TIED[0]: ("三星级", BASIS)})
    second = tmp_path / "第二次" / "结果.xlsx"
    code, text, _ = star(capsys, folder, second, "--rulings", str(partial))
    assert code == 1
    assert f"注意：仍有 1 家机构待裁定（综合得分、核心指标得分均相同且跨越星级分界），须由市卫生健康委裁定：{TIED[1]}（县第 2 名）" in text
    wb = openpyxl.load_workbook(second)
    stars = {r["机构名称"]: (r["片区排名"], r["评定星级"]) for r in sheet_rows(wb, "星级评定结果")}
    assert stars[TIED[0]] == (2, "三星级") and stars[TIED[1]] == (2, PENDING)
    assert "公示" not in wb.sheetnames  # a draft: nothing that could be posted
    warnings = [r[0] for r in wb["汇总"].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("草稿，不得公示")]
    assert any("已按决定工作簿 部分.xlsx 裁定 1 家，仍有 1 家机构待裁定" in w for w in warnings)
    assert not list(second.parent.glob("历史评定记录_*"))
    _, rows = rulings_table(second)
    assert [(r[R_STAR], r[R_BASIS]) for r in rows] == [("三星级", BASIS), (None, None)]
    final = fill_rulings(second, tmp_path / "补齐.xlsx", {TIED[1]: ("二星级", BASIS)})
    code, text, _ = star(capsys, folder, tmp_path / "第三次" / "结果.xlsx", "--rulings", str(final))
    assert code == 0 and "裁定 2 家" in text


@pytest.mark.office
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_rulings_saved_by_libreoffice_are_read(fmt, first_run, tmp_path, capsys):
    """The sheet filled, then saved again by LibreOffice (as .xlsx, and as .ods): same final results."""
    folder, results, _ = first_run
    filled = fill_rulings(results, tmp_path / "已裁定.xlsx", RULED)
    saved = convert(filled, fmt, tmp_path / "libreoffice")
    if fmt == "xlsx":
        ws = openpyxl.load_workbook(saved)[RULINGS_SHEET]
        assert ws.protection.sheet and ws[cell_of(results, TIED[0], R_STAR)].protection.locked is False
    code, text, err = star(capsys, folder, tmp_path / "r.xlsx", "--rulings", str(saved))
    assert (code, err) == (0, ""), err
    assert f"{TIED[0]}（县第 2 名并列）→ 三星级；{TIED[1]}（县第 2 名并列）→ 二星级" in text


def test_the_window_takes_the_same_rulings_file(first_run, tmp_path, capsys):
    """The window's star task has a 决定工作簿 field: same workbooks as `--rulings`, and the same summary
    but for the hints, which name the window's fields instead of command-line options."""
    folder, results, _ = first_run
    filled = fill_rulings(results, tmp_path / "已裁定.xlsx", RULED)
    cli_out, gui_out = tmp_path / "命令行", tmp_path / "窗口"
    cli_out.mkdir()
    code = main(["star", str(folder), "--date", DATE, "--history", str(HISTORY), "--rulings", str(filled),
                 "-o", str(cli_out)])
    cli_lines = capsys.readouterr().out.splitlines()
    outcome = run_task(TaskParams(task=TASK_STAR, input_dir=str(folder), date=DATE, history=str(HISTORY),
                                  rulings=str(filled), output_dir=str(gui_out)))
    assert outcome.status == code == 0
    assert not any(" --" in line for line in outcome.lines)
    assert without_paths(as_cli(outcome.lines), gui_out) == without_paths(cli_lines, cli_out)
    names = sorted(p.name for p in cli_out.iterdir())
    assert names == sorted(p.name for p in outcome.outputs) == sorted(p.name for p in gui_out.iterdir())
    assert names == ["星级评定结果_市级核验_20261122.xlsx"]  # final results: the 公示, no history before 命名
    for name in names:
        assert cell_values(gui_out / name) == cell_values(cli_out / name), name


# ---- the rule itself (core/star/rulings.py), on ties built in code ------------------------------

def _county_tie(first: int, size: int = 2) -> list:
    """县 ranked: `first - 1` institutions above a tie of `size` (equal 综合得分 and 核心指标得分), three below."""
    totals = [Decimal(990 - 5 * n) for n in range(first - 1)]
    totals += [Decimal(900)] * size + [Decimal(800 - n) for n in range(3)]
    return rank_all(STAR, [Candidate(f"K{n:02d}", f"机构{n:02d}", "柳城县", t, Decimal(400)) for n, t in enumerate(totals)])


def _rulings(placements, decisions: dict[str, str]) -> RulingsRead:
    ties = {t.placement.candidate.key: t for t in find_ties(STAR, placements)}
    rows = []
    for n, (key, star_) in enumerate(decisions.items(), start=8):
        p = ties[key].placement
        cells = {h: f"{chr(ord('A') + c)}{n}" for c, h in enumerate(HEADERS)}
        rows.append(Ruling(key, p.candidate.name, p.zone, Decimal(p.rank), p.candidate.total, p.candidate.core,
                           ties[key].span, star_, "依据", cells))
    return RulingsRead(rows, [], "裁定.xlsx", "0" * 64)


@pytest.mark.parametrize(("first", "decisions", "ok"), [
    # places 6 and 7: the last 二星级 place and the first 一星级 place (“综合评分排名3-6名为二星级机构”)
    (6, ("二星级", "二星级"), False), (6, ("一星级", "一星级"), False), (6, ("二星级", "一星级"), True),
    (6, ("一星级", "二星级"), True), (6, ("二星级", NO_STAR), True), (6, (NO_STAR, NO_STAR), True),
    # places 12 and 13: the last place of the quota (“每年共评定星级机构不超过12家”) and the first past it
    (12, ("一星级", "一星级"), False), (12, ("一星级", NO_STAR), True), (12, ("二星级", NO_STAR), False),
])
def test_rulings_keep_each_band_and_the_quota(first, decisions, ok):
    placements = _county_tie(first)
    tied = [p.candidate.key for p in placements if p.star == PENDING]
    assert [p.rank for p in placements if p.star == PENDING] == [first, first]
    ruled = apply_rulings(STAR, placements, _rulings(placements, dict(zip(tied, decisions, strict=True))))
    assert (not ruled.issues) is ok, [i.text for i in ruled.issues]
    if not ok:
        assert {i.code for i in ruled.issues} <= {"RULING_OVER_PLACES", "RULING_STAR_OUTSIDE"}
        assert ruled.placements == placements
        return
    starred = [p for p in ruled.placements if p.star not in (NO_STAR, PENDING)]
    assert len(starred) <= 12  # the zone's quota
    for band in next(z for z in STAR.star.zones if z.name == "县").bands:
        assert sum(1 for p in starred if p.star == band.star) <= band.rank_to - band.rank_from + 1


def test_ruled_institutions_take_the_ties_places_by_their_star():
    placements = _county_tie(6)
    a, b = [p.candidate.key for p in placements if p.star == PENDING]
    ruled = apply_rulings(STAR, placements, _rulings(placements, {a: "一星级", b: "二星级"}))
    got = {p.candidate.key: (p.rank, p.star, p.note) for p in ruled.placements if p.candidate.key in (a, b)}
    assert got == {a: (7, "一星级", "经市卫生健康委裁定：依据"), b: (6, "二星级", "经市卫生健康委裁定：依据")}
    untouched = [p for p in ruled.placements if p.candidate.key not in (a, b)]
    assert untouched == [p for p in placements if p.candidate.key not in (a, b)]


def test_no_rulings_change_nothing():
    placements = _county_tie(2)
    ruled = apply_rulings(STAR, placements, None)
    assert ruled.placements == placements and not ruled.issues
    assert [t.span for t in ruled.ties] == [("三星级", "二星级")] * 2
    assert [t.choices for t in ruled.ties] == [("三星级", "二星级", NO_STAR)] * 2


@settings(max_examples=200, deadline=None)
@given(first=st.integers(1, 14), size=st.integers(2, 4), data=st.data())
def test_accepted_rulings_never_overgrow_a_band_or_the_quota(first, size, data):
    """Any rulings picked from the dropdowns: accepted only when every band keeps its size (“综合评分排名1-2名
    为三星级机构，综合评分排名3-6名为二星级机构，综合评分排名7-12名为一星级机构”) and the zone its quota."""
    placements = _county_tie(first, size)
    ties = find_ties(STAR, placements)
    if not ties:  # the tie's places lie in one band: nothing to decide
        return
    decisions = {t.placement.candidate.key: data.draw(st.sampled_from(t.choices)) for t in ties}
    ruled = apply_rulings(STAR, placements, _rulings(placements, decisions))
    stars = ties[0].stars
    overgrown = any(list(decisions.values()).count(s) > stars.count(s) for s in set(stars) - {NO_STAR})
    assert bool(ruled.issues) is overgrown
    if overgrown:
        assert {i.code for i in ruled.issues} == {"RULING_OVER_PLACES"}
        return
    starred = [p for p in ruled.placements if p.star not in (NO_STAR, PENDING)]
    assert len(starred) <= 12 and not any(p.star == PENDING for p in ruled.placements)
    for band in next(z for z in STAR.star.zones if z.name == "县").bands:
        assert sum(1 for p in starred if p.star == band.star) <= band.rank_to - band.rank_from + 1
    ranks = sorted(p.rank for p in ruled.placements if p.candidate.key in decisions)
    assert first <= ranks[0] and ranks[-1] < first + size  # the tie keeps its places


def test_the_real_window_takes_a_rulings_file(first_run, tmp_path):
    """Clicked through in the real window (Xvfb): the 决定工作簿 field reaches the job."""
    folder, results, _ = first_run
    filled = fill_rulings(results, tmp_path / "已裁定.xlsx", RULED)
    params = TaskParams(task=TASK_STAR, input_dir=str(folder), date=DATE, history=str(HISTORY), rulings=str(filled),
                        output_dir=str(tmp_path / "窗口"))
    shown = drive(params, tmp_path)
    assert shown["told"] == [], shown
    assert sorted(Path(p).name for p in shown["outputs"]) == ["星级评定结果_市级核验_20261122.xlsx"]
    assert "裁定 2 家" in shown["summary"] and "公示期满、核查后" in shown["summary"]
