"""公示 → 核查 → 命名, end to end on the bundled samples (issue 22).

《柳州市托育机构星级评定工作方案》三（五）公示命名: “市卫生健康委对拟命名的一星级、二星级、三星级机构进行
公示，将星级托育机构名单向社会公示5个工作日，接受社会评议和监督。对有反映问题的，及时组织核查。通过公示
和核查的，由柳州市卫生健康委命名为‘星级托育机构’。”

- a draft (待裁定 open) carries nothing that could be posted;
- final results carry the 公示 notice (the 公示期 in working days of the statutory calendar, 调休
  included) and the 公示核查 form;
- `--name-date` with the filled 公示核查 writes the 命名名单 and, only then, the history; 不予命名 takes an
  institution out of both; every decision that does not fit is refused with its cell, nothing written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from office import convert
from support.results import sheet_rows
from support.rulings import (
    DATE,
    HISTORY,
    TIED,
    clean_samples,
    decision_cell,
    decision_table,
    fill_checks,
    fill_rulings,
    run_star,
)

from tuoyu_excel.core.star.notice import notice_period
from tuoyu_excel.intake.history import read_history
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout.results import C_BASIS, C_RESULT, C_STAR, CHECKS, NOTICE_END, R_CODE, R_TOTAL, RULINGS
from tuoyu_excel.spec.dump import dump_rubric_toml

STAR = load_rubric("liuzhou_star")
NOTICE = "2026-11-25"  # Wednesday: 11-25, 26, 27, 30 and 12-01 are the 5 working days
NOTICE_END_DAY = "2026年12月1日"
NAMED = "2026-12-04"
RULED = {TIED[0]: ("三星级", "主任办公会议纪要〔2026〕12号"), TIED[1]: ("二星级", "同上")}
WITHHELD_NAME = "柳州市城中区小太阳托育园"  # 三星级 in the samples
WITHHELD_BASIS = "公示期间接到实名反映，经核查存在安全隐患（核查报告〔2026〕3号）"


def star(capsys, folder: Path, out: Path, *more: str) -> tuple[int, str, str]:
    return run_star(capsys, folder, out, "--history", str(HISTORY), *more)


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """Draft → ruled → final (公示 from NOTICE) of the clean samples: (folder, draft, final, base)."""
    base = tmp_path_factory.mktemp("publication")
    folder = clean_samples(base / "收到")
    draft = base / "草稿" / "结果.xlsx"
    assert star_cli(folder, draft) == 1
    ruled = fill_rulings(draft, base / "已裁定.xlsx", RULED)
    final = base / "最终" / "结果.xlsx"
    assert star_cli(folder, final, "--rulings", str(ruled), "--notice-date", NOTICE) == 0
    return folder, draft, final, base


def star_cli(folder: Path, out: Path, *more: str) -> int:
    from tuoyu_excel.cli.main import main  # noqa: PLC0415 — the fixture runs outside capsys

    return main(["star", str(folder), "--date", DATE, "--history", str(HISTORY), "-o", str(out), *more])


def notice_texts(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["公示"]
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# ---- the draft ----------------------------------------------------------------------------------


def test_a_draft_with_ties_open_has_nothing_that_could_be_posted(flow):
    """三（五）“对拟命名的……机构进行公示”: while the commission has not ruled, there is no list to post."""
    _, draft, _, _ = flow
    wb = openpyxl.load_workbook(draft)
    assert "公示" not in wb.sheetnames and "公示核查" not in wb.sheetnames and "命名名单" not in wb.sheetnames
    warning = [c.value for row in wb["汇总"].iter_rows() for c in row if str(c.value or "").startswith("草稿，不得公示")]
    assert len(warning) == 1 and all(name in warning[0] for name in TIED)
    red = next(c for row in wb["汇总"].iter_rows() for c in row if c.value == warning[0])
    assert red.font.color.rgb.endswith("C00000")  # said in red
    assert not list(draft.parent.glob("历史评定记录_*"))


def test_draft_and_final_have_different_default_names(flow, tmp_path, capsys, monkeypatch):
    folder, draft, _, base = flow
    monkeypatch.chdir(tmp_path)
    assert star(capsys, folder, tmp_path)[0] == 1
    assert star(capsys, folder, tmp_path, "--rulings", str(base / "已裁定.xlsx"))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["星级评定结果_市级核验_20261122.xlsx",
                                                           "星级评定结果_待裁定稿_市级核验_20261122.xlsx"]


# ---- the 公示 notice ----------------------------------------------------------------------------


def test_the_notice_is_a_notice(flow):
    _, _, final, _ = flow
    wb = openpyxl.load_workbook(final)
    ws = wb["公示"]
    texts = notice_texts(final)
    assert texts[0] == "柳州市星级托育机构拟命名名单（公示）"  # [report] public_title
    opening = texts[1]
    assert "根据《柳州市托育机构星级评定工作方案》" in opening  # [report] plan
    assert "经机构自评、县级初评、市级核验" in opening
    assert "拟命名三星级 5 家、二星级 9 家、一星级 16 家，共 30 家" in opening
    table = sheet_rows(wb, "公示", first="序号")
    assert list(table[0]) == ["序号", "星级", "机构名称", "所在县区", "统一社会信用代码"]
    assert [r["序号"] for r in table] == list(range(1, 31))
    assert {r["机构名称"]: r["星级"] for r in table}[TIED[0]] == "三星级"
    assert f"一、公示期：自2026年11月25日至{NOTICE_END_DAY}（5个工作日）。" in " ".join(texts)
    assert any("署真实姓名" in t and "匿名" in t for t in texts)
    assert [t.strip() for t in texts if t.strip().startswith(("受理单位", "联系电话", "通讯地址"))] == [
        "受理单位：" + "_" * 32, "联系电话：" + "_" * 32, "通讯地址：" + "_" * 32]  # not set: lines to fill in
    assert "特此公示。" in [t.strip() for t in texts]
    assert [t.strip() for t in texts[-2:]] == ["柳州市卫生健康委", "2026年11月25日"]
    assert not any("制表人" in t or "评定日期" in t for t in texts)
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
    right = [c for row in ws.iter_rows() for c in row if str(c.value or "").strip() == "柳州市卫生健康委"][-1]
    assert right.alignment.horizontal == "right"


def test_the_objection_texts_come_from_the_rubric(flow, tmp_path, capsys):
    folder, _, _, base = flow
    report = dataclasses.replace(STAR.report, objection_body="柳州市卫生健康委妇幼健康科",
                                 objection_phone="0772-1234567", objection_address="柳州市某路1号（邮编545001）",
                                 public_title="关于柳州市星级托育机构拟命名名单的公示")
    rule = tmp_path / "规则.toml"
    rule.write_text(dump_rubric_toml(dataclasses.replace(STAR, report=report)), encoding="utf-8")
    out = tmp_path / "r.xlsx"
    code, _, err = star(capsys, folder, out, "--rubric", str(rule), "--rulings", str(base / "已裁定.xlsx"),
                        "--notice-date", NOTICE)
    assert code == 0, err
    texts = [t.strip() for t in notice_texts(out)]
    assert texts[0] == "关于柳州市星级托育机构拟命名名单的公示"
    assert {"受理单位：柳州市卫生健康委妇幼健康科", "联系电话：0772-1234567", "通讯地址：柳州市某路1号（邮编545001）"} <= set(texts)


def test_without_a_notice_date_the_period_is_left_to_fill_in(flow, tmp_path, capsys):
    folder, _, _, base = flow
    out = tmp_path / "r.xlsx"
    code, text, _ = star(capsys, folder, out, "--rulings", str(base / "已裁定.xlsx"))
    assert code == 0
    assert "一、公示期：自______年____月____日至______年____月____日（5个工作日）。" in [t.strip() for t in notice_texts(out)]
    assert "未填写公示开始日期" in text and "请打印后手写" in text


@pytest.mark.parametrize(("start", "end"), [
    # National Day 2026: 10-01…10-07 off; 09-30 is day 1, then 10-08, 10-09, 10-10 (a 调休 Saturday), 10-12
    ("2026-09-30", "2026-10-12"),
    # Labour Day 2026: 05-09 is a 调休 Saturday, a working day: 05-06, 07, 08, 09, 11
    ("2026-05-06", "2026-05-11"),
    # Spring Festival 2026: 02-14 (Saturday) is worked, 02-15…02-23 off: 02-11, 12, 13, 14, 24
    ("2026-02-11", "2026-02-24"),
    # a start on a holiday counts from the next working day: 10-08, 09, 10, 12, 13
    ("2026-10-01", "2026-10-13"),
    # the published notice of the reference: 2025-09-26 over National Day 2025 ended 2025-10-09
    ("2025-09-26", "2025-10-09"),
    ("2026-11-25", "2026-12-01"),
])
def test_the_notice_period_follows_the_statutory_calendar(start, end):
    """“向社会公示5个工作日”, counted on the State Council's arrangement of 2026 (调休 included)."""
    period = notice_period(dt.date.fromisoformat(start), STAR.star.notice_working_days)
    assert (period.end, period.checked) == (dt.date.fromisoformat(end), True)


def test_a_year_the_calendar_lacks_is_flagged_not_guessed(flow, tmp_path, capsys):
    period = notice_period(dt.date(2027, 3, 1), 5)
    assert period.end == dt.date(2027, 3, 5) and not period.checked and period.unknown_years == (2027,)
    folder, _, _, base = flow
    out = tmp_path / "r.xlsx"
    code, text, _ = star(capsys, folder, out, "--rulings", str(base / "已裁定.xlsx"), "--notice-date", "2027-03-01")
    assert code == 0 and "尚未收录2027年的法定节假日安排" in text and "--notice-end" in text
    texts = notice_texts(out)
    assert any("尚未收录2027年的法定节假日安排" in t for t in texts)  # on the notice itself, in red
    by_hand = tmp_path / "手工.xlsx"
    code, text, _ = star(capsys, folder, by_hand, "--rulings", str(base / "已裁定.xlsx"), "--notice-date", "2027-03-01",
                         "--notice-end", "2027-03-08")
    assert code == 0 and "尚未收录" not in text and "（结束日期为指定的日期）" in text
    assert "一、公示期：自2027年3月1日至2027年3月8日（5个工作日）。" in [t.strip() for t in notice_texts(by_hand)]


# ---- 核查 → 命名 --------------------------------------------------------------------------------


def test_the_check_sheet_is_a_form(flow):
    _, _, final, _ = flow
    ws = openpyxl.load_workbook(final)["公示核查"]
    header_row, rows = decision_table(final, CHECKS)
    assert len(rows) == 30 and [r[C_STAR] for r in rows][:5] == ["三星级"] * 5
    assert ws.protection.sheet and not ws.protection.password
    for header in CHECKS.headers:
        cell = ws.cell(header_row + 1, CHECKS.headers.index(header) + 1)
        assert cell.protection.locked is (header not in (C_RESULT, C_BASIS)), header
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(dv.formula1 == '"通过,不予命名"' for dv in lists)
    labels = {row[2].value: row[3].value for row in ws.iter_rows(max_row=header_row) if row[2].value}
    assert labels["公示结束日期"] == dt.datetime(2026, 12, 1)


def test_naming_after_the_check(flow, tmp_path, capsys):
    """三（五）“通过公示和核查的，由柳州市卫生健康委命名”: 不予命名 takes an institution out of the 命名名单
    and the history; its place is not passed on; the summary and 汇总 say who and why."""
    folder, _, final, _ = flow
    checked = fill_checks(final, tmp_path / "已核查.xlsx", {WITHHELD_NAME: ("不予命名", WITHHELD_BASIS)})
    out = tmp_path / "命名" / "结果.xlsx"
    code, text, err = star(capsys, folder, out, "--rulings", str(checked), "--name-date", NAMED)
    assert (code, err) == (0, "")
    assert "命名：2026年12月4日命名星级托育机构 29 家（三星级 4 家，二星级 9 家，一星级 16 家）" in text
    assert f"经公示核查不予命名 1 家（空出的名额不递补）：{WITHHELD_NAME}（拟命名三星级，依据：{WITHHELD_BASIS}）" in text
    named = sheet_rows(openpyxl.load_workbook(tmp_path / "命名" / "柳州市星级托育机构名单_20261204.xlsx"),
                       "命名名单", first="序号")
    assert len(named) == 29 and WITHHELD_NAME not in {r["机构名称"] for r in named}
    wb = openpyxl.load_workbook(out)
    assert sheet_rows(wb, "命名名单", first="序号") == named
    assert "公示" not in wb.sheetnames  # the named results: the 命名名单, not the notice again
    ranked = {r["机构名称"]: r for r in sheet_rows(wb, "星级评定结果")}
    assert ranked[WITHHELD_NAME]["评定星级"] == "不予命名" and WITHHELD_BASIS in ranked[WITHHELD_NAME]["备注"]
    assert [r["评定星级"] for r in ranked.values() if r["片区"] == "城区" and r["片区排名"] == 19] != ["一星级"]
    summary = " ".join(str(c) for row in wb["汇总"].iter_rows(values_only=True) for c in row if c)
    assert WITHHELD_NAME in summary and WITHHELD_BASIS in summary
    history = read_history(out.parent / "历史评定记录_更新至20261204.xlsx", STAR).records
    new = [h for h in history if h.date == dt.date(2026, 12, 4)]
    assert WITHHELD_NAME not in {h.name for h in new} and {h.name for h in new} <= {r["机构名称"] for r in named}
    header_row, rows = decision_table(out, CHECKS)  # the named workbook keeps the decisions it used
    assert {r["机构名称"]: r[C_RESULT] for r in rows}[WITHHELD_NAME] == "不予命名"


def test_no_history_before_the_naming_date(flow):
    _, draft, final, _ = flow
    assert not list(draft.parent.glob("历史评定记录_*")) and not list(final.parent.glob("历史评定记录_*"))


def _refused(capsys, folder: Path, tmp_path: Path, decisions: Path, *more: str) -> str:
    out = tmp_path / "不应写出"
    code, _, err = star(capsys, folder, out / "r.xlsx", "--rulings", str(decisions), *more)
    assert code == 2 and not out.exists(), err  # nothing written, not even the folder
    return err


@pytest.mark.parametrize(("case", "header", "words"), [
    ("withheld_without_basis", C_BASIS, "核查结果为“不予命名”，但“核查依据”未填写"),
    ("basis_without_result", C_RESULT, "填写了“核查依据”，但未选择“核查结果”"),
    ("outside_the_dropdown", C_RESULT, "“核查结果”填的是“暂缓命名”，只能为：通过、不予命名"),
    ("star_changed", C_STAR, "公示时为一星级，本次评定为三星级"),
    ("score_changed", R_TOTAL, "的综合得分公示时为 999，本次评定为 968.5"),
    ("not_listed", R_CODE, "不在本次评定的拟命名名单中"),
])
def test_a_check_that_does_not_fit_is_refused_naming_its_cell(case, header, words, flow, tmp_path, capsys):
    folder, _, final, _ = flow
    cell = decision_cell(final, WITHHELD_NAME, header, CHECKS)
    decisions, edits = {}, {}
    if case == "withheld_without_basis":
        decisions = {WITHHELD_NAME: ("不予命名", None)}
    elif case == "basis_without_result":
        decisions = {WITHHELD_NAME: (None, "有人反映")}
    elif case == "outside_the_dropdown":
        decisions = {WITHHELD_NAME: ("暂缓命名", "待复查")}
    elif case == "star_changed":
        edits = {cell: "一星级"}
    elif case == "score_changed":
        edits = {cell: 999}
    else:
        edits = {cell: "91450200MA5H9QMX1X"}
    filled = fill_checks(final, tmp_path / "核查.xlsx", decisions, edits)
    err = _refused(capsys, folder, tmp_path, filled, "--name-date", NAMED)
    assert f"“公示核查”工作表 {cell} 单元格" in err and words in err, err


def test_naming_within_the_notice_period_is_refused(flow, tmp_path, capsys):
    folder, _, final, _ = flow
    header_row, _ = decision_table(final, CHECKS)
    ws = openpyxl.load_workbook(final)["公示核查"]
    end_cell = next(row[3].coordinate for row in ws.iter_rows(max_row=header_row) if row[2].value == NOTICE_END)
    err = _refused(capsys, folder, tmp_path, final, "--name-date", "2026-12-01")  # the last day of the 公示
    assert f"“公示核查”工作表 {end_cell} 单元格：命名日期 2026-12-01 不在公示期结束之后（公示期至 2026-12-01）" in err


def test_naming_with_ties_still_open_is_refused(flow, tmp_path, capsys):
    """A decisions workbook whose 待裁定 is still open cannot name: the unruled cells are named."""
    folder, draft, final, _ = flow
    err = _refused(capsys, folder, tmp_path, draft, "--name-date", NAMED)  # the draft has no 公示核查 at all
    assert "没有“公示核查”工作表" in err
    # final results made with one ruling taken back: the tie is open again
    partial = fill_rulings(final, tmp_path / "撤回一项裁定.xlsx", {TIED[1]: (None, None)})
    err = _refused(capsys, folder, tmp_path, partial, "--name-date", NAMED)
    cell = decision_cell(final, TIED[1], RULINGS.decision, RULINGS)
    assert f"“待裁定”工作表 {cell} 单元格：“{TIED[1]}”仍为待裁定" in err


def test_naming_needs_the_checked_final_results(flow, tmp_path, capsys):
    folder, _, _, _ = flow
    code, _, err = star(capsys, folder, tmp_path / "o" / "r.xlsx", "--name-date", NAMED)
    assert code == 2 and "命名须在公示和核查之后" in err and not (tmp_path / "o").exists()
    with pytest.raises(SystemExit) as stopped:  # a bad option: argparse's exit 2, nothing run
        star(capsys, folder, tmp_path / "o" / "r.xlsx", "--publish-date", NAMED)
    assert stopped.value.code == 2 and "--publish-date 已不再使用，请改用 --name-date" in capsys.readouterr().err


# ---- printed --------------------------------------------------------------------------------------


def _pdf_words(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, height in points, word) of every word pdftotext finds."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    out, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', line)
        if m:
            out.append((page, float(m.group(2)) - float(m.group(1)), m.group(3)))
    return out


def _only_sheet(src: Path, sheet: str, dest: Path) -> Path:
    wb = openpyxl.load_workbook(src)
    for name in wb.sheetnames:
        if name != sheet:
            del wb[name]
    wb.save(dest)
    return dest


@pytest.mark.office
def test_the_notice_and_the_named_list_print_on_one_page_each(flow, tmp_path, capsys):
    folder, _, final, _ = flow
    checked = fill_checks(final, tmp_path / "已核查.xlsx", {WITHHELD_NAME: ("不予命名", WITHHELD_BASIS)})
    out = tmp_path / "命名" / "结果.xlsx"
    assert star(capsys, folder, out, "--rulings", str(checked), "--name-date", NAMED)[0] == 0
    named_book = out.parent / "柳州市星级托育机构名单_20261204.xlsx"
    notice = _only_sheet(final, "公示", tmp_path / "公示.xlsx")
    for book, must in ((notice, ("柳州市星级托育机构拟命名名单（公示）", "公示期：自2026年11月25日至2026年12月1日",
                                 "特此公示。", "柳州市卫生健康委", "2026年11月25日")),
                       (named_book, ("柳州市星级托育机构名单", "命名日期：2026年12月4日", "共29家"))):
        pdf = convert(book, "pdf", tmp_path / "pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
        assert re.search(r"Pages:\s+1\n", info), (book.name, info)  # one page for the samples' 30 institutions
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)  # A4 portrait
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout.replace(" ", "")
        for words in must:
            assert words in text, (book.name, words)
        heights = [h for _, h, word in _pdf_words(pdf)]
        assert min(heights) >= 7.0, (book.name, min(heights))  # legible: not shrunk to fit


# ---- the window does every step, with the command line's results ---------------------------------


def test_the_window_publishes_and_names_as_the_command_line_does(flow, tmp_path, capsys):
    """The star task's 决定工作簿, 公示开始日期 and 命名日期 fields: the same workbooks, cell for cell."""
    from test_job_parity import as_cli, cell_values, without_paths  # noqa: PLC0415 — shared test helpers

    from tuoyu_excel.gui.model import TASK_STAR, TaskParams  # noqa: PLC0415
    from tuoyu_excel.gui.window import run_task  # noqa: PLC0415

    folder, _, final, base = flow
    checked = fill_checks(final, tmp_path / "已核查.xlsx", {WITHHELD_NAME: ("不予命名", WITHHELD_BASIS)})
    steps = [(str(base / "已裁定.xlsx"), ["--notice-date", NOTICE], {"notice_date": NOTICE}),
             (str(checked), ["--name-date", NAMED], {"name_date": NAMED})]
    for n, (decisions, flags, fields) in enumerate(steps):
        cli_out, gui_out = tmp_path / f"命令行{n}", tmp_path / f"窗口{n}"
        cli_out.mkdir()
        code, text, _ = star(capsys, folder, cli_out, "--rulings", decisions, *flags)
        outcome = run_task(TaskParams(task=TASK_STAR, input_dir=str(folder), date=DATE, history=str(HISTORY),
                                      rulings=decisions, output_dir=str(gui_out), **fields))
        assert outcome.status == code == 0
        assert without_paths(as_cli(outcome.lines), gui_out) == without_paths(text.splitlines(), cli_out)
        names = sorted(p.name for p in cli_out.iterdir())
        assert names == sorted(p.name for p in gui_out.iterdir()) == sorted(p.name for p in outcome.outputs)
        for name in names:
            assert cell_values(gui_out / name) == cell_values(cli_out / name), name
    assert "历史评定记录_更新至20261204.xlsx" in names and "柳州市星级托育机构名单_20261204.xlsx" in names


def test_the_real_window_names_the_checked_list(flow, tmp_path):
    """Clicked through under Xvfb: 决定工作簿 and 命名日期 typed into the window reach the naming run."""
    from test_gui_parity import drive  # noqa: PLC0415 — the Xvfb driver of the window tests

    from tuoyu_excel.gui.model import TASK_STAR, TaskParams  # noqa: PLC0415

    folder, _, final, _ = flow
    checked = fill_checks(final, tmp_path / "已核查.xlsx", {WITHHELD_NAME: ("不予命名", WITHHELD_BASIS)})
    params = TaskParams(task=TASK_STAR, input_dir=str(folder), date=DATE, history=str(HISTORY), rulings=str(checked),
                        name_date=NAMED, output_dir=str(tmp_path / "窗口"))
    shown = drive(params, tmp_path)
    assert shown["told"] == [], shown
    assert sorted(Path(p).name for p in shown["outputs"]) == [
        "历史评定记录_更新至20261204.xlsx", "星级评定结果_命名_20261204.xlsx", "柳州市星级托育机构名单_20261204.xlsx"]
    assert "命名星级托育机构 29 家" in shown["summary"] and WITHHELD_NAME in shown["summary"]
