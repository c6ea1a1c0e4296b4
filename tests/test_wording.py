"""Summary lines carry their weight (action / warning) and word their how-to hints by the shell that asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.app.params import JOB_CHECK, JOB_STAR, JobParams
from tuoyu_excel.app.wording import (
    ACTION,
    CLI,
    WARN,
    WINDOW,
    action,
    flagged,
    headline,
    hint,
    level_of,
    shell_words,
    warn,
)

ROOT = Path(__file__).resolve().parents[1]
STAR = ROOT / "samples" / "star"
DATE = "2026-11-22"

def test_a_flagged_line_is_still_the_plain_text():
    line = action("注意：有 2 家机构待裁定", "有 2 家待裁定")
    assert line == "注意：有 2 家机构待裁定" and "\n".join(["a", line]) == "a\n注意：有 2 家机构待裁定"
    assert level_of(line) == ACTION and level_of(warn("x")) == WARN and level_of("x") == ""
    lines = ["头", warn("警告一", "警告"), "中", action("要做的事", "要做"), action("  续行")]
    assert flagged(lines) == ["要做的事", "  续行", "警告一"]
    assert headline(lines) == "要做；警告"
    with pytest.raises(ValueError):
        action("x").__class__("x", "loud")

def test_hints_follow_the_shell():
    assert "--rulings" in hint("rulings")
    with shell_words(WINDOW):
        assert "--" not in hint("rulings") and "决定工作簿" in hint("rulings")
        assert "tuoyu" not in hint("rubric_check", file="规则.xlsx")
    with shell_words(CLI):
        assert hint("rubric_check", file="规则.xlsx").endswith("tuoyu rubric check 规则.xlsx")

@pytest.fixture(scope="module")
def star_runs(tmp_path_factory):
    """The samples without a history file, once from the command line and once from the window."""

    runs = {}
    for shell in (CLI, WINDOW):
        out = tmp_path_factory.mktemp(shell)
        runs[shell] = run_job(JobParams(job=JOB_STAR, shell=shell, source=STAR, output=out, output_is_folder=True,
                                        eval_date=dt.date.fromisoformat(DATE)))
    return runs

def test_star_without_history_leads_with_what_to_do(star_runs):
    cli, window = star_runs[CLI], star_runs[WINDOW]
    first = flagged(window.lines)
    assert len(flagged(cli.lines)) == len(first)  # the same lines, each worded for its shell
    assert first[0].startswith("注意：有 ") and "待裁定" in first[0]
    assert any(line.startswith("注意：未使用历史评定记录") for line in first[:3])
    assert headline(window.lines).startswith("有 ") and "未使用历史评定记录" in headline(window.lines)
    cli_text, window_text = "\n".join(cli.lines), "\n".join(window.lines)
    assert "--rulings <该结果工作簿>" in cli_text and "--history" in cli_text
    assert "--" not in window_text and "在“决定工作簿（裁定/公示核查）”中选择该结果工作簿" in window_text
    assert "在“历史评定记录（建议选上）”中选择后重新运行" in window_text
    # the command line keeps its order: the counts before the notices
    assert cli.lines.index(flagged(cli.lines)[0]) > 3 and cli.lines[1].startswith("共读取")

def test_check_lists_problem_files_first_and_never_calls_an_unmet_condition_passed(tmp_path):

    outcome = run_job(JobParams(job=JOB_CHECK, source=STAR, output=tmp_path, output_is_folder=True,
                                eval_date=dt.date.fromisoformat(DATE)))
    end = next(i for i, line in enumerate(outcome.lines) if i > 2 and not line.startswith("  "))
    files = outcome.lines[3:end]  # the file lines, after the three count lines
    order = [("无法读取" in f or "有错误" in f.split("，")[0], "有警告" in f.split("，")[0]) for f in files]
    errors_end = max(i for i, (bad, _) in enumerate(order) if bad)
    assert all(bad for bad, _ in order[:errors_end + 1])
    assert files[-1].split("：")[1].startswith("通过，综合得分")
    unmet = [f for f in files if "未达评定条件" in f]
    assert unmet and not any("通过" in f.split("（")[0] for f in unmet)
    assert any("表格校验通过" in f for f in unmet)
    assert "有错误或无法读取" in headline(outcome.lines)


def test_the_window_names_a_rule_by_its_title(tmp_path):
    lines = {}
    for shell in (CLI, WINDOW):
        out = tmp_path / shell
        lines[shell] = "\n".join(run_job(JobParams(job="rubric", action="export", rubric="guangxi_demo_city",
                                                   shell=shell, output=out, output_is_folder=True)).lines)
    assert "guangxi_demo_city" in lines[CLI] and "校验码" in lines[CLI] and "tuoyu rubric check" in lines[CLI]
    assert "《广西开展全国婴幼儿照护服务示范城市创建活动评分细则》（示范城市创建" in lines[WINDOW]
    assert not any(word in lines[WINDOW] for word in ("guangxi_demo_city", "校验码", "tuoyu", "--"))
