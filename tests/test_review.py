"""复审 and 动态管理 end to end: `tuoyu review` → the 复审结果 → the commission's decisions → the updated
history → the next `tuoyu star --history`.

《柳州市托育机构星级评定工作方案》四（一）“获得星级的托育机构，每3年复审1次。由星级托育机构向所在县区卫生健康局
申请，县区卫生健康局按照柳州市星级托育机构评估标准进行审核验收并上报市卫生健康委，对复审不合格的作出限期整改或
降级处理。已定级的托育机构1年后方可申报高一等级的评审。” 四（二）“……情况属实的，给予撤销称号处理。”
四（三）“对发现问题的责令限期整改，拒不整改或整改达不到要求的……市卫生健康委视情给予降级或撤销称号处理。”
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from office import convert
from support.results import EVAL_DATE, Inst, code_for, make_folder, sheet_rows
from test_history import history_book

from tuoyu_excel.app.jobs import RUNNERS, run_job
from tuoyu_excel.app.params import JOB_REVIEW, DecisionsRefused, JobError, JobParams
from tuoyu_excel.app.review import run_review
from tuoyu_excel.cli.main import main
from tuoyu_excel.intake.history import read_history
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout.history import COLUMNS, kept_history_name
from tuoyu_excel.layout.results import REVIEW_HEADERS, REVIEWS
from tuoyu_excel.render.decision_sheet import fill_decisions
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.dump import dump_rubric_toml

STAR = load_rubric("liuzhou_star")
DAY = EVAL_DATE.isoformat()  # 2026-11-22: the review
DECIDED = dt.date(2026, 12, 10)  # the commission's decisions
NAMES = ("甲", "乙", "丙", "丁")
INSTS = [Inst("甲", "城中区", total=D(900), seed=901),  # 三星级 since exactly 3 years: 合格
         Inst("乙", "城中区", total=D(700), seed=902),  # 二星级, below 750: 不合格, first failure
         Inst("丙", "鱼峰区", total=D(700), seed=903),  # 二星级, 限期整改 ran out: 不合格 again
         Inst("丁", "柳南区", total=D(900), seed=904)]  # no star in the history: not reviewable
CODE = {i.name: i.code for i in INSTS}
OVERDUE, SHORT = code_for(905), code_for(906)
HISTORY = [
    [CODE["甲"], "甲", "三星级", dt.date(2023, 11, 22), "有效"],
    [CODE["乙"], "乙", "二星级", dt.date(2023, 6, 1), "有效"],
    [CODE["丙"], "丙", "二星级", dt.date(2022, 1, 1), "有效"],
    [CODE["丙"], "丙", "二星级", dt.date(2025, 6, 1), "限期整改", dt.date(2026, 6, 1)],
    [OVERDUE, "戊", "一星级", dt.date(2023, 1, 1), "有效"],  # due, no workbook: 逾期未复审
    [SHORT, "己", "一星级", dt.date(2023, 11, 23), "有效"],  # one day short of 3 years: not yet due
]


def review(capsys, folder: Path, *more: str) -> tuple[int, str]:
    code = main(["review", str(folder), *more])
    got = capsys.readouterr()
    return code, got.out + got.err


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    base = tmp_path_factory.mktemp("review")
    template = write_template(STAR, base / "template")
    folder = make_folder(base / "复审", template, STAR, INSTS)
    history = history_book(base / "历史评定记录.xlsx", HISTORY, headers=COLUMNS)
    return base, folder, history, template


@pytest.fixture(scope="module")
def results(flow):
    base, folder, history, _ = flow
    out = base / "结果" / "复审结果.xlsx"
    code = main(["review", str(folder), "--history", str(history), "--date", DAY, "-o", str(out)])
    return code, out


def _rows(path: Path) -> dict[str, dict]:
    return {r["机构名称"]: r for r in sheet_rows(openpyxl.load_workbook(path), REVIEWS.name, first="序号")}


def test_the_review_judges_each_institution_and_proposes(results):
    # 四（一）“按照……评估标准进行审核验收……对复审不合格的作出限期整改或降级处理”
    code, out = results
    assert code == 1  # 丁 holds no star: not reviewable
    rows = _rows(out)
    assert list(rows) == ["甲", "乙", "丙"]
    assert [(rows[n]["现星级"], rows[n]["复审结论"], rows[n]["建议处理"]) for n in rows] == [
        ("三星级", "合格", "保持星级"), ("二星级", "不合格", "限期整改"), ("二星级", "不合格", "降级为一星级")]
    assert rows["甲"]["评定条件"] == "全部符合" and rows["甲"]["定级或复审日期"].date() == dt.date(2023, 11, 22)
    assert "低于 750 分" in rows["乙"]["评定条件"]
    assert "已责令限期整改，期限 2026年6月1日" in rows["丙"]["评定条件"]
    assert all(rows[n]["处理决定"] is None for n in rows)


def test_the_dropdown_offers_only_lower_stars(results):
    _, out = results
    ws = openpyxl.load_workbook(out)[REVIEWS.name]
    col = "ABCDEFGHIJKLMN"[REVIEW_HEADERS.index("处理决定")]
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"}
    by_name = {ws[f"B{c[1:]}"].value: f for c, f in lists.items() if c.startswith(col)}
    assert by_name == {"甲": '"通过,限期整改,降级为二星级,降级为一星级,撤销"', "乙": '"通过,限期整改,降级为一星级,撤销"',
                       "丙": '"通过,限期整改,降级为一星级,撤销"'}
    assert ws.protection.sheet and ws[_cell(results, "甲", "处理决定")].protection.locked is False
    assert ws[_cell(results, "甲", "复审结论")].protection.locked is True


def test_overdue_and_not_reviewable_are_listed(results):
    # “每3年复审1次”: due on the day three years on (戊, 2023-01-01), not a day before (己)
    _, out = results
    wb = openpyxl.load_workbook(out)
    overdue = [r[0] for r in wb["逾期未复审"].iter_rows(values_only=True)]
    assert "戊" in overdue and "己" not in overdue and "甲" not in overdue
    skipped = [r for r in wb["不可复审"].iter_rows(values_only=True) if r[1] == "丁"]
    assert skipped and "历史评定记录中没有该机构的星级" in skipped[0][2] and skipped[0][0].endswith(".xlsx")
    issues = [r for r in wb["校验问题"].iter_rows(values_only=True) if r[-1] == "NOT_REVIEWABLE"]
    assert len(issues) == 1 and issues[0][0] == skipped[0][0]


def _decided(results, tmp_path: Path, decisions: dict[str, tuple]) -> Path:
    _, out = results
    return fill_decisions(out, tmp_path / "已处理.xlsx", REVIEWS, {CODE[n]: d for n, d in decisions.items()})


GOOD = {"甲": ("通过", "复审报告 2026-01 号", None),
        "乙": ("限期整改", "整改通知 2026-02 号", dt.datetime(2027, 6, 30)),
        "丙": ("降级为一星级", "整改后复审仍不合格", None)}


@pytest.fixture(scope="module")
def updated(flow, results, tmp_path_factory):
    base, folder, history, _ = flow
    where = tmp_path_factory.mktemp("decided")
    decisions = _decided(results, where, GOOD)
    code = main(["review", str(folder), "--history", str(history), "--decisions", str(decisions),
                 "--date", DECIDED.isoformat(), "-o", str(where / "out")])
    return code, where / "out" / kept_history_name(DECIDED)


def test_decisions_become_history_rows(updated):
    code, kept = updated
    assert code == 0 and kept.name == "历史评定记录_更新至20261210.xlsx"
    read = read_history(kept, STAR)
    assert read.issues == []
    new = [(r.name, r.star, r.status, r.deadline) for r in read.records if r.date == DECIDED]
    assert new == [("甲", "三星级", "复审通过", None), ("乙", "二星级", "限期整改", dt.date(2027, 6, 30)),
                   ("丙", "一星级", "降级", None)]
    assert len(read.records) == len(HISTORY) + 3  # every earlier row kept


def test_the_updated_history_drives_the_next_star_run(updated, flow, tmp_path, capsys):
    # 合格 restarts the 3-year clock; 限期整改 keeps the star and the review due, then 整改到期;
    # 降级 is a new 定级: “已定级的托育机构1年后方可申报高一等级的评审”
    _, kept = updated
    _, _, _, template = flow
    folder = make_folder(tmp_path / "明年", template, STAR,
                         [Inst("丙", "鱼峰区", total=D(990), seed=903), Inst("乙", "城中区", total=D(960), seed=902)])
    out = tmp_path / "r.xlsx"
    code = main(["star", str(folder), "--history", str(kept), "--date", "2027-07-01", "-o", str(out)])
    text = capsys.readouterr().out
    assert code in (0, 1), text
    rows = {r["机构名称"]: r for r in sheet_rows(openpyxl.load_workbook(out), "星级评定结果")}
    assert rows["丙"]["评定星级"] == "一星级" and "2026年12月10日 已降为一星级，不满 1 年" in rows["丙"]["备注"]
    assert "整改到期：2026年12月10日 复审责令限期整改，期限 2027年6月30日，现为二星级" in rows["乙"]["备注"]
    info = list(openpyxl.load_workbook(out)["运行信息"].iter_rows(values_only=True))
    start = next(n for n, r in enumerate(info) if r[0] == "复审到期（评定满 3 年）")
    due = {r[0]: r[4] for r in info[start + 1:]}
    assert due == {"戊": "复审到期", "乙": "整改到期", "己": "复审到期"}  # 甲's clock restarted on 2026-12-10


def test_a_revoked_institution_may_apply_again_as_new(flow, results, tmp_path, capsys):
    # 四（二）“给予撤销称号处理”: after a 撤销 the institution holds no star; a later star run ranks it as new
    base, folder, history, template = flow
    decisions = _decided(results, tmp_path, {"乙": ("撤销", "四（二）第3项：发生重大安全事故", None)})
    code, text = review(capsys, folder, "--history", str(history), "--decisions", str(decisions),
                        "--date", DECIDED.isoformat(), "-o", str(tmp_path / "h"))
    assert code == 0, text
    assert "尚未决定的 2 家未写入：甲、丙" in text
    kept = tmp_path / "h" / kept_history_name(DECIDED)
    again = make_folder(tmp_path / "新申报", template, STAR, [Inst("乙", "城中区", total=D(960), seed=902)])
    out = tmp_path / "r.xlsx"
    assert main(["star", str(again), "--history", str(kept), "--date", "2027-03-01", "-o", str(out)]) in (0, 1)
    row = {r["机构名称"]: r for r in sheet_rows(openpyxl.load_workbook(out), "星级评定结果")}["乙"]
    assert row["评定星级"] == "三星级" and row["备注"] == "曾于 2026年12月10日 被撤销二星级称号"
    capsys.readouterr()
    code, text = review(capsys, folder, "--history", str(kept), "--date", "2027-03-01", "-o", str(tmp_path / "x"))
    assert "已于 2026年12月10日 被撤销二星级称号" in text  # no longer reviewable


def _cell(results, name: str, header: str) -> str:
    _, out = results
    ws = openpyxl.load_workbook(out)[REVIEWS.name]
    row = next(c.row for c in ws["B"] if c.value == name)
    return f"{'ABCDEFGHIJKLMN'[REVIEW_HEADERS.index(header)]}{row}"


REFUSALS = [
    ({"乙": ("升级为三星级", "x", None)}, "REVIEW_VALUE_OUTSIDE", "乙", "处理决定", "本行只能为"),
    ({"乙": ("降级为二星级", "x", None)}, "REVIEW_NOT_LOWER", "乙", "处理决定", "不是降低星级"),
    ({"乙": ("降级为三星级", "x", None)}, "REVIEW_NOT_LOWER", "乙", "处理决定", "不是降低星级"),
    ({"乙": ("限期整改", "x", None)}, "REVIEW_DATE_MISSING", "乙", "整改期限", "请填写整改期限"),
    ({"乙": ("限期整改", "x", dt.datetime(2026, 12, 9))}, "REVIEW_DEADLINE_EARLY", "乙", "整改期限", "早于处理日期"),
    ({"乙": ("限期整改", "x", "下个月")}, "REVIEW_DATE_INVALID", "乙", "整改期限", "不是有效日期"),
    ({"甲": ("通过", "x", dt.datetime(2027, 6, 30))}, "REVIEW_DATE_UNUSED", "甲", "整改期限", "只用于“限期整改”"),
    ({"甲": ("通过", "", None)}, "REVIEW_BASIS_MISSING", "甲", "依据", "须写明依据"),
    ({"丙": ("撤销", "", None)}, "REVIEW_BASIS_MISSING", "丙", "依据", "须写明依据"),
]


@pytest.mark.parametrize(("decisions", "code", "who", "header", "words"), REFUSALS)
def test_every_refusal_names_its_cell_and_writes_nothing(flow, results, tmp_path, capsys, decisions, code, who,
                                                         header, words):
    _, folder, history, _ = flow
    filled = _decided(results, tmp_path, decisions)
    out = tmp_path / "out"
    got, text = review(capsys, folder, "--history", str(history), "--decisions", str(filled), "--date",
                       DECIDED.isoformat(), "-o", str(out))
    assert got == 2
    assert f"已处理.xlsx “复审处理”工作表 {_cell(results, who, header)} 单元格" in text and words in text
    assert "未生成任何文件" in text and not out.exists()


def test_decisions_from_another_folder_or_history_are_refused(flow, results, tmp_path, capsys):
    # rows that no longer match this run: another folder (乙 missing), another history (甲's star changed)
    _, folder, history, template = flow
    filled = _decided(results, tmp_path, GOOD)
    fewer = make_folder(tmp_path / "少一家", template, STAR, [i for i in INSTS if i.name != "乙"])
    got, text = review(capsys, fewer, "--history", str(history), "--decisions", str(filled), "--date",
                       DECIDED.isoformat(), "-o", str(tmp_path / "a"))
    assert got == 2 and "REVIEW" not in text and "不在本次复审的机构中" in text
    assert f"{_cell(results, '乙', '统一社会信用代码')} 单元格" in text and not (tmp_path / "a").exists()
    other = history_book(tmp_path / "另一份.xlsx", [[CODE["甲"], "甲", "二星级", dt.date(2023, 1, 1), "有效"], *HISTORY[1:]],
                         headers=COLUMNS)
    got, text = review(capsys, folder, "--history", str(other), "--decisions", str(filled), "--date",
                       DECIDED.isoformat(), "-o", str(tmp_path / "b"))
    assert got == 2 and f"{_cell(results, '甲', '现星级')} 单元格" in text and "现星级为三星级" in text
    assert not (tmp_path / "b").exists()


def test_decisions_dated_before_the_review_are_refused(flow, results, tmp_path, capsys):
    _, folder, history, _ = flow
    filled = _decided(results, tmp_path, GOOD)
    got, text = review(capsys, folder, "--history", str(history), "--decisions", str(filled), "--date", "2026-11-21",
                       "-o", str(tmp_path / "a"))
    assert got == 2 and "处理日期 2026-11-21 早于复审日期 2026-11-22" in text
    ws = openpyxl.load_workbook(results[1])[REVIEWS.name]
    label = next(c for row in ws.iter_rows() for c in row if c.value == "复审日期")
    assert f"“复审处理”工作表 {label.offset(0, 1).coordinate} 单元格" in text and not (tmp_path / "a").exists()


def test_the_review_needs_a_history(flow, capsys):
    _, folder, _, _ = flow
    with pytest.raises(SystemExit) as exit_:
        main(["review", str(folder)])
    assert exit_.value.code == 2 and "--history" in capsys.readouterr().err


def test_the_job_takes_job_params_as_the_window_will(flow, results, tmp_path):
    """One job function for the CLI and the (coming) window task: JobParams in, Outcome out, refusals as
    DecisionsRefused with every problem (exit 2 in the CLI)."""
    _, folder, history, _ = flow
    assert RUNNERS[JOB_REVIEW] is run_review
    got = run_job(JobParams(job=JOB_REVIEW, source=folder, history=history, eval_date=EVAL_DATE,
                            output=tmp_path / "窗口", output_is_folder=True))
    assert got.status == 1 and [p.name for p in got.outputs] == ["复审结果_20261122.xlsx"]
    assert _rows(got.outputs[0]) == _rows(results[1])
    with pytest.raises(JobError, match="复审须指定历史评定记录"):
        run_job(JobParams(job=JOB_REVIEW, source=folder, eval_date=EVAL_DATE, output=tmp_path / "无"))
    bad = _decided(results, tmp_path, {"甲": ("通过", "", None), "乙": ("降级为二星级", "x", None)})
    with pytest.raises(DecisionsRefused) as refused:
        run_job(JobParams(job=JOB_REVIEW, source=folder, history=history, decisions=bad, eval_date=DECIDED,
                          output=tmp_path / "无"))
    assert len(refused.value.problems) == 3 and not (tmp_path / "无").exists()


def test_a_rubric_may_ask_a_minimum_score_of_each_star(flow, tmp_path, capsys):
    """“合格” is rubric data: with 复审最低分 [750, 800, 950] a 三星级 scoring 900 no longer passes."""
    _, folder, history, _ = flow
    strict = dataclasses.replace(STAR, star=dataclasses.replace(STAR.star, review_min_scores=(D(750), D(800), D(950))))
    rules = tmp_path / "复审从严.toml"
    rules.write_text(dump_rubric_toml(strict), encoding="utf-8")
    out = tmp_path / "r.xlsx"
    code, text = review(capsys, folder, "--history", str(history), "--date", DAY, "--rubric", str(rules), "-o", str(out))
    assert code == 1, text
    row = _rows(out)["甲"]
    assert (row["复审结论"], row["建议处理"]) == ("不合格", "限期整改")
    assert row["评定条件"] == "复审得分 900 分，低于三星级的复审最低分 950 分"


@pytest.mark.office
def test_the_review_sheet_prints_on_a4_landscape(results, tmp_path):
    """Printable like the other results: heading, the table, the signature line, A4 landscape, one page wide."""
    _, out = results
    wb = openpyxl.load_workbook(out)
    for name in wb.sheetnames[1:]:
        del wb[name]
    book = tmp_path / "复审处理.xlsx"
    wb.save(book)
    pdf = convert(book, "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert re.search(r"Pages:\s+1\n", info) and re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts", info), info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout.replace(" ", "")
    for words in ("柳州市托育机构星级评定——复审结果", "复审日期：2026年11月22日", "降级为一星级", "制表人", "审核人"):
        assert words in text, words


def test_the_window_reviews_and_decides_as_the_command_line_does(flow, results, tmp_path, capsys):
    """The window's 复审 task (the 7th): the review, then the decisions, give the command line's workbooks
    cell for cell, and the same summary but for the how-to hints."""
    from test_job_parity import as_cli, cell_values, without_paths  # noqa: PLC0415 — shared test helpers

    from tuoyu_excel.gui.model import TASK_REVIEW, TASKS, TaskParams  # noqa: PLC0415
    from tuoyu_excel.gui.window import run_task  # noqa: PLC0415

    assert TASKS.index(TASK_REVIEW) == 6
    _, folder, history, _ = flow
    decided = _decided(results, tmp_path, GOOD)
    for n, (day, more, fields) in enumerate([(DAY, [], {}),
                                             (DECIDED.isoformat(), ["--decisions", str(decided)],
                                              {"decisions": str(decided)})]):
        cli_out, gui_out = tmp_path / f"命令行{n}", tmp_path / f"窗口{n}"
        cli_out.mkdir()
        code, text = review(capsys, folder, "--history", str(history), "--date", day, "-o", str(cli_out), *more)
        outcome = run_task(TaskParams(task=TASK_REVIEW, input_dir=str(folder), history=str(history), date=day,
                                      output_dir=str(gui_out), **fields))
        assert outcome.status == code
        assert without_paths(as_cli(outcome.lines), gui_out) == without_paths(text.splitlines(), cli_out)
        names = sorted(p.name for p in cli_out.iterdir())
        assert names == sorted(p.name for p in gui_out.iterdir()) == sorted(p.name for p in outcome.outputs)
        for name in names:
            assert cell_values(gui_out / name) == cell_values(cli_out / name), name
    assert any(name.startswith("历史评定记录_更新至") for name in names)
