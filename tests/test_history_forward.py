"""The history kept for next year: the naming run (after the 公示 and its 核查, --name-date) writes
历史评定记录_更新至<命名日期>.xlsx in the history template's layout — the history used, plus one 有效 row
per institution named — and next year's run takes it as --history, so the waiting and review rules
work without re-keying. No earlier run writes it.

《柳州市托育机构星级评定工作方案》四（一）: “获得星级的托育机构，每3年复审1次……已定级的托育机构1年后
方可申报高一等级的评审。” 三（五）: “通过公示和核查的，由柳州市卫生健康委命名为‘星级托育机构’。”
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io

import openpyxl
import pytest
from support.results import sheet_rows
from support.rulings import DATE, HISTORY, TIED, TIED_FILES, clean_samples, fill_rulings
from support.rulings import run_star as run

from tuoyu_excel.cli.main import main
from tuoyu_excel.intake.history import read_history
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout.history import COLUMNS, GUIDE_SHEET, HEADERS, HISTORY_SHEET, INPUT_ROWS, REVOKED, VALID
from tuoyu_excel.render.formats import INPUT_FILL
from tuoyu_excel.render.history_template import write_history_template

STAR = load_rubric("liuzhou_star")
NOTICE = "2026-11-25"  # the 公示 from Wednesday 2026-11-25 over 5 working days ends on Tuesday 2026-12-01
NAMED = "2026-12-05"  # the day of 命名, after the 公示
NAMED_SHOWN = "2026年12月5日"  # as the results print it
KEPT = "历史评定记录_更新至20261205.xlsx"
# samples/README.md: “2026-05-10 刚评为一星级，按排名应为二星级，但定级不满一年，保持一星级”
HELD = "柳州市柳江区快乐宝贝托育中心"
# 城区's three 三星级 of 2026; without them 七色花 (二星级 in 2026, 4th) comes first
TOP_THREE = ("城中区_小太阳托育园_星级评定申报表及评分表.xlsx", "柳州市鱼峰区小脚丫婴幼儿照护中心.xlsx",
             "城中区_育英婴幼儿照护中心_星级评定申报表及评分表.xlsx")
RISING = "柳州市柳南区七色花托育园"


@pytest.fixture(scope="module")
def final(tmp_path_factory):
    """The clean samples, the tie ruled, named on 2026-12-05: (folder, results, kept history, summary)."""
    base = tmp_path_factory.mktemp("kept")
    folder = clean_samples(base / "收到")
    first = base / "第一次" / "结果.xlsx"
    assert main(["star", str(folder), "--history", str(HISTORY), "--date", DATE, "-o", str(first)]) == 1
    assert not list(first.parent.glob("历史评定记录_*"))  # 待裁定 left: nothing to keep yet
    filled = fill_rulings(first, base / "已裁定.xlsx", {TIED[0]: ("三星级", "会议纪要"), TIED[1]: ("二星级", "会议纪要")})
    published = base / "公示" / "结果.xlsx"
    assert main(["star", str(folder), "--history", str(HISTORY), "--date", DATE, "--rulings", str(filled),
                 "--notice-date", NOTICE, "-o", str(published)]) == 0
    assert not list(published.parent.glob("历史评定记录_*"))  # 公示 before 命名: nothing to keep yet
    results = base / "命名" / "结果.xlsx"
    argv = ["star", str(folder), "--history", str(HISTORY), "--date", DATE, "--rulings", str(published),
            "--name-date", NAMED, "-o", str(results)]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(argv) == 0
    return folder, results, results.parent / KEPT, printed.getvalue()


def name_it(capsys, folder, out, *more: str, name: str = NAMED) -> tuple[int, str, str]:
    """Final results (公示 from NOTICE) for `folder` beside `out`, then the naming run writing `out`."""
    published = out.parent / f"公示_{out.name}"
    code, text, err = run(capsys, folder, published, "--notice-date", NOTICE, *more)
    assert code == 0, text + err
    return run(capsys, folder, out, "--rulings", str(published), "--name-date", name, *more)


def test_the_kept_history_holds_the_history_used_and_this_years_stars(final):
    _, results, kept, summary = final
    assert f"更新后的历史评定记录：{kept.resolve()}" in summary
    assert "明年评定时" in summary
    used = read_history(HISTORY, STAR)
    back = read_history(kept, STAR)
    assert back.issues == []
    assert back.records[:len(used.records)] == used.records  # as read, 撤销 included
    assert any(r.status == REVOKED for r in back.records)
    public = sheet_rows(openpyxl.load_workbook(results), "命名名单", first="序号")
    added = back.records[len(used.records):]
    assert sorted((r.name, r.star) for r in added) == sorted((p["机构名称"], p["星级"]) for p in public
                                                             if p["机构名称"] != HELD)
    assert {(r.date, r.status) for r in added} == {(dt.date(2026, 12, 5), VALID)}
    assert f"本次新增“有效”记录 {len(added)} 条（日期为命名日期 {NAMED}）" in summary
    assert "保持原星级的 1 家沿用原记录，未新增记录" in summary
    assert {TIED[0]: "三星级", TIED[1]: "二星级"} == {r.name: r.star for r in added if r.name in TIED}


def test_the_kept_history_has_the_templates_layout(final, tmp_path):
    _, _, kept, _ = final
    blank = write_history_template(STAR, tmp_path)
    got, want = openpyxl.load_workbook(kept), openpyxl.load_workbook(blank)
    assert got.sheetnames == want.sheetnames == [HISTORY_SHEET, GUIDE_SHEET]
    ws, template = got[HISTORY_SHEET], want[HISTORY_SHEET]
    assert [c.value for c in ws[1]] == [c.value for c in template[1]] == list(COLUMNS)
    assert ws.freeze_panes == template.freeze_panes
    rules = {(dv.type, dv.formula1, dv.error) for dv in ws.data_validations.dataValidation}
    assert rules == {(dv.type, dv.formula1, dv.error) for dv in template.data_validations.dataValidation}
    records = ws.max_row - 1 - INPUT_ROWS  # the records, then as many blank input rows as the template has
    assert records > 0 and all(ws.cell(records + 2, c).value is None for c in range(1, len(COLUMNS) + 1))
    for row in (2, records + 1, records + 2, ws.max_row):
        for c in range(1, len(COLUMNS) + 1):
            cell = ws.cell(row, c)
            assert cell.protection.locked is False and cell.fill.fgColor.rgb[-6:] == INPUT_FILL[1:], cell.coordinate
    assert ws.cell(2, HEADERS.index("评定日期") + 1).number_format == template.cell(2, 4).number_format
    assert any("新增“有效”记录" in (r[0] or "") for r in got[GUIDE_SHEET].iter_rows(values_only=True))


def test_a_later_run_within_a_year_caps_a_rising_institution(final, tmp_path, capsys):
    """Must show: next year's run (within a year of 命名) with the kept history holds a rising star down."""
    _, _, kept, _ = final
    later = clean_samples(tmp_path / "明年", leave_out=TOP_THREE)
    code, _, err = run(capsys, later, tmp_path / "r.xlsx", "--history", str(kept), date="2027-06-01")
    assert code == 1 and err == ""  # the county tie is back (same workbooks), nothing else
    rows = {r["机构名称"]: r for r in sheet_rows(openpyxl.load_workbook(tmp_path / "r.xlsx"), "星级评定结果")}
    assert (rows[RISING]["片区排名"], rows[RISING]["评定星级"]) == (1, "二星级")
    assert f"{NAMED_SHOWN} 已评为二星级，不满 1 年不得评定高一等级，按排名应为三星级，现保持二星级" in rows[RISING]["备注"]
    code, _, _ = run(capsys, later, tmp_path / "r2.xlsx", "--history", str(HISTORY), date="2027-06-01")
    control = {r["机构名称"]: r for r in sheet_rows(openpyxl.load_workbook(tmp_path / "r2.xlsx"), "星级评定结果")}
    assert control[RISING]["评定星级"] == "三星级"  # the cap comes from the kept history


def test_a_run_three_years_later_flags_the_review(final, tmp_path, capsys):
    """“每3年复审1次”: three years after 命名, the ratings kept are due for review."""
    _, _, kept, _ = final
    code, out, _ = run(capsys, clean_samples(tmp_path / "三年后"), tmp_path / "r.xlsx", "--history", str(kept),
                       date="2029-12-05")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    rows = {r["机构名称"]: r for r in sheet_rows(wb, "星级评定结果")}
    assert f"复审到期：{NAMED_SHOWN} 评为二星级，已满 3 年" in rows[RISING]["备注"]
    assert f"复审到期：{NAMED_SHOWN} 评为三星级，已满 3 年" in rows[TIED[0]]["备注"]
    due = read_history(kept, STAR).records
    assert f"复审到期 {len({r.key for r in due})} 家" in out
    code, out, _ = run(capsys, clean_samples(tmp_path / "差一天"), tmp_path / "r2.xlsx", "--history", str(kept),
                       date="2029-12-04")
    rows = {r["机构名称"]: r for r in sheet_rows(openpyxl.load_workbook(tmp_path / "r2.xlsx"), "星级评定结果")}
    assert "复审到期" not in (rows[RISING]["备注"] or "")


def test_no_kept_history_for_provisional_results(tmp_path, capsys):
    """Results of the county stage are provisional (“最终星级以市级核验为准”): nothing is kept from them."""
    folder = clean_samples(tmp_path / "收到", leave_out=(TIED_FILES[TIED[1]],))
    out = tmp_path / "out" / "r.xlsx"
    code, text, _ = run(capsys, folder, out, "--stage", "county", "--history", str(HISTORY))
    assert code in (0, 1) and "初步结果不生成更新后的历史评定记录" in text
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.xlsx"]


def test_a_final_run_without_ties_keeps_no_history_until_named(tmp_path, capsys):
    """三（五）“通过公示和核查的，由柳州市卫生健康委命名”: final results go to the 公示, not into the
    history; the naming run writes it, dated the day of 命名, one row per institution named."""
    folder = clean_samples(tmp_path / "收到", leave_out=(TIED_FILES[TIED[1]],))
    out = tmp_path / "out" / "r.xlsx"
    code, text, _ = run(capsys, folder, out)
    assert code == 0 and sorted(p.name for p in out.parent.iterdir()) == ["r.xlsx"]
    assert "命名之前不写历史评定记录" in text
    code, text, _ = name_it(capsys, folder, tmp_path / "named" / "r.xlsx")
    kept = tmp_path / "named" / KEPT
    assert code == 0 and kept.is_file() and f"日期为命名日期 {NAMED}" in text
    records = read_history(kept, STAR).records
    named = sheet_rows(openpyxl.load_workbook(tmp_path / "named" / "r.xlsx"), "命名名单", first="序号")
    new = [r for r in records if r.date == dt.date(2026, 12, 5)]
    assert len(new) == len(named) and {r.name for r in new} == {r["机构名称"] for r in named}


def test_the_same_day_again_does_not_duplicate_records(final, tmp_path, capsys):
    """Re-running the final evaluation with its own kept history: the same rows, no 重复 issue."""
    folder, results, kept, _ = final
    out = tmp_path / "again" / "r.xlsx"
    rulings = results  # the final workbook carries the rulings it applied
    code, text, _ = run(capsys, folder, out, "--history", str(kept), "--rulings", str(rulings), "--name-date", NAMED)
    assert code == 0, text
    again = read_history(out.parent / KEPT, STAR)
    assert again.issues == [] and again.records == read_history(kept, STAR).records
    assert "已按本次结果替换" not in text


def test_an_existing_kept_history_is_never_replaced_silently(tmp_path, capsys):
    folder = clean_samples(tmp_path / "收到", leave_out=(TIED_FILES[TIED[1]],))
    out = tmp_path / "out"
    assert name_it(capsys, folder, out / "a.xlsx")[0] == 0
    first = (out / KEPT).read_bytes()
    code, text, _ = run(capsys, folder, out / "b.xlsx", "--rulings", str(out / "公示_a.xlsx"), "--name-date", NAMED)
    assert code == 0 and f"{KEPT} 已存在或正被打开，为避免覆盖，结果另存为 历史评定记录_更新至20261205(2).xlsx" in text
    assert (out / KEPT).read_bytes() == first
    code, _, _ = run(capsys, folder, out / "a.xlsx", "--rulings", str(out / "公示_a.xlsx"), "--name-date", NAMED)
    assert code == 2  # the results themselves: refused, nothing written
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("历史")) == [
        "历史评定记录_更新至20261205(2).xlsx", KEPT]


def test_a_naming_date_before_the_evaluation_is_refused(tmp_path, capsys):
    folder = clean_samples(tmp_path / "收到", leave_out=(TIED_FILES[TIED[1]],))
    code, _, err = run(capsys, folder, tmp_path / "out" / "r.xlsx", "--name-date", "2026-11-01")
    assert code == 2 and "命名日期 2026-11-01 早于评定日期 2026-11-22" in err and not (tmp_path / "out").exists()
